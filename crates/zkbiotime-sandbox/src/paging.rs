//! DRF `PageNumberPagination`: page / page_size / limit parameters, the list envelope,
//! and absolute next / previous links built from the request's Host header.

use serde::Serialize;

use crate::errors::{ApiError, ApiResult};

pub const DEFAULT_PAGE_SIZE: usize = 10;
pub const MAX_PAGE_SIZE: usize = 10_000;

/// Decoded query parameters in request order (Django's `QueryDict` keeps every value).
#[derive(Debug, Clone, Default)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        Query(
            url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The last value for `key`, like `QueryDict.get`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Like `get`, but an empty value counts as absent (django-filter skips those).
    pub fn filter(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }
}

/// Where the request came from, for building absolute links.
#[derive(Debug, Clone)]
pub struct RequestUrl {
    pub scheme: &'static str,
    pub host: String,
    pub path: String,
    pub query: Query,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageNumber {
    Number(u64),
    Last,
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    number: PageNumber,
    pub size: usize,
}

/// DRF's `_positive_int(strict=True, cutoff=max)`.
fn positive(v: Option<&str>) -> Option<usize> {
    let n: i64 = v?.trim().parse().ok()?;
    (n > 0).then(|| (n as usize).min(MAX_PAGE_SIZE))
}

impl PageRequest {
    pub fn from_query(q: &Query) -> Self {
        Self::from_query_with(q, true)
    }

    /// Like `from_query`; `limit` counts only when `honour_limit` (9.5 ignores it).
    pub fn from_query_with(q: &Query, honour_limit: bool) -> Self {
        let limit = if honour_limit { positive(q.get("limit")) } else { None };
        let size = positive(q.get("page_size")).or(limit).unwrap_or(DEFAULT_PAGE_SIZE);
        let number = match q.get("page") {
            None => PageNumber::Number(1),
            Some("last") => PageNumber::Last,
            Some(s) => match s.trim().parse::<i64>() {
                Ok(n) if n >= 1 => PageNumber::Number(n as u64),
                _ => PageNumber::Invalid,
            },
        };
        PageRequest { number, size }
    }

    /// The slice of a `count`-row result this page covers, or "Invalid page.".
    pub fn window(&self, count: usize) -> ApiResult<Window> {
        let pages = count.div_ceil(self.size).max(1) as u64;
        let number = match self.number {
            PageNumber::Number(n) if n <= pages => n,
            PageNumber::Last => pages,
            _ => return Err(ApiError::InvalidPage),
        };
        Ok(Window { offset: ((number - 1) as usize) * self.size, len: self.size, number, pages })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub offset: usize,
    pub len: usize,
    pub number: u64,
    pub pages: u64,
}

impl Window {
    pub fn links(&self, url: &RequestUrl) -> (Option<String>, Option<String>) {
        let next = (self.number < self.pages).then(|| url.with_page(Some(self.number + 1)));
        let previous = (self.number > 1).then(|| {
            // DRF drops `page` for the first page instead of writing page=1.
            url.with_page((self.number > 2).then_some(self.number - 1))
        });
        (next, previous)
    }
}

/// Python's `quote_plus`.
fn quote_plus(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

impl RequestUrl {
    /// DRF's `replace_query_param` / `remove_query_param`: keys sorted, values grouped.
    pub fn with_page(&self, page: Option<u64>) -> String {
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for (k, v) in &self.query.0 {
            if k == "page" {
                continue;
            }
            match groups.iter_mut().find(|(gk, _)| gk == k) {
                Some((_, vs)) => vs.push(v),
                None => groups.push((k, vec![v])),
            }
        }
        let page_text = page.map(|p| p.to_string());
        if let Some(p) = &page_text {
            groups.push(("page", vec![p.as_str()]));
        }
        groups.sort_by(|a, b| a.0.cmp(b.0));
        let mut qs = String::new();
        for (k, vs) in groups {
            for v in vs {
                if !qs.is_empty() {
                    qs.push('&');
                }
                quote_plus(k, &mut qs);
                qs.push('=');
                quote_plus(v, &mut qs);
            }
        }
        let mut u = format!("{}://{}{}", self.scheme, self.host, self.path);
        if !qs.is_empty() {
            u.push('?');
            u.push_str(&qs);
        }
        u
    }
}

struct Envelope<'a, D: ?Sized> {
    count: usize,
    next: Option<String>,
    previous: Option<String>,
    /// `data`, or `results` on 8.5.
    rows_key: &'static str,
    rows: &'a D,
}

impl<D: Serialize + ?Sized> Serialize for Envelope<'_, D> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Envelope", 6)?;
        st.serialize_field("count", &self.count)?;
        st.serialize_field("next", &self.next)?;
        st.serialize_field("previous", &self.previous)?;
        st.serialize_field("msg", "")?;
        st.serialize_field("code", &0)?;
        st.serialize_field(self.rows_key, self.rows)?;
        st.end()
    }
}

/// Serialises the list envelope with its rows under `rows_key`.
pub fn envelope<D: Serialize + ?Sized>(
    count: usize,
    window: &Window,
    url: &RequestUrl,
    rows_key: &'static str,
    rows: &D,
) -> ApiResult<Vec<u8>> {
    let (next, previous) = window.links(url);
    serde_json::to_vec(&Envelope { count, next, previous, rows_key, rows })
        .map_err(|e| ApiError::Internal(format!("serialise: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(q: &str) -> RequestUrl {
        RequestUrl {
            scheme: "http",
            host: "h:1".into(),
            path: "/x/".into(),
            query: Query::parse(Some(q)),
        }
    }

    #[test]
    fn links_sort_keys_and_drop_page_one() {
        let u = url("page=3&limit=2&emp_code=a b");
        let w = PageRequest::from_query(&u.query).window(10).unwrap();
        let (n, p) = w.links(&u);
        assert_eq!(n.unwrap(), "http://h:1/x/?emp_code=a+b&limit=2&page=4");
        assert_eq!(p.unwrap(), "http://h:1/x/?emp_code=a+b&limit=2&page=2");
        let u = url("page=2&limit=2");
        let w = PageRequest::from_query(&u.query).window(10).unwrap();
        assert_eq!(w.links(&u).1.unwrap(), "http://h:1/x/?limit=2");
    }

    #[test]
    fn page_bounds() {
        let q = Query::parse(Some("page=2"));
        assert!(PageRequest::from_query(&q).window(10).is_err());
        assert!(PageRequest::from_query(&q).window(11).is_ok());
        let q = Query::parse(Some("page=1"));
        assert!(PageRequest::from_query(&q).window(0).is_ok());
        let q = Query::parse(Some("page=0"));
        assert!(PageRequest::from_query(&q).window(5).is_err());
        let q = Query::parse(Some("page_size=0&limit=99999"));
        assert_eq!(PageRequest::from_query(&q).size, MAX_PAGE_SIZE);
    }
}
