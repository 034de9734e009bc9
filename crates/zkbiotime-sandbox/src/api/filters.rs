//! django-filter semantics for list query parameters: empty values are ignored, bad values
//! answer 400 `{param: [message]}`.

use rusqlite::types::Value as SqlValue;

use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::index::Filter;
use crate::json::Obj;
use crate::paging::Query;
use crate::validate::{parse_date, parse_int};

pub struct Filters<'a> {
    q: &'a Query,
    errors: Obj,
    pub out: Vec<Filter>,
}

/// Normalises the datetime forms Django accepts to `YYYY-MM-DD HH:MM:SS`.
pub fn parse_datetime(s: &str) -> Option<String> {
    let s = s.trim();
    const FORMATS: [&str; 6] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ];
    for f in FORMATS {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some(t.format("%Y-%m-%d %H:%M:%S").to_string());
        }
    }
    // A bare date means midnight, as Django's DateTimeField reads it.
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y-%m-%d 00:00:00").to_string())
}

impl<'a> Filters<'a> {
    pub fn new(q: &'a Query) -> Self {
        Filters { q, errors: Obj::new(), out: Vec::new() }
    }

    /// Exact text match.
    pub fn exact(&mut self, param: &str, sql: &'static str) {
        if let Some(v) = self.q.filter(param) {
            self.out.push(Filter::new(sql, v.to_string()));
        }
    }

    /// `<field>__icontains`: the text anywhere in the value, ASCII case ignored (SQLite's
    /// `LIKE`); `%`, `_` and `\` in the text match themselves. `sql` is `<column> LIKE ?
    /// ESCAPE '\'`.
    pub fn icontains(&mut self, param: &str, sql: &'static str) {
        if let Some(v) = self.q.filter(param) {
            let mut pattern = String::with_capacity(v.len() + 2);
            pattern.push('%');
            for c in v.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            self.out.push(Filter::new(sql, pattern));
        }
    }

    /// NumberFilter.
    pub fn number(&mut self, param: &str, sql: &'static str) {
        if let Some(v) = self.q.filter(param) {
            match parse_int(&serde_json::Value::String(v.to_string())) {
                Some(n) => self.out.push(Filter::new(sql, n)),
                None => self.errors.add_error(param, "Enter a number.".into()),
            }
        }
    }

    /// ModelChoiceFilter: the id must name an existing row.
    pub fn foreign(&mut self, store: &Store, param: &str, sql: &'static str, table: Table) {
        if let Some(v) = self.q.filter(param) {
            match v.trim().parse::<i64>() {
                Ok(id) if store.exists(table, id) => self.out.push(Filter::new(sql, id)),
                _ => self.errors.add_error(
                    param,
                    "Select a valid choice. That choice is not one of the available choices."
                        .into(),
                ),
            }
        }
    }

    /// DateTimeFilter compared as text (the stored format sorts chronologically).
    pub fn datetime(&mut self, param: &str, sql: &'static str) {
        if let Some(v) = self.q.filter(param) {
            match parse_datetime(v) {
                Some(t) => self.out.push(Filter::new(sql, SqlValue::Text(t))),
                None => self.errors.add_error(param, "Enter a valid date/time.".into()),
            }
        }
    }

    /// DateFilter (exact day, `YYYY-MM-DD`; Django's message for anything else).
    pub fn date(&mut self, param: &str, sql: &'static str) {
        if let Some(v) = self.q.filter(param) {
            match parse_date(v) {
                Some(d) => self.out.push(Filter::new(sql, SqlValue::Text(d))),
                None => self.errors.add_error(param, "Enter a valid date.".into()),
            }
        }
    }

    pub fn finish(self) -> ApiResult<Vec<Filter>> {
        if self.errors.is_empty() { Ok(self.out) } else { Err(ApiError::Validation(self.errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes() {
        assert_eq!(parse_datetime("2019-04-1 00:00:00").as_deref(), Some("2019-04-01 00:00:00"));
        assert_eq!(parse_datetime("2019-04-01").as_deref(), Some("2019-04-01 00:00:00"));
        assert_eq!(parse_datetime("2019-04-01T08:30").as_deref(), Some("2019-04-01 08:30:00"));
        assert!(parse_datetime("yesterday").is_none());
    }
}
