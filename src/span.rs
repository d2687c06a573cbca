//! Source positions: maps a JSON pointer inside a record to a line and column.
//!
//! Built lazily, only for files that have findings, from a second parse with
//! jsonc-parser (which keeps byte ranges and repeated keys). The file already
//! passed serde_json, so this parse cannot fail on depth or syntax.
//!
//! It also owns the reference tokens of JSON pointers (RFC 6901): escaping,
//! unescaping and reading an array index, for every module that follows a
//! pointer.

use std::collections::HashMap;

use jsonc_parser::ast::{ObjectPropName, Value as Node};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

/// A 1-based line and column; the column counts characters, not bytes.
pub type Position = (u32, u32);

/// Where one JSON value sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    /// The value's position.
    value: Position,
    /// The position of the key naming it, for object members.
    key: Option<Position>,
}

/// Positions of every value of one file, by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    spans: HashMap<String, Span>,
    duplicates: Vec<(String, Position)>,
}

/// Bytes between two checkpoints of `Lines`: a position counts at most this
/// many bytes beyond the nearest checkpoint.
const BLOCK: usize = 64;

/// Turns byte offsets of one text into positions in time independent of the
/// length of the line, so a minified file of any size is indexed in linear
/// time: the characters before every `BLOCK`-th byte are counted once.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// `chars[i]`: how many characters start before byte `i * BLOCK`.
    chars: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        let mut chars = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut count = 0;
        chars.push(0);
        for block in text.as_bytes().chunks(BLOCK) {
            count += lead_bytes(block);
            chars.push(count);
        }
        Lines {
            text,
            starts: line_starts(text),
            chars,
        }
    }

    /// How many characters start before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let block = offset / BLOCK;
        self.chars[block] + lead_bytes(&self.text.as_bytes()[block * BLOCK..offset])
    }

    fn position(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.chars_before(offset) - self.chars_before(start);
        (to_u32(line), to_u32(column + 1))
    }
}

impl SpanIndex {
    /// Indexes `text`, which must be valid JSON.
    pub fn new(text: &str) -> SpanIndex {
        let mut index = SpanIndex::default();
        let lines = Lines::new(text);
        let strict = ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        if let Ok(parsed) = parse_to_ast(text, &CollectOptions::default(), &strict)
            && let Some(root) = parsed.value
        {
            index.walk(&lines, &root, String::new(), None);
        }
        index
    }

    fn walk(&mut self, lines: &Lines<'_>, node: &Node<'_>, pointer: String, key: Option<Position>) {
        let span = Span {
            value: lines.position(node.start()),
            key,
        };
        match node {
            Node::Object(object) => {
                let mut seen = std::collections::HashSet::new();
                for prop in &object.properties {
                    let name = prop_name(&prop.name);
                    let child = format!("{pointer}/{}", escape(&name));
                    let key_at = lines.position(prop.name.start());
                    if !seen.insert(name) {
                        self.duplicates.push((child.clone(), key_at));
                    }
                    self.walk(lines, &prop.value, child, Some(key_at));
                }
            }
            Node::Array(array) => {
                for (i, element) in array.elements.iter().enumerate() {
                    self.walk(lines, element, format!("{pointer}/{i}"), None);
                }
            }
            _ => {}
        }
        self.spans.insert(pointer, span);
    }

    /// The position of the value at `pointer`, or of its nearest existing ancestor.
    pub fn value(&self, pointer: &str) -> Position {
        self.nearest(pointer).value
    }

    /// The position of the key naming the member at `pointer`; the value's
    /// position for array elements and the root.
    pub fn key(&self, pointer: &str) -> Position {
        let span = self.nearest(pointer);
        span.key.unwrap_or(span.value)
    }

    /// Whether the file has a value at `pointer`.
    pub fn contains(&self, pointer: &str) -> bool {
        self.spans.contains_key(pointer)
    }

    /// Every repeated key after its first occurrence, as (pointer, position).
    pub fn duplicate_keys(&self) -> &[(String, Position)] {
        &self.duplicates
    }

    fn nearest(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(span) = self.spans.get(p) {
                return *span;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => {
                    return Span {
                        value: (1, 1),
                        key: None,
                    };
                }
            }
        }
    }
}

/// The position of the `n`-th (0-based) decoded character of the JSON string
/// whose opening quote is at `at` in `text`: escapes such as `\"` or
/// `\u2019` take several columns for one character. `None` when `at` is not
/// the start of a string or the string is shorter.
pub fn char_in_string(text: &str, at: Position, n: usize) -> Option<Position> {
    let (line, column) = at;
    let line_text = text.lines().nth((line as usize).checked_sub(1)?)?;
    let mut raw = line_text.chars().skip(column as usize - 1);
    if raw.next()? != '"' {
        return None;
    }
    // Column of the next raw character.
    let mut next = column + 1;
    for _ in 0..n {
        let width = match raw.next()? {
            '"' => return None,
            '\\' => match raw.next()? {
                'u' => {
                    let hex: String = raw.by_ref().take(4).collect();
                    let unit = u16::from_str_radix(&hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&unit) {
                        // A surrogate pair is one character.
                        raw.by_ref().take(6).count();
                        12
                    } else {
                        6
                    }
                }
                _ => 2,
            },
            _ => 1,
        };
        next += width;
    }
    Some((line, next))
}

/// Converts a byte offset in `text` to a 1-based line and character column.
pub fn offset_to_position(text: &str, offset: usize) -> Position {
    Lines::new(text).position(offset)
}

/// Converts a 1-based line and byte column (as serde_json reports them) to a
/// line and character column.
pub fn byte_column_to_position(text: &str, line: usize, byte_column: usize) -> Position {
    let lines = Lines::new(text);
    let start = lines
        .starts
        .get(line.saturating_sub(1))
        .copied()
        .unwrap_or(text.len());
    lines.position((start + byte_column.saturating_sub(1)).min(text.len()))
}

/// The UTF-8 lead bytes of `bytes`: a column is a character, and an offset
/// may fall inside one.
fn lead_bytes(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn prop_name(name: &ObjectPropName<'_>) -> String {
    match name {
        ObjectPropName::String(s) => s.value.to_string(),
        ObjectPropName::Word(w) => w.value.to_string(),
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The reference token `token` of a JSON pointer, unescaped (RFC 6901);
/// borrowed when there is nothing to unescape.
pub fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// An array index token as RFC 6901 writes it: digits, without a leading
/// zero (`0`, `7`, `12`; not `01`, `+1` or `-1`).
pub fn array_index(token: &str) -> Option<usize> {
    if token.is_empty()
        || !token.bytes().all(|b| b.is_ascii_digit())
        || (token.len() > 1 && token.starts_with('0'))
    {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "{\n  \"id\": \"x\",\n  \"names\": [\"a\", \"b\"],\n  \"é\": {\"k/1\": 2}\n}\n";

    #[test]
    fn locates_values_and_keys() {
        let index = SpanIndex::new(TEXT);
        assert_eq!(index.value(""), (1, 1));
        assert_eq!(index.value("/id"), (2, 9));
        assert_eq!(index.key("/id"), (2, 3));
        assert_eq!(index.value("/names/1"), (3, 18));
        assert_eq!(index.value("/é/k~11"), (4, 16));
        assert_eq!(index.value("/names/7/x"), (3, 12));
    }

    #[test]
    fn finds_repeated_keys() {
        let index = SpanIndex::new("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(index.duplicate_keys(), &[("/a".to_string(), (2, 2))]);
    }

    #[test]
    fn columns_count_characters_across_checkpoints() {
        let text = format!("{}\n{}x", "é".repeat(100), "ü".repeat(70));
        let x = text.rfind('x').unwrap();
        assert_eq!(offset_to_position(&text, x), (2, 71));
        assert_eq!(offset_to_position(&text, 100), (1, 51));
        assert_eq!(offset_to_position(&text, text.len()), (2, 72));
    }

    #[test]
    fn finds_characters_inside_strings() {
        let text = "{\n  \"q\": \"a\\\"b\\u2019c\"\n}";
        assert_eq!(char_in_string(text, (2, 8), 0), Some((2, 9)));
        assert_eq!(char_in_string(text, (2, 8), 2), Some((2, 12)));
        assert_eq!(char_in_string(text, (2, 8), 4), Some((2, 19)));
        assert_eq!(char_in_string(text, (2, 8), 9), None);
        assert_eq!(char_in_string(text, (2, 3), 9), None);
    }

    #[test]
    fn converts_byte_columns() {
        assert_eq!(byte_column_to_position("\"é\" x", 1, 6), (1, 5));
    }

    #[test]
    fn a_token_unescapes_to_what_was_escaped() {
        for token in ["a", "", "a/b", "~x", "~/~1", "é"] {
            assert_eq!(unescape(&escape(token)), token);
        }
        assert_eq!(unescape("~01"), "~1");
    }

    #[test]
    fn array_indexes_are_digits_without_a_leading_zero() {
        for (token, index) in [("0", Some(0)), ("7", Some(7)), ("12", Some(12))] {
            assert_eq!(array_index(token), index, "{token}");
        }
        for token in ["", "01", "+1", "-1", "1a", "x", "99999999999999999999999"] {
            assert_eq!(array_index(token), None, "{token}");
        }
    }
}
