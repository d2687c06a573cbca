//! `techpact new`: skeletons whose placeholders `check` flags one by one,
//! which pass once filled in, and the refusals.

use crate::common;

use std::fs;
use std::path::Path;

use common::{COLLECTIONS, copy_tree, fixture, techpact};
use jsonc_parser::ast::{ObjectPropName, Value as Node};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use serde_json::Value;

/// A scratch copy of the valid fixture, with a `.git` so it is a repository root.
fn scratch() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("tooling-valid"), tmp.path());
    fs::create_dir(tmp.path().join(".git")).unwrap();
    tmp
}

/// Every `""` in `text` with its pointer, line and column.
fn placeholders(text: &str) -> Vec<(String, u64, u64)> {
    fn walk(text: &str, node: &Node<'_>, pointer: String, out: &mut Vec<(String, u64, u64)>) {
        match node {
            Node::Object(o) => {
                for p in &o.properties {
                    let name = match &p.name {
                        ObjectPropName::String(s) => s.value.to_string(),
                        ObjectPropName::Word(w) => w.value.to_string(),
                    };
                    walk(text, &p.value, format!("{pointer}/{name}"), out);
                }
            }
            Node::Array(a) => {
                for (i, e) in a.elements.iter().enumerate() {
                    walk(text, e, format!("{pointer}/{i}"), out);
                }
            }
            Node::StringLit(s) if s.value.is_empty() => {
                let before = &text[..node.start()];
                let line = before.matches('\n').count() as u64 + 1;
                let column = before.rsplit('\n').next().unwrap().chars().count() as u64 + 1;
                out.push((pointer, line, column));
            }
            _ => {}
        }
    }
    let parsed = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default()).unwrap();
    let mut out = Vec::new();
    walk(text, &parsed.value.unwrap(), String::new(), &mut out);
    out
}

#[test]
fn check_flags_every_placeholder_of_a_fresh_skeleton() {
    let tmp = scratch();
    for collection in COLLECTIONS {
        let id = format!("new-{collection}");
        let run = techpact(tmp.path(), &["new", collection, &id]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        let file = format!("data/{collection}/{id}.json");
        assert!(
            run.stdout.starts_with(&format!("wrote {file}\n")),
            "{}",
            run.stdout
        );
        let text = fs::read_to_string(tmp.path().join(&file)).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["id"], id.as_str());
        let holes = placeholders(&text);
        assert!(holes.len() >= 5, "{collection}: {holes:?}");
        // The guide printed by `new` names every placeholder.
        for (pointer, _, _) in &holes {
            assert!(
                run.stdout.contains(&format!("  {pointer} ")),
                "{pointer} not in:\n{}",
                run.stdout
            );
        }
        let check = techpact(tmp.path(), &["check", "--format", "json"]);
        assert_eq!(check.code, 1);
        let findings: Vec<Value> = check
            .findings()
            .into_iter()
            .filter(|f| f["file"] == file.as_str())
            .collect();
        for (pointer, line, column) in &holes {
            assert!(
                findings.iter().any(|f| f["code"] == "schema/violation"
                    && f["pointer"] == pointer.as_str()
                    && f["line"] == *line
                    && f["column"] == *column),
                "{file}: no schema/violation at {pointer} ({line}:{column}):\n{findings:#?}"
            );
        }
        // Each finding is about a placeholder, none about the skeleton's
        // shape, and each placeholder gets exactly one clear finding.
        for f in &findings {
            let pointer = f["pointer"].as_str().unwrap();
            assert!(
                holes.iter().any(|(p, _, _)| p == pointer),
                "{file}: finding not at a placeholder: {f}"
            );
            assert!(
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains("still holds the empty placeholder"),
                "{f}"
            );
        }
        assert_eq!(findings.len(), holes.len(), "{findings:#?}");
        fs::remove_file(tmp.path().join(&file)).unwrap();
    }
}

/// A value that fills the placeholder at `pointer`, using records of the fixture.
fn filling(collection: &str, pointer: &str) -> Value {
    let key = pointer
        .rsplit('/')
        .find(|s| s.parse::<usize>().is_err())
        .unwrap();
    let text = match key {
        "kind" => match collection {
            "organizations" => "company",
            "places" => "city",
            "partnerships" => "joint-research",
            "products" => "service",
            _ => "report",
        },
        "edition" | "position" | "within_top" | "number" => return Value::from(2),
        "leads" => return Value::from(true),
        "category" => "figure",
        "comparator" => "about",
        "issue" => "translation-slip",
        "role" => "author",
        "fields" => "quantum",
        "parent" | "founders" | "parties" | "organization" | "hosts" | "organizers" | "owners"
        | "publisher" | "distributor" => "china-telecom",
        "series" => "quantum-industry-conference",
        "location" | "within" | "regions" | "place" => "hefei",
        "person" => "nancy-ip",
        "partnership" => "china-telecom-hkust-2025",
        "event" => "quantum-industry-conference-2023",
        "source" => "prnewswire-china-telecom-hkust-2025-04-09",
        "founded"
        | "dissolved"
        | "signed"
        | "announced"
        | "start"
        | "end"
        | "established"
        | "closed"
        | "published"
        | "as_of"
        | "date"
        | "launched"
        | "first_held"
        | "signed_on_or_before" => "2024",
        "supports" | "pointer" => "/name",
        "reason" => "Sample reason",
        "ror" => "00q4vv597",
        "wikidata" => "Q42",
        "orcid" => "0000-0002-1825-0097",
        "website" | "url" => "https://example.org/",
        "country" => "CN",
        "language" => "en",
        "sha256" => "ff6fa8218498f4849d031eca7afe160ef78798f7de9f89e7fe11c596e2a60dd9",
        "name" | "aliases" | "title" | "honorific" | "family_name" | "given_name" | "theme"
        | "unit" | "party" | "dateline" | "clusters" | "bodies" | "expected_impacts"
        | "initiatives" | "items" | "as_written" | "likely" => "Sample Name",
        "statement" | "note" | "expansion" | "focus" | "aims" | "goals" | "benefits"
        | "activities" | "list" | "quote" => "Sample text.",
        other => panic!("no filling for `{other}` at {pointer}; add one to this test"),
    };
    Value::from(text)
}

#[test]
fn a_skeleton_filled_in_everywhere_is_valid_and_canonical() {
    let tmp = scratch();
    for collection in COLLECTIONS {
        let id = format!("filled-{collection}");
        assert_eq!(techpact(tmp.path(), &["new", collection, &id]).code, 0);
        let path = tmp.path().join(format!("data/{collection}/{id}.json"));
        let mut text = fs::read_to_string(&path).unwrap();
        // Replace from the end so earlier positions stay valid.
        let mut holes = placeholders(&text);
        holes.reverse();
        for (pointer, line, column) in holes {
            let line_start: usize = text
                .split_inclusive('\n')
                .take(line as usize - 1)
                .map(str::len)
                .sum();
            let line_text = &text[line_start..];
            let offset = line_start + line_text.char_indices().nth(column as usize - 1).unwrap().0;
            assert_eq!(&text[offset..offset + 2], "\"\"");
            let fill = serde_json::to_string(&filling(collection, &pointer)).unwrap();
            text.replace_range(offset..offset + 2, &fill);
        }
        fs::write(&path, &text).unwrap();
    }
    let check = techpact(tmp.path(), &["check", "--format", "json"]);
    let errors: Vec<Value> = check
        .findings()
        .into_iter()
        .filter(|f| {
            f["code"] == "schema/violation" || f["code"].as_str().unwrap().starts_with("json/")
        })
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The skeleton holds every field in canonical order: filled in, it is canonical.
    let fmt = techpact(tmp.path(), &["fmt", "--format", "json", "--check"]);
    assert_eq!(fmt.code, 0, "{}", fmt.stdout);
}

#[test]
fn filling_the_required_fields_and_deleting_the_rest_passes_check() {
    let tmp = scratch();
    let run = techpact(tmp.path(), &["new", "labs", "hkust-quantum-sensing-lab"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = tmp.path().join("data/labs/hkust-quantum-sensing-lab.json");
    let mut lab: serde_json::Map<String, Value> =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    lab.retain(|k, _| matches!(k.as_str(), "id" | "name" | "hosts" | "sources"));
    lab.insert("name".into(), "HKUST Quantum Sensing Laboratory".into());
    lab.insert(
        "hosts".into(),
        serde_json::json!(["hkust", "china-telecom"]),
    );
    lab.insert(
        "sources".into(),
        serde_json::json!([{
            "source": "prnewswire-china-telecom-hkust-2025-04-09",
            "supports": ["/name", "/hosts"],
        }]),
    );
    fs::write(&path, serde_json::to_string(&lab).unwrap()).unwrap();
    let fmt = techpact(
        tmp.path(),
        &["fmt", "data/labs/hkust-quantum-sensing-lab.json"],
    );
    assert_eq!(fmt.code, 0, "{}", fmt.stdout);
    let check = techpact(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert_eq!(check.findings().len(), 0, "{}", check.stdout);
}

#[test]
fn new_creates_a_missing_collection_folder() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("data/sources")).unwrap();
    let run = techpact(
        tmp.path(),
        &["new", "--data", "data", "events", "quantum-conference-2024"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        tmp.path()
            .join("data/events/quantum-conference-2024.json")
            .is_file()
    );
}

/// Runs `new` with `args` and asserts it fails with status 2, saying `message`.
fn refused(dir: &Path, args: &[&str], message: &str) {
    let run = techpact(dir, args);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(message), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn new_refuses_an_existing_id_a_bad_slug_and_an_unknown_collection() {
    let tmp = scratch();
    let before = fs::read(tmp.path().join("data/organizations/hkust.json")).unwrap();
    refused(
        tmp.path(),
        &["new", "organizations", "hkust"],
        "`organizations/hkust` already exists",
    );
    assert_eq!(
        fs::read(tmp.path().join("data/organizations/hkust.json")).unwrap(),
        before
    );
    refused(
        tmp.path(),
        &["new", "labs", "Quantum_Lab"],
        "`Quantum_Lab` is not a valid id",
    );
    refused(tmp.path(), &["new", "labs", "a--b"], "is not a valid id");
    refused(
        tmp.path(),
        &["new", "lab", "x"],
        "unknown collection `lab`; choose one of organizations,",
    );
    refused(
        tmp.path(),
        &["new", "--data", "nowhere", "labs", "x"],
        "the data directory `nowhere` does not exist",
    );
    assert!(!tmp.path().join("data/labs/x.json").exists());
    assert!(!tmp.path().join("data/lab").exists());
}

#[test]
fn completions_are_printed_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let run = techpact(tmp.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("techpact"), "{shell}");
        for command in ["fmt", "new", "stats", "export", "completions"] {
            assert!(
                run.stdout.contains(command),
                "{shell} completions lack `{command}`"
            );
        }
    }
    let bad = techpact(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
}
