//! The tokio runtime this module owns, and the two ways Python waits on it.
//!
//! Why our own runtime and not a global one: after `os.fork()` the child has the parent's
//! memory but none of its threads, so a runtime (and every connection pool registered with
//! its I/O driver) is dead there and any call would hang. We remember the pid that built the
//! runtime and build a fresh one when it changes; the parent's is leaked in the child, never
//! dropped, because dropping it would touch the epoll instance the parent still uses.
//!
//! Blocking calls release the GIL and wake up every `TICK` to run Python's signal handlers,
//! so Ctrl-C interrupts a long pull promptly (the request is dropped, i.e. cancelled).

use std::cell::OnceCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use pyo3::prelude::*;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{self, ContextExt};
use tokio::runtime::Runtime;

use crate::errors::{self, Error};

const TICK: Duration = Duration::from_millis(50);

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of this process, built on first use and again after a fork.
pub fn get() -> Arc<Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = slot.as_ref()
        && *owner == pid
    {
        return rt.clone();
    }
    if let Some(inherited) = slot.take() {
        // The parent's runtime: its threads do not exist here. Never drop it (see above).
        std::mem::forget(inherited);
    }
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("zkbiotime")
            .enable_all()
            .build()
            .expect("cannot start the tokio runtime"),
    );
    *slot = Some((pid, rt.clone()));
    rt
}

/// Runs `fut` to completion with the GIL released, checking for signals (Ctrl-C) every
/// `TICK`. A panic inside becomes a `ZKBioTimeError` instead of tearing the process down.
pub fn block_on<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, Error>> + Send,
    T: Send,
{
    let rt = get();
    let mut fut = Box::pin(AssertUnwindSafe(fut).catch_unwind());
    loop {
        let polled =
            py.detach(|| rt.block_on(async { tokio::time::timeout(TICK, &mut fut).await }));
        match polled {
            Ok(Ok(result)) => return result.map_err(PyErr::from),
            Ok(Err(panic)) => return Err(errors::panic_error(panic)),
            Err(_tick) => py.check_signals()?,
        }
    }
}

/// Turns `fut` into an asyncio awaitable running on our runtime.
pub fn future<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    generic::future_into_py::<Owned, _, T>(py, async move {
        match AssertUnwindSafe(fut).catch_unwind().await {
            Ok(result) => result.map_err(PyErr::from),
            Err(panic) => Err(errors::panic_error(panic)),
        }
    })
}

/// pyo3-async-runtimes' view of our runtime.
pub struct Owned;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl generic::Runtime for Owned {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        get().spawn(fut)
    }

    /// pyo3-async-runtimes hands asyncio its results through here (`call_soon_threadsafe`
    /// under the GIL). See `at_exit` for why each call is counted.
    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        get().spawn_blocking(move || {
            IN_PYTHON.fetch_add(1, Ordering::SeqCst);
            if !EXITING.load(Ordering::SeqCst) {
                f();
            }
            IN_PYTHON.fetch_sub(1, Ordering::SeqCst);
        })
    }
}

impl ContextExt for Owned {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(|c| c.get().cloned()).unwrap_or_default()
    }
}

static EXITING: AtomicBool = AtomicBool::new(false);
static IN_PYTHON: AtomicUsize = AtomicUsize::new(0);

/// Registered with `atexit`. A runtime thread that is handing a result to asyncio while the
/// interpreter finalizes would be ended by CPython with `pthread_exit` in the middle of
/// Rust frames, which aborts the process. So before finalization: no new hand-overs, and
/// the ones under way (which need the GIL we give up here) may finish.
#[pyfunction]
pub fn _at_exit(py: Python<'_>) {
    EXITING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while IN_PYTHON.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

fn panic_now() -> Result<(), Error> {
    panic!("deliberate panic for the test suite");
}

/// Test hook: panics inside the runtime, to show that a panic surfaces as a
/// `ZKBioTimeError` (blocking path, or the awaitable when `asynchronous`).
#[pyfunction]
#[pyo3(signature = (asynchronous = false))]
pub fn _panic_for_tests(py: Python<'_>, asynchronous: bool) -> PyResult<Py<PyAny>> {
    if asynchronous {
        return future(py, async { panic_now() }).map(Bound::unbind);
    }
    block_on(py, async { panic_now() })?;
    Ok(py.None())
}

/// Test hook: an id of this process's runtime (changes after a fork).
#[pyfunction]
pub fn _runtime_id() -> usize {
    Arc::as_ptr(&get()) as usize ^ std::process::id() as usize
}
