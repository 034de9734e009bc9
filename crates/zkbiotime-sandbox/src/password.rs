//! Django-looking password hashes for `self_password`. They only need to look right: the
//! sandbox never checks them, so one SHA-256 round stands in for PBKDF2's 390000.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

const SALT_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

pub fn make_password(password: &str, salt_seed: &str) -> String {
    let seed = Sha256::digest(format!("salt:{salt_seed}:{password}").as_bytes());
    let salt: String = seed
        .iter()
        .take(22)
        .map(|b| SALT_CHARS[usize::from(*b) % SALT_CHARS.len()] as char)
        .collect();
    let hash = B64.encode(Sha256::digest(format!("{salt}{password}").as_bytes()));
    format!("pbkdf2_sha256$390000${salt}${hash}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn looks_like_django() {
        let h = super::make_password("123456", "x");
        let parts: Vec<&str> = h.split('$').collect();
        assert_eq!(parts[0], "pbkdf2_sha256");
        assert_eq!(parts[2].len(), 22);
        assert_eq!(parts[3].len(), 44);
    }
}
