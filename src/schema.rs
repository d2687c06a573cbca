//! JSON Schemas generated from the record types: one per collection, draft
//! 2020-12. `techpact schema` writes them to `schema/`; `--check` compares the
//! committed files with what the types generate, so the two never drift.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::diag::{Code, Finding};
use crate::error::{Error, Result};
use crate::format;
use crate::model::{
    Collection, Event, Fact, Lab, Organization, Partnership, Person, Place, Product, Series,
    Source, TalentProgram,
};

/// The schema of `collection`, as a JSON value.
pub fn generate(collection: Collection) -> Value {
    let schema = match collection {
        Collection::Organizations => root::<Organization>(),
        Collection::People => root::<Person>(),
        Collection::Places => root::<Place>(),
        Collection::Partnerships => root::<Partnership>(),
        Collection::Labs => root::<Lab>(),
        Collection::TalentPrograms => root::<TalentProgram>(),
        Collection::Products => root::<Product>(),
        Collection::Events => root::<Event>(),
        Collection::Series => root::<Series>(),
        Collection::Facts => root::<Fact>(),
        Collection::Sources => root::<Source>(),
    };
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "$id".into(),
            Value::String(format!("techpact/schema/{}", collection.schema_file_name())),
        );
        object.insert(
            "title".into(),
            Value::String(format!("techpact {collection} record")),
        );
        tombstones_need_less(collection, object);
    }
    value
}

/// A withdrawn record needs only its id and name (plus its withdrawal and
/// sources, which are optional anyway): the rest of what its type requires
/// moves under an `if` that applies only when `withdrawn` is absent.
fn tombstones_need_less(collection: Collection, schema: &mut serde_json::Map<String, Value>) {
    let Some(Value::Array(required)) = schema.get("required").cloned() else {
        return;
    };
    let always = ["id", collection.label_field()];
    let (kept, rest): (Vec<Value>, Vec<Value>) = required
        .into_iter()
        .partition(|v| v.as_str().is_some_and(|k| always.contains(&k)));
    schema.insert("required".into(), Value::Array(kept));
    if !rest.is_empty() {
        schema.insert(
            "if".into(),
            serde_json::json!({ "not": { "required": ["withdrawn"] } }),
        );
        schema.insert("then".into(), serde_json::json!({ "required": rest }));
    }
}

fn root<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12()
        .with_transform(Simplify)
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Simplifications that give contributors clearer errors and every JSON
/// Schema validator the same verdict as techpact:
/// - optional fields are left out, never `null`: strips the `null` that
///   schemars adds for `Option<T>`, so a record has one spelling of "absent";
/// - a `oneOf` of documented string constants (a plain Rust enum) becomes an
///   `enum`, with each value's meaning listed in the description;
/// - Rust's integer formats (`uint32`), which strict validators refuse as
///   unknown, become the `minimum` and `maximum` the Rust type can hold;
/// - a list is never empty when required and never repeats an item.
#[derive(Debug, Clone)]
struct Simplify;

impl Transform for Simplify {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(Value::Array(branches)) = schema.get("oneOf")
            && !branches.is_empty()
            && branches
                .iter()
                .all(|b| b.get("const").is_some_and(Value::is_string))
        {
            let values: Vec<Value> = branches.iter().map(|b| b["const"].clone()).collect();
            let mut description = schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            for b in branches {
                let meaning = b.get("description").and_then(Value::as_str).unwrap_or("");
                description.push_str(&format!(
                    "\n- `{}`: {meaning}",
                    b["const"].as_str().unwrap_or("")
                ));
            }
            schema.remove("oneOf");
            schema.insert("type".into(), Value::String("string".into()));
            schema.insert("enum".into(), Value::Array(values));
            schema.insert(
                "description".into(),
                Value::String(description.trim_start().to_string()),
            );
        }
        if let Some(Value::Array(types)) = schema.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types.remove(0);
                schema.insert("type".into(), only);
            }
        }
        if let Some(Value::Array(branches)) = schema.get_mut("anyOf") {
            branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
            if branches.len() == 1 {
                let only = branches.remove(0);
                schema.remove("anyOf");
                if let Value::Object(map) = only {
                    for (k, v) in map {
                        schema.insert(k, v);
                    }
                }
            }
        }
        integer_bounds(schema);
        list_constraints(schema);
        transform_subschemas(self, schema);
    }
}

/// Replaces a Rust integer `format` by the bounds of that integer type.
fn integer_bounds(schema: &mut Schema) {
    let bounds = match schema.get("format").and_then(Value::as_str) {
        Some("uint8") => (0, u64::from(u8::MAX)),
        Some("uint16") => (0, u64::from(u16::MAX)),
        Some("uint32") => (0, u64::from(u32::MAX)),
        Some("uint64" | "uint") => (0, u64::MAX),
        _ => return,
    };
    schema.remove("format");
    if schema.get("minimum").is_none() {
        schema.insert("minimum".into(), bounds.0.into());
    }
    if schema.get("maximum").is_none() {
        schema.insert("maximum".into(), bounds.1.into());
    }
}

/// Every list holds distinct items; a required list holds at least one.
fn list_constraints(schema: &mut Schema) {
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        schema.insert("uniqueItems".into(), Value::Bool(true));
    }
    let required: Vec<String> = match schema.get("required") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => return,
    };
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for name in required {
        if let Some(Value::Object(property)) = properties.get_mut(&name)
            && property.get("type").and_then(Value::as_str) == Some("array")
        {
            property.insert("minItems".into(), Value::from(1));
        }
    }
}

/// The node a local `$ref` in `node` points to within `root`, or `node` itself.
pub fn follow_ref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    node.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| root.pointer(p))
        .unwrap_or(node)
}

/// What the schema says about one field of a record, for people.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Field {
    /// The field's description (its first paragraph), with the allowed values of an enum.
    pub description: String,
    /// Whether the object holding the field requires it; an array element
    /// is as required as its array.
    pub required: bool,
    /// The pointer of the nearest optional field holding this one, when
    /// there is one: a required field is needed only while it is kept.
    pub within_optional: Option<String>,
}

/// The field at the instance `pointer` of a record whose schema is `root`,
/// following `$ref`s, array items and the branches of a `oneOf`.
pub fn field(root: &Value, pointer: &str) -> Field {
    let mut node = root;
    let mut found = Field::default();
    let mut at = String::new();
    for segment in pointer.split('/').skip(1) {
        node = follow_ref(root, node);
        if !at.is_empty() && !found.required {
            found.within_optional = Some(at.clone());
        }
        at = format!("{at}/{segment}");
        if segment.parse::<usize>().is_ok()
            && let Some(items) = node.get("items")
        {
            node = items;
            continue;
        }
        let Some((object, next)) = property(root, node, segment) else {
            break;
        };
        found.description = next
            .get("description")
            .or_else(|| follow_ref(root, next).get("description"))
            .and_then(Value::as_str)
            .and_then(|d| d.split("\n\n").next())
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        // A `then` holds what a live (not withdrawn) record requires.
        let requires = |node: Option<&Value>| {
            node.and_then(|n| n.get("required"))
                .and_then(Value::as_array)
                .is_some_and(|names| names.iter().any(|n| n == segment))
        };
        found.required = requires(Some(object)) || requires(object.get("then"));
        node = next;
    }
    let leaf = follow_ref(root, node);
    let leaf = leaf
        .get("items")
        .map_or(leaf, |items| follow_ref(root, items));
    if let Some(values) = leaf.get("enum").and_then(Value::as_array) {
        let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        found.description = format!("{} One of: {}.", found.description, values.join(", "));
    }
    found
}

/// The object schema declaring property `name` of the object schema `node`
/// (`node` itself or a branch of its `oneOf`), and the property's schema.
fn property<'a>(root: &'a Value, node: &'a Value, name: &str) -> Option<(&'a Value, &'a Value)> {
    if let Some(p) = node.get("properties").and_then(|p| p.get(name)) {
        return Some((node, p));
    }
    node.get("oneOf")?.as_array()?.iter().find_map(|branch| {
        let branch = follow_ref(root, branch);
        Some((branch, branch.get("properties")?.get(name)?))
    })
}

/// The committed text of a schema: canonical JSON, as every file we write.
pub fn render(collection: Collection) -> String {
    format::to_canonical_string(&generate(collection))
}

/// Writes every schema into `dir`, returning the files that changed.
pub fn write_all(dir: &Path) -> Result<Vec<String>> {
    fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let mut changed = Vec::new();
    for collection in Collection::ALL {
        let path = dir.join(collection.schema_file_name());
        let text = render(collection);
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            format::write_atomic(&path, text.as_bytes())?;
            changed.push(collection.schema_file_name());
        }
    }
    Ok(changed)
}

/// Compares the schemas in `dir` with the generated ones; `shown` is how `dir`
/// appears in findings. A differing, missing or extra file is `schema/stale`.
pub fn check_all(dir: &Path, shown: &str) -> Vec<Finding> {
    let shown = shown.trim_end_matches('/');
    let mut findings = Vec::new();
    let mut expected = BTreeSet::new();
    for collection in Collection::ALL {
        let name = collection.schema_file_name();
        let path = dir.join(&name);
        let file = format!("{shown}/{name}");
        let want = render(collection);
        match fs::read_to_string(&path) {
            Ok(have) if have == want => {}
            Ok(have) => findings.push(Finding::new(
                Code::SchemaStale,
                file,
                first_difference(&have, &want),
                "",
                format!(
                    "differs from what the `{collection}` type generates; run `techpact schema`"
                ),
            )),
            Err(_) => findings.push(Finding::new(
                Code::SchemaStale,
                file,
                (0, 0),
                "",
                format!("missing; run `techpact schema` to write the `{collection}` schema"),
            )),
        }
        expected.insert(name);
    }
    if let Ok(entries) = fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !expected.contains(name))
            .collect();
        extra.sort();
        for name in extra {
            findings.push(Finding::new(
                Code::SchemaStale,
                format!("{shown}/{name}"),
                (0, 0),
                "",
                "no collection generates this file; delete it, or run `techpact schema` after adding the collection",
            ));
        }
    }
    findings
}

/// The 1-based line and column where two texts first differ.
pub fn first_difference(have: &str, want: &str) -> (u32, u32) {
    let mut line = 1u32;
    let mut column = 1u32;
    let mut want_chars = want.chars();
    for a in have.chars() {
        if Some(a) != want_chars.next() {
            return (line, column);
        }
        if a == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}
