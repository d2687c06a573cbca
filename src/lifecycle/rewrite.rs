//! The text edit behind `rename` and `withdraw --into`: every reference to
//! one record, in one record file, made to name another. Only those string
//! tokens change, so the rest of the file stays byte for byte as its author
//! wrote it.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::Collection;
use crate::refs::{RecordName, RefFields};
use crate::span::SpanIndex;

/// `text`, a record of `collection`, with every reference to `name` (and
/// with `own_id` its `id`, when that is `name`'s id) naming `to`, and how
/// many strings changed. A reference is found by its value, however the file
/// spells it (`"a\u0062"` is `ab`), and written as `to`'s JSON string.
/// Refuses text that is not JSON, and an edit that would make a list name
/// `to` twice.
pub fn references(
    text: &str,
    collection: Collection,
    fields: &RefFields,
    name: &RecordName,
    to: &str,
    own_id: bool,
) -> Result<(String, usize)> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::Usage(format!(
            "a record that references `{}` is not valid JSON ({e}); fix it first",
            name.id
        ))
    })?;
    let pointers = pointers(&value, collection, fields, name, own_id);
    for pointer in &pointers {
        let (parent, _) = pointer.rsplit_once('/').unwrap_or(("", ""));
        if let Some(Value::Array(items)) = value.pointer(parent)
            && items.iter().any(|v| v == to)
        {
            return Err(Error::Usage(format!(
                "`{}` at {parent} would list `{to}` twice; remove `{}` from that list by hand first",
                value.get("id").and_then(Value::as_str).unwrap_or_default(),
                name.id
            )));
        }
    }
    let spans = SpanIndex::new(text);
    let mut tokens: Vec<(usize, usize)> = pointers
        .iter()
        .filter(|p| spans.contains(p))
        .filter_map(|p| {
            let start = offset(text, spans.value(p));
            let end = start + string_token_len(&text[start..])?;
            let said: String = serde_json::from_str(&text[start..end]).ok()?;
            (said == name.id).then_some((start, end))
        })
        .collect();
    tokens.sort_unstable();
    tokens.dedup();
    let new = serde_json::to_string(to)
        .unwrap_or_else(|e| unreachable!("a string always serializes: {e}"));
    let mut out = text.to_string();
    for &(start, end) in tokens.iter().rev() {
        out.replace_range(start..end, &new);
    }
    Ok((out, tokens.len()))
}

/// The pointers of `value`, a record of `collection`, that `references`
/// makes name another record: each reference to `name`, and with `own_id`
/// its `id` when that is `name`'s id.
pub fn pointers(
    value: &Value,
    collection: Collection,
    fields: &RefFields,
    name: &RecordName,
    own_id: bool,
) -> Vec<String> {
    let mut pointers: Vec<String> = fields
        .extract(collection, value)
        .into_iter()
        .filter(|r| r.target == name.collection && *r.id == name.id)
        .map(|r| r.pointer.into_string())
        .collect();
    if own_id && value.get("id").and_then(Value::as_str) == Some(name.id.as_str()) {
        pointers.push("/id".into());
    }
    pointers
}

/// The length in bytes of the JSON string token at the start of `text`,
/// quotes included; `None` when `text` does not start with one.
fn string_token_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The byte offset of a 1-based line and character column in `text`.
fn offset(text: &str, (line, column): (u32, u32)) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let within = text[start..]
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(0, |(i, _)| i);
    start + within
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters() {
        let text = "{\n  \"a\": \"é\",\n  \"b\": \"x\"\n}\n";
        assert_eq!(&text[offset(text, (3, 8))..], "\"x\"\n}\n");
        assert_eq!(&text[offset(text, (2, 8))..][..4], "\"é\"");
    }

    #[test]
    fn string_tokens_end_at_their_closing_quote() {
        assert_eq!(string_token_len(r#""ab", 1"#), Some(4));
        assert_eq!(string_token_len(r#""a\"b""#), Some(6));
        assert_eq!(string_token_len(r#""a\\" "#), Some(5));
        assert_eq!(string_token_len("\"open"), None);
        assert_eq!(string_token_len("1"), None);
    }

    #[test]
    fn a_reference_spelled_with_escapes_is_rewritten() {
        let fields = RefFields::for_run().unwrap();
        let text = "{\n  \"id\": \"u\",\n  \"location\": \"city\\u0076ille\"\n}\n";
        let name = RecordName {
            collection: Collection::Places,
            id: "cityville".into(),
        };
        let (out, n) = references(
            text,
            Collection::Organizations,
            &fields,
            &name,
            "town",
            false,
        )
        .unwrap();
        assert_eq!(n, 1);
        assert_eq!(out, "{\n  \"id\": \"u\",\n  \"location\": \"town\"\n}\n");
    }
}
