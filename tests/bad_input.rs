//! Hostile and broken input: each case gets a located finding with the right
//! code, never a panic, a hang or a silent pass, and the rest of the data is
//! still checked.

use crate::common;

use std::fs;

use common::{Run, assert_finding, dataset_with, techpact};

/// The golden dataset plus one file `data/places/<name>` holding `bytes`.
fn run_with_place(name: &str, bytes: &[u8]) -> Run {
    let dir = dataset_with(None);
    fs::write(dir.path().join("data/places").join(name), bytes).unwrap();
    let run = techpact(dir.path(), &["check", "--data", "data", "--format", "json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    // The ten golden records are still loaded and checked.
    assert_eq!(run.json()["summary"]["records"], 10, "{}", run.stdout);
    run
}

#[test]
fn deeply_nested_brackets() {
    let run = run_with_place("deep.json", "[".repeat(100_000).as_bytes());
    let findings = run.findings();
    assert_finding(
        &findings,
        "json/syntax",
        "data/places/deep.json",
        1,
        128,
        "",
    );
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("deeper than 128")
    );
}

#[test]
fn a_thirty_megabyte_string() {
    let text = format!(
        "{{\n  \"id\": \"long\",\n  \"name\": \"{}\",\n  \"kind\": \"city\",\n  \"sources\": [{{\"source\": \"example-press-release\"}}]\n}}\n",
        "a".repeat(30_000_000)
    );
    let run = run_with_place("long.json", text.as_bytes());
    let findings = run.findings();
    assert_finding(
        &findings,
        "schema/violation",
        "data/places/long.json",
        3,
        11,
        "/name",
    );
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.len() < 400,
        "the message does not quote the huge value"
    );
    // The human report shows a short excerpt of the line, not 30 MB.
    let dir = dataset_with(None);
    fs::write(dir.path().join("data/places/long.json"), text).unwrap();
    let human = techpact(dir.path(), &["check", "--data", "data"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.len() < 4_000, "{} bytes", human.stdout.len());
}

#[test]
fn an_empty_file() {
    let run = run_with_place("empty.json", b"");
    assert_finding(
        &run.findings(),
        "json/syntax",
        "data/places/empty.json",
        1,
        1,
        "",
    );
}

#[test]
fn null_instead_of_an_object() {
    let run = run_with_place("null.json", b"null\n");
    let findings = run.findings();
    assert_finding(
        &findings,
        "schema/violation",
        "data/places/null.json",
        1,
        1,
        "",
    );
    assert_eq!(findings[0]["keyword"], "type");
}

#[test]
fn an_array_instead_of_an_object() {
    let run = run_with_place("list.json", b"[1, 2]\n");
    assert_finding(
        &run.findings(),
        "schema/violation",
        "data/places/list.json",
        1,
        1,
        "",
    );
}

#[test]
fn trailing_content_after_the_record() {
    let run = run_with_place("twice.json", b"{}\n{}\n");
    assert_finding(
        &run.findings(),
        "json/syntax",
        "data/places/twice.json",
        2,
        1,
        "",
    );
}

#[test]
fn a_folder_inside_a_collection() {
    let dir = dataset_with(None);
    fs::create_dir_all(dir.path().join("data/labs/more/deeper")).unwrap();
    fs::write(dir.path().join("data/labs/more/x.json"), b"{}").unwrap();
    let run = techpact(dir.path(), &["check", "--data", "data", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "layout/unexpected-entry",
        "data/labs/more",
        0,
        0,
        "",
    );
}

#[test]
fn a_symlinked_collection_folder() {
    let dir = dataset_with(None);
    fs::rename(dir.path().join("data/facts"), dir.path().join("facts")).unwrap();
    std::os::unix::fs::symlink("../facts", dir.path().join("data/facts")).unwrap();
    let run = techpact(dir.path(), &["check", "--data", "data", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "layout/unexpected-entry",
        "data/facts",
        0,
        0,
        "",
    );
}
