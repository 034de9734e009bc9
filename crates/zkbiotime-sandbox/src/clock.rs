//! Fast naive-datetime text for bulk generation: seconds since 1970-01-01 00:00:00 (no
//! time zone) to `YYYY-MM-DD HH:MM:SS` and back, without chrono's formatter per row.

/// Days since the epoch to (year, month, day) — Howard Hinnant's civil_from_days.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since the epoch.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Appends `YYYY-MM-DD HH:MM:SS` for `secs` to `out`.
pub fn write_datetime(secs: i64, out: &mut String) {
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s) = (tod / 3600, (tod / 60) % 60, tod % 60);
    let digits = |out: &mut String, v: i64, w: usize| {
        let text = v.to_string();
        for _ in text.len()..w {
            out.push('0');
        }
        out.push_str(&text);
    };
    digits(out, y, 4);
    out.push('-');
    digits(out, i64::from(m), 2);
    out.push('-');
    digits(out, i64::from(d), 2);
    out.push(' ');
    digits(out, h, 2);
    out.push(':');
    digits(out, mi, 2);
    out.push(':');
    digits(out, s, 2);
}

pub fn datetime(secs: i64) -> String {
    let mut s = String::with_capacity(19);
    write_datetime(secs, &mut s);
    s
}

/// Parses `YYYY-MM-DD HH:MM:SS` (or a bare date) to seconds since the epoch.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok().or_else(|| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
    })?;
    Some(t.and_utc().timestamp())
}

/// Server-local wall-clock time as naive seconds.
pub fn now_local() -> i64 {
    chrono::Local::now().naive_local().and_utc().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let secs = parse_datetime("2024-06-26 17:16:09").unwrap();
        assert_eq!(datetime(secs), "2024-06-26 17:16:09");
        assert_eq!(days_from_civil(2024, 6, 30) * 86_400, parse_datetime("2024-06-30").unwrap());
        assert_eq!(datetime(0), "1970-01-01 00:00:00");
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
    }
}
