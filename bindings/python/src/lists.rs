//! Lazy lists: every record of every page, fetched as the caller iterates.
//!
//! The core's pager yields pages (a few fetched ahead, so memory stays at about
//! `(concurrency + 1) × page_size` records however long the list). Records are turned into
//! Python objects one page at a time, only when iteration reaches that page. `len()` is the
//! server's total: it costs the first page, which iteration then reuses.
//!
//! A list is one pass, like a generator. Two threads stepping the same list at once get a
//! `ValueError` (as a generator says "already executing") instead of interleaved pages.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use futures::stream::{BoxStream, StreamExt};
use pyo3::exceptions::{PyStopAsyncIteration, PyStopIteration, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::convert::{Record, Zone, record_to_py};
use crate::errors::Error;
use crate::runtime;

/// A page's records, their type erased so one Python class serves every resource.
pub trait Items: Send {
    fn into_py(self: Box<Self>, py: Python<'_>, zone: Zone) -> PyResult<Vec<Py<PyAny>>>;
}

impl<T: Record> Items for Vec<T> {
    fn into_py(self: Box<Self>, py: Python<'_>, zone: Zone) -> PyResult<Vec<Py<PyAny>>> {
        self.into_iter().map(|r| record_to_py(py, r, zone)).collect()
    }
}

/// Report rows: dicts with the server's keys.
impl Items for Vec<zkbiotime::ReportRow> {
    fn into_py(self: Box<Self>, py: Python<'_>, _zone: Zone) -> PyResult<Vec<Py<PyAny>>> {
        self.into_iter()
            .map(
                |row| Ok(crate::convert::json_to_py(py, &serde_json::Value::Object(row))?.unbind()),
            )
            .collect()
    }
}

pub struct RawPage {
    number: i64,
    count: i64,
    page_size: i64,
    has_next: bool,
    items: Box<dyn Items>,
}

type PageStream = BoxStream<'static, zkbiotime::Result<RawPage>>;

/// Erases the record type of a core page stream, and has it driven in the background.
pub fn erase<T: Send + 'static>(
    pages: impl futures::Stream<Item = zkbiotime::Result<zkbiotime::Page<T>>> + Send + 'static,
) -> PageStream
where
    Vec<T>: Items,
{
    let erased = pages
        .map(|page| {
            page.map(|p| RawPage {
                number: p.number,
                count: p.count,
                page_size: p.page_size,
                has_next: p.has_next,
                items: Box::new(p.items),
            })
        })
        .boxed();
    prefetched(erased)
}

/// Why a background task: the core fetches the next pages while its stream is polled, and
/// a blocking Python caller polls only while it waits. Driven by a task on our runtime, the
/// next pages download while Python works through the current one. The channel holds one
/// page, so memory stays at the pager's bound plus one page. Nothing starts before the
/// first page is asked for (`list()` stays lazy); dropping the list stops the task.
fn prefetched(stream: PageStream) -> PageStream {
    type Rx = tokio::sync::mpsc::Receiver<zkbiotime::Result<RawPage>>;
    enum Source {
        Idle(PageStream),
        Running(Rx),
    }
    futures::stream::unfold(Source::Idle(stream), |source| async move {
        let mut rx = match source {
            Source::Idle(mut stream) => {
                let (tx, rx) = tokio::sync::mpsc::channel(1);
                runtime::get().spawn(async move {
                    while let Some(page) = stream.next().await {
                        if tx.send(page).await.is_err() {
                            break; // the list was dropped
                        }
                    }
                });
                rx
            }
            Source::Running(rx) => rx,
        };
        rx.recv().await.map(|page| (page, Source::Running(rx)))
    })
    .boxed()
}

/// One page of a list: its records and the list's total.
#[pyclass(module = "zkbiotime", frozen)]
pub struct Page {
    #[pyo3(get)]
    number: i64,
    #[pyo3(get)]
    count: i64,
    #[pyo3(get)]
    page_size: i64,
    #[pyo3(get)]
    has_next: bool,
    items: Vec<Py<PyAny>>,
}

impl Page {
    fn from_raw(py: Python<'_>, raw: RawPage, zone: Zone) -> PyResult<Self> {
        Ok(Page {
            number: raw.number,
            count: raw.count,
            page_size: raw.page_size,
            has_next: raw.has_next,
            items: raw.items.into_py(py, zone)?,
        })
    }
}

impl Page {
    /// A single page the core fetched (`resource.page(n)`).
    pub fn from_core<T: Record>(
        py: Python<'_>,
        page: zkbiotime::Page<T>,
        zone: Zone,
    ) -> PyResult<Self> {
        let raw = RawPage {
            number: page.number,
            count: page.count,
            page_size: page.page_size,
            has_next: page.has_next,
            items: Box::new(page.items),
        };
        Page::from_raw(py, raw, zone)
    }
}

#[pymethods]
impl Page {
    #[getter]
    fn items(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.items.iter().map(|i| i.clone_ref(py)).collect()
    }
    fn __len__(&self) -> usize {
        self.items.len()
    }
    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = pyo3::types::PyList::new(py, self.items.iter().map(|i| i.clone_ref(py)))?;
        Ok(list.try_iter()?.into_any().unbind())
    }
    fn __repr__(&self) -> String {
        format!(
            "Page(number={}, count={}, page_size={}, has_next={}, items=<{} records>)",
            self.number,
            self.count,
            self.page_size,
            if self.has_next { "True" } else { "False" },
            self.items.len()
        )
    }
}

/// Where a list stands. `stream` is `None` while a thread is fetching.
struct State {
    stream: Option<PageStream>,
    /// A page fetched (for `len()`) but not yet handed out.
    first: Option<RawPage>,
    buffer: VecDeque<Py<PyAny>>,
    count: Option<i64>,
    yielded: i64,
    /// Records were handed out one by one: `pages()` would skip some.
    started: bool,
    done: bool,
}

impl State {
    fn new(stream: PageStream) -> Self {
        State {
            stream: Some(stream),
            first: None,
            buffer: VecDeque::new(),
            count: None,
            yielded: 0,
            started: false,
            done: false,
        }
    }
}

fn busy() -> PyErr {
    PyValueError::new_err("this list is being iterated by another thread")
}

/// Fetches the next page, blocking (GIL released, Ctrl-C honoured). `Ok(None)`: the end.
fn next_raw(py: Python<'_>, state: &Mutex<State>) -> PyResult<Option<RawPage>> {
    let mut stream = {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(first) = st.first.take() {
            return Ok(Some(first));
        }
        if st.done {
            return Ok(None);
        }
        st.stream.take().ok_or_else(busy)?
    };
    // The pager's stream is cancel-safe: an interrupted wait leaves it where it was.
    let next = runtime::block_on(py, async { Ok::<_, Error>(stream.next().await) });
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    st.stream = Some(stream);
    match next? {
        None => {
            st.done = true;
            Ok(None)
        }
        Some(Err(e)) => {
            st.done = true;
            Err(Error::Core(e).into())
        }
        Some(Ok(page)) => {
            st.count = Some(page.count);
            Ok(Some(page))
        }
    }
}

/// Every record of a list, fetched lazily page by page (one pass).
#[pyclass(module = "zkbiotime", frozen)]
pub struct RecordList {
    state: Arc<Mutex<State>>,
    zone: Zone,
}

impl RecordList {
    pub fn new(stream: PageStream, zone: Zone) -> Self {
        RecordList { state: Arc::new(Mutex::new(State::new(stream))), zone }
    }

    fn count_now(&self, py: Python<'_>) -> PyResult<i64> {
        if let Some(count) = self.state.lock().unwrap_or_else(|p| p.into_inner()).count {
            return Ok(count);
        }
        let page = next_raw(py, &self.state)?;
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match page {
            Some(page) => {
                st.first = Some(page);
                Ok(st.count.unwrap_or(0))
            }
            None => Ok(st.count.unwrap_or(0)),
        }
    }
}

#[pymethods]
impl RecordList {
    /// The list's total as the server counts it.
    #[getter]
    fn count(&self, py: Python<'_>) -> PyResult<i64> {
        self.count_now(py)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.count_now(py)?.max(0) as usize)
    }

    fn __length_hint__(&self, py: Python<'_>) -> PyResult<usize> {
        let count = self.count_now(py)?;
        let yielded = self.state.lock().unwrap_or_else(|p| p.into_inner()).yielded;
        Ok((count - yielded).max(0) as usize)
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        loop {
            {
                let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
                st.started = true;
                if let Some(item) = st.buffer.pop_front() {
                    st.yielded += 1;
                    return Ok(Some(item));
                }
            }
            let Some(page) = next_raw(py, &self.state)? else { return Ok(None) };
            let items = page.items.into_py(py, self.zone)?;
            self.state.lock().unwrap_or_else(|p| p.into_inner()).buffer.extend(items);
        }
    }

    /// The list page by page (each with its records and the total). Call it before
    /// iterating records: the two share one pass.
    fn pages(&self) -> PyResult<PageIterator> {
        let st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.started {
            return Err(PyValueError::new_err("pages() after records were iterated"));
        }
        Ok(PageIterator { state: self.state.clone(), zone: self.zone })
    }

    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, item: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        generic_alias(cls, item)
    }

    fn __repr__(&self) -> String {
        let st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match st.count {
            Some(count) => format!("<RecordList of {count} records, {} read>", st.yielded),
            None => "<RecordList (not fetched yet)>".to_string(),
        }
    }
}

fn generic_alias(cls: &Bound<'_, PyType>, item: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let py = cls.py();
    let alias = py.import("types")?.getattr("GenericAlias")?;
    Ok(alias.call1((cls, item))?.unbind())
}

/// Pages of a `RecordList`.
#[pyclass(module = "zkbiotime", frozen)]
pub struct PageIterator {
    state: Arc<Mutex<State>>,
    zone: Zone,
}

#[pymethods]
impl PageIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Page>> {
        match next_raw(py, &self.state)? {
            Some(raw) => Page::from_raw(py, raw, self.zone).map(Some),
            None => Ok(None),
        }
    }
}

// ---------------------------------------------------------------------------------------
// asyncio

struct AsyncState {
    stream: PageStream,
    first: Option<RawPage>,
    buffer: VecDeque<Py<PyAny>>,
    count: Option<i64>,
    started: bool,
    done: bool,
}

type Shared = Arc<tokio::sync::Mutex<AsyncState>>;

async fn next_raw_async(st: &mut AsyncState) -> Result<Option<RawPage>, Error> {
    if let Some(first) = st.first.take() {
        return Ok(Some(first));
    }
    if st.done {
        return Ok(None);
    }
    match st.stream.next().await {
        None => {
            st.done = true;
            Ok(None)
        }
        Some(Err(e)) => {
            st.done = true;
            Err(e.into())
        }
        Some(Ok(page)) => {
            st.count = Some(page.count);
            Ok(Some(page))
        }
    }
}

/// An awaitable whose value is already here: `await` gives it at once, without the event
/// loop (an asyncio future made and resolved per record cost `async for` about 1.6 µs a
/// record, doubling the CPU of a pull).
#[pyclass(module = "zkbiotime")]
pub struct Ready {
    value: Option<Py<PyAny>>,
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The await protocol: finishing at once with the value (`StopIteration(value)`).
    fn __next__(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let value = self.value.take().unwrap_or_else(|| py.None());
        Err(PyStopIteration::new_err((value,)))
    }
}

/// Every record of a list for `async for`, fetched lazily page by page (one pass).
#[pyclass(module = "zkbiotime", frozen)]
pub struct AsyncRecordList {
    state: Shared,
    zone: Zone,
}

impl AsyncRecordList {
    pub fn new(stream: PageStream, zone: Zone) -> Self {
        let state = AsyncState {
            stream,
            first: None,
            buffer: VecDeque::new(),
            count: None,
            started: false,
            done: false,
        };
        AsyncRecordList { state: Arc::new(tokio::sync::Mutex::new(state)), zone }
    }
}

#[pymethods]
impl AsyncRecordList {
    /// The list's total as the server counts it (fetches the first page if needed).
    fn count<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let state = self.state.clone();
        runtime::future(py, async move {
            let mut st = state.lock().await;
            if st.count.is_none() {
                let first = next_raw_async(&mut st).await?;
                st.first = first;
            }
            Ok(st.count.unwrap_or(0))
        })
    }

    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // Records of a page already here: answer with an awaitable that is done, not a trip
        // through the runtime per record (which made `async for` ~20× slower than `for`).
        if let Ok(mut st) = self.state.try_lock() {
            st.started = true;
            if let Some(item) = st.buffer.pop_front() {
                return Ok(Bound::new(py, Ready { value: Some(item) })?.into_any());
            }
        }
        let (state, zone) = (self.state.clone(), self.zone);
        runtime::future(py, async move {
            let mut st = state.lock().await;
            st.started = true;
            loop {
                if let Some(item) = st.buffer.pop_front() {
                    return Ok(item);
                }
                let Some(page) = next_raw_async(&mut st).await? else {
                    return Err(PyStopAsyncIteration::new_err(()).into());
                };
                let items = Python::attach(|py| page.items.into_py(py, zone))?;
                st.buffer.extend(items);
            }
        })
    }

    /// The list page by page, for `async for`.
    fn pages(&self) -> PyResult<AsyncPageIterator> {
        if self.state.try_lock().map(|st| st.started).unwrap_or(true) {
            return Err(PyValueError::new_err("pages() after records were iterated"));
        }
        Ok(AsyncPageIterator { state: self.state.clone(), zone: self.zone })
    }

    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, item: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        generic_alias(cls, item)
    }
}

/// Pages of an `AsyncRecordList`.
#[pyclass(module = "zkbiotime", frozen)]
pub struct AsyncPageIterator {
    state: Shared,
    zone: Zone,
}

#[pymethods]
impl AsyncPageIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (state, zone) = (self.state.clone(), self.zone);
        runtime::future(py, async move {
            let mut st = state.lock().await;
            match next_raw_async(&mut st).await? {
                Some(raw) => Ok(Python::attach(|py| Page::from_raw(py, raw, zone))?),
                None => Err(PyStopAsyncIteration::new_err(()).into()),
            }
        })
    }
}
