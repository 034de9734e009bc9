//! `ZKBIOTIME_LOG`: the one switch every language binding offers to see the client's
//! `tracing` events on stderr (Rust programs install their own subscriber instead).

use std::sync::Once;

static INIT: Once = Once::new();

/// Reads `ZKBIOTIME_LOG` (an `EnvFilter` directive such as `trace` or `zkbiotime=debug`)
/// once, and installs a `tracing` subscriber writing to stderr with that filter. Unset or
/// empty: no logs. Invalid: a warning on stderr, no logs. A subscriber the host already
/// installed is kept. True when `ZKBIOTIME_LOG` asked for logs (a binding then leaves its
/// language's own logging alone).
pub fn init_from_env() -> bool {
    INIT.call_once(install);
    std::env::var("ZKBIOTIME_LOG").is_ok_and(|d| !d.trim().is_empty())
}

fn install() {
    let Ok(directives) = std::env::var("ZKBIOTIME_LOG") else { return };
    if directives.trim().is_empty() {
        return;
    }
    let filter = match tracing_subscriber::EnvFilter::try_new(&directives) {
        Ok(filter) => filter,
        Err(e) => {
            eprintln!("zkbiotime: ignoring ZKBIOTIME_LOG={directives:?}: {e}");
            return;
        }
    };
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
