//! `techpact fmt`: canonical rewriting, `--check`, files left untouched, and
//! idempotence over a fixture and over the real `data/`.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_finding, copy_tree, fixture, root, techpact};
use serde_json::Value;

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(base).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A scratch copy of the fmt fixture.
fn scratch() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("tooling-fmt"), tmp.path());
    tmp
}

#[test]
fn check_lists_each_noncanonical_file_at_its_first_difference() {
    let tmp = scratch();
    let before = snapshot(tmp.path());
    let run = techpact(
        tmp.path(),
        &["fmt", "--data", "data", "--format", "json", "--check"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    assert_finding(
        &findings,
        "format/noncanonical",
        "data/organizations/hkust.json",
        1,
        2,
        "",
    );
    assert_finding(
        &findings,
        "format/noncanonical",
        "data/facts/rounded.json",
        5,
        16,
        "",
    );
    assert_finding(
        &findings,
        "format/noncanonical",
        "data/sources/with-bom.json",
        1,
        1,
        "",
    );
    // Canonical form would drop a value, or round a number: refused, at the value.
    assert_finding(
        &findings,
        "format/noncanonical",
        "data/organizations/empty-aliases.json",
        4,
        14,
        "/aliases",
    );
    assert_finding(
        &findings,
        "format/noncanonical",
        "data/facts/too-precise.json",
        12,
        15,
        "/value/number",
    );
    // Files that cannot be typed carry their usual findings.
    assert_finding(&findings, "json/syntax", "data/labs/broken.json", 4, 3, "");
    assert_finding(
        &findings,
        "schema/violation",
        "data/labs/wrong-type.json",
        1,
        74,
        "/hosts",
    );
    assert_finding(
        &findings,
        "json/duplicate-key",
        "data/organizations/repeated-key.json",
        4,
        3,
        "/name",
    );
    assert_eq!(findings.len(), 8, "{findings:#?}");
    assert!(
        !findings
            .iter()
            .any(|f| f["file"].as_str().unwrap().ends_with("china-telecom.json")),
        "a canonical file is not listed"
    );
    assert_eq!(snapshot(tmp.path()), before, "--check writes nothing");
}

#[test]
fn fmt_rewrites_canonically_and_leaves_what_it_cannot_format() {
    let tmp = scratch();
    let data = tmp.path().join("data");
    let before = snapshot(&data);
    let run = techpact(tmp.path(), &["fmt", "--data", "data"]);
    assert_eq!(
        run.code, 1,
        "files left untouched fail the run:\n{}{}",
        run.stdout, run.stderr
    );
    for rewritten in [
        "facts/rounded.json",
        "organizations/hkust.json",
        "sources/with-bom.json",
    ] {
        assert!(
            run.stdout
                .contains(&format!("formatted data/{rewritten}\n")),
            "{}",
            run.stdout
        );
    }
    let after = snapshot(&data);
    for untouched in [
        "organizations/china-telecom.json",
        "organizations/empty-aliases.json",
        "organizations/repeated-key.json",
        "labs/broken.json",
        "labs/wrong-type.json",
        "facts/too-precise.json",
        "sources/press-release.json",
    ] {
        assert_eq!(
            after[Path::new(untouched)],
            before[Path::new(untouched)],
            "{untouched} changed"
        );
    }
    assert_eq!(
        fs::read_to_string(data.join("organizations/hkust.json")).unwrap(),
        r#"{
  "id": "hkust",
  "name": "The Hong Kong University of Science and Technology",
  "aliases": [
    "HKUST",
    "香港科技大學"
  ],
  "kind": "university",
  "sources": [
    {
      "source": "press-release",
      "quote": "The Hong Kong University of Science and Technology (HKUST)"
    }
  ]
}
"#
    );
    assert!(
        after[Path::new("sources/with-bom.json")].starts_with(b"{\n"),
        "the byte-order mark is gone"
    );
    assert!(
        String::from_utf8_lossy(&after[Path::new("facts/rounded.json")])
            .contains("\"number\": 15.0,"),
        "1.50e1 keeps its value"
    );
    // Nothing dropped or changed: every rewritten file means what it meant.
    for path in [
        "facts/rounded.json",
        "organizations/hkust.json",
        "sources/with-bom.json",
    ] {
        let old = String::from_utf8(before[Path::new(path)].clone()).unwrap();
        let old: Value = serde_json::from_str(old.trim_start_matches('\u{feff}')).unwrap();
        let new: Value = serde_json::from_slice(&after[Path::new(path)]).unwrap();
        assert_eq!(old, new, "{path}");
    }
    // Atomic writes leave no temporary files behind.
    assert_eq!(
        after.len(),
        before.len(),
        "{:?}",
        after.keys().collect::<Vec<_>>()
    );
}

#[test]
fn fmt_twice_changes_nothing_the_second_time_on_the_fixture() {
    let tmp = scratch();
    techpact(tmp.path(), &["fmt", "--data", "data"]);
    let once = snapshot(tmp.path());
    let run = techpact(tmp.path(), &["fmt", "--data", "data"]);
    assert!(!run.stdout.contains("formatted"), "{}", run.stdout);
    assert_eq!(snapshot(tmp.path()), once);
    let check = techpact(
        tmp.path(),
        &["fmt", "--data", "data", "--format", "json", "--check"],
    );
    let noncanonical: Vec<_> = check
        .findings()
        .into_iter()
        .filter(|f| f["code"] == "format/noncanonical" && f["pointer"] == "")
        .collect();
    assert!(noncanonical.is_empty(), "{noncanonical:#?}");
}

#[test]
fn fmt_twice_changes_nothing_the_second_time_on_the_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root().join("data"), &tmp.path().join("data"));
    let first = techpact(tmp.path(), &["fmt", "--data", "data"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let once = snapshot(tmp.path());
    let second = techpact(tmp.path(), &["fmt", "--data", "data"]);
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
    assert!(!second.stdout.contains("formatted"), "{}", second.stdout);
    assert_eq!(snapshot(tmp.path()), once);
    let check = techpact(tmp.path(), &["fmt", "--data", "data", "--check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn the_real_data_is_canonical() {
    let run = techpact(&root(), &["fmt", "--format", "json", "--check"]);
    assert_eq!(
        run.code, 0,
        "run `techpact fmt`:\n{}{}",
        run.stdout, run.stderr
    );
}

#[test]
fn fmt_formats_only_the_paths_given() {
    let tmp = scratch();
    let before = snapshot(tmp.path());
    let run = techpact(
        tmp.path(),
        &[
            "fmt",
            "--data",
            "data",
            "data/organizations/hkust.json",
            "data/sources",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("formatted"))
            .collect::<Vec<_>>(),
        [
            "formatted data/organizations/hkust.json",
            "formatted data/sources/with-bom.json"
        ]
    );
    let after = snapshot(tmp.path());
    let changed: Vec<_> = after.keys().filter(|k| after[*k] != before[*k]).collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
}

#[test]
fn fmt_refuses_paths_outside_the_data() {
    let tmp = scratch();
    let missing = techpact(
        tmp.path(),
        &["fmt", "--data", "data", "data/labs/nothing.json"],
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("cannot format `data/labs/nothing.json`"),
        "{}",
        missing.stderr
    );
    fs::create_dir(tmp.path().join("elsewhere")).unwrap();
    let outside = techpact(tmp.path(), &["fmt", "--data", "data", "elsewhere"]);
    assert_eq!(outside.code, 2);
    assert!(
        outside.stderr.contains("holds no record"),
        "{}",
        outside.stderr
    );
}

#[test]
fn fmt_on_an_empty_data_directory_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("data")).unwrap();
    let run = techpact(
        tmp.path(),
        &["fmt", "--data", "data", "--format", "json", "--check"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.findings()[0]["code"], "layout/empty");
}
