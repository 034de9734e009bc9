//! The native half of the `zkbiotime` npm package (napi-rs).
//!
//! A thin adapter over the core crate: auth, retries, paging, sync, upsert and error
//! classification all happen in `zkbiotime`; this crate only translates options, filters,
//! bodies, records and errors. The public JS API (classes, async iterators, error classes)
//! is the small wrapper in `lib/`, which calls the internal `NativeClient` exported here.
//!
//! Async methods run on napi's tokio runtime and settle a Promise; a panic in one rejects
//! that Promise (napi catches it) and the wrapper turns it into a `ZKBioTimeError`.

mod convert;
mod cursor;
mod error;
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, dead_code, unused_imports)]
#[macro_use]
mod generated;
mod resources;
mod secret;

use napi::JsString;
use napi::bindgen_prelude::{
    Array, Env, FnArgs, Function, FunctionRef, JsObjectValue, Object, ToNapiValue, Unknown,
};
use napi::sys;
use napi_derive::napi;
use serde_json::Value;
use zkbiotime::{Client, SyncState};

use crate::convert::{AsJson, Cx, FromCore, JsonRows};
use crate::cursor::NativeCursor;
use crate::error::BindingError;

/// A JS value produced later, on the JS thread, from a Rust value made on a tokio thread.
pub struct Js(Box<dyn FnOnce(sys::napi_env) -> napi::Result<sys::napi_value> + Send>);

impl Js {
    pub fn new<T: ToNapiValue + Send + 'static>(value: T) -> Self {
        // SAFETY: napi calls `to_napi_value` on the JS thread with a live env.
        Self(Box::new(move |env| unsafe { T::to_napi_value(env, value) }))
    }
}

impl ToNapiValue for Js {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        (val.0)(env)
    }
}

/// One page of a list: `{ number, count, pageSize, hasNext, items }`.
pub struct PageJs<T> {
    page: zkbiotime::Page<()>,
    items: Records<T>,
}

impl<T> PageJs<T> {
    /// Runs on a runtime thread: everything but making the JS values happens here.
    pub fn new<I: AsJson>(mut page: zkbiotime::Page<I>, cx: &Cx) -> Self
    where
        T: FromCore<I>,
    {
        let items = Records::new(std::mem::take(&mut page.items), cx);
        Self::with_items(&page, items)
    }

    /// `page`'s number, count and links with `items` as its records.
    pub fn with_items<I>(page: &zkbiotime::Page<I>, items: Records<T>) -> Self {
        let page = zkbiotime::Page {
            number: page.number,
            count: page.count,
            page_size: page.page_size,
            has_next: page.has_next,
            items: Vec::new(),
        };
        Self { page, items }
    }
}

impl<T: ToNapiValue> ToNapiValue for PageJs<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let env_ = Env::from_raw(env);
        let mut obj = Object::new(&env_)?;
        obj.set("number", val.page.number)?;
        obj.set("count", val.page.count)?;
        obj.set("pageSize", val.page.page_size)?;
        obj.set("hasNext", val.page.has_next)?;
        obj.set("items", val.items)?;
        // SAFETY: the object belongs to this env.
        unsafe { Object::to_napi_value(env, obj) }
    }
}

/// Records for a JS array: JSON rows when the record type allows it (see `AsJson`),
/// objects otherwise.
pub enum Records<T> {
    Objects(Vec<T>),
    Rows(JsonRows),
}

impl<T> Records<T> {
    /// Converts on the calling (runtime) thread, so the JS thread only parses.
    pub fn new<I: AsJson>(items: Vec<I>, cx: &Cx) -> Self
    where
        T: FromCore<I>,
    {
        match I::json_rows(&items, cx) {
            Some(rows) => Records::Rows(rows),
            None => {
                Records::Objects(items.into_iter().map(|item| T::from_core(item, cx)).collect())
            }
        }
    }
}

impl<T: ToNapiValue> ToNapiValue for Records<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val {
            // SAFETY: called by napi on the JS thread with a live env.
            Records::Objects(items) => unsafe { Vec::<T>::to_napi_value(env, items) },
            Records::Rows(JsonRows { model, chunks }) => {
                let env_ = Env::from_raw(env);
                let mut parts = env_.create_array(chunks.len() as u32)?;
                for (i, chunk) in chunks.into_iter().enumerate() {
                    parts.set(i as u32, json_parse(&env_, chunk)?)?;
                }
                let records = decode_rows(&env_, model, parts)?;
                // SAFETY: as above; the value belongs to this env.
                unsafe { Unknown::to_napi_value(env, records) }
            }
        }
    }
}

/// One record, the way a page carries it: a record type reads the same (keys and their order)
/// from `get` or a write as from a list.
pub struct One<T>(Records<T>);

impl<T> One<T> {
    pub fn new<I: AsJson>(item: I, cx: &Cx) -> Self
    where
        T: FromCore<I>,
    {
        Self(Records::new(vec![item], cx))
    }
}

impl<T: ToNapiValue> ToNapiValue for One<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val.0 {
            // SAFETY: called by napi on the JS thread with a live env.
            Records::Objects(mut items) => match items.pop() {
                Some(item) => unsafe { T::to_napi_value(env, item) },
                None => Err(napi::Error::from_reason("zkbiotime: no record to convert")),
            },
            rows @ Records::Rows(_) => {
                // SAFETY: as above.
                let array = unsafe { Records::<T>::to_napi_value(env, rows)? };
                let mut first = std::ptr::null_mut();
                // SAFETY: `array` is the one-element array just made in this env.
                let status = unsafe { sys::napi_get_element(env, array, 0, &mut first) };
                if status != sys::Status::napi_ok {
                    return Err(napi::Error::from_reason("zkbiotime: reading a decoded row"));
                }
                Ok(first)
            }
        }
    }
}

/// `decodeRows` of `lib/rows.generated.js`, which `lib/native.js` hands over when it loads the addon.
type RowDecoder = FunctionRef<FnArgs<(&'static str, Array<'static>)>, Unknown<'static>>;

/// Kept as this addon's instance data in each JS environment (main thread, each worker).
#[napi(js_name = "setRowDecoder", catch_unwind)]
pub fn set_row_decoder(env: Env, decoder: RowDecoder) -> napi::Result<()> {
    env.set_instance_data(decoder, (), |_| {})
}

/// Parsed chunks of JSON rows of record type `model` → one array of records, by the
/// decoder of `lib/rows.generated.js`.
fn decode_rows<'env>(
    env: &'env Env,
    model: &'static str,
    parts: Array<'env>,
) -> napi::Result<Unknown<'env>> {
    let Some(decoder) = env.get_instance_data::<RowDecoder>()? else {
        return Err(napi::Error::from_reason(
            "zkbiotime: lib/native.js did not set the row decoder",
        ));
    };
    decoder.borrow_back(env)?.call((model, parts).into())
}

/// `JSON.parse(text)` with the JS engine's own parser; `text` is UTF-8.
fn json_parse(env: &Env, text: Vec<u8>) -> napi::Result<Unknown<'_>> {
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let parse: Function<JsString, Unknown> = json.get_named_property("parse")?;
    // ASCII text (the usual page) is copied as Latin-1, skipping V8's UTF-8 decoding.
    let text = if text.is_ascii() {
        env.create_string_latin1(&text)?
    } else {
        let text = String::from_utf8(text)
            .map_err(|_| napi::Error::from_reason("zkbiotime: rows are not UTF-8"))?;
        env.create_string(&text)?
    };
    parse.call(text)
}

/// What the codes of `record.field` mean (the spec's `x-labels`, held by the core):
/// `labels('Transaction', 'punch_state')['0'] === 'Check In'`; empty without labels.
#[napi(catch_unwind)]
pub fn labels(record: String, field: String) -> std::collections::HashMap<String, String> {
    let pairs = zkbiotime::labels(&record, &field).into_iter().flatten();
    pairs.map(|(code, label)| (code.to_string(), label.to_string())).collect()
}

/// `directions(punches, { by, terminals })` of the package: `'in'`, `'out'` or `null` per
/// punch, decided by the core. JS punches are plain objects: each crosses back to the core's
/// `Transaction` through JSON, with the server's text of each time (`<field>_raw`) and the
/// `extra` keys put back where the server had them.
#[napi(catch_unwind)]
pub fn directions(
    punches: Vec<Value>,
    by: String,
    terminals: Option<std::collections::HashMap<String, String>>,
) -> napi::Result<Vec<Option<&'static str>>> {
    let mut map = std::collections::HashMap::new();
    for (key, value) in terminals.unwrap_or_default() {
        map.insert(key, zkbiotime::Direction::parse(&value).map_err(BindingError::from)?);
    }
    let rule = zkbiotime::DirectionRule::from_name(&by, map).map_err(BindingError::from)?;
    let records = punches
        .into_iter()
        .enumerate()
        .map(|(i, punch)| transaction_from_js(punch).map_err(|e| format!("punches[{i}]: {e}")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(BindingError::invalid)?;
    let found = zkbiotime::directions(&records, &rule);
    Ok(found.into_iter().map(|d| d.map(zkbiotime::Direction::as_str)).collect())
}

/// A JS punch (see `FromCore<types::Transaction>`) → the core's record.
fn transaction_from_js(value: Value) -> Result<zkbiotime::types::Transaction, String> {
    let Value::Object(mut record) = value else {
        return Err("a punch must be a Transaction record (an object)".to_string());
    };
    if let Some(Value::Object(extra)) = record.remove("extra") {
        for (key, value) in extra {
            record.entry(key).or_insert(value);
        }
    }
    let raw: Vec<String> = record.keys().filter(|k| k.ends_with("_raw")).cloned().collect();
    for key in raw {
        if let Some(text) = record.remove(&key) {
            record.insert(key.strip_suffix("_raw").unwrap_or(&key).to_string(), text);
        }
    }
    serde_json::from_value(Value::Object(record)).map_err(|e| e.to_string())
}

/// The client the JS `Client` wraps.
#[napi]
pub struct NativeClient {
    client: Client,
    cx: Cx,
}

#[napi]
impl NativeClient {
    /// `settings`: the core's client settings (`zkbiotime::Config`, snake case, seconds),
    /// which the JS wrapper makes from the options (`lib/options.generated.js`).
    #[napi(constructor, catch_unwind)]
    pub fn new(settings: Value) -> napi::Result<Self> {
        Ok(build(settings)?)
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_string()
    }

    #[napi(getter)]
    pub fn timezone(&self) -> Option<String> {
        self.cx.zone.map(|z| z.name().to_string())
    }

    /// Logs in now (normally the first request does).
    #[napi]
    pub async fn login(&self) -> napi::Result<()> {
        Ok(self.client.login().await.map_err(BindingError::from)?)
    }

    #[napi]
    pub async fn get(&self, resource: String, id: i64) -> napi::Result<Js> {
        let (client, cx) = (self.client.clone(), self.cx);
        Ok(gettable!(resource.as_str(), R => resources::get::<R>(&client, id, &cx).await)?)
    }

    /// Page `number` (1-based) of a list.
    #[napi]
    pub async fn page(
        &self,
        resource: String,
        filters: Option<Value>,
        number: i64,
    ) -> napi::Result<Js> {
        let (client, cx) = (self.client.clone(), self.cx);
        Ok(
            readable!(resource.as_str(), R => resources::page::<R>(&client, filters, number, &cx).await)?,
        )
    }

    /// Every page of a list, fetched as the cursor is read. Filters are checked now.
    #[napi(catch_unwind)]
    pub fn list(&self, resource: String, filters: Option<Value>) -> napi::Result<NativeCursor> {
        let (client, cx) = (self.client.clone(), self.cx);
        let pages =
            readable!(resource.as_str(), R => resources::pages::<R>(&client, filters, &cx))?;
        Ok(NativeCursor::new(pages))
    }

    #[napi]
    pub async fn create(&self, resource: String, body: Value) -> napi::Result<Js> {
        let (client, cx) = (self.client.clone(), self.cx);
        Ok(writable!(resource.as_str(), R => resources::create::<R>(&client, body, &cx).await)?)
    }

    #[napi]
    pub async fn update(&self, resource: String, id: i64, body: Value) -> napi::Result<Js> {
        let (client, cx) = (self.client.clone(), self.cx);
        Ok(writable!(resource.as_str(), R => resources::update::<R>(&client, id, body, &cx).await)?)
    }

    #[napi]
    pub async fn delete(&self, resource: String, id: i64) -> napi::Result<()> {
        let client = self.client.clone();
        Ok(deletable!(resource.as_str(), R => resources::delete::<R>(&client, id).await)?)
    }

    /// Creates the record or updates the one with the same code: `{ created, record }`.
    #[napi]
    pub async fn upsert(&self, resource: String, body: Value) -> napi::Result<Js> {
        let (client, cx) = (self.client.clone(), self.cx);
        Ok(upsertable!(resource.as_str(), R => resources::upsert::<R>(&client, body, &cx).await)?)
    }

    /// Runs the action `action` of a resource (the spec's `x-action`, e.g. `resigns`
    /// `reinstate`) with `body`; resolves to the answer as JSON text.
    #[napi]
    pub async fn action(
        &self,
        resource: String,
        action: String,
        body: Value,
    ) -> napi::Result<String> {
        let answer = generated::run_action(&self.client, &resource, &action, body).await?;
        Ok(answer.to_string())
    }

    /// New punches since `state` (JSON text from the previous batch; none: from the start,
    /// or from `since` on: server-local text, or ISO 8601 with an offset (what the wrapper
    /// makes of a `Date`), converted with the client's zone like filter times).
    #[napi]
    pub async fn sync(
        &self,
        state: Option<String>,
        max: Option<u32>,
        since: Option<String>,
    ) -> napi::Result<SyncBatch> {
        let since = match since {
            Some(text) => match chrono::DateTime::parse_from_rfc3339(text.trim()) {
                Ok(t) => Some(self.client.to_server_text(&t).map_err(BindingError::from)?),
                Err(_) => Some(text),
            },
            None => None,
        };
        let state = state.filter(|s| !s.is_empty());
        let state =
            SyncState::start(state.as_deref(), since.as_deref()).map_err(BindingError::from)?;
        let batch = self
            .client
            .transactions()
            .sync(&state, max.map(|m| m as usize))
            .await
            .map_err(BindingError::from)?;
        Ok(SyncBatch {
            punches: Records::new(batch.punches, &self.cx),
            state: batch.state.to_json(),
            complete: batch.complete,
        })
    }

    /// The server-side export of punches (`format`: csv, txt or xls, parsed by the core)
    /// that `filters` select, streamed into the file `path` (`Transactions::export_file`:
    /// `<path>.part`, renamed when complete); resolves to the bytes written.
    #[napi]
    pub async fn export_file(
        &self,
        path: String,
        format: String,
        filters: Option<Value>,
    ) -> napi::Result<i64> {
        let format = zkbiotime::ExportFormat::parse(&format).map_err(BindingError::from)?;
        let filter: zkbiotime::TransactionFilter =
            convert::filter(filters, "transactions", &self.client)?;
        let written = self
            .client
            .transactions()
            .export_file(filter, format, path)
            .await
            .map_err(BindingError::from)?;
        Ok(i64::try_from(written).unwrap_or(i64::MAX))
    }

    /// Any API request through the client's auth, retries and errors (`Client::request`).
    /// `params`: query pairs, already text; `json`: the body as JSON text (the wrapper's
    /// `JSON.stringify`). Resolves to the answer as JSON text, for `JSON.parse` in the
    /// wrapper: numbers then read as they would from `fetch(...).json()`.
    #[napi]
    pub async fn request(
        &self,
        method: String,
        path: String,
        params: Option<Vec<(String, String)>>,
        json: Option<String>,
    ) -> napi::Result<String> {
        let body = match json {
            None => None,
            Some(text) => Some(serde_json::from_str::<Value>(&text).map_err(|e| {
                BindingError::invalid(format!("the request body is not JSON: {e}"))
            })?),
        };
        let params = params.unwrap_or_default();
        let answer = self
            .client
            .request(&method, &path, &params, body.as_ref())
            .await
            .map_err(BindingError::from)?;
        Ok(answer.to_string())
    }

    /// This client with other limits (`withOptions` in the wrapper): `timeout_ms` bounds
    /// each call, `retries` counts the attempts after the first; the session is shared.
    #[napi(catch_unwind)]
    pub fn with_options(&self, timeout_ms: Option<u32>, retries: Option<u32>) -> NativeClient {
        let timeout = timeout_ms.map(|ms| std::time::Duration::from_millis(ms.into()));
        let attempts = retries.map(|r| r.saturating_add(1));
        NativeClient { client: self.client.with_limits(timeout, attempts), cx: self.cx }
    }

    /// Any attendance report by name (`/att/api/<name>/`): a cursor over its pages, each
    /// `{ number, count, pageSize, hasNext, items }` with rows as objects keyed as the
    /// server wrote them. `params`: the report's query pairs, already text.
    #[napi(catch_unwind)]
    pub fn report(
        &self,
        name: String,
        params: Option<Vec<(String, String)>>,
    ) -> napi::Result<NativeCursor> {
        use futures::StreamExt as _;
        let query = zkbiotime::ReportQuery::new(&name, params.unwrap_or_default())
            .map_err(BindingError::from)?;
        let pages = self
            .client
            .report_pages(query)
            .map(|page| {
                let mut page = page.map_err(BindingError::from)?;
                let rows = std::mem::take(&mut page.items).into_iter().map(Value::Object);
                let items = Records::Objects(rows.collect::<Vec<Value>>());
                Ok(Js::new(PageJs::with_items(&page, items)))
            })
            .boxed();
        Ok(NativeCursor::new(pages))
    }

    /// What kind of server this is (`Client::server_info`): the core's `ServerInfo` as its
    /// JSON (snake_case keys, `null` for what could not be told).
    #[napi]
    pub async fn server_info(&self) -> napi::Result<Value> {
        let info = self.client.server_info().await.map_err(BindingError::from)?;
        serde_json::to_value(info)
            .map_err(|e| napi::Error::from_reason(format!("zkbiotime: server info: {e}")))
    }
}

/// The API field names a `create` or `update` body of `resource` takes.
#[napi(catch_unwind)]
pub fn body_fields(resource: String, op: String) -> napi::Result<Vec<String>> {
    Ok(writable!(resource.as_str(), R => resources::body_fields::<R>(&op))?)
}

/// What `transactions.sync` returns: `{ punches, state, complete }`.
pub struct SyncBatch {
    punches: Records<generated::Transaction>,
    /// JSON text: store it once the punches are safely kept, pass it to the next sync.
    state: String,
    complete: bool,
}

impl ToNapiValue for SyncBatch {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let env_ = Env::from_raw(env);
        let mut obj = Object::new(&env_)?;
        obj.set("punches", val.punches)?;
        obj.set("state", val.state)?;
        obj.set("complete", val.complete)?;
        // SAFETY: the object belongs to this env.
        unsafe { Object::to_napi_value(env, obj) }
    }
}

/// For the test suite: a panic in Rust must reject (async) or throw (sync), never abort.
#[napi(js_name = "__panicForTests", catch_unwind)]
pub fn panic_for_tests() {
    panic!("deliberate panic (test)");
}

/// For the test suite: the async variant of `__panicForTests`.
#[napi(js_name = "__panicForTestsAsync")]
pub async fn panic_for_tests_async() -> napi::Result<()> {
    panic!("deliberate panic in a future (test)");
}

/// When the addon is loaded: `ZKBIOTIME_LOG` turns on the core's logs on stderr, and glibc's
/// malloc keeps page-sized memory between pages (`zkbiotime::malloc`).
#[napi_derive::module_init]
fn init() {
    zkbiotime::logging::init_from_env();
    zkbiotime::malloc::tune_from_env();
}

/// The core's settings as a client, with the package's `User-Agent`; every check and
/// message is the core's.
fn build(settings: Value) -> Result<NativeClient, BindingError> {
    let Value::Object(mut settings) = settings else {
        return Err(zkbiotime::Error::invalid_argument("client settings must be an object").into());
    };
    let agent = concat!("zkbiotime-node/", env!("CARGO_PKG_VERSION"));
    settings.insert("user_agent".into(), Value::String(agent.into()));
    let client = zkbiotime::Config::from_json(Value::Object(settings))?.build()?;
    let zone = client.server_zone().copied();
    Ok(NativeClient { client, cx: Cx { zone } })
}
