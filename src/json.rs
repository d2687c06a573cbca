//! Strict JSON parsing of one record file in a single pass.
//!
//! serde_json does the parsing (fast, RFC 8259, a nesting limit of 128) while
//! a visitor builds the `Value` and notes whether any object repeats a key:
//! serde_json alone would silently keep the last one. Positions are not kept
//! here; `span` recovers them only for files that have findings, so a clean
//! file is parsed exactly once.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A file that is not valid JSON, with the 1-based position serde_json gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column within the line.
    pub byte_column: usize,
}

/// A parsed record file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The value, keeping the last of any repeated keys.
    pub value: Value,
    /// Whether some object repeats a key; `span::duplicate_keys` says where.
    pub has_duplicate_keys: bool,
}

/// Parses `text` as one JSON document.
pub fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let duplicates = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = ValueSeed {
        duplicates: &duplicates,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v))
    .map_err(|e| {
        let error = SyntaxError {
            message: describe(&e),
            line: e.line().max(1),
            byte_column: e.column().max(1),
        };
        if error.message == "trailing comma" {
            at_trailing_comma(text, error)
        } else {
            error
        }
    })?;
    Ok(Parsed {
        value,
        has_duplicate_keys: duplicates.get(),
    })
}

/// A trailing comma, which serde_json reports at the bracket after it,
/// moved onto the comma itself with the fix.
fn at_trailing_comma(text: &str, error: SyntaxError) -> SyntaxError {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line - 1)
        .map(str::len)
        .sum();
    let at = (line_start + error.byte_column - 1).min(text.len());
    let bracket = text[at..].chars().next().unwrap_or(']');
    let Some(comma) = text[..at].trim_end().strip_suffix(',').map(str::len) else {
        return error;
    };
    let comma_line_start = text[..comma].rfind('\n').map_or(0, |i| i + 1);
    SyntaxError {
        message: format!("trailing comma before `{bracket}`: remove this comma"),
        line: text[..comma].matches('\n').count() + 1,
        byte_column: comma - comma_line_start + 1,
    }
}

/// serde_json's message without its trailing " at line L column C".
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    if message == "recursion limit exceeded" {
        "nesting is deeper than 128 levels".to_string()
    } else {
        message
    }
}

struct ValueSeed<'a> {
    duplicates: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ValueSeed {
            duplicates: self.duplicates,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed {
                duplicates: self.duplicates,
            })?;
            if object.insert(key, value).is_some() {
                self.duplicates.set(true);
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_flags_duplicates() {
        let p = parse(r#"{"a": 1, "b": {"c": 2, "c": 3}}"#).unwrap();
        assert!(p.has_duplicate_keys);
        assert_eq!(p.value["b"]["c"], 3);
        assert!(
            !parse(r#"{"a": [1, 2.5, "x", null, true]}"#)
                .unwrap()
                .has_duplicate_keys
        );
    }

    #[test]
    fn reports_position_of_syntax_errors() {
        let e = parse("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!((e.line, e.byte_column), (2, 9));
        assert_eq!(e.message, "trailing comma before `}`: remove this comma");
        let e = parse("[1, 2 ,  ]").unwrap_err();
        assert_eq!((e.line, e.byte_column), (1, 7));
        let e = parse("{\"a\": [1}").unwrap_err();
        assert_ne!(e.message, "trailing comma");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let e = parse(&"[".repeat(100_000)).unwrap_err();
        assert_eq!(e.message, "nesting is deeper than 128 levels");
    }

    #[test]
    fn empty_input_is_an_error() {
        let e = parse("").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
