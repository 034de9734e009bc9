//! Departments, areas and positions: one code / name / parent shape, three spellings.
//! Reads of areas nest the parent; reads of areas and positions add the parent's name.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter};
use serde_json::{Map, Value};

use super::filters::Filters;
use super::{deleted, list_page, object};
use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::index::{ListQuery, SortKey};
use crate::json::Obj;
use crate::paging::RequestUrl;
use crate::state::AppState;
use crate::validate::Form;
use crate::version::ServerVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Org {
    Department,
    Area,
    Position,
}

struct Names {
    table: Table,
    code: &'static str,
    name: &'static str,
    parent: &'static str,
    /// Django's verbose names, as in "department with this dept code already exists."
    model: &'static str,
    code_label: &'static str,
}

impl Org {
    fn names(self) -> Names {
        match self {
            Org::Department => Names {
                table: Table::Department,
                code: "dept_code",
                name: "dept_name",
                parent: "parent_dept",
                model: "department",
                code_label: "dept code",
            },
            Org::Area => Names {
                table: Table::Area,
                code: "area_code",
                name: "area_name",
                parent: "parent_area",
                model: "area",
                code_label: "area code",
            },
            Org::Position => Names {
                table: Table::Position,
                code: "position_code",
                name: "position_name",
                parent: "parent_position",
                model: "position",
                code_label: "position code",
            },
        }
    }
}

struct OrgRow {
    id: i64,
    code: String,
    name: String,
    parent: Option<i64>,
}

fn load(store: &Store, org: Org, id: i64) -> rusqlite::Result<Option<OrgRow>> {
    let n = org.names();
    let sql = format!(
        "SELECT id, {}, {}, {} FROM {} WHERE id = ?",
        n.code,
        n.name,
        n.parent,
        n.table.sql_name()
    );
    let mut stmt = store.conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![id])?;
    rows.next()?
        .map(|r| Ok(OrgRow { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, parent: r.get(3)? }))
        .transpose()
}

/// The answer to a read (`nested`) or to a write.
fn render(store: &Store, org: Org, row: &OrgRow, read: bool) -> rusqlite::Result<Obj> {
    let n = org.names();
    let mut o = Obj::new();
    o.push("id", row.id);
    o.push(n.code, row.code.as_str());
    o.push(n.name, row.name.as_str());
    let parent = match row.parent {
        Some(p) if read && org != Org::Department => load(store, org, p)?,
        _ => None,
    };
    if read && org == Org::Area {
        o.push_obj(
            n.parent,
            parent.as_ref().map(|p| {
                let mut nested = Obj::new();
                nested.push("id", p.id);
                nested.push("area_code", p.code.as_str());
                nested.push("area_name", p.name.as_str());
                nested.push("parent_area", p.parent);
                nested
            }),
        );
    } else {
        o.push(n.parent, row.parent);
    }
    if read && org != Org::Department {
        let key = if org == Org::Area { "parent_area_name" } else { "parent_position_name" };
        o.push(key, parent.map(|p| p.name));
    }
    Ok(o)
}

/// A read in `version`'s shape. Only departments differ between versions (their parent);
/// areas and positions carry the parent's name everywhere (notes "Department parent").
fn read(store: &Store, org: Org, row: &OrgRow, version: ServerVersion) -> ApiResult<Obj> {
    let nine_o = render(store, org, row, true)?;
    if org != Org::Department || !version.reshapes() {
        return Ok(nine_o);
    }
    let to_json = |o: &Obj| serde_json::to_value(o).map_err(|e| ApiError::Internal(e.to_string()));
    let parent = match row.parent {
        Some(p) => load(store, org, p)?,
        None => None,
    };
    let parent = match parent {
        Some(p) => Some(to_json(&render(store, org, &p, true)?)?),
        None => None,
    };
    Ok(version.department(to_json(&nine_o)?, parent))
}

pub async fn list(state: &Arc<AppState>, org: Org, url: RequestUrl) -> ApiResult<Response> {
    let version = state.config.server_version;
    list_page(
        state,
        url,
        move |store, q| {
            let mut f = Filters::new(q);
            let (code, name, parent) = match org {
                Org::Department => ("dept_code = ?", "dept_name = ?", "parent_dept = ?"),
                Org::Area => ("area_code = ?", "area_name = ?", "parent_area = ?"),
                Org::Position => ("position_code = ?", "position_name = ?", "parent_position = ?"),
            };
            let (code_like, name_like) = match org {
                Org::Department => ("dept_code LIKE ? ESCAPE '\\'", "dept_name LIKE ? ESCAPE '\\'"),
                Org::Area => ("area_code LIKE ? ESCAPE '\\'", "area_name LIKE ? ESCAPE '\\'"),
                Org::Position => {
                    ("position_code LIKE ? ESCAPE '\\'", "position_name LIKE ? ESCAPE '\\'")
                }
            };
            let n = org.names();
            f.exact(n.code, code);
            f.exact(n.name, name);
            f.icontains(&format!("{}_icontains", n.code), code_like);
            f.icontains(&format!("{}_icontains", n.name), name_like);
            f.foreign(store, n.parent, parent, n.table);
            let mut lq = ListQuery::new(n.table);
            lq.filters = f.finish()?;
            // `ordering=id|<code>|<name>`, `-` for descending (DRF's OrderingFilter);
            // unknown values are ignored, as servers do.
            if let Some(ordering) = q.get("ordering").map(str::trim) {
                let (desc, field) = match ordering.strip_prefix('-') {
                    Some(field) => (true, field),
                    None => (false, ordering),
                };
                let sort = match field {
                    "id" => Some(SortKey::Id),
                    f if f == n.code => Some(SortKey::Text(n.code)),
                    f if f == n.name => Some(SortKey::Text(n.name)),
                    _ => None,
                };
                if let Some(sort) = sort {
                    (lq.sort, lq.desc) = (sort, desc);
                }
            }
            Ok(lq)
        },
        move |store, ids| {
            let mut out = Vec::with_capacity(ids.len());
            for &id in ids {
                if let Some(row) = load(store, org, id)? {
                    out.push(read(store, org, &row, version)?);
                }
            }
            Ok(out)
        },
    )
    .await
}

pub async fn get(state: &Arc<AppState>, org: Org, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    let o = state
        .db
        .run(move |store| {
            let row = load(store, org, id)?.ok_or(ApiError::NotFound)?;
            read(store, org, &row, version)
        })
        .await?;
    object(StatusCode::OK, &o)
}

fn validate(
    store: &Store,
    org: Org,
    body: &Map<String, Value>,
    partial: bool,
    this: Option<i64>,
) -> ApiResult<Vec<(&'static str, SqlValue)>> {
    let n = org.names();
    let mut form = Form::new(body, partial);
    let mut set = Vec::new();
    if let Some(Some(code)) = form.char(n.code, true, false, false) {
        let sql =
            format!("SELECT 1 FROM {} WHERE {} = ? AND id IS NOT ?", n.table.sql_name(), n.code);
        if store.conn.prepare_cached(&sql)?.exists(params![code, this])? {
            form.error(n.code, format!("{} with this {} already exists.", n.model, n.code_label));
        } else {
            set.push((n.code, SqlValue::Text(code)));
        }
    }
    if let Some(Some(name)) = form.char(n.name, true, false, false) {
        set.push((n.name, SqlValue::Text(name)));
    }
    let mut exists = |id: i64| store.exists(n.table, id);
    if let Some(p) = form.pk(n.parent, false, true, &mut exists) {
        set.push((n.parent, p.map_or(SqlValue::Null, SqlValue::Integer)));
    }
    form.finish()?;
    Ok(set)
}

pub async fn create(
    state: &Arc<AppState>,
    org: Org,
    body: Map<String, Value>,
) -> ApiResult<Response> {
    let version = state.config.server_version;
    let o = state
        .db
        .run(move |store| {
            let set = validate(store, org, &body, false, None)?;
            let cols: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
            let marks = vec!["?"; cols.len()].join(", ");
            store.conn.execute(
                &format!(
                    "INSERT INTO {} ({}) VALUES ({marks})",
                    org.names().table.sql_name(),
                    cols.join(", ")
                ),
                params_from_iter(set.into_iter().map(|(_, v)| v)),
            )?;
            let id = store.conn.last_insert_rowid();
            let row = load(store, org, id)?.ok_or(ApiError::NotFound)?;
            let answer = render(store, org, &row, false)?;
            if org == Org::Position {
                return Ok(version.position_created(answer, &body));
            }
            Ok(answer)
        })
        .await?;
    object(StatusCode::CREATED, &o)
}

pub async fn update(
    state: &Arc<AppState>,
    org: Org,
    id: i64,
    body: Map<String, Value>,
    partial: bool,
) -> ApiResult<Response> {
    let version = state.config.server_version;
    let mut body = body;
    let o = state
        .db
        .run(move |store| {
            let old = load(store, org, id)?.ok_or(ApiError::NotFound)?;
            if org == Org::Department {
                version.keep_code(&mut body, "dept_code", &old.code);
            }
            let set = validate(store, org, &body, partial, Some(id))?;
            if !set.is_empty() {
                let assignments: Vec<String> =
                    set.iter().map(|(c, _)| format!("{c} = ?")).collect();
                let mut vals: Vec<SqlValue> = set.into_iter().map(|(_, v)| v).collect();
                vals.push(SqlValue::Integer(id));
                store.conn.execute(
                    &format!(
                        "UPDATE {} SET {} WHERE id = ?",
                        org.names().table.sql_name(),
                        assignments.join(", ")
                    ),
                    params_from_iter(vals),
                )?;
                store.touch(org.names().table);
            }
            let row = load(store, org, id)?.ok_or(ApiError::NotFound)?;
            Ok(render(store, org, &row, false)?)
        })
        .await?;
    object(StatusCode::OK, &o)
}

/// Rows that still point at the object and block its deletion.
fn in_use(store: &Store, org: Org, id: i64) -> rusqlite::Result<Option<&'static str>> {
    let exists = |sql: &str| store.conn.prepare_cached(sql)?.exists(params![id]);
    Ok(match org {
        Org::Department if exists("SELECT 1 FROM employee WHERE department = ?")? => {
            Some("employees")
        }
        Org::Area if exists("SELECT 1 FROM employee_area WHERE area_id = ?")? => Some("employees"),
        Org::Area if exists("SELECT 1 FROM terminal WHERE area = ?")? => Some("devices"),
        _ => None,
    })
}

pub async fn delete(state: &Arc<AppState>, org: Org, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    state
        .db
        .run(move |store| {
            let n = org.names();
            let row = load(store, org, id)?.ok_or(ApiError::NotFound)?;
            if let Some(what) = in_use(store, org, id)? {
                return Err(ApiError::BadRequest(format!(
                    "Cannot delete {} \"{}\": it still has {what}.",
                    n.model, row.name
                )));
            }
            let tx = store.conn.unchecked_transaction()?;
            let table = n.table.sql_name();
            store.conn.execute(&format!("DELETE FROM {table} WHERE id = ?"), [id])?;
            store.conn.execute(
                &format!("UPDATE {table} SET {} = NULL WHERE {} = ?", n.parent, n.parent),
                [id],
            )?;
            if org == Org::Position {
                store
                    .conn
                    .execute("UPDATE employee SET position = NULL WHERE position = ?", [id])?;
            }
            tx.commit()?;
            store.touch(n.table);
            Ok(())
        })
        .await?;
    deleted(version)
}
