//! The bulk actions of employees and terminals: `POST /personnel/api/employees/<action>/`
//! and `POST /iclock/api/terminals/<action>/`, DRF list actions. Facts from
//! `shared/notes/server-versions.md` §3, cited as there: D80 (the scraped API docs) and GO
//! (github Supavasinan/zkbiotime-go).
//!
//! Documented: the paths and bodies. Employees (D80): `adjust_area/` `{employees, areas}`,
//! `adjust_department/` `{employees, department}`, `adjust_regsin/` (sic; GO says
//! `adjust_resign/`, D80 is followed) `{employees, resign_date, resign_type, reason,
//! disableatt}`, `del_bio_template/` `{employees, finger_print, face, finger_vein, palm}`,
//! `resync_to_device/` `{employees}`; `adjust_position/` `{employees, position}` is GO's
//! only. Terminals (D80): `clear_command/`, `clear_capture/`, `clear_all/`, `upload_all/`,
//! `upload_transaction/`, `reboot/`, each `{"terminals": [ids]}`.
//!
//! Inferred (no source shows an answer or an effect):
//! - every action answers 200 `{"code": 0, "msg": "", "data": []}` (pybiotime's emulator's
//!   answer to the reinstatement, the one list action it fakes);
//! - id lists are DRF primary-key lists: an unknown id or an empty list fails the whole
//!   request with 400 and nothing changes;
//! - what the sandbox stores, it changes: `adjust_area` replaces the employees' areas,
//!   `adjust_department` / `adjust_position` set them, `adjust_regsin` makes one resign per
//!   employee (as `POST …/resigns/` would; only on 8.5 and 9.5, which have the resign API:
//!   the router hides the path elsewhere), `del_bio_template` marks the deleted kinds `-`
//!   in the employees' template summaries (`fingerprint`; `face` and `vl_face`; `palm` and
//!   `vl_palm`; finger veins have no column);
//! - device-side effects are accepted and answered, nothing stored changes:
//!   `resync_to_device`, and every terminal action. `clear_all` clears the device, not the
//!   server: the terminal's punches on the server stay (no source says they go).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::params;
use serde_json::{Map, Value, json};

use super::{employees, now_text, object, resigns};
use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::router::Resource;
use crate::state::AppState;
use crate::validate::Form;

/// The employee actions (path segment; D80 unless noted).
pub const EMPLOYEE_ACTIONS: [&str; 6] = [
    "adjust_area",
    "adjust_department",
    // GO only.
    "adjust_position",
    // D80's spelling (sic); GO's `adjust_resign/` is not served.
    "adjust_regsin",
    "del_bio_template",
    "resync_to_device",
];

/// The terminal actions (D80).
pub const TERMINAL_ACTIONS: [&str; 6] =
    ["clear_command", "clear_capture", "clear_all", "upload_all", "upload_transaction", "reboot"];

/// Runs the action `name` of `res` (a name from the tables above).
pub async fn run(
    state: &Arc<AppState>,
    res: Resource,
    name: &'static str,
    body: Map<String, Value>,
) -> ApiResult<Response> {
    state
        .db
        .run(move |store| match res {
            Resource::Employees => employee_action(store, name, &body),
            Resource::Terminals => terminal_action(store, &body),
            _ => Err(ApiError::NotFound),
        })
        .await?;
    object(StatusCode::OK, &json!({"code": 0, "msg": "", "data": []}))
}

/// The `employees` id list every employee action takes.
fn employee_ids(form: &mut Form<'_>, store: &Store) -> Vec<i64> {
    let mut exists = |id: i64| store.exists(Table::Employee, id);
    form.pk_list("employees", true, false, &mut exists).unwrap_or_default()
}

fn employee_action(store: &mut Store, name: &str, body: &Map<String, Value>) -> ApiResult<()> {
    if name == "adjust_regsin" {
        return resigns::resign_employees(store, body);
    }
    let mut form = Form::new(body, false);
    let ids = employee_ids(&mut form, store);
    let now = now_text();
    match name {
        "adjust_area" => {
            let mut exists = |id: i64| store.exists(Table::Area, id);
            let areas = form.pk_list("areas", true, false, &mut exists);
            form.finish()?;
            let areas = areas.unwrap_or_default();
            let tx = store.conn.unchecked_transaction()?;
            for &id in &ids {
                employees::set_areas(store, id, &areas)?;
                store.conn.execute(
                    "UPDATE employee SET update_time = ? WHERE id = ?",
                    params![now, id],
                )?;
            }
            tx.commit()?;
        }
        "adjust_department" | "adjust_position" => {
            let (column, table) = if name == "adjust_department" {
                ("department", Table::Department)
            } else {
                ("position", Table::Position)
            };
            let mut exists = |id: i64| store.exists(table, id);
            let target = form.pk(column, true, false, &mut exists);
            form.finish()?;
            // Required and not null: present once the form passed.
            let target = target.flatten().ok_or_else(|| ApiError::Internal(column.into()))?;
            let tx = store.conn.unchecked_transaction()?;
            let sql = format!("UPDATE employee SET {column} = ?, update_time = ? WHERE id = ?");
            for &id in &ids {
                store.conn.execute(&sql, params![target, now, id])?;
            }
            tx.commit()?;
        }
        "del_bio_template" => {
            let kinds = [
                ("finger_print", &["fingerprint"][..]),
                ("face", &["face", "vl_face"][..]),
                ("finger_vein", &[][..]),
                ("palm", &["palm", "vl_palm"][..]),
            ];
            let mut columns = Vec::new();
            for (kind, cols) in kinds {
                if form.boolean(kind) == Some(true) {
                    columns.extend_from_slice(cols);
                }
            }
            form.finish()?;
            if columns.is_empty() {
                return Ok(());
            }
            let assignments: Vec<String> = columns.iter().map(|c| format!("{c} = '-'")).collect();
            let sql = format!(
                "UPDATE employee SET {}, update_time = ? WHERE id = ?",
                assignments.join(", ")
            );
            let tx = store.conn.unchecked_transaction()?;
            for &id in &ids {
                store.conn.execute(&sql, params![now, id])?;
            }
            tx.commit()?;
        }
        // resync_to_device: the devices get the employees again; nothing stored changes.
        _ => {
            form.finish()?;
            return Ok(());
        }
    }
    store.touch(Table::Employee);
    Ok(())
}

/// Every terminal action: the ids are checked, the device-side effect is not modelled.
fn terminal_action(store: &mut Store, body: &Map<String, Value>) -> ApiResult<()> {
    let mut form = Form::new(body, false);
    let mut exists = |id: i64| store.exists(Table::Terminal, id);
    let _ = form.pk_list("terminals", true, false, &mut exists);
    form.finish()
}
