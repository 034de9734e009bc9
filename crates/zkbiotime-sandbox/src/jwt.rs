//! HS256 JSON Web Tokens, as djangorestframework-jwt issues them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Malformed token or wrong signature.
    Decode,
    /// Valid signature, `exp` in the past.
    Expired,
}

fn sign(secret: &[u8], signing_input: &str) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(signing_input.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

pub fn encode(secret: &[u8], payload: &Value) -> String {
    let header = B64.encode(json!({"typ": "JWT", "alg": "HS256"}).to_string());
    let body = B64.encode(payload.to_string());
    let input = format!("{header}.{body}");
    let sig = B64.encode(sign(secret, &input));
    format!("{input}.{sig}")
}

/// Checks the signature and `exp` (seconds since the epoch) against `now`.
pub fn decode(secret: &[u8], token: &str, now: i64) -> Result<Value, JwtError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Decode);
    };
    let header: Value =
        B64.decode(h).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or(JwtError::Decode)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(JwtError::Decode);
    }
    let sig = B64.decode(s).map_err(|_| JwtError::Decode)?;
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(format!("{h}.{p}").as_bytes());
    mac.verify_slice(&sig).map_err(|_| JwtError::Decode)?;
    let payload: Value =
        B64.decode(p).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or(JwtError::Decode)?;
    match payload.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp > now => Ok(payload),
        Some(_) => Err(JwtError::Expired),
        None => Err(JwtError::Decode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_expiry() {
        let t = encode(b"k", &json!({"user_id": 1, "username": "admin", "exp": 100}));
        assert_eq!(decode(b"k", &t, 50).unwrap()["username"], "admin");
        assert_eq!(decode(b"k", &t, 100), Err(JwtError::Expired));
        assert_eq!(decode(b"other", &t, 50), Err(JwtError::Decode));
        assert_eq!(decode(b"k", "a.b", 50), Err(JwtError::Decode));
    }
}
