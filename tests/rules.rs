//! The whole-dataset rules, run through the real binary over one small
//! fixture dataset per finding code, and `techpact explain`.

use crate::common;

use common::{Run, assert_finding, assert_finding_at, root, techpact};
use serde_json::Value;

/// `techpact check --data tests/fixtures/<fixture>/data --format json <extra>`.
fn check(fixture: &str, extra: &[&str]) -> Run {
    let data = format!("tests/fixtures/{fixture}/data");
    let mut args = vec!["check", "--data", data.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    techpact(&root(), &args)
}

/// The findings of `code`.
fn of_code<'a>(findings: &'a [Value], code: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["code"] == code).collect()
}

/// The message of the one finding of `code` in a file ending with `file`.
fn message<'a>(findings: &'a [Value], code: &str, file: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f["code"] == code && f["file"].as_str().is_some_and(|p| p.ends_with(file)))
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {file}"))
}

/// Asserts that every finding has one of `codes`, and how many there are.
fn assert_only(findings: &[Value], codes: &[&str], count: usize) {
    for f in findings {
        assert!(
            codes.contains(&f["code"].as_str().unwrap_or_default()),
            "unexpected finding {f}"
        );
    }
    assert_eq!(
        findings.len(),
        count,
        "{}",
        serde_json::to_string_pretty(findings).unwrap()
    );
}

#[test]
fn the_golden_dataset_is_clean() {
    let run = check("rules-valid", &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings().len(), 0);
    assert_eq!(run.json()["summary"]["records"], 12);
}

#[test]
fn dangling_references_suggest_the_closest_id() {
    let run = check("rules-ref-dangling", &[]);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_only(&findings, &["ref/dangling"], 2);
    assert_finding(
        &findings,
        "ref/dangling",
        "labs/ai-innovation-lab.json",
        6,
        5,
        "/hosts/1",
    );
    assert!(
        message(&findings, "ref/dangling", "labs/ai-innovation-lab.json")
            .contains("in `organizations`")
    );
    assert!(
        message(&findings, "ref/dangling", "labs/ai-innovation-lab.json")
            .contains("did you mean `hkust`?")
    );
    assert_finding(
        &findings,
        "ref/dangling",
        "events/quantum-industry-conference-2023.json",
        6,
        12,
        "/place",
    );
    assert!(
        message(
            &findings,
            "ref/dangling",
            "events/quantum-industry-conference-2023.json"
        )
        .contains("`hkust` is a record in `organizations`, but this field points into `places`")
    );
}

#[test]
fn a_hierarchy_loop_is_reported_once_with_its_members_in_order() {
    let run = check("rules-ref-cycle", &[]);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_only(&findings, &["ref/cycle"], 2);
    assert_finding(
        &findings,
        "ref/cycle",
        "organizations/alpha.json",
        5,
        13,
        "/parent",
    );
    assert!(
        message(&findings, "ref/cycle", "organizations/alpha.json").ends_with(
            "`parent` hierarchy of `organizations` loops: `alpha` → `gamma` → `beta` → `alpha`"
        )
    );
    assert_finding(
        &findings,
        "ref/cycle",
        "places/hong-kong.json",
        14,
        13,
        "/within",
    );
    assert!(
        message(&findings, "ref/cycle", "places/hong-kong.json")
            .ends_with("`hong-kong` → `hong-kong`")
    );
}

#[test]
fn dates_must_exist_in_the_calendar() {
    let run = check("rules-date-invalid", &[]);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_only(&findings, &["date/invalid"], 2);
    assert_finding(
        &findings,
        "date/invalid",
        "organizations/quantum-co.json",
        5,
        14,
        "/founded",
    );
    assert!(
        message(&findings, "date/invalid", "quantum-co.json").contains("February 2023 has 28 days")
    );
    assert_finding(
        &findings,
        "date/invalid",
        "people/ke-ruiwen.json",
        7,
        16,
        "/roles/0/start",
    );
    // 2024-02-29 in leap-co.json is a real day.
}

#[test]
fn ends_follow_starts_and_facts_do_not_postdate_their_sources() {
    let run = check("rules-date-order", &[]);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_only(&findings, &["date/order"], 4);
    assert_finding(
        &findings,
        "date/order",
        "partnerships/signed-after-its-bound.json",
        14,
        26,
        "/signed_on_or_before",
    );
    assert_finding(
        &findings,
        "date/order",
        "organizations/short-lived.json",
        6,
        16,
        "/dissolved",
    );
    assert_finding(
        &findings,
        "date/order",
        "people/ke-ruiwen.json",
        8,
        14,
        "/roles/0/end",
    );
    assert_finding(
        &findings,
        "date/order",
        "facts/china-telecom-quantum-users.json",
        15,
        14,
        "/value/as_of",
    );
    assert!(
        message(
            &findings,
            "date/order",
            "facts/china-telecom-quantum-users.json"
        )
        .contains("`people-daily-2023-09` (published 2023-09)")
    );
    // The event runs from "2023" to "2023-05-29": partial dates that may overlap are in order.
}

#[test]
fn every_record_rests_on_an_existing_source() {
    let run = check("rules-source-missing", &[]);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_only(&findings, &["source/missing", "ref/dangling"], 4);
    assert_finding(
        &findings,
        "source/missing",
        "organizations/no-sources.json",
        1,
        1,
        "",
    );
    assert_finding(
        &findings,
        "source/missing",
        "labs/ai-innovation-lab.json",
        9,
        14,
        "/sources",
    );
    assert_finding(
        &findings,
        "source/missing",
        "partnerships/china-telecom-hkust-2025.json",
        15,
        14,
        "/sources",
    );
    assert_finding(
        &findings,
        "ref/dangling",
        "partnerships/china-telecom-hkust-2025.json",
        17,
        17,
        "/sources/0/source",
    );
}

#[test]
fn an_uncited_source_is_a_warning_that_deny_warnings_turns_into_a_failure() {
    let run = check("rules-source-unused", &[]);
    assert_eq!(run.code, 0, "warnings alone pass");
    let findings = run.findings();
    assert_only(&findings, &["source/unused"], 1);
    assert_finding(
        &findings,
        "source/unused",
        "sources/people-daily-2023-09.json",
        2,
        9,
        "/id",
    );
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(run.json()["summary"]["warnings"], 1);
    let denied = check("rules-source-unused", &["--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stdout);
    assert_eq!(denied.findings(), findings);
}

#[test]
fn external_identifiers_are_checked_for_format_and_check_digits() {
    let run = check("rules-identifier-invalid", &[]);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_only(&findings, &["identifier/invalid"], 5);
    assert_finding(
        &findings,
        "identifier/invalid",
        "organizations/hkust.json",
        10,
        12,
        "/identifiers/ror",
    );
    assert!(
        message(&findings, "identifier/invalid", "organizations/hkust.json")
            .contains("should be 97")
    );
    assert_finding(
        &findings,
        "identifier/invalid",
        "organizations/china-telecom.json",
        11,
        17,
        "/identifiers/wikidata",
    );
    assert_finding(
        &findings,
        "identifier/invalid",
        "people/ke-ruiwen.json",
        14,
        14,
        "/identifiers/orcid",
    );
    assert_finding(
        &findings,
        "identifier/invalid",
        "places/hong-kong.json",
        5,
        14,
        "/country",
    );
    assert_finding(
        &findings,
        "identifier/invalid",
        "sources/ftp-source.json",
        7,
        10,
        "/url",
    );
}

#[test]
fn look_alike_records_are_reported_on_the_second_naming_the_first() {
    let run = check("rules-duplicate-suspect", &[]);
    assert_eq!(run.code, 0, "duplicates are warnings");
    let findings = run.findings();
    assert_only(&findings, &["duplicate/suspect"], 2);
    assert_finding(
        &findings,
        "duplicate/suspect",
        "organizations/hkust.json",
        5,
        5,
        "/aliases/0",
    );
    let both = message(&findings, "duplicate/suspect", "organizations/hkust.json");
    assert!(both.contains("`organizations/hkust-university`"), "{both}");
    assert!(
        both.contains("same name `HKUST`, same ROR id `00q4vv597`"),
        "{both}"
    );
    assert_finding(
        &findings,
        "duplicate/suspect",
        "organizations/the-hkust.json",
        3,
        11,
        "/name",
    );
    // `the-hkust` writes its name in full-width letters: NFKC folds them.
    // The province and the city named "Hong Kong" are different places.
    assert!(
        of_code(&findings, "duplicate/suspect")
            .iter()
            .all(|f| !f["file"].as_str().unwrap().contains("places/"))
    );
    assert_eq!(
        check("rules-duplicate-suspect", &["--deny-warnings"]).code,
        1
    );
}

#[test]
fn human_output_quotes_the_offending_value() {
    let data = "tests/fixtures/rules-ref-dangling/data";
    let run = techpact(&root(), &["check", "--data", data, "--color", "never"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(
        "[ref/dangling] no record in `organizations` has id `hkst`; did you mean `hkust`?"
    ));
    assert!(run.stdout.contains("\"hkst\""), "{}", run.stdout);
}

#[test]
fn explain_lists_every_code_as_committed() {
    let run = techpact(&root(), &["explain"]);
    assert_eq!(run.code, 0);
    let expected =
        std::fs::read_to_string(root().join("tests/fixtures/rules-explain/codes.txt")).unwrap();
    // A renamed or removed code changes this list, and the change shows in review.
    assert_eq!(run.stdout, expected);
}

#[test]
fn explain_a_rule_code() {
    let run = techpact(&root(), &["explain", "ref/dangling"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("ref/dangling (error)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("A reference names no record of the collection it points into.")
    );
    assert!(run.stdout.contains("How to fix: "));
    let unknown = techpact(&root(), &["explain", "ref/nonsense"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown finding code `ref/nonsense`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn refs_lists_both_directions_with_pointers() {
    let data = "tests/fixtures/rules-valid/data";
    let run = techpact(
        &root(),
        &["refs", "--data", data, "organizations/china-telecom"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = "\
organizations/china-telecom  (tests/fixtures/rules-valid/data/organizations/china-telecom.json)

references (1 reference, to 1 record):
  /sources/0/source  sources/pr-2025-04-09

referenced by (6 references, in 6 records):
  events/quantum-industry-conference-2023  /hosts/0
  facts/china-telecom-quantum-users        /subjects/0/organization
  labs/ai-innovation-lab                   /hosts/0
  organizations/china-telecom-quantum      /parent
  partnerships/china-telecom-hkust-2025    /parties/0/organization
  people/ke-ruiwen                         /roles/0/organization
";
    assert_eq!(run.stdout, expected);
}

#[test]
fn refs_in_json_marks_missing_targets() {
    let data = "tests/fixtures/rules-ref-dangling/data";
    let run = techpact(
        &root(),
        &[
            "refs",
            "--data",
            data,
            "--format",
            "json",
            "labs/ai-innovation-lab",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["record"]["collection"], "labs");
    assert_eq!(doc["record"]["id"], "ai-innovation-lab");
    let references = doc["references"].as_array().unwrap();
    let hosts: Vec<(&str, &str, bool)> = references
        .iter()
        .filter(|r| r["collection"] == "organizations")
        .map(|r| {
            (
                r["pointer"].as_str().unwrap(),
                r["id"].as_str().unwrap(),
                r["exists"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hosts,
        [
            ("/hosts/0", "china-telecom", true),
            ("/hosts/1", "hkst", false)
        ]
    );
    assert_eq!(doc["referenced_by"], serde_json::json!([]));
    let sources = techpact(
        &root(),
        &[
            "refs",
            "--data",
            data,
            "--format",
            "json",
            "sources/pr-2025-04-09",
        ],
    );
    let doc = sources.json();
    let by: Vec<&str> = doc["referenced_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        by.contains(&"ai-innovation-lab") && by.contains(&"hkust"),
        "{by:?}"
    );
}

#[test]
fn refs_of_an_unknown_record_fails_the_run() {
    let data = "tests/fixtures/rules-valid/data";
    let run = techpact(&root(), &["refs", "--data", data, "organizations/hkst"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no record `organizations/hkst`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `organizations/hkust`?"),
        "{}",
        run.stderr
    );
    assert_eq!(
        techpact(&root(), &["refs", "--data", data, "orgs/hkust"]).code,
        2
    );
    assert_eq!(
        techpact(&root(), &["refs", "--data", data, "hkust"]).code,
        2
    );
}

#[test]
fn refs_says_none_when_nothing_references_a_record() {
    let data = "tests/fixtures/rules-valid/data";
    let run = techpact(
        &root(),
        &["refs", "--data", data, "facts/china-telecom-quantum-users"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .ends_with("\nreferenced by (0 references, in 0 records):\n  none\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_value_without_evidence_is_a_warning_at_the_value() {
    let run = check("rules-provenance", &[]);
    let findings = run.findings();
    let uncovered = of_code(&findings, "provenance/uncovered");
    assert_eq!(uncovered.len(), 2, "{findings:#?}");
    // "Hong Kong" appears only inside the organization's own name.
    assert_finding_at(
        &findings,
        "provenance/uncovered",
        "organizations/hkust.json",
        8,
        15,
        "/location",
    );
    assert_finding_at(
        &findings,
        "provenance/uncovered",
        "organizations/hkust.json",
        11,
        5,
        "/fields/1",
    );
    assert!(uncovered.iter().all(|f| f["severity"] == "warning"));
    // The fact's number, date, comparator, unit and subject are quoted;
    // its statement is cited and its value's form inferred.
    assert!(
        !findings.iter().any(|f| f["file"]
            .as_str()
            .unwrap()
            .ends_with("facts/hkust-users.json")),
        "{findings:#?}"
    );
}

#[test]
fn a_pointer_that_names_no_value_is_an_error_at_the_pointer() {
    let run = check("rules-provenance", &[]);
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_only(
        &findings,
        &["provenance/bad-pointer", "provenance/uncovered"],
        5,
    );
    assert_finding_at(
        &findings,
        "provenance/bad-pointer",
        "organizations/hkust.json",
        18,
        9,
        "/sources/0/supports/0",
    );
    assert_finding_at(
        &findings,
        "provenance/bad-pointer",
        "organizations/hkust.json",
        29,
        18,
        "/inferred/1/pointer",
    );
    // A source needs no evidence, but what it declares inferred must exist.
    assert_finding_at(
        &findings,
        "provenance/bad-pointer",
        "sources/pr-2025-04-09.json",
        9,
        18,
        "/inferred/0/pointer",
    );
    let bad: Vec<&str> = of_code(&findings, "provenance/bad-pointer")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(bad[0].contains("`/nmae` names no value"), "{bad:?}");
    assert!(bad[1].contains("`/id` needs no evidence"), "{bad:?}");
}

#[test]
fn explain_knows_the_provenance_codes() {
    for (code, severity) in [
        ("provenance/uncovered", "warning"),
        ("provenance/bad-pointer", "error"),
    ] {
        let run = techpact(&root(), &["explain", code]);
        assert_eq!(run.code, 0);
        assert!(
            run.stdout.starts_with(&format!("{code} ({severity})\n")),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("How to fix: "), "{}", run.stdout);
    }
}

#[test]
fn references_to_withdrawn_records_name_the_successor_at_the_end_of_the_chain() {
    let run = check("rules-ref-withdrawn", &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    assert_only(
        &findings,
        &["ref/withdrawn", "ref/dangling", "ref/cycle"],
        4,
    );
    assert_finding(
        &findings,
        "ref/withdrawn",
        "labs/ai-innovation-lab.json",
        6,
        5,
        "/hosts/1",
    );
    assert_eq!(
        message(&findings, "ref/withdrawn", "labs/ai-innovation-lab.json"),
        "`ust` in `organizations` was withdrawn on 2026-01-12 (duplicate of hkust-old); use `hkust` instead"
    );
    assert_finding(
        &findings,
        "ref/withdrawn",
        "organizations/hkust.json",
        9,
        15,
        "/location",
    );
    assert!(
        message(&findings, "ref/withdrawn", "organizations/hkust.json")
            .ends_with("nothing replaces it; remove the reference or name another record")
    );
    for f in of_code(&findings, "ref/withdrawn") {
        assert_eq!(f["severity"], "warning");
    }
    // A successor is a reference: missing is dangling, a loop is a cycle.
    assert_finding(
        &findings,
        "ref/dangling",
        "organizations/gone.json",
        7,
        18,
        "/withdrawn/successor",
    );
    assert_finding(
        &findings,
        "ref/cycle",
        "organizations/loop-a.json",
        7,
        18,
        "/withdrawn/successor",
    );
    assert!(
        message(&findings, "ref/cycle", "organizations/loop-a.json").ends_with(
            "the successors of withdrawn records in `organizations` loop: `loop-a` → `loop-b` → `loop-a`"
        )
    );
}

#[test]
fn a_reference_meets_the_withdrawal_of_the_file_its_id_names() {
    // The withdrawn place's file keeps its name while its `id` says another:
    // the reference `clear-water-bay` still resolves to that file.
    let run = check_edited(
        "rules-ref-withdrawn",
        "places/clear-water-bay.json",
        |text| {
            text.replacen(
                "\"id\": \"clear-water-bay\"",
                "\"id\": \"clear-water-bay-2\"",
                1,
            )
        },
    );
    let findings = run.findings();
    assert_finding(
        &findings,
        "ref/withdrawn",
        "organizations/hkust.json",
        9,
        15,
        "/location",
    );
    assert_eq!(of_code(&findings, "ref/withdrawn").len(), 2, "{findings:?}");
}

/// `check` of a copy of the fixture's data with the file `path` in it
/// rewritten by `edit`.
fn check_edited(fixture: &str, path: &str, edit: impl FnOnce(&str) -> String) -> Run {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &root().join(format!("tests/fixtures/{fixture}/data")),
        dir.path(),
    );
    let path = dir.path().join(path);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(&text)).unwrap();
    let data = dir.path().to_str().unwrap();
    techpact(&root(), &["check", "--data", data, "--format", "json"])
}

#[test]
fn a_tombstone_needs_only_its_id_name_withdrawal_and_sources() {
    let run = check("rules-ref-withdrawn", &[]);
    assert_eq!(run.json()["summary"]["records"], 17);
    assert!(of_code(&run.findings(), "schema/violation").is_empty());
    // Without `withdrawn`, the same file misses what its type requires.
    let run = check_edited(
        "rules-ref-withdrawn",
        "organizations/hkust-old.json",
        |text| {
            let start = text.find("  \"withdrawn\"").unwrap();
            let end = text.find("  \"sources\"").unwrap();
            format!("{}{}", &text[..start], &text[end..])
        },
    );
    let findings = run.findings();
    let violations = of_code(&findings, "schema/violation");
    assert_eq!(violations.len(), 1, "{findings:?}");
    assert!(
        violations[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("organizations/hkust-old.json")
    );
    assert!(violations[0]["message"].as_str().unwrap().contains("kind"));
}
