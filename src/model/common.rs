//! Value types shared by every collection: dates, bounded text, citations and
//! external identifiers.
//!
//! Each is a newtype whose schema carries its constraint (length, pattern), so
//! the constraint lives next to the type and reaches the generated schema.
//! External identifiers (URL, country code, ROR, ORCID, Wikidata) are only
//! bounded here: their format and check digits are one rule in `rules/`, so a
//! bad one gets the specific `identifier/invalid` finding.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::Str;
use super::ids::SourceId;

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $description:literal, { $($schema:tt)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Str);

        impl $name {
            /// The value as a string.
            pub fn as_str(&self) -> &str {
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
                    "description": $description,
                    $($schema)*
                })
            }
        }
    };
}

text_type!(
    /// A date as precise as the source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    PartialDate,
    "A date as precise as the source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.",
    { "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" }
);

// Text from the data reaches terminals and reports: no text value holds a
// control character, C0, DEL or C1 (U+0000 to U+001F, U+007F to U+009F; a
// terminal acts on each, U+009B starts an escape sequence), other than tab
// and newline (a name not even those), and each holds at least one visible
// character. A carriage return alone lets a line overwrite itself, and a
// quote needs none: whitespace is folded when it is matched.

/// One line with a visible character and no control character.
const NAME_PATTERN: &str =
    "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$";

/// A visible character, and no control character but tab and newline.
const TEXT_PATTERN: &str = "^[^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]*$";

text_type!(
    /// A name or short label: one line, at most 300 characters.
    Name,
    "A name or short label: one line with a visible character and no control character, at most 300 characters.",
    { "minLength": 1, "maxLength": 300, "pattern": NAME_PATTERN }
);

text_type!(
    /// A sentence or paragraph, at most 2000 characters.
    Text,
    "A sentence or paragraph with a visible character and no control character but tab and newline, at most 2000 characters.",
    { "minLength": 1, "maxLength": 2000, "pattern": TEXT_PATTERN }
);

text_type!(
    /// A verbatim excerpt of a source, 8 to 500 characters.
    Quote,
    "A verbatim excerpt of the cited source (whitespace aside): 8 to 500 characters with a visible character and no control character but tab and newline. A shorter quote proves little.",
    { "minLength": 8, "maxLength": 500, "pattern": TEXT_PATTERN }
);

text_type!(
    /// A JSON pointer to a value of the record, such as `/name` or `/roles/0`.
    Pointer,
    "A JSON pointer to a value of this record, such as `/name` or `/roles/0`; a pointer to an object or array covers everything inside it.",
    { "minLength": 1, "maxLength": 300, "pattern": "^/" }
);

text_type!(
    /// An `http` or `https` URL.
    Url,
    "An `http` or `https` URL.",
    { "minLength": 1, "maxLength": 2000 }
);

text_type!(
    /// An ISO 3166-1 alpha-2 country code.
    CountryCode,
    "An ISO 3166-1 alpha-2 country code, such as `CN`.",
    { "minLength": 1, "maxLength": 10 }
);

text_type!(
    /// A language as a BCP 47 tag, such as `en` or `zh-Hans`.
    Language,
    "A language as a BCP 47 tag, such as `en` or `zh-Hans`.",
    { "maxLength": 35, "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$" }
);

text_type!(
    /// A SHA-256 digest in lowercase hexadecimal.
    Sha256,
    "A SHA-256 digest of a file's bytes, in lowercase hexadecimal.",
    { "pattern": "^[0-9a-f]{64}$" }
);

text_type!(
    /// A Research Organization Registry id, such as `00q4vv597`.
    RorId,
    "A Research Organization Registry id: 9 characters, without the `https://ror.org/` prefix.",
    { "minLength": 1, "maxLength": 100 }
);

text_type!(
    /// An ORCID iD, such as `0000-0002-1825-0097`.
    Orcid,
    "An ORCID iD: four groups of four digits, the last character may be `X`.",
    { "minLength": 1, "maxLength": 100 }
);

text_type!(
    /// A Wikidata item id, such as `Q15568`.
    WikidataId,
    "A Wikidata item id: `Q` followed by digits.",
    { "minLength": 1, "maxLength": 100 }
);

/// A citation of a source, optionally with the passage that supports the claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The cited source.
    pub source: SourceId,
    /// A verbatim excerpt of the source that supports the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
    /// Pointers to the values of the record the source states beyond its quote's words, such as `/kind`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<Pointer>,
    /// A remark on how the source supports the record, or on what it gets wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// A value of the record that no source states but an editor derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inference {
    /// The value derived: a JSON pointer into the record.
    pub pointer: Pointer,
    /// Why, in one line a reader can judge, such as "named 'University' in the source".
    pub reason: Name,
}

/// The technology fields a record is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// Artificial intelligence, including machine learning and large models.
    ArtificialIntelligence,
    /// Quantum technology in general.
    Quantum,
    /// Quantum computing.
    QuantumComputing,
    /// Quantum communication and quantum-secured networks.
    QuantumCommunication,
    /// Quantum precision measurement and sensing.
    QuantumMeasurement,
    /// Communications networks, including mobile generations such as 6G.
    Telecommunications,
    /// Internet of things, smart buildings and smart cities.
    InternetOfThings,
    /// Data science.
    DataScience,
    /// Manufacturing.
    Manufacturing,
    /// Biomedical systems.
    Biomedical,
    /// Education and e-learning.
    Education,
    /// Cloud computing and computing power networks.
    CloudComputing,
    /// Cybersecurity.
    Cybersecurity,
}

/// Identifiers of an organization in public registries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationIdentifiers {
    /// Research Organization Registry id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ror: Option<RorId>,
    /// Wikidata item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<WikidataId>,
    /// Official website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Url>,
}

/// Identifiers of a person in public registries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonIdentifiers {
    /// ORCID iD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<Orcid>,
    /// Wikidata item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<WikidataId>,
}

/// Identifiers of a place or any other entity that has only a Wikidata item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WikidataIdentifiers {
    /// Wikidata item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<WikidataId>,
}

/// Reads an optional count such as an edition or a rank. JSON Schema counts
/// `3.0` as the integer 3, so techpact does too: any whole number in the
/// `u32` range is accepted, however it is spelled.
pub(crate) fn whole_number<'de, D>(deserializer: D) -> Result<Option<u32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let Some(number) = Option::<f64>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if number.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&number) {
        // In range and whole, so the conversion is exact.
        Ok(Some(number as u32))
    } else {
        Err(serde::de::Error::custom(format!(
            "expected a whole number from 0 to {}, found {number}",
            u32::MAX
        )))
    }
}

/// What a pattern of the schemas asks for, in words, with a value that matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternMeaning {
    /// The pattern, as the schemas carry it.
    pub pattern: &'static str,
    /// What it asks for, to follow "is not …".
    pub description: &'static str,
    /// A value that matches.
    pub example: &'static str,
}

/// Every pattern of the model, in words: a finding never shows a raw regex.
pub const PATTERNS: &[PatternMeaning] = &[
    PatternMeaning {
        pattern: "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
        description: "a date as YYYY, YYYY-MM or YYYY-MM-DD",
        example: "2017-09-06",
    },
    PatternMeaning {
        pattern: NAME_PATTERN,
        description: "one line of text, not only spaces, without line breaks, tabs or other control characters (U+0000 to U+001F, U+007F to U+009F)",
        example: "China Telecom",
    },
    PatternMeaning {
        pattern: TEXT_PATTERN,
        description: "a text with something besides spaces, and no control characters (U+0000 to U+001F, U+007F to U+009F) but tabs and newlines",
        example: "The agreement was signed in Hong Kong.",
    },
    PatternMeaning {
        pattern: "^/",
        description: "a JSON pointer to a value of this record, starting with `/`",
        example: "/announced",
    },
    PatternMeaning {
        pattern: super::ids::SLUG_PATTERN,
        description: "an id: lowercase letters and digits in words joined by single hyphens",
        example: "china-telecom",
    },
    PatternMeaning {
        pattern: "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description: "a BCP 47 language tag: a lowercase two- or three-letter language code, optionally with subtags",
        example: "en",
    },
    PatternMeaning {
        pattern: "^[0-9a-f]{64}$",
        description: "a SHA-256 digest: 64 lowercase hexadecimal characters, as `sha256sum` prints them",
        example: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    },
];

/// The meaning of `pattern`, when it is one of the model's.
pub fn pattern_meaning(pattern: &str) -> Option<&'static PatternMeaning> {
    PATTERNS.iter().find(|p| p.pattern == pattern)
}
