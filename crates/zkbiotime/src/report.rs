//! Any attendance report by name (`GET /att/api/<name>/`, server-versions §3: BioTime has
//! 30+ of them): rows as JSON objects with the server's own keys, paged like the lists.
//! The reports the spec types (`transactionReport`, `firstLastReport`,
//! `totalTimeCardReportV2`) also have typed resources; this call reads every other one.

use std::future::Future;

use serde::de::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::paging::{ListFilter, ListPage, PageAnswer};

/// One row of a report: the server's keys and values as they came.
pub type ReportRow = Map<String, Value>;

/// Which report to read and its query parameters (`start_date`, `end_date`,
/// `departments`, ...; the server defines them per report). Paging parameters are the
/// client's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportQuery {
    path: String,
    params: Vec<(String, String)>,
}

/// Parameters the pager sets itself.
const PAGING: [&str; 3] = ["page", "page_size", "limit"];

impl ReportQuery {
    /// `name` is the report's path segment, e.g. `dailyAttendanceReport`: letters, digits,
    /// `_` and `-` only.
    pub fn new(
        name: &str,
        params: impl IntoIterator<Item = (String, String)>,
    ) -> Result<ReportQuery> {
        let valid = !name.is_empty()
            && name.len() <= 100
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid {
            return Err(Error::invalid_argument(format!(
                "report name {name:?} must be the report's path segment (letters, digits, `_`, \
                 `-`), e.g. \"dailyAttendanceReport\""
            )));
        }
        let params: Vec<(String, String)> = params.into_iter().collect();
        if let Some((key, _)) = params.iter().find(|(k, _)| PAGING.contains(&k.as_str())) {
            return Err(Error::invalid_argument(format!(
                "report parameter {key:?} is set by the client's paging (page size: the \
                 client's `page_size` setting)"
            )));
        }
        Ok(ReportQuery { path: format!("/att/api/{name}/"), params })
    }

    /// `/att/api/<name>/`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// One page of a report: the list envelope (`data` or `results`), rows untyped.
#[derive(Debug)]
pub struct ReportPage {
    count: i64,
    next: Option<String>,
    code: Option<i64>,
    msg: Option<String>,
    rows: Vec<ReportRow>,
}

impl<'de> Deserialize<'de> for ReportPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut envelope = Map::<String, Value>::deserialize(deserializer)?;
        let rows = match envelope.remove("data").or_else(|| envelope.remove("results")) {
            Some(Value::Array(rows)) => rows,
            Some(other) => return Err(D::Error::custom(format!("report rows are {other}"))),
            None => return Err(D::Error::custom("the answer has no `data` or `results` list")),
        };
        let rows = rows
            .into_iter()
            .map(|row| match row {
                Value::Object(row) => Ok(row),
                other => Err(D::Error::custom(format!("a report row is not an object: {other}"))),
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        // Loose forms, as on every list: numbers as text, `next: "null"`.
        let number = |v: Option<&Value>| match v {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        Ok(ReportPage {
            count: number(envelope.get("count")).unwrap_or(rows.len() as i64),
            next: text(envelope.get("next")),
            code: number(envelope.get("code")),
            msg: text(envelope.get("msg")),
            rows,
        })
    }
}

impl ListPage for ReportPage {
    type Item = ReportRow;
    fn count(&self) -> i64 {
        self.count
    }
    fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }
    fn code(&self) -> Option<i64> {
        self.code
    }
    fn msg(&self) -> Option<&str> {
        self.msg.as_deref()
    }
    fn into_data(self) -> Vec<ReportRow> {
        self.rows
    }
    fn id_bounds(&self) -> Option<(i64, i64)> {
        // Rows of most reports have no `id`; the pager's other loop guards still apply.
        let id = |row: &ReportRow| row.get("id").and_then(Value::as_i64);
        Some((id(self.rows.first()?)?, id(self.rows.last()?)?))
    }
}

impl ListFilter for ReportQuery {
    type Page = ReportPage;
    const PATH: &'static str = "/att/api/<report>/";

    fn path(&self) -> String {
        self.path.clone()
    }

    fn fetch(
        &self,
        client: &crate::api::Client,
        page: i64,
        page_size: i64,
    ) -> impl Future<Output = PageAnswer<ReportPage>> + Send {
        let mut query = self.params.clone();
        for (key, value) in [("page", page), ("page_size", page_size), ("limit", page_size)] {
            query.push((key.to_string(), value.to_string()));
        }
        let client = client.clone();
        let path = self.path.clone();
        async move { crate::raw::get_json(client, &path, &query).await }
    }
}

impl crate::Client {
    /// Every row of the report `query` names, across all pages, in order (pages fetched
    /// as the lists' are).
    pub fn report(
        &self,
        query: ReportQuery,
    ) -> impl futures::Stream<Item = Result<ReportRow>> + Send + 'static {
        crate::paging::items(self.clone(), query)
    }

    /// Every page of the report, in order; each carries the total `count`.
    pub fn report_pages(
        &self,
        query: ReportQuery,
    ) -> impl futures::Stream<Item = Result<crate::Page<ReportRow>>> + Send + 'static {
        crate::paging::pages(self.clone(), query)
    }

    /// Page `number` (1-based) of the report, with the total `count`.
    pub async fn report_page(
        &self,
        query: &ReportQuery,
        number: i64,
    ) -> Result<crate::Page<ReportRow>> {
        crate::paging::fetch_page(self, query, number).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paging_parameters_are_checked() {
        let q =
            ReportQuery::new("dailyAttendanceReport", [("start_date".into(), "2024-06-03".into())]);
        assert_eq!(q.unwrap().path(), "/att/api/dailyAttendanceReport/");
        for bad in ["", "a/b", "../x", "x?y=1", "räpport"] {
            let e = ReportQuery::new(bad, []).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
        }
        let e = ReportQuery::new("x", [("page_size".into(), "5".into())]).unwrap_err();
        assert!(e.to_string().contains("page_size"), "{e}");
    }

    #[test]
    fn pages_are_read_in_every_envelope_form() {
        let page: ReportPage = serde_json::from_str(
            r#"{"count": "2", "next": "null", "results": [{"emp_code": "1", "x": 2}, {"id": 3}]}"#,
        )
        .unwrap();
        assert_eq!(page.count(), 2);
        let rows = page.into_data();
        assert_eq!(rows[0]["x"], 2);
        let e = serde_json::from_str::<ReportPage>(r#"{"count": 1}"#).unwrap_err();
        assert!(e.to_string().contains("no `data`"), "{e}");
        assert!(serde_json::from_str::<ReportPage>(r#"{"data": [1]}"#).is_err());
    }
}
