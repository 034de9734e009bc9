//! `zkbio transactions sync --watch INTERVAL`: the sync of `crate::sync`, again and again.
//!
//! One run, then a wait of INTERVAL, forever. Each run prints one line on stderr. A run
//! that fails in a way time may fix (the network, a timeout, a 5xx or 429, an answer that
//! is not the API's: a server restarting, a proxy in front of a stopped server) is logged
//! in one line and retried after a backoff: INTERVAL but at least 1 s, doubled after each
//! further failure, at most 5 minutes; the first success resets it. Anything else
//! (authentication, permission, licence, usage, local files) ends the watch with its usual
//! exit code, since waiting will not fix it.
//!
//! SIGINT (Ctrl-C) and SIGTERM stop it: a batch being fetched is dropped, a batch being
//! written is finished and committed (see `Session::run`), then "stopped" and exit code 0.
//! The handlers are installed before the first run so that a signal at any moment is
//! caught rather than killing the process with the default action.

use std::future::Future;
use std::time::Duration;

use anyhow::{Result, bail};
use zkbiotime::{Client, ErrorKind};

use crate::exit::Usage;
use crate::sync::{Session, SyncArgs};

/// The longest wait after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The shortest first wait after a failure.
const MIN_BACKOFF: Duration = Duration::from_secs(1);

/// `500ms`, `30s`, `5m`, `1h`, or plain (possibly fractional) seconds.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not an interval: use e.g. 500ms, 30s, 5m, 1h or 30"))?;
    let unit_secs = match unit.trim() {
        "ms" => 1e-3,
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        other => return Err(format!("unknown unit '{other}' in '{text}': use ms, s, m or h")),
    };
    let secs = number * unit_secs;
    if !secs.is_finite() || secs > 366.0 * 86_400.0 {
        return Err(format!("'{text}' is too long an interval"));
    }
    let interval = Duration::from_secs_f64(secs);
    if interval < Duration::from_millis(1) {
        return Err(format!("the interval must be at least 1ms, not '{text}'"));
    }
    Ok(interval)
}

/// Whether waiting may fix this failure.
fn worth_retrying(error: &anyhow::Error) -> bool {
    error
        .chain()
        .find_map(|c| c.downcast_ref::<zkbiotime::Error>())
        .is_some_and(|e| passing(e.kind()))
}

/// The client's errors that may pass: the exit codes 5 (network) and 6 (server).
fn passing(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Transport
            | ErrorKind::Timeout
            | ErrorKind::Server
            | ErrorKind::UnexpectedResponse
    )
}

/// The wait before retry number `failures` (1 = the first retry).
fn backoff(interval: Duration, failures: u32) -> Duration {
    let first = interval.max(MIN_BACKOFF).min(MAX_BACKOFF);
    first.saturating_mul(1 << failures.saturating_sub(1).min(16)).min(MAX_BACKOFF)
}

/// `250ms`, `1s`, `1.5s`, `5m`, `1h`.
fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Resolves on the first SIGINT or SIGTERM (Ctrl-C / Ctrl-Break on other systems). The
/// handlers are installed here, before the future is first polled.
#[cfg(unix)]
fn stop_signal() -> Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    // What `tokio::signal::ctrl_c()` listens to on Unix, installed now rather than when
    // the future is first polled.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signal() -> Result<impl Future<Output = ()>> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    let mut ctrl_break = tokio::signal::windows::ctrl_break()?;
    Ok(async move {
        tokio::select! {
            _ = ctrl_c.recv() => {}
            _ = ctrl_break.recv() => {}
        }
    })
}

pub async fn run(
    client: &Client,
    args: &SyncArgs,
    session: &mut Session,
    interval: Duration,
) -> Result<()> {
    if interval.is_zero() {
        bail!(Usage("--watch needs an interval of at least 1ms".into()));
    }
    let mut stop = std::pin::pin!(stop_signal()?);
    let mut total = 0u64;
    let mut failures = 0u32;
    let mut first = true;
    loop {
        let wait = match session.run(client, args, stop.as_mut()).await {
            Ok(ran) => {
                total += ran.written;
                if ran.stopped {
                    break;
                }
                failures = 0;
                let note = if first { ran.recovery_note() } else { String::new() };
                first = false;
                eprintln!(
                    "{}: {} new punches, {total} since the watch started{note}",
                    now(),
                    ran.written
                );
                interval
            }
            Err(e) if worth_retrying(&e) => {
                failures += 1;
                let wait = backoff(interval, failures);
                eprintln!(
                    "{}: sync failed ({} in a row), retrying in {}: {}",
                    now(),
                    failures,
                    human(wait),
                    crate::exit::one_line(&e)
                );
                wait
            }
            Err(e) => return Err(e),
        };
        tokio::select! {
            biased;
            () = stop.as_mut() => break,
            () = tokio::time::sleep(wait) => {}
        }
    }
    eprintln!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_interval("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("1.5"), Ok(Duration::from_millis(1500)));
        for bad in ["", "s", "0", "0s", "-1s", "5 minutes", "1d", "1e3", "abc"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn backoff_starts_at_the_interval_or_1s_doubles_and_stops_at_5_minutes() {
        let ms = Duration::from_millis;
        assert_eq!(backoff(ms(200), 1), ms(1000));
        assert_eq!(backoff(ms(200), 2), ms(2000));
        assert_eq!(backoff(ms(200), 4), ms(8000));
        assert_eq!(backoff(Duration::from_secs(30), 1), Duration::from_secs(30));
        assert_eq!(backoff(Duration::from_secs(30), 3), Duration::from_secs(120));
        assert_eq!(backoff(Duration::from_secs(30), 5), MAX_BACKOFF);
        assert_eq!(backoff(Duration::from_secs(3600), 1), MAX_BACKOFF);
        assert_eq!(backoff(ms(200), 1000), MAX_BACKOFF);
        assert_eq!(human(ms(250)), "250ms");
        assert_eq!(human(ms(2000)), "2s");
        assert_eq!(human(ms(1500)), "1.5s");
        assert_eq!(human(Duration::from_secs(300)), "5m");
    }

    #[test]
    fn only_failures_time_may_fix_are_retried() {
        for k in [ErrorKind::Transport, ErrorKind::Timeout, ErrorKind::Server] {
            assert!(passing(k), "{k:?}");
        }
        assert!(passing(ErrorKind::UnexpectedResponse));
        for k in [
            ErrorKind::Authentication,
            ErrorKind::LoginCooldown,
            ErrorKind::Permission,
            ErrorKind::Licence,
            ErrorKind::InvalidArgument,
            ErrorKind::NotFound,
            ErrorKind::BadRequest,
        ] {
            assert!(!passing(k), "{k:?}");
        }
        let invalid = anyhow::Error::new(zkbiotime::Error::invalid_argument("x")).context("y");
        assert!(!worth_retrying(&invalid));
        assert!(!worth_retrying(&anyhow::anyhow!(Usage("bad".into()))));
        assert!(!worth_retrying(&anyhow::Error::new(std::io::Error::other("disk full"))));
    }
}
