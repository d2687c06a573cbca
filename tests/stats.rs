//! `techpact stats`: counts over the valid fixture, counted by hand from its
//! records, in JSON and for people; refusal on a dataset with errors.

use crate::common;

use common::{Run, assert_finding, fixture, root, techpact};
use serde_json::json;

/// `stats --format json` on the fixture dataset `name`.
fn stats_json(name: &str) -> Run {
    let data = fixture(name).join("data");
    techpact(
        &root(),
        &[
            "stats",
            "--data",
            data.to_str().unwrap(),
            "--format",
            "json",
        ],
    )
}

#[test]
fn stats_counts_records_sources_years_and_references() {
    let run = stats_json("tooling-valid");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let stats = run.json();
    assert_eq!(
        stats["records"],
        json!({"organizations": 3, "people": 4, "places": 4, "partnerships": 1, "labs": 2,
               "talent-programs": 1, "products": 1, "events": 1, "series": 1, "facts": 4,
               "sources": 2})
    );
    assert_eq!(stats["total"], 24);
    // Every record but the two sources cites exactly one source.
    assert_eq!(
        stats["sources"],
        json!([
            {"source": "prnewswire-china-telecom-hkust-2025-04-09", "records": 14},
            {"source": "peoples-daily-quantum-industry-conference-2023", "records": 8},
        ])
    );
    // 2023: the conference (start) and the fact of its holding (milestone date);
    // 2025: the partnership, labs and programme (announced), the signing
    // fact and the press release (published).
    assert_eq!(
        stats["years"],
        json!([
            {"year": 2023, "records": 2, "collections": {"events": 1, "facts": 1}},
            {"year": 2025, "records": 6, "collections":
                {"partnerships": 1, "labs": 2, "talent-programs": 1, "facts": 1, "sources": 1}},
        ])
    );
    assert_eq!(
        stats["undated"],
        json!({"organizations": 3, "people": 4, "places": 4, "products": 1, "series": 1,
               "facts": 2, "sources": 1})
    );
    assert_eq!(
        stats["references"],
        json!({"organizations": 22, "people": 5, "places": 11, "partnerships": 4, "labs": 1,
               "talent-programs": 1, "products": 0, "events": 2, "series": 1, "facts": 0,
               "sources": 22})
    );
}

#[test]
fn stats_for_people_shows_each_section() {
    let data = fixture("tooling-valid").join("data");
    let run = techpact(&root(), &["stats", "--data", data.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "Records per collection",
        "  talent-programs      1",
        "  total               24",
        "Records citing each source",
        "  peoples-daily-quantum-industry-conference-2023      8",
        "Records per year of their primary date",
        "  2023                 2  events 1, facts 1",
        "  undated             16  organizations 3, people 4, places 4, products 1, series 1, facts 2, sources 1",
        "References into each collection",
        "  organizations       22",
    ] {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "missing `{line}` in:\n{}",
            run.stdout
        );
    }
}

#[test]
fn stats_refuses_a_dataset_with_errors() {
    let run = stats_json("tooling-broken");
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "schema/violation",
        "organizations/hkust.json",
        1,
        1,
        "",
    );
}

#[test]
fn stats_runs_on_the_real_data() {
    let run = techpact(&root(), &["stats", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let stats = run.json();
    let files = std::fs::read_dir(root().join("data"))
        .unwrap()
        .map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count())
        .sum::<usize>();
    assert_eq!(stats["total"], files);
}

#[test]
fn stats_counts_values_by_level_of_evidence() {
    let run = stats_json("stats-evidence");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let evidence = &run.json()["evidence"];
    // hkust: name and alias quoted, the first field cited, kind inferred,
    // location and the second field without evidence.
    assert_eq!(
        evidence["organizations"],
        json!({"values": 6, "covered": 4, "levels":
            {"quoted": 2, "cited": 1, "inferred": 1, "self": 0, "uncovered": 2}})
    );
    // The source describes itself, but its publication date is declared inferred.
    assert_eq!(
        evidence["sources"],
        json!({"values": 4, "covered": 4, "levels":
            {"quoted": 0, "cited": 0, "inferred": 1, "self": 3, "uncovered": 0}})
    );
    assert_eq!(evidence["facts"]["levels"]["quoted"], 5);
    assert_eq!(evidence["people"]["values"], 0);
    let data = fixture("stats-evidence").join("data");
    let human = techpact(&root(), &["stats", "--data", data.to_str().unwrap()]);
    assert!(
        human.stdout.contains(
            "  organizations         6          2          1          1          0          2     66.6%\n"
        ),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("  total                20"),
        "{}",
        human.stdout
    );
}
