//! The decoding policy for server answers (ADR 0003): read every form the field sends.
//!
//! BioTime 8.0 to 9.5 disagree with the spec and with each other about JSON types: numbers
//! as strings, `"-"` / `""` / `"No"` sentinels, flags as `0`/`1`, relations as a bare id,
//! an object or a list of either. A nightly import must not stop because one device sent
//! `"is_mask": "-"`, so every field of a record is read through [`Loose`]:
//!
//! - a value in a form a rule reads becomes the typed value (`"15"` → `15`, `"-"` → `None`);
//! - a value no rule reads leaves the typed field empty and is kept, as the server sent
//!   it, in the record's `extra` map under the field's own name (logged once per record
//!   type, field and JSON form, never per record);
//! - a required field that is missing or unreadable is still an error, like an answer that
//!   is not JSON or has no record list.
//!
//! The generated readers (`Deserialize` of every record and page type, written by `cargo
//! xtask codegen`) read one `Loose<T>` per field, then call [`required`] and [`optional`]
//! below. With
//! [`strict`](crate::ClientBuilder::strict) every `Loose<T>` reads exactly as `T` does,
//! which is the behaviour before this policy.

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Mutex;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

thread_local! {
    /// Set around one answer's decoding (it never awaits): strict clients read as the spec says.
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a synchronous decode) with the strict flag set as given (public for the
/// benchmark that compares the two readings).
#[doc(hidden)]
pub fn decoding<R>(strict: bool, f: impl FnOnce() -> R) -> R {
    set_around(&STRICT, strict, f)
}

/// Runs `f` with the thread-local `cell` set to `value`, restoring it after.
fn set_around<T: Copy, R>(
    cell: &'static std::thread::LocalKey<Cell<T>>,
    value: T,
    f: impl FnOnce() -> R,
) -> R {
    let before = cell.replace(value);
    let out = f();
    cell.set(before);
    out
}

thread_local! {
    /// Set around one answer's decoding: the records a list page was asked for (0: unknown).
    static LIST_CAPACITY: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` (a synchronous decode) knowing that a list page holds up to `records` records,
/// so its record list is allocated once (`RecordList`).
pub(crate) fn decoding_list<R>(records: usize, f: impl FnOnce() -> R) -> R {
    set_around(&LIST_CAPACITY, records, f)
}

/// Reads a page's record list (`null` as `None`) into a `Vec` allocated for the records the
/// page was asked for: grown by doubling, the ~700 KB list of a 1,000-punch page was copied
/// about once more (~1.6 % of a Node pull's instructions).
#[doc(hidden)]
pub struct RecordList<T>(PhantomData<T>);

impl<T> RecordList<T> {
    #[inline]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        RecordList(PhantomData)
    }
}

/// What one page's list may reserve up front: a server that sends fewer (the last page)
/// leaves the rest unused until the page is dropped, so it is bounded.
const LIST_RESERVE_BYTES: usize = 8 << 20;

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for RecordList<T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Vec<T>>, D::Error> {
        struct Records<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Records<T> {
            type Value = Option<Vec<T>>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_seq(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let most = LIST_RESERVE_BYTES / std::mem::size_of::<T>().max(1);
                let mut items = Vec::with_capacity(LIST_CAPACITY.get().min(most));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Some(items))
            }
        }
        d.deserialize_option(Records(PhantomData))
    }
}

/// Whether the answer being decoded is read strictly (the generated readers ask).
#[doc(hidden)]
pub fn is_strict() -> bool {
    STRICT.get()
}

/// One field of a record as it came over the wire.
#[doc(hidden)]
#[derive(Debug, Default)]
pub enum Loose<T> {
    /// The key was not in the answer.
    #[default]
    Missing,
    /// Read, in the spec's form or one of the forms the policy reads.
    Read(T),
    /// An id read from a nested object (`{"id": 2, "dept_name": …}` where the spec has an
    /// id): the object comes along so that its name is not lost.
    Related(Box<(T, Map<String, Value>)>),
    /// No rule reads it: the server's value, kept for the record's `extra`.
    Unreadable(Box<Value>),
}

impl<T> Loose<T> {
    /// The rare variants are boxed: a record reader holds one `Loose` per field, and
    /// a small `Loose` keeps it (and every move of it) small on the hot path.
    fn unreadable(raw: Value) -> Self {
        Loose::Unreadable(Box::new(raw))
    }

    /// Whether the key was absent (so far: readers use it to refuse a key sent twice).
    #[inline]
    pub fn is_missing(&self) -> bool {
        matches!(self, Loose::Missing)
    }

    /// Stores the value read for a field found missing just before. An assignment would drop
    /// the old value first, and that drop was an out-of-line call per field of every record
    /// (~1 % of a punch pull's instructions) for a value that holds nothing.
    #[inline(always)]
    pub fn fill(&mut self, value: Loose<T>) {
        debug_assert!(self.is_missing());
        std::mem::forget(std::mem::replace(self, value));
    }

    /// The value read, if a rule read one (the related object, if any, dropped).
    #[inline]
    pub fn into_read(self) -> Option<T> {
        match self {
            Loose::Read(v) => Some(v),
            Loose::Related(related) => Some(related.0),
            Loose::Missing | Loose::Unreadable(_) => None,
        }
    }

    #[inline(always)]
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Loose<U> {
        match self {
            Loose::Missing => Loose::Missing,
            Loose::Read(v) => Loose::Read(f(v)),
            Loose::Related(related) => {
                let (v, object) = *related;
                Loose::Related(Box::new((f(v), object)))
            }
            Loose::Unreadable(raw) => Loose::Unreadable(raw),
        }
    }
}

/// A record's key, borrowed from the answer when it has no escapes (the readers that
/// `cargo xtask codegen` writes match on it without allocating).
#[doc(hidden)]
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    #[inline]
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            #[inline]
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            #[inline]
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            #[inline]
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// How a type reads each JSON form. Every method defaults to "no rule reads it".
#[doc(hidden)]
pub trait Lenient: DeserializeOwned {
    /// Text types keep `""` and `"-"` as the text they are; for other types they mean "no value".
    const TEXT: bool = false;
    /// Secrets are never kept as raw values (they would reach `extra`, which is printed).
    const SECRET: bool = false;

    #[inline]
    fn from_null() -> Loose<Self> {
        Loose::unreadable(Value::Null)
    }
    #[inline]
    fn from_bool(v: bool) -> Loose<Self> {
        Loose::unreadable(Value::Bool(v))
    }
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        Loose::unreadable(Value::from(v))
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        Loose::unreadable(Value::from(v))
    }
    #[inline]
    fn from_f64(v: f64) -> Loose<Self> {
        Loose::unreadable(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        Loose::unreadable(Value::String(v.to_owned()))
    }
    #[inline]
    fn from_string(v: String) -> Loose<Self> {
        Self::from_str(&v)
    }
    fn from_object(v: Map<String, Value>) -> Loose<Self> {
        Loose::unreadable(Value::Object(v))
    }
    fn from_array(v: Vec<Value>) -> Loose<Self> {
        Loose::unreadable(Value::Array(v))
    }
}

impl<'de, T: Lenient> Deserialize<'de> for Loose<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if STRICT.get() {
            return T::deserialize(d).map(Loose::Read);
        }
        d.deserialize_any(LooseVisitor(PhantomData))
    }
}

/// Reads one field as `Loose<T>` with the strict flag the reader looked up once per record
/// (a thread-local read per field is measurable over a million punches).
#[doc(hidden)]
pub struct ReadField<T> {
    strict: bool,
    ty: PhantomData<T>,
}

impl<T> ReadField<T> {
    #[inline]
    pub fn new(strict: bool) -> Self {
        ReadField { strict, ty: PhantomData }
    }
}

impl<'de, T: Lenient> serde::de::DeserializeSeed<'de> for ReadField<T> {
    type Value = Loose<T>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Loose<T>, D::Error> {
        if self.strict {
            return T::deserialize(d).map(Loose::Read);
        }
        d.deserialize_any(LooseVisitor(PhantomData))
    }
}

struct LooseVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for LooseVisitor<T> {
    type Value = Loose<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    #[inline]
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(T::from_null())
    }
    #[inline]
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(T::from_null())
    }
    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    #[inline]
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(v))
    }
    #[inline]
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(T::from_i64(v))
    }
    #[inline]
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(T::from_u64(v))
    }
    #[inline]
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(T::from_f64(v))
    }
    #[inline]
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::from_str(v))
    }
    #[inline]
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(T::from_string(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(T::from_object(Map::deserialize(MapAccessDeserializer::new(map))?))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(T::from_array(Vec::deserialize(SeqAccessDeserializer::new(seq))?))
    }
}

/// `""`, `"-"`, `"null"` and `"None"` in a field that is not text: no value.
fn is_blank(v: &str) -> bool {
    matches!(v.trim(), "" | "-" | "null" | "None" | "none")
}

fn text(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// The integer in `"15"`, `" 15 "`, `"15.0"`, `"Yes"` / `"No"`, `"true"` / `"false"`.
fn int_in(v: &str) -> Option<i64> {
    let v = v.trim();
    if let Ok(n) = v.parse::<i64>() {
        return Some(n);
    }
    if let Some(flag) = flag_in(v) {
        return Some(flag.into());
    }
    v.parse::<f64>().ok().and_then(int_of)
}

fn int_of(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64).then_some(v as i64)
}

fn flag_in(v: &str) -> Option<bool> {
    match v.trim() {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "Y" | "y" => Some(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "N" | "n" => Some(false),
        _ => None,
    }
}

impl Lenient for i64 {
    #[inline]
    fn from_bool(v: bool) -> Loose<Self> {
        Loose::Read(v.into())
    }
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        Loose::Read(v)
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        i64::try_from(v).map_or_else(|_| Loose::unreadable(Value::from(v)), Loose::Read)
    }
    #[inline]
    fn from_f64(v: f64) -> Loose<Self> {
        int_of(v).map_or_else(|| Loose::unreadable(Value::from(v)), Loose::Read)
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        int_in(v).map_or_else(|| Loose::unreadable(text(v)), Loose::Read)
    }
    /// A relation sent as an object where the spec has its id (9.5's `parent_dept`).
    fn from_object(v: Map<String, Value>) -> Loose<Self> {
        let id = match v.get("id") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        match id {
            Some(id) => Loose::Related(Box::new((id, v))),
            None => Loose::unreadable(Value::Object(v)),
        }
    }
    /// A one-element list where one id is expected.
    fn from_array(v: Vec<Value>) -> Loose<Self> {
        match <[Value; 1]>::try_from(v) {
            Ok([one]) => decode_value::<i64>(one),
            Err(v) => Loose::unreadable(Value::Array(v)),
        }
    }
}

impl Lenient for f64 {
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        Loose::Read(v as f64)
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        Loose::Read(v as f64)
    }
    #[inline]
    fn from_f64(v: f64) -> Loose<Self> {
        Loose::Read(v)
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Loose::Read(x),
            _ => Loose::unreadable(text(v)),
        }
    }
}

impl Lenient for bool {
    #[inline]
    fn from_bool(v: bool) -> Loose<Self> {
        Loose::Read(v)
    }
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        match v {
            0 | 1 => Loose::Read(v == 1),
            _ => Loose::unreadable(Value::from(v)),
        }
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        i64::try_from(v).map_or_else(|_| Loose::unreadable(Value::from(v)), Self::from_i64)
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        match (flag_in(v), v.trim()) {
            (Some(flag), _) => Loose::Read(flag),
            (None, "1") => Loose::Read(true),
            (None, "0") => Loose::Read(false),
            _ => Loose::unreadable(text(v)),
        }
    }
}

impl Lenient for String {
    const TEXT: bool = true;

    #[inline]
    fn from_bool(v: bool) -> Loose<Self> {
        Loose::Read(v.to_string())
    }
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        Loose::Read(v.to_string())
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        Loose::Read(v.to_string())
    }
    #[inline]
    fn from_f64(v: f64) -> Loose<Self> {
        Loose::Read(Value::from(v).to_string())
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        Loose::Read(v.to_owned())
    }
    #[inline]
    fn from_string(v: String) -> Loose<Self> {
        Loose::Read(v)
    }
}

/// Record text fields (see [`crate::Text`]): `String`'s rules, one place for them. Text
/// itself (the hot path) goes straight in, as `String` keeps it; the rarer forms borrow
/// `String`'s reading.
impl Lenient for crate::Text {
    const TEXT: bool = true;

    #[inline]
    fn from_bool(v: bool) -> Loose<Self> {
        String::from_bool(v).map(Self::from)
    }
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        String::from_i64(v).map(Self::from)
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        String::from_u64(v).map(Self::from)
    }
    #[inline]
    fn from_f64(v: f64) -> Loose<Self> {
        String::from_f64(v).map(Self::from)
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        Loose::Read(v.into())
    }
    #[inline]
    fn from_string(v: String) -> Loose<Self> {
        Loose::Read(v.into())
    }
}

impl Lenient for crate::Secret {
    const TEXT: bool = true;
    const SECRET: bool = true;

    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        Loose::Read(Self::new(v.to_string()))
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        Loose::Read(Self::new(v.to_string()))
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        Loose::Read(Self::new(v))
    }
    #[inline]
    fn from_string(v: String) -> Loose<Self> {
        Loose::Read(Self::new(v))
    }
}

impl Lenient for chrono::NaiveDate {
    /// `YYYY-MM-DD`, or the date of `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DDTHH:MM:SS`.
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        let t = v.trim();
        let day = match t.as_bytes().get(10) {
            Some(b' ' | b'T') => &t[..10],
            _ => t,
        };
        chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_or_else(|_| Loose::unreadable(text(v)), Loose::Read)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    const TEXT: bool = T::TEXT;
    const SECRET: bool = T::SECRET;

    #[inline]
    fn from_null() -> Loose<Self> {
        Loose::Read(None)
    }
    #[inline]
    fn from_bool(v: bool) -> Loose<Self> {
        T::from_bool(v).map(Some)
    }
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        T::from_i64(v).map(Some)
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        T::from_u64(v).map(Some)
    }
    #[inline]
    fn from_f64(v: f64) -> Loose<Self> {
        T::from_f64(v).map(Some)
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        if !T::TEXT && is_blank(v) {
            return Loose::Read(None);
        }
        T::from_str(v).map(Some)
    }
    #[inline]
    fn from_string(v: String) -> Loose<Self> {
        if !T::TEXT && is_blank(&v) {
            return Loose::Read(None);
        }
        T::from_string(v).map(Some)
    }
    fn from_object(v: Map<String, Value>) -> Loose<Self> {
        T::from_object(v).map(Some)
    }
    fn from_array(v: Vec<Value>) -> Loose<Self> {
        // `[]` where one relation is expected: none.
        if v.is_empty() {
            return Loose::Read(None);
        }
        T::from_array(v).map(Some)
    }
}

/// Lists of relations: a list of ids or objects, one id or object, `"1,2"`, or null.
impl<T: Lenient> Lenient for Vec<T> {
    #[inline]
    fn from_null() -> Loose<Self> {
        Loose::Read(Vec::new())
    }
    #[inline]
    fn from_i64(v: i64) -> Loose<Self> {
        T::from_i64(v).map(|one| vec![one])
    }
    #[inline]
    fn from_u64(v: u64) -> Loose<Self> {
        T::from_u64(v).map(|one| vec![one])
    }
    #[inline]
    fn from_str(v: &str) -> Loose<Self> {
        if is_blank(v) {
            return Loose::Read(Vec::new());
        }
        let parts: Vec<Value> = v.split(',').map(|p| Value::String(p.trim().to_owned())).collect();
        match Self::from_array(parts) {
            Loose::Unreadable(_) => Loose::Unreadable(Box::new(text(v))),
            read => read,
        }
    }
    fn from_object(v: Map<String, Value>) -> Loose<Self> {
        T::from_object(v).map(|one| vec![one])
    }
    fn from_array(v: Vec<Value>) -> Loose<Self> {
        let mut out = Vec::with_capacity(v.len());
        for item in &v {
            match Loose::<T>::deserialize(item).map(Loose::into_read) {
                Ok(Some(one)) => out.push(one),
                _ => return Loose::unreadable(Value::Array(v)),
            }
        }
        Loose::Read(out)
    }
}

/// Reads an owned JSON value as `T` under the policy.
fn decode_value<T: Lenient>(v: Value) -> Loose<T> {
    match Loose::<T>::deserialize(&v) {
        Ok(read @ (Loose::Read(_) | Loose::Related(..))) => read,
        _ => Loose::unreadable(v),
    }
}

/// A record nested in another (`department`, `area`, `parent_area`): an object read with
/// the record's own wire rules, or a bare id (`"department": 3`, as 8.x sends it) read as
/// a record with only its id.
#[doc(hidden)]
pub fn nested_from_object<T: DeserializeOwned>(v: Map<String, Value>) -> Loose<T> {
    let v = Value::Object(v);
    match T::deserialize(&v) {
        Ok(record) => Loose::Read(record),
        Err(_) => Loose::unreadable(v),
    }
}

#[doc(hidden)]
pub fn nested_from_id<T: DeserializeOwned>(id: Value) -> Loose<T> {
    let id = match &id {
        Value::Number(n) if n.is_i64() => id,
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => return Loose::unreadable(id),
        },
        _ => return Loose::unreadable(id),
    };
    let mut object = Map::new();
    object.insert("id".into(), id.clone());
    match T::deserialize(Value::Object(object)) {
        Ok(record) => Loose::Read(record),
        Err(_) => Loose::unreadable(id),
    }
}

/// `Lenient` for a record type of the spec (used by the generated code).
#[doc(hidden)]
#[macro_export]
macro_rules! lenient_record {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::loose::Lenient for $ty {
            #[inline]
            fn from_i64(v: i64) -> $crate::loose::Loose<Self> {
                $crate::loose::nested_from_id(v.into())
            }
            #[inline]
            fn from_u64(v: u64) -> $crate::loose::Loose<Self> {
                $crate::loose::nested_from_id(v.into())
            }
            #[inline]
            fn from_str(v: &str) -> $crate::loose::Loose<Self> {
                $crate::loose::nested_from_id(::serde_json::Value::String(v.to_owned()))
            }
            fn from_object(
                v: ::serde_json::Map<String, ::serde_json::Value>,
            ) -> $crate::loose::Loose<Self> {
                $crate::loose::nested_from_object(v)
            }
        }
    )*};
}

/// A required field: missing or unreadable is an error for the record.
#[doc(hidden)]
#[inline(always)]
pub fn required<T: Lenient>(
    record: &'static str,
    field: &'static str,
    value: Loose<T>,
    extra: &mut Map<String, Value>,
) -> Result<T, String> {
    match value {
        Loose::Read(v) => Ok(v),
        other => required_rare(record, field, other, extra),
    }
}

/// `required` off the hot path (every field of every punch goes through the one above).
#[cold]
#[inline(never)]
fn required_rare<T: Lenient>(
    record: &'static str,
    field: &'static str,
    value: Loose<T>,
    extra: &mut Map<String, Value>,
) -> Result<T, String> {
    match value {
        Loose::Read(v) => Ok(v),
        Loose::Related(related) => {
            let (v, object) = *related;
            keep_name(field, object, extra);
            Ok(v)
        }
        Loose::Missing => Err(format!("missing field `{field}`")),
        Loose::Unreadable(raw) => {
            Err(format!("{record}.{field}: no rule reads {}", describe(&raw, T::SECRET)))
        }
    }
}

/// An optional field (an `Option` or a list): missing or unreadable leaves it empty; an
/// unreadable value is kept in `extra` under the field's name and logged once.
#[doc(hidden)]
#[inline(always)]
pub fn optional<T: Lenient + Default>(
    record: &'static str,
    field: &'static str,
    value: Loose<T>,
    extra: &mut Map<String, Value>,
) -> T {
    match value {
        Loose::Read(v) => v,
        Loose::Missing => T::default(),
        other => optional_rare(record, field, other, extra),
    }
}

/// `optional` off the hot path.
#[cold]
#[inline(never)]
fn optional_rare<T: Lenient + Default>(
    record: &'static str,
    field: &'static str,
    value: Loose<T>,
    extra: &mut Map<String, Value>,
) -> T {
    match value {
        Loose::Read(v) => v,
        Loose::Related(related) => {
            let (v, object) = *related;
            keep_name(field, object, extra);
            v
        }
        Loose::Missing => T::default(),
        Loose::Unreadable(raw) => {
            warn_once(record, field, form(&raw));
            if !T::SECRET {
                extra.insert(field.to_owned(), *raw);
            }
            T::default()
        }
    }
}

/// The name of a relation that came as an object where the spec has its id: kept beside
/// it as `<field>_name`, the way 8.x sends it (`parent_dept` + `parent_dept_name`).
fn keep_name(field: &str, object: Map<String, Value>, extra: &mut Map<String, Value>) {
    let name = object.into_iter().find(|(k, v)| k.ends_with("_name") && v.is_string());
    if let Some((_, name)) = name {
        extra.entry(format!("{field}_name")).or_insert(name);
    }
}

/// `Some(v)` unless `v` is the field's "not measured" sentinel (`255` in `temperature`).
#[doc(hidden)]
#[inline]
pub fn measured<T: Measured>(value: Option<T>, sentinel: f64) -> Option<T> {
    value.filter(|v| !v.is(sentinel))
}

/// Numbers that can carry a "not measured" sentinel.
#[doc(hidden)]
pub trait Measured: Copy {
    fn is(self, sentinel: f64) -> bool;
}

impl Measured for i64 {
    fn is(self, sentinel: f64) -> bool {
        self as f64 == sentinel
    }
}

impl Measured for f64 {
    fn is(self, sentinel: f64) -> bool {
        self == sentinel
    }
}

fn form(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short description of an unreadable value for an error message (never a secret).
fn describe(v: &Value, secret: bool) -> String {
    if secret {
        return format!("a {} (a secret: not shown)", form(v));
    }
    let mut shown = v.to_string();
    if shown.len() > 40 {
        let cut = (0..=40).rev().find(|i| shown.is_char_boundary(*i)).unwrap_or(0);
        shown.truncate(cut);
        shown.push('…');
    }
    format!("the {} {shown}", form(v))
}

/// (record type, field, JSON form) already warned about.
type Warned = HashSet<(&'static str, &'static str, &'static str)>;

static WARNED: Mutex<Option<Warned>> = Mutex::new(None);

/// One warning per record type, field and JSON form for the life of the process.
fn warn_once(record: &'static str, field: &'static str, form: &'static str) {
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if warned.get_or_insert_with(HashSet::new).insert((record, field, form)) {
        tracing::warn!(
            record,
            field,
            form,
            "zkbiotime: a {form} in `{record}.{field}` is not a form the client reads; \
             the field is left empty and the value kept in `extra[\"{field}\"]`"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: Lenient>(json: &str) -> Loose<T> {
        let v: Value = serde_json::from_str(json).unwrap();
        Loose::<T>::deserialize(&v).unwrap()
    }

    fn value<T: Lenient + fmt::Debug>(json: &str) -> T {
        match read::<T>(json) {
            Loose::Read(v) => v,
            Loose::Related(related) => related.0,
            other => panic!("{json} was not read: {other:?}"),
        }
    }

    fn unreadable<T: Lenient + fmt::Debug>(json: &str) {
        assert!(matches!(read::<T>(json), Loose::Unreadable(_)), "{json} was read");
    }

    #[test]
    fn numbers_in_every_form() {
        assert_eq!(value::<Option<i64>>(r#""15""#), Some(15));
        assert_eq!(value::<Option<i64>>("1.0"), Some(1));
        assert_eq!(value::<Option<i64>>(r#""-""#), None);
        assert_eq!(value::<Option<i64>>(r#""""#), None);
        assert_eq!(value::<Option<i64>>(r#""No""#), Some(0));
        assert_eq!(value::<Option<i64>>(r#""Yes""#), Some(1));
        assert_eq!(value::<Option<i64>>("true"), Some(1));
        assert_eq!(value::<Option<i64>>(r#"{"id": 2, "dept_name": "HQ"}"#), Some(2));
        assert_eq!(value::<Option<f64>>(r#""36.5""#), Some(36.5));
        assert_eq!(value::<Option<f64>>("0"), Some(0.0));
        unreadable::<Option<i64>>(r#""abc""#);
        unreadable::<Option<i64>>("1.5");
        unreadable::<Option<i64>>("18446744073709551615");
        unreadable::<i64>("null");
        unreadable::<Option<f64>>(r#""warm""#);
    }

    #[test]
    fn text_flags_and_dates() {
        assert_eq!(value::<Option<String>>("0"), Some("0".into()));
        assert_eq!(value::<Option<String>>(r#""-""#), Some("-".into()));
        assert_eq!(value::<String>("36.5"), "36.5");
        unreadable::<String>("{}");
        assert_eq!(value::<Option<bool>>("1"), Some(true));
        assert_eq!(value::<Option<bool>>(r#""false""#), Some(false));
        unreadable::<Option<bool>>("2");
        let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 26).unwrap();
        assert_eq!(value::<Option<chrono::NaiveDate>>(r#""2024-06-26 17:16:09""#), Some(day));
        assert_eq!(value::<Option<chrono::NaiveDate>>(r#""""#), None);
        unreadable::<Option<chrono::NaiveDate>>(r#""26/06/2024""#);
    }

    #[test]
    fn lists_of_ids() {
        assert_eq!(value::<Vec<i64>>("[1, \"2\"]"), vec![1, 2]);
        assert_eq!(value::<Vec<i64>>(r#""1,2""#), vec![1, 2]);
        assert_eq!(value::<Vec<i64>>("3"), vec![3]);
        assert_eq!(value::<Vec<i64>>("null"), Vec::<i64>::new());
        unreadable::<Vec<i64>>(r#"[1, "x"]"#);
    }

    #[test]
    fn strict_reads_only_the_spec_form() {
        let v: Value = serde_json::from_str(r#""15""#).unwrap();
        assert!(decoding(true, || Loose::<Option<i64>>::deserialize(&v)).is_err());
        assert!(matches!(
            decoding(false, || Loose::<Option<i64>>::deserialize(&v)),
            Ok(Loose::Read(Some(15)))
        ));
    }

    #[test]
    fn unreadable_optional_values_go_to_extra_but_secrets_do_not() {
        let mut extra = Map::new();
        let got: Option<i64> =
            optional("T", "is_mask", Loose::unreadable(Value::from("odd")), &mut extra);
        assert_eq!(got, None);
        assert_eq!(extra["is_mask"], "odd");
        let pin: Option<crate::Secret> =
            optional("T", "pin", Loose::unreadable(Value::from(vec![1])), &mut extra);
        assert_eq!(pin, None);
        assert!(!extra.contains_key("pin"));
        let err = required::<crate::Secret>("T", "pw", Loose::unreadable("x".into()), &mut extra)
            .unwrap_err();
        assert!(!err.contains('x'), "{err}");
    }

    #[test]
    fn a_record_list_is_allocated_for_the_page_size_within_its_bound() {
        use serde::de::DeserializeSeed;
        let read = |records: usize, json: &str| {
            let mut d = serde_json::Deserializer::from_str(json);
            decoding_list(records, || RecordList::<i64>::new().deserialize(&mut d))
        };
        let list = read(1000, "[1, 2, 3]").unwrap().unwrap();
        assert_eq!(list, [1, 2, 3]);
        assert_eq!(list.capacity(), 1000);
        let bounded = read(usize::MAX, "[]").unwrap().unwrap();
        assert_eq!(bounded.capacity(), LIST_RESERVE_BYTES / std::mem::size_of::<i64>());
        assert_eq!(read(0, "[4]").unwrap().unwrap(), [4]);
        assert_eq!(read(10, "null").unwrap(), None);
        let object = read(10, r#"{"id": 1}"#).unwrap_err().to_string();
        assert!(object.contains("expected a sequence"), "{object}");
    }
}
