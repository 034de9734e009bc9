//! The resources behind one set of generic functions: the JS wrapper names a resource
//! (`"employees"`), a generated macro picks the core accessor type, and the functions below
//! call it and convert what it answers. Each trait method is the core's inherent method of the
//! same name: nothing here decides anything.

use std::future::Future;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;
use zkbiotime::{Client, ListFilter, ListPage, Page, Upserted};

use zkbiotime::input::Body;

use crate::convert::{self, AsJson, Cx, FromCore};
use crate::error::{BindingError, Result};
use crate::{Js, One, PageJs};

/// A listable resource of the core (every resource; `Gettable` adds `get`).
pub trait Readable: Send + Sync + 'static {
    const NAME: &'static str;
    type Item: AsJson + DeserializeOwned + Send + 'static;
    type Record: FromCore<Self::Item> + napi::bindgen_prelude::ToNapiValue + Send + 'static;
    type Filter: DeserializeOwned + ListFilter<Page: ListPage<Item = Self::Item>>;
    fn of(client: &Client) -> Self;
    fn page(
        &self,
        filter: &Self::Filter,
        number: i64,
    ) -> impl Future<Output = zkbiotime::Result<Page<Self::Item>>> + Send;
    fn pages_with<P: Send + 'static>(
        &self,
        filter: Self::Filter,
        convert: impl Fn(Page<Self::Item>) -> P + Send + Sync + 'static,
    ) -> impl Stream<Item = zkbiotime::Result<P>> + Send + 'static;
}

/// A resource whose records can be read one by id (all but list-only ones such as reports).
pub trait Gettable: Readable {
    fn get(&self, id: i64) -> impl Future<Output = zkbiotime::Result<Self::Item>> + Send;
}

/// A resource that can also be written.
pub trait Writable: Readable {
    type Create: Body + Send + 'static;
    type Update: Body + Send + 'static;
    type Written: AsJson + Send + 'static;
    type WrittenRecord: FromCore<Self::Written>
        + napi::bindgen_prelude::ToNapiValue
        + Send
        + 'static;
    fn create(
        &self,
        body: Self::Create,
    ) -> impl Future<Output = zkbiotime::Result<Self::Written>> + Send;
    fn update(
        &self,
        id: i64,
        body: Self::Update,
    ) -> impl Future<Output = zkbiotime::Result<Self::Written>> + Send;
}

/// A resource whose records can be deleted.
pub trait Deletable: Readable {
    fn delete(&self, id: i64) -> impl Future<Output = zkbiotime::Result<()>> + Send;
}

/// A writable resource with an `upsert` (the spec's `x-upsert-key`).
pub trait Upsertable: Writable {
    fn upsert(
        &self,
        body: Self::Create,
    ) -> impl Future<Output = zkbiotime::Result<Upserted<Self::Written>>> + Send;
}

macro_rules! readable_impl {
    ($ty:ident, $name:literal, $accessor:ident, $item:ident, $filter:ident) => {
        impl Readable for zkbiotime::$ty {
            const NAME: &'static str = $name;
            type Item = types::$item;
            type Record = records::$item;
            type Filter = zkbiotime::$filter;
            fn of(client: &Client) -> Self {
                client.$accessor()
            }
            fn page(
                &self,
                filter: &Self::Filter,
                number: i64,
            ) -> impl Future<Output = zkbiotime::Result<Page<Self::Item>>> + Send {
                zkbiotime::$ty::page(self, filter, number)
            }
            fn pages_with<P: Send + 'static>(
                &self,
                filter: Self::Filter,
                convert: impl Fn(Page<Self::Item>) -> P + Send + Sync + 'static,
            ) -> impl Stream<Item = zkbiotime::Result<P>> + Send + 'static {
                zkbiotime::$ty::pages_with(self, filter, convert)
            }
        }
    };
}

macro_rules! gettable_impl {
    ($ty:ident) => {
        impl Gettable for zkbiotime::$ty {
            fn get(&self, id: i64) -> impl Future<Output = zkbiotime::Result<Self::Item>> + Send {
                zkbiotime::$ty::get(self, id)
            }
        }
    };
}

macro_rules! writable_impl {
    ($ty:ident, $create:ident, $update:ident, $written:ident) => {
        impl Writable for zkbiotime::$ty {
            type Create = types::$create;
            type Update = types::$update;
            type Written = types::$written;
            type WrittenRecord = records::$written;
            fn create(
                &self,
                body: Self::Create,
            ) -> impl Future<Output = zkbiotime::Result<Self::Written>> + Send {
                zkbiotime::$ty::create(self, body)
            }
            fn update(
                &self,
                id: i64,
                body: Self::Update,
            ) -> impl Future<Output = zkbiotime::Result<Self::Written>> + Send {
                zkbiotime::$ty::update(self, id, body)
            }
        }
    };
}

macro_rules! deletable_impl {
    ($ty:ident) => {
        impl Deletable for zkbiotime::$ty {
            fn delete(&self, id: i64) -> impl Future<Output = zkbiotime::Result<()>> + Send {
                zkbiotime::$ty::delete(self, id)
            }
        }
    };
}

macro_rules! upsertable_impl {
    ($ty:ident) => {
        impl Upsertable for zkbiotime::$ty {
            fn upsert(
                &self,
                body: Self::Create,
            ) -> impl Future<Output = zkbiotime::Result<Upserted<Self::Written>>> + Send {
                zkbiotime::$ty::upsert(self, body)
            }
        }
    };
}

// Invoked once per resource by the generated module (`cargo xtask codegen`), with the
// dispatch macros `readable!`, `gettable!`, `writable!`, `deletable!` and `upsertable!`.
pub(crate) use {deletable_impl, gettable_impl, readable_impl, upsertable_impl, writable_impl};

/// The error for a resource name JS passed that has no such operation.
pub fn unknown(name: &str, verb: &str, known: &str) -> BindingError {
    BindingError::invalid(format!("no resource `{name}` can be {verb} (these can: {known})"))
}

/// The API field names of a `create` or `update` body of `R` (the spec's, from the generated
/// module); any other key of a body must go in `extra`.
pub fn body_fields<R: Writable>(op: &str) -> Result<Vec<String>> {
    let fields = match op {
        "create" => <R::Create as Body>::FIELDS,
        "update" => <R::Update as Body>::FIELDS,
        other => {
            return Err(BindingError::invalid(format!(
                "no `{other}` body (bodies: create, update)"
            )));
        }
    };
    Ok(fields.iter().map(|f| (*f).to_string()).collect())
}

pub async fn get<R: Gettable>(client: &Client, id: i64, cx: &Cx) -> Result<Js> {
    let item = R::of(client).get(id).await?;
    Ok(Js::new(One::<R::Record>::new(item, cx)))
}

pub async fn page<R: Readable>(
    client: &Client,
    filters: Option<Value>,
    number: i64,
    cx: &Cx,
) -> Result<Js> {
    let filter: R::Filter = convert::filter(filters, R::NAME, client)?;
    let page = R::of(client).page(&filter, number).await?;
    Ok(Js::new(PageJs::<R::Record>::new(page, cx)))
}

/// The list's pages as JS values; records are converted on the runtime's threads, the
/// JS objects made on the JS thread when a page is handed over.
pub fn pages<R: Readable>(
    client: &Client,
    filters: Option<Value>,
    cx: &Cx,
) -> Result<BoxStream<'static, Result<Js>>> {
    let filter: R::Filter = convert::filter(filters, R::NAME, client)?;
    let cx = *cx;
    // Each page becomes JS-ready (rows or objects) on the task that decoded it.
    Ok(R::of(client)
        .pages_with(filter, move |page| Js::new(PageJs::<R::Record>::new(page, &cx)))
        .map(|page| page.map_err(BindingError::from))
        .boxed())
}

pub async fn create<R: Writable>(client: &Client, body: Value, cx: &Cx) -> Result<Js> {
    let body: R::Create = convert::input(body)?;
    let written = R::of(client).create(body).await?;
    Ok(Js::new(One::<R::WrittenRecord>::new(written, cx)))
}

pub async fn update<R: Writable>(client: &Client, id: i64, body: Value, cx: &Cx) -> Result<Js> {
    let body: R::Update = convert::input(body)?;
    let written = R::of(client).update(id, body).await?;
    Ok(Js::new(One::<R::WrittenRecord>::new(written, cx)))
}

pub async fn delete<R: Deletable>(client: &Client, id: i64) -> Result<()> {
    Ok(R::of(client).delete(id).await?)
}

pub async fn upsert<R: Upsertable>(client: &Client, body: Value, cx: &Cx) -> Result<Js> {
    let body: R::Create = convert::input(body)?;
    let done = R::of(client).upsert(body).await?;
    let created = done.was_created();
    let record = One::<R::WrittenRecord>::new(done.into_inner(), cx);
    Ok(Js::new(UpsertedJs { created, record }))
}

/// `{ created, record }` as a JS object.
struct UpsertedJs<T> {
    created: bool,
    record: T,
}

impl<T: napi::bindgen_prelude::ToNapiValue> napi::bindgen_prelude::ToNapiValue for UpsertedJs<T> {
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        val: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        let env_ = napi::Env::from_raw(env);
        let mut obj = napi::bindgen_prelude::Object::new(&env_)?;
        obj.set("created", val.created)?;
        obj.set("record", val.record)?;
        // SAFETY: the object belongs to this env.
        unsafe { napi::bindgen_prelude::Object::to_napi_value(env, obj) }
    }
}
