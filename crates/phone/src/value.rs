//! Plain data as JavaScript and JSON hold it (null, booleans, numbers, text, arrays, objects),
//! read and written by hand. The browser glue turns a JavaScript value into a [`Value`] once
//! (`JSON.parse`d storage, a tab's message, an Open CTI payload) and back; everything that reads
//! or writes one is pure Rust, tested natively.
//!
//! Why not serde: in the wasm the phone ships, serde's derives for some thirty types and
//! serde-wasm-bindgen were 42 KB of code (7% of it), float formatting for their error messages
//! included. A reader here is a few lines per type, as strict as the derive was: a field of the
//! wrong type rejects the whole value, an optional field may be `null` or absent.

/// A JavaScript value that plain data can hold. `undefined` and a member that is not there read
/// as [`Value::Null`].
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<Member>),
}

/// One member of an object, in the order it came.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub value: Value,
}

/// One value of an enum as serde wrote it (externally tagged): `"Name"` for a variant without
/// data, `{"Name": body}` for one with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Variant<'a> {
    pub name: &'a str,
    pub body: &'a Value,
}

static NULL: Value = Value::Null;

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl Value {
    /// An object of these members, in this order.
    pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
        Value::Object(members.into_iter().map(|(name, value)| Member { name: name.to_owned(), value }).collect())
    }

    /// An enum value with data, as serde writes it: `{"Name": body}`.
    pub fn variant(name: &str, body: Value) -> Value {
        Value::object([(name, body)])
    }

    /// The member called `name` ([`Value::Null`] when there is none or this is not an object).
    pub fn get(&self, name: &str) -> &Value {
        match self {
            Value::Object(members) => members.iter().find(|m| m.name == name).map_or(&NULL, |m| &m.value),
            _ => &NULL,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    pub fn bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// A whole number from 0 to 2^53 - 1 (what a JavaScript number holds exactly).
    pub fn u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(n) => Some(*n as u64),
            _ => None,
        }
    }

    pub fn u32(&self) -> Option<u32> {
        self.u64().and_then(|n| u32::try_from(n).ok())
    }

    pub fn u8(&self) -> Option<u8> {
        self.u64().and_then(|n| u8::try_from(n).ok())
    }

    pub fn items(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// An optional value: `Some(None)` for null (or absent), `Some(Some(_))` when `read` reads
    /// it, `None` (not readable) when it is there but `read` refuses it.
    pub fn optional<T>(&self, read: impl FnOnce(&Value) -> Option<T>) -> Option<Option<T>> {
        if self.is_null() {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    /// Every item of an array read by `read`; `None` when this is not an array or one item is
    /// not readable.
    pub fn list<T>(&self, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
        self.items()?.iter().map(read).collect()
    }

    /// This object without its null members (what serde's `skip_serializing_if` left out).
    pub fn without_nulls(self) -> Value {
        match self {
            Value::Object(mut members) => {
                members.retain(|m| !m.value.is_null());
                Value::Object(members)
            }
            other => other,
        }
    }

    /// This value as an enum value serde wrote ([`Variant`]).
    pub fn as_variant(&self) -> Option<Variant<'_>> {
        match self {
            Value::String(name) => Some(Variant { name, body: &NULL }),
            Value::Object(members) => match members.as_slice() {
                [only] => Some(Variant { name: &only.name, body: &only.value }),
                _ => None,
            },
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::String(text)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Number(f64::from(n))
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(n)
    }
}

impl From<u64> for Value {
    /// Exact up to 2^53 (Unix milliseconds until the year 287396): what JavaScript holds.
    fn from(n: u64) -> Value {
        Value::Number(n as f64)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

/// JSON text as the browser's `JSON.parse` gives it to the app (tests only: the app never
/// parses JSON text itself).
#[cfg(test)]
pub(crate) fn parse_json(text: &str) -> Value {
    fn convert(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            serde_json::Value::Object(members) => {
                Value::Object(members.into_iter().map(|(name, value)| Member { name, value: convert(value) }).collect())
            }
        }
    }
    convert(serde_json::from_str(text).expect("JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_by_name_and_absent_ones_read_as_null() {
        let v = Value::object([("id", "a".into()), ("n", 3u32.into())]);
        assert_eq!(v.get("id").as_str(), Some("a"));
        assert_eq!(v.get("n").u32(), Some(3));
        assert!(v.get("missing").is_null());
        assert!(Value::from("text").get("id").is_null());
    }

    #[test]
    fn numbers_read_only_as_the_whole_numbers_they_are() {
        assert_eq!(Value::Number(1_733_580_000_000.0).u64(), Some(1_733_580_000_000));
        assert_eq!(Value::Number(1.5).u64(), None);
        assert_eq!(Value::Number(-1.0).u64(), None);
        assert_eq!(Value::Number(f64::NAN).u64(), None);
        assert_eq!(Value::Number(f64::INFINITY).u64(), None);
        assert_eq!(Value::Number(1e300).u64(), None);
        assert_eq!(Value::Number(4_294_967_296.0).u32(), None);
        assert_eq!(Value::Number(256.0).u8(), None);
        assert_eq!(Value::from("3").u64(), None);
    }

    #[test]
    fn an_optional_value_is_null_absent_or_readable() {
        assert_eq!(Value::Null.optional(Value::string), Some(None));
        assert_eq!(Value::from("x").optional(Value::string), Some(Some("x".to_owned())));
        assert_eq!(Value::Number(1.0).optional(Value::string), None);
    }

    #[test]
    fn a_list_is_refused_whole_when_one_item_is_not_readable() {
        let good = Value::from(vec!["a", "b"]);
        assert_eq!(good.list(Value::string), Some(vec!["a".to_owned(), "b".to_owned()]));
        let bad = Value::Array(vec!["a".into(), Value::Number(1.0)]);
        assert_eq!(bad.list(Value::string), None);
        assert_eq!(Value::Null.list(Value::string), None);
    }

    #[test]
    fn enum_values_read_as_serde_wrote_them() {
        let unit = Value::from("LookingUp");
        assert_eq!(unit.as_variant().map(|v| v.name), Some("LookingUp"));
        let with_data = Value::variant("Waiting", Value::object([("due_ms", 5u64.into())]));
        let v = with_data.as_variant().expect("a variant");
        assert_eq!((v.name, v.body.get("due_ms").u64()), ("Waiting", Some(5)));
        let two = Value::object([("A", Value::Null), ("B", Value::Null)]);
        assert_eq!(two.as_variant(), None);
    }
}
