//! `techpact new`: a skeleton record for a contributor to fill in.
//!
//! The skeleton holds every field of the collection's type, in canonical
//! form, with the empty string `""` as the placeholder of every value except
//! the id (and a fact value's `type` tag, which selects its form). An empty
//! string breaks every field's schema (each has `minLength: 1`, a pattern, an
//! enum or a non-string type), so `techpact check` flags each placeholder left
//! as `schema/violation` at its pointer; filling the values in, and deleting
//! the optional fields the sources do not give, makes the record pass.
//!
//! The skeleton is built from a full typed record (each struct literal below
//! must name every field, so a field added to a type cannot be forgotten
//! here): its canonical text keeps the type's field order, and each value in
//! it is then replaced by `""`.

use std::fs;
use std::path::{Path, PathBuf};

use jsonc_parser::ast::{ObjectPropName, Value as Node};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use crate::error::{Error, Result};
use crate::format;
use crate::model::*;
use crate::schema;
use crate::span::escape;

/// Pointers whose sample value is kept instead of becoming a placeholder.
const KEPT: &[&str] = &["/id", "/value/type"];

/// A placeholder of a skeleton: where it is and what belongs there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// JSON pointer of the placeholder.
    pub pointer: String,
    /// The field's description, from the schema.
    pub description: String,
    /// Whether the record must have the field (else it may be deleted).
    pub required: bool,
    /// The optional field holding a required one, which may go with it.
    pub within_optional: Option<String>,
}

/// A skeleton record.
#[derive(Debug, Clone)]
pub struct Skeleton {
    /// The record's canonical text, with placeholders.
    pub text: String,
    /// Every placeholder, in the order of the text.
    pub placeholders: Vec<Placeholder>,
}

/// The skeleton of a record of `collection` with `id`.
pub fn skeleton(collection: Collection, id: &str) -> Skeleton {
    let full = format::to_canonical_string(&sample(collection, id));
    let mut replaced = Vec::new();
    if let Ok(parsed) = parse_to_ast(&full, &CollectOptions::default(), &ParseOptions::default())
        && let Some(root) = parsed.value
    {
        leaves(&root, String::new(), &mut replaced);
    }
    let schema = schema::generate(collection);
    let mut text = full.clone();
    for (range, _) in replaced.iter().rev() {
        text.replace_range(range.clone(), "\"\"");
    }
    let placeholders = replaced
        .into_iter()
        .map(|(_, pointer)| {
            let field = schema::field(&schema, &pointer);
            Placeholder {
                description: field.description,
                required: field.required,
                within_optional: field.within_optional,
                pointer,
            }
        })
        .collect();
    Skeleton { text, placeholders }
}

/// Collects the byte range and pointer of every scalar value to replace.
fn leaves(node: &Node<'_>, pointer: String, out: &mut Vec<(std::ops::Range<usize>, String)>) {
    match node {
        Node::Object(object) => {
            for prop in &object.properties {
                let name = match &prop.name {
                    ObjectPropName::String(s) => s.value.to_string(),
                    ObjectPropName::Word(w) => w.value.to_string(),
                };
                leaves(&prop.value, format!("{pointer}/{}", escape(&name)), out);
            }
        }
        Node::Array(array) => {
            for (i, element) in array.elements.iter().enumerate() {
                leaves(element, format!("{pointer}/{i}"), out);
            }
        }
        _ if KEPT.contains(&pointer.as_str()) => {}
        scalar => out.push((scalar.start()..scalar.end(), pointer)),
    }
}

/// Writes the skeleton of `collection/id` into the data directory `dir`;
/// returns the path written and the skeleton.
///
/// Refuses an unknown collection, an id that is not a slug and an id that is
/// already taken, each with what to do instead.
pub fn create(dir: &Path, collection: &str, id: &str) -> Result<(PathBuf, Skeleton)> {
    let collection = Collection::from_dir_name(collection).ok_or_else(|| {
        let names: Vec<&str> = Collection::ALL.iter().map(|c| c.dir_name()).collect();
        Error::Usage(format!(
            "unknown collection `{collection}`; choose one of {}",
            names.join(", ")
        ))
    })?;
    if !is_slug(id) {
        return Err(Error::Usage(format!(
            "`{id}` is not a valid id: use lowercase letters, digits and single hyphens, at most {SLUG_MAX_LEN} characters, such as `china-telecom`"
        )));
    }
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "the data directory `{}` does not exist; run in the repository or pass `--data DIR`",
            dir.display()
        )));
    }
    let folder = dir.join(collection.dir_name());
    let path = folder.join(format!("{id}.json"));
    if path.exists() {
        return Err(Error::Usage(format!(
            "`{collection}/{id}` already exists in `{}`; edit that record, or choose another id",
            dir.display()
        )));
    }
    fs::create_dir_all(&folder).map_err(|e| Error::io("creating", &folder, e))?;
    let skeleton = skeleton(collection, id);
    format::write_atomic_new(&path, skeleton.text.as_bytes())?;
    Ok((path, skeleton))
}

fn name() -> Name {
    Name("name".into())
}

fn text() -> Text {
    Text("text".into())
}

fn date() -> Option<PartialDate> {
    Some(PartialDate("2000".into()))
}

fn citations() -> Vec<Citation> {
    vec![Citation {
        source: SourceId("source".into()),
        quote: Some(Quote("quote".into())),
        supports: vec![Pointer("/name".into())],
        note: Some(text()),
    }]
}

fn inferred() -> Vec<Inference> {
    vec![Inference {
        pointer: Pointer("/name".into()),
        reason: name(),
    }]
}

fn readings() -> Vec<Reading> {
    vec![Reading {
        as_written: name(),
        issue: ReadingIssue::TranslationSlip,
        likely: Some(name()),
        means: Subject::Organization(OrganizationId("organization".into())),
    }]
}

fn participants() -> Vec<Participant> {
    vec![Participant {
        person: PersonId("person".into()),
        organization: OrganizationId("organization".into()),
        title: Some(name()),
    }]
}

/// A record of `collection` with every field present, so its canonical text
/// shows every field.
fn sample(collection: Collection, id: &str) -> Record {
    let id = RecordId(id.into());
    let organization = || OrganizationId("organization".into());
    let place = || PlaceId("place".into());
    let partnership = || Some(PartnershipId("partnership".into()));
    let wikidata = || Some(WikidataId("Q1".into()));
    match collection {
        Collection::Organizations => Record::Organization(Box::new(Organization {
            id,
            name: name(),
            withdrawn: None,
            aliases: vec![name()],
            kind: OrganizationKind::Other,
            parent: Some(organization()),
            founders: vec![organization()],
            founded: date(),
            dissolved: date(),
            location: Some(place()),
            focus: vec![text()],
            fields: vec![Field::Quantum],
            identifiers: Some(OrganizationIdentifiers {
                ror: Some(RorId("ror".into())),
                wikidata: wikidata(),
                website: Some(Url("https://example.org".into())),
            }),
            readings: readings(),
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::People => Record::Person(Box::new(Person {
            id,
            name: name(),
            withdrawn: None,
            family_name: Some(name()),
            given_name: Some(name()),
            honorific: Some(name()),
            aliases: vec![name()],
            roles: vec![Role {
                organization: organization(),
                title: Some(name()),
                leads: true,
                start: date(),
                end: date(),
                as_of: date(),
            }],
            identifiers: Some(PersonIdentifiers {
                orcid: Some(Orcid("orcid".into())),
                wikidata: wikidata(),
            }),
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Places => Record::Place(Box::new(Place {
            id,
            name: name(),
            withdrawn: None,
            aliases: vec![name()],
            kind: PlaceKind::City,
            within: Some(place()),
            country: Some(CountryCode("CN".into())),
            identifiers: Some(WikidataIdentifiers {
                wikidata: wikidata(),
            }),
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Partnerships => Record::Partnership(Box::new(Partnership {
            id,
            name: name(),
            withdrawn: None,
            aliases: vec![name()],
            kind: PartnershipKind::JointResearch,
            parties: vec![Party::Organization(organization())],
            signed: date(),
            signed_on_or_before: date(),
            announced: date(),
            start: date(),
            end: date(),
            signatories: participants(),
            witnesses: participants(),
            framework: Some(Framework {
                name: name(),
                expansion: Some(text()),
                bodies: vec![name()],
            }),
            aims: vec![text()],
            goals: vec![text()],
            clusters: vec![name()],
            offers: vec![Offer {
                party: Some(name()),
                benefits: vec![text()],
            }],
            expected_impacts: vec![name()],
            fields: vec![Field::Quantum],
            regions: vec![place()],
            readings: readings(),
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Labs => Record::Lab(Box::new(Lab {
            id,
            name: name(),
            withdrawn: None,
            aliases: vec![name()],
            hosts: vec![organization()],
            partnership: partnership(),
            announced: date(),
            established: date(),
            closed: date(),
            focus: vec![text()],
            fields: vec![Field::Quantum],
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::TalentPrograms => Record::TalentProgram(Box::new(TalentProgram {
            id,
            name: name(),
            withdrawn: None,
            aliases: vec![name()],
            hosts: vec![organization()],
            partnership: partnership(),
            announced: date(),
            initiatives: vec![name()],
            aims: vec![text()],
            regions: vec![place()],
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Products => Record::Product(Box::new(Product {
            id,
            name: name(),
            withdrawn: None,
            aliases: vec![name()],
            kind: ProductKind::Product,
            owners: vec![organization()],
            launched: date(),
            fields: vec![Field::Quantum],
            readings: readings(),
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Series => Record::Series(Box::new(Series {
            id,
            name: name(),
            withdrawn: None,
            aliases: vec![name()],
            first_held: date(),
            place: Some(place()),
            fields: vec![Field::Quantum],
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Events => Record::Event(Box::new(Event {
            id,
            name: name(),
            withdrawn: None,
            series: Some(SeriesId("series".into())),
            edition: Some(1),
            start: date(),
            end: date(),
            place: Some(place()),
            hosts: vec![organization()],
            organizers: vec![organization()],
            theme: Some(name()),
            activities: vec![text()],
            fields: vec![Field::Quantum],
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Facts => Record::Fact(Box::new(Fact {
            id,
            statement: text(),
            withdrawn: None,
            category: FactCategory::Figure,
            subjects: vec![Subject::Organization(organization())],
            claimant: Some(Claimant::Organization(organization())),
            value: Some(FactValue::Quantity {
                number: 1.into(),
                comparator: Comparator::Exactly,
                unit: name(),
                as_of: date(),
            }),
            items: vec![name()],
            fields: vec![Field::Quantum],
            sources: citations(),
            inferred: inferred(),
            note: Some(text()),
        })),
        Collection::Sources => Record::Source(Box::new(Source {
            id,
            title: text(),
            withdrawn: None,
            kind: SourceKind::WebPage,
            publisher: Some(organization()),
            distributor: Some(organization()),
            published: date(),
            dateline: Some(name()),
            url: Some(Url("https://example.org".into())),
            language: Language("en".into()),
            credits: vec![Credit {
                name: name(),
                organization: Some(organization()),
                role: CreditRole::Author,
                quote: Some(Quote("quote".into())),
            }],
            sha256: Some(Sha256("0".repeat(64).into())),
            inferred: inferred(),
            note: Some(text()),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn every_value_but_the_id_is_a_placeholder() {
        for collection in Collection::ALL {
            let skeleton = skeleton(collection, "x");
            let value: Value = serde_json::from_str(&skeleton.text).unwrap();
            assert_eq!(value["id"], "x");
            for p in &skeleton.placeholders {
                assert_eq!(
                    value.pointer(&p.pointer),
                    Some(&Value::from("")),
                    "{collection} {}",
                    p.pointer
                );
                assert!(
                    !p.description.is_empty(),
                    "{collection} {} has no description",
                    p.pointer
                );
            }
        }
    }

    #[test]
    fn every_property_of_the_schema_is_in_the_skeleton() {
        for collection in Collection::ALL {
            let schema = schema::generate(collection);
            let value: Value = serde_json::from_str(&skeleton(collection, "x").text).unwrap();
            // A new record is not withdrawn.
            let properties = schema["properties"].as_object().unwrap().keys();
            for name in properties.filter(|n| *n != "withdrawn") {
                assert!(
                    value.get(name).is_some(),
                    "{collection} skeleton lacks `{name}`"
                );
            }
        }
    }
}
