//! A full `check` finds exactly what it found before its speed and memory
//! work: its `--format json` output on every fixture dataset, on each
//! finding-code overlay of the golden dataset, with and without evidence, and
//! on a synthetic dataset, equals the document committed under
//! `tests/expected/findings/`. Each dataset is copied into a temporary folder
//! outside any git repository, so no release tag of this repository changes
//! what the check compares ids with.
//!
//! A deliberate change to what `check` finds updates the documents with
//! `TECHPACT_BLESS=1 cargo test --test integration findings_unchanged::`; review the diff.

use crate::common;
use crate::synth;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{copy_tree, fixture, root, techpact};

/// One dataset the snapshot covers.
struct Case {
    /// The name of its expected document.
    name: String,
    /// Folders copied, in order, into the temporary `data/`.
    layers: Vec<PathBuf>,
    /// A folder of source texts copied to `texts/` and passed as `--evidence`.
    evidence: Option<PathBuf>,
    /// Files written into `data/` after the layers, as (path, text).
    files: Vec<(String, String)>,
    /// Whether every citation's `supports` and every `inferred` list is
    /// taken out of the records, so that every value is looked for in the quotes.
    unsupported: bool,
}

impl Case {
    fn of(name: &str, layers: &[&str]) -> Case {
        Case {
            name: name.to_string(),
            layers: layers.iter().map(|l| fixture(l)).collect(),
            evidence: None,
            files: Vec::new(),
            unsupported: false,
        }
    }

    fn with_evidence(mut self, folder: &str) -> Case {
        self.evidence = Some(fixture(folder));
        self
    }

    fn unsupported(mut self) -> Case {
        self.name.push_str("-unsupported");
        self.unsupported = true;
        self
    }
}

/// Every dataset of the snapshot.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // Each fixture dataset of its own.
    for name in fixture_datasets() {
        cases.push(Case::of(&name, &[&format!("{name}/data")]));
    }
    // The golden dataset with each finding-code overlay, and with its texts.
    cases.push(Case::of("golden-evidence", &["golden/data"]).with_evidence("golden/evidence"));
    // Every value looked for in the quotes.
    for name in ["golden", "rules-provenance", "stats-evidence"] {
        cases.push(Case::of(name, &[&format!("{name}/data")]).unsupported());
    }
    for code in subfolders(&fixture("codes")) {
        let overlay = format!("codes/{code}/data");
        cases.push(Case::of(
            &format!("codes-{code}"),
            &["golden/data", &overlay],
        ));
        cases.push(
            Case::of(
                &format!("codes-{code}-evidence"),
                &["golden/data", &overlay],
            )
            .with_evidence("golden/evidence"),
        );
    }
    cases.push(Case {
        name: "synthetic-400".to_string(),
        layers: Vec::new(),
        evidence: None,
        files: synth::dataset(400, 18),
        unsupported: false,
    });
    cases
}

/// The fixtures that hold a `data/` folder directly.
fn fixture_datasets() -> Vec<String> {
    subfolders(&root().join("tests/fixtures"))
        .into_iter()
        .filter(|name| fixture(name).join("data").is_dir())
        .collect()
}

/// The names of the folders in `dir`, sorted.
fn subfolders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// `check --format json` of `case`, as a JSON document.
fn findings_of(case: &Case) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for layer in &case.layers {
        copy_tree(layer, &data);
    }
    synth::write(&data, &case.files);
    if case.unsupported {
        strip_evidence_pointers(&data);
    }
    let mut args = vec!["check", "--data", "data", "--format", "json"];
    if let Some(evidence) = &case.evidence {
        copy_tree(evidence, &dir.path().join("texts"));
        args.extend(["--evidence", "texts"]);
    }
    let run = techpact(dir.path(), &args);
    assert!(
        run.code == 0 || run.code == 1,
        "{}: the check did not run (exit {}):\n{}",
        case.name,
        run.code,
        run.stderr
    );
    run.json()
}

/// Takes every citation's `supports` and every `inferred` list out of the
/// records under `data`; a file that is not a JSON object stays as it is.
fn strip_evidence_pointers(data: &Path) {
    for collection in subfolders(data) {
        for entry in std::fs::read_dir(data.join(collection)).unwrap() {
            let path = entry.unwrap().path();
            let Ok(Value::Object(mut record)) =
                serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap())
            else {
                continue;
            };
            record.remove("inferred");
            for citation in record
                .get_mut("sources")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(citation) = citation.as_object_mut() {
                    citation.remove("supports");
                }
            }
            let text = serde_json::to_string_pretty(&record).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
        }
    }
}

fn expected_path(name: &str) -> PathBuf {
    root()
        .join("tests/expected/findings")
        .join(format!("{name}.json"))
}

#[test]
fn a_full_check_finds_what_it_found_before() {
    let bless = std::env::var_os("TECHPACT_BLESS").is_some();
    let cases = cases();
    let mut differ = Vec::new();
    for case in &cases {
        let actual = findings_of(case);
        let path = expected_path(&case.name);
        let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let expected: Value = match std::fs::read_to_string(&path) {
            Ok(expected) => serde_json::from_str(&expected).unwrap(),
            Err(e) => panic!(
                "{}: no expected findings at {} ({e}); write them with TECHPACT_BLESS=1",
                case.name,
                path.display()
            ),
        };
        if actual != expected {
            differ.push(format!("{}:\n{text}", case.name));
        }
    }
    assert!(
        differ.is_empty(),
        "the findings differ from tests/expected/findings/ for:\n{}",
        differ.join("\n")
    );
    // Every expected document is still checked: none is left behind by a renamed case.
    let names: Vec<String> = cases.iter().map(|c| format!("{}.json", c.name)).collect();
    for entry in std::fs::read_dir(root().join("tests/expected/findings")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            names.contains(&file),
            "tests/expected/findings/{file} belongs to no case"
        );
    }
}

#[test]
fn the_snapshot_covers_findings_of_many_codes() {
    // A snapshot of clean runs only would not show a lost finding.
    let mut codes = std::collections::BTreeSet::new();
    for case in cases() {
        let Ok(text) = std::fs::read_to_string(expected_path(&case.name)) else {
            continue;
        };
        let document: Value = serde_json::from_str(&text).unwrap();
        for finding in document["findings"].as_array().unwrap() {
            codes.insert(finding["code"].as_str().unwrap().to_string());
        }
    }
    assert!(codes.len() >= 15, "codes in the snapshot: {codes:?}");
}
