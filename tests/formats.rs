//! A broken copy of the real `data/` with one error of each kind of loading
//! and schema finding: every error is reported, located the same way, in all
//! three output formats.

use crate::common;

use std::fs;

use common::{copy_tree, dataset_with, fixture, root, techpact};

const OVERLAYS: &[&str] = &[
    "json-syntax",
    "json-duplicate-key",
    "json-encoding",
    "layout-unexpected-entry",
    "schema-violation",
    "id-mismatch",
    "id-format",
];

#[test]
fn every_error_is_located_in_human_json_and_github_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_tree(&root().join("data"), &data);
    for overlay in OVERLAYS {
        copy_tree(&fixture(&format!("codes/{overlay}/data")), &data);
    }
    fs::File::create(data.join("places/huge.json"))
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();

    let json = techpact(dir.path(), &["check", "--data", "data", "--format", "json"]);
    assert_eq!(json.code, 1);
    let findings = json.findings();
    let mut seen: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    seen.sort();
    seen.dedup();
    for code in [
        "io/unreadable",
        "json/duplicate-key",
        "json/encoding",
        "json/syntax",
        "layout/unexpected-entry",
        "schema/violation",
        "id/mismatch",
        "id/format",
    ] {
        assert!(seen.contains(&code), "{code} missing from {seen:?}");
    }

    let human = techpact(dir.path(), &["check", "--data", "data", "--color", "never"]);
    let github = techpact(
        dir.path(),
        &["check", "--data", "data", "--format", "github"],
    );
    assert_eq!((human.code, github.code), (1, 1));
    assert_eq!(github.stdout.lines().count(), findings.len());
    for f in &findings {
        let (file, code) = (f["file"].as_str().unwrap(), f["code"].as_str().unwrap());
        let (line, column) = (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap());
        let (human_at, github_at) = if line > 0 {
            (
                format!("--> {file}:{line}:{column}"),
                format!("file={file},line={line},col={column},title={code}::"),
            )
        } else {
            (
                format!("--> {file}\n"),
                format!("file={file},title={code}::"),
            )
        };
        assert!(human.stdout.contains(&human_at), "human lacks {human_at}");
        assert!(
            human.stdout.contains(&format!("[{code}]")),
            "human lacks {code}"
        );
        assert!(
            github.stdout.contains(&github_at),
            "github lacks {github_at}"
        );
    }
    // The human summary counts every finding by code.
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert!(
        human.stdout.contains(&format!("{errors} errors")),
        "{}",
        human.stdout
    );
}

#[test]
fn human_output_shows_the_source_line_with_a_marker() {
    let dir = dataset_with(Some("id-mismatch"));
    let run = techpact(dir.path(), &["check", "--data", "data", "--color", "never"]);
    assert_eq!(run.code, 1);
    let expected = "\
error: [id/mismatch] id `other-name` differs from the file name `some-name.json`
 --> data/places/some-name.json:2:9
  |
2 |   \"id\": \"other-name\",
  |         ^^^^^^^^^^^^ at /id

1 error and 0 warnings in 11 record files (11 records passed their schema)
  1  id/mismatch
";
    assert_eq!(run.stdout, expected);
    let quiet = techpact(dir.path(), &["check", "--data", "data", "--quiet"]);
    assert_eq!(
        quiet.stdout,
        "1 error and 0 warnings in 11 record files (11 records passed their schema)\n  1  id/mismatch\n"
    );
    let colored = techpact(
        dir.path(),
        &["check", "--data", "data", "--color", "always"],
    );
    assert!(colored.stdout.contains('\u{1b}'), "ANSI colour codes");
}
