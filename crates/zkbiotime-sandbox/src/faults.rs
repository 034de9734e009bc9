//! Deterministic fault injection: the failures real servers and the proxies in front of
//! them produce (5xx, throttling, dropped connections, slow answers, HTML where JSON was
//! expected, revoked tokens), drawn from a seeded sequence per request.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::errors::json_response;
use crate::html;
use crate::rng::Rng64;

/// Syntax of `--faults`, shown in `--help`.
pub const SPEC_HELP: &str = "Comma-separated KEY=VALUE: \
5xx=P (500/502/503/504 answers), 500=P, 502=P, 503=P, 504=P (one code), \
429=P (throttled, with Retry-After), drop=P (connection closed without an answer), \
slow=P (answer delayed by slow-ms), html=P (an HTML page with HTTP 200), \
revoke-every=N (every Nth API request invalidates the login token first), \
slow-ms=MS (default 3000), retry-after=SECS (default 1; fractions allowed), \
logins=true (also hit the login endpoints). P is a probability 0..1 per request. \
Example: 5xx=0.05,429=0.02,drop=0.02,slow=0.01,html=0.02,revoke-every=5000";

#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    /// Probability of each server error code.
    pub status_500: f64,
    pub status_502: f64,
    pub status_503: f64,
    pub status_504: f64,
    /// Probability of 429 Too Many Requests.
    pub throttle: f64,
    /// Probability of closing the connection without answering.
    pub drop: f64,
    /// Probability of delaying the answer by `slow`.
    pub slow_share: f64,
    /// Probability of an HTML page with HTTP 200.
    pub html: f64,
    /// Revoke the login token before every Nth API request (0 = never).
    pub revoke_every: u64,
    pub slow: Duration,
    /// `Retry-After` of 429 answers, in seconds.
    pub retry_after: f64,
    /// Apply faults to the login endpoints too.
    pub logins: bool,
}

impl Default for FaultSpec {
    fn default() -> Self {
        FaultSpec {
            status_500: 0.0,
            status_502: 0.0,
            status_503: 0.0,
            status_504: 0.0,
            throttle: 0.0,
            drop: 0.0,
            slow_share: 0.0,
            html: 0.0,
            revoke_every: 0,
            slow: Duration::from_millis(3000),
            retry_after: 1.0,
            logins: false,
        }
    }
}

impl FaultSpec {
    /// No faults at all.
    pub fn none() -> Self {
        Self::default()
    }

    pub fn is_none(&self) -> bool {
        self.total() == 0.0 && self.revoke_every == 0
    }

    fn total(&self) -> f64 {
        self.status_500
            + self.status_502
            + self.status_503
            + self.status_504
            + self.throttle
            + self.drop
            + self.slow_share
            + self.html
    }
}

impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let mut spec = FaultSpec::default();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) =
                item.split_once('=').ok_or_else(|| format!("`{item}`: expected KEY=VALUE"))?;
            let (key, value) = (key.trim(), value.trim());
            let prob = || -> Result<f64, String> {
                let p: f64 =
                    value.parse().map_err(|_| format!("`{key}`: `{value}` is not a number"))?;
                if (0.0..=1.0).contains(&p) {
                    Ok(p)
                } else {
                    Err(format!("`{key}`: {p} is not a probability (0..1)"))
                }
            };
            match key {
                "5xx" => {
                    let p = prob()? / 4.0;
                    spec.status_500 = p;
                    spec.status_502 = p;
                    spec.status_503 = p;
                    spec.status_504 = p;
                }
                "500" => spec.status_500 = prob()?,
                "502" => spec.status_502 = prob()?,
                "503" => spec.status_503 = prob()?,
                "504" => spec.status_504 = prob()?,
                "429" => spec.throttle = prob()?,
                "drop" => spec.drop = prob()?,
                "slow" => spec.slow_share = prob()?,
                "html" => spec.html = prob()?,
                "revoke-every" => {
                    spec.revoke_every = value
                        .parse()
                        .map_err(|_| format!("`revoke-every`: `{value}` is not a count"))?
                }
                "slow-ms" => {
                    spec.slow = Duration::from_millis(
                        value
                            .parse()
                            .map_err(|_| format!("`slow-ms`: `{value}` is not a count"))?,
                    )
                }
                "retry-after" => {
                    spec.retry_after = value
                        .parse::<f64>()
                        .ok()
                        .filter(|v| *v >= 0.0)
                        .ok_or_else(|| format!("`retry-after`: `{value}` is not seconds"))?
                }
                "logins" => {
                    spec.logins = matches!(value, "1" | "true" | "yes" | "on");
                }
                other => return Err(format!("unknown fault `{other}`")),
            }
        }
        if spec.total() > 1.0 {
            return Err(format!("fault probabilities add up to {} (more than 1)", spec.total()));
        }
        Ok(spec)
    }
}

/// One injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Status(u16),
    Throttle,
    Drop,
    Slow,
    Html,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Status(c) => write!(f, "{c}"),
            Fault::Throttle => f.write_str("429"),
            Fault::Drop => f.write_str("drop"),
            Fault::Slow => f.write_str("slow"),
            Fault::Html => f.write_str("html"),
        }
    }
}

/// How many faults of each kind were injected so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultStats {
    pub server_errors: u64,
    pub throttled: u64,
    pub dropped: u64,
    pub slow: u64,
    pub html: u64,
    pub revocations: u64,
}

impl FaultStats {
    pub fn total(&self) -> u64 {
        self.server_errors + self.throttled + self.dropped + self.slow + self.html
    }
}

#[derive(Default)]
pub struct FaultCounters {
    server_errors: AtomicU64,
    throttled: AtomicU64,
    dropped: AtomicU64,
    slow: AtomicU64,
    html: AtomicU64,
    pub revocations: AtomicU64,
}

impl FaultCounters {
    pub fn count(&self, fault: Fault) {
        let c = match fault {
            Fault::Status(_) => &self.server_errors,
            Fault::Throttle => &self.throttled,
            Fault::Drop => &self.dropped,
            Fault::Slow => &self.slow,
            Fault::Html => &self.html,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> FaultStats {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        FaultStats {
            server_errors: get(&self.server_errors),
            throttled: get(&self.throttled),
            dropped: get(&self.dropped),
            slow: get(&self.slow),
            html: get(&self.html),
            revocations: get(&self.revocations),
        }
    }
}

/// The seeded sequence of fault decisions.
pub struct FaultPlan {
    pub spec: FaultSpec,
    rng: Rng64,
    requests: u64,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub revoke: bool,
    pub fault: Option<Fault>,
}

impl FaultPlan {
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        FaultPlan { spec, rng: Rng64::new(seed ^ 0xFA17), requests: 0 }
    }

    pub fn decide(&mut self) -> Decision {
        self.requests += 1;
        let s = &self.spec;
        let revoke = s.revoke_every > 0 && self.requests.is_multiple_of(s.revoke_every);
        let roll = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let table = [
            (s.status_500, Fault::Status(500)),
            (s.status_502, Fault::Status(502)),
            (s.status_503, Fault::Status(503)),
            (s.status_504, Fault::Status(504)),
            (s.throttle, Fault::Throttle),
            (s.drop, Fault::Drop),
            (s.slow_share, Fault::Slow),
            (s.html, Fault::Html),
        ];
        let mut acc = 0.0;
        let mut fault = None;
        for (p, f) in table {
            acc += p;
            if p > 0.0 && roll < acc {
                fault = Some(f);
                break;
            }
        }
        Decision { revoke, fault }
    }
}

/// The answer a fault produces (`Drop` and `Slow` are handled by the caller).
pub fn response(fault: Fault, retry_after: f64) -> Response {
    match fault {
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = match code {
                // Django's own 500 page; the others come from the reverse proxy.
                500 => "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n".to_string(),
                _ => format!(
                    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                    reason = status.canonical_reason().unwrap_or("Error")
                ),
            };
            html::page(status, body)
        }
        Fault::Throttle => {
            let secs = if retry_after.fract() == 0.0 {
                format!("{}", retry_after as u64)
            } else {
                format!("{retry_after}")
            };
            let whole = retry_after.ceil() as u64;
            let mut r = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({"detail": format!(
                    "Request was throttled. Expected available in {whole} second{}.",
                    if whole == 1 { "" } else { "s" }
                )}),
            );
            if let Ok(v) = HeaderValue::from_str(&secs) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Fault::Html | Fault::Drop | Fault::Slow => html::busy(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let s: FaultSpec =
            "5xx=0.05,429=0.02,drop=0.02,slow=0.01,html=0.02,revoke-every=5000".parse().unwrap();
        assert_eq!(s.status_502, 0.0125);
        assert_eq!((s.throttle, s.drop, s.html), (0.02, 0.02, 0.02));
        assert_eq!(s.revoke_every, 5000);
        assert!("bogus=1".parse::<FaultSpec>().is_err());
        assert!("drop=2".parse::<FaultSpec>().is_err());
        assert!("drop=0.6,html=0.6".parse::<FaultSpec>().is_err());
        assert!("".parse::<FaultSpec>().unwrap().is_none());
    }

    #[test]
    fn decisions_follow_the_shares() {
        let spec: FaultSpec = "drop=0.25,429=0.25,revoke-every=10".parse().unwrap();
        let mut plan = FaultPlan::new(spec.clone(), 1);
        let ds: Vec<Decision> = (0..4000).map(|_| plan.decide()).collect();
        let drops = ds.iter().filter(|d| d.fault == Some(Fault::Drop)).count();
        assert!((800..1200).contains(&drops), "{drops}");
        assert_eq!(ds.iter().filter(|d| d.revoke).count(), 400);
        let mut again = FaultPlan::new(spec, 1);
        assert!(ds.iter().all(|d| *d == again.decide()));
    }
}
