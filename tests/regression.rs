//! Regression tests: each is named after what broke, and fails without its fix.

mod common;

use std::fs;

use common::{dataset_with, techpact};

/// `places/cityville.json.json` was read as a second record `cityville`:
/// the loader trimmed `.json` as often as it appeared and nothing compared
/// ids, so `check` passed a dataset holding one id twice.
#[test]
fn a_double_json_suffix_passed_as_a_duplicate_id() {
    let dir = dataset_with(None);
    let places = dir.path().join("data/places");
    fs::copy(
        places.join("cityville.json"),
        places.join("cityville.json.json"),
    )
    .unwrap();
    let run = techpact(dir.path(), &["--format", "json", "check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    assert!(
        findings.iter().any(|f| f["code"] == "id/format"
            && f["file"]
                .as_str()
                .unwrap()
                .ends_with("places/cityville.json.json")),
        "{findings:#?}"
    );
}

/// `fmt` read every file, then spent seconds writing; a file an editor saved
/// in between was overwritten with the canonical form of its old text. The
/// editor here saves the files `fmt` writes last as soon as it has written
/// the first one, and every one of those edits must survive.
#[test]
fn fmt_overwrote_a_file_saved_while_it_ran() {
    const FILES: usize = 3000;
    const EDITED: usize = 300;
    let dir = dataset_with(None);
    let places = dir.path().join("data/places");
    let place: serde_json::Value =
        serde_json::from_slice(&fs::read(places.join("cityville.json")).unwrap()).unwrap();
    let minified = |id: &str, name: &str| {
        let mut record = place.clone();
        record["id"] = id.into();
        record["name"] = name.into();
        serde_json::to_vec(&record).unwrap()
    };
    let ids: Vec<String> = (0..FILES).map(|i| format!("place-{i:05}")).collect();
    for id in &ids {
        fs::write(places.join(format!("{id}.json")), minified(id, "Old name")).unwrap();
    }
    let mut child = common::command(dir.path(), &["fmt"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // `fmt` writes in name order; once the first file is canonical, every
    // file has been read and the last ones are not written yet.
    let first = places.join(format!("{}.json", ids[0]));
    let started = std::time::Instant::now();
    while fs::read(&first).unwrap().starts_with(b"{\"") {
        assert!(
            child.try_wait().unwrap().is_none(),
            "fmt ended before writing"
        );
        assert!(started.elapsed().as_secs() < 120, "fmt wrote nothing");
    }
    let edited: Vec<&String> = ids.iter().rev().take(EDITED).collect();
    for id in &edited {
        fs::write(places.join(format!("{id}.json")), minified(id, "New name")).unwrap();
    }
    child.wait().unwrap();
    let lost: Vec<&&String> = edited
        .iter()
        .filter(|id| {
            let text = fs::read_to_string(places.join(format!("{id}.json"))).unwrap();
            !text.contains("New name")
        })
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {EDITED} edits lost, such as {:?}",
        lost.len(),
        lost.first()
    );
}

/// Positions cost time in proportion to values × line length: an 800 KB
/// minified record took a minute to check, and the 64 MiB maximum would
/// have taken days. A 4 MiB one-line record with a finding must take seconds.
#[test]
fn positions_in_a_minified_record_took_quadratic_time() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let citation = record["sources"][0].clone();
    record["sources"] = vec![citation; 70_000].into();
    record["kind"] = "not-a-kind".into();
    let text = serde_json::to_vec(&record).unwrap();
    assert!(text.len() > 4 << 20, "{} bytes", text.len());
    fs::write(&path, text).unwrap();
    for args in [&["check"][..], &["fmt", "--check"], &["fmt"]] {
        let mut child = common::command(dir.path(), args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed().as_secs() > 60 {
                child.kill().unwrap();
                panic!("`techpact {}` took more than a minute", args.join(" "));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}
