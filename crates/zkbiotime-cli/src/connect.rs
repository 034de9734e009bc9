//! Building the core's `Client` from the connection flags.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use zkbiotime::{AuthScheme, Client, RetryPolicy};

use crate::cli::ConnectionArgs;
use crate::exit::Usage;

pub fn client(args: &ConnectionArgs) -> Result<Client> {
    let Some(url) = args.url.as_deref() else {
        bail!(Usage("no server URL: pass --url or set ZKBIO_URL".into()));
    };
    let mut builder = Client::builder(url);
    builder = match (&args.token, &args.username) {
        (Some(token), _) => builder.token(token.as_str()),
        (None, Some(username)) => {
            let password = match &args.password {
                Some(p) => p.clone(),
                None => prompt_password(username, url)?,
            };
            builder.login_with(scheme(args)?, username, password)
        }
        (None, None) => bail!(Usage(
            "no credentials: pass --username (ZKBIO_USERNAME) with --password (ZKBIO_PASSWORD), \
             or --token (ZKBIO_TOKEN)"
                .into()
        )),
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        bail!(Usage(format!(
            "--timeout must be a positive number of seconds, got {}",
            args.timeout
        )));
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    builder = builder
        .request_timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(30)))
        .retry_policy(RetryPolicy { max_attempts: args.retries + 1, ..RetryPolicy::default() })
        .page_size(args.page_size)
        .concurrency(args.concurrency)
        .strict(args.strict)
        .accept_language(args.accept_language.as_str())
        .danger_accept_invalid_certs(args.insecure_skip_tls_verify);
    if let Some(ca) = &args.ca_bundle {
        builder = builder.ca_bundle(ca);
    }
    if let Some(zone) = &args.timezone {
        builder = builder.server_timezone(zone);
    }
    Ok(builder.build()?)
}

/// The auth scheme from --auth and --jwt, as the core judges them.
fn scheme(args: &ConnectionArgs) -> Result<AuthScheme> {
    AuthScheme::from_options(args.auth.as_deref(), args.jwt)
        .map_err(|e| Usage(e.detail().to_string()).into())
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
