//! JavaScript values to and from plain data ([`Value`], `crates/phone/src/value.rs`): the one
//! place the app walks a JavaScript object it was given (browser storage after `JSON.parse`,
//! another tab's message, an Open CTI payload) and builds one to hand over. The readers and
//! writers of each type work on [`Value`] in pure Rust.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::phone::value::{Member, Value};

/// Objects nested deeper than this read as null: plain data is a few levels deep, and a cyclic
/// or hostile object must not exhaust the stack.
const MAX_DEPTH: u32 = 16;

/// Plain data from a JavaScript value: functions, symbols and `undefined` read as null, a
/// `BigInt` as null (plain data holds none), any other object by its own enumerable members.
pub fn from_js(value: &JsValue) -> Value {
    read(value, MAX_DEPTH)
}

fn read(value: &JsValue, depth: u32) -> Value {
    if let Some(text) = value.as_string() {
        Value::String(text)
    } else if let Some(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Value::Number(n)
    } else if depth == 0 || !value.is_object() || value.is_function() {
        Value::Null
    } else if Array::is_array(value) {
        Value::Array(Array::from(value).iter().map(|item| read(&item, depth - 1)).collect())
    } else {
        let entries = Object::entries(value.unchecked_ref::<Object>());
        Value::Object(
            entries
                .iter()
                .filter_map(|entry| {
                    let entry = Array::from(&entry);
                    Some(Member { name: entry.get(0).as_string()?, value: read(&entry.get(1), depth - 1) })
                })
                .collect(),
        )
    }
}

/// A JavaScript value (plain objects and arrays) from plain data.
pub fn to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(text) => JsValue::from_str(text),
        Value::Array(items) => items.iter().map(to_js).collect::<Array>().into(),
        Value::Object(members) => {
            let object = Object::new();
            for member in members {
                // Setting a property on a fresh plain object cannot fail.
                let _ = Reflect::set(&object, &JsValue::from_str(&member.name), &to_js(&member.value));
            }
            object.into()
        }
    }
}

/// `JSON.parse(text)` as plain data; `None` when it is not JSON.
pub fn parse_json(text: &str) -> Option<Value> {
    js_sys::JSON::parse(text).ok().map(|v| from_js(&v))
}

/// Plain data as JSON text (`JSON.stringify`).
pub fn to_json(value: &Value) -> Option<String> {
    js_sys::JSON::stringify(&to_js(value)).ok().map(String::from)
}
