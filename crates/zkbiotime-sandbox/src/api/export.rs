//! `GET /iclock/api/transactions/export/?export_type=csv|txt|xls` (D80 docs): the punches
//! the list's filters select, rendered as a file by the server.
//!
//! Documented (D80): the path, `export_type` (required: csv, txt, xls), `page`,
//! `page_size` and the list filters, and a CSV answer shown as `b'id,em......-06-05
//! 08:48:00\r\n'` (header starting `id,emp_code`, `upload_time` last, CRLF lines).
//! Inferred: the columns between (the 8.x list fields, names and display texts included),
//! txt as the same columns tab-separated, the content types, the file name, the 400 for a
//! missing or unknown `export_type`, and that without `page` / `page_size` every punch the
//! filters select is exported. Real servers answer xls as a binary Excel file; the sandbox
//! answers an HTML table with the Excel content type, as old Django exporters do (Excel
//! opens it, with a warning).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::transactions::{list_query, load_rows, owner_of};
use crate::errors::{ApiError, ApiResult};
use crate::index::page_ids;
use crate::json::Node;
use crate::paging::{PageRequest, Query};
use crate::state::AppState;
use crate::version::{PunchOwner, ServerVersion};

/// The columns, in order: D80's list fields (first `id, emp_code`, last `upload_time`).
pub const COLUMNS: [&str; 18] = [
    "id",
    "emp_code",
    "first_name",
    "last_name",
    "department",
    "position",
    "punch_time",
    "punch_state",
    "punch_state_display",
    "verify_type",
    "verify_type_display",
    "work_code",
    "gps_location",
    "area_alias",
    "terminal_sn",
    "temperature",
    "terminal_alias",
    "upload_time",
];

/// Rows are loaded this many at a time.
const PIECE: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportType {
    Csv,
    Txt,
    Xls,
}

impl ExportType {
    fn parse(q: &Query) -> ApiResult<Self> {
        match q.get("export_type").map(str::trim) {
            None | Some("") => Err(ApiError::field("export_type", "This field is required.")),
            Some("csv") => Ok(Self::Csv),
            Some("txt") => Ok(Self::Txt),
            Some("xls") => Ok(Self::Xls),
            Some(other) => Err(ApiError::field(
                "export_type",
                format!("Select a valid choice. {other} is not one of the available choices."),
            )),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Txt => "text/plain; charset=utf-8",
            Self::Xls => "application/vnd.ms-excel",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Txt => "txt",
            Self::Xls => "xls",
        }
    }
}

/// Answers the export.
pub async fn export(state: &Arc<AppState>, query: Query) -> ApiResult<Response> {
    let kind = ExportType::parse(&query)?;
    let paged = query.get("page").is_some() || query.get("page_size").is_some();
    let page = PageRequest::from_query_with(&query, false);
    let bytes = state
        .db
        .run(move |store| {
            let q = list_query(&query)?;
            let ids = store.with_ordered_ids(&q, |rows| -> ApiResult<Vec<i64>> {
                if paged {
                    let w = page.window(rows.len())?;
                    Ok(page_ids(rows, q.desc, w.offset, w.len))
                } else {
                    Ok(page_ids(rows, q.desc, 0, rows.len()))
                }
            })??;
            let mut out = Vec::with_capacity(64 + ids.len() * 160);
            render_header(kind, &mut out);
            let mut owners: HashMap<(Option<i64>, String), PunchOwner> = HashMap::new();
            for piece in ids.chunks(PIECE) {
                for t in load_rows(store, piece)? {
                    let key =
                        (t.emp, if t.emp.is_some() { String::new() } else { t.emp_code.clone() });
                    if !owners.contains_key(&key) {
                        owners.insert(key.clone(), owner_of(store, &t)?);
                    }
                    let json =
                        serde_json::to_value(&t).map_err(|e| ApiError::Internal(e.to_string()))?;
                    // The 8.x shape: names, department and position as text, display texts.
                    let row = ServerVersion::V8_0.transaction(json, &owners[&key]);
                    let cells: Vec<String> = COLUMNS.iter().map(|c| cell(row.get(c))).collect();
                    render_row(kind, &cells, &mut out);
                }
            }
            render_footer(kind, &mut out);
            Ok(out)
        })
        .await?;
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = StatusCode::OK;
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
    let disposition = format!("attachment; filename=transaction.{}", kind.extension());
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// A value as text: `null` empty, text as is, numbers as JSON writes them.
fn cell(value: Option<&Node>) -> String {
    match value {
        None | Some(Node::Json(Value::Null)) => String::new(),
        Some(Node::Json(Value::String(s))) => s.clone(),
        Some(Node::Json(other)) => other.to_string(),
        Some(Node::Obj(o)) => serde_json::to_string(o).unwrap_or_default(),
    }
}

fn render_header(kind: ExportType, out: &mut Vec<u8>) {
    let cells: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    if kind == ExportType::Xls {
        out.extend_from_slice(
            b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\r\n<head><meta \
              charset=\"utf-8\"></head>\r\n<body>\r\n<table>\r\n",
        );
        out.extend_from_slice(b"<tr>");
        for c in &cells {
            out.extend_from_slice(format!("<th>{}</th>", escape_html(c)).as_bytes());
        }
        out.extend_from_slice(b"</tr>\r\n");
        return;
    }
    render_row(kind, &cells, out);
}

fn render_row(kind: ExportType, cells: &[String], out: &mut Vec<u8>) {
    match kind {
        ExportType::Csv => {
            let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
            out.extend_from_slice(line.join(",").as_bytes());
        }
        ExportType::Txt => {
            let line: Vec<String> =
                cells.iter().map(|c| c.replace(['\t', '\r', '\n'], " ")).collect();
            out.extend_from_slice(line.join("\t").as_bytes());
        }
        ExportType::Xls => {
            out.extend_from_slice(b"<tr>");
            for c in cells {
                out.extend_from_slice(format!("<td>{}</td>", escape_html(c)).as_bytes());
            }
            out.extend_from_slice(b"</tr>");
        }
    }
    out.extend_from_slice(b"\r\n");
}

fn render_footer(kind: ExportType, out: &mut Vec<u8>) {
    if kind == ExportType::Xls {
        out.extend_from_slice(b"</table>\r\n</body>\r\n</html>\r\n");
    }
}

/// Python's `csv.writer` quoting (QUOTE_MINIMAL).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_render_per_format() {
        let cells = vec!["1".to_string(), "a,b".to_string(), "x\ty".to_string()];
        let mut csv = Vec::new();
        render_row(ExportType::Csv, &cells, &mut csv);
        assert_eq!(csv, b"1,\"a,b\",x\ty\r\n");
        let mut txt = Vec::new();
        render_row(ExportType::Txt, &cells, &mut txt);
        assert_eq!(txt, b"1\ta,b\tx y\r\n");
        let mut xls = Vec::new();
        render_row(ExportType::Xls, &["<b>".to_string()], &mut xls);
        assert_eq!(xls, b"<tr><td>&lt;b&gt;</td></tr>\r\n");
    }

    #[test]
    fn export_type_is_required_and_checked() {
        assert!(ExportType::parse(&Query::parse(Some("export_type=csv"))).is_ok());
        assert!(matches!(ExportType::parse(&Query::parse(None)), Err(ApiError::Validation(_))));
        assert!(matches!(
            ExportType::parse(&Query::parse(Some("export_type=pdf"))),
            Err(ApiError::Validation(_))
        ));
    }
}
