//! References between records: where they sit in each collection's records,
//! which records exist, and which records point at which.
//!
//! The one source of truth for where references sit is the generated schema:
//! every node carrying `x-techpact-ref` is a reference, so a reference field
//! added to a record type is followed by every check, by `techpact refs` and
//! by pull-request mode without another list to update. `paths_where` turns a
//! collection's schema into pointer patterns (such as `/sources/*/source`),
//! following `$ref`, `items`, `oneOf` and friends; the date rules reuse the
//! same walk to find every date field. Whether a record exists is decided by
//! file names alone, so it is known without reading any record.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use serde_json::{Map, Value};

use std::path::Path;

use crate::error::{self, Error};
use crate::load::{self, Dataset, Listed, Listing, RecordFile};
use crate::model::{Collection, REF_KEYWORD, Str};
use crate::report::visible;
use crate::schema;
use crate::span::escape;

/// One step of a pointer pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// The member of an object with this name.
    Key(String),
    /// Every element of an array.
    Items,
    /// The element of an array at this position (a tuple's member).
    Index(usize),
    /// Every member of an object (a map whose keys are data).
    AnyKey,
}

/// Where a kind of value sits in a collection's records: a JSON pointer with
/// wildcards, and the schema node it was derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    /// The steps from the record's root to the value.
    pub steps: Vec<Step>,
    /// The JSON pointer of the schema node, inside the collection's schema.
    pub location: String,
}

impl PathPattern {
    /// Every value of `root` this pattern reaches, with its JSON pointer.
    pub fn expand<'v>(&self, root: &'v Value) -> Vec<(String, &'v Value)> {
        let mut out = Vec::new();
        self.visit(root, |pointer, value| {
            out.push((pointer.to_string(), value))
        });
        out
    }

    /// Calls `each` with every value of `root` this pattern reaches and its
    /// JSON pointer, which lives only for the call: `expand` without a copy
    /// of each pointer.
    pub fn visit<'v>(&self, root: &'v Value, mut each: impl FnMut(&str, &'v Value)) {
        expand_steps(&self.steps, root, &mut String::new(), &mut each);
    }

    /// The pattern as a pointer with `*` for every array element or map member,
    /// such as `/sources/*/source`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            match step {
                Step::Key(k) => {
                    let _ = write!(out, "/{}", escape(k));
                }
                Step::Items | Step::AnyKey => out.push_str("/*"),
                Step::Index(i) => {
                    let _ = write!(out, "/{i}");
                }
            }
        }
        out
    }
}

/// Several patterns walked as one: their shared steps are taken once, so
/// each value of a record is entered once however many patterns pass
/// through it (a partnership's fifteen reference fields share `/sources/*`
/// and `/participants/*`, among others).
#[derive(Debug, Clone, Default)]
pub struct PatternTree {
    /// The root first; a node's children come after it.
    nodes: Vec<TreeNode>,
}

#[derive(Debug, Clone, Default)]
struct TreeNode {
    /// The patterns that end here, by their position in the list the tree
    /// was made from.
    ends: Vec<usize>,
    /// The next step and the node it leads to.
    children: Vec<(Step, usize)>,
}

impl PatternTree {
    /// The tree of `patterns`; a pattern is named by its position in them.
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p PathPattern>) -> PatternTree {
        let mut nodes = vec![TreeNode::default()];
        for (index, pattern) in patterns.into_iter().enumerate() {
            let mut at = 0;
            for step in &pattern.steps {
                at = match nodes[at].children.iter().find(|(s, _)| s == step) {
                    Some(&(_, next)) => next,
                    None => {
                        nodes.push(TreeNode::default());
                        let next = nodes.len() - 1;
                        nodes[at].children.push((step.clone(), next));
                        next
                    }
                };
            }
            nodes[at].ends.push(index);
        }
        PatternTree { nodes }
    }

    /// Calls `each` with the position of every pattern, every value of
    /// `root` it reaches and that value's JSON pointer, which lives only for
    /// the call. A pattern's values come in document order, as its own
    /// `PathPattern::visit` gives them; the values of different patterns
    /// come interleaved.
    pub fn visit<'v>(&self, root: &'v Value, mut each: impl FnMut(usize, &str, &'v Value)) {
        self.walk(0, root, &mut String::new(), &mut each);
    }

    fn walk<'v>(
        &self,
        at: usize,
        node: &'v Value,
        pointer: &mut String,
        each: &mut impl FnMut(usize, &str, &'v Value),
    ) {
        let here = &self.nodes[at];
        for &pattern in &here.ends {
            each(pattern, pointer, node);
        }
        for (step, next) in &here.children {
            step_into(step, node, pointer, &mut |pointer, child| {
                self.walk(*next, child, pointer, each);
            });
        }
    }
}

/// The values `steps` reach from `node`, whose pointer is `pointer`, each
/// given to `each`. One buffer holds the pointer as the walk goes down.
fn expand_steps<'v>(
    steps: &[Step],
    node: &'v Value,
    pointer: &mut String,
    each: &mut impl FnMut(&str, &'v Value),
) {
    match steps.split_first() {
        None => each(pointer, node),
        Some((step, rest)) => step_into(step, node, pointer, &mut |pointer, child| {
            expand_steps(rest, child, pointer, each);
        }),
    }
}

/// Calls `down` with every child of `node` that `step` leads to, `pointer`
/// extended by the child's token for the call and restored after it.
fn step_into<'v>(
    step: &Step,
    node: &'v Value,
    pointer: &mut String,
    down: &mut impl FnMut(&mut String, &'v Value),
) {
    let len = pointer.len();
    let mut enter = |pointer: &mut String, child: &'v Value| {
        down(pointer, child);
        pointer.truncate(len);
    };
    match (step, node) {
        (Step::Key(key), Value::Object(map)) => {
            if let Some(child) = map.get(key) {
                push_token(pointer, key);
                enter(pointer, child);
            }
        }
        (Step::Items, Value::Array(items)) => {
            for (i, child) in items.iter().enumerate() {
                push_index(pointer, i);
                enter(pointer, child);
            }
        }
        (Step::Index(i), Value::Array(items)) => {
            if let Some(child) = items.get(*i) {
                push_index(pointer, *i);
                enter(pointer, child);
            }
        }
        (Step::AnyKey, Value::Object(map)) => {
            for (key, child) in map {
                push_token(pointer, key);
                enter(pointer, child);
            }
        }
        _ => {}
    }
}

/// Appends `/` and the array index `i` to `pointer`, without the
/// formatting machinery: a walk writes one for every element it enters.
fn push_index(pointer: &mut String, mut i: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        // `i % 10` is below 10, so the cast keeps it whole.
        digits[at] = b'0' + (i % 10) as u8;
        i /= 10;
        if i == 0 {
            break;
        }
    }
    pointer.push('/');
    for &d in &digits[at..] {
        pointer.push(char::from(d));
    }
}

/// Appends `/` and the escaped `token` to `pointer`.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        pointer.push_str(&escape(token));
    } else {
        pointer.push_str(token);
    }
}

/// A schema the walk cannot turn into finite patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// The pointer patterns of every node of `schema` that `pick` selects, in
/// schema order. Follows local `$ref`s, `properties`, `items`, `prefixItems`,
/// `additionalProperties`, `patternProperties` and the branches of `oneOf`,
/// `anyOf`, `allOf` and `if`/`then`/`else`. A recursive type would need
/// patterns of unbounded depth and is reported instead of being cut short.
pub fn paths_where(
    schema: &Value,
    pick: &dyn Fn(&Map<String, Value>) -> bool,
) -> Result<Vec<PathPattern>, Unsupported> {
    let mut walk = Walk {
        root: schema,
        pick,
        out: Vec::new(),
        stack: Vec::new(),
    };
    walk.node(schema, String::new(), &mut Vec::new())?;
    // The same node can be reached twice through branches that share it.
    let mut seen = HashSet::new();
    walk.out
        .retain(|p| seen.insert((p.steps.clone(), p.location.clone())));
    Ok(walk.out)
}

struct Walk<'s, 'p> {
    root: &'s Value,
    pick: &'p dyn Fn(&Map<String, Value>) -> bool,
    out: Vec<PathPattern>,
    /// The `$ref`s being expanded, to detect recursion.
    stack: Vec<String>,
}

impl Walk<'_, '_> {
    fn node(
        &mut self,
        node: &Value,
        location: String,
        steps: &mut Vec<Step>,
    ) -> Result<(), Unsupported> {
        let Value::Object(map) = node else {
            return Ok(());
        };
        if (self.pick)(map) {
            self.out.push(PathPattern {
                steps: steps.clone(),
                location: location.clone(),
            });
        }
        if let Some(Value::String(target)) = map.get("$ref") {
            let Some(pointer) = target.strip_prefix('#') else {
                return Err(Unsupported(format!("`$ref` to another document: {target}")));
            };
            if self.stack.iter().any(|t| t == target) {
                return Err(Unsupported(format!("recursive type through {target}")));
            }
            let Some(resolved) = self.root.pointer(pointer) else {
                return Err(Unsupported(format!(
                    "`$ref` to a missing definition: {target}"
                )));
            };
            self.stack.push(target.clone());
            self.node(resolved, pointer.to_string(), steps)?;
            self.stack.pop();
        }
        if let Some(Value::Object(properties)) = map.get("properties") {
            for (name, child) in properties {
                steps.push(Step::Key(name.clone()));
                self.node(
                    child,
                    format!("{location}/properties/{}", escape(name)),
                    steps,
                )?;
                steps.pop();
            }
        }
        for (keyword, step) in [
            ("additionalProperties", Step::AnyKey),
            ("items", Step::Items),
        ] {
            if let Some(child @ Value::Object(_)) = map.get(keyword) {
                steps.push(step);
                self.node(child, format!("{location}/{keyword}"), steps)?;
                steps.pop();
            }
        }
        if let Some(Value::Object(patterns)) = map.get("patternProperties") {
            for (pattern, child) in patterns {
                steps.push(Step::AnyKey);
                self.node(
                    child,
                    format!("{location}/patternProperties/{}", escape(pattern)),
                    steps,
                )?;
                steps.pop();
            }
        }
        if let Some(Value::Array(items)) = map.get("prefixItems") {
            for (i, child) in items.iter().enumerate() {
                steps.push(Step::Index(i));
                self.node(child, format!("{location}/prefixItems/{i}"), steps)?;
                steps.pop();
            }
        }
        for keyword in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(branches)) = map.get(keyword) {
                for (i, branch) in branches.iter().enumerate() {
                    self.node(branch, format!("{location}/{keyword}/{i}"), steps)?;
                }
            }
        }
        for keyword in ["if", "then", "else"] {
            if let Some(branch) = map.get(keyword) {
                self.node(branch, format!("{location}/{keyword}"), steps)?;
            }
        }
        Ok(())
    }
}

/// A reference field of a collection: where it sits and what it points into.
#[derive(Debug, Clone)]
pub struct RefField {
    /// Where the references sit.
    pub pattern: PathPattern,
    /// The collection they point into.
    pub target: Collection,
}

/// The reference fields of every collection, derived from the generated schemas.
#[derive(Debug, Clone)]
pub struct RefFields {
    /// Each collection's fields, with their patterns walked as one.
    by_collection: HashMap<Collection, (Vec<RefField>, PatternTree)>,
}

impl RefFields {
    /// Derives the reference fields of every collection from its schema.
    pub fn new() -> Result<RefFields, Unsupported> {
        let mut by_collection = HashMap::new();
        for collection in Collection::ALL {
            let fields = ref_fields(&schema::generate(collection))?;
            let tree = PatternTree::new(fields.iter().map(|f| &f.pattern));
            by_collection.insert(collection, (fields, tree));
        }
        Ok(RefFields { by_collection })
    }

    /// `new`, with a failure as the error of a run.
    pub fn for_run() -> error::Result<RefFields> {
        RefFields::new()
            .map_err(|e| Error::Other(format!("cannot find the reference fields: {}", e.0)))
    }

    /// The reference fields of `collection`.
    pub fn of(&self, collection: Collection) -> &[RefField] {
        self.by_collection
            .get(&collection)
            .map_or(&[], |(fields, _)| fields.as_slice())
    }

    /// The collections that have a field pointing into `target`.
    pub fn referring_to(&self, target: Collection) -> Vec<Collection> {
        Collection::ALL
            .into_iter()
            .filter(|c| self.of(*c).iter().any(|f| f.target == target))
            .collect()
    }

    /// Every reference in a parsed `file`; none when it was not parsed.
    pub fn extract_file(&self, file: &RecordFile) -> Vec<Reference> {
        file.value
            .as_ref()
            .map(|v| self.extract(file.collection, v))
            .unwrap_or_default()
    }

    /// Every reference in `value`, a record of `collection`, in field order.
    /// Values that are not strings are skipped: the schema reports them.
    pub fn extract(&self, collection: Collection, value: &Value) -> Vec<Reference> {
        let Some((fields, tree)) = self.by_collection.get(&collection) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        tree.visit(value, |field, pointer, v| {
            if let Value::String(id) = v {
                out.push(Reference {
                    pointer: pointer.into(),
                    field: u32::try_from(field).unwrap_or(u32::MAX),
                    target: fields[field].target,
                    id: id.as_str().into(),
                });
            }
        });
        // Stable: each field's references stay in document order.
        out.sort_by_key(|r| r.field);
        out.shrink_to_fit();
        out
    }
}

/// The reference fields of one collection's `schema`.
pub fn ref_fields(schema: &Value) -> Result<Vec<RefField>, Unsupported> {
    let patterns = paths_where(schema, &|node| node.contains_key(REF_KEYWORD))?;
    patterns
        .into_iter()
        .map(|pattern| {
            let node = schema
                .pointer(&pattern.location)
                .and_then(|n| n.get(REF_KEYWORD));
            let name = node.and_then(Value::as_str).unwrap_or_default();
            let target = Collection::from_dir_name(name).ok_or_else(|| {
                Unsupported(format!("`{REF_KEYWORD}` names no collection: `{name}`"))
            })?;
            Ok(RefField { pattern, target })
        })
        .collect()
}

/// One reference inside a record.
#[derive(Debug, Clone, PartialEq, Eq)]
///
/// A check holds every reference of the dataset, so the strings are held
/// in place when short (most pointers and ids are; no spare capacity when
/// not) and the field index is small.
pub struct Reference {
    /// Where it sits in the referring record.
    pub pointer: Str,
    /// The index of its field in `RefFields::of(collection)`.
    pub field: u32,
    /// The collection it points into.
    pub target: Collection,
    /// The id it names.
    pub id: Str,
}

/// Every record on disk, by collection: ids come from file names, so this is
/// known without reading a single record.
#[derive(Debug, Clone, Default)]
pub struct Ids<'a> {
    by_collection: FxHashMap<Collection, FxHashSet<&'a str>>,
}

impl<'a> Ids<'a> {
    /// The ids of `(collection, file stem)` pairs.
    pub fn new(records: impl IntoIterator<Item = (Collection, &'a str)>) -> Ids<'a> {
        let mut ids = Ids::default();
        for (collection, stem) in records {
            ids.by_collection
                .entry(collection)
                .or_default()
                .insert(stem);
        }
        ids
    }

    /// The ids of every file of `dataset`.
    pub fn of_dataset(dataset: &'a Dataset) -> Ids<'a> {
        Ids::new(
            dataset
                .files
                .iter()
                .map(|f| (f.collection, f.stem.as_str())),
        )
    }

    /// Whether `collection` has a record with `id`.
    pub fn contains(&self, collection: Collection, id: &str) -> bool {
        self.by_collection
            .get(&collection)
            .is_some_and(|ids| ids.contains(id))
    }

    /// The existing id of `collection` closest to `id`, when one is close
    /// enough to be a likely typo; ties go to the alphabetically first.
    pub fn closest(&self, collection: Collection, id: &str) -> Option<&str> {
        let ids = self.by_collection.get(&collection)?;
        crate::suggest::closest(id, ids.iter().copied())
    }

    /// The other collections that have a record with `id`.
    pub fn elsewhere(&self, collection: Collection, id: &str) -> Vec<Collection> {
        Collection::ALL
            .into_iter()
            .filter(|c| *c != collection && self.contains(*c, id))
            .collect()
    }
}

/// The references of the loaded records, and the loaded records by id.
#[derive(Debug, Clone, Default)]
pub struct Graph<'a> {
    /// `refs[i]` holds the references of `dataset.files[i]`; empty when the
    /// file could not be parsed.
    pub refs: Vec<Vec<Reference>>,
    index: FxHashMap<Collection, FxHashMap<&'a str, usize>>,
}

impl<'a> Graph<'a> {
    /// The references of every parsed file of `dataset`, whether or not it
    /// passed its schema: a citing record with an unrelated error still cites.
    pub fn build(dataset: &'a Dataset, fields: &RefFields) -> Graph<'a> {
        use rayon::prelude::*;
        let refs = dataset
            .files
            .par_iter()
            .map(|f| fields.extract_file(f))
            .collect();
        Graph::new(dataset, refs)
    }

    /// The graph of `dataset` from the references of each file, `refs[i]`
    /// being those of `dataset.files[i]`.
    pub fn new(dataset: &'a Dataset, refs: Vec<Vec<Reference>>) -> Graph<'a> {
        let mut index: FxHashMap<Collection, FxHashMap<&str, usize>> = FxHashMap::default();
        for (i, f) in dataset.files.iter().enumerate() {
            index
                .entry(f.collection)
                .or_default()
                .entry(f.stem.as_str())
                .or_insert(i);
        }
        Graph { refs, index }
    }

    /// The loaded file of the record `collection`/`id`.
    pub fn file(&self, collection: Collection, id: &str) -> Option<usize> {
        self.index.get(&collection)?.get(id).copied()
    }

    /// Every reference to `collection`/`id`, as (file index, reference), in file order.
    pub fn referencers(&self, collection: Collection, id: &str) -> Vec<(usize, &Reference)> {
        self.refs
            .iter()
            .enumerate()
            .flat_map(|(i, refs)| refs.iter().map(move |r| (i, r)))
            .filter(|(_, r)| r.target == collection && &*r.id == id)
            .collect()
    }
}

/// Ids to look for in the text of record files: a cheap test that never
/// misses a reference, so that only the files it passes need parsing.
#[derive(Debug, Clone)]
pub struct Needles {
    /// Each id in quotes, as a reference is written without escapes.
    quoted: Vec<String>,
    /// The ids, for many of them.
    set: HashSet<Vec<u8>>,
}

impl Needles {
    /// Above this many ids, one pass over the strings of a file beats one search per id.
    const FEW: usize = 8;

    /// The needles for `ids`.
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> Needles {
        let set: HashSet<Vec<u8>> = ids.into_iter().map(|id| id.as_bytes().to_vec()).collect();
        let quoted = set
            .iter()
            .map(|id| format!("\"{}\"", String::from_utf8_lossy(id)))
            .collect();
        Needles { quoted, set }
    }

    /// Whether no id is looked for.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether the text of a record file may hold a reference to one of the
    /// ids: some JSON string in it is one of them, or it has an escape that
    /// could spell one, or it is not UTF-8 (reading it again reports why).
    pub fn may_reference(&self, bytes: &[u8]) -> bool {
        if self.set.is_empty() {
            return false;
        }
        let Ok(text) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        else {
            return true;
        };
        if text.contains('\\') {
            return true;
        }
        if self.quoted.len() <= Needles::FEW {
            return self.quoted.iter().any(|q| text.contains(q.as_str()));
        }
        json_strings(text).any(|s| self.set.contains(s.as_bytes()))
    }
}

/// The string literals of a JSON text that has no escapes, in order. In valid
/// JSON without escapes, quotes pair up into strings; in invalid JSON the
/// pairs may be wrong, which only matters for a file that holds no record.
pub fn json_strings(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let open = rest.find('"')?;
        let after = &rest[open + 1..];
        let close = after.find('"')?;
        rest = &after[close + 1..];
        Some(&after[..close])
    })
}

/// The records of `listing` that may reference one of `targets`: the files
/// of every collection with a field pointing into a target's collection that
/// pass `Needles::may_reference`, as indices into `listing.records`. Files
/// are read in parallel and not kept; one that cannot be read is included,
/// so that reading it again reports why.
pub fn may_reference_any(
    listing: &Listing,
    fields: &RefFields,
    targets: &[(Collection, &str)],
) -> Vec<usize> {
    use rayon::prelude::*;
    let referring: HashSet<Collection> = targets
        .iter()
        .flat_map(|(c, _)| fields.referring_to(*c))
        .collect();
    let needles = Needles::new(targets.iter().map(|(_, id)| *id));
    listing
        .records
        .par_iter()
        .enumerate()
        .filter(|(_, l)| referring.contains(&l.collection))
        .filter(|(_, l)| l.read().map_or(true, |bytes| needles.may_reference(&bytes)))
        .map(|(i, _)| i)
        .collect()
}

/// What `name` references and what references it, in the data directory
/// `dir` shown as `display`. Reads the record and only the files that may
/// reference it. An unknown record is a usage error.
pub fn record_refs(dir: &Path, display: &str, name: &RecordName) -> error::Result<RecordRefs> {
    let mut listing = load::list(dir, display)?;
    let fields = RefFields::for_run()?;
    let Some(at) = listing
        .records
        .iter()
        .position(|l| l.collection == name.collection && l.stem == name.id)
    else {
        return Err(unknown_record(&listing, name));
    };
    let mut wanted = may_reference_any(&listing, &fields, &[(name.collection, name.id.as_str())]);
    wanted.push(at);
    wanted.sort_unstable();
    wanted.dedup();
    let records = std::mem::take(&mut listing.records);
    let chosen: Vec<&Listed> = wanted.iter().map(|&i| &records[i]).collect();
    let (files, read_findings) = load::read(&chosen);
    let ids = Ids::new(records.iter().map(|l| (l.collection, l.stem.as_str())));
    let dataset = listing.into_dataset(files, read_findings);
    let graph = Graph::build(&dataset, &fields);
    let file = wanted
        .binary_search(&at)
        .unwrap_or_else(|_| unreachable!("the record was read"));
    Ok(RecordRefs::of(&dataset, &graph, &ids, file))
}

/// The usage error for `name`, which is not in `listing`, suggesting the
/// closest id.
pub fn unknown_record(listing: &Listing, name: &RecordName) -> Error {
    let ids = Ids::new(
        listing
            .records
            .iter()
            .map(|l| (l.collection, l.stem.as_str())),
    );
    let hint = match ids.closest(name.collection, &name.id) {
        Some(close) => format!("; did you mean `{}/{close}`?", name.collection),
        None => String::new(),
    };
    Error::Usage(format!(
        "no record `{}/{}` in {}{hint}",
        name.collection, name.id, listing.display
    ))
}

/// A record, named as `techpact refs` takes it: `<collection>/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordName {
    /// The collection.
    pub collection: Collection,
    /// The id.
    pub id: String,
}

impl RecordName {
    /// Parses `<collection>/<id>`; the error says what is wrong.
    pub fn parse(s: &str) -> Result<RecordName, String> {
        let s = s.strip_suffix(".json").unwrap_or(s);
        let (collection, id) = s.split_once('/').ok_or_else(|| {
            format!("`{s}` is not `<collection>/<id>`, such as `organizations/hkust`")
        })?;
        let collection = Collection::from_dir_name(collection).ok_or_else(|| {
            let all: Vec<&str> = Collection::ALL.iter().map(|c| c.dir_name()).collect();
            format!(
                "`{collection}` is not a collection; the collections are {}",
                all.join(", ")
            )
        })?;
        Ok(RecordName {
            collection,
            id: id.to_string(),
        })
    }
}

/// A reference from the record `techpact refs` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outgoing {
    /// Where it sits in the record.
    pub pointer: String,
    /// The collection it points into.
    pub collection: Collection,
    /// The id it names.
    pub id: String,
    /// Whether that record exists.
    pub exists: bool,
}

/// A reference to the record `techpact refs` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incoming {
    /// The referring record's collection.
    pub collection: Collection,
    /// The referring record's id.
    pub id: String,
    /// The referring record's file.
    pub file: String,
    /// Where the reference sits in the referring record.
    pub pointer: String,
}

/// What a record references and what references it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordRefs {
    /// The record.
    pub record: RecordName,
    /// Its file.
    pub file: String,
    /// Whether its file could be parsed; when not, `references` is empty.
    pub parsed: bool,
    /// What it references, in field order.
    pub references: Vec<Outgoing>,
    /// What references it, by file then position.
    pub referenced_by: Vec<Incoming>,
}

impl RecordRefs {
    /// The references of `file` (index into `dataset.files`) in both directions.
    pub fn of(dataset: &Dataset, graph: &Graph, ids: &Ids, file: usize) -> RecordRefs {
        let f = &dataset.files[file];
        let references = graph.refs[file]
            .iter()
            .map(|r| Outgoing {
                pointer: r.pointer.to_string(),
                collection: r.target,
                id: r.id.to_string(),
                exists: ids.contains(r.target, &r.id),
            })
            .collect();
        let referenced_by = graph
            .referencers(f.collection, &f.stem)
            .into_iter()
            .map(|(i, r)| Incoming {
                collection: dataset.files[i].collection,
                id: dataset.files[i].stem.to_string(),
                file: dataset.files[i].path.clone(),
                pointer: r.pointer.to_string(),
            })
            .collect();
        RecordRefs {
            record: RecordName {
                collection: f.collection,
                id: f.stem.to_string(),
            },
            file: f.path.clone(),
            parsed: f.parsed(),
            references,
            referenced_by,
        }
    }

    /// The listing for people: both directions, one reference a line. Ids,
    /// pointers and file names come from files that may not pass the check,
    /// so each goes through `report::visible`.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}/{}  ({})",
            self.record.collection,
            visible(&self.record.id),
            visible(&self.file)
        );
        if !self.parsed {
            out.push_str("  (the file is not valid JSON; `techpact check` says why)\n");
        }
        let targets: std::collections::BTreeSet<(String, &str)> = self
            .references
            .iter()
            .map(|r| (r.collection.to_string(), r.id.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "\nreferences ({}, to {}):",
            count(self.references.len(), "reference"),
            count(targets.len(), "record")
        );
        if self.references.is_empty() {
            out.push_str("  none\n");
        }
        let width = self
            .references
            .iter()
            .map(|r| visible(&r.pointer).chars().count())
            .max()
            .unwrap_or(0);
        for r in &self.references {
            let missing = if r.exists { "" } else { "  (no such record)" };
            let _ = writeln!(
                out,
                "  {:<width$}  {}/{}{missing}",
                visible(&r.pointer),
                r.collection,
                visible(&r.id)
            );
        }
        let mut grouped: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for r in &self.referenced_by {
            grouped
                .entry((
                    format!("{}/{}", r.collection, visible(&r.id)),
                    r.file.clone(),
                ))
                .or_default()
                .push(visible(&r.pointer).into_owned());
        }
        let _ = writeln!(
            out,
            "\nreferenced by ({}, in {}):",
            count(self.referenced_by.len(), "reference"),
            count(grouped.len(), "record")
        );
        if self.referenced_by.is_empty() {
            out.push_str("  none\n");
        }
        let width = grouped
            .keys()
            .map(|(name, _)| name.chars().count())
            .max()
            .unwrap_or(0);
        for ((name, _), pointers) in &grouped {
            let _ = writeln!(out, "  {name:<width$}  {}", pointers.join(", "));
        }
        out
    }

    /// One JSON document with a trailing newline.
    pub fn to_json(&self) -> String {
        crate::report::document(self)
    }
}

/// "1 record", "3 records".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_is_written_in_decimal() {
        for i in [0, 7, 10, 99, 12_345, usize::MAX] {
            let mut pointer = String::from("/a");
            push_index(&mut pointer, i);
            assert_eq!(pointer, format!("/a/{i}"));
        }
    }

    /// Every schema node carrying `x-techpact-ref`, by its pointer in the schema.
    fn marked_nodes(node: &Value, pointer: String, out: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if map.contains_key(REF_KEYWORD) {
                    out.push(pointer.clone());
                }
                for (k, v) in map {
                    marked_nodes(v, format!("{pointer}/{}", escape(k)), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    marked_nodes(v, format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_marked_schema_node_is_a_reference_field() {
        let mut total = 0;
        for collection in Collection::ALL {
            let schema = schema::generate(collection);
            let mut marked = Vec::new();
            marked_nodes(&schema, String::new(), &mut marked);
            let fields = ref_fields(&schema).expect("schemas are finite");
            let mut covered: Vec<String> =
                fields.iter().map(|f| f.pattern.location.clone()).collect();
            covered.sort();
            covered.dedup();
            marked.sort();
            assert_eq!(
                covered, marked,
                "{collection}: marked nodes not reached by the walk"
            );
            // Two fields at the same place pointing into different collections
            // could not be told apart in a record.
            let mut targets: HashMap<String, Collection> = HashMap::new();
            for f in &fields {
                let previous = targets.insert(f.pattern.display(), f.target);
                assert!(
                    previous.is_none_or(|t| t == f.target),
                    "{collection}: ambiguous {}",
                    f.pattern.display()
                );
            }
            total += marked.len();
        }
        assert!(
            total >= 20,
            "the model has at least twenty reference fields, found {total}"
        );
    }

    #[test]
    fn derives_the_known_fields() {
        let fields = RefFields::new().unwrap();
        let shown = |c| -> Vec<String> {
            fields
                .of(c)
                .iter()
                .map(|f| format!("{} -> {}", f.pattern.display(), f.target))
                .collect()
        };
        let orgs = shown(Collection::Organizations);
        for want in [
            "/parent -> organizations",
            "/founders/* -> organizations",
            "/location -> places",
            "/sources/*/source -> sources",
            "/withdrawn/successor -> organizations",
        ] {
            assert!(orgs.iter().any(|s| s == want), "{want} not in {orgs:?}");
        }
        let facts = shown(Collection::Facts);
        for want in [
            "/subjects/*/organization -> organizations",
            "/subjects/*/talent-program -> talent-programs",
            "/value/event -> events",
        ] {
            assert!(facts.iter().any(|s| s == want), "{want} not in {facts:?}");
        }
        let parties = shown(Collection::Partnerships);
        for want in [
            "/parties/*/organization -> organizations",
            "/parties/*/place -> places",
        ] {
            assert!(
                parties.iter().any(|s| s == want),
                "{want} not in {parties:?}"
            );
        }
        assert_eq!(
            shown(Collection::Sources),
            [
                "/credits/*/organization -> organizations",
                "/distributor -> organizations",
                "/publisher -> organizations",
                "/withdrawn/successor -> sources"
            ]
        );
    }

    /// Every (pattern, pointer) pair each pattern reaches on its own, in
    /// the order the patterns list them.
    fn one_by_one(patterns: &[PathPattern], value: &Value) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            pattern.visit(value, |pointer, _| out.push((i, pointer.to_string())));
        }
        out
    }

    #[test]
    fn a_pattern_tree_reaches_what_its_patterns_reach_one_by_one() {
        let fields = RefFields::new().unwrap();
        let mut compared = 0;
        for collection in Collection::ALL {
            let patterns: Vec<PathPattern> = fields
                .of(collection)
                .iter()
                .map(|f| f.pattern.clone())
                .collect();
            // Two patterns with the same steps share their node and both end there.
            let mut doubled = patterns.clone();
            doubled.extend(patterns.first().cloned());
            for patterns in [patterns, doubled] {
                let tree = PatternTree::new(&patterns);
                let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("data")
                    .join(collection.dir_name());
                for entry in std::fs::read_dir(dir).unwrap() {
                    let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                    let value: Value = serde_json::from_str(&text).unwrap();
                    let mut walked = Vec::new();
                    tree.visit(&value, |i, pointer, _| {
                        walked.push((i, pointer.to_string()))
                    });
                    // Stable: each pattern's values keep their order.
                    walked.sort_by_key(|(i, _)| *i);
                    assert_eq!(walked, one_by_one(&patterns, &value));
                    compared += walked.len();
                }
            }
        }
        assert!(compared > 1000, "only {compared} values compared");
    }

    #[test]
    fn extracts_references_with_pointers() {
        let fields = RefFields::new().unwrap();
        let value: Value = serde_json::json!({
            "id": "f", "statement": "s", "category": "milestone",
            "subjects": [{"organization": "a"}, {"lab": "b"}, {"organization": 3}],
            "value": {"type": "milestone", "date": "2020", "event": "e"},
            "sources": [{"source": "s1"}, {"source": "s2", "quote": "q"}]
        });
        let got: Vec<(String, Collection, String)> = fields
            .extract(Collection::Facts, &value)
            .into_iter()
            .map(|r| (r.pointer.into(), r.target, r.id.into()))
            .collect();
        let want = [
            ("/subjects/0/organization", Collection::Organizations, "a"),
            ("/subjects/1/lab", Collection::Labs, "b"),
            ("/value/event", Collection::Events, "e"),
            ("/sources/0/source", Collection::Sources, "s1"),
            ("/sources/1/source", Collection::Sources, "s2"),
        ];
        let mut got_sorted = got.clone();
        got_sorted.sort();
        let mut want: Vec<(String, Collection, String)> = want
            .iter()
            .map(|(p, c, i)| (p.to_string(), *c, i.to_string()))
            .collect();
        want.sort();
        assert_eq!(got_sorted, want);
    }

    #[test]
    fn walks_maps_items_and_rejects_recursion() {
        let schema = serde_json::json!({
            "$defs": {"R": {"type": "string", "x-techpact-ref": "labs"}},
            "properties": {
                "m": {"additionalProperties": {"items": {"$ref": "#/$defs/R"}}},
                "t": {"prefixItems": [{"type": "string"}, {"$ref": "#/$defs/R"}]}
            }
        });
        let fields = ref_fields(&schema).unwrap();
        let shown: Vec<String> = fields.iter().map(|f| f.pattern.display()).collect();
        assert_eq!(shown, ["/m/*/*", "/t/1"]);
        let value = serde_json::json!({"m": {"k/x": ["a", "b"]}, "t": ["x", "c"]});
        let pointers: Vec<String> = fields
            .iter()
            .flat_map(|f| f.pattern.expand(&value))
            .map(|(p, _)| p)
            .collect();
        assert_eq!(pointers, ["/m/k~1x/0", "/m/k~1x/1", "/t/1"]);
        let recursive = serde_json::json!({
            "$defs": {"N": {"properties": {"child": {"$ref": "#/$defs/N"}}}},
            "$ref": "#/$defs/N"
        });
        assert!(paths_where(&recursive, &|_| false).is_err());
    }

    #[test]
    fn suggests_close_ids_only() {
        let ids = Ids::new([
            (Collection::Organizations, "hkust"),
            (Collection::Organizations, "china-telecom"),
            (Collection::Labs, "mit"),
        ]);
        assert_eq!(
            ids.closest(Collection::Organizations, "hkst"),
            Some("hkust")
        );
        assert_eq!(
            ids.closest(Collection::Organizations, "china-telcom"),
            Some("china-telecom")
        );
        assert_eq!(ids.closest(Collection::Organizations, "mit"), None);
        assert_eq!(
            ids.elsewhere(Collection::Organizations, "mit"),
            [Collection::Labs]
        );
    }

    #[test]
    fn byte_prefilter_never_misses() {
        let few = Needles::new(["hkust", "mit"]);
        let many = Needles::new([
            "hkust", "mit", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8",
        ]);
        for needles in [&few, &many] {
            assert!(needles.may_reference(br#"{"a": "hkust"}"#));
            assert!(needles.may_reference(br#"{"a": ["x", "mit"]}"#));
            assert!(!needles.may_reference(br#"{"a": "hkust-gz", "hkust x": 1}"#));
            assert!(needles.may_reference(br#"{"a": "\u0068kust"}"#));
            assert!(needles.may_reference(b"\xEF\xBB\xBF{\"a\": \"mit\"}"));
            assert!(
                needles.may_reference(b"{\"a\": \"\xFF\"}"),
                "not UTF-8: read it again to say why"
            );
        }
        assert!(!Needles::new([]).may_reference(b"{}"));
        let strings: Vec<&str> = json_strings(r#"{"a": ["b", 1, "c d"]}"#).collect();
        assert_eq!(strings, ["a", "b", "c d"]);
    }

    #[test]
    fn parses_record_names() {
        assert_eq!(
            RecordName::parse("organizations/hkust").unwrap(),
            RecordName {
                collection: Collection::Organizations,
                id: "hkust".into()
            }
        );
        assert!(RecordName::parse("hkust").is_err());
        assert!(
            RecordName::parse("orgs/hkust")
                .unwrap_err()
                .contains("not a collection")
        );
    }
}
