//! `/iclock/api/terminals/`: devices. Reads as in the 9.0 manual; create, update and delete
//! as D80 (the scraped API docs, `shared/notes/server-versions.md` §3 "Terminals") documents
//! them. The device actions (`reboot/`, `clear_all/`, ...) are in `super::actions`.
//!
//! Documented (D80): the create body `{sn, alias, ip_address, terminal_tz, heartbeat, area}`
//! with sn, alias and ip_address required (heartbeat defaults to 10), PUT with the same body
//! (the same fields required), DELETE ("Response: None"), create answering the read shape.
//!
//! Inferred, where the sources are silent:
//! - a new terminal reads like D80's create answer: `state` "1", `transfer_time`
//!   "00:00;14:05", `transfer_interval` 1, `is_attendance` 1, `terminal_tz` 8 when absent;
//!   the counts, versions and times stay null until a device would report them;
//! - `sn` is unique ("terminal with this sn already exists."); `ip_address` must be an IPv4
//!   or IPv6 address (Django's GenericIPAddressField message);
//! - `heartbeat` is checked (an integer) but not stored: no read shape carries it;
//! - PATCH is partial, PUT full (DRF); update answers the read shape;
//! - deleting a terminal keeps its punches (they carry `terminal_sn` as text).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter};
use serde::Serialize;
use serde_json::{Map, Value};

use super::employees::AreaRef;
use super::filters::Filters;
use super::{Versioned, deleted, list_page, object};
use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::index::ListQuery;
use crate::json::Obj;
use crate::paging::RequestUrl;
use crate::state::AppState;
use crate::validate::Form;
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

/// Validated columns of a create (`partial == false`), a PUT (`partial == false`) or a PATCH.
fn validate(
    store: &Store,
    body: &Map<String, Value>,
    partial: bool,
    this: Option<i64>,
) -> ApiResult<Vec<(&'static str, SqlValue)>> {
    let mut form = Form::new(body, partial);
    let mut set = Vec::new();
    if let Some(Some(sn)) = form.char("sn", true, false, false) {
        let taken = store
            .conn
            .prepare_cached("SELECT 1 FROM terminal WHERE sn = ? AND id IS NOT ?")?
            .exists(params![sn, this])?;
        if taken {
            form.error("sn", "terminal with this sn already exists.");
        } else {
            set.push(("sn", SqlValue::Text(sn)));
        }
    }
    if let Some(Some(alias)) = form.char("alias", true, false, false) {
        set.push(("alias", SqlValue::Text(alias)));
    }
    if let Some(Some(ip)) = form.char("ip_address", true, false, false) {
        if ip.parse::<std::net::IpAddr>().is_ok() {
            set.push(("ip_address", SqlValue::Text(ip)));
        } else {
            form.error("ip_address", "Enter a valid IPv4 or IPv6 address.");
        }
    }
    if let Some(tz) = form.int("terminal_tz", false, true) {
        set.push(("terminal_tz", tz.map_or(SqlValue::Null, SqlValue::Integer)));
    }
    // Checked, not stored: no read shape has it (D80: default 10).
    let _ = form.int("heartbeat", false, true);
    let mut exists = |id: i64| store.exists(Table::Area, id);
    if let Some(area) = form.pk("area", false, true, &mut exists) {
        set.push(("area", area.map_or(SqlValue::Null, SqlValue::Integer)));
    }
    form.finish()?;
    Ok(set)
}

/// The read shape of one terminal, in the version's form.
fn answer(version: ServerVersion, status: StatusCode, t: &Terminal) -> ApiResult<Response> {
    if version.reshapes() {
        return object(status, &reshape(version, t)?);
    }
    object(status, t)
}

/// `POST /iclock/api/terminals/` (D80).
pub async fn create(state: &Arc<AppState>, body: Map<String, Value>) -> ApiResult<Response> {
    let version = state.config.server_version;
    let t = state
        .db
        .run(move |store| {
            let mut set = validate(store, &body, false, None)?;
            // A new device as D80's create answer shows one (inferred defaults).
            let defaults: [(&str, SqlValue); 5] = [
                ("terminal_tz", SqlValue::Integer(8)),
                ("state", SqlValue::Text("1".into())),
                ("transfer_time", SqlValue::Text("00:00;14:05".into())),
                ("transfer_interval", SqlValue::Integer(1)),
                ("is_attendance", SqlValue::Integer(1)),
            ];
            for (c, v) in defaults {
                if !set.iter().any(|(x, _)| *x == c) {
                    set.push((c, v));
                }
            }
            let cols: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
            let marks = vec!["?"; cols.len()].join(", ");
            store.conn.execute(
                &format!("INSERT INTO terminal ({}) VALUES ({marks})", cols.join(", ")),
                params_from_iter(set.into_iter().map(|(_, v)| v)),
            )?;
            let id = store.conn.last_insert_rowid();
            store.touch(Table::Terminal);
            load(store, id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    answer(version, StatusCode::CREATED, &t)
}

/// `PUT` (full, as D80 documents it) and `PATCH` (partial) on `/iclock/api/terminals/{id}/`.
pub async fn update(
    state: &Arc<AppState>,
    id: i64,
    body: Map<String, Value>,
    partial: bool,
) -> ApiResult<Response> {
    let version = state.config.server_version;
    let t = state
        .db
        .run(move |store| {
            if !store.exists(Table::Terminal, id) {
                return Err(ApiError::NotFound);
            }
            let set = validate(store, &body, partial, Some(id))?;
            if !set.is_empty() {
                let assignments: Vec<String> =
                    set.iter().map(|(c, _)| format!("{c} = ?")).collect();
                let mut vals: Vec<SqlValue> = set.into_iter().map(|(_, v)| v).collect();
                vals.push(SqlValue::Integer(id));
                store.conn.execute(
                    &format!("UPDATE terminal SET {} WHERE id = ?", assignments.join(", ")),
                    params_from_iter(vals),
                )?;
                store.touch(Table::Terminal);
            }
            load(store, id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    answer(version, StatusCode::OK, &t)
}

/// `DELETE /iclock/api/terminals/{id}/`; the terminal's punches stay (inferred).
pub async fn delete(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    state
        .db
        .run(move |store| {
            if store.conn.execute("DELETE FROM terminal WHERE id = ?", [id])? == 0 {
                return Err(ApiError::NotFound);
            }
            store.touch(Table::Terminal);
            Ok(())
        })
        .await?;
    deleted(version)
}
