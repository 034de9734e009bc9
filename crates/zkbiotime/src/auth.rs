//! Credentials and the token they buy.
//!
//! Three modes: username + password traded for a DRF `Token` on first use, a static token
//! the caller already has, and JWT (`/jwt-api-token-auth/`), renewed shortly before the
//! `exp` in its payload. After the server rejects the password, further logins are refused
//! locally for a cool-down: a retry loop must not lock the account.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::Secret;
use crate::error::{Error, ErrorKind, Result};

/// How the client proves who it is.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// Log in with `POST /api-token-auth/` on first use; send `Authorization: Token ...`.
    Password { username: String, password: Secret },
    /// Log in with `POST /jwt-api-token-auth/`; send `Authorization: JWT ...`, and log in
    /// again shortly before the token's `exp`.
    Jwt { username: String, password: Secret },
    /// A token issued elsewhere (an admin's static "general" token): never log in.
    Token(Secret),
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
        let current = match &credentials {
            Credentials::Token(t) => Some(Current {
                header: Secret::new(format!("Token {}", t.expose())),
                generation: 0,
                renew_at: None,
            }),
            _ => None,
        };
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
        !matches!(self.credentials, Credentials::Token(_))
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
        let (header, renew_at) = match &self.credentials {
            Credentials::Jwt { .. } => (format!("JWT {token}"), jwt_renew_at(token)),
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
