//! The checklist of seed facts (`tests/fixtures/seed-facts.tsv`): every
//! line names a record of `data/` and a JSON pointer that holds a value
//! there, quotes a sentence of its seed text word for word, and its record
//! cites the source whose pinned SHA-256 is that seed text's (or is that
//! source). The seed texts live outside the repository (`../shared/seeds`, as
//! `.ci/run` and `techpact check --evidence` use them); where they are absent
//! only the records and pointers are checked, and the test says so on stderr.

use crate::common;

use std::collections::BTreeSet;
use std::fs;

use common::root;
use serde_json::Value;

/// One line of the checklist.
struct Line {
    number: usize,
    seed: String,
    excerpt: String,
    record: String,
    pointer: String,
}

fn checklist() -> Vec<Line> {
    let text = fs::read_to_string(root().join("tests/fixtures/seed-facts.tsv")).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                cols.len(),
                4,
                "line {}: four tab-separated columns: {l}",
                i + 1
            );
            Line {
                number: i + 1,
                seed: cols[0].to_string(),
                excerpt: cols[1].to_string(),
                record: cols[2].to_string(),
                pointer: cols[3].to_string(),
            }
        })
        .collect()
}

/// Whitespace-insensitive form, as `check --evidence` compares quotes.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_line_points_at_a_value_of_a_record() {
    let lines = checklist();
    assert!(lines.len() > 150, "{} lines", lines.len());
    for line in &lines {
        let path = root().join(format!("data/{}.json", line.record));
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("line {}: {}: {e}", line.number, path.display()));
        let value: Value = serde_json::from_str(&text).unwrap();
        let held = value.pointer(&line.pointer);
        assert!(
            held.is_some_and(|v| !v.is_null() && v != "" && v != &Value::Array(vec![])),
            "line {}: {} has no value at {}",
            line.number,
            line.record,
            line.pointer
        );
    }
}

/// The record `collection/id` of `data/`, parsed.
fn record(name: &str) -> Value {
    let path = root().join(format!("data/{name}.json"));
    serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap()
}

/// The id of the source record whose `sha256` is `digest`.
fn source_pinning(digest: &str) -> Option<String> {
    fs::read_dir(root().join("data/sources"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            let source = record(&format!("sources/{name}"));
            (source["sha256"] == digest).then_some(name)
        })
        .next()
}

/// Whether the record `collection/id` is the source `source` or cites it.
fn cites(name: &str, source: &str) -> bool {
    if name == format!("sources/{source}") {
        return true;
    }
    record(name)["sources"]
        .as_array()
        .is_some_and(|citations| citations.iter().any(|c| c["source"] == source))
}

#[test]
fn every_seed_is_covered_and_every_excerpt_is_in_its_seed_and_cited() {
    let lines = checklist();
    let seeds: BTreeSet<&str> = lines.iter().map(|l| l.seed.as_str()).collect();
    assert_eq!(seeds, BTreeSet::from(["000", "001", "002", "003"]));
    let dir = root().join("../shared/seeds");
    if !dir.is_dir() {
        eprintln!(
            "seed texts not found at {}; excerpts not compared",
            dir.display()
        );
        return;
    }
    for seed in seeds {
        let file = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{seed}_")))
            })
            .unwrap_or_else(|| panic!("no seed text {seed}_* in {}", dir.display()));
        let bytes = fs::read(&file).unwrap();
        let source = source_pinning(&techpact::evidence::sha256_hex(&bytes))
            .unwrap_or_else(|| panic!("no source in data/sources pins {}", file.display()));
        let text = squash(&String::from_utf8(bytes).unwrap());
        for line in lines.iter().filter(|l| l.seed == seed) {
            assert!(
                text.contains(&squash(&line.excerpt)),
                "line {}: not in {}: {}",
                line.number,
                file.display(),
                line.excerpt
            );
            assert!(
                cites(&line.record, &source),
                "line {}: {} does not cite `{source}`, whose text is {}",
                line.number,
                line.record,
                file.display()
            );
        }
    }
}
