//! Differences between two states of the dataset: which records were added,
//! changed and removed in each collection, and for a changed record which
//! fields changed (as JSON pointers with the old and new values).
//!
//! A state is a `Snapshot` (read by `snapshot`): the records of a git
//! revision, of a release archive, or of a release folder. `techpact diff` prints the comparison;
//! `techpact release` writes the same comparison against the previous tag as
//! `CHANGES.md` and `changes.json`, so the two can never disagree.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::model::Collection;
use crate::report::visible;
use crate::snapshot::Snapshot;
use crate::span::escape;

/// One changed field of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Where in the record, as a JSON pointer.
    pub pointer: String,
    /// The old value; absent when the field was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; absent when the field was removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// A record present on both sides with different content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedRecord {
    /// The record id.
    pub id: String,
    /// Its changed fields, in pointer order.
    pub fields: Vec<FieldChange>,
}

/// What changed in one collection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectionChanges {
    /// The collection folder name.
    pub collection: String,
    /// Ids of records only the new side has.
    pub added: Vec<String>,
    /// Records whose content changed.
    pub changed: Vec<ChangedRecord>,
    /// Ids of records only the old side has.
    pub removed: Vec<String>,
    /// Records withdrawn since the old side: renamed, merged or just withdrawn.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withdrawn: Vec<WithdrawnRecord>,
}

/// What became of a record withdrawn since the old side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    /// Withdrawn; nothing replaces it.
    Withdrawn,
    /// Merged into an existing record, its successor.
    Merged,
    /// Renamed: its successor is new on this side.
    Renamed,
}

/// A record the old side had in use and the new side has withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WithdrawnRecord {
    /// The record id, which stays as a tombstone.
    pub id: String,
    /// What became of it.
    pub fate: Fate,
    /// The record that replaces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    /// Why, as the withdrawal says.
    pub reason: String,
}

impl WithdrawnRecord {
    /// `renamed to x`, `merged into x`, `withdrawn (reason)`.
    pub fn describe(&self) -> String {
        match (self.fate, &self.successor) {
            (Fate::Renamed, Some(to)) => format!("renamed to {to}"),
            (Fate::Merged, Some(to)) => format!("merged into {to}"),
            _ => format!("withdrawn ({})", self.reason),
        }
    }
}

/// Totals over every collection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Records added.
    pub added: usize,
    /// Records changed.
    pub changed: usize,
    /// Records removed.
    pub removed: usize,
    /// Records withdrawn (renamed and merged ones included).
    #[serde(skip_serializing_if = "is_zero")]
    pub withdrawn: usize,
}

impl Totals {
    /// `2 added, 1 changed, 0 removed`, with the withdrawn ones when there are any.
    pub fn counts(&self) -> String {
        let mut out = format!(
            "{} added, {} changed, {} removed",
            self.added, self.changed, self.removed
        );
        if self.withdrawn > 0 {
            out.push_str(&format!(", {} withdrawn", self.withdrawn));
        }
        out
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The comparison of two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    /// The old side's label; `None` when there is no old side (a first release).
    pub from: Option<String>,
    /// The new side's label.
    pub to: String,
    /// Totals.
    pub totals: Totals,
    /// Collections with at least one change, in collection order.
    pub collections: Vec<CollectionChanges>,
}

/// Compares `old` (absent for a first release) with `new`.
pub fn diff(old: Option<&Snapshot>, new: &Snapshot) -> Changes {
    let empty = BTreeMap::new();
    let names = ordered(
        new.collections
            .keys()
            .chain(old.into_iter().flat_map(|o| o.collections.keys()))
            .map(String::as_str),
    );
    let mut changes = Changes::new(old.map(|o| o.label.clone()), new.label.clone());
    for name in names {
        let before = old.and_then(|o| o.collections.get(name)).unwrap_or(&empty);
        let after = new.collections.get(name).unwrap_or(&empty);
        changes.add(name, before, after);
    }
    changes
}

/// The collection folder names `names` once each, in the order `Changes`
/// lists collections: known collections in their usual order, then any
/// other folder by name.
pub fn ordered<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_by(|a, b| collection_order(a, b));
    names.dedup();
    names
}

impl Changes {
    /// No changes yet, from `from` (`None` for a first release) to `to`.
    pub fn new(from: Option<String>, to: String) -> Changes {
        Changes {
            from,
            to,
            totals: Totals::default(),
            collections: Vec::new(),
        }
    }

    /// Adds the changes of the collection `name` from `before` to `after`
    /// (id → record): collections are added in the order `ordered` gives.
    pub fn add(
        &mut self,
        name: &str,
        before: &BTreeMap<String, Value>,
        after: &BTreeMap<String, Value>,
    ) {
        let added: Vec<String> = after
            .keys()
            .filter(|id| !before.contains_key(*id))
            .cloned()
            .collect();
        let removed: Vec<String> = before
            .keys()
            .filter(|id| !after.contains_key(*id))
            .cloned()
            .collect();
        let (withdrawn, added) = withdrawals(before, after, added);
        let changed: Vec<ChangedRecord> = after
            .iter()
            .filter(|(id, _)| !withdrawn.iter().any(|w| &w.id == *id))
            .filter_map(|(id, value)| {
                let previous = before.get(id)?;
                let mut fields = Vec::new();
                field_changes("", previous, value, &mut fields);
                (!fields.is_empty()).then(|| ChangedRecord {
                    id: id.clone(),
                    fields,
                })
            })
            .collect();
        if added.is_empty() && removed.is_empty() && changed.is_empty() && withdrawn.is_empty() {
            return;
        }
        self.totals.added += added.len();
        self.totals.changed += changed.len();
        self.totals.removed += removed.len();
        self.totals.withdrawn += withdrawn.len();
        self.collections.push(CollectionChanges {
            collection: name.to_string(),
            added,
            changed,
            removed,
            withdrawn,
        });
    }
}

/// The records `before` had in use and `after` has withdrawn, and what is
/// left of `added` once a renamed record's new id counts as its rename.
fn withdrawals(
    before: &BTreeMap<String, Value>,
    after: &BTreeMap<String, Value>,
    added: Vec<String>,
) -> (Vec<WithdrawnRecord>, Vec<String>) {
    let mut out = Vec::new();
    for (id, value) in after {
        let Some(withdrawal) = value.get("withdrawn") else {
            continue;
        };
        if before
            .get(id)
            .is_none_or(|old| old.get("withdrawn").is_some())
        {
            continue;
        }
        let successor = withdrawal
            .get("successor")
            .and_then(Value::as_str)
            .map(str::to_string);
        let fate = match &successor {
            Some(to) if added.contains(to) => Fate::Renamed,
            Some(_) => Fate::Merged,
            None => Fate::Withdrawn,
        };
        out.push(WithdrawnRecord {
            id: id.clone(),
            fate,
            successor,
            reason: withdrawal
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        });
    }
    let renamed_to: Vec<&String> = out
        .iter()
        .filter(|w| w.fate == Fate::Renamed)
        .filter_map(|w| w.successor.as_ref())
        .collect();
    let added = added
        .iter()
        .filter(|id| !renamed_to.contains(id))
        .cloned()
        .collect();
    (out, added)
}

/// Known collections in their usual order, then any other folder by name.
fn collection_order(a: &str, b: &str) -> Ordering {
    let rank = |name: &str| {
        Collection::ALL
            .iter()
            .position(|c| c.dir_name() == name)
            .unwrap_or(Collection::ALL.len())
    };
    rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
}

/// Pushes the differences between `old` and `new` at `pointer`. Objects are
/// compared key by key; arrays of equal length element by element; anything
/// else (including arrays whose length changed) as one value, which reads
/// better than a shifted list of element changes.
fn field_changes(pointer: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let at = format!("{pointer}/{}", escape(key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => field_changes(&at, x, y, out),
                    (x, y) => out.push(FieldChange {
                        pointer: at,
                        old: x.cloned(),
                        new: y.cloned(),
                    }),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                field_changes(&format!("{pointer}/{i}"), x, y, out);
            }
        }
        _ if old == new => {}
        _ => out.push(FieldChange {
            pointer: pointer.to_string(),
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

impl Changes {
    /// `changes.json`: the comparison as one JSON document with a trailing newline.
    pub fn to_json(&self) -> String {
        crate::report::json_for_terminal(crate::format::to_canonical_string(self))
    }

    /// The one-line headline: `v1.0.0 → v1.1.0: 2 added, 1 changed, 0 removed`.
    pub fn headline(&self) -> String {
        let range = match &self.from {
            Some(from) => format!("{from} → {}", self.to),
            None => format!("{} (first release)", self.to),
        };
        let t = self.totals;
        if t.added + t.changed + t.removed + t.withdrawn == 0 {
            format!("{range}: no changes")
        } else {
            format!("{range}: {}", t.counts())
        }
    }

    /// For people, as `techpact diff` prints it:
    /// `+ id` added, `~ id` changed (with its fields), `- id` removed.
    /// Every name, key and value is taken from the data unchecked, so each
    /// goes through `report::visible`.
    pub fn to_human(&self) -> String {
        let mut out = format!("{}\n", visible(&self.headline()));
        for c in &self.collections {
            let _ = writeln!(out, "\n{}", visible(&c.collection));
            for id in &c.added {
                let _ = writeln!(out, "  + {}", visible(id));
            }
            for record in &c.changed {
                let _ = writeln!(out, "  ~ {}", visible(&record.id));
                for f in &record.fields {
                    let _ = writeln!(
                        out,
                        "      {}: {} → {}",
                        visible(display_pointer(&f.pointer)),
                        visible(&show(f.old.as_ref())),
                        visible(&show(f.new.as_ref()))
                    );
                }
            }
            for w in &c.withdrawn {
                let _ = writeln!(out, "  × {} {}", visible(&w.id), visible(&w.describe()));
            }
            for id in &c.removed {
                let _ = writeln!(out, "  - {}", visible(id));
            }
        }
        out
    }

    /// Markdown, as `CHANGES.md` holds it; `title` is its first heading.
    pub fn to_markdown(&self, title: &str) -> String {
        let mut out = format!("# {title}\n\n");
        let t = self.totals;
        match &self.from {
            Some(from) => {
                let _ = writeln!(out, "Changes from {from} to {}: {}.", self.to, t.counts());
            }
            None => {
                let _ = writeln!(
                    out,
                    "First release: every record is new ({}).",
                    crate::report::plural(t.added, "record")
                );
            }
        }
        for c in &self.collections {
            let _ = writeln!(out, "\n## {}", visible(&c.collection));
            if !c.added.is_empty() {
                let _ = writeln!(out, "\nAdded:\n");
                for id in &c.added {
                    let _ = writeln!(out, "- {}", code(id));
                }
            }
            if !c.changed.is_empty() {
                let _ = writeln!(out, "\nChanged:\n");
                for record in &c.changed {
                    let _ = writeln!(out, "- {}", code(&record.id));
                    for f in &record.fields {
                        let _ = writeln!(
                            out,
                            "  - {}: {} → {}",
                            code(display_pointer(&f.pointer)),
                            markdown_value(f.old.as_ref()),
                            markdown_value(f.new.as_ref())
                        );
                    }
                }
            }
            if !c.withdrawn.is_empty() {
                let _ = writeln!(out, "\nWithdrawn:\n");
                for w in &c.withdrawn {
                    let what = match (&w.successor, w.fate) {
                        (Some(to), Fate::Renamed) => format!("renamed to {}", code(to)),
                        (Some(to), _) => format!("merged into {}", code(to)),
                        (None, _) => format!(
                            "withdrawn: {}",
                            visible(&w.reason.replace(['\n', '\r'], " "))
                        ),
                    };
                    let _ = writeln!(out, "- {} {what}", code(&w.id));
                }
            }
            if !c.removed.is_empty() {
                let _ = writeln!(out, "\nRemoved:\n");
                for id in &c.removed {
                    let _ = writeln!(out, "- {}", code(id));
                }
            }
        }
        out
    }
}

/// The root pointer is empty, which reads as nothing; show it as `/`.
fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

fn show(value: Option<&Value>) -> String {
    match value {
        Some(v) => serde_json::to_string(v).unwrap_or_default(),
        None => "(absent)".to_string(),
    }
}

fn markdown_value(value: Option<&Value>) -> String {
    match value {
        Some(v) => code(&serde_json::to_string(v).unwrap_or_default()),
        None => "*(absent)*".to_string(),
    }
}

/// `text` as Markdown inline code, fenced with more backticks than it holds
/// in a row, so a value with backticks cannot break out of it, with its
/// control characters escaped.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    let text = text.replace(['\n', '\r'], " ");
    format!("{fence}{pad}{}{pad}{fence}", visible(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn snapshot(label: &str, records: &[(&str, &str, Value)]) -> Snapshot {
        let mut s = Snapshot {
            label: label.into(),
            ..Snapshot::default()
        };
        for (c, id, v) in records {
            s.collections
                .entry(c.to_string())
                .or_default()
                .insert(id.to_string(), v.clone());
        }
        s
    }

    #[test]
    fn reports_added_changed_removed_with_field_pointers() {
        let old = snapshot(
            "v1",
            &[
                (
                    "organizations",
                    "a",
                    json!({"id": "a", "name": "A", "aliases": ["x"]}),
                ),
                ("organizations", "gone", json!({"id": "gone"})),
                ("sources", "s", json!({"id": "s"})),
            ],
        );
        let new = snapshot(
            "v2",
            &[
                (
                    "organizations",
                    "a",
                    json!({"id": "a", "name": "A2", "aliases": ["y"], "kind": "company"}),
                ),
                ("labs", "l", json!({"id": "l"})),
                ("sources", "s", json!({"id": "s"})),
            ],
        );
        let changes = diff(Some(&old), &new);
        assert_eq!(
            changes.totals,
            Totals {
                added: 1,
                changed: 1,
                removed: 1,
                withdrawn: 0
            }
        );
        let names: Vec<&str> = changes
            .collections
            .iter()
            .map(|c| c.collection.as_str())
            .collect();
        assert_eq!(names, ["organizations", "labs"]);
        let orgs = &changes.collections[0];
        assert_eq!(orgs.removed, ["gone"]);
        let fields = &orgs.changed[0].fields;
        let pointers: Vec<&str> = fields.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(pointers, ["/aliases/0", "/kind", "/name"]);
        assert_eq!(fields[1].old, None);
        assert_eq!(fields[1].new, Some(json!("company")));
        assert_eq!(fields[2].old, Some(json!("A")));
    }

    #[test]
    fn a_resized_array_is_one_change_and_keys_are_escaped() {
        let mut out = Vec::new();
        field_changes(
            "",
            &json!({"a/b": [1], "t~": 1}),
            &json!({"a/b": [1, 2], "t~": 2}),
            &mut out,
        );
        assert_eq!(out[0].pointer, "/a~1b");
        assert_eq!(out[0].new, Some(json!([1, 2])));
        assert_eq!(out[1].pointer, "/t~0");
    }

    #[test]
    fn withdrawals_say_renamed_merged_or_withdrawn_instead_of_removed_and_added() {
        let tomb = |to: Option<&str>| {
            let mut w = json!({"date": "2026", "reason": "gone"});
            if let Some(to) = to {
                w["successor"] = json!(to);
            }
            json!({"id": "x", "name": "X", "withdrawn": w})
        };
        let old = snapshot(
            "v1",
            &[
                ("organizations", "a", json!({"id": "a"})),
                ("organizations", "b", json!({"id": "b"})),
                ("organizations", "c", json!({"id": "c"})),
                ("organizations", "d", json!({"id": "d"})),
            ],
        );
        let new = snapshot(
            "v2",
            &[
                ("organizations", "a", tomb(Some("a2"))),
                ("organizations", "a2", json!({"id": "a2"})),
                ("organizations", "b", tomb(Some("d"))),
                ("organizations", "c", tomb(None)),
                ("organizations", "d", json!({"id": "d"})),
            ],
        );
        let changes = diff(Some(&old), &new);
        let c = &changes.collections[0];
        assert!(c.added.is_empty() && c.changed.is_empty() && c.removed.is_empty());
        let shown: Vec<String> = c
            .withdrawn
            .iter()
            .map(|w| format!("{} {}", w.id, w.describe()))
            .collect();
        assert_eq!(
            shown,
            ["a renamed to a2", "b merged into d", "c withdrawn (gone)"]
        );
        assert_eq!(
            changes.headline(),
            "v1 → v2: 0 added, 0 changed, 0 removed, 3 withdrawn"
        );
        let markdown = changes.to_markdown("Changes");
        assert!(
            markdown
                .contains("- `a` renamed to `a2`\n- `b` merged into `d`\n- `c` withdrawn: gone\n"),
            "{markdown}"
        );
        assert!(changes.to_json().contains("\"fate\": \"renamed\""));
    }

    #[test]
    fn first_release_lists_everything_as_added() {
        let new = snapshot("v0.1.0", &[("sources", "s", json!({"id": "s"}))]);
        let changes = diff(None, &new);
        assert_eq!(changes.totals.added, 1);
        assert!(changes.to_markdown("t").contains("First release"));
        assert_eq!(
            changes.headline(),
            "v0.1.0 (first release): 1 added, 0 changed, 0 removed"
        );
    }

    #[test]
    fn markdown_code_survives_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
