//! Credentials and the token they buy.
//!
//! Modes: username + password traded for a DRF `Token` on first use (the system login or
//! the staff login), JWT (`/jwt-api-token-auth/` or `/staff-jwt-api-token-auth/`), renewed
//! shortly before the `exp` in its payload, HTTP Basic on every request (no login: it
//! passes the licence gate of BioTime 8 servers whose licence lacks the API module), and a
//! static token the caller already has. After the server rejects the password, further
//! logins are refused locally for a cool-down: a retry loop must not lock the account.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;

use crate::Secret;
use crate::error::{Error, ErrorKind, Result};

/// How the client proves who it is. More schemes may come: not exhaustive.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// Log in with `POST /api-token-auth/` on first use; send `Authorization: Token ...`.
    Password { username: String, password: Secret },
    /// Log in with `POST /jwt-api-token-auth/`; send `Authorization: JWT ...`, and log in
    /// again shortly before the token's `exp`.
    Jwt { username: String, password: Secret },
    /// A staff user: `POST /staff-api-token-auth/`, then `Authorization: Token ...`.
    StaffPassword { username: String, password: Secret },
    /// A staff user with JWT: `POST /staff-jwt-api-token-auth/`, then `Authorization: JWT ...`.
    StaffJwt { username: String, password: Secret },
    /// `Authorization: Basic ...` on every request, no login. Passes the licence gate of
    /// BioTime 8 servers whose licence lacks the API module.
    Basic { username: String, password: Secret },
    /// A token issued elsewhere (an admin's static "general" token): never log in.
    Token(Secret),
}

/// How a username and password are used: the names every binding and the CLI accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// `token` (default): traded for a DRF token.
    Token,
    /// `jwt`: traded for a JSON web token.
    Jwt,
    /// `staff_token`: the staff login, traded for a DRF token.
    StaffToken,
    /// `staff_jwt`: the staff login, traded for a JSON web token.
    StaffJwt,
    /// `basic`: HTTP Basic on every request.
    Basic,
}

impl AuthScheme {
    pub const NAMES: [&'static str; 5] = ["token", "jwt", "staff_token", "staff_jwt", "basic"];

    /// The credentials of this scheme for a username and password.
    pub fn credentials(
        self,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Credentials {
        let (username, password) = (username.into(), password.into());
        match self {
            Self::Token => Credentials::Password { username, password },
            Self::Jwt => Credentials::Jwt { username, password },
            Self::StaffToken => Credentials::StaffPassword { username, password },
            Self::StaffJwt => Credentials::StaffJwt { username, password },
            Self::Basic => Credentials::Basic { username, password },
        }
    }

    /// The scheme from a binding's or the CLI's options: a scheme name (`auth`) and the
    /// older `jwt` flag, which must not disagree. One message for every language.
    pub fn from_options(auth: Option<&str>, jwt: bool) -> Result<Self> {
        let scheme = match auth {
            Some(name) => name.parse()?,
            None if jwt => Self::Jwt,
            None => Self::Token,
        };
        if jwt && scheme != Self::Jwt {
            return Err(Error::invalid_argument(format!(
                "jwt contradicts auth {:?}: give only auth",
                auth.unwrap_or_default()
            )));
        }
        Ok(scheme)
    }
}

impl FromStr for AuthScheme {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "token" | "password" => Self::Token,
            "jwt" => Self::Jwt,
            "staff_token" | "staff" => Self::StaffToken,
            "staff_jwt" => Self::StaffJwt,
            "basic" => Self::Basic,
            _ => {
                return Err(Error::invalid_argument(format!(
                    "unknown auth scheme {s:?}: use one of {}",
                    Self::NAMES.join(", ")
                )));
            }
        })
    }
}

/// A login endpoint: where a username and password are traded for a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Login {
    Token,
    Jwt,
    StaffToken,
    StaffJwt,
}

impl Login {
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::Token => "/api-token-auth/",
            Self::Jwt => "/jwt-api-token-auth/",
            Self::StaffToken => "/staff-api-token-auth/",
            Self::StaffJwt => "/staff-jwt-api-token-auth/",
        }
    }
    fn jwt(self) -> bool {
        matches!(self, Self::Jwt | Self::StaffJwt)
    }
}

impl Credentials {
    /// The login this mode makes, with its username and password (none: nothing to log in).
    pub(crate) fn login(&self) -> Option<(Login, &str, &Secret)> {
        let (login, username, password) = match self {
            Self::Password { username, password } => (Login::Token, username, password),
            Self::Jwt { username, password } => (Login::Jwt, username, password),
            Self::StaffPassword { username, password } => (Login::StaffToken, username, password),
            Self::StaffJwt { username, password } => (Login::StaffJwt, username, password),
            Self::Basic { .. } | Self::Token(_) => return None,
        };
        Some((login, username.as_str(), password))
    }

    /// The fixed `Authorization` value of a mode without login.
    fn fixed_header(&self) -> Option<Secret> {
        match self {
            Self::Token(t) => Some(Secret::new(format!("Token {}", t.expose()))),
            Self::Basic { username, password } => {
                let pair = format!("{username}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                Some(Secret::new(format!("Basic {encoded}")))
            }
            _ => None,
        }
    }

    /// What the server rejected when a mode without login gets a 401.
    pub(crate) fn rejected(&self) -> &'static str {
        match self {
            Self::Basic { .. } => "the server rejected the username and password (HTTP Basic)",
            _ => "the static token was rejected",
        }
    }
}

/// Renew a JWT this long before it expires, so a request never leaves with a dead token.
const JWT_RENEW_MARGIN: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct Current {
    header: Secret,
    /// Bumped on every login, so a 401 only discards the token that failed.
    generation: u64,
    renew_at: Option<Instant>,
}

/// The auth state of one client, shared by its clones.
#[derive(Debug)]
pub(crate) struct Auth {
    pub(crate) credentials: Credentials,
    pub(crate) cooldown: Duration,
    current: Mutex<Option<Current>>,
    rejected_at: Mutex<Option<Instant>>,
    /// Serialises logins: many requests that find no token wait for one login.
    pub(crate) login_lock: tokio::sync::Mutex<()>,
    generation: Mutex<u64>,
}

impl Auth {
    pub(crate) fn new(credentials: Credentials, cooldown: Duration) -> Self {
        let current = credentials.fixed_header().map(|header| Current {
            header,
            generation: 0,
            renew_at: None,
        });
        Self {
            credentials,
            cooldown,
            current: Mutex::new(current),
            rejected_at: Mutex::new(None),
            login_lock: tokio::sync::Mutex::new(()),
            generation: Mutex::new(0),
        }
    }

    /// The `Authorization` header value, if a usable token is held.
    pub(crate) fn header_value(&self) -> Option<String> {
        lock(&self.current).as_ref().map(|c| c.header.expose().to_string())
    }

    /// The generation of a token that is good to use now, or `None` when a login is due.
    pub(crate) fn valid_generation(&self) -> Option<u64> {
        let current = lock(&self.current);
        let c = current.as_ref()?;
        match c.renew_at {
            Some(at) if Instant::now() >= at => None,
            _ => Some(c.generation),
        }
    }

    pub(crate) fn can_login(&self) -> bool {
        self.credentials.login().is_some()
    }

    /// Forgets the token of `generation` after the server refused it (a newer one stays).
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut current = lock(&self.current);
        if current.as_ref().is_some_and(|c| c.generation == generation) && self.can_login() {
            *current = None;
        }
    }

    /// Refuses a login while the cool-down after a rejected password runs.
    pub(crate) fn check_cooldown(&self) -> Result<()> {
        if let Some(at) = *lock(&self.rejected_at) {
            let elapsed = at.elapsed();
            if elapsed < self.cooldown {
                let left = self.cooldown - elapsed;
                return Err(Error::new(
                    ErrorKind::LoginCooldown,
                    format!(
                        "the server rejected the password {:.0?} ago; not trying again for {:.0?} \
                         (so that retries cannot lock the account)",
                        elapsed, left
                    ),
                )
                .with_retry_after(Some(left)));
            }
        }
        Ok(())
    }

    pub(crate) fn record_rejection(&self) {
        *lock(&self.rejected_at) = Some(Instant::now());
    }

    /// Stores a fresh token from a login answer.
    pub(crate) fn store(&self, token: &str) -> u64 {
        let mut generation = lock(&self.generation);
        *generation += 1;
        let (header, renew_at) = match self.credentials.login() {
            Some((login, ..)) if login.jwt() => (format!("JWT {token}"), jwt_renew_at(token)),
            _ => (format!("Token {token}"), None),
        };
        *lock(&self.current) =
            Some(Current { header: Secret::new(header), generation: *generation, renew_at });
        *generation
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these small locks leaves valid data behind.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// When to renew a JWT: `JWT_RENEW_MARGIN` before its `exp` (or halfway, for short lives).
fn jwt_renew_at(token: &str) -> Option<Instant> {
    let exp = jwt_exp(token)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
    let left = (exp - now).max(0.0);
    let margin = JWT_RENEW_MARGIN.as_secs_f64().min(left / 2.0);
    Some(Instant::now() + Duration::from_secs_f64(left - margin))
}

/// The `exp` claim of a JWT (seconds since the epoch), read without verifying the signature:
/// the client only needs to know when the server will stop accepting it.
pub(crate) fn jwt_exp(token: &str) -> Option<f64> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64_url_decode(payload)?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_f64()
}

fn base64_url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exp_from_a_jwt() {
        // {"alg":"HS256"} . {"exp":1700000000,"username":"admin"} . sig
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsInVzZXJuYW1lIjoiYWRtaW4ifQ.c2ln";
        assert_eq!(jwt_exp(token), Some(1_700_000_000.0));
        assert_eq!(jwt_exp("not-a-jwt"), None);
    }

    #[test]
    fn basic_sends_the_pair_and_never_logs_in() {
        let creds = AuthScheme::Basic.credentials("admin", "admin123");
        let auth = Auth::new(creds, Duration::from_secs(60));
        assert!(!auth.can_login());
        // base64("admin:admin123")
        assert_eq!(auth.header_value().as_deref(), Some("Basic YWRtaW46YWRtaW4xMjM="));
        assert!(!format!("{auth:?}").contains("YWRtaW46"), "{auth:?}");
        assert_eq!("staff-jwt".parse::<AuthScheme>().unwrap(), AuthScheme::StaffJwt);
        assert!("kerberos".parse::<AuthScheme>().unwrap_err().to_string().contains("basic"));
    }

    #[test]
    fn debug_never_shows_the_password_or_token() {
        let auth = Auth::new(
            Credentials::Password { username: "admin".into(), password: Secret::new("admin123") },
            Duration::from_secs(60),
        );
        auth.store("b86a6827b124c471ec2b9925d7a8ec949547d67d");
        let text = format!("{auth:?}");
        assert!(!text.contains("admin123") && !text.contains("b86a6827"), "{text}");
    }
}
