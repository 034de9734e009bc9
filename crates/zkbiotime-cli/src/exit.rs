//! Exit codes and the one-line error report.
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | success |
//! | 1    | any other failure (local files, I/O) |
//! | 2    | usage: bad flags or values, missing URL or credentials |
//! | 3    | authentication or permission (wrong password, rejected token, cool-down, 403) |
//! | 4    | not found (404) |
//! | 5    | network: connection refused or broken, TLS, timeout |
//! | 6    | server: 5xx, 429, or an answer that is not the API's JSON |
//! | 7    | the server rejected the data (400 with field messages) |

use std::fmt;

use zkbiotime::ErrorKind;

pub const OK: i32 = 0;
pub const FAILURE: i32 = 1;
pub const USAGE: i32 = 2;
pub const AUTH: i32 = 3;
pub const NOT_FOUND: i32 = 4;
pub const NETWORK: i32 = 5;
pub const SERVER: i32 = 6;
pub const REJECTED: i32 = 7;

/// The table above, for `--help`.
pub const HELP: &str = "Exit codes: 0 ok, 1 other failure, 2 usage, 3 authentication/permission, \
4 not found, 5 network/timeout, 6 server error, 7 data rejected by the server (400).";

/// A mistake in how the command was called (exit code 2).
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// The exit code an error deserves: the first classified error in its chain decides.
pub fn code(error: &anyhow::Error) -> i32 {
    for cause in error.chain() {
        if cause.downcast_ref::<Usage>().is_some() {
            return USAGE;
        }
        if let Some(e) = cause.downcast_ref::<zkbiotime::Error>() {
            return kind_code(e.kind());
        }
    }
    FAILURE
}

pub fn kind_code(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::Authentication
        | ErrorKind::LoginCooldown
        | ErrorKind::Permission
        | ErrorKind::Licence => AUTH,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::Transport | ErrorKind::Timeout => NETWORK,
        ErrorKind::Server | ErrorKind::UnexpectedResponse => SERVER,
        ErrorKind::BadRequest => REJECTED,
        ErrorKind::InvalidArgument => USAGE,
        _ => FAILURE,
    }
}

/// Whether the error is a closed stdout (`zkbio ... | head`): not worth a message.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// The error as one line: the contexts down to the client's error, whose own causes (the
/// socket error under a transport error, ...) are left for `--verbose`. Per-field messages
/// of a 400 and a hint for the usual fix are appended.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut hint = None;
    for cause in error.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        if let Some(e) = cause.downcast_ref::<zkbiotime::Error>() {
            let fields: Vec<String> = e
                .field_errors()
                .iter()
                .map(|(field, msgs)| format!("{field}: {}", msgs.join(" ")))
                .collect();
            if !fields.is_empty() && !e.detail().contains(&fields.join("; ")) {
                parts.push(fields.join("; "));
            }
            hint = match e.kind() {
                ErrorKind::Authentication => {
                    Some("check --username/--password (ZKBIO_USERNAME/ZKBIO_PASSWORD) or --token")
                }
                ErrorKind::Transport => Some("check --url and that the server is reachable"),
                _ => None,
            };
            break;
        }
    }
    let mut line = parts.join(": ");
    if let Some(hint) = hint {
        line.push_str(&format!(" ({hint})"));
    }
    line.replace(['\n', '\r'], " ")
}

/// Every cause on its own line, for `--verbose`.
pub fn chain(error: &anyhow::Error) -> String {
    error
        .chain()
        .enumerate()
        .map(|(i, c)| if i == 0 { c.to_string() } else { format!("  caused by: {c}") })
        .collect::<Vec<_>>()
        .join("\n")
}
