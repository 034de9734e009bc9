//! A JSON object that keeps insertion order (serde_json's `Map` sorts its keys here), so
//! answers list their keys in the manual's order.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Obj(pub Vec<(String, Node)>);

/// A value inside an [`Obj`]: plain JSON or a nested ordered object.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Json(Value),
    Obj(Obj),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Json(v) => v.serialize(s),
            Node::Obj(o) => o.serialize(s),
        }
    }
}

impl Obj {
    pub fn new() -> Self {
        Obj(Vec::new())
    }

    pub fn push(&mut self, key: &str, value: impl Into<Value>) {
        self.0.push((key.to_string(), Node::Json(value.into())));
    }

    /// Pushes a nested object, or null.
    pub fn push_obj(&mut self, key: &str, value: Option<Obj>) {
        let node = value.map_or(Node::Json(Value::Null), Node::Obj);
        self.0.push((key.to_string(), node));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Appends a message to a field's error list, creating the list on first use.
    pub fn add_error(&mut self, key: &str, msg: String) {
        if let Some((_, Node::Json(Value::Array(list)))) = self.0.iter_mut().find(|(k, _)| k == key)
        {
            list.push(Value::String(msg));
        } else {
            self.push(key, vec![Value::String(msg)]);
        }
    }
}

impl Serialize for Obj {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Custom attribute values in configured order; flattened into employee answers.
#[derive(Debug, Default, Clone)]
pub struct Attrs(pub Vec<(String, Option<String>)>);

impl Serialize for Attrs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}
