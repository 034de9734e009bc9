//! Building the core's `Client` from the connection flags.

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use zkbiotime::Client;

use crate::cli::ConnectionArgs;
use crate::exit::Usage;

/// The flags as the core's settings (`zkbiotime::Config`); every check and message is the
/// core's (an invalid setting exits with the usage code). A token wins over a username from
/// the environment; a missing password is asked for on a terminal.
pub fn client(args: &ConnectionArgs) -> Result<Client> {
    let Some(url) = args.url.as_deref() else {
        bail!(Usage("no server URL: pass --url or set ZKBIO_URL".into()));
    };
    let mut c = zkbiotime::Config::new(url);
    match (&args.token, &args.username) {
        (Some(token), _) => c.token = Some(token.as_str().into()),
        (None, Some(username)) => {
            let password = match &args.password {
                Some(p) => p.clone(),
                None => prompt_password(username, url)?,
            };
            c.username = Some(username.clone());
            c.password = Some(password.into());
            c.auth = args.auth.clone();
            c.jwt = args.jwt;
        }
        (None, None) => bail!(Usage(
            "no credentials: pass --username (ZKBIO_USERNAME) with --password (ZKBIO_PASSWORD), \
             or --token (ZKBIO_TOKEN)"
                .into()
        )),
    }
    c.timeout = args.timeout;
    // One --timeout for both: connecting never waits longer than 30 s.
    c.connect_timeout = if args.timeout.is_finite() { args.timeout.min(30.0) } else { 30.0 };
    c.retries = args.retries;
    c.page_size = i64::from(args.page_size);
    c.concurrency = i64::try_from(args.concurrency).unwrap_or(i64::MAX);
    c.strict = args.strict;
    c.accept_language = args.accept_language.clone();
    c.insecure_skip_tls_verify = args.insecure_skip_tls_verify;
    c.ca_bundle = args.ca_bundle.clone();
    c.timezone = args.timezone.clone();
    c.user_agent = Some(concat!("zkbio/", env!("CARGO_PKG_VERSION")).into());
    Ok(c.build()?)
}

/// Asks on the terminal (no echo); never in a pipe or a script.
fn prompt_password(username: &str, url: &str) -> Result<String> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!(Usage(
            "no password: pass --password or set ZKBIO_PASSWORD (no terminal to ask on)".into()
        ));
    }
    rpassword::prompt_password(format!("Password for {username} at {url}: "))
        .context("reading the password")
}
