//! The published schemas agree with `check`: three other validators that
//! consumers use (Ajv in its default strict mode, check-jsonschema and
//! Python's `jsonschema`) compile every schema and give each record of a set
//! of valid and invalid cases the same verdict as `check`'s schema stage.
//!
//! The tools, pinned, are installed into `target/peers` on first use
//! (`tests/peers/install`); one that cannot be installed or run fails this
//! test, so nothing is skipped.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{dataset_with, fixture, peer_command, peers, root, techpact};
use serde_json::{Value, json};

/// One record to judge: its collection, id, and whether it fits the schema.
struct Case {
    collection: &'static str,
    id: &'static str,
    valid: bool,
    record: Value,
}

/// The golden record at `collection/file`, given the id `id`, with `edit` applied.
fn golden(collection: &str, file: &str, id: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let path = fixture("golden/data").join(collection).join(file);
    let mut record: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    record["id"] = json!(id);
    edit(&mut record);
    record
}

/// A case built from the golden record of `collection` named in `GOLDEN`.
fn case(
    collection: &'static str,
    id: &'static str,
    valid: bool,
    edit: impl FnOnce(&mut Value),
) -> Case {
    let file = GOLDEN
        .iter()
        .find(|(c, _)| *c == collection)
        .map(|(_, f)| *f)
        .unwrap();
    let record = golden(collection, file, id, edit);
    Case {
        collection,
        id,
        valid,
        record,
    }
}

/// The golden record each collection's cases start from.
const GOLDEN: [(&str, &str); 5] = [
    ("labs", "example-ai-lab.json"),
    ("events", "example-conference-2024.json"),
    ("facts", "cityville-ai-companies-2023.json"),
    ("partnerships", "example-agreement.json"),
    ("organizations", "example-university.json"),
];

fn lab(id: &'static str, valid: bool, edit: impl FnOnce(&mut Value)) -> Case {
    case("labs", id, valid, edit)
}

fn event(id: &'static str, valid: bool, edit: impl FnOnce(&mut Value)) -> Case {
    case("events", id, valid, edit)
}

fn fact(id: &'static str, valid: bool, edit: impl FnOnce(&mut Value)) -> Case {
    case("facts", id, valid, edit)
}

fn partnership(id: &'static str, valid: bool, edit: impl FnOnce(&mut Value)) -> Case {
    case("partnerships", id, valid, edit)
}

fn organization(id: &'static str, valid: bool, edit: impl FnOnce(&mut Value)) -> Case {
    case("organizations", id, valid, edit)
}

fn talent_program(id: &'static str, valid: bool, hosts: Value) -> Case {
    let record = json!({
        "id": id, "name": "Example Talent Programme", "hosts": hosts,
        "sources": [{"source": "example-press-release"}]
    });
    Case {
        collection: "talent-programs",
        id,
        valid,
        record,
    }
}

/// Every schema-level case: what the schemas allow and what they refuse.
fn cases() -> Vec<Case> {
    let rank = |position: Value| {
        move |r: &mut Value| {
            r["category"] = json!("ranking");
            r["value"] = json!({"type": "rank", "list": "Example list", "position": position});
        }
    };
    vec![
        lab("valid-lab", true, |_| {}),
        event("valid-event", true, |_| {}),
        fact("valid-fact", true, |_| {}),
        partnership("valid-partnership", true, |_| {}),
        organization("valid-organization", true, |_| {}),
        talent_program("valid-talent-program", true, json!(["example-university"])),
        // Integers: JSON Schema counts 3.0 as an integer; the u32 range holds.
        event("edition-written-as-float", true, |r| {
            r["edition"] = json!(3.0)
        }),
        event("edition-at-u32-max", true, |r| {
            r["edition"] = json!(4_294_967_295u64)
        }),
        event("edition-past-u32-max", false, |r| {
            r["edition"] = json!(4_294_967_296u64)
        }),
        event("edition-zero", false, |r| r["edition"] = json!(0)),
        event("edition-fraction", false, |r| r["edition"] = json!(2.5)),
        event("edition-as-text", false, |r| r["edition"] = json!("3")),
        fact("rank-past-u32-max", false, rank(json!(5_000_000_000u64))),
        fact("rank-in-range", true, rank(json!(7))),
        // Required lists hold at least one item.
        lab("lab-without-hosts", false, |r| r["hosts"] = json!([])),
        talent_program("talent-program-without-hosts", false, json!([])),
        partnership("partnership-without-parties", false, |r| {
            r["parties"] = json!([])
        }),
        fact("fact-without-subjects", false, |r| {
            r["subjects"] = json!([])
        }),
        // Lists never repeat an item.
        lab("lab-with-repeated-host", false, |r| {
            r["hosts"] = json!(["example-telecom", "example-telecom"]);
        }),
        organization("organization-with-repeated-alias", false, |r| {
            r["aliases"] = json!(["EU", "EU"]);
        }),
        lab("lab-with-repeated-citation", false, |r| {
            let citation = r["sources"][0].clone();
            r["sources"] = json!([citation.clone(), citation]);
        }),
        // Names and texts are not only spaces.
        organization("name-of-spaces", false, |r| r["name"] = json!("   ")),
        organization("name-with-spaces-inside", true, |r| {
            r["name"] = json!(" Example  University ");
        }),
        organization("name-on-two-lines", false, |r| {
            r["name"] = json!("Example\nUniversity")
        }),
        lab("focus-of-spaces", false, |r| r["focus"] = json!([" \t "])),
        lab("quote-of-spaces", false, |r| {
            r["sources"][0]["quote"] = json!("  ")
        }),
        // What the schemas have always said.
        lab("lab-with-unknown-property", false, |r| {
            r["website"] = json!("x")
        }),
        lab("lab-without-name", false, |r| {
            r.as_object_mut().unwrap().remove("name");
        }),
        organization("organization-of-unknown-kind", false, |r| {
            r["kind"] = json!("guild")
        }),
        organization("date-of-wrong-shape", false, |r| {
            r["founded"] = json!("2024/01")
        }),
    ]
}

/// Writes every case into a copy of the golden dataset; returns, per case,
/// the schema file and the record file.
fn write_cases(data: &Path, cases: &[Case]) -> Vec<(PathBuf, PathBuf)> {
    cases
        .iter()
        .map(|case| {
            let folder = data.join(case.collection);
            std::fs::create_dir_all(&folder).unwrap();
            let file = folder.join(format!("{}.json", case.id));
            std::fs::write(&file, serde_json::to_string_pretty(&case.record).unwrap()).unwrap();
            let schema = root()
                .join("schema")
                .join(format!("{}.schema.json", case.collection));
            (schema, file)
        })
        .collect()
}

/// Runs `command` with `input` on stdin; its stdout as JSON verdicts.
fn verdicts(tool: &str, mut command: Command, input: &Value) -> Vec<bool> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{tool} does not run ({e})"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{tool} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{tool} printed no verdicts ({e}): {stdout}"))
}

fn ajv(pairs: &Value) -> Vec<bool> {
    let mut command = Command::new("node");
    command
        .arg(root().join("tests/peers/ajv.js"))
        .env("NODE_PATH", peers().join("node_modules"));
    verdicts("Ajv", command, pairs)
}

fn python_jsonschema(pairs: &Value) -> Vec<bool> {
    let mut command = peer_command("python");
    command.arg(root().join("tests/peers/jsonschema_verdicts.py"));
    verdicts("jsonschema", command, pairs)
}

/// check-jsonschema, once per schema; a record is valid when no error names it.
fn check_jsonschema(pairs: &[(PathBuf, PathBuf)]) -> Vec<bool> {
    let mut invalid = std::collections::BTreeSet::new();
    let schemas: std::collections::BTreeSet<&PathBuf> = pairs.iter().map(|(s, _)| s).collect();
    for schema in schemas {
        let records = pairs.iter().filter(|(s, _)| s == schema).map(|(_, r)| r);
        let out = peer_command("check-jsonschema")
            .arg("--schemafile")
            .arg(schema)
            .args(["--output-format", "json"])
            .args(records)
            .output()
            .unwrap_or_else(|e| panic!("check-jsonschema does not run ({e})"));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "check-jsonschema printed no report ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let no_parse_errors = report.get("parse_errors").is_none_or(|p| p == &json!([]));
        assert!(no_parse_errors, "{report}");
        for error in report["errors"].as_array().unwrap() {
            invalid.insert(PathBuf::from(error["filename"].as_str().unwrap()));
        }
    }
    pairs.iter().map(|(_, r)| !invalid.contains(r)).collect()
}

#[test]
fn peers_and_check_give_every_case_the_same_verdict() {
    let cases = cases();
    let dir = dataset_with(None);
    let pairs = write_cases(&dir.path().join("data"), &cases);
    let run = techpact(dir.path(), &["check", "--data", "data", "--format", "json"]);
    let findings = run.findings();
    let check: Vec<bool> = cases
        .iter()
        .map(|case| {
            let file = format!("data/{}/{}.json", case.collection, case.id);
            !findings
                .iter()
                .any(|f| f["code"] == "schema/violation" && f["file"] == file.as_str())
        })
        .collect();
    let as_json = json!(
        pairs
            .iter()
            .map(|(s, r)| [s.display().to_string(), r.display().to_string()])
            .collect::<Vec<_>>()
    );
    let peers = [
        ("Ajv (strict)", ajv(&as_json)),
        ("check-jsonschema", check_jsonschema(&pairs)),
        ("jsonschema (Python)", python_jsonschema(&as_json)),
    ];
    let mut disagreements = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let mut verdicts = vec![("intended", case.valid), ("check", check[i])];
        verdicts.extend(peers.iter().map(|(name, v)| (*name, v[i])));
        if verdicts.iter().any(|(_, v)| *v != case.valid) {
            disagreements.push(format!("{}/{}: {verdicts:?}", case.collection, case.id));
        }
    }
    assert!(
        disagreements.is_empty(),
        "verdicts differ:\n{}",
        disagreements.join("\n")
    );
}
