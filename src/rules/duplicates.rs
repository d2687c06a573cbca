//! Suspected duplicates: two records of one collection that share a
//! normalized name (aliases included) or an external identifier.
//!
//! Names are compared with compatibility forms (Unicode NFKC), case,
//! punctuation and white space folded, so "China-Telecom" and "china telecom"
//! collide, and so do "H.K.U.S.T.", full-width "ＨＫＵＳＴ" and "HKUST". Places are compared together
//! with their kind and the place they lie within (there are many Springfields),
//! events with their edition and start. The finding goes on the later record
//! (by file name) and names the first, so each pair is reported once.
//!
//! `Terms` lets pull-request mode find the records
//! that may collide with a changed one by a byte search, without parsing the
//! whole collection; they never miss a record the rule would match.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::Context;
use super::identifiers::Kind;
use crate::diag::{Code, Finding};
use crate::load::RecordFile;
use crate::model::{Collection, Record};
use crate::refs::json_strings;

/// A value two records of one collection should not share.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// A normalized name, with the qualifier some collections add.
    Name(String),
    /// An external identifier of the given kind.
    Identifier(&'static str, String),
}

/// One key of a record: where it sits and how to show it.
struct Keyed {
    pointer: String,
    key: Key,
    shown: String,
}

/// `name` in NFKC with case folded and everything but letters and digits
/// dropped, so that "China-Telecom", "China Telecom", "H.K.U.S.T.",
/// "ＨＫＵＳＴ" and "HKUST" meet.
pub fn normalize(name: &str) -> String {
    // ASCII is its own compatibility form: most names skip NFKC's buffering.
    if name.is_ascii() {
        return name
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    name.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The names of a record with their pointers, and what qualifies them. A
/// withdrawn record has none: a merged record shares its successor's names
/// by design.
fn names(record: &Record) -> (Vec<(String, &str)>, String) {
    if record.withdrawn().is_some() {
        return (Vec::new(), String::new());
    }
    fn listed<'r>(name: &'r str, aliases: impl Iterator<Item = &'r str>) -> Vec<(String, &'r str)> {
        std::iter::once(("/name".to_string(), name))
            .chain(
                aliases
                    .enumerate()
                    .map(|(i, a)| (format!("/aliases/{i}"), a)),
            )
            .collect()
    }
    match record {
        Record::Organization(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            String::new(),
        ),
        Record::Person(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            String::new(),
        ),
        Record::Place(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            format!(
                "{:?} within {:?}",
                r.kind,
                r.within.as_ref().map(|w| w.as_str())
            ),
        ),
        Record::Partnership(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            String::new(),
        ),
        Record::Lab(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            String::new(),
        ),
        Record::TalentProgram(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            String::new(),
        ),
        Record::Product(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            String::new(),
        ),
        Record::Series(r) => (
            listed(r.name.as_str(), r.aliases.iter().map(|a| a.as_str())),
            String::new(),
        ),
        Record::Event(r) => (
            listed(r.name.as_str(), std::iter::empty()),
            format!(
                "edition {:?} from {:?}",
                r.edition,
                r.start.as_ref().map(|d| d.as_str())
            ),
        ),
        Record::Fact(r) => (
            vec![("/statement".to_string(), r.statement.as_str())],
            String::new(),
        ),
        Record::Source(_) | Record::Withdrawn(_) => (Vec::new(), String::new()),
    }
}

/// The external identifiers that name one entity, as (pointer, kind, value):
/// the registry ids `identifiers` checks, a source's URL, and the SHA-256 a
/// source pins. An organization's website or a place's country is shared by
/// distinct entities, so neither counts. A withdrawn record has none, as it
/// has no names.
fn identifiers(record: &Record) -> Vec<(&'static str, &'static str, &str)> {
    if record.withdrawn().is_some() {
        return Vec::new();
    }
    let mut out: Vec<(&'static str, &'static str, &str)> = super::identifiers::identifiers(record)
        .into_iter()
        .filter(|(pointer, kind, _)| match kind {
            Kind::Ror | Kind::Orcid | Kind::Wikidata => true,
            Kind::Url => *pointer == "/url",
            Kind::Country => false,
        })
        .map(|(pointer, kind, value)| (pointer, kind.name(), value))
        .collect();
    if let Record::Source(r) = record
        && let Some(v) = &r.sha256
    {
        out.push(("/sha256", "SHA-256 of its text", v.as_str()));
    }
    out
}

fn keys(record: &Record) -> Vec<Keyed> {
    let (names, qualifier) = names(record);
    let mut out: Vec<Keyed> = names
        .into_iter()
        .filter_map(|(pointer, name)| {
            let normal = normalize(name);
            (!normal.is_empty()).then(|| Keyed {
                pointer,
                key: Key::Name(format!("{normal}\u{0}{qualifier}")),
                shown: format!("name `{name}`"),
            })
        })
        .collect();
    for (pointer, kind, value) in identifiers(record) {
        out.push(Keyed {
            pointer: pointer.to_string(),
            key: Key::Identifier(kind, value.to_string()),
            shown: format!("{kind} `{value}`"),
        });
    }
    out
}

/// No two records of a collection share a normalized name or an external identifier.
pub fn records_are_distinct(cx: &Context<'_>, out: &mut Vec<Finding>) {
    use rayon::prelude::*;
    let mut first = FirstHolders::default();
    let records: Vec<(usize, &RecordFile, &Record)> = cx.records().collect();
    // The fingerprints are made in parallel, a slice of records at a time so
    // that only a slice's are held; who holds a key first is decided in order.
    for slice in records.chunks(1 << 14) {
        let prints: Vec<Vec<u64>> = slice
            .par_iter()
            .map(|(_, file, record)| fingerprints(file.collection, record))
            .collect();
        for (&(i, file, record), prints) in slice.iter().zip(prints) {
            distinct_from_earlier(cx, &mut first, (i, file, record), prints, out);
        }
    }
}

/// The findings of the record `i` against the records before it, whose keys
/// `first` holds; `prints` are its fingerprints.
fn distinct_from_earlier(
    cx: &Context<'_>,
    first: &mut FirstHolders,
    (i, file, record): (usize, &RecordFile, &Record),
    prints: Vec<u64>,
    out: &mut Vec<Finding>,
) {
    let collection = file.collection;
    // The keys themselves are built only when a fingerprint is held already.
    let mut keyed: Option<Vec<Keyed>> = None;
    // Matches of this record, grouped by the earlier record they match.
    let mut matches: Vec<(usize, String, Vec<String>)> = Vec::new();
    for (n, print) in prints.into_iter().enumerate() {
        let j = first.claim(print, i);
        if j == i {
            continue;
        }
        let Some(key) = keyed.get_or_insert_with(|| keys(record)).get(n) else {
            continue;
        };
        let j = if holds(cx, j, collection, &key.key) {
            j
        } else {
            first.claim_whole(collection, &key.key, i)
        };
        if j == i {
            continue;
        }
        match matches.iter_mut().find(|(k, _, _)| *k == j) {
            Some((_, _, shown)) => {
                if !shown.contains(&key.shown) {
                    shown.push(key.shown.clone());
                }
            }
            None => matches.push((j, key.pointer.clone(), vec![key.shown.clone()])),
        }
    }
    for (j, pointer, shown) in matches {
        let other = &cx.dataset.files[j];
        out.push(file.finding(
            Code::DuplicateSuspect,
            &pointer,
            format!(
                "this record looks like `{}/{}`: same {}; merge them, or make them distinguishable",
                other.collection,
                other.stem,
                shown.join(", same ")
            ),
        ));
    }
}

/// The first record holding each key, by the key's 64-bit fingerprint: a
/// large dataset has millions of names and statements, and keeping them as
/// strings would take most of a check's memory. A fingerprint match is
/// confirmed against the holder's own keys; a key whose fingerprint another
/// key already holds is kept whole in `collided`, so no duplicate is missed
/// and none is invented.
#[derive(Default)]
struct FirstHolders {
    by_fingerprint: HashMap<u64, usize>,
    collided: HashMap<(Collection, Key), usize>,
}

impl FirstHolders {
    /// The first record whose key has fingerprint `print`; `i`, which now
    /// holds it, when none did.
    fn claim(&mut self, print: u64, i: usize) -> usize {
        *self.by_fingerprint.entry(print).or_insert(i)
    }

    /// The first record holding `key` among those whose key shares its
    /// fingerprint with another key; `i`, which now holds it, when none did.
    fn claim_whole(&mut self, collection: Collection, key: &Key, i: usize) -> usize {
        *self.collided.entry((collection, key.clone())).or_insert(i)
    }
}

/// A hash that is the same on every run, fed in pieces.
struct Print(std::hash::DefaultHasher);

impl Print {
    /// A fingerprint of a key of `collection`; `tag` tells names from identifiers.
    fn new(collection: Collection, tag: u8) -> Print {
        use std::hash::Hasher;
        // `DefaultHasher::new` has fixed keys, unlike `RandomState`.
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(&[collection as u8, tag]);
        Print(hasher)
    }

    /// Feeds `bytes`: fed in any pieces, the same bytes give the same print.
    fn feed(&mut self, bytes: &[u8]) {
        std::hash::Hasher::write(&mut self.0, bytes);
    }

    fn finish(&self) -> u64 {
        std::hash::Hasher::finish(&self.0)
    }
}

fn identifier_print(collection: Collection, kind: &str, value: &str) -> u64 {
    let mut print = Print::new(collection, 1);
    print.feed(kind.as_bytes());
    print.feed(&[0xFF]);
    print.feed(value.as_bytes());
    print.finish()
}

/// The fingerprint of every key of `record`, in the order `keys` gives the
/// keys, without building them: names are normalized as they are hashed.
fn fingerprints(collection: Collection, record: &Record) -> Vec<u64> {
    let (names, qualifier) = names(record);
    let mut out = Vec::new();
    for (_, name) in names {
        let normal = normalize(name);
        if !normal.is_empty() {
            let mut print = Print::new(collection, 0);
            print.feed(normal.as_bytes());
            print.feed(b"\0");
            print.feed(qualifier.as_bytes());
            out.push(print.finish());
        }
    }
    for (_, kind, value) in identifiers(record) {
        out.push(identifier_print(collection, kind, value));
    }
    out
}

/// Whether the record of file `j` is of `collection` and has `key`.
fn holds(cx: &Context<'_>, j: usize, collection: Collection, key: &Key) -> bool {
    cx.dataset.files[j].collection == collection
        && cx.typed.records[j]
            .as_ref()
            .is_some_and(|record| keys(record).iter().any(|k| k.key == *key))
}

/// The keys of some records, to look for in the text of other files.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// Normalized names.
    names: HashSet<String>,
    /// Identifiers, as written.
    identifiers: HashSet<String>,
}

impl Terms {
    /// Adds the keys of `record`.
    pub fn add(&mut self, record: &Record) {
        for (_, name) in names(record).0 {
            let normal = normalize(name);
            if !normal.is_empty() {
                self.names.insert(normal);
            }
        }
        for (_, _, value) in identifiers(record) {
            self.identifiers.insert(value.to_string());
        }
    }

    /// Whether no key was added.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.identifiers.is_empty()
    }

    /// Whether the file with `bytes` may hold a record sharing one of the
    /// keys. Never false for such a file: its name, alias, statement or
    /// identifier is a whole JSON string in it, which normalizes to the key
    /// (or is it), unless the text uses escapes, and then it always passes.
    pub fn may_share_a_key(&self, bytes: &[u8]) -> bool {
        if self.is_empty() {
            return false;
        }
        // A file that is not UTF-8 holds no record at all.
        let Ok(text) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        else {
            return false;
        };
        if text.contains('\\') {
            return true;
        }
        json_strings(text)
            .any(|s| self.identifiers.contains(s) || self.names.contains(&normalize(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint of `key` in `collection`, from the key itself.
    fn fingerprint(collection: Collection, key: &Key) -> u64 {
        match key {
            Key::Name(name) => {
                let mut print = Print::new(collection, 0);
                print.feed(name.as_bytes());
                print.finish()
            }
            Key::Identifier(kind, value) => identifier_print(collection, kind, value),
        }
    }

    /// With every key sharing one fingerprint, the first holder of each key
    /// is still exact: colliding keys are told apart, repeats are found.
    #[test]
    fn fingerprint_collisions_neither_miss_nor_invent_duplicates() {
        let keys: Vec<Key> = ["a", "b", "a", "c", "b", "a"]
            .iter()
            .map(|k| Key::Name(k.to_string()))
            .collect();
        let holders = |print: &dyn Fn(&Key) -> u64| -> Vec<usize> {
            let mut first = FirstHolders::default();
            (0..keys.len())
                .map(|i| {
                    let j = first.claim(print(&keys[i]), i);
                    if j == i || keys[j] == keys[i] {
                        j
                    } else {
                        first.claim_whole(Collection::Organizations, &keys[i], i)
                    }
                })
                .collect()
        };
        let colliding = holders(&|_| 0);
        assert_eq!(colliding, [0, 1, 0, 3, 1, 0]);
        let real = holders(&|key| fingerprint(Collection::Organizations, key));
        assert_eq!(real, colliding);
    }

    /// The fingerprints computed while normalizing equal those of the keys.
    #[test]
    fn fingerprints_are_those_of_the_keys() {
        let record: Record = Record::from_value(
            Collection::Organizations,
            &serde_json::json!({
                "id": "x", "name": "H.K.U.S.T.", "aliases": ["Ünï Tech", "---"],
                "kind": "university", "identifiers": {"ror": "https://ror.org/00q4vv597"},
                "sources": [{"source": "s"}]
            }),
        )
        .unwrap();
        let from_keys: Vec<u64> = keys(&record)
            .iter()
            .map(|k| fingerprint(Collection::Organizations, &k.key))
            .collect();
        assert_eq!(from_keys.len(), 3, "two names and the ROR id");
        assert_eq!(fingerprints(Collection::Organizations, &record), from_keys);
    }

    #[test]
    fn folds_case_punctuation_and_space() {
        assert_eq!(
            normalize("The Hong Kong University of Science & Technology"),
            "thehongkonguniversityofsciencetechnology"
        );
        assert_eq!(normalize("  H.K.U.S.T.  "), "hkust");
        assert_eq!(normalize("China-Telecom"), normalize("china telecom"));
        assert_eq!(normalize("Ünïcode ΣΑΣ"), "ünïcodeσασ");
        assert_eq!(normalize("!!!"), "");
        // Full-width letters, ligatures and combining marks fold as NFKC says.
        assert_eq!(normalize("ＨＫＵＳＴ"), "hkust");
        assert_eq!(
            normalize("Ｃｈｉｎａ Ｔｅｌｅｃｏｍ"),
            normalize("China Telecom")
        );
        assert_eq!(normalize("ﬁnance"), "finance");
        assert_eq!(normalize("U\u{308}nicode"), normalize("Ünicode"));
    }

    #[test]
    fn prefilter_finds_folded_names_and_identifiers() {
        let mut terms = Terms::default();
        assert!(!terms.may_share_a_key(br#"{"name": "anything"}"#));
        terms.names.insert("chinatelecom".into());
        terms.identifiers.insert("https://x.org".into());
        assert!(terms.may_share_a_key(br#"{"name": "CHINA-TELECOM"}"#));
        assert!(!terms.may_share_a_key(br#"{"name": "China Telecom Group"}"#));
        assert!(!terms.may_share_a_key(br#"{"name": "China Mobile"}"#));
        assert!(terms.may_share_a_key(br#"{"name": "China Mobil\u0065"}"#));
        assert!(terms.may_share_a_key(b"{\"url\": \"https://x.org\"}"));
        assert!(!terms.may_share_a_key(b"{\"url\": \"https://x.org/a\"}"));
    }
}
