//! List pages from the server's JSON straight to rows (see `JsonRows`), without the core's
//! typed records in between: decoding every value into the spec's types and writing it out
//! again was half the CPU of a long pull. The page is read once: strings are copied as the
//! JSON text they already are, numbers checked and written as the typed route writes them,
//! times converted.
//!
//! Every value is checked as the typed reader checks it. A record with anything else (a
//! missing or doubled key, a value of another type, an escape in a string) is decoded by the
//! typed reader and written by its row view instead, so both routes give the same rows and
//! fail on the same answers: `ZKBIOTIME_NODE_TYPED_PAGES=1` takes the typed route for every
//! page, and `test/rows.test.mjs` compares the two.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use zkbiotime::loose::Loose;
use zkbiotime::{ListFilter, ListPage, PageAnswer};

use crate::convert::{AsJson, Cx, JsonRows, RowsBuilder};

/// How a field's value goes from the server's JSON into a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A string, copied as JSON text.
    Text,
    Int,
    Float,
    Bool,
    /// Server-local time text: the ISO text, then the server's own (two row slots).
    Time,
}

/// A record type's row (generated from the spec): its `lib/rows.js` constructor, and its
/// fields in row order with the JSON key, how the value is copied, and whether it may be
/// absent or `null`. `extra` follows them.
pub struct Shape {
    pub model: &'static str,
    pub fields: &'static [(&'static str, Kind, bool)],
}

/// Whether list pages are read by `RowsPage` (unless `ZKBIOTIME_NODE_TYPED_PAGES` is set).
pub fn enabled() -> bool {
    std::env::var_os("ZKBIOTIME_NODE_TYPED_PAGES").is_none_or(|v| v.is_empty() || v == "0")
}

/// What reading a page needs besides its text. serde gives a `Deserialize` no arguments,
/// so `RowsFilter` puts this in a task-local around each page fetch (the decoding runs
/// inside that future's `poll`).
#[derive(Clone, Copy)]
pub struct Reader {
    shape: &'static Shape,
    cx: Cx,
    /// The typed route for one record: decode it as the spec's type, write its row.
    typed_row: fn(&str, &Cx, &mut Vec<u8>) -> Result<(), String>,
}

tokio::task_local! {
    static READER: Reader;
}

impl Reader {
    pub fn new<T: AsJson + DeserializeOwned>(shape: &'static Shape, cx: Cx) -> Self {
        Self { shape, cx, typed_row: typed_row::<T> }
    }
}

fn typed_row<T: AsJson + DeserializeOwned>(
    text: &str,
    cx: &Cx,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let item: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let one = T::json_rows(std::slice::from_ref(&item), cx);
    let row = one.as_ref().and_then(JsonRows::single_row).ok_or("a record that makes no row")?;
    out.extend_from_slice(row);
    Ok(())
}

/// The list filter `F` with its pages read as [`RowsPage`]s by `reader`.
#[derive(Clone)]
pub struct RowsFilter<F> {
    pub filter: F,
    pub reader: Reader,
}

impl<F: ListFilter> ListFilter for RowsFilter<F> {
    type Page = RowsPage;
    const OPERATION: &'static str = F::OPERATION;
    const PATH: &'static str = F::PATH;
    fn fetch_as<P: DeserializeOwned>(
        &self,
        client: &zkbiotime::api::Client,
        page: i64,
        page_size: i64,
    ) -> impl Future<Output = PageAnswer<P>> + Send {
        READER.scope(self.reader, self.filter.fetch_as::<P>(client, page, page_size))
    }
}

/// A list page read into rows: the envelope as the spec's page type reads it (the same keys,
/// types and failures), `data` written row by row as it is read.
pub struct RowsPage {
    count: i64,
    next: Option<String>,
    code: Option<i64>,
    msg: Option<String>,
    rows: JsonRows,
    len: usize,
    ids: Option<(i64, i64)>,
}

impl ListPage for RowsPage {
    /// All the page's rows as one item (none for an empty page).
    type Item = JsonRows;
    fn count(&self) -> i64 {
        self.count
    }
    fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }
    fn code(&self) -> Option<i64> {
        self.code
    }
    fn msg(&self) -> Option<&str> {
        self.msg.as_deref()
    }
    fn into_data(self) -> Vec<JsonRows> {
        if self.len == 0 { Vec::new() } else { vec![self.rows] }
    }
    fn data_len(&self) -> usize {
        self.len
    }
    fn id_bounds(&self) -> Option<(i64, i64)> {
        self.ids
    }
}

impl<'de> Deserialize<'de> for RowsPage {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let reader = READER
            .try_with(|r| *r)
            .map_err(|_| de::Error::custom("a rows page read outside RowsFilter"))?;
        d.deserialize_map(Envelope(reader))
    }
}

struct Envelope(Reader);

impl<'de> Visitor<'de> for Envelope {
    type Value = RowsPage;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list page")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RowsPage, A::Error> {
        fn once<T, E: de::Error>(slot: &mut Option<T>, key: &'static str, v: T) -> Result<(), E> {
            match slot.replace(v) {
                Some(_) => Err(E::duplicate_field(key)),
                None => Ok(()),
            }
        }
        // The envelope's values are read under the core's decoding policy (`Loose`), as the
        // typed page's generated reader reads them: `"count": "7"`, `"next": 2`, `results`.
        let (mut count, mut next, mut previous, mut code, mut msg, mut data, mut results) =
            (None, None, None, None, None, None, None);
        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                "count" => once(&mut count, "count", map.next_value::<Loose<i64>>()?)?,
                "next" => once(&mut next, "next", map.next_value::<Loose<Option<String>>>()?)?,
                "previous" => {
                    once(&mut previous, "previous", map.next_value::<Loose<Option<String>>>()?)?
                }
                "code" => once(&mut code, "code", map.next_value::<Loose<Option<i64>>>()?)?,
                "msg" => once(&mut msg, "msg", map.next_value::<Loose<Option<String>>>()?)?,
                "data" => once(&mut data, "data", map.next_value_seed(Data(self.0))?)?,
                "results" if !zkbiotime::loose::is_strict() => {
                    once(&mut results, "results", map.next_value_seed(Data(self.0))?)?
                }
                // Read as the typed page's flattened `extra` reads it (so it fails alike),
                // then dropped: nothing here uses it.
                _ => drop(map.next_value::<Value>()?),
            }
        }
        let count = match count {
            Some(Loose::Unreadable(v)) => {
                return Err(de::Error::custom(format!("TransactionPage.count: no rule reads {v}")));
            }
            Some(read) => match read.into_read() {
                Some(n) => n,
                None => return Err(de::Error::missing_field("count")),
            },
            None => return Err(de::Error::missing_field("count")),
        };
        let (rows, len, ids) = data.or(results).ok_or_else(|| de::Error::missing_field("data"))?;
        Ok(RowsPage { count, next: read(next), code: read(code), msg: read(msg), rows, len, ids })
    }
}

/// An optional envelope value: empty when missing or unreadable.
fn read<T>(value: Option<Loose<Option<T>>>) -> Option<T> {
    value.and_then(Loose::into_read).flatten()
}

/// `data`: the records, each written as a row as soon as it is read.
struct Data(Reader);

impl<'de> DeserializeSeed<'de> for Data {
    type Value = (JsonRows, usize, Option<(i64, i64)>);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Data {
    type Value = (JsonRows, usize, Option<(i64, i64)>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Reader { shape, cx, typed_row } = self.0;
        let mut rows = RowsBuilder::new(shape.model);
        let mut order = Order::default();
        let mut entries = Vec::with_capacity(shape.fields.len() + 4);
        let (mut len, mut first, mut last) = (0, None, None);
        while seq.next_element_seed(Entries(&mut entries))?.is_some() {
            let id = entries.iter().find(|(k, _)| k == "id");
            let id = id.and_then(|(_, v)| v.get().parse::<i64>().ok());
            first = first.or(Some(id));
            last = Some(id);
            if write_row(shape, &entries, &cx, &mut order, rows.start_row()).is_none() {
                rows.discard_row();
                typed_row(&object_text(&entries), &cx, rows.start_row())
                    .map_err(de::Error::custom)?;
            }
            len += 1;
        }
        let ids = first.flatten().zip(last.flatten());
        Ok((rows.finish(), len, ids))
    }
}

/// One record's keys and values, in order, borrowed from the page's text where they can be.
type Pairs<'de> = Vec<(Cow<'de, str>, &'de RawValue)>;

struct Entries<'a, 'de>(&'a mut Pairs<'de>);

impl<'de> DeserializeSeed<'de> for Entries<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record (JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.clear();
        while let Some(Key(key)) = map.next_key()? {
            self.0.push((key, map.next_value()?));
        }
        Ok(())
    }
}

/// The record again as a JSON object, for the typed reader (same keys, same value texts).
fn object_text(entries: &Pairs) -> String {
    let mut text = String::from("{");
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(key).unwrap_or_default());
        text.push(':');
        text.push_str(value.get());
    }
    text.push('}');
    text
}

/// The position of each key in the previous record: servers write every record's keys in
/// one order, so a key is found with one comparison instead of a search.
#[derive(Default)]
struct Order(Vec<usize>);

/// `None`: something the typed reader must judge (nothing of the row is kept then).
fn write_row(
    shape: &Shape,
    entries: &Pairs,
    cx: &Cx,
    order: &mut Order,
    out: &mut Vec<u8>,
) -> Option<()> {
    let mut values: [Option<&RawValue>; 64] = [None; 64];
    if shape.fields.len() > values.len() {
        return None;
    }
    let mut unknown = Vec::new();
    for (position, (key, value)) in entries.iter().enumerate() {
        match order.field(shape, position, key) {
            Some(i) if values[i].is_some() => return None, // a key twice
            Some(i) => values[i] = Some(*value),
            None => unknown.push((key, *value)),
        }
    }
    out.push(b'[');
    for (&(_, kind, optional), value) in shape.fields.iter().zip(&values) {
        let value = value.map(|v| v.get()).filter(|v| *v != "null");
        match (value, kind) {
            (None, _) if !optional => return None,
            (None, Kind::Time) => out.extend_from_slice(b"null,null"),
            (None, _) => out.extend_from_slice(b"null"),
            (Some(v), Kind::Text) => write_text(v, out)?,
            // 255 is "not measured" in some number fields: the typed route knows which.
            (Some("255" | "255.0"), Kind::Int | Kind::Float) => return None,
            // Plain digits that fit are written back as they came; anything else as the
            // typed route writes the number it reads.
            (Some(v), Kind::Int) if small_integer(v) => out.extend_from_slice(v.as_bytes()),
            (Some(v), Kind::Int) => {
                let n: i64 = serde_json::from_str(v).ok()?;
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            }
            (Some(v), Kind::Float) if small_integer(v) => {
                out.extend_from_slice(v.as_bytes());
                out.extend_from_slice(b".0"); // as serde writes a whole f64
            }
            (Some(v), Kind::Float) => {
                let x: f64 = serde_json::from_str(v).ok()?;
                serde_json::to_writer(&mut *out, &x).ok()?;
            }
            (Some(v @ ("true" | "false")), Kind::Bool) => out.extend_from_slice(v.as_bytes()),
            (Some(_), Kind::Bool) => return None,
            (Some(v), Kind::Time) => {
                // Unescaped text gives unescaped ISO text (or itself, when it is not a time).
                let text = plain_text(v)?;
                out.push(b'"');
                cx.write_iso(text, &mut Utf8(out)).ok()?;
                out.extend_from_slice(b"\",");
                out.extend_from_slice(v.as_bytes());
            }
        }
        out.push(b',');
    }
    // `extra`: the keys the spec does not name, as the typed record's flattened map holds them.
    if unknown.is_empty() {
        out.extend_from_slice(b"{}");
    } else {
        let mut extra = Map::new();
        for (key, value) in unknown {
            extra.insert(key.to_string(), serde_json::from_str::<Value>(value.get()).ok()?);
        }
        serde_json::to_writer(&mut *out, &extra).ok()?;
    }
    out.push(b']');
    Some(())
}

impl Order {
    fn field(&mut self, shape: &Shape, position: usize, key: &str) -> Option<usize> {
        if let Some(&i) = self.0.get(position)
            && shape.fields.get(i).is_some_and(|f| f.0 == key)
        {
            return Some(i);
        }
        let i = shape.fields.iter().position(|f| f.0 == key)?;
        if position >= self.0.len() {
            self.0.resize(position + 1, usize::MAX);
        }
        self.0[position] = i;
        Some(i)
    }
}

/// Decimal digits (a `-` before them allowed, not `-0`) short enough for any i64, and
/// exactly representable as f64: what `itoa` and serde write back unchanged.
fn small_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() == 1 || !digits.starts_with('0'))
        && v != "-0"
}

/// `fmt::Write` into a byte buffer.
struct Utf8<'a>(&'a mut Vec<u8>);

impl fmt::Write for Utf8<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A JSON string without escapes, copied as it is; one with escapes is decoded and written
/// again (as the typed route writes it), which also rejects what serde rejects (a lone
/// surrogate).
fn write_text(v: &str, out: &mut Vec<u8>) -> Option<()> {
    if plain_text(v).is_some() {
        out.extend_from_slice(v.as_bytes());
    } else {
        let text: String = serde_json::from_str(v).ok()?;
        serde_json::to_writer(&mut *out, &text).ok()?;
    }
    Some(())
}

/// The content of a JSON string that has no escapes (control characters cannot be in it:
/// serde rejected them when it read the record).
fn plain_text(v: &str) -> Option<&str> {
    let inner = v.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

/// A key, borrowed unless it holds an escape.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}
