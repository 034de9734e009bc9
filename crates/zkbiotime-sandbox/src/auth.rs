//! Logins (DRF token and JWT) and per-request authentication: `Token`, `JWT`, `Basic`.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use rand::Rng;
use serde_json::{Map, Value, json};

use crate::api::object;
use crate::errors::{ApiError, ApiResult};
use crate::jwt::{self, JwtError};
use crate::state::{AppState, USER_ID};
use crate::validate::Form;

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Validates `{username, password}` like DRF's `AuthTokenSerializer`.
fn check_credentials(state: &AppState, body: &Map<String, Value>) -> ApiResult<()> {
    let mut form = Form::new(body, false);
    let user = form.char("username", true, false, false);
    // Passwords are not trimmed.
    let pass = match body.get("password") {
        Some(Value::String(s)) if s.is_empty() => {
            form.error("password", crate::validate::NOT_BLANK);
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        _ => form.char("password", true, false, false).flatten(),
    };
    form.finish()?;
    let ok = user.flatten().as_deref() == Some(state.config.username.as_str())
        && pass.as_deref() == Some(state.config.password.as_str());
    if ok {
        Ok(())
    } else {
        Err(ApiError::field("non_field_errors", "Unable to log in with provided credentials."))
    }
}

/// `POST /api-token-auth/`: the user's token, created on first login (DRF keeps one).
pub async fn token_login(state: &Arc<AppState>, body: Map<String, Value>) -> ApiResult<Response> {
    check_credentials(state, &body)?;
    // Find-or-create under the lock, so concurrent first logins share one token.
    let (token, created) = {
        let mut tokens = state.tokens.lock().unwrap_or_else(|e| e.into_inner());
        match tokens.iter().find(|(_, u)| **u == USER_ID) {
            Some((k, _)) => (k.clone(), false),
            None => {
                let mut bytes = [0u8; 20];
                rand::rng().fill(&mut bytes);
                let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                tokens.insert(key.clone(), USER_ID);
                (key, true)
            }
        }
    };
    if created {
        let k = token.clone();
        state
            .db
            .run(move |store| {
                store.conn.execute(
                    "INSERT INTO auth_token(key, user_id, created) VALUES (?, ?, ?)
                     ON CONFLICT(user_id) DO UPDATE SET key = excluded.key",
                    rusqlite::params![k, USER_ID, crate::api::now_text()],
                )?;
                Ok(())
            })
            .await?;
    }
    object(StatusCode::OK, &json!({ "token": token }))
}

/// `POST /jwt-api-token-auth/`: an HS256 JWT with `exp`, `user_id`, `username`.
pub async fn jwt_login(state: &Arc<AppState>, body: Map<String, Value>) -> ApiResult<Response> {
    check_credentials(state, &body)?;
    let now = unix_now();
    let payload = json!({
        "user_id": USER_ID,
        "username": state.config.username,
        "exp": now + state.config.jwt_lifetime.as_secs().max(1) as i64,
        "email": "",
        "orig_iat": now,
    });
    let token = jwt::encode(&state.jwt_secret, &payload);
    object(StatusCode::OK, &json!({ "token": token }))
}

/// Forgets every login token (the next login issues a new one).
pub async fn revoke_tokens(state: &Arc<AppState>) -> ApiResult<()> {
    state.tokens.lock().unwrap_or_else(|e| e.into_inner()).clear();
    state
        .db
        .run(|store| {
            store.conn.execute("DELETE FROM auth_token", [])?;
            Ok(())
        })
        .await
}

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Token,
    Jwt,
    Basic,
}

/// The 403 detail of a licence without the API module. GO's README and PB report the
/// gate but no source shows its body (PB only looks for "licen"): this wording is inferred.
pub const LICENCE_DETAIL: &str =
    "The license of API module is invalid or expired, please contact the administrator.";

/// The licence gate (GO README): with `--licence-gate`, Token and JWT requests to the
/// `personnel` and `iclock` APIs get 403; HTTP Basic passes, `/att/` and logins are open.
pub fn licence_gate(state: &AppState, scheme: Scheme, path: &str) -> ApiResult<()> {
    let gated = path.starts_with("/personnel/") || path.starts_with("/iclock/");
    if state.config.licence_gate && gated && scheme != Scheme::Basic {
        return Err(ApiError::Forbidden(LICENCE_DETAIL.into()));
    }
    Ok(())
}

/// Checks the `Authorization` header; returns the user id.
pub fn authenticate(state: &AppState, headers: &HeaderMap) -> ApiResult<i64> {
    authenticate_scheme(state, headers).map(|(user, _)| user)
}

/// Checks the `Authorization` header; returns the user id and the scheme it used.
pub fn authenticate_scheme(state: &AppState, headers: &HeaderMap) -> ApiResult<(i64, Scheme)> {
    let Some(raw) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::not_authenticated());
    };
    let raw = raw.to_str().map_err(|_| {
        ApiError::Unauthorized(
            "Invalid token header. Token string should not contain invalid characters.".into(),
        )
    })?;
    let mut parts = raw.split_whitespace();
    let scheme = parts.next().unwrap_or("").to_ascii_lowercase();
    let creds: Vec<&str> = parts.collect();
    match scheme.as_str() {
        "token" => {
            let key = match creds.as_slice() {
                [] => {
                    return Err(ApiError::Unauthorized(
                        "Invalid token header. No credentials provided.".into(),
                    ));
                }
                [k] => *k,
                _ => {
                    return Err(ApiError::Unauthorized(
                        "Invalid token header. Token string should not contain spaces.".into(),
                    ));
                }
            };
            if state.config.static_token.as_deref() == Some(key) {
                return Ok((USER_ID, Scheme::Token));
            }
            let tokens = state.tokens.lock().unwrap_or_else(|e| e.into_inner());
            tokens.get(key).map(|u| (*u, Scheme::Token)).ok_or_else(ApiError::invalid_token)
        }
        "jwt" => {
            let token = match creds.as_slice() {
                [] => {
                    return Err(ApiError::Unauthorized(
                        "Invalid Authorization header. No credentials provided.".into(),
                    ));
                }
                [t] => *t,
                _ => {
                    return Err(ApiError::Unauthorized(
                        "Invalid Authorization header. Credentials string should not contain spaces."
                            .into(),
                    ));
                }
            };
            match jwt::decode(&state.jwt_secret, token, unix_now()) {
                Ok(p)
                    if p.get("username").and_then(Value::as_str)
                        == Some(&state.config.username) =>
                {
                    Ok((USER_ID, Scheme::Jwt))
                }
                Ok(_) => Err(ApiError::Unauthorized("Invalid signature.".into())),
                Err(JwtError::Expired) => {
                    Err(ApiError::Unauthorized("Signature has expired.".into()))
                }
                Err(JwtError::Decode) => {
                    Err(ApiError::Unauthorized("Error decoding signature.".into()))
                }
            }
        }
        "basic" => {
            let decoded = creds
                .first()
                .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    ApiError::Unauthorized(
                        "Invalid basic header. Credentials not correctly base64 encoded.".into(),
                    )
                })?;
            match decoded.split_once(':') {
                Some((u, p)) if u == state.config.username && p == state.config.password => {
                    Ok((USER_ID, Scheme::Basic))
                }
                _ => Err(ApiError::Unauthorized("Invalid username/password.".into())),
            }
        }
        _ => Err(ApiError::not_authenticated()),
    }
}
