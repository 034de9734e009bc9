//! What a resource accessor does. Each is a thin, typed face over `Client::send` and the
//! pager; the operations themselves are progenitor's, generated from the spec. Which
//! resources exist, and which operations each has, is generated from the spec too
//! (`generated/resources.rs`, one `resource!` line per resource).

use crate::error::{Error, Result};
use crate::generated::resources::Transactions;
use crate::paging::ListFilter;
use crate::sync::{SyncBatch, SyncState};

/// Declares a resource accessor. `read`: list, and get when a `get:` operation is given (a
/// list-only resource such as a report has none); `write`: create and update (PATCH or
/// PUT); `delete`: delete; with an `upsert_key`, also `upsert` (find by that field, then create or
/// update).
macro_rules! resource {
    (read $name:ident, $doc:literal, item: $item:ty, filter: $filter:ty $(, get: $get:ident)?) => {
        #[doc = $doc]
        #[derive(Clone, Debug)]
        pub struct $name {
            pub(crate) client: Client,
        }

        impl $name {
            pub(crate) fn new(client: Client) -> Self {
                Self { client }
            }

            /// Every record the filter selects, across all pages, in order. Pages after the
            /// first are fetched concurrently (see [`crate::ClientBuilder::concurrency`]).
            pub fn list(&self, filter: $filter) -> impl Stream<Item = Result<$item>> + Send + 'static {
                paging::items(self.client.clone(), filter)
            }

            /// Every page the filter selects, in order; each carries the total `count`.
            pub fn pages(&self, filter: $filter) -> impl Stream<Item = Result<Page<$item>>> + Send + 'static {
                paging::pages(self.client.clone(), filter)
            }

            /// [`pages`](Self::pages), each page turned into `P` by `convert` on the task that
            /// fetched and decoded it: pages are converted in parallel while their records are
            /// still in the cache (a binding making its own rows or objects).
            pub fn pages_with<P: Send + 'static>(
                &self,
                filter: $filter,
                convert: impl Fn(Page<$item>) -> P + Send + Sync + 'static,
            ) -> impl Stream<Item = Result<P>> + Send + 'static {
                paging::pages_with(self.client.clone(), filter, convert)
            }

            /// Page `number` (1-based) of the list, with the total `count`.
            pub async fn page(&self, filter: &$filter, number: i64) -> Result<Page<$item>> {
                paging::fetch_page(&self.client, filter, number).await
            }

            $(
            /// One record by id.
            pub async fn get(&self, id: i64) -> Result<$item> {
                self.client
                    .send(Call::read(detail_path::<$filter>(id)), |api| async move {
                        api.$get().id(id).send().await
                    })
                    .await
            }
            )?
        }
    };
    (write $name:ident, filter: $filter:ty,
     create: $create:ident($create_body:ty) -> $written:ty,
     update: $method:literal $update:ident($update_body:ty)
     $(, upsert_key: $code:ident)?) => {
        impl $name {
            /// Creates a record; the answer holds bare ids. Never retried automatically: a
            /// lost answer may hide a stored record (use `upsert` where there is one).
            ///
            /// Servers that answer without the stored record (9.5 answers some creates with
            /// the submitted fields only, no `id`) get it read back by its code.
            pub async fn create(&self, body: $create_body) -> Result<$written> {
                let call = Call::write("POST", <$filter as ListFilter>::PATH.to_string());
                $(let code = body.$code.clone();)?
                let sent = self
                    .client
                    .send(call, |api| {
                        let body = body.clone();
                        async move { api.$create().body(body).send().await }
                    })
                    .await;
                match sent {
                    Err(e) if e.kind() == ErrorKind::UnexpectedResponse
                        && e.status().is_some_and(|s| (200..300).contains(&s)) =>
                    {
                        $(
                            let _ = stringify!($code);
                            let Some(id) = self.id_by_code(&code).await? else { return Err(e) };
                            return as_written(self.get(id).await?);
                        )?
                        #[allow(unreachable_code)]
                        Err(e)
                    }
                    other => other,
                }
            }

            #[doc = concat!("Changes the fields present in `body` (", $method, ").")]
            pub async fn update(&self, id: i64, body: $update_body) -> Result<$written> {
                let call = Call::write($method, detail_path::<$filter>(id));
                self.client
                    .send(call, |api| {
                        let body = body.clone();
                        async move { api.$update().id(id).body(body).send().await }
                    })
                    .await
            }
        }
        $(resource!(upsert $name, filter: $filter, create: $create_body, written: $written,
            key: $code);)?
    };
    (delete $name:ident, filter: $filter:ty) => {
        impl $name {
            /// Deletes a record. Servers answer 204, or 200 with or without a JSON body
            /// (8.x): all mean done; an HTML page is still an error.
            pub async fn delete(&self, id: i64) -> Result<()> {
                let sent = self.client.request("DELETE", &detail_path::<$filter>(id), &[], None).await;
                match sent {
                    Ok(_) => Ok(()),
                    // Retried after a lost answer, the record is gone: our first try did it.
                    Err(e) if e.kind() == ErrorKind::NotFound && e.was_retried() => Ok(()),
                    Err(e) => Err(e),
                }
            }
        }
    };
    (action $name:ident, $action:ident, $path:literal, body: $body:ty, $doc:literal) => {
        impl $name {
            #[doc = $doc]
            ///
            /// Sent as given through the raw request path (auth, errors; never retried: a
            /// POST); the answer is the server's JSON as is.
            pub async fn $action(&self, body: $body) -> Result<serde_json::Value> {
                let json = serde_json::to_value(&body).map_err(|e| {
                    Error::invalid_argument(format!("cannot send the body: {e}"))
                })?;
                self.client.request("POST", $path, &[], Some(&json)).await
            }
        }
    };
    (upsert $name:ident, filter: $filter:ty, create: $create_body:ty, written: $written:ty,
     key: $code:ident) => {
        impl $name {
            /// Creates the record, or updates the one with the same code
            #[doc = concat!("(`", stringify!($code), "`).")]
            ///
            /// Safe to repeat: a create that loses a race with another writer (the server
            /// answers "already exists") turns into an update.
            pub async fn upsert(&self, body: $create_body) -> Result<Upserted<$written>> {
                let code = body.$code.clone();
                if let Some(id) = self.id_by_code(&code).await? {
                    let updated = self.update(id, to_update(&body)?).await?;
                    return Ok(Upserted::Updated(updated.with_id(id)));
                }
                match self.create(body.clone()).await {
                    Ok(created) => Ok(Upserted::Created(created)),
                    Err(e) if e.kind() == ErrorKind::BadRequest
                        && e.field_errors().contains_key(stringify!($code)) =>
                    {
                        let id = self.id_by_code(&code).await?.ok_or(e)?;
                        let updated = self.update(id, to_update(&body)?).await?;
                        Ok(Upserted::Updated(updated.with_id(id)))
                    }
                    Err(e) => Err(e),
                }
            }

            /// The id of the record whose code is exactly `code`.
            async fn id_by_code(&self, code: &str) -> Result<Option<i64>> {
                let mut filter = <$filter>::default();
                filter.$code = Some(code.to_string());
                let page = self.page(&filter, 1).await?;
                // Exact match: some servers filter codes by substring.
                Ok(page.items.iter().find(|r| r.$code == code).map(|r| r.id))
            }
        }
    };
}
pub(crate) use resource;

/// What an upsert did.
#[derive(Clone, Debug, PartialEq)]
pub enum Upserted<T> {
    Created(T),
    Updated(T),
}

impl<T> Upserted<T> {
    pub fn was_created(&self) -> bool {
        matches!(self, Self::Created(_))
    }
    /// The stored record, either way.
    pub fn into_inner(self) -> T {
        match self {
            Self::Created(t) | Self::Updated(t) => t,
        }
    }
}

/// Write answers whose `id` the server may leave out (the manual's employee PATCH does);
/// `cargo xtask codegen` implements it for every written type of a resource with `upsert`.
pub(crate) trait WithId {
    fn with_id(self, id: i64) -> Self;
}

/// A record as read (relations nested) in the shape of a write answer (relations as ids):
/// the decoding policy reads a nested relation where an id is expected.
pub(crate) fn as_written<R: serde::Serialize, W: serde::de::DeserializeOwned>(
    record: R,
) -> Result<W> {
    serde_json::to_value(record).and_then(serde_json::from_value).map_err(|e| {
        Error::unexpected(format!("the stored record does not read as a write answer: {e}"))
    })
}

/// A create body as a partial update of the same fields (custom attributes included).
pub(crate) fn to_update<C: serde::Serialize, U: serde::de::DeserializeOwned>(
    body: &C,
) -> Result<U> {
    serde_json::to_value(body)
        .and_then(serde_json::from_value)
        .map_err(|e| Error::invalid_argument(format!("cannot turn the body into an update: {e}")))
}

/// `/personnel/api/employees/` + `42/`.
pub(crate) fn detail_path<F: ListFilter>(id: i64) -> String {
    format!("{}{id}/", F::PATH)
}

impl Transactions {
    /// Punches not returned by earlier syncs (late uploads included), at most `max`, and
    /// the state to store once they are kept. See [`crate::sync`] for how and why.
    ///
    /// ```no_run
    /// # async fn demo(client: zkbiotime::Client) -> zkbiotime::Result<()> {
    /// let mut state = zkbiotime::SyncState::new(); // or SyncState::from_json(&stored)?
    /// loop {
    ///     let batch = client.transactions().sync(&state, Some(10_000)).await?;
    ///     // ... store batch.punches durably, then:
    ///     state = batch.state;
    ///     if batch.complete { break; }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn sync(&self, state: &SyncState, max: Option<usize>) -> Result<SyncBatch> {
        crate::sync::sync(&self.client, state, max).await
    }
}
