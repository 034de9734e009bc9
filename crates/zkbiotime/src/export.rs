//! The server-side export of punches (`GET /iclock/api/transactions/export/`, D80 docs): the
//! server renders the file (csv, txt or xls) and the client streams it to disk.
//!
//! `Transactions::export_file` writes `<path>.part` and renames it to `<path>` once the
//! whole answer is on disk, so a failed download leaves no file that looks complete (and
//! no `.part` either: it is removed on failure).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::generated::lists::TransactionFilter;
use crate::generated::resources::Transactions;

/// The file formats of the server-side export (the spec's `TransactionExportType`): `Csv`,
/// `Txt` (tab-separated, inferred) and `Xls`.
pub use crate::generated::api::types::TransactionExportType as ExportFormat;

/// The export's path on the server.
pub const EXPORT_PATH: &str = "/iclock/api/transactions/export/";

impl ExportFormat {
    /// Every format, in the spec's order.
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Csv, ExportFormat::Txt, ExportFormat::Xls];

    /// `"csv"`, `"txt"` or `"xls"` (ASCII case and surrounding blanks ignored): what the
    /// bindings and the CLI hand over. Anything else is an `InvalidArgument` naming the
    /// formats.
    pub fn parse(text: &str) -> Result<Self> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|f| f.as_str() == wanted).ok_or_else(|| {
            Error::invalid_argument(format!(
                "export format {text:?} is not one of {}",
                Self::ALL.map(|f| f.as_str()).join(", ")
            ))
        })
    }

    /// The `export_type` the server takes, also the usual file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Txt => "txt",
            ExportFormat::Xls => "xls",
        }
    }
}

/// The query of an export: `export_type` and the list filter's parameters.
pub(crate) fn export_query(
    filter: &TransactionFilter,
    format: ExportFormat,
) -> Result<Vec<(String, String)>> {
    let mut query = vec![("export_type".to_string(), format.as_str().to_string())];
    let value = serde_json::to_value(filter)
        .map_err(|e| Error::invalid_argument(format!("transactions filter: {e}")))?;
    if let serde_json::Value::Object(map) = value {
        for (name, value) in map {
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            query.push((name, text));
        }
    }
    Ok(query)
}

/// `punches.csv` → `punches.csv.part`, beside it (a rename never crosses filesystems).
fn part_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    path.with_file_name(name)
}

impl Transactions {
    /// Downloads the server-rendered export of the punches `filter` selects (`GET
    /// /iclock/api/transactions/export/?export_type=...`, D80 docs) into the file `path`,
    /// streamed to disk; returns the bytes written.
    ///
    /// The file is written as `<path>.part` and renamed to `<path>` when complete and
    /// flushed; on any failure (an error answer, an HTML page, a broken connection, a full
    /// disk) the part is removed and `path` is left as it was. The columns are the server's
    /// (a CSV header starting `id,emp_code`, D80); for rows typed by the spec, use `list`.
    ///
    /// ```no_run
    /// # async fn demo(client: zkbiotime::Client) -> zkbiotime::Result<()> {
    /// use zkbiotime::{ExportFormat, TransactionFilter};
    /// let filter = TransactionFilter { emp_code: Some("1".into()), ..Default::default() };
    /// let bytes = client.transactions().export_file(filter, ExportFormat::Csv, "punches.csv").await?;
    /// println!("{bytes} bytes");
    /// # Ok(()) }
    /// ```
    pub async fn export_file(
        &self,
        filter: TransactionFilter,
        format: ExportFormat,
        path: impl AsRef<Path>,
    ) -> Result<u64> {
        self.export_file_with_progress(filter, format, path, |_| {}).await
    }

    /// [`Transactions::export_file`], calling `progress` with the bytes written so far as
    /// the download goes (the total is unknown: servers send no length for exports).
    pub async fn export_file_with_progress(
        &self,
        filter: TransactionFilter,
        format: ExportFormat,
        path: impl AsRef<Path>,
        progress: impl FnMut(u64) + Send,
    ) -> Result<u64> {
        let path = path.as_ref();
        let query = export_query(&filter, format)?;
        // Asked before the file is created: an error answer leaves nothing behind.
        let response = self.client.open_download(EXPORT_PATH, &query).await?;
        let part = part_path(path);
        let file = std::fs::File::create(&part).map_err(|e| {
            Error::invalid_argument(format!("cannot create {}: {e}", part.display()))
        })?;
        let writer = std::io::BufWriter::with_capacity(1 << 16, file);
        let finished = async {
            let (written, writer) =
                crate::raw::pump_response(response, EXPORT_PATH, writer, progress).await?;
            let part_shown = part.display().to_string();
            let target = path.to_path_buf();
            let part_owned = part.clone();
            tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                let file = writer.into_inner().map_err(|e| e.into_error())?;
                file.sync_all()?;
                drop(file);
                std::fs::rename(&part_owned, &target)
            })
            .await
            .map_err(|e| Error::invalid_argument(format!("finishing {part_shown}: {e}")))?
            .map_err(|e| {
                Error::invalid_argument(format!(
                    "cannot finish {part_shown} as {}: {e}",
                    path.display()
                ))
            })?;
            Ok::<u64, Error>(written)
        };
        match finished.await {
            Ok(written) => Ok(written),
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_once_from_text() {
        assert_eq!(ExportFormat::parse("csv").unwrap(), ExportFormat::Csv);
        assert_eq!(ExportFormat::parse(" TXT ").unwrap(), ExportFormat::Txt);
        assert_eq!(ExportFormat::parse("xls").unwrap().as_str(), "xls");
        let bad = ExportFormat::parse("pdf").unwrap_err();
        assert_eq!(bad.kind(), crate::ErrorKind::InvalidArgument);
        assert!(bad.detail().contains("csv, txt, xls"), "{}", bad.detail());
    }

    #[test]
    fn the_query_carries_the_format_and_the_filters() {
        let filter = TransactionFilter {
            emp_code: Some("7".into()),
            start_time: Some("2024-06-01 00:00:00".into()),
            ..Default::default()
        };
        let q = export_query(&filter, ExportFormat::Txt).unwrap();
        assert_eq!(q[0], ("export_type".into(), "txt".into()));
        assert!(q.contains(&("emp_code".into(), "7".into())));
        assert!(q.contains(&("start_time".into(), "2024-06-01 00:00:00".into())));
        assert_eq!(q.len(), 3);
        assert_eq!(part_path(Path::new("/tmp/p.csv")), Path::new("/tmp/p.csv.part"));
    }
}
