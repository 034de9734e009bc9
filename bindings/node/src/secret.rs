//! Secrets in records (password hashes): an object whose value is read with `expose()`.
//! The JS wrapper makes it print as `***` (`toString`, `toJSON`, `util.inspect`).

use napi_derive::napi;

#[napi]
pub struct Secret {
    value: zkbiotime::Secret,
}

#[napi]
impl Secret {
    /// The secret text itself; use it only where it must go.
    #[napi]
    pub fn expose(&self) -> String {
        self.value.expose().to_string()
    }
}

impl From<zkbiotime::Secret> for Secret {
    fn from(value: zkbiotime::Secret) -> Self {
        Self { value }
    }
}
