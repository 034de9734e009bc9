//! `client.transactions.sync(state)`: the core's incremental punch reader (every punch
//! exactly once across runs, late uploads included). The state crosses as JSON text, which
//! is what callers store between runs. `since=` starts a first import at a date (the core's
//! `SyncState::start` refuses it together with a stored state).
//!
//! `client.transactions.export_file(path, format="csv", **filters)`: the server-side export
//! streamed to a file by the core (`Transactions::export_file`).

use pyo3::prelude::*;
use zkbiotime::SyncState;
use zkbiotime::types;

use crate::convert::{self, Record, Zone};
use crate::errors::Error;
use crate::generated::{AsyncTransactions, Transaction, Transactions};
use crate::runtime;

/// New punches and the state to store once they are safely kept.
#[pyclass(module = "zkbiotime", frozen)]
pub struct SyncBatch {
    punches: Vec<types::Transaction>,
    /// JSON text: pass it to the next `sync` call.
    #[pyo3(get)]
    state: String,
    /// False when the batch stopped at `max`: call again for more.
    #[pyo3(get)]
    complete: bool,
    zone: Zone,
}

#[pymethods]
impl SyncBatch {
    #[getter]
    fn punches(&self) -> Vec<Transaction> {
        self.punches.iter().cloned().map(|p| p.wrap(self.zone)).collect()
    }

    fn __len__(&self) -> usize {
        self.punches.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "SyncBatch(<{} punches>, complete={})",
            self.punches.len(),
            if self.complete { "True" } else { "False" }
        )
    }
}

/// The state to start from: the stored JSON, or a fresh one (from `since` when given: a
/// `date`, a naive or zone-aware `datetime`, converted like filter times, or text).
fn state(text: Option<&str>, since: Option<&Bound<'_, PyAny>>, zone: Zone) -> PyResult<SyncState> {
    let since = match since.filter(|s| !s.is_none()) {
        None => None,
        Some(value) => match convert::to_json(value, zone)? {
            serde_json::Value::String(text) => Some(text),
            _ => {
                return Err(crate::errors::type_error(
                    "since must be a date, a datetime or text (YYYY-MM-DD [HH:MM:SS])",
                ));
            }
        },
    };
    SyncState::start(text, since.as_deref())
        .map_err(|e| Python::attach(|py| crate::errors::core_error(py, &e)))
}

async fn run(
    client: zkbiotime::Client,
    state: SyncState,
    max: Option<usize>,
    zone: Zone,
) -> Result<SyncBatch, Error> {
    let batch = client.transactions().sync(&state, max).await?;
    Ok(SyncBatch {
        punches: batch.punches,
        state: batch.state.to_json(),
        complete: batch.complete,
        zone,
    })
}

#[pymethods]
impl Transactions {
    /// Punches not returned before (`state=None`: every punch, or those timed from `since`
    /// on). Keep the punches, then store `batch.state` and pass it next time.
    #[pyo3(signature = (state = None, *, max = None, since = None))]
    fn sync(
        &self,
        py: Python<'_>,
        state: Option<&str>,
        max: Option<usize>,
        since: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SyncBatch> {
        let zone = self.shared.zone;
        let state = self::state(state, since, zone)?;
        let client = self.shared.client()?;
        runtime::block_on(py, run(client, state, max, zone))
    }
}

#[pymethods]
impl AsyncTransactions {
    #[pyo3(signature = (state = None, *, max = None, since = None))]
    fn sync<'py>(
        &self,
        py: Python<'py>,
        state: Option<&str>,
        max: Option<usize>,
        since: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let state = self::state(state, since, self.shared.zone)?;
        let client = self.shared.client()?;
        runtime::future(py, run(client, state, max, self.shared.zone))
    }
}

/// The server-side export's arguments, checked before anything is sent: the format parsed
/// once by the core (`csv`, `txt`, `xls`), the filters converted like the list's.
fn export_args(
    format: &str,
    filters: Option<&Bound<'_, pyo3::types::PyDict>>,
    zone: Zone,
) -> PyResult<(zkbiotime::ExportFormat, zkbiotime::TransactionFilter)> {
    let format = zkbiotime::ExportFormat::parse(format)
        .map_err(|e| Python::attach(|py| crate::errors::core_error(py, &e)))?;
    let filter = convert::filter_from_kwargs("transactions", filters, zone)?;
    Ok((format, filter))
}

async fn export(
    client: zkbiotime::Client,
    path: std::path::PathBuf,
    format: zkbiotime::ExportFormat,
    filter: zkbiotime::TransactionFilter,
) -> Result<u64, Error> {
    Ok(client.transactions().export_file(filter, format, path).await?)
}

#[pymethods]
impl Transactions {
    /// Downloads the server-rendered export (`format`: "csv", "txt" or "xls") of the
    /// punches the filters select into the file `path`, streamed; returns the bytes
    /// written. Written as `<path>.part` and renamed when complete: a failure leaves no
    /// file (and an existing `path` untouched).
    #[pyo3(signature = (path, format = "csv", **filters))]
    fn export_file(
        &self,
        py: Python<'_>,
        path: std::path::PathBuf,
        format: &str,
        filters: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<u64> {
        let (format, filter) = export_args(format, filters, self.shared.zone)?;
        let client = self.shared.client()?;
        runtime::block_on(py, export(client, path, format, filter))
    }
}

#[pymethods]
impl AsyncTransactions {
    #[pyo3(signature = (path, format = "csv", **filters))]
    fn export_file<'py>(
        &self,
        py: Python<'py>,
        path: std::path::PathBuf,
        format: &str,
        filters: Option<&Bound<'py, pyo3::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (format, filter) = export_args(format, filters, self.shared.zone)?;
        let client = self.shared.client()?;
        runtime::future(py, export(client, path, format, filter))
    }
}
