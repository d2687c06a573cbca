//! Identifiers: the record id slug and one typed reference per collection.
//!
//! A reference is stored as the plain id of the record it names. Each target
//! collection has its own newtype, so the type system keeps a lab's host from
//! being mistaken for a place, and the generated schema marks every reference
//! with `x-techpact-ref: <collection>` so tools can follow it.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::Str;

/// The pattern every record id and reference matches.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// The longest id allowed.
pub const SLUG_MAX_LEN: usize = 80;

/// The schema keyword that names the collection a reference points into.
pub const REF_KEYWORD: &str = "x-techpact-ref";

/// Whether `s` is a valid record id: a lowercase slug of at most 80 characters.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= SLUG_MAX_LEN
        && !s.starts_with('-')
        && !s.ends_with('-')
        // Not `contains("--")`: a substring search costs more to set up
        // than this pass, and every record's id and file name are tested.
        && !s.as_bytes().windows(2).any(|w| w == b"--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

macro_rules! reference {
    ($(#[$doc:meta])* $name:ident => $collection:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Str);

        impl $name {
            /// The collection this reference points into.
            pub const COLLECTION: &'static str = $collection;

            /// The referenced id.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": SLUG_PATTERN,
                    "maxLength": SLUG_MAX_LEN,
                    "description": concat!("The id of a record in `", $collection, "`."),
                    "x-techpact-ref": $collection,
                })
            }
        }
    };
}

/// The id of a record: a lowercase slug equal to its file name without `.json`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(pub Str);

impl RecordId {
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for RecordId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for RecordId {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "RecordId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "The record's id: a lowercase slug of at most 80 characters, equal to the file name without `.json` (checked as `id/format` and `id/mismatch`).",
        })
    }
}

reference!(
    /// A reference to an organization.
    OrganizationId => "organizations"
);
reference!(
    /// A reference to a person.
    PersonId => "people"
);
reference!(
    /// A reference to a place.
    PlaceId => "places"
);
reference!(
    /// A reference to a partnership.
    PartnershipId => "partnerships"
);
reference!(
    /// A reference to a laboratory.
    LabId => "labs"
);
reference!(
    /// A reference to a talent programme.
    TalentProgramId => "talent-programs"
);
reference!(
    /// A reference to an event.
    EventId => "events"
);
reference!(
    /// A reference to an event series.
    SeriesId => "series"
);
reference!(
    /// A reference to a product, service or solution.
    ProductId => "products"
);
reference!(
    /// A reference to a fact.
    FactId => "facts"
);
reference!(
    /// A reference to a source.
    SourceId => "sources"
);

#[cfg(test)]
mod tests {
    use super::is_slug;

    #[test]
    fn slugs() {
        for ok in ["hkust", "china-telecom", "a1-b2", "x"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a_b",
            "a b",
            "é",
            &"a".repeat(81),
        ] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
