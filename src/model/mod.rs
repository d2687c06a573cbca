//! The typed model of the dataset: collections, their record types, ids and
//! typed references.
//!
//! `Collection` is the one list of collections; everything that iterates over
//! collections (loading, schemas, exports) goes through `Collection::ALL`.

pub mod common;
pub mod ids;
pub mod lifecycle;
pub mod records;

use std::fmt;

use serde::Serialize;

pub use common::*;
pub use ids::*;
pub use lifecycle::*;
pub use records::*;

/// The string inside every id, date, name, text and pointer of a record:
/// up to 24 bytes are held in place, without an allocation of their own.
/// Most of a record's strings are that short (ids, dates, pointers, field
/// names), and a large check holds every typed record at once.
pub type Str = compact_str::CompactString;

/// A collection of records: one folder under `data/` and one schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Collection {
    /// `organizations/`
    Organizations,
    /// `people/`
    People,
    /// `places/`
    Places,
    /// `partnerships/`
    Partnerships,
    /// `labs/`
    Labs,
    /// `talent-programs/`
    TalentPrograms,
    /// `products/`
    Products,
    /// `events/`
    Events,
    /// `series/`
    Series,
    /// `facts/`
    Facts,
    /// `sources/`
    Sources,
}

impl Collection {
    /// Every collection, in the order output lists them.
    pub const ALL: [Collection; 11] = [
        Collection::Organizations,
        Collection::People,
        Collection::Places,
        Collection::Partnerships,
        Collection::Labs,
        Collection::TalentPrograms,
        Collection::Products,
        Collection::Events,
        Collection::Series,
        Collection::Facts,
        Collection::Sources,
    ];

    /// The folder name under `data/`, which is also the schema's file stem.
    pub fn dir_name(self) -> &'static str {
        match self {
            Collection::Organizations => "organizations",
            Collection::People => "people",
            Collection::Places => "places",
            Collection::Partnerships => "partnerships",
            Collection::Labs => "labs",
            Collection::TalentPrograms => "talent-programs",
            Collection::Products => "products",
            Collection::Events => "events",
            Collection::Series => "series",
            Collection::Facts => "facts",
            Collection::Sources => "sources",
        }
    }

    /// The collection whose folder is `name`.
    pub fn from_dir_name(name: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.dir_name() == name)
    }

    /// The field that names a record: `name`, a fact's `statement`, a source's `title`.
    pub fn label_field(self) -> &'static str {
        match self {
            Collection::Facts => "statement",
            Collection::Sources => "title",
            _ => "name",
        }
    }

    /// The schema's file name under `schema/`.
    pub fn schema_file_name(self) -> String {
        format!("{}.schema.json", self.dir_name())
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dir_name())
    }
}

/// A record of any collection, after it passed its schema. Each kind is
/// boxed: the kinds differ in size, and a check holds every record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Record {
    /// An organization.
    Organization(Box<Organization>),
    /// A person.
    Person(Box<Person>),
    /// A place.
    Place(Box<Place>),
    /// A partnership.
    Partnership(Box<Partnership>),
    /// A laboratory.
    Lab(Box<Lab>),
    /// A talent programme.
    TalentProgram(Box<TalentProgram>),
    /// A product, service or solution.
    Product(Box<Product>),
    /// An event.
    Event(Box<Event>),
    /// An event series.
    Series(Box<Series>),
    /// A fact.
    Fact(Box<Fact>),
    /// A source.
    Source(Box<Source>),
    /// A withdrawn record of any collection that kept only what identifies it.
    Withdrawn(Box<Tombstone>),
}

impl Record {
    /// Turns a schema-valid JSON value into the typed record of `collection`;
    /// a withdrawn record that lacks a field its type requires is a tombstone;
    /// when the value does not fit the type, says where.
    pub fn from_value(
        collection: Collection,
        value: &serde_json::Value,
    ) -> Result<Record, TypeError> {
        let full = Record::from_full_value(collection, value);
        match full {
            Err(_) if value.get("withdrawn").is_some() => Tombstone::from_value(collection, value)
                .map(|t| Record::Withdrawn(Box::new(t)))
                .map_err(|e| TypeError {
                    pointer: String::new(),
                    message: e.to_string(),
                }),
            other => other,
        }
    }

    /// The typed record of `collection`, with every field its type requires.
    fn from_full_value(
        collection: Collection,
        value: &serde_json::Value,
    ) -> Result<Record, TypeError> {
        // Tracking the path costs as much as the typing itself; it is
        // needed only to say where a value that does not fit is, so it
        // runs again only then.
        fn typed<'a, T: serde::Deserialize<'a>>(v: &'a serde_json::Value) -> Result<T, TypeError> {
            T::deserialize(v).or_else(|_| {
                serde_path_to_error::deserialize(v).map_err(|e| TypeError {
                    pointer: pointer_of(e.path()),
                    message: e.into_inner().to_string(),
                })
            })
        }
        Ok(match collection {
            Collection::Organizations => Record::Organization(Box::new(typed(value)?)),
            Collection::People => Record::Person(Box::new(typed(value)?)),
            Collection::Places => Record::Place(Box::new(typed(value)?)),
            Collection::Partnerships => Record::Partnership(Box::new(typed(value)?)),
            Collection::Labs => Record::Lab(Box::new(typed(value)?)),
            Collection::TalentPrograms => Record::TalentProgram(Box::new(typed(value)?)),
            Collection::Products => Record::Product(Box::new(typed(value)?)),
            Collection::Events => Record::Event(Box::new(typed(value)?)),
            Collection::Series => Record::Series(Box::new(typed(value)?)),
            Collection::Facts => Record::Fact(Box::new(typed(value)?)),
            Collection::Sources => Record::Source(Box::new(typed(value)?)),
        })
    }

    /// The collection the record belongs to.
    pub fn collection(&self) -> Collection {
        match self {
            Record::Organization(_) => Collection::Organizations,
            Record::Person(_) => Collection::People,
            Record::Place(_) => Collection::Places,
            Record::Partnership(_) => Collection::Partnerships,
            Record::Lab(_) => Collection::Labs,
            Record::TalentProgram(_) => Collection::TalentPrograms,
            Record::Product(_) => Collection::Products,
            Record::Event(_) => Collection::Events,
            Record::Series(_) => Collection::Series,
            Record::Fact(_) => Collection::Facts,
            Record::Source(_) => Collection::Sources,
            Record::Withdrawn(r) => r.collection,
        }
    }

    /// The record's id.
    pub fn id(&self) -> &str {
        match self {
            Record::Organization(r) => r.id.as_str(),
            Record::Person(r) => r.id.as_str(),
            Record::Place(r) => r.id.as_str(),
            Record::Partnership(r) => r.id.as_str(),
            Record::Lab(r) => r.id.as_str(),
            Record::TalentProgram(r) => r.id.as_str(),
            Record::Product(r) => r.id.as_str(),
            Record::Event(r) => r.id.as_str(),
            Record::Series(r) => r.id.as_str(),
            Record::Fact(r) => r.id.as_str(),
            Record::Source(r) => r.id.as_str(),
            Record::Withdrawn(r) => r.id.as_str(),
        }
    }

    /// The record's citations; a source cites nothing.
    pub fn citations(&self) -> &[Citation] {
        match self {
            Record::Organization(r) => &r.sources,
            Record::Person(r) => &r.sources,
            Record::Place(r) => &r.sources,
            Record::Partnership(r) => &r.sources,
            Record::Lab(r) => &r.sources,
            Record::TalentProgram(r) => &r.sources,
            Record::Product(r) => &r.sources,
            Record::Event(r) => &r.sources,
            Record::Series(r) => &r.sources,
            Record::Fact(r) => &r.sources,
            Record::Source(_) => &[],
            Record::Withdrawn(r) => &r.sources,
        }
    }

    /// The names a text may call the record by: its name and aliases, a
    /// source's title; a fact has none.
    pub fn names(&self) -> Vec<&str> {
        fn listed<'r>(name: &'r Name, aliases: &'r [Name]) -> Vec<&'r str> {
            std::iter::once(name)
                .chain(aliases)
                .map(Name::as_str)
                .collect()
        }
        match self {
            Record::Organization(r) => listed(&r.name, &r.aliases),
            Record::Person(r) => listed(&r.name, &r.aliases),
            Record::Place(r) => listed(&r.name, &r.aliases),
            Record::Partnership(r) => listed(&r.name, &r.aliases),
            Record::Lab(r) => listed(&r.name, &r.aliases),
            Record::TalentProgram(r) => listed(&r.name, &r.aliases),
            Record::Product(r) => listed(&r.name, &r.aliases),
            Record::Event(r) => vec![r.name.as_str()],
            Record::Series(r) => listed(&r.name, &r.aliases),
            Record::Fact(_) => Vec::new(),
            Record::Source(r) => vec![r.title.as_str()],
            Record::Withdrawn(r) if r.collection == Collection::Facts => Vec::new(),
            Record::Withdrawn(r) => vec![r.label.as_str()],
        }
    }

    /// The values the record declares inferred.
    pub fn inferred(&self) -> &[Inference] {
        match self {
            Record::Organization(r) => &r.inferred,
            Record::Person(r) => &r.inferred,
            Record::Place(r) => &r.inferred,
            Record::Partnership(r) => &r.inferred,
            Record::Lab(r) => &r.inferred,
            Record::TalentProgram(r) => &r.inferred,
            Record::Product(r) => &r.inferred,
            Record::Event(r) => &r.inferred,
            Record::Series(r) => &r.inferred,
            Record::Fact(r) => &r.inferred,
            Record::Source(r) => &r.inferred,
            Record::Withdrawn(r) => &r.inferred,
        }
    }

    /// The record's name: a fact's statement, a source's title.
    pub fn label(&self) -> &str {
        match self {
            Record::Organization(r) => r.name.as_str(),
            Record::Person(r) => r.name.as_str(),
            Record::Place(r) => r.name.as_str(),
            Record::Partnership(r) => r.name.as_str(),
            Record::Lab(r) => r.name.as_str(),
            Record::TalentProgram(r) => r.name.as_str(),
            Record::Product(r) => r.name.as_str(),
            Record::Event(r) => r.name.as_str(),
            Record::Series(r) => r.name.as_str(),
            Record::Fact(r) => r.statement.as_str(),
            Record::Source(r) => r.title.as_str(),
            Record::Withdrawn(r) => &r.label,
        }
    }

    /// The withdrawal, when the record is withdrawn.
    pub fn withdrawn(&self) -> Option<WithdrawalView<'_>> {
        match self {
            Record::Organization(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Person(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Place(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Partnership(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Lab(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::TalentProgram(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Product(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Event(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Series(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Fact(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Source(r) => r.withdrawn.as_deref().map(Withdrawal::view),
            Record::Withdrawn(r) => Some(r.withdrawn.view()),
        }
    }
}

/// A JSON value that does not fit its record type, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    /// The JSON pointer of the value that does not fit.
    pub pointer: String,
    /// What serde said about it.
    pub message: String,
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at `{}`", self.message, self.pointer)
    }
}

/// The JSON pointer of a serde path; enum variants are not part of the JSON.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value the schema let through but the type refuses is located at that value.
    #[test]
    fn a_type_error_names_the_pointer_of_its_value() {
        let value = serde_json::json!({"id": "e", "name": "E", "edition": 2.5});
        let error = Record::from_value(Collection::Events, &value).unwrap_err();
        assert_eq!(error.pointer, "/edition");
        assert!(error.message.contains("whole number"), "{error}");
        let edition = serde_json::json!({"id": "e", "name": "E", "edition": 3.0});
        assert!(Record::from_value(Collection::Events, &edition).is_ok());
    }
}
