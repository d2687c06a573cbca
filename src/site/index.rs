//! What the site knows about the dataset: every record with its title, its
//! canonical JSON, its references both ways, and where its dates, enum values
//! and references sit. Built once from the checked, typed records; every page
//! reads from it and none checks data.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde_json::Value;

use crate::error::Result;
use crate::format::to_canonical_string;
use crate::model::{Collection, Record, Str};
use crate::refs::{PathPattern, RefFields, Reference, paths_where};
use crate::rules::provenance::{self, Catalog, Statement};
use crate::rules::{MONTHS, date_fields};
use crate::schema;
use crate::span;

use super::node::{Node, to_node};

/// One record as the site shows it: what the pages besides its own read of
/// it. Its own page reads the whole record (`Index::node`).
#[derive(Debug)]
pub struct Entry {
    /// Its collection.
    pub collection: Collection,
    /// Its id.
    pub id: Str,
    /// What a link to it says: its name, title, or statement.
    pub title: String,
    /// Its `kind` or `category`, when it has one.
    pub kind: Option<Str>,
    /// Its `aliases`.
    pub aliases: Vec<Str>,
    /// Its `fields`.
    pub fields: Vec<Str>,
    /// Its `country`, as a place has one.
    pub country: Option<Str>,
    /// The place it lies `within`, as a place has one.
    pub within: Option<Str>,
    /// How many citations it has.
    pub sources: usize,
    /// Its references, in field order.
    pub refs: Vec<Reference>,
    /// The entry each of `refs` names, when the dataset holds it: resolved
    /// once by `Index::new`, for every page that links or draws a reference.
    pub targets: Vec<Option<usize>>,
    /// Its dates with their pointers, in the order of the record's fields.
    pub dated: Vec<(Str, Str)>,
}

impl Entry {
    /// The page of this record, from the site's root.
    pub fn page(&self) -> String {
        format!("{}/{}.html", self.collection, self.id)
    }

    /// The JSON of this record, beside its page.
    pub fn json_file(&self) -> String {
        format!("{}/{}.json", self.collection, self.id)
    }

    /// Its `kind` or `category`, when it has one.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// Its dates with their pointers, in the order of the record's fields.
    pub fn dated(&self) -> impl Iterator<Item = (&str, &str)> {
        self.dated.iter().map(|(p, d)| (p.as_str(), d.as_str()))
    }

    /// Whether the text at `pointer` is one of its dates.
    pub fn is_date(&self, pointer: &str) -> bool {
        self.dated.iter().any(|(p, _)| p == pointer)
    }

    /// The entry the reference at `pointer` names, when it names one the
    /// dataset holds.
    pub fn target_at(&self, pointer: &str) -> Option<usize> {
        let k = self.refs.iter().position(|r| &*r.pointer == pointer)?;
        self.targets.get(k).copied().flatten()
    }

    /// Its references with the entries they name, for those the dataset
    /// holds.
    pub fn resolved(&self) -> impl Iterator<Item = (&Reference, usize)> {
        self.refs
            .iter()
            .zip(&self.targets)
            .filter_map(|(r, t)| Some((r, (*t)?)))
    }
}

/// The citations of the record `node`: each source id with its optional
/// quote and note.
pub fn citations(node: &Node) -> Vec<(&str, Option<&str>, Option<&str>)> {
    let Some(Node::Array(items)) = node.get("sources") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|c| {
            Some((
                c.get("source")?.as_str()?,
                c.get("quote").and_then(Node::as_str),
                c.get("note").and_then(Node::as_str),
            ))
        })
        .collect()
}

/// A reference to a record, seen from the record it names.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The referring entry.
    pub from: usize,
    /// The reference, by its place in the referring entry's `refs`.
    pub reference: usize,
}

/// Every record, in collection order then id order, with lookups. What
/// only a record's own page shows (its JSON text, the evidence of each
/// value) is made from the record when that page is rendered.
pub struct Index<'a> {
    /// The records.
    pub entries: Vec<Entry>,
    /// For each entry, the references that name it.
    pub incoming: Vec<Vec<Incoming>>,
    /// For each entry, its record.
    records: Vec<&'a Record>,
    catalog: Catalog<'a>,
}

/// What only a record's own page shows, made when it is rendered.
pub struct Detail {
    /// The pointers of its enumerated values (kinds, fields, categories).
    pub enums: HashSet<String>,
    /// The evidence of each value, as `check`, `show` and the exports give it.
    pub statements: Vec<Statement>,
}

/// The longest title a link shows; a fact's statement is cut there.
const TITLE_CHARS: usize = 110;

impl<'a> Index<'a> {
    /// Builds the index of the checked records.
    pub fn new(records: &'a [Option<Record>]) -> Result<Index<'a>> {
        let fields = RefFields::for_run()?;
        let catalog = Catalog::new(records.iter().flatten())?;
        // The records are put in order first and their entries made in
        // place: sorting or splitting the entries themselves would hold
        // them twice at once.
        let mut records: Vec<&Record> = records.iter().flatten().collect();
        records.par_sort_by(|a, b| (a.collection(), a.id()).cmp(&(b.collection(), b.id())));
        let entries: Vec<Entry> = records.par_iter().map(|r| entry(r, &fields)).collect();
        let mut index = Index {
            entries,
            incoming: Vec::new(),
            records,
            catalog,
        };
        let targets: Vec<Vec<Option<usize>>> = index
            .entries
            .par_iter()
            .map(|e| e.refs.iter().map(|r| index.find(r.target, &r.id)).collect())
            .collect();
        let mut incoming = vec![Vec::new(); index.entries.len()];
        for (from, (e, targets)) in index.entries.iter_mut().zip(targets).enumerate() {
            for (reference, to) in targets.iter().enumerate() {
                if let Some(to) = *to {
                    incoming[to].push(Incoming { from, reference });
                }
            }
            e.targets = targets;
        }
        index.incoming = incoming;
        Ok(index)
    }

    /// Frees the index with both cores: the entries of a large dataset are
    /// millions of small allocations, freed one by one.
    pub fn free(self) {
        let Index {
            entries,
            incoming,
            records,
            catalog,
        } = self;
        rayon::join(
            || entries.into_par_iter().for_each(drop),
            || drop((incoming, records, catalog)),
        );
    }

    /// Entry `i`'s typed record.
    pub fn record(&self, i: usize) -> &'a Record {
        self.records[i]
    }

    /// Entry `i`'s record, members in declared order. Made when asked:
    /// only the record's own page reads all of it.
    pub fn node(&self, i: usize) -> Node {
        node_of(self.records[i])
    }

    /// The canonical JSON text of entry `i`'s record, as in `data/`.
    pub fn json(&self, i: usize) -> String {
        to_canonical_string(self.records[i])
    }

    /// What only entry `i`'s page shows.
    pub fn detail(&self, i: usize) -> Detail {
        let record = self.records[i];
        let value = serde_json::to_value(record).unwrap_or(Value::Null);
        Detail {
            enums: expand_all(enum_fields(record.collection()), &value).collect(),
            statements: provenance::statements(
                record,
                &value,
                &self.entries[i].refs,
                &self.catalog,
            ),
        }
    }

    /// The entry of `collection`/`id`: entries are sorted by both, so a
    /// binary search finds it without building a key.
    pub fn find(&self, collection: Collection, id: &str) -> Option<usize> {
        let range = self.of(collection);
        let start = range.start;
        self.entries[range]
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .map(|k| start + k)
    }

    /// The entries of one collection, as a range of `entries`.
    pub fn of(&self, collection: Collection) -> std::ops::Range<usize> {
        let start = self.entries.partition_point(|e| e.collection < collection);
        let end = self.entries.partition_point(|e| e.collection <= collection);
        start..end
    }

    /// The ISO country codes a record is placed in: its own `country`, and
    /// that of every place it references, following `within` upwards.
    pub fn countries(&self, i: usize) -> BTreeSet<Str> {
        let mut out = BTreeSet::new();
        let e = &self.entries[i];
        let mut places: Vec<usize> = e
            .resolved()
            .filter(|(r, _)| r.target == Collection::Places)
            .map(|(_, place)| place)
            .collect();
        if e.collection == Collection::Places {
            places.push(i);
        }
        for start in places {
            let mut seen = HashSet::new();
            let mut at = Some(start);
            while let Some(p) = at.filter(|p| seen.insert(*p)) {
                let place = &self.entries[p];
                if let Some(c) = &place.country {
                    out.insert(c.clone());
                    break;
                }
                at = place
                    .within
                    .as_deref()
                    .and_then(|w| self.find(Collection::Places, w));
            }
        }
        out
    }

    /// Records referencing entry `i`, grouped by collection then field label.
    pub fn referenced_by(&self, i: usize) -> BTreeMap<(Collection, String), Vec<usize>> {
        let mut out: BTreeMap<(Collection, String), Vec<usize>> = BTreeMap::new();
        for inc in &self.incoming[i] {
            let from = &self.entries[inc.from];
            let pointer = &from.refs[inc.reference].pointer;
            let list = out
                .entry((from.collection, field_label(pointer)))
                .or_default();
            if list.last() != Some(&inc.from) {
                list.push(inc.from);
            }
        }
        out
    }
}

fn entry(record: &Record, fields: &RefFields) -> Entry {
    let collection = record.collection();
    let value = serde_json::to_value(record).unwrap_or(Value::Null);
    let node = node_of(record);
    let refs = fields.extract(collection, &value);
    let dated = dated_in(&node, expand_all(date_fields(collection), &value));
    let text = |key: &str| node.get(key).and_then(Node::as_str).map(Str::from);
    let texts = |key: &str| match node.get(key) {
        Some(Node::Array(items)) => items
            .iter()
            .filter_map(Node::as_str)
            .map(Str::from)
            .collect(),
        _ => Vec::new(),
    };
    let title = ["name", "title", "statement"]
        .iter()
        .find_map(|k| node.get(k).and_then(Node::as_str))
        .map_or_else(|| record.id().to_string(), shorten);
    Entry {
        collection,
        id: record.id().into(),
        title,
        kind: text("kind").or_else(|| text("category")),
        aliases: texts("aliases"),
        fields: texts("fields"),
        country: text("country"),
        within: text("within"),
        sources: citations(&node).len(),
        refs,
        targets: Vec::new(),
        dated,
    }
}

/// The strings at `pointers` in `node`, with their pointers, in the order
/// of the record's fields (as a walk through `node` meets them): each is
/// found by following its pointer down, and they are ordered by the
/// positions taken on the way, rather than by walking every string.
fn dated_in(node: &Node, pointers: impl Iterator<Item = String>) -> Vec<(Str, Str)> {
    let mut found: Vec<(Vec<usize>, Str, Str)> = pointers
        .filter_map(|pointer| {
            let (positions, text) = locate(node, &pointer)?;
            Some((positions, Str::from(pointer), Str::from(text)))
        })
        .collect();
    found.sort();
    found.dedup_by(|a, b| a.0 == b.0);
    found.into_iter().map(|(_, p, t)| (p, t)).collect()
}

/// The string at `pointer` in `node`, with the member and item positions
/// that lead to it; `None` when no string is there.
fn locate<'a>(node: &'a Node, pointer: &str) -> Option<(Vec<usize>, &'a str)> {
    let mut at = node;
    let mut positions = Vec::new();
    for token in pointer.split('/').skip(1) {
        let (k, next) = match at {
            Node::Object(members) => {
                let name = span::unescape(token);
                let k = members.iter().position(|(key, _)| key.as_str() == name)?;
                (k, &members[k].1)
            }
            Node::Array(items) => {
                let k = span::array_index(token)?;
                (k, items.get(k)?)
            }
            _ => return None,
        };
        positions.push(k);
        at = next;
    }
    Some((positions, at.as_str()?))
}

/// `record` as a `Node`, members in declared order (a `Value`'s objects
/// forget their members' order).
fn node_of(record: &Record) -> Node {
    to_node(record).unwrap_or(Node::Null)
}

fn expand_all<'a>(
    patterns: &'a [PathPattern],
    value: &'a Value,
) -> impl Iterator<Item = String> + 'a {
    patterns
        .iter()
        .flat_map(move |p| p.expand(value).into_iter().map(|(ptr, _)| ptr))
}

/// `text` cut to at most `TITLE_CHARS` characters at a word boundary.
fn shorten(text: &str) -> String {
    if text.chars().count() <= TITLE_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(TITLE_CHARS).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':', ' ']))
}

/// Where the enumerated values sit in each collection's records: every
/// schema node with `enum` or `const`.
fn enum_fields(collection: Collection) -> &'static [PathPattern] {
    static FIELDS: OnceLock<HashMap<Collection, Vec<PathPattern>>> = OnceLock::new();
    let fields = FIELDS.get_or_init(|| {
        Collection::ALL
            .into_iter()
            .map(|c| {
                let found = paths_where(&schema::generate(c), &|node| {
                    node.contains_key("enum") || node.contains_key("const")
                })
                .unwrap_or_default();
                (c, found)
            })
            .collect()
    });
    fields.get(&collection).map_or(&[], Vec::as_slice)
}

/// A field's name for people, from a pointer: `/signatories/0/person`
/// becomes `signatories › person`, `/expected_impacts/2` `expected impacts`.
pub fn field_label(pointer: &str) -> String {
    let mut label = String::with_capacity(pointer.len() + 8);
    let names = pointer
        .split('/')
        .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()));
    for (k, name) in names.enumerate() {
        if k > 0 {
            label.push_str(" › ");
        }
        label.extend(
            span::unescape(name)
                .chars()
                .map(|c| if c == '_' { ' ' } else { c }),
        );
    }
    label
}

/// A date in words at the precision given: `2021`, `March 2021`, `5 March 2021`.
pub fn date_in_words(date: &str) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    let month = |m: &str| {
        m.parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
    };
    match parts.as_slice() {
        [y, m] => month(m).map_or_else(|| date.to_string(), |m| format!("{m} {y}")),
        [y, m, d] => match (month(m), d.parse::<u32>()) {
            (Some(m), Ok(d)) => format!("{d} {m} {y}"),
            _ => date.to_string(),
        },
        _ => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// Calls `f` with the pointer and text of every string in `node`.
    fn walk_strings<'a>(node: &'a Node, pointer: &mut String, f: &mut dyn FnMut(&str, &'a str)) {
        match node {
            Node::String(s) => f(pointer, s),
            Node::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    walk_strings(item, pointer, f);
                    pointer.truncate(len);
                }
            }
            Node::Object(members) => {
                for (k, v) in members {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&span::escape(k));
                    walk_strings(v, pointer, f);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn dates_are_found_in_the_order_a_walk_through_the_record_meets_them() {
        let records = crate::check::bundled_records();
        let mut compared = 0;
        for record in records.iter().flatten() {
            let value = serde_json::to_value(record).unwrap();
            let node = node_of(record);
            let dates: BTreeSet<String> =
                expand_all(date_fields(record.collection()), &value).collect();
            let mut walked = Vec::new();
            walk_strings(&node, &mut String::new(), &mut |pointer, s| {
                if dates.contains(pointer) {
                    walked.push((Str::from(pointer), Str::from(s)));
                }
            });
            compared += walked.len();
            assert_eq!(
                dated_in(&node, dates.into_iter()),
                walked,
                "{}",
                record.id()
            );
        }
        assert!(compared >= 20, "{compared} dates");
        // Positions order them, not the text of their pointers: `/b/10`
        // after `/b/9`, and members in their declared order.
        let node: Node = crate::site::node::to_node(&serde_json::json!({
            "b": vec!["x"; 11],
        }))
        .unwrap();
        let found = dated_in(&node, ["/b/10".to_string(), "/b/9".to_string()].into_iter());
        assert_eq!(found[0].0, "/b/9");
    }

    #[test]
    fn each_reference_is_resolved_to_the_entry_it_names() {
        let records = crate::check::bundled_records();
        let index = Index::new(&records).unwrap();
        let mut resolved = 0;
        let mut incoming = vec![Vec::new(); index.entries.len()];
        for (from, e) in index.entries.iter().enumerate() {
            assert_eq!(e.targets.len(), e.refs.len(), "{}", e.id);
            for (k, r) in e.refs.iter().enumerate() {
                let named = index
                    .entries
                    .iter()
                    .position(|t| t.collection == r.target && *t.id == *r.id);
                assert_eq!(e.targets[k], named, "{} {}", e.id, r.pointer);
                assert_eq!(e.target_at(&r.pointer), named, "{} {}", e.id, r.pointer);
                if let Some(to) = named {
                    resolved += 1;
                    incoming[to].push((from, k));
                }
            }
            assert_eq!(e.resolved().count(), e.targets.iter().flatten().count());
        }
        assert!(resolved >= 100, "{resolved} references resolved");
        for (to, expected) in incoming.into_iter().enumerate() {
            let got: Vec<(usize, usize)> = index.incoming[to]
                .iter()
                .map(|i| (i.from, i.reference))
                .collect();
            assert_eq!(got, expected, "{}", index.entries[to].id);
        }
        assert_eq!(index.entries[0].target_at("/no/such/pointer"), None);
    }

    #[test]
    fn dates_read_at_their_precision() {
        assert_eq!(date_in_words("2021"), "2021");
        assert_eq!(date_in_words("2021-03"), "March 2021");
        assert_eq!(date_in_words("2021-03-05"), "5 March 2021");
    }

    #[test]
    fn labels_drop_positions() {
        assert_eq!(field_label("/signatories/0/person"), "signatories › person");
        assert_eq!(field_label("/expected_impacts/2"), "expected impacts");
        assert_eq!(field_label("/a~1b_c/~0x/3/y"), "a/b c › ~x › y");
        assert_eq!(field_label("/0"), "");
    }

    #[test]
    fn long_statements_are_cut_at_a_word() {
        let s = shorten(&"word ".repeat(40));
        assert!(s.ends_with('…') && s.chars().count() <= TITLE_CHARS + 1);
    }
}
