//! `Client` and `AsyncClient`: one constructor, the same configuration, the same core
//! client underneath. The resource attributes (`client.employees`, ...) are added by the
//! generated `accessors!` line (see `resources.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::PyBool;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;

use crate::convert::{Zone, quote};
use crate::errors::{self, Error};
use crate::runtime;

/// State shared by a client, its resources and its lists.
pub struct Shared {
    /// The core's settings, kept to build the core client again in a forked child (a
    /// connection pool cannot cross `fork()`).
    config: zkbiotime::Config,
    core: Mutex<(u32, zkbiotime::Client)>,
    closed: AtomicBool,
    pub zone: Zone,
}

impl Shared {
    /// The core client of this process (built again after a fork).
    pub fn client(&self) -> Result<zkbiotime::Client, Error> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(Error::Py(Python::attach(|py| {
                errors::plain(py, "closed", "the client is closed".to_string())
            })));
        }
        let pid = std::process::id();
        let mut slot = self.core.lock().unwrap_or_else(|p| p.into_inner());
        if slot.0 != pid {
            let fresh = self.config.build()?;
            let inherited = std::mem::replace(&mut *slot, (pid, fresh));
            // The parent's pool is registered with the parent's epoll: never drop it here.
            std::mem::forget(inherited);
        }
        Ok(slot.1.clone())
    }

    fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }
}

/// The constructor's arguments as the core's settings (`zkbiotime::Config`, the same names
/// in Python): Python's `verify` (True, False or a CA bundle's path) becomes the core's two
/// TLS settings; every other keyword goes to the core as it is, whose checks and messages
/// are the same in every language. A name or a type the core refuses is a `TypeError`, as
/// Python has it for keyword arguments.
fn shared(
    py: Python<'_>,
    base_url: String,
    verify: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<Arc<Shared>> {
    let mut map = serde_json::Map::new();
    for (key, value) in settings.into_iter().flat_map(|d| d.iter()) {
        let key: String = key.extract()?;
        let value = crate::convert::to_json(&value, None)
            .map_err(|e| errors::type_error(format!("{key}: {}", e.value(py))))?;
        map.insert(key, value);
    }
    map.insert("base_url".into(), Value::String(base_url));
    if let Ok(b) = verify.cast::<PyBool>() {
        map.insert("insecure_skip_tls_verify".into(), Value::Bool(!b.is_true()));
    } else if let Ok(path) = verify.extract::<std::path::PathBuf>() {
        map.insert("ca_bundle".into(), Value::String(path.to_string_lossy().into_owned()));
    } else {
        return Err(errors::type_error("verify must be True, False or the path of a CA bundle"));
    }
    let agent = concat!("zkbiotime-python/", env!("CARGO_PKG_VERSION"));
    map.entry("user_agent").or_insert_with(|| Value::String(agent.into()));
    let config = zkbiotime::Config::from_json(Value::Object(map)).map_err(|e| {
        let message = e.to_string();
        if message.contains("unknown field") || message.contains("invalid type") {
            errors::type_error(message)
        } else {
            errors::core_error(py, &e)
        }
    })?;
    let core = config.build().map_err(|e| errors::core_error(py, &e))?;
    let zone = core.server_zone().copied();
    Ok(Arc::new(Shared {
        config,
        core: Mutex::new((std::process::id(), core)),
        closed: AtomicBool::new(false),
        zone,
    }))
}

fn repr(class: &str, s: &Shared) -> String {
    let c = &s.config;
    let auth = match (&c.username, &c.token) {
        (Some(username), _) => {
            let scheme = c.auth.as_deref().or(c.jwt.then_some("jwt"));
            let scheme = scheme.map(|a| format!(", auth={}", quote(a))).unwrap_or_default();
            format!("username={}{scheme}", quote(username))
        }
        (None, Some(_)) => "token=***".to_string(),
        (None, None) => String::new(),
    };
    let zone =
        c.timezone.as_deref().map(|z| format!(", timezone={}", quote(z))).unwrap_or_default();
    format!("{class}({}, {auth}{zone})", quote(&c.base_url))
}

/// A blocking ZKBio Time client. Thread-safe: share one across threads.
#[pyclass(module = "zkbiotime", frozen)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

/// The asyncio client: same constructor, every call an awaitable, lists `async for`.
#[pyclass(module = "zkbiotime", frozen)]
pub struct AsyncClient {
    pub(crate) shared: Arc<Shared>,
}

macro_rules! common_methods {
    ($class:ident) => {
        #[pymethods]
        impl $class {
            /// The keywords are the core's client settings (`zkbiotime::Config`); the
            /// stub (`_native.pyi`) lists them with their types and defaults.
            #[new]
            #[pyo3(signature = (base_url, *, verify = None, **settings))]
            fn new(
                py: Python<'_>,
                base_url: String,
                verify: Option<Bound<'_, PyAny>>,
                settings: Option<Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let verify = verify.unwrap_or_else(|| PyBool::new(py, true).to_owned().into_any());
                let shared = shared(py, base_url, &verify, settings.as_ref())?;
                Ok(Self { shared })
            }

            #[getter]
            fn base_url(&self) -> String {
                self.shared.config.base_url.clone()
            }

            /// The server's IANA zone, when given.
            #[getter]
            fn timezone(&self) -> Option<String> {
                self.shared.config.timezone.clone()
            }

            fn __repr__(&self) -> String {
                repr(stringify!($class), &self.shared)
            }
        }
    };
}

common_methods!(Client);
common_methods!(AsyncClient);

#[pymethods]
impl Client {
    /// Logs in now (normally the first request does); a no-op with a token.
    fn login(&self, py: Python<'_>) -> PyResult<()> {
        let client = self.shared.client().map_err(PyErr::from)?;
        runtime::block_on(py, async move { client.login().await.map_err(Error::from) })
    }

    /// Any API request (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`) through the client's auth,
    /// retries and errors, for endpoints the SDK does not model yet; the decoded JSON.
    #[pyo3(signature = (method, path, *, params = None, json = None))]
    fn request(
        &self,
        py: Python<'_>,
        method: String,
        path: String,
        params: Option<Bound<'_, PyDict>>,
        json: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let client = self.shared.client().map_err(PyErr::from)?;
        let (query, body) = request_args(params.as_ref(), json.as_ref(), self.shared.zone)?;
        let value = runtime::block_on(py, async move {
            client.request(&method, &path, &query, body.as_ref()).await.map_err(Error::from)
        })?;
        Ok(crate::convert::json_to_py(py, &value)?.unbind())
    }

    /// What the server tells about itself: docs title, version, shapes (a dict).
    fn server_info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let client = self.shared.client().map_err(PyErr::from)?;
        let info =
            runtime::block_on(py, async move { client.server_info().await.map_err(Error::from) })?;
        Ok(crate::convert::json_to_py(py, &info_json(&info))?.unbind())
    }

    /// Any attendance report by name (`/att/api/<name>/`, e.g. `dailyAttendanceReport`):
    /// its rows as dicts with the server's keys, fetched lazily page by page like a list.
    /// `params` are the report's own (`start_date`, `end_date`, `departments`, ...).
    #[pyo3(signature = (name, /, **params))]
    fn report(
        &self,
        name: String,
        params: Option<Bound<'_, PyDict>>,
    ) -> PyResult<crate::lists::RecordList> {
        let query = report_query(&name, params.as_ref(), self.shared.zone)?;
        let client = self.shared.client().map_err(PyErr::from)?;
        let pages = crate::lists::erase(client.report_pages(query));
        Ok(crate::lists::RecordList::new(pages, self.shared.zone))
    }

    /// Closes the client: later calls raise. Idempotent.
    fn close(&self) {
        self.shared.close();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.shared.close();
        false
    }
}

#[pymethods]
impl AsyncClient {
    fn login<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.shared.client().map_err(PyErr::from)?;
        runtime::future(py, async move { client.login().await.map_err(Error::from) })
    }

    #[pyo3(signature = (method, path, *, params = None, json = None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        method: String,
        path: String,
        params: Option<Bound<'py, PyDict>>,
        json: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.shared.client().map_err(PyErr::from)?;
        let (query, body) = request_args(params.as_ref(), json.as_ref(), self.shared.zone)?;
        runtime::future(py, async move {
            let value = client.request(&method, &path, &query, body.as_ref()).await?;
            Ok::<_, Error>(PyJson(value))
        })
    }

    fn server_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.shared.client().map_err(PyErr::from)?;
        runtime::future(py, async move {
            Ok::<_, Error>(PyJson(info_json(&client.server_info().await?)))
        })
    }

    /// Any attendance report by name, for `async for` (see `Client.report`).
    #[pyo3(signature = (name, /, **params))]
    fn report(
        &self,
        name: String,
        params: Option<Bound<'_, PyDict>>,
    ) -> PyResult<crate::lists::AsyncRecordList> {
        let query = report_query(&name, params.as_ref(), self.shared.zone)?;
        let client = self.shared.client().map_err(PyErr::from)?;
        let pages = crate::lists::erase(client.report_pages(query));
        Ok(crate::lists::AsyncRecordList::new(pages, self.shared.zone))
    }

    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.shared.close();
        runtime::future(py, async { Ok::<(), Error>(()) })
    }

    fn __aenter__<'py>(slf: Py<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        runtime::future(py, async move { Ok::<Py<Self>, Error>(slf) })
    }

    #[pyo3(signature = (*_args))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _args: &Bound<'py, pyo3::types::PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.shared.close();
        runtime::future(py, async { Ok::<bool, Error>(false) })
    }
}

/// The core's report query from a name and Python keyword arguments.
fn report_query(
    name: &str,
    params: Option<&Bound<'_, PyDict>>,
    zone: Zone,
) -> PyResult<zkbiotime::ReportQuery> {
    let (query, _) = request_args(params, None, zone)?;
    Ok(zkbiotime::ReportQuery::new(name, query).map_err(Error::from)?)
}

/// Query parameters and a JSON body of a raw request.
type RequestArgs = (Vec<(String, String)>, Option<Value>);

/// Query parameters (values as text; `None` left out) and a JSON body from Python values.
fn request_args(
    params: Option<&Bound<'_, PyDict>>,
    json: Option<&Bound<'_, PyAny>>,
    zone: Zone,
) -> PyResult<RequestArgs> {
    let mut query = Vec::new();
    for (key, value) in params.into_iter().flat_map(|p| p.iter()) {
        if value.is_none() {
            continue;
        }
        let text = match crate::convert::to_json(&value, zone)? {
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            _ => return Err(errors::type_error("params values must be text, numbers or booleans")),
        };
        query.push((key.cast::<PyString>()?.to_string(), text));
    }
    let body =
        json.filter(|j| !j.is_none()).map(|j| crate::convert::to_json(j, zone)).transpose()?;
    Ok((query, body))
}

fn info_json(info: &zkbiotime::ServerInfo) -> Value {
    serde_json::to_value(info).unwrap_or(Value::Null)
}

/// A JSON answer handed to asyncio, turned into Python objects on the way.
pub(crate) struct PyJson(pub(crate) Value);

impl<'py> IntoPyObject<'py> for PyJson {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        crate::convert::json_to_py(py, &self.0)
    }
}
