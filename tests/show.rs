//! `techpact show`: a record value by value with its evidence, through the
//! real binary.

use crate::common;

use common::{root, techpact};

fn show(args: &[&str]) -> common::Run {
    let mut all = vec!["show", "--data", "tests/fixtures/rules-provenance/data"];
    all.extend_from_slice(args);
    techpact(&root(), &all)
}

#[test]
fn each_value_comes_with_its_level_and_evidence() {
    let run = show(&["facts/hkust-users", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(
        doc["file"],
        "tests/fixtures/rules-provenance/data/facts/hkust-users.json"
    );
    let rows = doc["statements"].as_array().unwrap();
    let pointers: Vec<&str> = rows
        .iter()
        .map(|r| r["pointer"].as_str().unwrap())
        .collect();
    // In the order of the file; `id` and the citations are not values.
    assert_eq!(
        pointers,
        [
            "/statement",
            "/category",
            "/subjects/0/organization",
            "/value/type",
            "/value/number",
            "/value/comparator",
            "/value/unit",
            "/value/as_of",
        ]
    );
    let row = |p: &str| rows.iter().find(|r| r["pointer"] == p).unwrap();
    assert_eq!(row("/value/number")["level"], "quoted");
    assert_eq!(row("/value/number")["value"], 500000);
    assert_eq!(row("/value/number")["source"], "pr-2025-04-09");
    assert_eq!(
        row("/value/number")["quote"],
        "By April 9, 2025, HKUST served more than 500,000 users"
    );
    assert_eq!(row("/statement")["level"], "cited");
    assert_eq!(row("/value/type")["level"], "inferred");
    assert_eq!(
        row("/value/type")["reason"],
        "a number of users is a quantity"
    );
    assert_eq!(row("/value/type")["source"], serde_json::Value::Null);
}

#[test]
fn people_see_counts_then_each_value() {
    let run = show(&["organizations/hkust"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "organizations/hkust  (tests/fixtures/rules-provenance/data/organizations/hkust.json)"
    );
    assert_eq!(
        lines[1],
        "6 values: 2 quoted, 1 cited, 1 inferred, 2 uncovered"
    );
    let kind = lines.iter().position(|l| l.starts_with("/kind ")).unwrap();
    assert!(
        lines[kind + 1]
            .trim_start()
            .starts_with("inferred  named \"University\" in the source"),
        "{}",
        run.stdout
    );
    let location = lines
        .iter()
        .position(|l| l.starts_with("/location "))
        .unwrap();
    assert!(
        lines[location + 1].trim_start().starts_with("uncovered"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_record_is_a_usage_error_with_a_suggestion() {
    let run = show(&["organizations/hkst"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `organizations/hkust`?"),
        "{}",
        run.stderr
    );
    let run = show(&["widgets/x"]);
    assert_eq!(run.code, 2);
}
