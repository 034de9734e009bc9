//! Passwords, tokens and password hashes: an object whose text is always `***`.

use std::fmt;
use std::sync::Arc;

/// A secret string (password, token, password hash). `toString()` / `description` print
/// `***`, so a config or record that holds one can be logged safely; `expose()` gives the
/// value itself.
#[derive(Clone, PartialEq, Eq, Hash, uniffi::Object)]
#[uniffi::export(Display, Eq, Hash)]
pub struct Secret(zkbiotime::Secret);

#[uniffi::export]
impl Secret {
    #[uniffi::constructor]
    pub fn new(value: String) -> Arc<Self> {
        Arc::new(Self(zkbiotime::Secret::new(value)))
    }

    /// The secret text itself; use it only where it must go.
    pub fn expose(&self) -> String {
        self.0.expose().to_string()
    }
}

impl Secret {
    pub(crate) fn wrap(secret: zkbiotime::Secret) -> Arc<Self> {
        Arc::new(Self(secret))
    }

    pub(crate) fn to_core(&self) -> zkbiotime::Secret {
        self.0.clone()
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}
