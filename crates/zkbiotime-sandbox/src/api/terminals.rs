//! `/iclock/api/terminals/`: read-only devices.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::params;
use serde::Serialize;

use super::employees::AreaRef;
use super::filters::Filters;
use super::{Versioned, list_page, object};
use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::index::ListQuery;
use crate::json::Obj;
use crate::paging::RequestUrl;
use crate::state::AppState;
use crate::version::ServerVersion;

#[derive(Serialize)]
pub struct Terminal {
    id: i64,
    sn: String,
    ip_address: Option<String>,
    alias: Option<String>,
    terminal_name: Option<String>,
    fw_ver: Option<String>,
    push_ver: Option<String>,
    state: Option<String>,
    terminal_tz: Option<i64>,
    area: Option<AreaRef>,
    last_activity: Option<String>,
    user_count: Option<i64>,
    fp_count: Option<i64>,
    face_count: Option<i64>,
    palm_count: Option<i64>,
    transaction_count: Option<i64>,
    push_time: Option<String>,
    transfer_time: Option<String>,
    transfer_interval: Option<i64>,
    is_attendance: Option<i64>,
    area_name: Option<String>,
}

fn load(store: &Store, id: i64) -> rusqlite::Result<Option<Terminal>> {
    let mut stmt = store.conn.prepare_cached(
        "SELECT t.id, t.sn, t.ip_address, t.alias, t.terminal_name, t.fw_ver, t.push_ver,
                t.state, t.terminal_tz, a.id, a.area_code, a.area_name, t.last_activity,
                t.user_count, t.fp_count, t.face_count, t.palm_count, t.transaction_count,
                t.push_time, t.transfer_time, t.transfer_interval, t.is_attendance
         FROM terminal t LEFT JOIN area a ON a.id = t.area WHERE t.id = ?",
    )?;
    let mut rows = stmt.query(params![id])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let area = match r.get::<_, Option<i64>>(9)? {
        Some(id) => Some(AreaRef { id, area_code: r.get(10)?, area_name: r.get(11)? }),
        None => None,
    };
    Ok(Some(Terminal {
        id: r.get(0)?,
        sn: r.get(1)?,
        ip_address: r.get(2)?,
        alias: r.get(3)?,
        terminal_name: r.get(4)?,
        fw_ver: r.get(5)?,
        push_ver: r.get(6)?,
        state: r.get(7)?,
        terminal_tz: r.get(8)?,
        area_name: area.as_ref().map(|a| a.area_name.clone()),
        area,
        last_activity: r.get(12)?,
        user_count: r.get(13)?,
        fp_count: r.get(14)?,
        face_count: r.get(15)?,
        palm_count: r.get(16)?,
        transaction_count: r.get(17)?,
        push_time: r.get(18)?,
        transfer_time: r.get(19)?,
        transfer_interval: r.get(20)?,
        is_attendance: r.get(21)?,
    }))
}

fn reshape(version: ServerVersion, t: &Terminal) -> ApiResult<Obj> {
    let json = serde_json::to_value(t).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(version.terminal(json))
}

pub async fn list(state: &Arc<AppState>, url: RequestUrl) -> ApiResult<Response> {
    let version = state.config.server_version;
    list_page(
        state,
        url,
        |store, q| {
            let mut f = Filters::new(q);
            f.exact("sn", "sn = ?");
            f.exact("alias", "alias = ?");
            f.foreign(store, "area", "area = ?", Table::Area);
            f.exact("state", "state = ?");
            f.icontains("sn_icontains", "sn LIKE ? ESCAPE '\\'");
            f.icontains("alias_icontains", "alias LIKE ? ESCAPE '\\'");
            let mut lq = ListQuery::new(Table::Terminal);
            lq.filters = f.finish()?;
            Ok(lq)
        },
        move |store, ids| {
            let mut out = Vec::with_capacity(ids.len());
            for &id in ids {
                out.extend(load(store, id)?);
            }
            if !version.reshapes() {
                return Ok(Versioned::Typed(out));
            }
            let shaped: Vec<Obj> =
                out.iter().map(|t| reshape(version, t)).collect::<ApiResult<_>>()?;
            Ok(Versioned::Reshaped(shaped))
        },
    )
    .await
}

pub async fn get(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    let t = state.db.run(move |store| load(store, id)?.ok_or(ApiError::NotFound)).await?;
    if version.reshapes() {
        return object(StatusCode::OK, &reshape(version, &t)?);
    }
    object(StatusCode::OK, &t)
}
