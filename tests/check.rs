//! `techpact check` over fixture datasets: the golden dataset passes, and each
//! finding code of loading and schema validation is triggered by its own small
//! fixture (the golden dataset plus an overlay under `tests/fixtures/codes/`,
//! or a special file made by the test) and located by file, line, column and
//! pointer.

use crate::common;

use std::fs;
use std::path::Path;

use common::{Run, assert_finding, dataset_with, techpact};

fn check_json(dir: &Path) -> Run {
    techpact(dir, &["check", "--data", "data", "--format", "json"])
}

/// The codes of `findings`, sorted and deduplicated.
fn codes(run: &Run) -> Vec<String> {
    let mut codes: Vec<String> = run
        .findings()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn golden_dataset_is_clean_in_every_format() {
    let dir = dataset_with(None);
    let run = check_json(dir.path());
    assert_eq!(run.code, 0, "{}", run.stdout);
    let summary = &run.json()["summary"];
    assert_eq!(summary["records"], 10);
    assert_eq!(summary["errors"], 0);
    let human = techpact(dir.path(), &["check", "--data", "data"]);
    assert_eq!(human.code, 0);
    assert_eq!(
        human.stdout,
        "ok: 10 records in 10 record files, no findings\n"
    );
    let github = techpact(
        dir.path(),
        &["check", "--data", "data", "--format", "github"],
    );
    assert_eq!((github.code, github.stdout.as_str()), (0, ""));
}

#[test]
fn golden_quotes_are_found_in_their_evidence() {
    let run = techpact(
        &common::root(),
        &[
            "check",
            "--data",
            "tests/fixtures/golden/data",
            "--evidence",
            "tests/fixtures/golden/evidence",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn json_syntax_is_located_at_the_offending_character() {
    let dir = dataset_with(Some("json-syntax"));
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["json/syntax"]);
    assert_finding(
        &run.findings(),
        "json/syntax",
        "data/places/broken.json",
        3,
        20,
        "",
    );
}

#[test]
fn duplicate_key_is_located_at_the_second_key() {
    let dir = dataset_with(Some("json-duplicate-key"));
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["json/duplicate-key"]);
    assert_finding(
        &run.findings(),
        "json/duplicate-key",
        "data/places/twice.json",
        5,
        3,
        "/name",
    );
}

#[test]
fn byte_order_mark_and_invalid_utf8_are_encoding_findings() {
    let dir = dataset_with(Some("json-encoding"));
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["json/encoding"]);
    let findings = run.findings();
    assert_finding(&findings, "json/encoding", "data/places/bom.json", 1, 1, "");
    assert_finding(
        &findings,
        "json/encoding",
        "data/places/latin.json",
        3,
        15,
        "",
    );
    // The file with a byte-order mark is still checked as a record.
    assert_eq!(run.json()["summary"]["records"], 11);
}

#[test]
fn unexpected_entries_are_reported_not_skipped() {
    let dir = dataset_with(Some("layout-unexpected-entry"));
    std::os::unix::fs::symlink("cityville.json", dir.path().join("data/places/alias.json"))
        .unwrap();
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["layout/unexpected-entry"]);
    let findings = run.findings();
    for file in [
        "data/README.md",
        "data/widgets",
        "data/places/nested",
        "data/places/notes.txt",
        "data/places/alias.json",
    ] {
        assert_finding(&findings, "layout/unexpected-entry", file, 0, 0, "");
    }
    // The rest of the data is still checked.
    assert_eq!(run.json()["summary"]["records"], 10);
}

#[test]
fn zero_records_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("data/places")).unwrap();
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_finding(&run.findings(), "layout/empty", "data", 0, 0, "");
}

#[test]
fn a_missing_data_directory_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let run = check_json(dir.path());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("reading data directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_too_large_to_be_a_record_is_unreadable() {
    let dir = dataset_with(None);
    let huge = fs::File::create(dir.path().join("data/places/huge.json")).unwrap();
    huge.set_len(65 * 1024 * 1024).unwrap();
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["io/unreadable"]);
    assert_finding(
        &run.findings(),
        "io/unreadable",
        "data/places/huge.json",
        0,
        0,
        "",
    );
}

#[test]
fn schema_violations_are_all_reported_and_located() {
    let dir = dataset_with(Some("schema-violation"));
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    let findings = run.findings();
    let file = "data/organizations/bad-org.json";
    let at = |pointer: &str| -> Vec<&serde_json::Value> {
        findings
            .iter()
            .filter(|f| f["code"] == "schema/violation" && f["pointer"] == pointer)
            .collect()
    };
    // Missing property: located at the object, named in the message.
    let missing = at("");
    assert_eq!(missing.len(), 1);
    assert_eq!(
        (missing[0]["line"].as_u64(), missing[0]["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(missing[0]["keyword"], "required");
    assert!(missing[0]["message"].as_str().unwrap().contains("`name`"));
    assert!(findings.iter().all(|f| f["file"] == file));
    let kind = at("/kind");
    assert_eq!(
        (kind[0]["line"].as_u64(), kind[0]["column"].as_u64()),
        (Some(3), Some(11))
    );
    assert_eq!(kind[0]["keyword"], "enum");
    let founded = at("/founded");
    assert_eq!(founded[0]["keyword"], "type");
    assert_eq!(
        (founded[0]["line"].as_u64(), founded[0]["column"].as_u64()),
        (Some(4), Some(14))
    );
    // Unexpected properties: located at their key, named in the message.
    let colour = at("/colour");
    assert_eq!(
        (colour[0]["line"].as_u64(), colour[0]["column"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(colour[0]["keyword"], "additionalProperties");
    assert!(colour[0]["message"].as_str().unwrap().contains("`colour`"));
    let page = at("/sources/0/page");
    assert_eq!(
        (page[0]["line"].as_u64(), page[0]["column"].as_u64()),
        (Some(9), Some(7))
    );
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["code"] == "schema/violation")
            .count(),
        5
    );
}

/// Finds the single `schema/violation` at `pointer` in `file`, asserting its location and keyword.
fn assert_violation(
    findings: &[serde_json::Value],
    file: &str,
    at: (u64, u64, &str),
    keyword: &str,
) {
    assert_finding(findings, "schema/violation", file, at.0, at.1, at.2);
    let finding = findings.iter().find(|f| f["file"] == file).unwrap();
    assert_eq!(finding["keyword"], keyword, "{finding}");
}

#[test]
fn counts_lists_and_names_are_constrained_where_the_value_is() {
    let dir = dataset_with(Some("schema-constraints"));
    let findings = check_json(dir.path()).findings();
    let violations: Vec<serde_json::Value> = findings
        .into_iter()
        .filter(|f| f["code"] == "schema/violation")
        .collect();
    // Past the u32 range: the schema says so, at the value.
    let overflow = "data/events/edition-overflow.json";
    assert_violation(&violations, overflow, (4, 14, "/edition"), "maximum");
    // A required list is never empty; a name is not only spaces; no list repeats an item.
    assert_violation(
        &violations,
        "data/labs/hostless-lab.json",
        (4, 12, "/hosts"),
        "minItems",
    );
    let blank = "data/organizations/blank-name.json";
    let at = |pointer: &str| -> Vec<serde_json::Value> {
        violations
            .iter()
            .filter(|f| f["file"] == blank && f["pointer"] == pointer)
            .cloned()
            .collect()
    };
    assert_violation(&at("/name"), blank, (3, 11, "/name"), "pattern");
    assert_violation(&at("/aliases"), blank, (4, 14, "/aliases"), "uniqueItems");
    // A whole number written as `3.0` is an integer, as JSON Schema says.
    assert!(
        !violations
            .iter()
            .any(|f| f["file"] == "data/events/edition-as-float.json"),
        "{violations:?}"
    );
    assert_eq!(violations.len(), 4, "{violations:?}");
}

#[test]
fn id_must_equal_the_file_name() {
    let dir = dataset_with(Some("id-mismatch"));
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["id/mismatch"]);
    assert_finding(
        &run.findings(),
        "id/mismatch",
        "data/places/some-name.json",
        2,
        9,
        "/id",
    );
}

#[test]
fn id_must_be_a_slug() {
    let dir = dataset_with(Some("id-format"));
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["id/format"]);
    assert_finding(
        &run.findings(),
        "id/format",
        "data/places/Bad_Name.json",
        2,
        9,
        "/id",
    );
}

#[test]
fn a_non_utf8_file_name_is_an_id_format_finding() {
    use std::os::unix::ffi::OsStrExt;
    let dir = dataset_with(None);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.json");
    fs::write(dir.path().join("data/places").join(name), b"{}").unwrap();
    let run = check_json(dir.path());
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_finding(
        &findings,
        "id/format",
        "data/places/caf\u{fffd}.json",
        0,
        0,
        "",
    );
}
