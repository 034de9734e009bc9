//! Core errors → the exception classes of `zkbiotime/errors.py`.
//!
//! The classes are plain Python (readable, subclassable, `ZKBioTimeTimeoutError` also an
//! `builtins.TimeoutError`); this file only picks the class by `ErrorKind` and fills in
//! `status_code`, `method`, `path`, `detail`, `field_errors` and `retry_after`.

use std::any::Any;

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};
use zkbiotime::ErrorKind;

/// What a future run for Python can fail with. Converted to a Python exception once the
/// GIL is held again.
pub enum Error {
    Core(zkbiotime::Error),
    Py(PyErr),
}

impl From<zkbiotime::Error> for Error {
    fn from(e: zkbiotime::Error) -> Self {
        Error::Core(e)
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error::Py(e)
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        match e {
            Error::Py(e) => e,
            Error::Core(e) => Python::attach(|py| core_error(py, &e)),
        }
    }
}

static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    MODULE
        .get_or_try_init(py, || py.import("zkbiotime.errors").map(Bound::unbind))
        .map(|m| m.bind(py))
}

/// The exception class named `name` in `zkbiotime.errors`.
fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    module(py)?.getattr(name)
}

pub fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::LoginCooldown => "LoginCooldownError",
        ErrorKind::Permission => "PermissionDeniedError",
        ErrorKind::Licence => "LicenceError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::Server => "ServerError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Timeout => "ZKBioTimeTimeoutError",
        ErrorKind::UnexpectedResponse => "UnexpectedResponseError",
        ErrorKind::InvalidArgument => "InvalidArgumentError",
        _ => "ZKBioTimeError",
    }
}

/// Builds the Python exception for a core error. Its text never holds a secret: the core's
/// `Display` does not, and secrets are `Secret`s there.
pub fn core_error(py: Python<'_>, e: &zkbiotime::Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = class(py, class_name(e.kind()))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", e.kind().as_str())?;
        kwargs.set_item("status_code", e.status())?;
        kwargs.set_item("method", e.method())?;
        kwargs.set_item("path", e.path())?;
        kwargs.set_item("detail", e.detail())?;
        let fields = PyDict::new(py);
        for (field, messages) in e.field_errors() {
            fields.set_item(field, messages.clone())?;
        }
        kwargs.set_item("field_errors", fields)?;
        kwargs.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
        let exc = cls.call((e.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|import_failed| {
        PyRuntimeError::new_err(format!("{e} (zkbiotime.errors unavailable: {import_failed})"))
    })
}

/// A base-class `ZKBioTimeError` for failures of the binding itself (closed client, a
/// panic), with no HTTP details.
pub fn plain(py: Python<'_>, kind: &str, message: String) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", kind)?;
        kwargs.set_item("detail", &message)?;
        Ok(PyErr::from_value(class(py, "ZKBioTimeError")?.call((message.clone(),), Some(&kwargs))?))
    };
    build().unwrap_or_else(|_| PyRuntimeError::new_err(message.clone()))
}

/// A panic inside the Rust code: reported as a `ZKBioTimeError`, never a crash.
pub fn panic_error(payload: Box<dyn Any + Send>) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    Python::attach(|py| plain(py, "panic", format!("internal error in zkbiotime (a bug): {what}")))
}

/// A keyword argument the API does not know, or a value of the wrong type.
pub fn type_error(message: impl Into<String>) -> PyErr {
    PyTypeError::new_err(message.into())
}

pub fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}
