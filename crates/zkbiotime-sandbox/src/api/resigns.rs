//! `/personnel/api/resigns/`: resignations, on 8.5 and 9.5 only (the router hides them
//! elsewhere). Facts from `shared/notes/server-versions.md` §3 "Resigns", cited as there:
//! D80 (the scraped API docs) and PB (pybiotime).
//!
//! Documented (D80): the read shape `{id, resign_date, resign_type, disableatt, employee:
//! {id, emp_code, first_name, last_name}, first_name, last_name}`, the list filters
//! `employee`, `resign_type`, `resign_date`, the create body `{employee, disableatt,
//! resign_type, resign_date, reason}` (reason at most 200 characters, resign_type 1..5 with
//! default 1), PUT with a partial body, DELETE, and `POST …/resigns/reinstatement/`
//! `{"resigns": [ids]}`.
//!
//! Inferred, where the sources are silent (kept simple):
//! - answers also carry `reason` (after `disableatt`) so it reads back; D80's samples omit it;
//! - create, update and get answer the read shape (D80 shows it for create and update);
//! - PUT and PATCH are both partial (8.5 documents PUT only); `employee` cannot change on
//!   update (D80's update table does not list it; DRF ignores read-only fields);
//! - the reinstatement answer is pybiotime's emulator's `{"code":0,"msg":"","data":[]}`;
//! - `disableatt: true` switches the employee's attendance off (`enable_attendance`, read as
//!   `attemployee.enable_attendance` on 9.x and `enable_att` on 8.x); reinstating or deleting
//!   the resign switches it back on unless another resign of theirs still disables it;
//! - resigned employees stay in `/personnel/api/employees/` (no source says they leave it);
//! - an employee may hold several resigns (no uniqueness rule is documented); deleting an
//!   employee deletes their resigns (Django's cascade);
//! - `resign_type` filters like a NumberFilter (any number; 9 simply matches nothing).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter};
use serde_json::{Map, Value, json};

use super::filters::Filters;
use super::{deleted, list_page, object};
use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::index::ListQuery;
use crate::json::Obj;
use crate::paging::RequestUrl;
use crate::state::AppState;
use crate::validate::{Form, REQUIRED};

/// `resign_type` choices (D80): 1 quit, 2 dismissed, 3 resign, 4 transfer, 5 retain job
/// without salary.
const RESIGN_TYPES: [&str; 5] = ["1", "2", "3", "4", "5"];

/// D80: "reason … max length: 200 char".
const REASON_MAX: usize = 200;

struct ResignRow {
    id: i64,
    employee: i64,
    resign_date: String,
    resign_type: i64,
    disableatt: bool,
    reason: Option<String>,
}

fn load(store: &Store, id: i64) -> rusqlite::Result<Option<ResignRow>> {
    let mut stmt = store.conn.prepare_cached(
        "SELECT id, employee, resign_date, resign_type, disableatt, reason FROM resign
         WHERE id = ?",
    )?;
    let mut rows = stmt.query(params![id])?;
    rows.next()?
        .map(|r| {
            Ok(ResignRow {
                id: r.get(0)?,
                employee: r.get(1)?,
                resign_date: r.get(2)?,
                resign_type: r.get(3)?,
                disableatt: r.get(4)?,
                reason: r.get(5)?,
            })
        })
        .transpose()
}

/// The answer for one resign (every version that has the API reads it the same way).
fn render(store: &Store, row: &ResignRow) -> rusqlite::Result<Obj> {
    let mut stmt = store
        .conn
        .prepare_cached("SELECT id, emp_code, first_name, last_name FROM employee WHERE id = ?")?;
    let mut rows = stmt.query(params![row.employee])?;
    let emp = match rows.next()? {
        Some(r) => Some((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        )),
        None => None,
    };
    let mut o = Obj::new();
    o.push("id", row.id);
    o.push("resign_date", row.resign_date.as_str());
    o.push("resign_type", row.resign_type);
    o.push("disableatt", row.disableatt);
    o.push("reason", row.reason.clone());
    let (first, last) = emp.as_ref().map_or((None, None), |e| (e.2.clone(), e.3.clone()));
    o.push_obj(
        "employee",
        emp.map(|(id, code, first, last)| {
            let mut nested = Obj::new();
            nested.push("id", id);
            nested.push("emp_code", code);
            nested.push("first_name", first);
            nested.push("last_name", last);
            nested
        }),
    );
    o.push("first_name", first);
    o.push("last_name", last);
    Ok(o)
}

pub async fn list(state: &Arc<AppState>, url: RequestUrl) -> ApiResult<Response> {
    list_page(
        state,
        url,
        |store, q| {
            let mut f = Filters::new(q);
            f.foreign(store, "employee", "employee = ?", Table::Employee);
            f.number("resign_type", "resign_type = ?");
            f.date("resign_date", "resign_date = ?");
            let mut lq = ListQuery::new(Table::Resign);
            lq.filters = f.finish()?;
            Ok(lq)
        },
        |store, ids| {
            let mut out = Vec::with_capacity(ids.len());
            for &id in ids {
                if let Some(row) = load(store, id)? {
                    out.push(render(store, &row)?);
                }
            }
            Ok(out)
        },
    )
    .await
}

pub async fn get(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let o = state
        .db
        .run(move |store| {
            let row = load(store, id)?.ok_or(ApiError::NotFound)?;
            Ok(render(store, &row)?)
        })
        .await?;
    object(StatusCode::OK, &o)
}

/// Validated columns of a create (`partial == false`) or an update.
struct Changes {
    set: Vec<(&'static str, SqlValue)>,
    disableatt: Option<bool>,
}

fn validate(store: &Store, body: &Map<String, Value>, partial: bool) -> ApiResult<Changes> {
    let mut form = Form::new(body, partial);
    let mut set = Vec::new();
    if let Some(Some(d)) = form.date("resign_date", true, false) {
        set.push(("resign_date", SqlValue::Text(d)));
    }
    // Not required: D80 gives it a default of 1 (applied on insert).
    if let Some(Some(t)) = form.choice("resign_type", &RESIGN_TYPES, false, false) {
        set.push(("resign_type", SqlValue::Integer(t.parse().unwrap_or(1))));
    }
    // D80 marks disableatt required on create.
    if !partial && !body.contains_key("disableatt") {
        form.error("disableatt", REQUIRED);
    }
    let disableatt = form.boolean("disableatt");
    if let Some(b) = disableatt {
        set.push(("disableatt", SqlValue::Integer(i64::from(b))));
    }
    if let Some(reason) = form.char("reason", false, true, true) {
        if reason.as_ref().is_some_and(|r| r.chars().count() > REASON_MAX) {
            form.error(
                "reason",
                format!("Ensure this field has no more than {REASON_MAX} characters."),
            );
        } else {
            set.push(("reason", reason.map_or(SqlValue::Null, SqlValue::Text)));
        }
    }
    if !partial {
        let mut exists = |id: i64| store.exists(Table::Employee, id);
        if let Some(Some(e)) = form.pk("employee", true, false, &mut exists) {
            set.push(("employee", SqlValue::Integer(e)));
        }
    }
    form.finish()?;
    Ok(Changes { set, disableatt })
}

/// Switches the employee's attendance off (a resign with `disableatt`). Callers touch
/// `Table::Employee` once their transaction is committed.
fn disable_attendance(store: &Store, employee: i64) -> rusqlite::Result<()> {
    store.conn.execute("UPDATE employee SET enable_attendance = 0 WHERE id = ?", [employee])?;
    Ok(())
}

/// Switches the employee's attendance back on unless a resign of theirs still disables it.
fn release_attendance(store: &Store, employee: i64) -> rusqlite::Result<()> {
    let still = store
        .conn
        .prepare_cached("SELECT 1 FROM resign WHERE employee = ? AND disableatt = 1")?
        .exists([employee])?;
    if !still {
        store.conn.execute("UPDATE employee SET enable_attendance = 1 WHERE id = ?", [employee])?;
    }
    Ok(())
}

/// Marks both tables changed after a write (list snapshots rebuild).
fn touch(store: &mut Store) {
    store.touch(Table::Resign);
    store.touch(Table::Employee);
}

pub async fn create(state: &Arc<AppState>, body: Map<String, Value>) -> ApiResult<Response> {
    let o = state
        .db
        .run(move |store| {
            let ch = validate(store, &body, false)?;
            let mut set = ch.set;
            if !set.iter().any(|(c, _)| *c == "resign_type") {
                set.push(("resign_type", SqlValue::Integer(1)));
            }
            let cols: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
            let marks = vec!["?"; cols.len()].join(", ");
            let tx = store.conn.unchecked_transaction()?;
            store.conn.execute(
                &format!("INSERT INTO resign ({}) VALUES ({marks})", cols.join(", ")),
                params_from_iter(set.into_iter().map(|(_, v)| v)),
            )?;
            let id = store.conn.last_insert_rowid();
            let row = load(store, id)?.ok_or(ApiError::NotFound)?;
            if row.disableatt {
                disable_attendance(store, row.employee)?;
            }
            tx.commit()?;
            touch(store);
            Ok(render(store, &row)?)
        })
        .await?;
    object(StatusCode::CREATED, &o)
}

/// PUT and PATCH: both partial (D80: "partial body").
pub async fn update(
    state: &Arc<AppState>,
    id: i64,
    body: Map<String, Value>,
) -> ApiResult<Response> {
    let o = state
        .db
        .run(move |store| {
            let old = load(store, id)?.ok_or(ApiError::NotFound)?;
            let ch = validate(store, &body, true)?;
            let tx = store.conn.unchecked_transaction()?;
            if !ch.set.is_empty() {
                let assignments: Vec<String> =
                    ch.set.iter().map(|(c, _)| format!("{c} = ?")).collect();
                let mut vals: Vec<SqlValue> = ch.set.into_iter().map(|(_, v)| v).collect();
                vals.push(SqlValue::Integer(id));
                store.conn.execute(
                    &format!("UPDATE resign SET {} WHERE id = ?", assignments.join(", ")),
                    params_from_iter(vals),
                )?;
            }
            match (old.disableatt, ch.disableatt) {
                (false, Some(true)) => disable_attendance(store, old.employee)?,
                (true, Some(false)) => release_attendance(store, old.employee)?,
                _ => {}
            }
            tx.commit()?;
            touch(store);
            let row = load(store, id)?.ok_or(ApiError::NotFound)?;
            Ok(render(store, &row)?)
        })
        .await?;
    object(StatusCode::OK, &o)
}

/// Deletes resigns by id and gives their employees their attendance back.
fn remove(store: &Store, ids: &[i64]) -> rusqlite::Result<()> {
    let mut released = Vec::new();
    for &id in ids {
        if let Some(row) = load(store, id)? {
            store.conn.execute("DELETE FROM resign WHERE id = ?", [id])?;
            if row.disableatt && !released.contains(&row.employee) {
                released.push(row.employee);
            }
        }
    }
    for employee in released {
        release_attendance(store, employee)?;
    }
    Ok(())
}

pub async fn delete(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    state
        .db
        .run(move |store| {
            if !store.exists(Table::Resign, id) {
                return Err(ApiError::NotFound);
            }
            let tx = store.conn.unchecked_transaction()?;
            remove(store, &[id])?;
            tx.commit()?;
            touch(store);
            Ok(())
        })
        .await?;
    deleted(version)
}

/// `POST /personnel/api/employees/adjust_regsin/` (D80; the action `resign`): one resign
/// per employee, validated like a create except that `resign_type` is required (D80's
/// table), answered by the caller. Unknown employee ids fail the whole request.
pub(crate) fn resign_employees(store: &mut Store, body: &Map<String, Value>) -> ApiResult<()> {
    let mut form = Form::new(body, false);
    let mut exists = |id: i64| store.exists(Table::Employee, id);
    let employees = form.pk_list("employees", true, false, &mut exists).unwrap_or_default();
    for name in ["resign_date", "resign_type", "disableatt"] {
        if !body.contains_key(name) {
            form.error(name, REQUIRED);
        }
    }
    form.finish()?;
    // The resign fields, checked as an update (their presence is checked above).
    let mut fields = body.clone();
    fields.remove("employees");
    let ch = validate(store, &fields, true)?;
    let tx = store.conn.unchecked_transaction()?;
    for employee in employees {
        let mut set = ch.set.clone();
        set.push(("employee", SqlValue::Integer(employee)));
        let cols: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
        let marks = vec!["?"; cols.len()].join(", ");
        store.conn.execute(
            &format!("INSERT INTO resign ({}) VALUES ({marks})", cols.join(", ")),
            params_from_iter(set.into_iter().map(|(_, v)| v)),
        )?;
        if ch.disableatt == Some(true) {
            disable_attendance(store, employee)?;
        }
    }
    tx.commit()?;
    touch(store);
    Ok(())
}

/// `POST /personnel/api/resigns/reinstatement/` `{"resigns": [resign ids]}` (D80): the
/// resigns go and their employees are active again. Unknown ids fail the whole request
/// like any primary-key list.
pub async fn reinstate(state: &Arc<AppState>, body: Map<String, Value>) -> ApiResult<Response> {
    state
        .db
        .run(move |store| {
            let mut form = Form::new(&body, false);
            let mut exists = |id: i64| store.exists(Table::Resign, id);
            let ids = form.pk_list("resigns", true, false, &mut exists);
            form.finish()?;
            let tx = store.conn.unchecked_transaction()?;
            remove(store, &ids.unwrap_or_default())?;
            tx.commit()?;
            touch(store);
            Ok(())
        })
        .await?;
    object(StatusCode::OK, &json!({"code": 0, "msg": "", "data": []}))
}
