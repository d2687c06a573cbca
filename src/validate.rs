//! Schema validation: each record's raw JSON against its collection's schema,
//! then its id against its file name, then the raw value becomes a typed
//! `Record`. Later stages only ever see typed records.
//!
//! Every schema error is reported, not just the first, each located at the
//! offending value (or, for an unexpected property, at its key).

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;

use crate::diag::{Code, Finding};
use crate::error::{Error, Result};
use crate::load::RecordFile;
use crate::model::{Collection, Record, is_slug};
use crate::schema;
use crate::span::escape;

/// One compiled validator per collection, built once per run.
pub struct Validators {
    by_collection: Vec<(Collection, Value, Validator)>,
}

impl Validators {
    /// Compiles the schema of every collection.
    pub fn new() -> Result<Validators> {
        let mut by_collection = Vec::new();
        for collection in Collection::ALL {
            let schema = schema::generate(collection);
            let validator = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .build(&schema)
                .map_err(|e| {
                    Error::Other(format!("the {collection} schema does not compile: {e}"))
                })?;
            by_collection.push((collection, schema, validator));
        }
        Ok(Validators { by_collection })
    }

    fn get(&self, collection: Collection) -> (&Value, &Validator) {
        let (_, schema, validator) = self
            .by_collection
            .iter()
            .find(|(c, _, _)| *c == collection)
            .unwrap_or_else(|| unreachable!("every collection has a validator"));
        (schema, validator)
    }
}

/// The typed records of a dataset, aligned with `Dataset::files`.
#[derive(Debug, Default)]
pub struct Typed {
    /// `records[i]` is the record of `files[i]`, or `None` when it failed its schema.
    pub records: Vec<Option<Record>>,
}

/// Validates one file: schema, then id; returns the typed record when the schema passed.
pub fn validate_file(file: &RecordFile, validators: &Validators) -> (Vec<Finding>, Option<Record>) {
    let Some(value) = &file.value else {
        return (Vec::new(), None);
    };
    let mut findings = Vec::new();
    let (schema, validator) = validators.get(file.collection);
    let schema_ok = validator.is_valid(value);
    if !schema_ok {
        for error in validator.iter_errors(value) {
            schema_findings(file, schema, &error, &mut findings);
        }
        // A placeholder breaks several keywords at once; say it once.
        let mut placeholders = std::collections::HashSet::new();
        findings.retain(|f| f.message != PLACEHOLDER || placeholders.insert(f.pointer.clone()));
    }
    check_id(file, value, &mut findings);
    if !schema_ok {
        return (findings, None);
    }
    match Record::from_value(file.collection, value) {
        Ok(record) => (findings, Some(record)),
        Err(e) => {
            findings.push(file.finding(
                Code::SchemaViolation,
                &e.pointer,
                format!(
                    "the value does not fit the `{}` type: {}",
                    file.collection, e.message
                ),
            ));
            (findings, None)
        }
    }
}

/// What an empty string, the placeholder `techpact new` writes, is told.
const PLACEHOLDER: &str =
    "empty placeholder: write what the sources say here, or delete the field if it is optional";

/// Turns one schema error into findings: one per unexpected property, else one.
fn schema_findings(
    file: &RecordFile,
    schema: &Value,
    error: &ValidationError<'_>,
    out: &mut Vec<Finding>,
) {
    let pointer = error.instance_path().as_str().to_string();
    let keyword = error.kind().keyword().to_string();
    if error.instance().as_ref() == &Value::String(String::new()) {
        out.push(
            file.finding(Code::SchemaViolation, &pointer, PLACEHOLDER)
                .with_keyword(&keyword),
        );
        return;
    }
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for name in unexpected {
                let at = format!("{pointer}/{}", escape(name));
                out.push(
                    Finding::new(
                        Code::SchemaViolation,
                        &file.path,
                        file.at_key(&at),
                        &at,
                        format!(
                            "unexpected property `{name}`{}",
                            allowed_hint(schema, error.schema_path().as_str())
                        ),
                    )
                    .with_keyword(&keyword),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            out.push(
                file.finding(
                    Code::SchemaViolation,
                    &pointer,
                    format!("missing required property `{name}`"),
                )
                .with_keyword(&keyword),
            );
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            // A tagged union: when the value names its variant, the errors of
            // that variant are the useful ones.
            let chosen: Vec<&Vec<ValidationError<'static>>> = context
                .iter()
                .filter(|branch| {
                    !branch.iter().any(|e| {
                        matches!(e.kind(), ValidationErrorKind::Constant { .. })
                            || matches!(e.kind(), ValidationErrorKind::Required { .. })
                                && e.instance_path().as_str() == pointer
                    })
                })
                .collect();
            if let [branch] = chosen.as_slice() {
                for e in branch.iter() {
                    schema_findings(file, schema, e, out);
                }
            } else {
                out.push(
                    file.finding(
                        Code::SchemaViolation,
                        &pointer,
                        format!(
                            "the value matches none of the allowed forms{}",
                            forms_hint(error)
                        ),
                    )
                    .with_keyword(&keyword),
                );
            }
        }
        _ => out.push(
            file.finding(
                Code::SchemaViolation,
                &pointer,
                truncate(&error.masked_with("the value").to_string()),
            )
            .with_keyword(&keyword),
        ),
    }
}

/// "; allowed here: a, b, c" for the object whose schema sits at `schema_path`.
fn allowed_hint(schema: &Value, schema_path: &str) -> String {
    let object_path = schema_path.trim_end_matches("/additionalProperties");
    let properties = resolve(schema, object_path)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object);
    match properties {
        Some(props) if !props.is_empty() => {
            let names: Vec<&str> = props.keys().map(String::as_str).collect();
            format!("; allowed here: {}", names.join(", "))
        }
        _ => String::new(),
    }
}

/// The subschema at `path`, a schema path as jsonschema reports it: it may
/// pass through `$ref`, which is followed within the same document.
fn resolve<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = root;
    for segment in path.split('/').skip(1) {
        node = if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            root.pointer(target)?
        } else {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            match node {
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => node.get(&segment)?,
            }
        };
    }
    Some(node)
}

/// "; expected one of: …" listing the forms of a `oneOf`, by their required keys.
fn forms_hint(error: &ValidationError<'_>) -> String {
    let (ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context }) =
        error.kind()
    else {
        return String::new();
    };
    let forms: Vec<String> = context
        .iter()
        .filter_map(|branch| {
            branch.iter().find_map(|e| match e.kind() {
                ValidationErrorKind::Required { property } => {
                    Some(format!("`{}`", property.as_str().unwrap_or_default()))
                }
                ValidationErrorKind::Constant { expected_value } => {
                    Some(format!("`{expected_value}`"))
                }
                _ => None,
            })
        })
        .collect();
    if forms.is_empty() {
        String::new()
    } else {
        format!("; expected an object with one of {}", forms.join(", "))
    }
}

/// Keeps messages short even when a schema error quotes a huge value.
fn truncate(message: &str) -> String {
    const MAX: usize = 300;
    if message.chars().count() <= MAX {
        return message.to_string();
    }
    let cut: String = message.chars().take(MAX).collect();
    format!("{cut}…")
}

/// `id/format` and `id/mismatch`: the id is a slug and equals the file name.
fn check_id(file: &RecordFile, value: &Value, out: &mut Vec<Finding>) {
    let id = value.get("id").and_then(Value::as_str);
    match id {
        Some(id) if !is_slug(id) => out.push(file.finding(
            Code::IdFormat,
            "/id",
            format!(
                "id `{}` is not a slug: use lowercase letters, digits and single hyphens, at most 80 characters",
                truncate(id)
            ),
        )),
        Some(id) if id != file.stem => out.push(file.finding(
            Code::IdMismatch,
            "/id",
            format!(
                "id `{}` differs from the file name `{}.json`",
                truncate(id),
                truncate(&file.stem)
            ),
        )),
        _ => {}
    }
    // A file name that is not UTF-8 was reported while loading.
    let undecodable = file.stem.contains(char::REPLACEMENT_CHARACTER);
    if !is_slug(&file.stem) && id != Some(file.stem.as_str()) && !undecodable {
        out.push(Finding::new(
            Code::IdFormat,
            &file.path,
            (1, 1),
            "",
            format!(
                "file name `{}.json` is not `<id>.json` with a slug id: use lowercase letters, digits and single hyphens",
                truncate(&file.stem)
            ),
        ));
    }
}
