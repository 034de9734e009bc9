//! `/iclock/api/transactions/`: read-only punches, filterable by employee, device and a
//! punch-time window, ordered by id (default), punch_time or upload_time.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::{Row, params};
use serde::{Serialize, Serializer};

use super::filters::Filters;
use super::{Versioned, list_page, object};
use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::index::{ListQuery, SortKey};
use crate::json::Obj;
use crate::paging::{Query, RequestUrl};
use crate::state::AppState;
use crate::version::{PunchOwner, ServerVersion};

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Transaction {
    pub id: i64,
    pub emp_code: String,
    pub punch_time: String,
    pub punch_state: Option<String>,
    pub verify_type: Option<i64>,
    pub work_code: Option<String>,
    pub terminal_sn: Option<String>,
    pub terminal_alias: Option<String>,
    pub area_alias: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub gps_location: Option<String>,
    pub mobile: Option<String>,
    pub source: Option<i64>,
    pub purpose: Option<i64>,
    pub crc: Option<String>,
    pub is_attendance: Option<i64>,
    pub reserved: Option<String>,
    pub upload_time: Option<String>,
    pub sync_status: Option<i64>,
    pub sync_time: Option<String>,
    pub is_mask: Option<i64>,
    #[serde(serialize_with = "number")]
    pub temperature: Option<f64>,
    pub emp: Option<i64>,
    pub terminal: Option<i64>,
}

/// Whole temperatures print as integers (`255`, not `255.0`), like the manual.
fn number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => s.serialize_i64(*f as i64),
        Some(f) => s.serialize_f64(*f),
        None => s.serialize_none(),
    }
}

pub const COLUMNS: &str = "id, emp_code, punch_time, punch_state, verify_type, work_code, \
    terminal_sn, terminal_alias, area_alias, longitude, latitude, gps_location, mobile, source, \
    purpose, crc, is_attendance, reserved, upload_time, sync_status, sync_time, is_mask, \
    temperature, emp, terminal";

impl Transaction {
    pub fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(Transaction {
            id: r.get(0)?,
            emp_code: r.get(1)?,
            punch_time: r.get(2)?,
            punch_state: r.get(3)?,
            verify_type: r.get(4)?,
            work_code: r.get(5)?,
            terminal_sn: r.get(6)?,
            terminal_alias: r.get(7)?,
            area_alias: r.get(8)?,
            longitude: r.get(9)?,
            latitude: r.get(10)?,
            gps_location: r.get(11)?,
            mobile: r.get(12)?,
            source: r.get(13)?,
            purpose: r.get(14)?,
            crc: r.get(15)?,
            is_attendance: r.get(16)?,
            reserved: r.get(17)?,
            upload_time: r.get(18)?,
            sync_status: r.get(19)?,
            sync_time: r.get(20)?,
            is_mask: r.get(21)?,
            temperature: r.get(22)?,
            emp: r.get(23)?,
            terminal: r.get(24)?,
        })
    }
}

pub fn load(store: &Store, id: i64) -> rusqlite::Result<Option<Transaction>> {
    let mut stmt = store
        .conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM iclock_transaction WHERE id = ?"))?;
    let mut rows = stmt.query(params![id])?;
    rows.next()?.map(Transaction::from_row).transpose()
}

/// Loads a page of rows; a contiguous id run is one range scan instead of n lookups.
fn load_many(store: &Store, ids: &[i64]) -> rusqlite::Result<Vec<Transaction>> {
    let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
        return Ok(Vec::new());
    };
    if last - first + 1 == ids.len() as i64 && ids.windows(2).all(|w| w[1] == w[0] + 1) {
        let mut stmt = store.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM iclock_transaction WHERE id >= ? AND id <= ? ORDER BY id"
        ))?;
        let rows = stmt.query_map(params![first, last], Transaction::from_row)?;
        return rows.collect();
    }
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        out.extend(load(store, id)?);
    }
    Ok(out)
}

/// The employee a punch names on 8.x / 9.5: by `emp`, else by `emp_code`.
fn owner(store: &Store, t: &Transaction) -> rusqlite::Result<PunchOwner> {
    const SELECT: &str = "SELECT e.first_name, e.last_name, d.dept_name, p.position_name
        FROM employee e LEFT JOIN department d ON d.id = e.department
        LEFT JOIN position p ON p.id = e.position WHERE ";
    let mut stmt = match t.emp {
        Some(_) => store.conn.prepare_cached(&format!("{SELECT}e.id = ?"))?,
        None => store.conn.prepare_cached(&format!("{SELECT}e.emp_code = ?"))?,
    };
    let mut rows = match t.emp {
        Some(id) => stmt.query(params![id])?,
        None => stmt.query(params![t.emp_code])?,
    };
    Ok(match rows.next()? {
        Some(r) => PunchOwner {
            first_name: r.get(0)?,
            last_name: r.get(1)?,
            department: r.get(2)?,
            position: r.get(3)?,
        },
        None => PunchOwner::default(),
    })
}

/// Rows in `version`'s shape; each employee is looked up once per page.
fn reshape(store: &Store, version: ServerVersion, rows: Vec<Transaction>) -> ApiResult<Vec<Obj>> {
    let mut owners: HashMap<(Option<i64>, String), PunchOwner> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        // Keyed as `owner` looks the employee up: by id, or by code when `emp` is null.
        let key = (t.emp, if t.emp.is_some() { String::new() } else { t.emp_code.clone() });
        if !owners.contains_key(&key) {
            owners.insert(key.clone(), owner(store, &t)?);
        }
        let json = serde_json::to_value(&t).map_err(|e| ApiError::Internal(e.to_string()))?;
        out.push(version.transaction(json, &owners[&key]));
    }
    Ok(out)
}

/// The list's filters and ordering (the export takes the same).
pub fn list_query(q: &Query) -> ApiResult<ListQuery> {
    let mut f = Filters::new(q);
    f.exact("emp_code", "emp_code = ?");
    f.exact("terminal_sn", "terminal_sn = ?");
    f.exact("terminal_alias", "terminal_alias = ?");
    f.datetime("start_time", "punch_time >= ?");
    f.datetime("end_time", "punch_time <= ?");
    let mut lq = ListQuery::new(Table::Transaction);
    lq.filters = f.finish()?;
    // Unknown orderings are ignored, as DRF's OrderingFilter does; a live 9.5 honours
    // only these four (`-id` too is ignored, answered by ascending id).
    let (sort, desc) = match q.get("ordering").map(str::trim) {
        Some("punch_time") => (SortKey::PunchTime, false),
        Some("-punch_time") => (SortKey::PunchTime, true),
        Some("upload_time") => (SortKey::UploadTime, false),
        Some("-upload_time") => (SortKey::UploadTime, true),
        _ => (SortKey::Id, false),
    };
    lq.sort = sort;
    lq.desc = desc;
    Ok(lq)
}

/// Rows by id, in the order of `ids` (the export's pieces).
pub fn load_rows(store: &Store, ids: &[i64]) -> rusqlite::Result<Vec<Transaction>> {
    load_many(store, ids)
}

/// The employee a punch names (names, department and position as text).
pub fn owner_of(store: &Store, t: &Transaction) -> rusqlite::Result<PunchOwner> {
    owner(store, t)
}

pub async fn list(state: &Arc<AppState>, url: RequestUrl) -> ApiResult<Response> {
    let version = state.config.server_version;
    list_page(
        state,
        url,
        |_store, q| list_query(q),
        move |store, ids| {
            let rows = load_many(store, ids)?;
            if !version.reshapes() {
                return Ok(Versioned::Typed(rows));
            }
            Ok(Versioned::Reshaped(reshape(store, version, rows)?))
        },
    )
    .await
}

pub async fn get(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    let t = state
        .db
        .run(move |store| {
            let t = load(store, id)?.ok_or(ApiError::NotFound)?;
            if !version.reshapes() {
                return Ok(Versioned::Typed(t));
            }
            Ok(Versioned::Reshaped(reshape(store, version, vec![t])?.remove(0)))
        })
        .await?;
    object(StatusCode::OK, &t)
}
