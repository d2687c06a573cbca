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
