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
    pub fn list_sink(&self, model: &'static ModelSpec) -> Box<dyn Sink> {
        let out = Box::new(std::io::BufWriter::new(std::io::stdout()));
        sink(self.list_format(), model, self.columns.clone(), out)
    }

    /// Prints one record on stdout.
    pub fn print_one(&self, record: &impl Serialize, model: &'static ModelSpec) -> Result<()> {
        let mut value = serde_json::to_value(record)?;
        redact(model, &mut value);
        let mut out = std::io::BufWriter::new(std::io::stdout());
        match self.single_format() {
            Format::Table => {
                for (key, v) in ordered(model, &value) {
                    if !v.is_null() && v != "" {
                        writeln!(out, "{key:<20} {}", display(v))?;
                    }
                }
            }
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?,
            Format::Jsonl => writeln!(out, "{}", serde_json::to_string(&value)?)?,
            Format::Csv => {
                let mut s = sink(Format::Csv, model, None, Box::new(&mut out));
                s.record(value)?;
                s.finish()?;
            }
        }
        out.flush()?;
        Ok(())
    }
}

/// Somewhere records go one at a time.
pub trait Sink {
    fn record(&mut self, record: Value) -> Result<()>;
    /// Writes what is still held (table rows, the CSV header of an empty list) and flushes.
    fn finish(&mut self) -> Result<()>;
}

/// A sink of `format` writing `model` records to `out` (records are redacted here).
pub fn sink<'a>(
    format: Format,
    model: &'static ModelSpec,
    columns: Option<Vec<String>>,
    out: Box<dyn Write + 'a>,
) -> Box<dyn Sink + 'a> {
    match format {
        Format::Jsonl => Box::new(Jsonl { out, model }),
        Format::Json => Box::new(JsonArray { out, model, first: true }),
        Format::Csv => Box::new(Csv { out: csv::Writer::from_writer(out), model, header: None }),
        Format::Table => Box::new(Table {
            out,
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

struct Jsonl<'a> {
    out: Box<dyn Write + 'a>,
    model: &'static ModelSpec,
}

impl Sink for Jsonl<'_> {
    fn record(&mut self, mut record: Value) -> Result<()> {
        redact(self.model, &mut record);
        serde_json::to_writer(&mut self.out, &record)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
    fn finish(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// A JSON array written element by element.
struct JsonArray<'a> {
    out: Box<dyn Write + 'a>,
    model: &'static ModelSpec,
    first: bool,
}

impl Sink for JsonArray<'_> {
    fn record(&mut self, mut record: Value) -> Result<()> {
        redact(self.model, &mut record);
        self.out.write_all(if self.first { b"[\n  " } else { b",\n  " })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, &record)?;
        Ok(())
    }
    fn finish(&mut self) -> Result<()> {
        self.out.write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()?;
        Ok(())
    }
}

/// CSV with the spec's fields as columns, then the custom attributes (`extra` keys) of the
/// first record. Nested records and lists are written as compact JSON.
struct Csv<'a> {
    out: csv::Writer<Box<dyn Write + 'a>>,
    model: &'static ModelSpec,
    header: Option<Vec<String>>,
}

impl Csv<'_> {
    fn write_header(&mut self, first: Option<&Value>) -> Result<()> {
        let mut header: Vec<String> =
            self.model.fields.iter().map(|f| f.name.to_string()).collect();
        if let Some(Value::Object(map)) = first {
            let extra = map.keys().filter(|k| self.model.field(k).is_none()).cloned();
            header.extend(extra.collect::<Vec<_>>());
        }
        self.out.write_record(&header)?;
        self.header = Some(header);
        Ok(())
    }
}

impl Sink for Csv<'_> {
    fn record(&mut self, mut record: Value) -> Result<()> {
        redact(self.model, &mut record);
        if self.header.is_none() {
            self.write_header(Some(&record))?;
        }
        let header = self.header.as_ref().expect("written above");
        let Value::Object(map) = &record else { anyhow::bail!("a record is not an object") };
        self.out.write_record(header.iter().map(|col| csv_cell(map.get(col))))?;
        Ok(())
    }
    fn finish(&mut self) -> Result<()> {
        if self.header.is_none() {
            self.write_header(None)?;
        }
        self.out.flush()?;
        Ok(())
    }
}

fn csv_cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

struct Table<'a> {
    out: Box<dyn Write + 'a>,
    model: &'static ModelSpec,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Sink for Table<'_> {
    fn record(&mut self, mut record: Value) -> Result<()> {
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
            s.record(serde_json::json!({"id": 1, "dept_code": "1", "dept_name": "A, B", "x": 2}))
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
