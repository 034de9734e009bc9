//! Server times are naive local text (`YYYY-MM-DD HH:MM:SS`). Told the server's IANA zone,
//! the client turns them into zone-aware times and turns zone-aware filter values back into
//! server-local text. Without a zone, times stay naive; the raw text is always kept.

use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// The text layout of every server datetime.
pub const SERVER_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The server's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerZone(Tz);

impl ServerZone {
    /// Parses an IANA name such as `Europe/Berlin`.
    pub fn parse(name: &str) -> Result<Self> {
        name.parse::<Tz>().map(Self).map_err(|_| {
            Error::invalid_argument(format!(
                "{name:?} is not an IANA time zone (e.g. Asia/Karachi)"
            ))
        })
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// Server text → zone-aware time. In a DST fold the earlier instant is taken; a time in a
    /// DST gap (which a clock cannot show) is an error.
    pub fn localize(&self, text: &str) -> Result<DateTime<Tz>> {
        let naive = parse_naive(text)?;
        self.0.from_local_datetime(&naive).earliest().ok_or_else(|| {
            Error::unexpected(format!("{text:?} does not exist in {} (DST gap)", self.name()))
        })
    }

    /// Any zone-aware time → the server-local text its filters expect.
    pub fn to_server_text<Z: TimeZone>(&self, time: &DateTime<Z>) -> String {
        time.with_timezone(&self.0).format(SERVER_FORMAT).to_string()
    }
}

/// A server time as the client was configured to read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerTime {
    /// The client knows the server's zone.
    Zoned(DateTime<Tz>),
    /// No zone configured: the server's wall-clock time as it is.
    Naive(NaiveDateTime),
}

impl ServerTime {
    /// Reads server text with `zone` when given, naive otherwise.
    pub fn read(text: &str, zone: Option<&ServerZone>) -> Result<Self> {
        match zone {
            Some(zone) => zone.localize(text).map(Self::Zoned),
            None => parse_naive(text).map(Self::Naive),
        }
    }

    /// The wall-clock reading on the server (what the raw text says).
    pub fn naive_local(&self) -> NaiveDateTime {
        match self {
            Self::Zoned(t) => t.naive_local(),
            Self::Naive(t) => *t,
        }
    }
}

/// Server text → naive time (seconds optional, `T` accepted as separator).
pub fn parse_naive(text: &str) -> Result<NaiveDateTime> {
    let t = text.trim();
    if let Some(fast) = parse_exact(t) {
        return Ok(fast);
    }
    NaiveDateTime::parse_from_str(t, SERVER_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
        .map_err(|_| {
            Error::unexpected(format!("{text:?} is not a server time (YYYY-MM-DD HH:MM:SS)"))
        })
}

/// `YYYY-MM-DD HH:MM:SS` read by hand: this runs for every punch of a pull, and chrono's
/// `parse_from_str` re-reads its format string each time.
fn parse_exact(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter()
            .try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localizes_and_formats_back() {
        let zone = ServerZone::parse("Asia/Karachi").unwrap();
        let t = zone.localize("2024-06-26 15:36:22").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-06-26T15:36:22+05:00");
        let utc = t.with_timezone(&chrono::Utc);
        assert_eq!(zone.to_server_text(&utc), "2024-06-26 15:36:22");
        assert!(ServerZone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn fast_path_agrees_with_chrono() {
        for text in ["2024-06-26 15:36:22", "1999-12-31T23:59:59", "2024-02-29 00:00:00"] {
            let slow =
                NaiveDateTime::parse_from_str(&text.replace('T', " "), SERVER_FORMAT).unwrap();
            assert_eq!(parse_naive(text).unwrap(), slow);
        }
        for bad in ["2023-02-29 00:00:00", "2024-06-26 25:00:00", "2024-06-2x 15:36:22", ""] {
            assert!(parse_naive(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_naive("2024-06-26 15:36").unwrap().to_string(), "2024-06-26 15:36:00");
    }
}
