//! Contributors' tools: VS Code maps every collection's records to its
//! schema, and the pre-commit hooks run commands techpact accepts.

use crate::common;

use std::fs;

use common::{COLLECTIONS, root, techpact};
use serde_json::Value;

#[test]
fn vscode_maps_every_collection_to_its_schema() {
    let text = fs::read_to_string(root().join(".vscode/settings.json")).unwrap();
    let settings: Value = serde_json::from_str(&text).unwrap();
    let mappings = settings["json.schemas"].as_array().unwrap();
    assert_eq!(mappings.len(), COLLECTIONS.len());
    for collection in COLLECTIONS {
        let mapping = mappings
            .iter()
            .find(|m| m["fileMatch"][0] == format!("data/{collection}/*.json"))
            .unwrap_or_else(|| panic!("no mapping for {collection}"));
        let url = mapping["url"].as_str().unwrap();
        assert_eq!(url, format!("./schema/{collection}.schema.json"));
        assert!(root().join(url).is_file(), "{url}");
    }
}

#[test]
fn pre_commit_hooks_run_commands_techpact_accepts() {
    let text = fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let entries: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: "))
        .collect();
    assert_eq!(
        entries,
        ["techpact fmt", "techpact check --changed-since HEAD"]
    );
    for entry in entries {
        let mut args: Vec<&str> = entry.split(' ').skip(1).collect();
        // `fmt` itself would rewrite files; `--check` proves the same command runs.
        if args == ["fmt"] {
            args.push("--check");
        }
        let run = techpact(&root(), &args);
        assert_eq!(run.code, 0, "`{entry}`: {}{}", run.stdout, run.stderr);
    }
}
