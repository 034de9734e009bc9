//! Writing records: a table for people, JSON, JSON Lines or CSV for programs.
//!
//! JSON, JSON Lines and CSV are written record by record as the core's stream yields them
//! (memory stays flat however long the list); only the table, meant for a terminal, holds
//! its rows to size the columns. Secret fields (per the spec) are printed as `***`.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::cli::{Format, OutputArgs};
use crate::csv_line::CsvLines;
use crate::csv_row::RowWriter;
use crate::fields::{ModelSpec, redact};

/// Default table columns per record type: a presentation choice (the other formats carry
/// every field). A unit test checks each name against the spec.
pub const TABLE_COLUMNS: &[(&str, &[&str])] = &[
    ("Employee", &["id", "emp_code", "first_name", "last_name", "department", "position", "area"]),
    ("Department", &["id", "dept_code", "dept_name", "parent_dept"]),
    ("Area", &["id", "area_code", "area_name", "parent_area"]),
    ("Position", &["id", "position_code", "position_name", "parent_position"]),
    ("Terminal", &["id", "sn", "alias", "ip_address", "area", "state", "last_activity"]),
    (
        "Transaction",
        &[
            "id",
            "emp_code",
            "punch_time",
            "punch_state",
            "verify_type",
            "terminal_sn",
            "upload_time",
        ],
    ),
];

/// Longest cell a table shows before cutting it with `…`.
const MAX_CELL: usize = 40;

#[derive(Clone, Debug)]
pub struct Output {
    explicit: Option<Format>,
    columns: Option<Vec<String>>,
    tty: bool,
}

impl Output {
    pub fn new(args: &OutputArgs) -> Self {
        Self {
            explicit: args.format,
            columns: args.columns.clone(),
            tty: std::io::stdout().is_terminal(),
        }
    }

    /// Table on a terminal, JSON Lines in a pipe.
    pub fn list_format(&self) -> Format {
        self.explicit.unwrap_or(if self.tty { Format::Table } else { Format::Jsonl })
    }

    /// Table on a terminal, JSON in a pipe.
    pub fn single_format(&self) -> Format {
        self.explicit.unwrap_or(if self.tty { Format::Table } else { Format::Json })
    }

    /// A sink for a list of `model` records on stdout.
    pub fn list_sink<T: Serialize + 'static>(&self, model: &'static ModelSpec) -> Box<dyn Sink<T>> {
        let out = Box::new(std::io::BufWriter::new(std::io::stdout()));
        sink(self.list_format(), model, self.columns.clone(), out)
    }

    /// Prints one record on stdout.
    pub fn print_one<T: Serialize>(&self, record: &T, model: &'static ModelSpec) -> Result<()> {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let format = match self.single_format() {
            // A list of one: the sinks write (and redact) these formats.
            f @ (Format::Csv | Format::Jsonl) => {
                let mut s = sink(f, model, None, Box::new(&mut out));
                s.record(record)?;
                return s.finish();
            }
            f => f,
        };
        let mut value = serde_json::to_value(record)?;
        redact(model, &mut value);
        if format == Format::Json {
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        } else {
            for (key, v) in ordered(model, &value) {
                if !v.is_null() && v != "" {
                    writeln!(out, "{key:<20} {}", display(v))?;
                }
            }
        }
        out.flush()?;
        Ok(())
    }
}

/// Somewhere records of type `T` go one at a time.
pub trait Sink<T> {
    fn record(&mut self, record: &T) -> Result<()>;
    /// Writes what is still held (table rows, the CSV header of an empty list) and flushes.
    fn finish(&mut self) -> Result<()>;
}

/// A sink of `format` writing `model` records to `out` (records are redacted here).
pub fn sink<'a, T: Serialize + 'a>(
    format: Format,
    model: &'static ModelSpec,
    columns: Option<Vec<String>>,
    out: Box<dyn Write + 'a>,
) -> Box<dyn Sink<T> + 'a> {
    let json = JsonWriter { out, model, redacting: model.holds_secret, buf: Vec::new() };
    match format {
        Format::Jsonl => Box::new(Jsonl(json)),
        Format::Json => Box::new(JsonArray { json, first: true }),
        Format::Csv => Box::new(Csv { out: CsvLines::new(json.out), model, row: None }),
        Format::Table => Box::new(Table {
            out: json.out,
            model,
            columns: columns.unwrap_or_else(|| default_columns(model)),
            rows: Vec::new(),
        }),
    }
}

fn default_columns(model: &ModelSpec) -> Vec<String> {
    match TABLE_COLUMNS.iter().find(|(name, _)| *name == model.name) {
        Some((_, cols)) => cols.iter().map(|c| c.to_string()).collect(),
        None => model.fields.iter().take(8).map(|f| f.name.to_string()).collect(),
    }
}

/// Writes one record as compact JSON; only a record type that can hold a secret goes
/// through a `Value` to be redacted (the others are written straight from the record).
struct JsonWriter<'a> {
    out: Box<dyn Write + 'a>,
    model: &'static ModelSpec,
    redacting: bool,
    /// The record's JSON, handed to `out` in one write: serde_json writes a record in a
    /// hundred small pieces, each a dynamic call into `out` (a third of a JSONL export's CPU).
    buf: Vec<u8>,
}

impl JsonWriter<'_> {
    fn write<T: Serialize>(&mut self, record: &T) -> Result<()> {
        self.buf.clear();
        if self.redacting {
            let mut value = serde_json::to_value(record)?;
            redact(self.model, &mut value);
            serde_json::to_writer(&mut self.buf, &value)?;
        } else {
            serde_json::to_writer(&mut self.buf, record)?;
        }
        self.out.write_all(&self.buf)?;
        Ok(())
    }
}

struct Jsonl<'a>(JsonWriter<'a>);

impl<T: Serialize> Sink<T> for Jsonl<'_> {
    fn record(&mut self, record: &T) -> Result<()> {
        self.0.write(record)?;
        self.0.out.write_all(b"\n")?;
        Ok(())
    }
    fn finish(&mut self) -> Result<()> {
        self.0.out.flush()?;
        Ok(())
    }
}

/// A JSON array written element by element.
struct JsonArray<'a> {
    json: JsonWriter<'a>,
    first: bool,
}

impl<T: Serialize> Sink<T> for JsonArray<'_> {
    fn record(&mut self, record: &T) -> Result<()> {
        self.json.out.write_all(if self.first { b"[\n  " } else { b",\n  " })?;
        self.first = false;
        self.json.write(record)
    }
    fn finish(&mut self) -> Result<()> {
        self.json.out.write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
        self.json.out.flush()?;
        Ok(())
    }
}

/// CSV with the spec's fields as columns, then the custom attributes (`extra` keys) of the
/// first record. Nested records and lists are written as compact JSON.
struct Csv<'a> {
    out: CsvLines<Box<dyn Write + 'a>>,
    model: &'static ModelSpec,
    /// Made from the first record (its custom attributes name the extra columns).
    row: Option<RowWriter>,
}

impl Csv<'_> {
    fn start<T: Serialize>(&mut self, first: Option<&T>) -> Result<()> {
        let row = RowWriter::new(self.model, first)?;
        self.out.write(row.header())?;
        self.row = Some(row);
        Ok(())
    }
}

impl<T: Serialize> Sink<T> for Csv<'_> {
    fn record(&mut self, record: &T) -> Result<()> {
        if self.row.is_none() {
            self.start(Some(record))?;
        }
        let cells = self.row.as_mut().expect("started above").row(record)?;
        self.out.write(cells)?;
        Ok(())
    }
    fn finish(&mut self) -> Result<()> {
        if self.row.is_none() {
            self.start::<()>(None)?;
        }
        self.out.flush()?;
        Ok(())
    }
}

struct Table<'a> {
    out: Box<dyn Write + 'a>,
    model: &'static ModelSpec,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl<T: Serialize> Sink<T> for Table<'_> {
    fn record(&mut self, record: &T) -> Result<()> {
        let mut record = serde_json::to_value(record)?;
        redact(self.model, &mut record);
        let row = self.columns.iter().map(|c| cut(&display(lookup(&record, c)))).collect();
        self.rows.push(row);
        Ok(())
    }
    fn finish(&mut self) -> Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> =
                cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            padded.join("  ").trim_end().to_string()
        };
        let header: Vec<String> = self.columns.iter().map(|c| c.to_uppercase()).collect();
        writeln!(self.out, "{}", line(&header))?;
        for row in &self.rows {
            writeln!(self.out, "{}", line(row))?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// `department.dept_name` → the nested value.
fn lookup<'v>(record: &'v Value, path: &str) -> &'v Value {
    let mut v = record;
    for key in path.split('.') {
        v = v.get(key).unwrap_or(&Value::Null);
    }
    v
}

/// A value for people: a nested record by its name, a list joined with commas.
fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Object(map) => nested_name(map),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn nested_name(map: &Map<String, Value>) -> String {
    let name = map.iter().find(|(k, v)| k.ends_with("_name") && !v.is_null());
    match (name, map.get("id")) {
        (Some((_, v)), _) => display(v),
        (None, Some(id)) => display(id),
        (None, None) => Value::Object(map.clone()).to_string(),
    }
}

fn cut(text: &str) -> String {
    let one_line = text.replace(['\n', '\r', '\t'], " ");
    if one_line.chars().count() <= MAX_CELL {
        return one_line;
    }
    let mut s: String = one_line.chars().take(MAX_CELL - 1).collect();
    s.push('…');
    s
}

/// The record's keys in spec order, then the custom attributes.
fn ordered<'v>(model: &ModelSpec, value: &'v Value) -> Vec<(String, &'v Value)> {
    let Value::Object(map) = value else { return Vec::new() };
    let mut out: Vec<(String, &Value)> = model
        .fields
        .iter()
        .filter_map(|f| map.get(f.name).map(|v| (f.name.to_string(), v)))
        .collect();
    out.extend(map.iter().filter(|(k, _)| model.field(k).is_none()).map(|(k, v)| (k.clone(), v)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::model;

    #[test]
    fn table_columns_exist_in_the_spec() {
        for (name, cols) in TABLE_COLUMNS {
            let m = model(name);
            for col in *cols {
                assert!(m.field(col).is_some(), "{name} has no field {col}");
            }
        }
    }

    #[test]
    fn csv_has_spec_columns_then_custom_attributes() {
        let mut buf = Vec::new();
        {
            let mut s = sink(Format::Csv, model("Department"), None, Box::new(&mut buf));
            s.record(&serde_json::json!({"id": 1, "dept_code": "1", "dept_name": "A, B", "x": 2}))
                .unwrap();
            s.finish().unwrap();
        }
        let text = String::from_utf8(buf).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert!(header.starts_with("id,"), "{header}");
        assert!(header.ends_with(",x"), "{header}");
        assert!(lines.next().unwrap().contains("\"A, B\""));
    }
}
