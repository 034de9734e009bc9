//! One CSV row straight from a typed record, without building a `serde_json::Value` first.
//!
//! An export writes hundreds of thousands of rows; going through `Value` cost a map with a
//! `String` key per field per record (most of the export's CPU). This serializer writes
//! each field's text into a reusable cell of the row instead. Only nested records and lists
//! (rare in exports) take the `Value` route, so they are redacted and written as compact JSON
//! exactly as before.

use std::fmt::Display;
use std::io::Write;

use serde::Serialize;
use serde::ser::{self, Error as _, Impossible, SerializeMap, SerializeStruct};

use crate::fields::{Kind, ModelSpec, redact_nested};

/// Columns of one record type and the reusable cells of the row being written.
pub struct RowWriter {
    columns: Vec<Column>,
    cells: Vec<Vec<u8>>,
    /// Column of the n-th key the last record serialized: records of one type serialize
    /// their keys in the same order, so a key is matched with one comparison.
    by_position: Vec<Option<usize>>,
}

struct Column {
    name: String,
    kind: Option<&'static Kind>,
}

impl RowWriter {
    /// The spec's fields as columns, then the custom attributes (keys the spec does not
    /// know) of `first`, the first record of the list.
    pub fn new(model: &'static ModelSpec, first: Option<&impl Serialize>) -> anyhow::Result<Self> {
        let mut names: Vec<String> = model.fields.iter().map(|f| f.name.to_string()).collect();
        if let Some(first) = first {
            let mut keys = KeyCollector::default();
            first.serialize(&mut keys).map_err(RowError::into_anyhow)?;
            names.extend(keys.0.into_iter().filter(|k| model.field(k).is_none()));
        }
        let columns: Vec<Column> = names
            .into_iter()
            .map(|name| Column { kind: model.field(&name).map(|f| &f.kind), name })
            .collect();
        Ok(Self { cells: vec![Vec::new(); columns.len()], columns, by_position: Vec::new() })
    }

    pub fn header(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// The cells of `record`, in column order; keys without a column are dropped.
    pub fn row(&mut self, record: &impl Serialize) -> anyhow::Result<&[Vec<u8>]> {
        self.cells.iter_mut().for_each(Vec::clear);
        record
            .serialize(RecordSerializer { row: self, position: 0 })
            .map_err(RowError::into_anyhow)?;
        Ok(&self.cells)
    }

    fn column_of(&mut self, position: usize, key: &str) -> Option<usize> {
        if let Some(Some(col)) = self.by_position.get(position)
            && self.columns[*col].name == key
        {
            return Some(*col);
        }
        let col = self.columns.iter().position(|c| c.name == key);
        if self.by_position.len() <= position {
            self.by_position.resize(position + 1, None);
        }
        self.by_position[position] = col;
        col
    }

    fn write_field<T: ?Sized + Serialize>(
        &mut self,
        position: usize,
        key: &str,
        value: &T,
    ) -> Result<(), RowError> {
        match self.column_of(position, key) {
            Some(col) => self.write_cell(col, value),
            None => Ok(()),
        }
    }

    fn write_cell<T: ?Sized + Serialize>(&mut self, col: usize, value: &T) -> Result<(), RowError> {
        let kind = self.columns[col].kind;
        let cell = &mut self.cells[col];
        let mut null = false;
        match value.serialize(CellSerializer { cell, null: &mut null }) {
            Ok(()) => {}
            Err(RowError::Nested) => {
                cell.clear();
                let mut nested = serde_json::to_value(value).map_err(RowError::custom)?;
                if let Some(kind) = kind {
                    redact_nested(kind, &mut nested);
                }
                if !nested.is_null() {
                    serde_json::to_writer(&mut *cell, &nested).map_err(RowError::custom)?;
                }
            }
            Err(e) => return Err(e),
        }
        if matches!(kind, Some(Kind::Secret)) && !null {
            cell.clear();
            cell.extend_from_slice(b"***");
        }
        Ok(())
    }
}

#[derive(Debug)]
enum RowError {
    /// The value is a record or a list: written as JSON by the caller.
    Nested,
    NotARecord,
    Custom(String),
}

impl RowError {
    fn into_anyhow(self) -> anyhow::Error {
        match self {
            RowError::NotARecord => anyhow::anyhow!("a record is not an object"),
            RowError::Nested => anyhow::anyhow!("a record key is not a string"),
            RowError::Custom(m) => anyhow::anyhow!(m),
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for RowError {}

impl ser::Error for RowError {
    fn custom<T: Display>(msg: T) -> Self {
        RowError::Custom(msg.to_string())
    }
}

/// Writes one scalar as cell text: strings as they are, numbers as JSON writes them, null
/// as an empty cell. Anything compound answers [`RowError::Nested`].
struct CellSerializer<'c> {
    cell: &'c mut Vec<u8>,
    null: &'c mut bool,
}

macro_rules! display_scalars {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), RowError> {
            write!(self.cell, "{v}").map_err(RowError::custom)
        }
    )*};
}

/// Integers through `itoa` (a third of the cost of `write!` on the export's hot path).
macro_rules! integer_scalars {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), RowError> {
            self.cell.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        }
    )*};
}

macro_rules! nested {
    ($($method:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        fn $method(self, $(_: $ty),*) -> Result<$ret, RowError> {
            Err(RowError::Nested)
        }
    )*};
}

impl ser::Serializer for CellSerializer<'_> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = Impossible<(), RowError>;
    type SerializeStruct = Impossible<(), RowError>;
    type SerializeStructVariant = Impossible<(), RowError>;

    integer_scalars!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );
    display_scalars!(serialize_bool: bool, serialize_char: char);

    fn serialize_f32(self, v: f32) -> Result<(), RowError> {
        self.serialize_f64(f64::from(v))
    }
    /// As serde_json writes it (`1.0`, `1e-7`); NaN and infinities are null in JSON.
    fn serialize_f64(self, v: f64) -> Result<(), RowError> {
        if v.is_finite() {
            serde_json::to_writer(&mut *self.cell, &v).map_err(RowError::custom)
        } else {
            *self.null = true;
            Ok(())
        }
    }
    fn serialize_str(self, v: &str) -> Result<(), RowError> {
        self.cell.extend_from_slice(v.as_bytes());
        Ok(())
    }
    fn serialize_none(self) -> Result<(), RowError> {
        *self.null = true;
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), RowError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), RowError> {
        *self.null = true;
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), RowError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), RowError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), RowError> {
        Err(RowError::Nested)
    }

    nested! {
        serialize_bytes(v: &[u8]) -> ();
        serialize_seq(len: Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> Self::SerializeMap;
        serialize_struct(name: &'static str, len: usize) -> Self::SerializeStruct;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeStructVariant;
    }
}

/// The top level of a record: a struct, or a map when the record keeps custom attributes
/// (`#[serde(flatten)] extra`) or is a `serde_json::Value`.
struct RecordSerializer<'r> {
    row: &'r mut RowWriter,
    position: usize,
}

/// The `Serializer` methods of a serializer that takes only a whole record (a map or a
/// struct): `Some` and newtypes are looked through, every other shape answers
/// [`RowError::NotARecord`].
macro_rules! refuse_non_records {
    () => {
        fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), RowError> {
            value.serialize(self)
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), RowError> {
            value.serialize(self)
        }
        refuse_non_records! {
            serialize_bool(v: bool);
            serialize_i8(v: i8);
            serialize_i16(v: i16);
            serialize_i32(v: i32);
            serialize_i64(v: i64);
            serialize_u8(v: u8);
            serialize_u16(v: u16);
            serialize_u32(v: u32);
            serialize_u64(v: u64);
            serialize_f32(v: f32);
            serialize_f64(v: f64);
            serialize_char(v: char);
            serialize_str(v: &str);
            serialize_bytes(v: &[u8]);
            serialize_unit_struct(name: &'static str);
            serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
        }
        fn serialize_none(self) -> Result<(), RowError> {
            Err(RowError::NotARecord)
        }
        fn serialize_unit(self) -> Result<(), RowError> {
            Err(RowError::NotARecord)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, RowError> {
            Err(RowError::NotARecord)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, RowError> {
            Err(RowError::NotARecord)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, RowError> {
            Err(RowError::NotARecord)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, RowError> {
            Err(RowError::NotARecord)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, RowError> {
            Err(RowError::NotARecord)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), RowError> {
            Err(RowError::NotARecord)
        }
    };
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method(self, $(_: $ty),*) -> Result<(), RowError> {
            Err(RowError::NotARecord)
        }
    )*};
}

impl<'r> ser::Serializer for RecordSerializer<'r> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = MapRow<'r>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), RowError>;

    fn serialize_map(self, _: Option<usize>) -> Result<MapRow<'r>, RowError> {
        Ok(MapRow { record: self, column: None })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }
    refuse_non_records!();
}

impl SerializeStruct for RecordSerializer<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        self.row.write_field(self.position, key, value)?;
        self.position += 1;
        Ok(())
    }
    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

struct MapRow<'r> {
    record: RecordSerializer<'r>,
    /// Column of the key just serialized, waiting for its value (`None`: no column).
    column: Option<usize>,
}

impl SerializeMap for MapRow<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), RowError> {
        let RecordSerializer { row, position } = &mut self.record;
        self.column = key.serialize(KeyResolver { row, position: *position })?;
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), RowError> {
        let RecordSerializer { row, position } = &mut self.record;
        if let Some(col) = self.column {
            row.write_cell(col, value)?;
        }
        *position += 1;
        Ok(())
    }
    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

/// Finds the column of a map key (keys are strings) without copying it.
struct KeyResolver<'r> {
    row: &'r mut RowWriter,
    position: usize,
}

impl ser::Serializer for KeyResolver<'_> {
    type Ok = Option<usize>;
    type Error = RowError;
    type SerializeSeq = Impossible<Option<usize>, RowError>;
    type SerializeTuple = Impossible<Option<usize>, RowError>;
    type SerializeTupleStruct = Impossible<Option<usize>, RowError>;
    type SerializeTupleVariant = Impossible<Option<usize>, RowError>;
    type SerializeMap = Impossible<Option<usize>, RowError>;
    type SerializeStruct = Impossible<Option<usize>, RowError>;
    type SerializeStructVariant = Impossible<Option<usize>, RowError>;

    fn serialize_str(self, key: &str) -> Result<Option<usize>, RowError> {
        Ok(self.row.column_of(self.position, key))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Option<usize>, RowError> {
        value.serialize(self)
    }

    nested! {
        serialize_bool(v: bool) -> Option<usize>;
        serialize_i8(v: i8) -> Option<usize>;
        serialize_i16(v: i16) -> Option<usize>;
        serialize_i32(v: i32) -> Option<usize>;
        serialize_i64(v: i64) -> Option<usize>;
        serialize_u8(v: u8) -> Option<usize>;
        serialize_u16(v: u16) -> Option<usize>;
        serialize_u32(v: u32) -> Option<usize>;
        serialize_u64(v: u64) -> Option<usize>;
        serialize_f32(v: f32) -> Option<usize>;
        serialize_f64(v: f64) -> Option<usize>;
        serialize_char(v: char) -> Option<usize>;
        serialize_bytes(v: &[u8]) -> Option<usize>;
        serialize_none() -> Option<usize>;
        serialize_unit() -> Option<usize>;
        serialize_unit_struct(name: &'static str) -> Option<usize>;
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str) -> Option<usize>;
        serialize_seq(len: Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> Self::SerializeMap;
        serialize_struct(name: &'static str, len: usize) -> Self::SerializeStruct;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Option<usize>, RowError> {
        Err(RowError::Nested)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Option<usize>, RowError> {
        Err(RowError::Nested)
    }
}

/// The keys of a record in the order it serializes them (for the header).
#[derive(Default)]
struct KeyCollector(Vec<String>);

impl ser::Serializer for &mut KeyCollector {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), RowError>;

    fn serialize_map(self, _: Option<usize>) -> Result<Self, RowError> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }
    refuse_non_records!();
}

impl SerializeStruct for &mut KeyCollector {
    type Ok = ();
    type Error = RowError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        _: &T,
    ) -> Result<(), RowError> {
        self.0.push(key.to_string());
        Ok(())
    }
    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

impl SerializeMap for &mut KeyCollector {
    type Ok = ();
    type Error = RowError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), RowError> {
        let mut text = Vec::new();
        key.serialize(CellSerializer { cell: &mut text, null: &mut false })?;
        self.0.push(String::from_utf8(text).map_err(RowError::custom)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), RowError> {
        Ok(())
    }
    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::fields::{model, redact};

    /// The cells the `Value` route wrote before this serializer existed.
    fn value_route(model: &'static ModelSpec, header: &[String], record: &Value) -> Vec<String> {
        let mut value = record.clone();
        redact(model, &mut value);
        header
            .iter()
            .map(|col| match value.get(col) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            })
            .collect()
    }

    fn cells(row: &mut RowWriter, record: &impl Serialize) -> Vec<String> {
        let cells = row.row(record).unwrap();
        cells.iter().map(|c| String::from_utf8(c.clone()).unwrap()).collect()
    }

    #[test]
    fn typed_rows_match_the_value_route() {
        let punch: zkbiotime::types::Transaction = serde_json::from_value(json!({
            "id": 7, "emp_code": "1001", "punch_time": "2024-06-01 08:00:00",
            "punch_state": "0", "verify_type": 1, "temperature": 36.5, "latitude": 1e-7,
            "terminal_sn": "a,\"b\"", "gps_location": null, "Badge": "B-7", "Shift": 2
        }))
        .unwrap();
        let m = model("Transaction");
        let mut row = RowWriter::new(m, Some(&punch)).unwrap();
        let header: Vec<String> = row.header().map(str::to_string).collect();
        assert!(header.ends_with(&["Badge".to_string(), "Shift".to_string()]), "{header:?}");
        let typed = cells(&mut row, &punch);
        let value = serde_json::to_value(&punch).unwrap();
        assert_eq!(typed, value_route(m, &header, &value));
        assert_eq!(typed[0], "7");
        assert!(typed.contains(&"36.5".to_string()) && typed.contains(&"1e-7".to_string()));
        // A second record of the same type reuses the key positions of the first.
        let mut other = punch.clone();
        other.id = 8;
        other.temperature = None;
        other.extra.remove("Badge");
        let typed = cells(&mut row, &other);
        assert_eq!(typed, value_route(m, &header, &serde_json::to_value(&other).unwrap()));
    }

    #[test]
    fn secrets_become_stars_nested_records_compact_json() {
        let m = model("Employee");
        let employee = json!({
            "id": 1, "emp_code": "1", "device_password": "4321", "card_no": null,
            "department": {"id": 2, "dept_code": "2", "dept_name": "R&D"},
            "area": [{"id": 3, "area_code": "3", "area_name": "HQ"}]
        });
        let mut row = RowWriter::new(m, Some(&employee)).unwrap();
        let header: Vec<String> = row.header().map(str::to_string).collect();
        let typed = cells(&mut row, &employee);
        assert_eq!(typed, value_route(m, &header, &employee));
        let at = |name: &str| &typed[header.iter().position(|h| h == name).unwrap()];
        assert_eq!(at("device_password"), "***");
        assert_eq!(at("department"), r#"{"dept_code":"2","dept_name":"R&D","id":2}"#);
        assert!(at("area").starts_with("[{"));
        assert!(!typed.iter().any(|c| c.contains("4321")));
        // A null secret stays empty: nothing to hide, and `***` would suggest a PIN is set.
        let typed = cells(&mut row, &json!({"id": 2, "device_password": null}));
        assert_eq!(at_of(&header, &typed, "device_password"), "");
    }

    fn at_of<'c>(header: &[String], cells: &'c [String], name: &str) -> &'c str {
        &cells[header.iter().position(|h| h == name).unwrap()]
    }

    #[test]
    fn a_record_that_is_not_an_object_is_an_error() {
        let mut row = RowWriter::new(model("Department"), None::<&Value>).unwrap();
        let err = row.row(&json!([1, 2])).unwrap_err();
        assert!(err.to_string().contains("not an object"), "{err}");
    }
}
