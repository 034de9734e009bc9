//! `ZKBIOTIME_LOG`: the core's `tracing` logs on stderr, as in the Node binding.

use std::sync::Once;

static INIT: Once = Once::new();

/// Reads `ZKBIOTIME_LOG` (an `EnvFilter` directive: `trace`, `zkbiotime=debug`, ...) once,
/// when the first client is constructed, and installs a `tracing` subscriber writing to
/// stderr with that filter. Unset or empty: no logs. Invalid: a warning on stderr, no logs.
pub(crate) fn init() {
    INIT.call_once(install);
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
    // Another subscriber already installed (an app that set up `tracing` itself): keep it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
