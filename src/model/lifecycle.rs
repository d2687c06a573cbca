//! A record's lifecycle in the model: the `withdrawn` object every record
//! type may carry, and the tombstone a withdrawn record may shrink to.
//!
//! An id, once released, is permanent: a record that should go away keeps its
//! file and gains `withdrawn` (date, reason, optional successor in the same
//! collection). A withdrawn record needs only what identifies it (its id, its
//! name, the withdrawal and its sources); when it keeps no more than that it
//! is typed as a [`Tombstone`], since it no longer fits its collection's type.

use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Collection;
use super::common::{Citation, Inference, PartialDate, Text};
use super::ids::RecordId;

// Records hold it boxed: few are withdrawn, and an absent box takes 8 bytes
// of every record a check keeps, where an absent withdrawal would take 72.
// (Not a doc comment: those become the schema's descriptions.)
/// Why and when a record was withdrawn, and what replaces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "I: Deserialize<'de>"))]
pub struct Withdrawal<I> {
    /// When it was withdrawn.
    pub date: PartialDate,
    /// Why, in one line: "duplicate of …", "renamed", "not an organization".
    pub reason: Text,
    /// The record that replaces it, in the same collection; absent when nothing does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<I>,
}

impl<I: AsRef<str>> Withdrawal<I> {
    /// The withdrawal with its successor as a plain id.
    pub fn view(&self) -> WithdrawalView<'_> {
        WithdrawalView {
            date: &self.date,
            reason: &self.reason,
            successor: self.successor.as_ref().map(AsRef::as_ref),
        }
    }
}

/// A withdrawal of any collection, read through [`Record::withdrawn`](super::Record::withdrawn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WithdrawalView<'a> {
    /// When it was withdrawn.
    pub date: &'a PartialDate,
    /// Why.
    pub reason: &'a Text,
    /// The id of the record that replaces it, in the same collection.
    pub successor: Option<&'a str>,
}

/// A withdrawn record that keeps only what identifies it: it lacks a field its
/// collection's type requires, which a withdrawn record may.
#[derive(Debug, Clone, PartialEq)]
pub struct Tombstone {
    /// The collection it belongs to.
    pub collection: Collection,
    /// The record id.
    pub id: RecordId,
    /// Its name (a fact's statement, a source's title).
    pub label: String,
    /// The withdrawal.
    pub withdrawn: Withdrawal<RecordId>,
    /// The sources it still cites.
    pub sources: Vec<Citation>,
    /// The values it declares inferred.
    pub inferred: Vec<Inference>,
    /// Any other field it kept, as written; the schema has checked them.
    pub rest: Map<String, Value>,
}

/// Fields every record type ends with, written last in this order.
const TAIL: [&str; 3] = ["sources", "inferred", "note"];

impl Tombstone {
    /// Reads a schema-valid withdrawn record of `collection` from `value`.
    pub fn from_value(
        collection: Collection,
        value: &Value,
    ) -> Result<Tombstone, serde_json::Error> {
        use serde::de::Error as _;
        let mut rest = value
            .as_object()
            .cloned()
            .ok_or_else(|| serde_json::Error::custom("a record is an object"))?;
        let mut take = |key: &str| rest.remove(key).unwrap_or(Value::Null);
        let id = RecordId::deserialize(take("id"))?;
        let label = String::deserialize(take(collection.label_field()))?;
        let withdrawn = Withdrawal::deserialize(take("withdrawn"))?;
        let sources = Option::<Vec<Citation>>::deserialize(take("sources"))?.unwrap_or_default();
        let inferred = Option::<Vec<Inference>>::deserialize(take("inferred"))?.unwrap_or_default();
        Ok(Tombstone {
            collection,
            id,
            label,
            withdrawn,
            sources,
            inferred,
            rest,
        })
    }
}

impl Serialize for Tombstone {
    /// Canonical order: id, name, withdrawal, the other kept fields by name,
    /// then sources, inferred and note, as in every record type.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry(self.collection.label_field(), &self.label)?;
        map.serialize_entry("withdrawn", &self.withdrawn)?;
        for (k, v) in self
            .rest
            .iter()
            .filter(|(k, _)| !TAIL.contains(&k.as_str()))
        {
            map.serialize_entry(k, v)?;
        }
        if self.collection != Collection::Sources {
            map.serialize_entry("sources", &self.sources)?;
        }
        if !self.inferred.is_empty() {
            map.serialize_entry("inferred", &self.inferred)?;
        }
        if let Some(note) = self.rest.get("note") {
            map.serialize_entry("note", note)?;
        }
        map.end()
    }
}

/// What a lookup knows of one record while following successors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<'a> {
    /// No such record (or, in a partial load, not loaded).
    Absent,
    /// A record in use.
    Current,
    /// A withdrawn record, with its successor when it has one.
    Withdrawn(Option<&'a str>),
}

/// Where following successors from a record ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End<'a> {
    /// At a record in use: the id to use now.
    Current(&'a str),
    /// At a withdrawn record with no successor: nothing replaces it.
    Dropped(&'a str),
    /// At a successor that names no record.
    Missing(&'a str),
    /// The chain comes back to a record it passed.
    Loop(&'a str),
}

/// The chain of successors from `start`, ids in order with `start` first, and
/// where it ends; `status` says what each id is.
pub fn follow<'a>(start: &'a str, status: impl Fn(&str) -> Status<'a>) -> (Vec<&'a str>, End<'a>) {
    let mut path = vec![start];
    let mut at = start;
    loop {
        match status(at) {
            Status::Absent => return (path, End::Missing(at)),
            Status::Current => return (path, End::Current(at)),
            Status::Withdrawn(None) => return (path, End::Dropped(at)),
            Status::Withdrawn(Some(next)) => {
                if path.contains(&next) {
                    return (path, End::Loop(next));
                }
                path.push(next);
                at = next;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(table: &'a [(&'a str, Status<'a>)]) -> impl Fn(&str) -> Status<'a> {
        move |id| {
            table
                .iter()
                .find(|(k, _)| *k == id)
                .map_or(Status::Absent, |(_, s)| *s)
        }
    }

    #[test]
    fn follows_chains_to_their_end() {
        let table = [
            ("a", Status::Withdrawn(Some("b"))),
            ("b", Status::Withdrawn(Some("c"))),
            ("c", Status::Current),
            ("d", Status::Withdrawn(None)),
            ("e", Status::Withdrawn(Some("f"))),
            ("f", Status::Withdrawn(Some("e"))),
            ("g", Status::Withdrawn(Some("nowhere"))),
        ];
        let status = lookup(&table);
        assert_eq!(
            follow("a", &status),
            (vec!["a", "b", "c"], End::Current("c"))
        );
        assert_eq!(follow("c", &status), (vec!["c"], End::Current("c")));
        assert_eq!(follow("d", &status), (vec!["d"], End::Dropped("d")));
        assert_eq!(follow("e", &status), (vec!["e", "f"], End::Loop("e")));
        assert_eq!(
            follow("g", &status),
            (vec!["g", "nowhere"], End::Missing("nowhere"))
        );
        assert_eq!(follow("zz", &status), (vec!["zz"], End::Missing("zz")));
    }
}
