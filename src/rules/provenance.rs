//! Evidence per value: every value of a record is stated by a quote of one
//! of its citations, covered by a citation's `supports`, or declared
//! `inferred` with a reason.
//!
//! `statements` gives each leaf value of a record with its evidence; the
//! coverage rule reports the values without any, and `show`, `stats` and the
//! exports read the same statements. An explicit claim wins over a quote
//! that happens to contain the value: the most specific `supports` or
//! `inferred` pointer covering a value decides its level (a citation on a
//! tie); only a value no pointer covers is looked for in the quotes.
//!
//! `id`, `note`, the citations and the inferences themselves need no
//! evidence. A source describes itself: its values are its own (`self`),
//! unless it declares one inferred.

mod matching;
mod members;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::Context;
use crate::diag::{Code, Finding};
use crate::error::Result;
use crate::load::RecordFile;
use crate::model::{Collection, Record};
use crate::refs::{RefFields, Reference};
use crate::span;
use crate::span::escape;

pub use matching::fold;

/// The top-level members of a record that need no evidence; a withdrawal is
/// the editors' own act, which no source states.
const EXEMPT: [&str; 5] = ["id", "note", "sources", "inferred", "withdrawn"];

/// How a value is backed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// A quote of one of the record's citations states it.
    Quoted,
    /// A citation's `supports` covers it.
    Cited,
    /// An `inferred` entry covers it, with the reason.
    Inferred,
    /// A source's own description of itself.
    #[serde(rename = "self")]
    Own,
    /// Nothing backs it.
    Uncovered,
}

impl Level {
    /// Every level, in the order output lists them.
    pub const ALL: [Level; 5] = [
        Level::Quoted,
        Level::Cited,
        Level::Inferred,
        Level::Own,
        Level::Uncovered,
    ];

    /// The level's name as output shows it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Quoted => "quoted",
            Level::Cited => "cited",
            Level::Inferred => "inferred",
            Level::Own => "self",
            Level::Uncovered => "uncovered",
        }
    }
}

/// One value of a record with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Where the value sits in the record.
    pub pointer: String,
    /// The value.
    pub value: Value,
    /// How it is backed.
    pub level: Level,
    /// The citation that quotes or supports it: an index into the record's `sources`.
    pub citation: Option<usize>,
    /// The inference that covers it: an index into the record's `inferred`.
    pub inference: Option<usize>,
}

/// A statement as the exports and `show` give it: the value, its level,
/// and the source and quote, or the reason, behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The record's collection.
    pub collection: Collection,
    /// The record's id.
    pub record: String,
    /// Where the value sits in the record.
    pub pointer: String,
    /// The value.
    pub value: Value,
    /// How it is backed.
    pub level: Level,
    /// The id of the source that states or supports it.
    pub source: Option<String>,
    /// The quote that states it, or the supporting citation's quote.
    pub quote: Option<String>,
    /// Why an editor inferred it.
    pub reason: Option<String>,
}

impl Statement {
    /// The statement as a row, for `record`, the record it is about.
    pub fn row(self, record: &Record) -> Row {
        let citation = self.citation.and_then(|c| record.citations().get(c));
        Row {
            collection: record.collection(),
            record: record.id().to_string(),
            pointer: self.pointer,
            value: self.value,
            level: self.level,
            source: citation.map(|c| c.source.as_str().to_string()),
            quote: citation.and_then(|c| Some(c.quote.as_ref()?.as_str().to_string())),
            reason: self
                .inference
                .and_then(|i| record.inferred().get(i))
                .map(|i| i.reason.as_str().to_string()),
        }
    }
}

/// Every leaf value below `value` at `pointer`, in document order.
fn leaves<'v>(value: &'v Value, pointer: String, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                leaves(child, format!("{pointer}/{}", escape(key)), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                leaves(child, format!("{pointer}/{i}"), out);
            }
        }
        _ => out.push((pointer, value)),
    }
}

/// Whether `pointer` is `cover` or lies inside it.
fn covers(cover: &str, pointer: &str) -> bool {
    pointer
        .strip_prefix(cover)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `record` as JSON.
fn to_value(record: &Record) -> Value {
    serde_json::to_value(record)
        .unwrap_or_else(|e| unreachable!("a typed record always serializes: {e}"))
}

/// What the evidence of a record reads of the records it references: their
/// names, by which a quote states a reference, and inside which a value is
/// theirs rather than the record's.
pub trait Referents: Sync {
    /// The names of `collection`/`id`, folded; `None` when no such record is known.
    fn names(&self, collection: Collection, id: &str) -> Option<&[String]>;
}

/// The folded names of `record`, made once however many records reference it.
fn folded_names<'c>(cache: &'c OnceLock<Box<[String]>>, record: &Record) -> &'c [String] {
    cache.get_or_init(|| record.names().into_iter().map(fold).collect())
}

/// The statements of `record`, whose JSON is `value` and whose references
/// are `refs`; `referents` gives the names of the records it references,
/// which a quote may use for a reference.
pub fn statements(
    record: &Record,
    value: &Value,
    refs: &[Reference],
    referents: &impl Referents,
) -> Vec<Statement> {
    evidence(record, value, refs, referents)
        .into_iter()
        .map(|(pointer, value, level, citation, inference)| Statement {
            pointer,
            value: value.clone(),
            level,
            citation,
            inference,
        })
        .collect()
}

/// A value's pointer, the value, its level, and the citation or inference behind it.
type Evidence<'v> = (String, &'v Value, Level, Option<usize>, Option<usize>);

/// The evidence of each leaf of `value`, the JSON of `record`: the work of
/// `statements`, without copying the values.
fn evidence<'v, 'n>(
    record: &Record,
    value: &'v Value,
    refs: &'n [Reference],
    referents: &'n impl Referents,
) -> Vec<Evidence<'v>> {
    let mut values = Vec::new();
    if let Value::Object(map) = value {
        for (key, child) in map.iter().filter(|(k, _)| !EXEMPT.contains(&k.as_str())) {
            leaves(child, format!("/{}", escape(key)), &mut values);
        }
    }
    let citations = record.citations();
    let inferred = record.inferred();
    // Quotes are folded once, lazily: most values are covered by a pointer.
    let mut quotes: Option<(Vec<Quote>, Vec<String>)> = None;
    // The names of the referenced records, only once a quote holds a value.
    let named: OnceCell<Vec<Referenced<'n>>> = OnceCell::new();
    let own = matches!(record, Record::Source(_));
    values
        .into_iter()
        .map(|(pointer, value)| {
            // The most specific pointer covering the value; a citation on a tie.
            let mut best: Option<(usize, Level, usize)> = None;
            for (c, citation) in citations.iter().enumerate() {
                for p in citation
                    .supports
                    .iter()
                    .filter(|p| covers(p.as_str(), &pointer))
                {
                    if best.is_none_or(|(len, _, _)| p.as_str().len() > len) {
                        best = Some((p.as_str().len(), Level::Cited, c));
                    }
                }
            }
            for (i, inference) in inferred.iter().enumerate() {
                let p = inference.pointer.as_str();
                if covers(p, &pointer) && best.is_none_or(|(len, _, _)| p.len() > len) {
                    best = Some((p.len(), Level::Inferred, i));
                }
            }
            let (level, citation, inference) = match best {
                Some((_, Level::Cited, c)) => (Level::Cited, Some(c), None),
                Some((_, _, i)) => (Level::Inferred, None, Some(i)),
                None if own => (Level::Own, None, None),
                None => {
                    let (quotes, own) =
                        quotes.get_or_insert_with(|| (Quote::all(record), own_names(record)));
                    match quoted(quotes, own, &named, &pointer, value, refs, referents) {
                        Some(c) => (Level::Quoted, Some(c), None),
                        None => (Level::Uncovered, None, None),
                    }
                }
            };
            (pointer, value, level, citation, inference)
        })
        .collect()
}

/// A citation's quote, folded, as it states the record's names and as it
/// states everything else.
struct Quote {
    citation: usize,
    folded: String,
    /// `folded` with the record's own names blanked out, made on first use:
    /// a value that only appears inside the record's name ("University" in
    /// "The Hong Kong University of Science and Technology", "Hong Kong"
    /// likewise) is derived from the name, not stated by the quote.
    unnamed: std::cell::OnceCell<String>,
}

impl Quote {
    fn all(record: &Record) -> Vec<Quote> {
        record
            .citations()
            .iter()
            .enumerate()
            .filter_map(|(citation, c)| {
                Some(Quote {
                    citation,
                    folded: fold(c.quote.as_ref()?.as_str()),
                    unnamed: std::cell::OnceCell::new(),
                })
            })
            .collect()
    }

    /// The quote without the record's own `names` (folded, longest first).
    fn unnamed(&self, names: &[String]) -> &str {
        self.unnamed.get_or_init(|| {
            names.iter().fold(self.folded.clone(), |text, name| {
                matching::blank(&text, name)
            })
        })
    }
}

/// A record the record references, and its names, folded.
type Referenced<'n> = ((Collection, &'n str), &'n [String]);

/// The records `refs` name, each once, with their folded names.
fn referenced<'n>(refs: &'n [Reference], referents: &'n impl Referents) -> Vec<Referenced<'n>> {
    let mut out: Vec<Referenced<'n>> = Vec::new();
    for r in refs {
        if out
            .iter()
            .any(|((c, id), _)| (*c, *id) == (r.target, &*r.id))
        {
            continue;
        }
        let names = referents.names(r.target, &r.id).unwrap_or_default();
        out.push(((r.target, &r.id), names));
    }
    out
}

/// The record's own names, folded, longest first.
fn own_names(record: &Record) -> Vec<String> {
    let mut names: Vec<String> = record.names().into_iter().map(fold).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
}

/// The citation whose quote states `value`, at `pointer`: a reference by
/// one of its target's names, a number or a partial date in one of its
/// written forms, any other text as it is. The record's own names are
/// stated only by a quote that contains them.
fn quoted<'n>(
    quotes: &[Quote],
    own: &[String],
    named: &OnceCell<Vec<Referenced<'n>>>,
    pointer: &str,
    value: &Value,
    refs: &'n [Reference],
    referents: &'n impl Referents,
) -> Option<usize> {
    let own_name = pointer == "/name" || pointer.starts_with("/aliases/");
    let reference = refs.iter().find(|r| *r.pointer == *pointer);
    let texts: Vec<matching::Text> = match value {
        _ if reference.is_some() => reference
            .and_then(|r| referents.names(r.target, &r.id))
            .unwrap_or_default()
            .iter()
            .map(|n| matching::Text::of_folded(n.clone()))
            .collect(),
        Value::String(s) if !matching::is_date(s) => vec![matching::Text::new(s)],
        _ => Vec::new(),
    };
    // The ranges of `text` inside the names of the other records the record
    // references: a value inside one of them ("HKUST" in "HKUST Guodun") is
    // that record's name. Found only for a text the quote holds somewhere,
    // since a text stated nowhere is stated nowhere outside them either.
    // Only a name longer than a text can hold an occurrence of it.
    let shortest = texts.iter().map(matching::Text::folded_len).min();
    let inside = |text: &str| -> Vec<std::ops::Range<usize>> {
        if !matches!(value, Value::String(_)) {
            return Vec::new();
        }
        named
            .get_or_init(|| referenced(refs, referents))
            .iter()
            .filter(|(target, _)| reference.is_none_or(|v| (v.target, &*v.id) != *target))
            .flat_map(|(_, names)| names.iter())
            .filter(|n| shortest.is_some_and(|len| n.len() > len))
            .flat_map(|n| matching::ranges(text, n))
            .collect()
    };
    let states = |text: &str| {
        texts
            .iter()
            .any(|t| t.anywhere_in(text) && t.stated_outside(text, &inside(text)))
    };
    quotes
        .iter()
        .find(|q| {
            let text = if own_name {
                q.folded.as_str()
            } else {
                q.unnamed(own)
            };
            match value {
                _ if reference.is_some() => states(text),
                Value::Number(n) => matching::states_number(text, n),
                Value::String(s) if matching::is_date(s) => matching::states_date(text, s),
                Value::String(_) => states(text),
                _ => false,
            }
        })
        .map(|q| q.citation)
}

/// The statements of every record of a dataset, with what it takes to
/// compute them: the records by id, for the names of references.
pub struct Catalog<'a> {
    /// An index into `records` by collection and id.
    index: HashMap<(Collection, &'a str), usize>,
    /// Each record with its names, folded when first asked for.
    records: Vec<(&'a Record, OnceLock<Box<[String]>>)>,
    fields: RefFields,
}

impl<'a> Catalog<'a> {
    /// A catalog of the typed `records`.
    pub fn new(records: impl IntoIterator<Item = &'a Record>) -> Result<Catalog<'a>> {
        let records: Vec<_> = records.into_iter().map(|r| (r, OnceLock::new())).collect();
        Ok(Catalog {
            index: records
                .iter()
                .enumerate()
                .map(|(i, (r, _))| ((r.collection(), r.id()), i))
                .collect(),
            records,
            fields: RefFields::for_run()?,
        })
    }

    /// The record `collection`/`id`, when the catalog holds it.
    pub fn record(&self, collection: Collection, id: &str) -> Option<&'a Record> {
        let i = *self.index.get(&(collection, id))?;
        Some(self.records[i].0)
    }

    /// The statements of `record`.
    pub fn statements(&self, record: &Record) -> Vec<Statement> {
        let value = to_value(record);
        let refs = self.fields.extract(record.collection(), &value);
        statements(record, &value, &refs, self)
    }
}

impl Referents for Catalog<'_> {
    fn names(&self, collection: Collection, id: &str) -> Option<&[String]> {
        let i = *self.index.get(&(collection, id))?;
        let (record, names) = &self.records[i];
        Some(folded_names(names, record))
    }
}

/// The records of a check, by the index of their file, with their names
/// folded once.
struct Checked<'c, 'a> {
    cx: &'c Context<'a>,
    names: Vec<OnceLock<Box<[String]>>>,
}

impl Referents for Checked<'_, '_> {
    fn names(&self, collection: Collection, id: &str) -> Option<&[String]> {
        let i = self.cx.graph.file(collection, id)?;
        let record = self.cx.typed.records.get(i)?.as_ref()?;
        Some(folded_names(&self.names[i], record))
    }
}

/// Every value of a record has evidence: a quote states it, a citation
/// `supports` it, or an `inferred` entry covers it.
pub fn values_have_evidence(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let records: Vec<(usize, &RecordFile, &Record)> = cx.records().collect();
    let referents = Checked {
        cx,
        names: (0..cx.typed.records.len())
            .map(|_| OnceLock::new())
            .collect(),
    };
    let found: Vec<Finding> = records
        .par_iter()
        // A source's values are its own: none can lack evidence.
        .filter(|(_, _, record)| !matches!(record, Record::Source(_)))
        .flat_map_iter(|&(i, file, record)| {
            let refs = cx.graph.refs.get(i).map_or(&[][..], Vec::as_slice);
            let value = members::picked(record, may_lack_evidence(record));
            evidence(record, &value, refs, &referents)
                .into_iter()
                .filter(|e| e.2 == Level::Uncovered)
                .map(move |(pointer, ..)| {
                    file.finding(
                        Code::ProvenanceUncovered,
                        &pointer,
                        "no evidence for this value: no quote of the record's citations states it, no citation's `supports` covers it and no `inferred` entry does",
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.extend(found);
}

/// The members of `record` whose values may lack evidence: members that
/// need evidence and that no `supports` or `inferred` pointer covers whole.
/// Every value of a member covered whole is cited or inferred, so the
/// coverage rule need not turn it into JSON.
fn may_lack_evidence(record: &Record) -> impl Fn(&str) -> bool {
    let pointers: Vec<&str> = record
        .citations()
        .iter()
        .flat_map(|c| c.supports.iter().map(|p| p.as_str()))
        .chain(record.inferred().iter().map(|i| i.pointer.as_str()))
        .collect();
    move |key| {
        let escaped = if key.contains(['~', '/']) {
            Cow::Owned(escape(key))
        } else {
            Cow::Borrowed(key)
        };
        // The empty pointer is the whole record; `/key`, the member.
        !EXEMPT.contains(&key)
            && !pointers
                .iter()
                .any(|p| p.is_empty() || p.strip_prefix('/') == Some(&*escaped))
    }
}

/// Whether the JSON pointer `pointer` names a value inside `value`, as
/// `Value::pointer` says, without its copy of every token.
fn names_a_value(value: &Value, pointer: &str) -> bool {
    let Some(rest) = pointer.strip_prefix('/') else {
        return pointer.is_empty();
    };
    let mut node = value;
    for token in split_at_slashes(rest) {
        let token = span::unescape(token);
        let next = match node {
            Value::Object(map) => map.get(token.as_ref()),
            Value::Array(items) => span::array_index(&token).and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
    true
}

/// `text.split('/')`, by a test of each byte: pointers and their tokens are
/// short, and the search `split` and `contains` start for each token costs
/// more than the token.
fn split_at_slashes(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == b'/') {
            Some(at) => {
                rest = Some(&current[at + 1..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Every `supports` and `inferred` pointer names a value of the record that
/// needs evidence.
pub fn pointers_name_values(
    file: &RecordFile,
    value: &Value,
    record: &Record,
    out: &mut Vec<Finding>,
) {
    // Where each pointer sits, written out only for a pointer reported.
    enum At {
        Supports(usize, usize),
        Inferred(usize),
    }
    let pointers = record
        .citations()
        .iter()
        .enumerate()
        .flat_map(|(c, citation)| {
            citation
                .supports
                .iter()
                .enumerate()
                .map(move |(s, p)| (At::Supports(c, s), p.as_str()))
        })
        .chain(
            record
                .inferred()
                .iter()
                .enumerate()
                .map(|(i, inference)| (At::Inferred(i), inference.pointer.as_str())),
        );
    for (at, pointer) in pointers {
        let top = split_at_slashes(pointer).nth(1).unwrap_or_default();
        let message = if EXEMPT.contains(&top) {
            format!(
                "`{pointer}` needs no evidence: `id`, `note`, the citations and the inferences are not values a source states"
            )
        } else if !names_a_value(value, pointer) {
            format!(
                "`{pointer}` names no value of this record; point at a field that is there, such as `/name`"
            )
        } else {
            continue;
        };
        let at = match at {
            At::Supports(c, s) => format!("/sources/{c}/supports/{s}"),
            At::Inferred(i) => format!("/inferred/{i}/pointer"),
        };
        out.push(file.finding(Code::ProvenanceBadPointer, &at, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One referenced record's folded names.
    struct OneReferent(Vec<String>);

    impl Referents for OneReferent {
        fn names(&self, _: Collection, id: &str) -> Option<&[String]> {
            (id == "guodun").then_some(self.0.as_slice())
        }
    }

    /// The level of `/aliases/0` ("HKUST") of a record whose parent is
    /// named "HKUST Guodun", as `quote` states it.
    fn alias_level(quote: &str) -> Level {
        let json = serde_json::json!({
            "id": "hkust", "name": "Hong Kong Science", "aliases": ["HKUST"],
            "kind": "university", "parent": "guodun",
            "sources": [{"source": "s", "quote": quote, "supports": ["/name", "/kind", "/parent"]}],
        });
        let record = Record::from_value(Collection::Organizations, &json).unwrap();
        let value = to_value(&record);
        let refs = RefFields::for_run()
            .unwrap()
            .extract(Collection::Organizations, &value);
        let referents = OneReferent(vec![fold("HKUST Guodun"), fold("Guodun")]);
        let statements = statements(&record, &value, &refs, &referents);
        let alias = statements
            .iter()
            .find(|s| s.pointer == "/aliases/0")
            .unwrap();
        alias.level
    }

    #[test]
    fn a_value_only_inside_a_referenced_records_name_is_not_stated() {
        assert_eq!(alias_level("HKUST Guodun was founded"), Level::Uncovered);
        assert_eq!(alias_level("HKUST founded HKUST Guodun"), Level::Quoted);
        // A name no longer than the value cannot hold it.
        assert_eq!(alias_level("Guodun and HKUST"), Level::Quoted);
    }

    #[test]
    fn pointers_split_at_slashes_as_split_does() {
        for text in [
            "",
            "/",
            "//",
            "/a",
            "/a/b",
            "a/b/",
            "/~1x/~0/é/0",
            "no-slash",
        ] {
            let want: Vec<&str> = text.split('/').collect();
            assert_eq!(split_at_slashes(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }

    #[test]
    fn names_a_value_as_value_pointer_does() {
        let value = serde_json::json!({
            "a": {"b/c": [1, {"d~e": 2}], "": 3},
            "list": [10, 20],
        });
        for pointer in [
            "",
            "/",
            "/a",
            "/a/b~1c",
            "/a/b~1c/0",
            "/a/b~1c/1/d~0e",
            "/a/b~1c/2",
            "/a/",
            "/list/1",
            "/list/01",
            "/list/+1",
            "/list/-1",
            "/list/",
            "a",
            "/nope",
            "/a/b/c",
            "/a/b~1c/1/d~e",
            "/list/1/x",
        ] {
            assert_eq!(
                names_a_value(&value, pointer),
                value.pointer(pointer).is_some(),
                "{pointer:?}"
            );
        }
    }
}
