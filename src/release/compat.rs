//! The compatibility gate: which schema changes reject data the previous
//! release's schema accepted.
//!
//! A consumer who wrote code against release N must be able to trust that a
//! release N+minor only widens what records may hold. This module compares
//! two JSON Schemas (draft 2020-12, as `schema::generate` writes them) and
//! lists every change that narrows them: a removed property or collection, a
//! new required property, a removed enum value, a narrower type, a new or
//! changed pattern, a tighter length or bound, a new
//! `additionalProperties: false`, a reference that now points elsewhere.
//! It walks `$ref` (local `#/...` references), `properties`,
//! `additionalProperties`, `items`, `oneOf`, `anyOf` and `allOf`; any other
//! assertion keyword that appears or changes is reported too, because the
//! gate cannot prove such a change harmless. Annotations (descriptions,
//! titles, defaults, `x-` keys other than `x-techpact-ref`) never break.
//!
//! Known limit: a branch added to a `oneOf` is assumed not to overlap the old
//! branches (an overlap would make data that matched one branch match two).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::REF_KEYWORD;
use crate::span::escape;

/// One change that rejects data the old schema accepted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct BreakingChange {
    /// The collection whose schema changed.
    pub collection: String,
    /// Where in the schema: the new schema's pointer, or the old one's for
    /// something that no longer exists.
    pub pointer: String,
    /// What changed, in one sentence.
    pub change: String,
}

/// Every breaking change between the schemas of two releases, by collection
/// folder name. A collection the new side lacks is itself a breaking change.
pub fn compare_all(
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
) -> Vec<BreakingChange> {
    let mut changes = Vec::new();
    for (collection, old_schema) in old {
        match new.get(collection) {
            Some(new_schema) => changes.extend(compare(collection, old_schema, new_schema)),
            None => changes.push(BreakingChange {
                collection: collection.clone(),
                pointer: String::new(),
                change: "collection removed: its records are no longer accepted".into(),
            }),
        }
    }
    changes
}

/// Every breaking change from `old` to `new`, the schema of `collection`.
pub fn compare(collection: &str, old: &Value, new: &Value) -> Vec<BreakingChange> {
    let mut walker = Walker {
        old_root: old,
        new_root: new,
        visited: HashSet::new(),
        out: Vec::new(),
    };
    walker.schema("", old, "", new);
    let mut changes: Vec<BreakingChange> = walker
        .out
        .into_iter()
        .map(|(pointer, change)| BreakingChange {
            collection: collection.to_string(),
            pointer,
            change,
        })
        .collect();
    changes.sort();
    changes.dedup();
    changes
}

/// Keywords that only describe; changing them never rejects data.
const ANNOTATIONS: &[&str] = &[
    "$comment",
    "$defs",
    "$id",
    "$schema",
    "$anchor",
    "definitions",
    "default",
    "deprecated",
    "description",
    "examples",
    "readOnly",
    "title",
    "writeOnly",
];

/// Keywords the walker compares itself.
const HANDLED: &[&str] = &[
    "$ref",
    "additionalProperties",
    "allOf",
    "anyOf",
    "const",
    "enum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "format",
    "items",
    "maxItems",
    "maxLength",
    "maxProperties",
    "maximum",
    "minItems",
    "minLength",
    "minProperties",
    "minimum",
    "multipleOf",
    "oneOf",
    "pattern",
    "properties",
    "required",
    "type",
    "uniqueItems",
    REF_KEYWORD,
];

/// Bounds where a smaller new value is narrower.
const UPPER_BOUNDS: &[&str] = &[
    "maxLength",
    "maxItems",
    "maxProperties",
    "maximum",
    "exclusiveMaximum",
];

/// Bounds where a larger new value is narrower.
const LOWER_BOUNDS: &[&str] = &[
    "minLength",
    "minItems",
    "minProperties",
    "minimum",
    "exclusiveMinimum",
];

/// The formats draft 2020-12 defines; a validator may assert them, so adding
/// or changing one can reject data. Other formats (schemars' `uint32`) are
/// ignored by validators.
const STANDARD_FORMATS: &[&str] = &[
    "date",
    "date-time",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

struct Walker<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    /// Pairs of (old, new) pointers already compared, so recursive
    /// definitions end.
    visited: HashSet<(String, String)>,
    /// (pointer, change) pairs.
    out: Vec<(String, String)>,
}

/// A schema with its `$ref`s followed: the pointer it was found at and its
/// keywords (the target's, plus the referring schema's own siblings).
struct Resolved {
    pointer: String,
    /// `None` for the schema `false`, which accepts nothing.
    keywords: Option<Map<String, Value>>,
}

fn resolve(root: &Value, pointer: &str, schema: &Value) -> Resolved {
    let mut pointer = pointer.to_string();
    let mut current = schema.clone();
    let mut siblings = Map::new();
    for _ in 0..64 {
        match current {
            Value::Bool(false) => {
                return Resolved {
                    pointer,
                    keywords: None,
                };
            }
            Value::Object(mut map) => {
                let target = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix('#'))
                    .map(str::to_string);
                match target.and_then(|t| root.pointer(&t).map(|v| (t, v.clone()))) {
                    Some((target_pointer, target)) => {
                        map.remove("$ref");
                        for (k, v) in map {
                            siblings.entry(k).or_insert(v);
                        }
                        pointer = target_pointer;
                        current = target;
                    }
                    None => {
                        for (k, v) in siblings {
                            map.entry(k).or_insert(v);
                        }
                        return Resolved {
                            pointer,
                            keywords: Some(map),
                        };
                    }
                }
            }
            // `true` and anything that is not a schema accept everything.
            _ => {
                return Resolved {
                    pointer,
                    keywords: Some(siblings),
                };
            }
        }
    }
    Resolved {
        pointer,
        keywords: Some(siblings),
    }
}

/// The JSON types a schema allows; `None` when it does not restrict them.
fn types(map: &Map<String, Value>) -> Option<BTreeSet<String>> {
    match map.get("type")? {
        Value::String(t) => Some(BTreeSet::from([t.clone()])),
        Value::Array(ts) => Some(
            ts.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

/// Whether a value of JSON type `t` is accepted by the type set `allowed`.
fn type_accepts(allowed: &BTreeSet<String>, t: &str) -> bool {
    allowed.contains(t) || (t == "integer" && allowed.contains("number"))
}

fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The values a schema allows when it lists them (`const` or `enum`).
fn allowed_values(map: &Map<String, Value>) -> Option<Vec<Value>> {
    if let Some(c) = map.get("const") {
        return Some(vec![c.clone()]);
    }
    map.get("enum").and_then(Value::as_array).cloned()
}

fn list(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl Walker<'_> {
    fn report(&mut self, pointer: &str, change: impl Into<String>) {
        self.out.push((pointer.to_string(), change.into()));
    }

    /// Compares the schema `old` found at `old_ptr` with `new` at `new_ptr`.
    fn schema(&mut self, old_ptr: &str, old: &Value, new_ptr: &str, new: &Value) {
        let old = resolve(self.old_root, old_ptr, old);
        let new = resolve(self.new_root, new_ptr, new);
        if !self
            .visited
            .insert((old.pointer.clone(), new.pointer.clone()))
        {
            return;
        }
        let Some(old_map) = old.keywords else {
            // The old schema accepted nothing, so nothing can be lost.
            return;
        };
        let Some(new_map) = new.keywords else {
            self.report(&new.pointer, "now `false`: accepts nothing");
            return;
        };
        self.keywords(&old.pointer, &old_map, &new.pointer, &new_map);
    }

    fn keywords(&mut self, op: &str, old: &Map<String, Value>, np: &str, new: &Map<String, Value>) {
        self.type_and_values(np, old, new);
        self.bounds(np, old, new);
        self.pattern_and_format(np, old, new);
        self.reference_target(np, old, new);
        self.objects(op, old, np, new);
        self.arrays(op, old, np, new);
        self.combinators(op, old, np, new);
        self.unknown(np, old, new);
    }

    /// Invariant: every type, and every listed value, the old schema accepted
    /// is still accepted.
    fn type_and_values(&mut self, np: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        let old_values = allowed_values(old);
        if let Some(new_types) = types(new) {
            match (&old_values, types(old)) {
                (Some(values), _) => {
                    for v in values {
                        if !type_accepts(&new_types, value_type(v)) {
                            self.report(
                                &format!("{np}/type"),
                                format!(
                                    "type narrowed to {}: rejects {}",
                                    list(&new_types),
                                    compact(v)
                                ),
                            );
                        }
                    }
                }
                (None, Some(old_types)) => {
                    let lost: BTreeSet<String> = old_types
                        .iter()
                        .filter(|t| !type_accepts(&new_types, t))
                        .cloned()
                        .collect();
                    if !lost.is_empty() {
                        self.report(
                            &format!("{np}/type"),
                            format!(
                                "type narrowed from {} to {}",
                                list(&old_types),
                                list(&new_types)
                            ),
                        );
                    }
                }
                (None, None) => self.report(
                    &format!("{np}/type"),
                    format!("type restricted to {}", list(&new_types)),
                ),
            }
        }
        if let Some(new_values) = allowed_values(new) {
            let keyword = if new.contains_key("const") {
                "const"
            } else {
                "enum"
            };
            match old_values {
                None => self.report(
                    &format!("{np}/{keyword}"),
                    format!(
                        "values restricted to {}",
                        new_values
                            .iter()
                            .map(compact)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Some(old_values) => {
                    for v in old_values.iter().filter(|v| !new_values.contains(v)) {
                        self.report(
                            &format!("{np}/{keyword}"),
                            format!("value {} removed", compact(v)),
                        );
                    }
                }
            }
        }
    }

    /// Invariant: no length, size or numeric bound is new or tighter.
    fn bounds(&mut self, np: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        for (keywords, tighter, word) in [
            (
                UPPER_BOUNDS,
                (|n: f64, o: f64| n < o) as fn(f64, f64) -> bool,
                "lowered",
            ),
            (LOWER_BOUNDS, |n: f64, o: f64| n > o, "raised"),
        ] {
            for keyword in keywords {
                let Some(n) = new.get(*keyword).and_then(Value::as_f64) else {
                    continue;
                };
                match old.get(*keyword).and_then(Value::as_f64) {
                    None => self.report(
                        &format!("{np}/{keyword}"),
                        format!("`{keyword}: {}` added", new[*keyword]),
                    ),
                    Some(o) if tighter(n, o) => self.report(
                        &format!("{np}/{keyword}"),
                        format!(
                            "`{keyword}` {word} from {} to {}",
                            old[*keyword], new[*keyword]
                        ),
                    ),
                    Some(_) => {}
                }
            }
        }
        if let Some(n) = new.get("multipleOf").and_then(Value::as_f64) {
            let divides = old
                .get("multipleOf")
                .and_then(Value::as_f64)
                .is_some_and(|o| n != 0.0 && (o / n).fract() == 0.0);
            if !divides {
                self.report(
                    &format!("{np}/multipleOf"),
                    format!("`multipleOf: {}` added or changed", new["multipleOf"]),
                );
            }
        }
        if new.get("uniqueItems") == Some(&Value::Bool(true))
            && old.get("uniqueItems") != Some(&Value::Bool(true))
        {
            self.report(&format!("{np}/uniqueItems"), "items must now be unique");
        }
    }

    /// Invariant: no pattern is new or changed, and no asserted format is
    /// new or changed.
    fn pattern_and_format(&mut self, np: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        if let Some(n) = new.get("pattern") {
            match old.get("pattern") {
                None => self.report(
                    &format!("{np}/pattern"),
                    format!("pattern {} added", compact(n)),
                ),
                Some(o) if o != n => self.report(
                    &format!("{np}/pattern"),
                    format!("pattern changed from {} to {}", compact(o), compact(n)),
                ),
                Some(_) => {}
            }
        }
        if let Some(n) = new.get("format").and_then(Value::as_str)
            && STANDARD_FORMATS.contains(&n)
            && old.get("format").and_then(Value::as_str) != Some(n)
        {
            self.report(&format!("{np}/format"), format!("format `{n}` added"));
        }
    }

    /// Invariant: a reference still points into the same collection, and a
    /// plain string did not become a reference (which must name a record).
    fn reference_target(&mut self, np: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        let Some(n) = new.get(REF_KEYWORD) else {
            return;
        };
        match old.get(REF_KEYWORD) {
            None => self.report(
                &format!("{np}/{REF_KEYWORD}"),
                format!(
                    "now a reference into {}: must name an existing record",
                    compact(n)
                ),
            ),
            Some(o) if o != n => self.report(
                &format!("{np}/{REF_KEYWORD}"),
                format!(
                    "reference now points into {} instead of {}",
                    compact(n),
                    compact(o)
                ),
            ),
            Some(_) => {}
        }
    }

    /// Invariant: every property survives, no property becomes required, no
    /// property the old schema accepted freely gains constraints, and
    /// `additionalProperties` does not narrow.
    fn objects(&mut self, op: &str, old: &Map<String, Value>, np: &str, new: &Map<String, Value>) {
        let empty = Map::new();
        let old_props = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_props = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let accept_all = Value::Object(Map::new());
        let old_additional = old.get("additionalProperties").unwrap_or(&accept_all);
        let new_additional = new.get("additionalProperties").unwrap_or(&accept_all);
        for (name, old_schema) in old_props {
            let key = escape(name);
            match new_props.get(name) {
                Some(new_schema) => self.schema(
                    &format!("{op}/properties/{key}"),
                    old_schema,
                    &format!("{np}/properties/{key}"),
                    new_schema,
                ),
                None => self.report(
                    &format!("{op}/properties/{key}"),
                    format!("property `{name}` removed"),
                ),
            }
        }
        if old_additional != &Value::Bool(false) {
            for (name, new_schema) in new_props
                .iter()
                .filter(|(n, _)| !old_props.contains_key(*n))
            {
                self.schema(
                    &format!("{op}/additionalProperties"),
                    old_additional,
                    &format!("{np}/properties/{}", escape(name)),
                    new_schema,
                );
            }
            if new_additional == &Value::Bool(false) {
                self.report(
                    &format!("{np}/additionalProperties"),
                    "`additionalProperties: false` added: properties not listed are now rejected",
                );
            } else if new.contains_key("additionalProperties") {
                self.schema(
                    &format!("{op}/additionalProperties"),
                    old_additional,
                    &format!("{np}/additionalProperties"),
                    new_additional,
                );
            }
        }
        let required = |m: &Map<String, Value>| -> BTreeSet<String> {
            m.get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let old_required = required(old);
        for name in required(new).difference(&old_required) {
            self.report(
                &format!("{np}/required"),
                format!("property `{name}` is now required"),
            );
        }
    }

    /// Invariant: array items accept at least what they accepted.
    fn arrays(&mut self, op: &str, old: &Map<String, Value>, np: &str, new: &Map<String, Value>) {
        let accept_all = Value::Object(Map::new());
        if let Some(new_items) = new.get("items") {
            let old_items = old.get("items").unwrap_or(&accept_all);
            self.schema(
                &format!("{op}/items"),
                old_items,
                &format!("{np}/items"),
                new_items,
            );
        }
    }

    /// Invariant: every old `oneOf`/`anyOf` branch is still accepted by some
    /// new branch, and no `allOf` constraint is new or narrower.
    fn combinators(
        &mut self,
        op: &str,
        old: &Map<String, Value>,
        np: &str,
        new: &Map<String, Value>,
    ) {
        for keyword in ["oneOf", "anyOf"] {
            let Some(new_branches) = new.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let Some(old_branches) = old.get(keyword).and_then(Value::as_array) else {
                self.report(
                    &format!("{np}/{keyword}"),
                    format!("`{keyword}` added: data must now match one of its branches"),
                );
                continue;
            };
            for (i, old_branch) in old_branches.iter().enumerate() {
                let old_ptr = format!("{op}/{keyword}/{i}");
                // Try every new branch on a scratch walker; the old branch is
                // covered when one of them loses nothing.
                let mut best: Option<(usize, usize)> = None;
                for (j, new_branch) in new_branches.iter().enumerate() {
                    let mut trial = Walker {
                        old_root: self.old_root,
                        new_root: self.new_root,
                        visited: self.visited.clone(),
                        out: Vec::new(),
                    };
                    trial.schema(
                        &old_ptr,
                        old_branch,
                        &format!("{np}/{keyword}/{j}"),
                        new_branch,
                    );
                    let cost = trial.out.len();
                    let better = match best {
                        None => true,
                        Some((_, c)) => cost < c || (cost == c && j == i),
                    };
                    if better {
                        best = Some((j, cost));
                    }
                    if cost == 0 {
                        break;
                    }
                }
                match best {
                    Some((_, 0)) => {}
                    Some((j, _)) => {
                        self.report(
                            &format!("{np}/{keyword}"),
                            format!("no branch accepts everything old branch {i} accepted; the closest is branch {j}:"),
                        );
                        self.schema(
                            &old_ptr,
                            old_branch,
                            &format!("{np}/{keyword}/{j}"),
                            &new_branches[j],
                        );
                    }
                    None => self.report(
                        &format!("{np}/{keyword}"),
                        format!("no branch left to accept what old branch {i} accepted"),
                    ),
                }
            }
        }
        if let Some(new_all) = new.get("allOf").and_then(Value::as_array) {
            let old_all = old.get("allOf").and_then(Value::as_array);
            let accept_all = Value::Object(Map::new());
            for (i, new_schema) in new_all.iter().enumerate() {
                let old_schema = old_all.and_then(|a| a.get(i)).unwrap_or(&accept_all);
                self.schema(
                    &format!("{op}/allOf/{i}"),
                    old_schema,
                    &format!("{np}/allOf/{i}"),
                    new_schema,
                );
            }
        }
    }

    /// Invariant: an assertion keyword the gate does not understand is
    /// neither new nor changed.
    fn unknown(&mut self, np: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        for (keyword, value) in new {
            if ANNOTATIONS.contains(&keyword.as_str())
                || HANDLED.contains(&keyword.as_str())
                || keyword.starts_with("x-")
            {
                continue;
            }
            if old.get(keyword) != Some(value) {
                self.report(
                    &format!("{np}/{}", escape(keyword)),
                    format!(
                        "keyword `{keyword}` added or changed; the gate cannot prove it only widens"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn breaks(old: Value, new: Value) -> Vec<(String, String)> {
        compare("labs", &old, &new)
            .into_iter()
            .map(|c| (c.pointer, c.change))
            .collect()
    }

    fn object(properties: Value, required: &[&str]) -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": properties,
            "required": required,
        })
    }

    #[test]
    fn identical_and_annotation_only_changes_pass() {
        let s = object(
            json!({"id": {"type": "string", "description": "a"}}),
            &["id"],
        );
        assert!(breaks(s.clone(), s.clone()).is_empty());
        let described = object(
            json!({"id": {"type": "string", "description": "b", "x-note": 1}}),
            &["id"],
        );
        assert!(breaks(s, described).is_empty());
    }

    #[test]
    fn removed_property_breaks() {
        let old = object(
            json!({"id": {"type": "string"}, "name": {"type": "string"}}),
            &["id"],
        );
        let new = object(json!({"id": {"type": "string"}}), &["id"]);
        assert_eq!(
            breaks(old, new),
            [("/properties/name".into(), "property `name` removed".into())]
        );
    }

    #[test]
    fn new_optional_property_is_compatible_but_new_required_breaks() {
        let old = object(json!({"id": {"type": "string"}}), &["id"]);
        let optional = object(
            json!({"id": {"type": "string"}, "note": {"type": "string"}}),
            &["id"],
        );
        assert!(breaks(old.clone(), optional).is_empty());
        let required = object(
            json!({"id": {"type": "string"}, "note": {"type": "string"}}),
            &["id", "note"],
        );
        assert_eq!(
            breaks(old, required),
            [("/required".into(), "property `note` is now required".into())]
        );
    }

    #[test]
    fn dropping_a_requirement_is_compatible() {
        let old = object(
            json!({"id": {"type": "string"}, "n": {"type": "string"}}),
            &["id", "n"],
        );
        let new = object(
            json!({"id": {"type": "string"}, "n": {"type": "string"}}),
            &["id"],
        );
        assert!(breaks(old, new).is_empty());
    }

    #[test]
    fn removed_enum_value_breaks_added_one_does_not() {
        let old = json!({"type": "string", "enum": ["a", "b"]});
        assert!(
            breaks(
                old.clone(),
                json!({"type": "string", "enum": ["a", "b", "c"]})
            )
            .is_empty()
        );
        assert_eq!(
            breaks(old, json!({"type": "string", "enum": ["a"]})),
            [("/enum".into(), "value \"b\" removed".into())]
        );
        assert_eq!(
            breaks(
                json!({"type": "string"}),
                json!({"type": "string", "enum": ["a"]})
            ),
            [("/enum".into(), "values restricted to \"a\"".into())]
        );
    }

    #[test]
    fn narrower_type_breaks_wider_does_not() {
        assert_eq!(
            breaks(json!({"type": "number"}), json!({"type": "integer"})),
            [(
                "/type".into(),
                "type narrowed from number to integer".into()
            )]
        );
        assert!(breaks(json!({"type": "integer"}), json!({"type": "number"})).is_empty());
        assert!(
            breaks(
                json!({"type": "string"}),
                json!({"type": ["string", "null"]})
            )
            .is_empty()
        );
        assert_eq!(
            breaks(json!({}), json!({"type": "string"})),
            [("/type".into(), "type restricted to string".into())]
        );
    }

    #[test]
    fn pattern_changes_break_unless_identical_or_removed() {
        let p = json!({"type": "string", "pattern": "^[a-z]+$"});
        assert!(breaks(p.clone(), p.clone()).is_empty());
        assert!(breaks(p.clone(), json!({"type": "string"})).is_empty());
        assert_eq!(
            breaks(p, json!({"type": "string", "pattern": "^[a-z0-9]+$"})),
            [(
                "/pattern".into(),
                "pattern changed from \"^[a-z]+$\" to \"^[a-z0-9]+$\"".into()
            )]
        );
        assert_eq!(
            breaks(
                json!({"type": "string"}),
                json!({"type": "string", "pattern": "^a"})
            )
            .len(),
            1
        );
    }

    #[test]
    fn tighter_bounds_break_looser_do_not() {
        let old = json!({"type": "string", "maxLength": 300, "minLength": 1});
        assert!(breaks(old.clone(), json!({"type": "string", "maxLength": 400})).is_empty());
        assert_eq!(
            breaks(
                old.clone(),
                json!({"type": "string", "maxLength": 200, "minLength": 2})
            ),
            [
                (
                    "/maxLength".into(),
                    "`maxLength` lowered from 300 to 200".into()
                ),
                ("/minLength".into(), "`minLength` raised from 1 to 2".into()),
            ]
        );
        assert_eq!(
            breaks(
                json!({"type": "integer"}),
                json!({"type": "integer", "minimum": 1})
            ),
            [("/minimum".into(), "`minimum: 1` added".into())]
        );
        assert_eq!(
            breaks(
                json!({"type": "integer", "maximum": 10}),
                json!({"type": "integer", "maximum": 9})
            )
            .len(),
            1
        );
    }

    #[test]
    fn new_additional_properties_false_breaks() {
        let open = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        let closed = json!({"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": false});
        assert_eq!(
            breaks(open.clone(), closed.clone()),
            [(
                "/additionalProperties".into(),
                "`additionalProperties: false` added: properties not listed are now rejected"
                    .into()
            )]
        );
        assert!(breaks(closed, open).is_empty());
    }

    #[test]
    fn a_new_property_on_an_open_object_must_accept_anything() {
        let open = json!({"type": "object"});
        let constrained = json!({"type": "object", "properties": {"n": {"type": "string"}}});
        assert_eq!(
            breaks(open, constrained),
            [(
                "/properties/n/type".into(),
                "type restricted to string".into()
            )]
        );
    }

    #[test]
    fn follows_refs_into_defs_and_items() {
        let old = json!({
            "$defs": {"Citation": {"type": "object", "properties": {"quote": {"type": "string", "maxLength": 500}}}},
            "type": "object",
            "properties": {"sources": {"type": "array", "items": {"$ref": "#/$defs/Citation"}}}
        });
        let mut new = old.clone();
        new["$defs"]["Citation"]["properties"]["quote"]["maxLength"] = json!(100);
        assert_eq!(
            breaks(old, new),
            [(
                "/$defs/Citation/properties/quote/maxLength".into(),
                "`maxLength` lowered from 500 to 100".into()
            )]
        );
    }

    #[test]
    fn moving_an_inline_schema_into_defs_is_not_a_change() {
        let old = json!({"type": "object", "properties": {"k": {"type": "string", "enum": ["a"]}}});
        let new = json!({
            "$defs": {"K": {"type": "string", "enum": ["a"]}},
            "type": "object",
            "properties": {"k": {"$ref": "#/$defs/K", "description": "k"}}
        });
        assert!(breaks(old, new).is_empty());
    }

    #[test]
    fn recursive_definitions_terminate() {
        let s = json!({
            "$defs": {"Node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/Node"}}}},
            "$ref": "#/$defs/Node"
        });
        let mut narrower = s.clone();
        narrower["$defs"]["Node"]["required"] = json!(["child"]);
        assert!(breaks(s.clone(), s.clone()).is_empty());
        assert_eq!(breaks(s, narrower).len(), 1);
    }

    #[test]
    fn one_of_branches_must_stay_covered() {
        let branch = |t: &str, extra: Value| {
            let mut b = json!({"type": "object", "properties": {"type": {"const": t}}, "required": ["type"]});
            if let Value::Object(extra) = extra {
                for (k, v) in extra {
                    b[&k] = v;
                }
            }
            b
        };
        let old = json!({"oneOf": [branch("a", json!({})), branch("b", json!({}))]});
        let reordered = json!({"oneOf": [branch("b", json!({})), branch("a", json!({})), branch("c", json!({}))]});
        assert!(breaks(old.clone(), reordered).is_empty());
        let dropped = json!({"oneOf": [branch("a", json!({}))]});
        let found = breaks(old.clone(), dropped);
        assert!(
            found
                .iter()
                .any(|(p, c)| p == "/oneOf" && c.contains("old branch 1")),
            "{found:?}"
        );
        let narrowed = json!({"oneOf": [branch("a", json!({})), branch("b", json!({"additionalProperties": false}))]});
        let found = breaks(old, narrowed);
        assert!(
            found
                .iter()
                .any(|(p, _)| p == "/oneOf/1/additionalProperties"),
            "{found:?}"
        );
    }

    #[test]
    fn reference_target_changes_break() {
        let old = json!({"type": "string", "x-techpact-ref": "organizations"});
        assert_eq!(
            breaks(old, json!({"type": "string", "x-techpact-ref": "places"})),
            [(
                "/x-techpact-ref".into(),
                "reference now points into \"places\" instead of \"organizations\"".into()
            )]
        );
    }

    #[test]
    fn unknown_assertions_are_reported_conservatively() {
        assert_eq!(
            breaks(
                json!({"type": "object"}),
                json!({"type": "object", "propertyNames": {"maxLength": 3}})
            )
            .len(),
            1
        );
        assert!(
            breaks(
                json!({"type": "string"}),
                json!({"type": "string", "format": "uint32"})
            )
            .is_empty()
        );
        assert_eq!(
            breaks(
                json!({"type": "string"}),
                json!({"type": "string", "format": "date"})
            )
            .len(),
            1
        );
    }

    #[test]
    fn removed_collection_breaks() {
        let s = json!({"type": "object"});
        let old = BTreeMap::from([
            ("labs".to_string(), s.clone()),
            ("places".to_string(), s.clone()),
        ]);
        let new = BTreeMap::from([("labs".to_string(), s)]);
        let found = compare_all(&old, &new);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].collection, "places");
        assert_eq!(found[0].pointer, "");
    }

    #[test]
    fn the_generated_schemas_are_compatible_with_themselves() {
        for c in crate::model::Collection::ALL {
            let s = crate::schema::generate(c);
            assert!(compare(c.dir_name(), &s, &s).is_empty(), "{c}");
        }
    }
}
