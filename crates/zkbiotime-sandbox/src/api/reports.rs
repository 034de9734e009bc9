//! The attendance reports under `/att/api/<name>/` (server-versions §3): list only, paged
//! like the other lists, computed from the stored punches at each request.
//!
//! Documented: the paths, the parameters (`page`, `page_size`, `start_date`, `end_date` as
//! `YYYY-MM-DD`, `departments`, `areas`, and on firstLastReport and totalTimeCardReportV2
//! also `groups`, `employees`, `-1` meaning all), firstLastReport's `att_date`,
//! `first_punch`, `last_punch`, and totalTimeCardReportV2's column names.
//! Inferred: everything else: ids comma-separated, `end_date` inclusive, the row columns of
//! transactionReport, the punches as `HH:MM:SS` text, the order (punch time, then id; or
//! day, then employee code), a 400 `{field: [message]}` for a malformed date or id list.
//! The sandbox has no groups and does not filter by area (it ignores `groups` and `areas`).
//!
//! **totalTimeCardReportV2 is an approximation.** A real server computes a time card from
//! schedules, timetables, leaves and overtime rules; the sandbox has none of them. Per
//! employee and day with a punch it serves the first punch as `clock_in` / `check_in`, the
//! last one as `clock_out` / `check_out`, the hours between them (two decimals, as text) as
//! `total_hrs` and `worked_hrs`, `"0"` overtime and leave, no timetable and no exception.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::types::Value as Sql;
use serde_json::{Value, json};

use crate::errors::{ApiError, ApiResult, json_bytes};
use crate::paging::{PageRequest, Query, RequestUrl, envelope};
use crate::state::AppState;

/// The three reports the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// `transactionReport`: one row per punch.
    Transactions,
    /// `firstLastReport`: per employee and day, the first and last punch.
    FirstLast,
    /// `totalTimeCardReportV2`: per employee and day, an approximate time card.
    TimeCard,
}

impl Report {
    /// The report at `path`, if any.
    pub fn at(path: &str) -> Option<Report> {
        match path {
            "/att/api/transactionReport/" => Some(Report::Transactions),
            "/att/api/firstLastReport/" => Some(Report::FirstLast),
            "/att/api/totalTimeCardReportV2/" => Some(Report::TimeCard),
            _ => None,
        }
    }
}

/// The SQL condition and its parameters for the query's filters.
struct Filters {
    sql: String,
    params: Vec<Sql>,
}

/// `YYYY-MM-DD`, or a DRF-style field error.
fn date(q: &Query, name: &str) -> ApiResult<Option<NaiveDate>> {
    match q.get(name).map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| {
            ApiError::field(
                name,
                "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
            )
        }),
    }
}

/// Comma-separated ids; `None` for all (absent, empty, or containing `-1`).
fn ids(q: &Query, name: &str) -> ApiResult<Option<Vec<i64>>> {
    let Some(raw) = q.get(name).map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id: i64 = part
            .parse()
            .map_err(|_| ApiError::field(name, format!("\"{part}\" is not a valid id.")))?;
        if id == -1 {
            return Ok(None);
        }
        out.push(id);
    }
    Ok(Some(out))
}

fn filters(q: &Query) -> ApiResult<Filters> {
    let mut sql = String::from("1 = 1");
    let mut params = Vec::new();
    if let Some(start) = date(q, "start_date")? {
        sql.push_str(" AND t.punch_time >= ?");
        params.push(Sql::Text(format!("{start} 00:00:00")));
    }
    if let Some(end) = date(q, "end_date")? {
        sql.push_str(" AND t.punch_time <= ?");
        params.push(Sql::Text(format!("{end} 23:59:59")));
    }
    let mut in_list = |column: &str, list: Vec<i64>| {
        let marks = vec!["?"; list.len()].join(", ");
        if list.is_empty() {
            sql.push_str(" AND 0");
        } else {
            sql.push_str(&format!(" AND {column} IN ({marks})"));
        }
        params.extend(list.into_iter().map(Sql::Integer));
    };
    if let Some(list) = ids(q, "departments")? {
        in_list("e.department", list);
    }
    if let Some(list) = ids(q, "employees")? {
        in_list("e.id", list);
    }
    // Checked for form, not applied: the sandbox has no groups and does not filter by area.
    ids(q, "areas")?;
    ids(q, "groups")?;
    Ok(Filters { sql, params })
}

const FROM: &str = "FROM iclock_transaction t
    LEFT JOIN employee e ON e.emp_code = t.emp_code
    LEFT JOIN department d ON d.id = e.department
    LEFT JOIN position p ON p.id = e.position";

/// Serves one page of `report`.
pub async fn list(state: &Arc<AppState>, report: Report, url: RequestUrl) -> ApiResult<Response> {
    let version = state.config.server_version;
    let page = PageRequest::from_query_with(&url.query, version.honours_limit());
    let rows_key = version.list_key();
    let bytes = state
        .db
        .run(move |store| {
            let f = filters(&url.query)?;
            let grouped = "GROUP BY t.emp_code, substr(t.punch_time, 1, 10)";
            let (count_sql, rows_sql) = match report {
                Report::Transactions => (
                    format!("SELECT COUNT(*) {FROM} WHERE {}", f.sql),
                    format!(
                        "SELECT t.emp_code, e.first_name, e.last_name, d.dept_code, d.dept_name,
                            t.punch_time, t.punch_state, t.verify_type, t.terminal_sn,
                            t.terminal_alias, t.area_alias
                         {FROM} WHERE {} ORDER BY t.punch_time, t.id LIMIT ? OFFSET ?",
                        f.sql
                    ),
                ),
                Report::FirstLast | Report::TimeCard => (
                    format!("SELECT COUNT(*) FROM (SELECT 1 {FROM} WHERE {} {grouped})", f.sql),
                    format!(
                        "SELECT t.emp_code, e.first_name, e.last_name, d.dept_code, d.dept_name,
                            p.position_code, p.position_name, substr(t.punch_time, 1, 10) AS day,
                            MIN(t.punch_time), MAX(t.punch_time)
                         {FROM} WHERE {} {grouped} ORDER BY day, t.emp_code LIMIT ? OFFSET ?",
                        f.sql
                    ),
                ),
            };
            let sql_err = |e: rusqlite::Error| ApiError::Internal(format!("report: {e}"));
            let count: i64 = store
                .conn
                .query_row(&count_sql, rusqlite::params_from_iter(f.params.iter()), |r| r.get(0))
                .map_err(sql_err)?;
            let window = page.window(count as usize)?;
            let mut params = f.params.clone();
            params.push(Sql::Integer(window.len as i64));
            params.push(Sql::Integer(window.offset as i64));
            let mut stmt = store.conn.prepare(&rows_sql).map_err(sql_err)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                    Ok(match report {
                        Report::Transactions => json!({
                            "emp_code": r.get::<_, String>(0)?,
                            "first_name": r.get::<_, Option<String>>(1)?,
                            "last_name": r.get::<_, Option<String>>(2)?,
                            "dept_code": r.get::<_, Option<String>>(3)?,
                            "dept_name": r.get::<_, Option<String>>(4)?,
                            "punch_time": r.get::<_, String>(5)?,
                            "punch_state": r.get::<_, Option<String>>(6)?,
                            "verify_type": r.get::<_, Option<i64>>(7)?,
                            "terminal_sn": r.get::<_, Option<String>>(8)?,
                            "terminal_alias": r.get::<_, Option<String>>(9)?,
                            "area_alias": r.get::<_, Option<String>>(10)?,
                        }),
                        Report::FirstLast | Report::TimeCard => day_row(report, r)?,
                    })
                })
                .map_err(sql_err)?
                .collect::<rusqlite::Result<Vec<Value>>>()
                .map_err(sql_err)?;
            envelope(count as usize, &window, &url, rows_key, &rows)
        })
        .await?;
    Ok(json_bytes(StatusCode::OK, bytes))
}

/// `HH:MM:SS` of a `YYYY-MM-DD HH:MM:SS` punch time.
fn clock(time: &str) -> String {
    time.get(11..19).unwrap_or(time).to_string()
}

/// One row of firstLastReport or (approximated) totalTimeCardReportV2.
fn day_row(report: Report, r: &rusqlite::Row) -> rusqlite::Result<Value> {
    let day: String = r.get(7)?;
    let (first, last): (String, String) = (r.get(8)?, r.get(9)?);
    let mut row = json!({
        "emp_code": r.get::<_, String>(0)?,
        "first_name": r.get::<_, Option<String>>(1)?,
        "last_name": r.get::<_, Option<String>>(2)?,
        "dept_code": r.get::<_, Option<String>>(3)?,
        "dept_name": r.get::<_, Option<String>>(4)?,
        "att_date": day,
    });
    let obj = row.as_object_mut().expect("an object");
    if report == Report::FirstLast {
        obj.insert("first_punch".into(), clock(&first).into());
        obj.insert("last_punch".into(), clock(&last).into());
        return Ok(row);
    }
    // The approximation: first punch in, last punch out, the hours between them.
    let parse = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").ok();
    let hours = match (parse(&first), parse(&last)) {
        (Some(a), Some(b)) => format!("{:.2}", (b - a).num_seconds() as f64 / 3600.0),
        _ => "0".to_string(),
    };
    let weekday = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .map(|d| weekday_name(d.weekday()).to_string())
        .ok();
    obj.insert("position_code".into(), r.get::<_, Option<String>>(5)?.into());
    obj.insert("position_name".into(), r.get::<_, Option<String>>(6)?.into());
    obj.insert("weekday".into(), weekday.into());
    obj.insert("time_table_alias".into(), Value::Null);
    obj.insert("check_in".into(), clock(&first).into());
    obj.insert("check_out".into(), clock(&last).into());
    obj.insert("clock_in".into(), clock(&first).into());
    obj.insert("clock_out".into(), clock(&last).into());
    obj.insert("total_hrs".into(), hours.clone().into());
    obj.insert("worked_hrs".into(), hours.into());
    obj.insert("total_ot".into(), "0".into());
    obj.insert("total_leave".into(), "0".into());
    obj.insert("exception".into(), Value::Null);
    Ok(row)
}

fn weekday_name(d: chrono::Weekday) -> &'static str {
    match d {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_minus_one_as_all() {
        let q = Query::parse(Some("departments=-1&employees=3,4&areas=x"));
        assert_eq!(ids(&q, "departments").unwrap(), None);
        assert_eq!(ids(&q, "employees").unwrap(), Some(vec![3, 4]));
        assert!(ids(&q, "areas").is_err());
        assert_eq!(clock("2024-06-03 08:01:00"), "08:01:00");
    }
}
