//! The tokio runtime a pager reads its pages on: two worker threads, as in Python.
//!
//! uniffi's `async_runtime = "tokio"` polls every call inside async-compat's runtime, which
//! is one thread, from the Kotlin or Swift thread that awaits it: the pages a list read
//! ahead were fetched and decoded on that one thread, and converted on the caller's. A pager
//! now reads on this runtime (`crate::resources::PagerState`): the core spawns its page
//! fetches here, so pages decode on two threads and arrive converted.

use std::future::Future;
use std::sync::LazyLock;

use tokio::runtime::{Builder, Runtime};

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("zkbiotime")
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime")
});

/// Runs `task` on the binding's runtime (from any thread, inside a runtime or not).
pub(crate) fn spawn<F: Future<Output = ()> + Send + 'static>(task: F) {
    RUNTIME.spawn(task);
}
