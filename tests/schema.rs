//! The generated schemas: committed, valid draft 2020-12, marking references,
//! and `schema --check` catches every kind of drift.

use crate::common;

use std::fs;

use common::{assert_finding, copy_tree, root, techpact};
use techpact::model::Collection;

#[test]
fn committed_schemas_match_the_types() {
    let run = techpact(&root(), &["schema", "--check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn every_schema_is_valid_against_the_2020_12_meta_schema() {
    for collection in Collection::ALL {
        let path = root().join("schema").join(collection.schema_file_name());
        let schema: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{collection}"
        );
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{collection}: {e}");
        }
    }
}

#[test]
fn references_name_their_collection() {
    let text = fs::read_to_string(root().join("schema/labs.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema["properties"]["partnership"]["x-techpact-ref"],
        "partnerships"
    );
    assert_eq!(
        schema["properties"]["hosts"]["items"]["x-techpact-ref"],
        "organizations"
    );
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn stale_missing_and_extra_schemas_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("schema"), &dir.path().join("schema"));
    let labs = dir.path().join("schema/labs.schema.json");
    let text = fs::read_to_string(&labs).unwrap().replacen(
        "\"type\": \"object\"",
        "\"type\": \"array\"",
        1,
    );
    fs::write(&labs, text).unwrap();
    fs::remove_file(dir.path().join("schema/events.schema.json")).unwrap();
    fs::write(dir.path().join("schema/widgets.schema.json"), "{}\n").unwrap();
    let run = techpact(
        dir.path(),
        &["schema", "--check", "--dir", "schema", "--format", "json"],
    );
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_eq!(findings.len(), 3, "{findings:?}");
    let original = fs::read_to_string(root().join("schema/labs.schema.json")).unwrap();
    let changed_at = original.find("\"type\": \"object\"").unwrap();
    let line = original[..changed_at].lines().count() as u64;
    assert_finding(
        &findings,
        "schema/stale",
        "schema/labs.schema.json",
        line,
        16,
        "",
    );
    assert_finding(
        &findings,
        "schema/stale",
        "schema/events.schema.json",
        0,
        0,
        "",
    );
    assert_finding(
        &findings,
        "schema/stale",
        "schema/widgets.schema.json",
        0,
        0,
        "",
    );
    // Writing repairs all three.
    let write = techpact(dir.path(), &["schema", "--dir", "schema"]);
    assert_eq!(write.code, 0);
    fs::remove_file(dir.path().join("schema/widgets.schema.json")).unwrap();
    let again = techpact(dir.path(), &["schema", "--check", "--dir", "schema"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
}
