//! Schema validation: each record's raw JSON against its collection's schema,
//! then its id against its file name, then the raw value becomes a typed
//! `Record`. Later stages only ever see typed records.
//!
//! Every schema error is reported, not just the first, each located at the
//! offending value (or, for an unexpected property, at its key).

use std::sync::{Arc, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::diag::{Code, Finding};
use crate::error::{Error, Result};
use crate::load::RecordFile;
use crate::model::{Collection, Record, is_slug};
use crate::schema;
use crate::span::{array_index, escape, unescape};
use crate::suggest;

/// One compiled validator per collection, compiled once per process: the
/// schemas are generated from the record types, so every run of one
/// process compiles the same validators (a library caller checking again,
/// or the tools that check before and after they rewrite).
#[derive(Clone)]
pub struct Validators {
    by_collection: Arc<[(Collection, Value, Validator)]>,
}

impl Validators {
    /// The validator of every collection, compiled on the first call.
    pub fn new() -> Result<Validators> {
        static COMPILED: OnceLock<std::result::Result<Validators, String>> = OnceLock::new();
        COMPILED
            .get_or_init(Validators::compile)
            .clone()
            .map_err(Error::Other)
    }

    /// Compiles the schema of every collection.
    fn compile() -> std::result::Result<Validators, String> {
        let mut by_collection = Vec::new();
        for collection in Collection::ALL {
            let schema = schema::generate(collection);
            // `draft202012::new` is compiled in jsonschema: building a
            // validator through the generic `options().build` would compile
            // jsonschema's whole compiler a second time, in techpact.
            let validator = jsonschema::draft202012::new(&schema)
                .map_err(|e| format!("the {collection} schema does not compile: {e}"))?;
            by_collection.push((collection, schema, validator));
        }
        Ok(Validators {
            by_collection: by_collection.into(),
        })
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
        findings
            .retain(|f| !f.message.contains(PLACEHOLDER) || placeholders.insert(f.pointer.clone()));
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

/// What an empty string, the placeholder `techpact new` writes, is called.
const PLACEHOLDER: &str = "the empty placeholder";

/// What the placeholder at `pointer` is told: whether the field is required,
/// and what it means.
fn placeholder_message(schema: &Value, pointer: &str) -> String {
    let field = schema::field(schema, pointer);
    let meaning = match field.description.as_str() {
        "" => String::new(),
        d => format!(": {d}"),
    };
    match (field.required, field.within_optional) {
        (true, None) => format!(
            "`{pointer}` is required and still holds {PLACEHOLDER}; write what the sources say{meaning}"
        ),
        (true, Some(outer)) => format!(
            "`{pointer}` is required in `{outer}` and still holds {PLACEHOLDER}; write what the sources say, or delete `{outer}`{meaning}"
        ),
        (false, _) => format!(
            "`{pointer}` is optional and still holds {PLACEHOLDER}; write what the sources say, or delete the field{meaning}"
        ),
    }
}

/// Turns one schema error into findings: one per unexpected property, else one.
fn schema_findings(
    file: &RecordFile,
    schema: &Value,
    error: &ValidationError<'_>,
    out: &mut Vec<Finding>,
) {
    let pointer = error.instance_path().as_str().to_string();
    let keyword = error.kind().keyword().to_string();
    let instance = error.instance();
    if instance.as_ref() == &Value::String(String::new()) {
        out.push(
            file.finding(
                Code::SchemaViolation,
                &pointer,
                placeholder_message(schema, &pointer),
            )
            .with_keyword(&keyword),
        );
        return;
    }
    let schema_path = error.schema_path().as_str();
    let message = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let object_path = schema_path
                .trim_end_matches("/additionalProperties")
                .trim_end_matches("/unevaluatedProperties");
            let allowed = property_names(schema, object_path);
            for name in unexpected {
                let at = format!("{pointer}/{}", escape(name));
                out.push(
                    Finding::new(
                        Code::SchemaViolation,
                        &file.path,
                        file.at_key(&at),
                        &at,
                        unexpected_message(name, &allowed),
                    )
                    .with_keyword(&keyword),
                );
            }
            return;
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let allowed = property_names(schema, schema_path.trim_end_matches("/required"));
            missing_message(&name, instance, &allowed)
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            match closest_form(schema, schema_path, instance, context) {
                Closest::Form { index, message } => {
                    if let Some(message) = message {
                        out.push(
                            file.finding(Code::SchemaViolation, &pointer, message)
                                .with_keyword(&keyword),
                        );
                    }
                    // What is wrong inside the form's own fields, one by one.
                    for e in &context[index] {
                        if e.instance_path().as_str() != pointer {
                            schema_findings(file, schema, e, out);
                        }
                    }
                    return;
                }
                Closest::None(message) => message,
            }
        }
        ValidationErrorKind::Enum { options } => enum_message(instance, options),
        ValidationErrorKind::Pattern { pattern } => pattern_message(instance, pattern),
        _ => truncate(&error.masked_with("the value").to_string()),
    };
    out.push(
        file.finding(Code::SchemaViolation, &pointer, message)
            .with_keyword(&keyword),
    );
}

/// The property names of the object schema at `object_path`.
fn property_names(schema: &Value, object_path: &str) -> Vec<String> {
    resolve(schema, object_path)
        .map(|node| crate::schema::follow_ref(schema, node))
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

/// "unexpected property `feilds`; did you mean `fields`? …", with every
/// property allowed in the object.
fn unexpected_message(name: &str, allowed: &[String]) -> String {
    let mut message = format!("unexpected property `{name}`");
    if let Some(close) = suggest::closest(name, allowed.iter().map(String::as_str)) {
        message.push_str(&format!("; did you mean `{close}`?"));
    }
    if !allowed.is_empty() {
        message.push_str(&format!(
            " The properties allowed here: {}",
            allowed.join(", ")
        ));
    }
    message
}

/// "missing required property `name`", naming the key of the object that
/// looks like a misspelling of it.
fn missing_message(name: &str, object: &Value, allowed: &[String]) -> String {
    let unknown = object
        .as_object()
        .into_iter()
        .flat_map(|o| o.keys())
        .filter(|k| !allowed.contains(k))
        .map(String::as_str);
    match suggest::closest(name, unknown) {
        Some(typo) => format!(
            "missing required property `{name}`: the key `{typo}` of this object looks like a misspelling of it; rename `{typo}` to `{name}`"
        ),
        None => format!("missing required property `{name}`"),
    }
}

/// "`corporation` is not one of the allowed values: …", with the closest.
fn enum_message(instance: &Value, options: &Value) -> String {
    let values: Vec<&str> = options
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let listed = values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let shown = shown_value(instance);
    match instance
        .as_str()
        .and_then(|v| suggest::closest(v, values.iter().copied()))
    {
        Some(close) => format!(
            "{shown} is not an allowed value; did you mean `{close}`? The allowed values: {listed}"
        ),
        None => format!("{shown} is not one of the allowed values: {listed}"),
    }
}

/// "`9 April 2025` is not a date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. `2017-09-06`".
fn pattern_message(instance: &Value, pattern: &str) -> String {
    let shown = shown_value(instance);
    match crate::model::pattern_meaning(pattern) {
        Some(meaning) => format!(
            "{shown} is not {}, e.g. `{}`",
            meaning.description, meaning.example
        ),
        None => format!("{shown} does not match the pattern `{pattern}`"),
    }
}

/// A value as a message quotes it: in backquotes, cut when long.
fn shown_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{}`", truncate_to(s, 80)),
        other => format!("`{}`", truncate_to(&other.to_string(), 80)),
    }
}

/// What the form a `oneOf` value is closest to says.
enum Closest {
    /// The value is closest to branch `index`; `message` says what it
    /// lacks or has too many, unless only its fields are wrong.
    Form {
        index: usize,
        message: Option<String>,
    },
    /// No branch is closer than the others; the message lists the forms.
    None(String),
}

/// One branch of a `oneOf`, as a message names it: by its tag (a property
/// with a `const`), else by its required properties.
struct Form<'a> {
    tag: Option<(&'a str, &'a Value)>,
    required: Vec<&'a str>,
}

impl Form<'_> {
    fn name(&self) -> String {
        match self.tag {
            Some((key, value)) => format!("`\"{key}\": {value}`"),
            None => self
                .required
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(" + "),
        }
    }
}

/// The forms of the `oneOf` at `schema_path`, with their schemas.
fn forms_of<'a>(schema: &'a Value, schema_path: &str) -> Vec<(Form<'a>, &'a Value)> {
    let branches: Vec<&Value> = resolve(schema, schema_path)
        .and_then(Value::as_array)
        .map(|b| {
            b.iter()
                .map(|x| crate::schema::follow_ref(schema, x))
                .collect()
        })
        .unwrap_or_default();
    branches
        .into_iter()
        .map(|b| {
            let tag = b
                .get("properties")
                .and_then(Value::as_object)
                .and_then(|p| {
                    p.iter()
                        .find_map(|(k, v)| Some((k.as_str(), v.get("const")?)))
                });
            let required = b
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            (Form { tag, required }, b)
        })
        .collect()
}

/// The form of a `oneOf` at `schema_path` that `instance` is closest to:
/// the one whose tag it carries, else the one with fewest errors, else the
/// one a property of which its unknown keys misspell.
fn closest_form(
    schema: &Value,
    schema_path: &str,
    instance: &Value,
    context: &[Vec<ValidationError<'static>>],
) -> Closest {
    let forms = forms_of(schema, schema_path);
    let names = forms
        .iter()
        .map(|(f, _)| f.name())
        .collect::<Vec<_>>()
        .join(", ");
    let Some(object) = instance
        .as_object()
        .filter(|_| forms.len() == context.len())
    else {
        return Closest::None(format!(
            "{} is not an object of one of the allowed forms: {names}",
            shown_value(instance)
        ));
    };
    let tagged = |f: &Form<'_>| f.tag.is_some_and(|(k, v)| object.get(k) == Some(v));
    let mut chosen: Vec<usize> = (0..forms.len()).filter(|&i| tagged(&forms[i].0)).collect();
    if chosen.is_empty() {
        if let Some((key, _)) = forms.iter().find_map(|(f, _)| f.tag) {
            let values: Vec<String> = forms
                .iter()
                .filter_map(|(f, _)| f.tag.map(|(_, v)| format!("`{v}`")))
                .collect();
            return Closest::None(format!(
                "`{key}` must be one of {}, each naming a form with its own properties",
                values.join(", ")
            ));
        }
        let fewest = context.iter().map(Vec::len).min().unwrap_or(0);
        chosen = (0..forms.len())
            .filter(|&i| context[i].len() == fewest)
            .collect();
    }
    if chosen.len() > 1 {
        // Ties: the form one of whose properties an unknown key misspells.
        let unknown: Vec<&str> = object
            .keys()
            .map(String::as_str)
            .filter(|k| !forms.iter().any(|(f, _)| f.required.contains(k)))
            .collect();
        let by_typo: Vec<usize> = chosen
            .iter()
            .copied()
            .filter(|&i| {
                unknown
                    .iter()
                    .any(|k| suggest::closest(k, forms[i].0.required.iter().copied()).is_some())
            })
            .collect();
        if by_typo.len() == 1 {
            chosen = by_typo;
        }
    }
    let [index] = chosen.as_slice() else {
        return Closest::None(format!(
            "the value matches none of the allowed forms, objects with: {names}"
        ));
    };
    let (form, branch) = &forms[*index];
    Closest::Form {
        index: *index,
        message: what_it_lacks(form, branch, object).map(|lacks| {
            format!(
                "the value is closest to the {} form, but {lacks}; the allowed forms: {names}",
                form.name(),
            )
        }),
    }
}

/// "lacks `number`, and has `count` (did you mean …?) which it does not
/// allow"; `None` when the object has the form's keys and no other.
fn what_it_lacks(
    form: &Form<'_>,
    branch: &Value,
    object: &serde_json::Map<String, Value>,
) -> Option<String> {
    let lacks: Vec<String> = form
        .required
        .iter()
        .filter(|r| !object.contains_key(**r))
        .map(|r| format!("`{r}`"))
        .collect();
    let allowed: Vec<&str> = branch
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let extra: Vec<String> = object
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| match suggest::closest(k, allowed.iter().copied()) {
            Some(close) => format!("`{k}` (did you mean `{close}`?)"),
            None => format!("`{k}`"),
        })
        .collect();
    let mut said = Vec::new();
    if !lacks.is_empty() {
        said.push(format!("lacks {}", lacks.join(", ")));
    }
    if !extra.is_empty() {
        said.push(format!("has {} which it does not allow", extra.join(", ")));
    }
    (!said.is_empty()).then(|| said.join(", and "))
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
            let segment = unescape(segment);
            match node {
                Value::Array(items) => items.get(array_index(&segment)?)?,
                _ => node.get(segment.as_ref())?,
            }
        };
    }
    Some(node)
}

/// Keeps messages short even when a schema error quotes a huge value.
fn truncate(message: &str) -> String {
    truncate_to(message, 300)
}

/// `message` cut to `max` characters, with `…` when cut.
fn truncate_to(message: &str, max: usize) -> String {
    if message.chars().count() <= max {
        return message.to_string();
    }
    let cut: String = message.chars().take(max).collect();
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
    let undecodable = || file.stem.contains(char::REPLACEMENT_CHARACTER);
    if !is_slug(&file.stem) && id != Some(file.stem.as_str()) && !undecodable() {
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
