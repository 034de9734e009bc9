//! The resource classes (`client.employees`, ...), sync and async, from one macro. The
//! generated module invokes it once per resource of the spec (see `generated.rs`), so a
//! resource added to the spec appears here through `cargo xtask codegen`.
//!
//! Every method only translates: keyword arguments into the core's filter or body type,
//! then one core call, then the answer into its record class.

/// `resource!(read|crud name: SyncClass / AsyncClass, item Item, filter Filter[, create ...,
/// update ..., written ...])`; `resource!(list ...)` is `read` without `get` (a list-only
/// resource such as a report); `resource!(upsert name: ...)` adds `upsert` where the spec
/// has an upsert key; `resource!(action name: ..., reinstate, body Body, ids Some("resigns"),
/// "doc")` adds an operation beyond them (keyword arguments make its body, or the bare list
/// when the body is one list of ids; the answer is the server's JSON).
macro_rules! resource {
    (read $name:ident: $sync:ident / $async_:ident, item $item:ident, filter $filter:path) => {
        $crate::resources::resource!(list $name: $sync / $async_, item $item, filter $filter);
        $crate::resources::resource!(get $name: $sync / $async_, item $item);
    };
    (list $name:ident: $sync:ident / $async_:ident, item $item:ident, filter $filter:path) => {
        #[doc = concat!("`client.", stringify!($name), "`: list ", stringify!($item), " records.")]
        #[pyclass(module = "zkbiotime", frozen)]
        pub struct $sync {
            pub(crate) shared: std::sync::Arc<$crate::client::Shared>,
        }

        #[doc = concat!("`client.", stringify!($name), "` of the `AsyncClient`.")]
        #[pyclass(module = "zkbiotime", frozen)]
        pub struct $async_ {
            pub(crate) shared: std::sync::Arc<$crate::client::Shared>,
        }

        #[pymethods]
        impl $sync {
            /// Every record the filters select, fetched lazily page by page.
            #[pyo3(signature = (**filters))]
            fn list(&self, filters: Option<&Bound<'_, pyo3::types::PyDict>>) -> PyResult<$crate::lists::RecordList> {
                let zone = self.shared.zone;
                let filter: $filter = $crate::convert::filter_from_kwargs(stringify!($name), filters, zone)?;
                let client = self.shared.client()?;
                Ok($crate::lists::RecordList::new($crate::lists::erase(client.$name().pages(filter)), zone))
            }

            /// Page `number` (1-based) of the list, with the total count.
            #[pyo3(signature = (number, **filters))]
            fn page(&self, py: Python<'_>, number: i64, filters: Option<&Bound<'_, pyo3::types::PyDict>>) -> PyResult<$crate::lists::Page> {
                let zone = self.shared.zone;
                let filter: $filter = $crate::convert::filter_from_kwargs(stringify!($name), filters, zone)?;
                let client = self.shared.client()?;
                let page = $crate::runtime::block_on(py, async move {
                    client.$name().page(&filter, number).await.map_err($crate::errors::Error::from)
                })?;
                $crate::lists::Page::from_core(py, page, zone)
            }
        }
        $crate::resources::resource!(async_list $name: $sync / $async_, item $item, filter $filter);
    };
    (get $name:ident: $sync:ident / $async_:ident, item $item:ident) => {
        #[pymethods]
        impl $sync {
            /// One record by id.
            fn get(&self, py: Python<'_>, id: i64) -> PyResult<$item> {
                let zone = self.shared.zone;
                let client = self.shared.client()?;
                let got = $crate::runtime::block_on(py, async move {
                    client.$name().get(id).await.map_err($crate::errors::Error::from)
                })?;
                Ok(got.wrap(zone))
            }
        }
        $crate::resources::resource!(async_get $name: $sync / $async_, item $item);
    };
    (async_list $name:ident: $sync:ident / $async_:ident, item $item:ident, filter $filter:path) => {
        #[pymethods]
        impl $async_ {
            /// Every record the filters select, for `async for`.
            #[pyo3(signature = (**filters))]
            fn list(&self, filters: Option<&Bound<'_, pyo3::types::PyDict>>) -> PyResult<$crate::lists::AsyncRecordList> {
                let zone = self.shared.zone;
                let filter: $filter = $crate::convert::filter_from_kwargs(stringify!($name), filters, zone)?;
                let client = self.shared.client()?;
                Ok($crate::lists::AsyncRecordList::new($crate::lists::erase(client.$name().pages(filter)), zone))
            }

            /// Page `number` (1-based) of the list, with the total count.
            #[pyo3(signature = (number, **filters))]
            fn page<'py>(&self, py: Python<'py>, number: i64, filters: Option<&Bound<'py, pyo3::types::PyDict>>) -> PyResult<Bound<'py, PyAny>> {
                let zone = self.shared.zone;
                let filter: $filter = $crate::convert::filter_from_kwargs(stringify!($name), filters, zone)?;
                let client = self.shared.client()?;
                $crate::runtime::future(py, async move {
                    let page = client.$name().page(&filter, number).await?;
                    Ok(Python::attach(|py| $crate::lists::Page::from_core(py, page, zone))?)
                })
            }
        }
    };
    (async_get $name:ident: $sync:ident / $async_:ident, item $item:ident) => {
        #[pymethods]
        impl $async_ {
            /// One record by id.
            fn get<'py>(&self, py: Python<'py>, id: i64) -> PyResult<Bound<'py, PyAny>> {
                let zone = self.shared.zone;
                let client = self.shared.client()?;
                $crate::runtime::future(py, async move {
                    let got = client.$name().get(id).await?;
                    Ok(got.wrap(zone))
                })
            }
        }
    };
    (crud $name:ident: $sync:ident / $async_:ident, item $item:ident, filter $filter:path,
     create $create:ident, update $update:ident, written $written:ident) => {
        $crate::resources::resource!(read $name: $sync / $async_, item $item, filter $filter);

        #[pymethods]
        impl $sync {
            /// Creates a record from keyword arguments (custom attributes in `extra=`).
            #[pyo3(signature = (**fields))]
            fn create(&self, py: Python<'_>, fields: Option<&Bound<'_, pyo3::types::PyDict>>) -> PyResult<$written> {
                let zone = self.shared.zone;
                let body: types::$create = $crate::convert::body_from_kwargs(fields, zone)?;
                let client = self.shared.client()?;
                let written = $crate::runtime::block_on(py, async move {
                    client.$name().create(body).await.map_err($crate::errors::Error::from)
                })?;
                Ok(written.wrap(zone))
            }

            /// Changes the fields given (PATCH, or PUT where the API has only that).
            #[pyo3(signature = (id, **fields))]
            fn update(&self, py: Python<'_>, id: i64, fields: Option<&Bound<'_, pyo3::types::PyDict>>) -> PyResult<$written> {
                let zone = self.shared.zone;
                let body: types::$update = $crate::convert::body_from_kwargs(fields, zone)?;
                let client = self.shared.client()?;
                let written = $crate::runtime::block_on(py, async move {
                    client.$name().update(id, body).await.map_err($crate::errors::Error::from)
                })?;
                Ok(written.wrap(zone))
            }

        }

        #[pymethods]
        impl $async_ {
            #[pyo3(signature = (**fields))]
            fn create<'py>(&self, py: Python<'py>, fields: Option<&Bound<'py, pyo3::types::PyDict>>) -> PyResult<Bound<'py, PyAny>> {
                let zone = self.shared.zone;
                let body: types::$create = $crate::convert::body_from_kwargs(fields, zone)?;
                let client = self.shared.client()?;
                $crate::runtime::future(py, async move {
                    Ok(client.$name().create(body).await?.wrap(zone))
                })
            }

            #[pyo3(signature = (id, **fields))]
            fn update<'py>(&self, py: Python<'py>, id: i64, fields: Option<&Bound<'py, pyo3::types::PyDict>>) -> PyResult<Bound<'py, PyAny>> {
                let zone = self.shared.zone;
                let body: types::$update = $crate::convert::body_from_kwargs(fields, zone)?;
                let client = self.shared.client()?;
                $crate::runtime::future(py, async move {
                    Ok(client.$name().update(id, body).await?.wrap(zone))
                })
            }

        }
    };
    (delete $name:ident: $sync:ident / $async_:ident) => {
        #[pymethods]
        impl $sync {
            /// Deletes a record.
            fn delete(&self, py: Python<'_>, id: i64) -> PyResult<()> {
                let client = self.shared.client()?;
                $crate::runtime::block_on(py, async move {
                    client.$name().delete(id).await.map_err($crate::errors::Error::from)
                })
            }
        }

        #[pymethods]
        impl $async_ {
            fn delete<'py>(&self, py: Python<'py>, id: i64) -> PyResult<Bound<'py, PyAny>> {
                let client = self.shared.client()?;
                $crate::runtime::future(py, async move {
                    client.$name().delete(id).await.map_err($crate::errors::Error::from)
                })
            }
        }
    };
    // An action whose body is more than a list of ids: keyword arguments only.
    (action $name:ident: $sync:ident / $async_:ident, $action:ident, body $body:ident, ids None, $doc:literal) => {
        $crate::resources::resource!(@action $name: $sync / $async_, $action, $body, [**fields], [], None, $doc);
    };
    // An action on ids alone: the bare list too (`reinstate([3, 4])`).
    (action $name:ident: $sync:ident / $async_:ident, $action:ident, body $body:ident, ids Some($field:literal), $doc:literal) => {
        $crate::resources::resource!(@action $name: $sync / $async_, $action, $body,
            [ids = None, /, **fields], [ids: Option<&Bound<'py, PyAny>>,], Some((ids, $field)), $doc);
    };
    (@action $name:ident: $sync:ident / $async_:ident, $action:ident, $body:ident, [$($sig:tt)*], [$($param:tt)*], $ids:expr, $doc:literal) => {
        #[pymethods]
        impl $sync {
            #[doc = $doc]
            #[pyo3(signature = ($($sig)*))]
            fn $action<'py>(&self, py: Python<'py>, $($param)* fields: Option<&Bound<'py, pyo3::types::PyDict>>) -> PyResult<Py<PyAny>> {
                let fields = $crate::convert::with_ids(py, $ids, fields)?;
                let body: types::$body = $crate::convert::body_from_kwargs(fields.as_ref(), self.shared.zone)?;
                let client = self.shared.client()?;
                let value = $crate::runtime::block_on(py, async move {
                    client.$name().$action(body).await.map_err($crate::errors::Error::from)
                })?;
                Ok($crate::convert::json_to_py(py, &value)?.unbind())
            }
        }

        #[pymethods]
        impl $async_ {
            #[doc = $doc]
            #[pyo3(signature = ($($sig)*))]
            fn $action<'py>(&self, py: Python<'py>, $($param)* fields: Option<&Bound<'py, pyo3::types::PyDict>>) -> PyResult<Bound<'py, PyAny>> {
                let fields = $crate::convert::with_ids(py, $ids, fields)?;
                let body: types::$body = $crate::convert::body_from_kwargs(fields.as_ref(), self.shared.zone)?;
                let client = self.shared.client()?;
                $crate::runtime::future(py, async move {
                    Ok::<_, $crate::errors::Error>($crate::client::PyJson(client.$name().$action(body).await?))
                })
            }
        }
    };
    (upsert $name:ident: $sync:ident / $async_:ident, create $create:ident, written $written:ident) => {
        #[pymethods]
        impl $sync {
            /// Creates the record or updates the one with the same code: `(record, created)`.
            #[pyo3(signature = (**fields))]
            fn upsert(&self, py: Python<'_>, fields: Option<&Bound<'_, pyo3::types::PyDict>>) -> PyResult<($written, bool)> {
                let zone = self.shared.zone;
                let body: types::$create = $crate::convert::body_from_kwargs(fields, zone)?;
                let client = self.shared.client()?;
                let done = $crate::runtime::block_on(py, async move {
                    client.$name().upsert(body).await.map_err($crate::errors::Error::from)
                })?;
                let created = done.was_created();
                Ok((done.into_inner().wrap(zone), created))
            }
        }

        #[pymethods]
        impl $async_ {
            #[pyo3(signature = (**fields))]
            fn upsert<'py>(&self, py: Python<'py>, fields: Option<&Bound<'py, pyo3::types::PyDict>>) -> PyResult<Bound<'py, PyAny>> {
                let zone = self.shared.zone;
                let body: types::$create = $crate::convert::body_from_kwargs(fields, zone)?;
                let client = self.shared.client()?;
                $crate::runtime::future(py, async move {
                    let done = client.$name().upsert(body).await?;
                    let created = done.was_created();
                    Ok((done.into_inner().wrap(zone), created))
                })
            }
        }
    };
}

/// `accessors!(name: SyncClass / AsyncClass, ...)`: the resource attributes of both
/// clients, and the registration of the resource classes.
macro_rules! accessors {
    ($($name:ident: $sync:ident / $async_:ident),* $(,)?) => {
        #[pymethods]
        impl $crate::client::Client {
            $(
                #[getter]
                fn $name(&self) -> $sync {
                    $sync { shared: self.shared.clone() }
                }
            )*
        }

        #[pymethods]
        impl $crate::client::AsyncClient {
            $(
                #[getter]
                fn $name(&self) -> $async_ {
                    $async_ { shared: self.shared.clone() }
                }
            )*
        }

        /// Adds every resource class to the module.
        pub fn register_resources(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $(
                m.add_class::<$sync>()?;
                m.add_class::<$async_>()?;
            )*
            Ok(())
        }
    };
}

pub(crate) use {accessors, resource};
