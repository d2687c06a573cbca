//! Findings that teach: each typical mistake gets a message saying what is
//! wrong, where, and the fix. Messages are asserted exactly, so a change of
//! wording is seen in review.

use crate::common;

use std::fs;
use std::path::Path;

use common::{dataset_with, fixture, techpact};
use serde_json::Value;

/// Replaces `from` by `to` in the record file `path` under `data/`.
fn edit(dir: &Path, path: &str, from: &str, to: &str) {
    let file = dir.join("data").join(path);
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

/// The errors of `check --format json` (with `extra` arguments) in `dir`.
fn findings(dir: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["check", "--data", "data", "--format", "json"];
    args.extend_from_slice(extra);
    let mut all = techpact(dir, &args).findings();
    all.retain(|f| f["severity"] == "error");
    all
}

/// The one finding, as (code, file tail, line, column, pointer, message).
fn only(findings: &[Value]) -> (String, String, u64, u64, String, String) {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    let file = f["file"].as_str().unwrap();
    (
        f["code"].as_str().unwrap().to_string(),
        file.rsplit_once("data/")
            .map_or(file, |(_, t)| t)
            .to_string(),
        f["line"].as_u64().unwrap(),
        f["column"].as_u64().unwrap(),
        f["pointer"].as_str().unwrap().to_string(),
        f["message"].as_str().unwrap().to_string(),
    )
}

fn expect(
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    pointer: &str,
    message: &str,
) -> (String, String, u64, u64, String, String) {
    (
        code.into(),
        file.into(),
        line,
        column,
        pointer.into(),
        message.into(),
    )
}

/// The golden dataset with the text of its source in `texts/`.
fn with_texts() -> tempfile::TempDir {
    let dir = dataset_with(None);
    fs::create_dir(dir.path().join("texts")).unwrap();
    fs::copy(
        fixture("golden/evidence/press-release.txt"),
        dir.path().join("texts/a.txt"),
    )
    .unwrap();
    dir
}

const AGREEMENT: &str = "partnerships/example-agreement.json";

#[test]
fn an_enum_value_lists_every_allowed_value_and_the_closest() {
    let dir = dataset_with(None);
    edit(
        dir.path(),
        "organizations/example-telecom.json",
        "\"company\"",
        "\"compnay\"",
    );
    assert_eq!(
        only(&findings(dir.path(), &[])),
        expect(
            "schema/violation",
            "organizations/example-telecom.json",
            4,
            11,
            "/kind",
            "`compnay` is not an allowed value; did you mean `company`? The allowed values: `university`, `company`, `government`, `research-institute`, `alliance`, `committee`, `media`, `other`"
        )
    );
    edit(
        dir.path(),
        "organizations/example-telecom.json",
        "\"compnay\"",
        "\"corporation\"",
    );
    assert_eq!(
        only(&findings(dir.path(), &[])).5,
        "`corporation` is not one of the allowed values: `university`, `company`, `government`, `research-institute`, `alliance`, `committee`, `media`, `other`"
    );
}

#[test]
fn an_unknown_field_name_suggests_the_closest() {
    let dir = dataset_with(None);
    edit(dir.path(), AGREEMENT, "\"fields\"", "\"feilds\"");
    assert_eq!(
        only(&findings(dir.path(), &[])),
        expect(
            "schema/violation",
            AGREEMENT,
            21,
            3,
            "/feilds",
            "unexpected property `feilds`; did you mean `fields`? The properties allowed here: aims, aliases, announced, clusters, end, expected_impacts, fields, framework, goals, id, inferred, kind, name, note, offers, parties, readings, regions, signatories, signed, signed_on_or_before, sources, start, withdrawn, witnesses"
        )
    );
}

#[test]
fn a_misspelled_collection_folder_is_reported_first_with_the_closest() {
    let dir = dataset_with(None);
    fs::rename(
        dir.path().join("data/organizations"),
        dir.path().join("data/organisations"),
    )
    .unwrap();
    let all = findings(dir.path(), &[]);
    assert!(all.len() > 1, "{all:#?}");
    assert_eq!(
        only(&all[..1]),
        expect(
            "layout/unexpected-entry",
            "organisations",
            0,
            0,
            "",
            "`organisations` is not a collection; did you mean `organizations`? Rename the folder: until then its records are not read and references to them dangle. The collections are `organizations`, `people`, `places`, `partnerships`, `labs`, `talent-programs`, `products`, `events`, `series`, `facts`, `sources`"
        )
    );
    assert!(all[1..].iter().all(|f| f["code"] == "ref/dangling"));
}

#[test]
fn every_pattern_of_the_model_is_described_in_words() {
    let mut patterns = Vec::new();
    for entry in fs::read_dir(common::root().join("schema")).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        collect_patterns(&serde_json::from_str(&text).unwrap(), &mut patterns);
    }
    assert!(!patterns.is_empty());
    for pattern in patterns {
        let meaning = techpact::model::pattern_meaning(&pattern)
            .unwrap_or_else(|| panic!("no description for the pattern {pattern}"));
        let example = regex_lite_match(&pattern, meaning.example);
        assert!(example, "the example of {pattern} does not match it");
    }
}

fn collect_patterns(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("pattern", Value::String(p)) => out.push(p.clone()),
                    _ => collect_patterns(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

/// Whether `value` matches `pattern`, as the schema validator decides.
fn regex_lite_match(pattern: &str, value: &str) -> bool {
    let schema = serde_json::json!({"type": "string", "pattern": pattern});
    jsonschema::is_valid(&schema, &Value::from(value))
}

#[test]
fn a_date_in_the_wrong_form_is_told_the_right_form_with_an_example() {
    let dir = dataset_with(None);
    edit(dir.path(), AGREEMENT, "\"2024-03-03\"", "\"3 March 2024\"");
    assert_eq!(
        only(&findings(dir.path(), &[])),
        expect(
            "schema/violation",
            AGREEMENT,
            13,
            13,
            "/signed",
            "`3 March 2024` is not a date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. `2017-09-06`"
        )
    );
    edit(
        dir.path(),
        "sources/example-press-release.json",
        "\"en\"",
        "\"English\"",
    );
    let all = findings(dir.path(), &[]);
    let language = all.iter().find(|f| f["pointer"] == "/language").unwrap();
    assert_eq!(
        language["message"],
        "`English` is not a BCP 47 language tag: a lowercase two- or three-letter language code, optionally with subtags, e.g. `en`"
    );
}

#[test]
fn a_trailing_comma_is_pointed_at_with_the_fix() {
    let dir = dataset_with(None);
    edit(
        dir.path(),
        AGREEMENT,
        "    }\n  ],\n  \"signed\"",
        "    },\n  ],\n  \"signed\"",
    );
    assert_eq!(
        only(&findings(dir.path(), &[])),
        expect(
            "json/syntax",
            AGREEMENT,
            11,
            6,
            "",
            "trailing comma before `]`: remove this comma"
        )
    );
    let human = techpact(dir.path(), &["check", "--data", "data", "--color", "never"]);
    assert!(
        human.stdout.starts_with(
            "error: [json/syntax] trailing comma before `]`: remove this comma\n  --> data/partnerships/example-agreement.json:11:6\n   |\n11 |     },\n   |      ^\n"
        ),
        "{}",
        human.stdout
    );
}

#[test]
fn a_placeholder_says_whether_the_field_is_required_and_what_it_means() {
    let dir = dataset_with(None);
    edit(
        dir.path(),
        AGREEMENT,
        "\"Example Telecom–Example University strategic cooperation agreement\"",
        "\"\"",
    );
    edit(dir.path(), AGREEMENT, "\"2024-03-03\"", "\"\"");
    edit(
        dir.path(),
        "facts/cityville-ai-companies-2023.json",
        "\"AI companies\"",
        "\"\"",
    );
    let all = findings(dir.path(), &[]);
    let messages: Vec<(&str, &str)> = all
        .iter()
        .map(|f| {
            (
                f["pointer"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "/value/unit",
                "`/value/unit` is required in `/value` and still holds the empty placeholder; write what the sources say, or delete `/value`: What is counted or measured, such as \"companies\" or \"users\"."
            ),
            (
                "/name",
                "`/name` is required and still holds the empty placeholder; write what the sources say: The partnership's name, or a plain description of it."
            ),
            (
                "/signed",
                "`/signed` is optional and still holds the empty placeholder; write what the sources say, or delete the field: When it was signed."
            ),
        ]
    );
}

#[test]
fn the_skeleton_guide_says_whether_each_field_is_required() {
    let dir = dataset_with(None);
    let run = techpact(
        dir.path(),
        &["new", "--data", "data", "places", "townsville"],
    );
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[1],
        "Replace each \"\" placeholder with what the sources say; delete the optional fields they do not give:"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  /name ") && l.contains(" required The ")),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  /within ") && l.contains(" optional The ")),
        "{}",
        run.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with("  /sources/0/source ")
            && l.contains(" required in /sources/0: The cited source.")),
        "{}",
        run.stdout
    );
}

#[test]
fn a_one_of_value_names_the_closest_form_and_what_it_lacks() {
    let dir = dataset_with(None);
    let fact = "facts/cityville-ai-companies-2023.json";
    edit(dir.path(), fact, "\"number\": 12", "\"count\": 12");
    assert_eq!(
        only(&findings(dir.path(), &[])),
        expect(
            "schema/violation",
            fact,
            10,
            12,
            "/value",
            "the value is closest to the `\"type\": \"quantity\"` form, but lacks `number`, and has `count` which it does not allow; the allowed forms: `\"type\": \"quantity\"`, `\"type\": \"rank\"`, `\"type\": \"milestone\"`"
        )
    );
    edit(dir.path(), fact, "\"count\": 12", "\"number\": 12");
    edit(
        dir.path(),
        fact,
        "\"place\": \"cityville\"",
        "\"plcae\": \"cityville\"",
    );
    assert_eq!(
        only(&findings(dir.path(), &[])).5,
        "the value is closest to the `place` form, but lacks `place`, and has `plcae` (did you mean `place`?) which it does not allow; the allowed forms: `organization`, `person`, `place`, `partnership`, `lab`, `talent-program`, `event`, `product`"
    );
}

#[test]
fn a_missing_required_property_names_the_misspelled_key_at_the_brace() {
    let dir = dataset_with(None);
    edit(dir.path(), AGREEMENT, "\"person\":", "\"persn\":");
    let all = findings(dir.path(), &[]);
    let missing = all.iter().find(|f| f["keyword"] == "required").unwrap();
    assert_eq!(
        (
            &missing["line"],
            &missing["column"],
            &missing["pointer"],
            &missing["message"]
        ),
        (
            &Value::from(15),
            &Value::from(5),
            &Value::from("/signatories/0"),
            &Value::from(
                "missing required property `person`: the key `persn` of this object looks like a misspelling of it; rename `persn` to `person`"
            )
        )
    );
}

#[test]
fn counts_say_what_they_count() {
    let dir = dataset_with(None);
    edit(dir.path(), AGREEMENT, "\"2024-03-03\"", "\"2024\"");
    fs::create_dir(dir.path().join("data/stray")).unwrap();
    edit(dir.path(), AGREEMENT, "\"signed\"", "\"singed\"");
    let human = techpact(
        dir.path(),
        &["check", "--data", "data", "--color", "never", "--quiet"],
    );
    assert_eq!(
        human.stdout,
        "2 errors and 0 warnings in 10 record files (9 records passed their schema, 1 did not) and 1 other entry of the data directory that is not a record file\n  1  layout/unexpected-entry\n  1  schema/violation\n"
    );
    let refs = techpact(
        dir.path(),
        &["refs", "--data", "data", "sources/example-press-release"],
    );
    assert!(
        refs.stdout
            .contains("\nreferenced by (9 references, in 9 records):\n"),
        "{}",
        refs.stdout
    );
    let refs = techpact(
        dir.path(),
        &["refs", "--data", "data", "organizations/example-telecom"],
    );
    assert!(
        refs.stdout
            .contains("\nreferenced by (5 references, in 4 records):\n"),
        "{}",
        refs.stdout
    );
}

#[test]
fn warnings_that_fail_the_run_are_errors_in_github_annotations() {
    let dir = dataset_with(None);
    fs::write(
        dir.path().join("data/sources/unused.json"),
        "{\n  \"id\": \"unused\",\n  \"title\": \"Unused\",\n  \"kind\": \"report\",\n  \"language\": \"en\"\n}\n",
    )
    .unwrap();
    let args = ["check", "--data", "data", "--format", "github"];
    let plain = techpact(dir.path(), &args);
    assert_eq!(plain.code, 0);
    assert!(
        plain.stdout.starts_with(
            "::warning file=data/sources/unused.json,line=2,col=9,title=source/unused::"
        ),
        "{}",
        plain.stdout
    );
    let denied = techpact(dir.path(), &[&args[..], &["--deny-warnings"]].concat());
    assert_eq!(denied.code, 1);
    assert_eq!(
        denied.stdout,
        plain.stdout.replacen("::warning ", "::error ", 1)
    );
}

#[test]
fn evidence_takes_several_folders_and_counts_what_it_proved() {
    let dir = with_texts();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let both = [
        "check",
        "--data",
        "data",
        "--evidence",
        "empty",
        "--evidence",
        "texts",
        "--color",
        "never",
    ];
    let run = techpact(dir.path(), &both);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            0,
            "ok: 10 records in 10 record files, no findings\nquotes: 9 of 9 proven against their source texts\n"
        )
    );
    let only_empty = [
        "check",
        "--data",
        "data",
        "--evidence",
        "empty",
        "--color",
        "never",
        "--quiet",
    ];
    let strict = techpact(dir.path(), &only_empty);
    assert_eq!(strict.code, 1);
    assert!(strict.stdout.ends_with("  1  source/text-mismatch\nquotes: 0 of 9 proven against their source texts; 9 not provable here: no text at hand for `example-press-release`\n"), "{}", strict.stdout);
    // `--quiet` prints nothing on success; the counts show without it.
    let loud: Vec<&str> = only_empty
        .iter()
        .copied()
        .filter(|a| *a != "--quiet")
        .collect();
    let counted = techpact(
        dir.path(),
        &[&loud[..], &["--allow-missing-texts"]].concat(),
    );
    let quiet = techpact(
        dir.path(),
        &[&only_empty[..], &["--allow-missing-texts"]].concat(),
    );
    assert_eq!((quiet.code, quiet.stdout.as_str()), (0, ""));
    assert_eq!(
        (counted.code, counted.stdout.as_str()),
        (
            0,
            "ok: 10 records in 10 record files, no findings\nquotes: 0 of 9 proven against their source texts; 9 not provable here: no text at hand for `example-press-release`\n"
        )
    );
    let json = techpact(
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
    );
    assert_eq!(
        json.json()["summary"]["quotes"],
        serde_json::json!({"proven": 9, "not_found": 0, "without_text": 0, "unpinned": 0, "sources_without_text": []})
    );
}

#[test]
fn a_long_line_is_cut_around_the_marker_and_keeps_its_true_column() {
    let dir = with_texts();
    edit(
        dir.path(),
        AGREEMENT,
        "\"signed a strategic cooperation agreement\"",
        "\"Vice President of Example Telecom. Under the agreement the partners establish the Example AI Joint Laboratory, which will focus on evaluation of large models, and launch the Example Talent Program, including\"",
    );
    let found = only(&findings(dir.path(), &["--evidence", "texts"]));
    assert_eq!(
        (found.0.as_str(), found.2, found.3),
        ("source/quote-not-found", 27, 213)
    );
    let human = techpact(
        dir.path(),
        &[
            "check",
            "--data",
            "data",
            "--evidence",
            "texts",
            "--color",
            "never",
        ],
    );
    assert!(
        human
            .stdout
            .contains(" --> data/partnerships/example-agreement.json:27:213\n"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("Talent Program, including"),
        "{}",
        human.stdout
    );
}
