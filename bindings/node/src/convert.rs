//! Translation between JS values and the core's types: records out (field by field, see the
//! generated module), request bodies and filters in (JSON-compatible objects deserialised
//! into the core's spec types, unknown names rejected before any request).

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use zkbiotime::{Client, ServerTime, ServerZone};

use crate::error::{BindingError, Result};

/// What a record conversion needs from the client: the server's zone, if known.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cx {
    pub zone: Option<ServerZone>,
}

impl Cx {
    /// Server text → ISO 8601: with the zone's offset when the zone is known, without one
    /// otherwise. Text that is not a server time is passed on unchanged.
    pub fn iso(&self, text: &str) -> String {
        let mut out = String::with_capacity(25);
        self.write_iso(text, &mut out).expect("writing to a String");
        out
    }

    /// Writes what [`Cx::iso`] returns.
    pub fn write_iso(&self, text: &str, out: &mut impl fmt::Write) -> fmt::Result {
        match ServerTime::read(text, self.zone.as_ref()) {
            Ok(ServerTime::Zoned(t)) => out.write_str(&t.to_rfc3339()),
            Ok(ServerTime::Naive(t)) => write_naive_iso(&t, out),
            Err(_) => out.write_str(text),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS`, digit by digit: this runs for every time field of every punch,
/// and the `format!` it replaces was ~4% of a 200,000-punch pull's CPU (perf).
fn write_naive_iso(t: &chrono::NaiveDateTime, out: &mut impl fmt::Write) -> fmt::Result {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return write!(out, "{}", t.format("%Y-%m-%dT%H:%M:%S"));
    }
    let mut text = *b"0000-00-00T00:00:00";
    let mut put = |at: usize, width: usize, value: u32| {
        for (i, digit) in text[at..at + width].iter_mut().rev().enumerate() {
            *digit = b'0' + (value / 10u32.pow(i as u32) % 10) as u8;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    put(17, 2, t.second());
    out.write_str(std::str::from_utf8(&text).expect("ASCII digits"))
}

/// A page of core records as JSON rows, for `JSON.parse` on the JS thread and the
/// record type's decoder in `lib/rows.generated.js`: V8 builds the objects that way several times
/// faster than napi sets them property by property, and the text is made on a runtime
/// thread. Implemented by the generated module for every record: `None` for one that holds
/// a `Secret`, which must reach JS as a `Secret` object.
pub trait AsJson: Sized {
    fn json_rows(items: &[Self], cx: &Cx) -> Option<JsonRows>;
}

/// Records of one type as JSON rows, in arrays of at most about [`JsonRows::CHUNK`] bytes each.
pub struct JsonRows {
    /// The record type: which decoder of `lib/rows.generated.js` makes them records.
    pub model: &'static str,
    /// Each a JSON array of rows (UTF-8).
    pub chunks: Vec<Vec<u8>>,
}

impl JsonRows {
    /// V8 puts a string over 128 KiB in a fresh large-object page of its own (an mmap and a
    /// page fault per 4 KiB as it is filled, ~6% of a 200,000-punch pull's JS thread);
    /// smaller ones go in its young generation, whose pages are reused.
    pub const CHUNK: usize = 64 * 1024;

    /// Each item's row, written by `row` (the generated module writes the record's values in
    /// the order `lib/rows.generated.js` reads them).
    pub fn new<T>(
        model: &'static str,
        items: &[T],
        row: impl Fn(&T, &mut Row<'_>) -> serde_json::Result<()>,
    ) -> Option<Self> {
        let mut rows = RowsBuilder::new(model);
        for item in items {
            let mut writer = Row { out: rows.start_row(), first: true };
            writer.out.push(b'[');
            row(item, &mut writer).ok()?;
            writer.out.push(b']');
        }
        Some(rows.finish())
    }

    /// The text of the only row, when there is exactly one chunk holding one row.
    pub fn single_row(&self) -> Option<&[u8]> {
        match self.chunks.as_slice() {
            [chunk] => chunk.get(1..chunk.len().checked_sub(1)?).filter(|row| !row.is_empty()),
            _ => None,
        }
    }
}

/// Writes rows into chunks of about [`JsonRows::CHUNK`] bytes, one row at a time.
pub struct RowsBuilder {
    model: &'static str,
    chunks: Vec<Vec<u8>>,
    chunk: Vec<u8>,
}

impl RowsBuilder {
    pub fn new(model: &'static str) -> Self {
        Self { model, chunks: Vec::new(), chunk: Vec::new() }
    }

    /// The buffer to write the next row's JSON into (closes the chunk it fills first).
    pub fn start_row(&mut self) -> &mut Vec<u8> {
        self.end_row();
        if self.chunk.len() >= JsonRows::CHUNK {
            self.chunk.push(b']');
            self.chunks.push(std::mem::take(&mut self.chunk));
        }
        if self.chunk.capacity() == 0 {
            // Room for a chunk and the row that ends it: grown by doubling, a chunk's bytes
            // were copied about once more (memmove was ~8 % of a pull's runtime threads).
            self.chunk.reserve(JsonRows::CHUNK + JsonRows::CHUNK / 8);
        }
        self.chunk.push(if self.chunk.is_empty() { b'[' } else { b',' });
        &mut self.chunk
    }

    /// Drops the `null`s that end the row just written (`[{},7,"a",null,null]` → `[{},7,"a"]`):
    /// `lib/rows.generated.js` reads a slot past the end as an absent option, and a 9.0 punch
    /// ends with the six options only 8.x and 9.5 send, a seventh of its text for V8 to parse.
    fn end_row(&mut self) {
        let Some(last) = self.chunk.len().checked_sub(1) else { return };
        if self.chunk[last] != b']' {
            return; // no row yet: the chunk's opening `[`
        }
        // Within the row: its own `[` ends the scan before the row separator is reached.
        let mut end = last;
        while self.chunk[..end].ends_with(b",null") {
            end -= b",null".len();
        }
        if end < last {
            self.chunk.truncate(end);
            self.chunk.push(b']');
        }
    }

    pub fn finish(mut self) -> JsonRows {
        self.end_row();
        if self.chunks.is_empty() && self.chunk.is_empty() {
            self.chunk.push(b'['); // no records: one empty array
        }
        if !self.chunk.is_empty() {
            self.chunk.push(b']');
            self.chunks.push(self.chunk);
        }
        JsonRows { model: self.model, chunks: self.chunks }
    }
}

/// Whether `bytes` hold a control character, `"` or `\` (what JSON escapes), eight bytes at a
/// time (a short text in one or two loads): tested byte by byte, it was ~9 % of the addon's
/// instructions on a punch pull, most of it on texts under 20 bytes.
#[inline]
fn needs_escape(bytes: &[u8]) -> bool {
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    let half = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"));
    match bytes.len() {
        0 => false,
        // Bytes 0, n/2 and n-1 cover a text of 1 to 3; spaces fill the rest of the word.
        n @ 1..=3 => special(u64::from_le_bytes([
            bytes[0],
            bytes[n / 2],
            bytes[n - 1],
            b' ',
            b' ',
            b' ',
            b' ',
            b' ',
        ])),
        // Two four-byte loads that may overlap.
        n @ 4..=7 => special(u64::from(half(0)) | u64::from(half(n - 4)) << 32),
        // Every whole word, then the last eight bytes (overlapping the last whole word).
        n => (0..n / 8).any(|i| special(word(i * 8))) || (n % 8 != 0 && special(word(n - 8))),
    }
}

/// Whether one of the eight bytes of `word` is below 0x20, `"` or `\`.
#[inline]
fn special(word: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of some byte is set iff a byte of `word` is below `n` (`n` <= 0x80).
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH != 0;
    below(word, 0x20)
        || below(word ^ (ONES * u64::from(b'"')), 1)
        || below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// One row being written: its values, comma-separated, as JSON text.
pub struct Row<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Row<'_> {
    /// Appends the next value of the row.
    #[inline]
    pub fn put(&mut self, value: &(impl RowValue + ?Sized)) -> serde_json::Result<()> {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
        value.write_json(self.out)
    }
}

/// A value written into a row as JSON text. Text, numbers, flags and `null` (every field of a
/// punch) are written here directly: through serde's serializer (a tuple of views, string
/// escapes by table, times through `fmt`) the rows took 0.93 G instructions of a
/// 200,000-punch pull, now 0.80 G (callgrind). Anything else goes through serde (`Ser`).
pub trait RowValue {
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()>;
}

impl RowValue for str {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.reserve(self.len() + 2);
        out.push(b'"');
        write_str_contents(self, out)?;
        out.push(b'"');
        Ok(())
    }
}

/// `text` as the inside of a JSON string. Codes, names and times need no escapes and are
/// copied as they are; anything else is escaped by serde, so the text is the same either way.
#[inline]
fn write_str_contents(text: &str, out: &mut Vec<u8>) -> serde_json::Result<()> {
    if !needs_escape(text.as_bytes()) {
        out.extend_from_slice(text.as_bytes());
    } else {
        let quoted = serde_json::to_vec(text)?;
        out.extend_from_slice(&quoted[1..quoted.len() - 1]);
    }
    Ok(())
}

impl RowValue for zkbiotime::Text {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.as_str().write_json(out)
    }
}

impl RowValue for String {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.as_str().write_json(out)
    }
}

impl RowValue for i64 {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(itoa::Buffer::new().format(*self).as_bytes());
        Ok(())
    }
}

impl RowValue for f64 {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, self) // serde's float text (and `null` for NaN)
    }
}

impl RowValue for bool {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
        Ok(())
    }
}

impl<T: RowValue> RowValue for Option<T> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match self {
            Some(value) => value.write_json(out),
            None => {
                out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }
}

impl<T: RowValue> RowValue for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.push(b'[');
        for (i, value) in self.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            value.write_json(out)?;
        }
        out.push(b']');
        Ok(())
    }
}

/// `extra`: almost always empty.
impl RowValue for Map<String, Value> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        if self.is_empty() {
            out.extend_from_slice(b"{}");
            Ok(())
        } else {
            serde_json::to_writer(out, self)
        }
    }
}

/// A serde view (a nested record, a list of them, a date) written into a row by serde.
pub struct Ser<T>(pub T);

impl<T: Serialize> RowValue for Ser<T> {
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, &self.0)
    }
}

impl RowValue for IsoJson<'_> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        /// The pieces of the time as one JSON string's contents (a time that is not one is
        /// passed on as the server wrote it, quotes and all).
        struct Escaped<'a>(&'a mut Vec<u8>);
        impl fmt::Write for Escaped<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                write_str_contents(s, self.0).map_err(|_| fmt::Error)
            }
        }
        out.push(b'"');
        let (text, cx) = (self.0, self.1);
        cx.write_iso(text, &mut Escaped(out)).map_err(serde::ser::Error::custom)?;
        out.push(b'"');
        Ok(())
    }
}

/// A server time serialised as [`Cx::iso`] text, without the intermediate `String`.
pub struct IsoJson<'a>(pub &'a str, pub &'a Cx);

impl Serialize for IsoJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct Text<'a>(&'a IsoJson<'a>);
        impl fmt::Display for Text<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.1.write_iso(self.0.0, f)
            }
        }
        s.collect_str(&Text(self))
    }
}

/// A value serialised as its `Display` text (what `to_string()` gives the napi object).
pub struct DisplayJson<'a, T>(pub &'a T);

impl<T: fmt::Display> Serialize for DisplayJson<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// A JSON array of `items`, each serialised through the view `F` makes of it.
pub struct JsonSeq<'a, T, F>(pub &'a [T], pub F);

impl<'a, T, F, V> Serialize for JsonSeq<'a, T, F>
where
    F: Fn(&'a T) -> V,
    V: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(&self.1))
    }
}

/// A binding record built from a core value.
pub trait FromCore<T> {
    fn from_core(value: T, cx: &Cx) -> Self;
}

/// A JS object → a request body of the spec. `extra` holds custom attributes (sent as
/// top-level keys); the core checks the names (`zkbiotime::input`), so a typo never reaches
/// the server and the message reads as in every language.
pub fn input<T: zkbiotime::input::Body>(value: Value) -> Result<T> {
    let Value::Object(mut fields) = value else {
        return Err(BindingError::invalid(format!("{} must be an object", T::NAME)));
    };
    let extra = match fields.remove("extra") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(extra)) => extra,
        Some(_) => {
            return Err(BindingError::invalid(format!("{}.extra must be an object", T::NAME)));
        }
    };
    Ok(zkbiotime::input::body(fields, extra)?)
}

/// A JS object of filters → the core's filter type; the core checks the names and turns
/// zone-aware times (what the JS wrapper makes of a `Date`) into server-local text.
pub fn filter<F: DeserializeOwned>(value: Option<Value>, what: &str, client: &Client) -> Result<F> {
    let map = match value {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(BindingError::invalid(format!("{what} filters must be an object"))),
    };
    Ok(zkbiotime::input::filter(what, map, client.server_zone())?)
}

#[cfg(test)]
mod tests {
    use super::{Cx, needs_escape};

    #[test]
    fn iso_text_of_a_server_time() {
        let cx = Cx::default();
        assert_eq!(cx.iso("2024-06-23 09:50:00"), "2024-06-23T09:50:00");
        assert_eq!(cx.iso("2024-06-23T09:50:00"), "2024-06-23T09:50:00");
        assert_eq!(cx.iso(" 2024-06-23 09:50:00 "), "2024-06-23T09:50:00");
        assert_eq!(cx.iso("2024-06-23 09:50"), "2024-06-23T09:50:00");
        // Not a time (month 13): passed on as the server wrote it.
        assert_eq!(cx.iso("2024-13-23 09:50:00"), "2024-13-23 09:50:00");
        assert_eq!(cx.iso("soon"), "soon");
    }

    /// Every length from 0 to 40 with each byte JSON escapes (and a few it does not) at every
    /// position, against the byte-by-byte rule.
    #[test]
    fn needs_escape_agrees_with_the_byte_rule() {
        let plain = "abcdefghijklmnopqrstuvwxyz0123456789ÄÖ ~".as_bytes();
        let rule = |b: &[u8]| b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
        for len in 0..=40 {
            let base = &plain[..len.min(plain.len())];
            assert_eq!(needs_escape(base), rule(base), "{base:?}");
            for at in 0..base.len() {
                for odd in [0x00, 0x01, 0x1f, b'"', b'\\', 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xff]
                {
                    let mut text = base.to_vec();
                    text[at] = odd;
                    assert_eq!(needs_escape(&text), rule(&text), "{text:?}");
                }
            }
        }
    }
}
