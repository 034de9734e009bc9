//! The pages of one list, read one at a time by the JS async iterator.
//!
//! Once the first page is asked for, a task reads the core's page stream ahead of the
//! reader into a small channel, so the next page is fetched, decoded and converted (JSON
//! rows or objects, see `Records`) while JS is still handling the current one. Memory stays
//! within the core's concurrency plus `AHEAD` converted pages.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt;
use futures::stream::BoxStream;
use napi_derive::napi;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::Js;
use crate::error::BindingError;

/// Converted pages waiting for the reader (beyond the one the task is converting).
const AHEAD: usize = 2;

type PageStream = BoxStream<'static, Result<Js, BindingError>>;

enum State {
    /// Not read yet: the stream is started by the first `next` (inside the runtime).
    Idle(PageStream),
    Reading(mpsc::Receiver<Result<Js, BindingError>>),
    /// Ended, failed or closed: `next` answers `null`.
    Done,
}

#[napi]
pub struct NativeCursor {
    state: tokio::sync::Mutex<State>,
    closed: AtomicBool,
    /// Stops the read-ahead task on `close` even while a `next` holds `state`.
    reader: Mutex<Option<AbortHandle>>,
}

impl NativeCursor {
    pub fn new(pages: PageStream) -> Self {
        Self {
            state: tokio::sync::Mutex::new(State::Idle(pages)),
            closed: AtomicBool::new(false),
            reader: Mutex::new(None),
        }
    }

    fn start(&self, mut pages: PageStream) -> mpsc::Receiver<Result<Js, BindingError>> {
        let (tx, rx) = mpsc::channel(AHEAD);
        let task = tokio::spawn(async move {
            while let Some(page) = pages.next().await {
                let failed = page.is_err();
                // A closed receiver: the reader left; stop fetching.
                if tx.send(page).await.is_err() || failed {
                    break;
                }
            }
        });
        let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        if self.closed.load(Ordering::Acquire) {
            task.abort();
        } else {
            *reader = Some(task.abort_handle());
        }
        rx
    }

    fn stop_reader(&self) {
        let handle = self.reader.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(handle) = handle {
            handle.abort();
        }
    }
}

#[napi]
impl NativeCursor {
    /// The next page, or `null` after the last one.
    #[napi]
    pub async fn next(&self) -> napi::Result<Option<Js>> {
        let mut state = self.state.lock().await;
        if self.closed.load(Ordering::Acquire) {
            *state = State::Done;
            return Ok(None);
        }
        if let State::Idle(_) = &*state
            && let State::Idle(pages) = std::mem::replace(&mut *state, State::Done)
        {
            *state = State::Reading(self.start(pages));
        }
        let State::Reading(rx) = &mut *state else { return Ok(None) };
        match rx.recv().await {
            Some(Ok(page)) => Ok(Some(page)),
            Some(Err(e)) => {
                *state = State::Done;
                Err(e.into())
            }
            None => {
                *state = State::Done;
                Ok(None)
            }
        }
    }

    /// Stops the list: requests in flight are dropped, `next` answers `null`.
    #[napi]
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.stop_reader();
        if let Ok(mut state) = self.state.try_lock() {
            *state = State::Done;
        }
    }
}

/// A cursor the garbage collector takes without `close` (the reader never finished the
/// loop) must not leave its task fetching pages.
impl Drop for NativeCursor {
    fn drop(&mut self) {
        self.stop_reader();
    }
}
