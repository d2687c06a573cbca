//! `check --evidence`: quotes are proven against the source texts, matched by
//! SHA-256 whatever the file names.

use crate::common;

use std::fs;

use common::{Run, assert_finding, dataset_with, fixture, techpact};

/// The golden dataset (with an overlay) and its evidence in `texts/`.
fn setup(overlay: Option<&str>) -> tempfile::TempDir {
    let dir = dataset_with(overlay);
    fs::create_dir(dir.path().join("texts")).unwrap();
    // A different file name: matching is by content.
    fs::copy(
        fixture("golden/evidence/press-release.txt"),
        dir.path().join("texts/any-name.txt"),
    )
    .unwrap();
    dir
}

/// `check --evidence texts --format json` in `dir`.
fn check_with_evidence(dir: &tempfile::TempDir) -> Run {
    techpact(
        dir.path(),
        &[
            "check",
            "--data",
            "data",
            "--evidence",
            "texts",
            "--format",
            "json",
        ],
    )
}

#[test]
fn a_quote_missing_from_its_source_is_located_at_the_quote() {
    let dir = setup(Some("source-quote-not-found"));
    let run = check_with_evidence(&dir);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_finding(
        &findings,
        "source/quote-not-found",
        "data/places/misquoted.json",
        12,
        37,
        "/sources/1/quote",
    );
    // Where the quote stops matching, what differs, and the passage it is closest to.
    assert_eq!(
        findings[0]["message"],
        "the quote differs from the text of `example-press-release` at its character 17, after 16 matching characters: it has `T` (U+0054) where the text has `C` (U+0043) (the quote reads “Townsville” where the text reads “Cityville on May 5,”); copy the quote again from the text from there on. The closest passage of the text: “will be held in Cityville”"
    );
}

#[test]
fn quotes_match_across_line_breaks_and_spacing() {
    let dir = setup(None);
    let place = dir.path().join("data/places/cityville.json");
    let text = fs::read_to_string(&place)
        .unwrap()
        .replace("held in Cityville", "held\\n  in    Cityville");
    fs::write(&place, text).unwrap();
    let run = techpact(
        dir.path(),
        &["check", "--data", "data", "--evidence", "texts"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_pinned_source_without_its_text_is_a_mismatch() {
    let dir = setup(None);
    fs::write(dir.path().join("texts/any-name.txt"), "edited text\n").unwrap();
    let run = check_with_evidence(&dir);
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "source/text-mismatch",
        "data/sources/example-press-release.json",
        8,
        13,
        "/sha256",
    );
}

#[test]
fn a_missing_evidence_folder_fails_the_run() {
    let dir = setup(None);
    let run = techpact(
        dir.path(),
        &["check", "--data", "data", "--evidence", "nowhere"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nowhere"), "{}", run.stderr);
}
