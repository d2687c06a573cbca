//! The record lifecycle end to end in a git repository with release tags:
//! a deleted published id is refused by `check`, `check --changed-since` and
//! `release`; `rename` leaves a tombstone and rewrites every reference;
//! `withdraw` merges or retires a record; `resolve` follows successors; the
//! next release carries `redirects.json`.

use crate::common;
use crate::release_support;

use std::path::Path;

use common::assert_finding;
use release_support::Sandbox;
use serde_json::Value;

const LAB: &str = r#"{
  "id": "joint-lab",
  "name": "Joint Laboratory",
  "hosts": [
    "china-telecom",
    "hkust"
  ],
  "sources": [
    {
      "source": "prnewswire-china-telecom-hkust-2025-04-09",
      "supports": [
        "/name",
        "/hosts"
      ]
    }
  ]
}
"#;

/// A repository with a lab that references both organizations, released and tagged as v0.1.0.
fn released(sandbox: &Sandbox) -> std::path::PathBuf {
    let repo = sandbox.repo("repo");
    std::fs::create_dir_all(repo.join("data/labs")).unwrap();
    std::fs::write(repo.join("data/labs/joint-lab.json"), LAB).unwrap();
    assert_eq!(sandbox.techpact(&repo, &["fmt"]).code, 0);
    sandbox.commit_all(&repo, "A lab, every record in canonical form");
    let run = sandbox.techpact(&repo, &["release", "0.1.0", "--tag"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    std::fs::remove_dir_all(repo.join("dist")).unwrap();
    repo
}

fn json(sandbox: &Sandbox, repo: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let run = sandbox.techpact(repo, &all);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", run.stdout, run.stderr));
    (run.code, value, run.stderr)
}

fn read(repo: &Path, path: &str) -> String {
    std::fs::read_to_string(repo.join(path)).unwrap()
}

/// The one `id/removed` finding for China Telecom, at the path its file had.
fn assert_removed(findings: &[Value]) {
    assert_finding(
        findings,
        "id/removed",
        "data/organizations/china-telecom.json",
        0,
        0,
        "",
    );
}

#[test]
fn a_published_id_that_loses_its_file_is_refused_everywhere() {
    let sandbox = Sandbox::new();
    let repo = released(&sandbox);
    std::fs::remove_file(repo.join("data/organizations/china-telecom.json")).unwrap();

    let (code, out, _) = json(&sandbox, &repo, &["check"]);
    assert_eq!(code, 1);
    let findings = out["findings"].as_array().unwrap().clone();
    assert_removed(&findings);
    let removed: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "id/removed")
        .collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["severity"], "error");
    assert!(
        removed[0]["message"]
            .as_str()
            .unwrap()
            .contains("published in v0.1.0")
    );

    // A pull request that deletes the file sees it at the deleted path.
    let (code, out, _) = json(&sandbox, &repo, &["check", "--changed-since", "HEAD"]);
    assert_eq!(code, 1);
    let findings = out["findings"].as_array().unwrap().clone();
    assert_removed(&findings);

    sandbox.commit_all(&repo, "Delete a published record");
    let run = sandbox.techpact(&repo, &["release", "0.2.0"]);
    assert_eq!(run.code, 1);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("id/removed") && said.contains("organizations/china-telecom"),
        "{said}"
    );
    assert!(!repo.join("dist/redirects.json").exists());
}

#[test]
fn with_no_tag_or_no_repository_the_check_says_so_once() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let run = sandbox.techpact(&repo, &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr.matches("no release tag `v*` yet").count(),
        1,
        "{}",
        run.stderr
    );
    let plain = sandbox.path().join("plain");
    common::copy_tree(&repo.join("data"), &plain.join("data"));
    let run = sandbox.techpact(&plain, &["check", "--data", "data"]);
    assert_eq!(
        run.stderr
            .matches("no git repository holds the data")
            .count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn rename_leaves_a_tombstone_rewrites_references_and_the_next_release_redirects() {
    let sandbox = Sandbox::new();
    let repo = released(&sandbox);
    let lab_before = read(&repo, "data/labs/joint-lab.json");

    let run = sandbox.techpact(
        &repo,
        &[
            "rename",
            "organizations/hkust",
            "hkust-cwb",
            "--date",
            "2026-03-01",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("1 reference rewritten; a tombstone keeps the old id"),
        "{}",
        run.stdout
    );

    // Every reference names the new id; nothing else in the file moved.
    let lab_after = read(&repo, "data/labs/joint-lab.json");
    assert_eq!(lab_after, lab_before.replace("\"hkust\"", "\"hkust-cwb\""));
    let moved: Value =
        serde_json::from_str(&read(&repo, "data/organizations/hkust-cwb.json")).unwrap();
    assert_eq!(moved["id"], "hkust-cwb");
    assert_eq!(moved["kind"], "university");
    let tomb: Value = serde_json::from_str(&read(&repo, "data/organizations/hkust.json")).unwrap();
    assert_eq!(
        tomb["withdrawn"],
        serde_json::json!({"date": "2026-03-01", "reason": "renamed to hkust-cwb", "successor": "hkust-cwb"})
    );
    assert!(tomb.get("kind").is_none());
    assert_eq!(tomb["name"], moved["name"]);

    let run = sandbox.techpact(&repo, &["check", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = sandbox.techpact(
        &repo,
        &[
            "fmt",
            "--check",
            "data/labs",
            "data/organizations/hkust.json",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // resolve follows the successor; an unknown id fails with a suggestion.
    let run = sandbox.techpact(
        &repo,
        &[
            "resolve",
            "organizations/hkust",
            "organizations/china-telecom",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "organizations/hkust → organizations/hkust-cwb\norganizations/china-telecom is current\n"
    );
    let (code, out, _) = json(&sandbox, &repo, &["resolve", "organizations/hkust"]);
    assert_eq!(code, 0);
    assert_eq!(out[0]["current"], "hkust-cwb");
    assert_eq!(out[0]["chain"], serde_json::json!(["hkust", "hkust-cwb"]));
    let run = sandbox.techpact(&repo, &["resolve", "organizations/hkust-cbw"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("did you mean `hkust-cwb`?"),
        "{}",
        run.stdout
    );

    sandbox.commit_all(&repo, "Rename HKUST");
    let run = sandbox.techpact(&repo, &["release", "0.2.0"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let redirects: Value = serde_json::from_str(&read(&repo, "dist/redirects.json")).unwrap();
    assert_eq!(
        redirects["redirects"]["organizations"]["hkust"],
        serde_json::json!({"successor": "hkust-cwb", "date": "2026-03-01", "reason": "renamed to hkust-cwb"})
    );
    let sums = read(&repo, "dist/SHA256SUMS");
    assert!(
        sums.lines().any(|l| l.ends_with("  redirects.json")),
        "{sums}"
    );
    let manifest: Value = serde_json::from_str(&read(&repo, "dist/manifest.json")).unwrap();
    assert_eq!(
        manifest["redirects"].as_str().unwrap(),
        release_support::sha256(read(&repo, "dist/redirects.json").as_bytes())
    );
    let changes = read(&repo, "dist/CHANGES.md");
    assert!(
        changes.contains("- `hkust` renamed to `hkust-cwb`"),
        "{changes}"
    );
    assert!(!changes.contains("Added:"), "{changes}");
    let run = sandbox.techpact(&repo, &["verify", "dist"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // A redirect that leads to a withdrawn record is refused where it sits.
    let path = repo.join("dist/redirects.json");
    let text = read(&repo, "dist/redirects.json");
    std::fs::write(
        &path,
        text.replace("\"successor\": \"hkust-cwb\"", "\"successor\": \"hkust\""),
    )
    .unwrap();
    let (code, out, _) = json(&sandbox, &repo, &["verify", "dist"]);
    assert_eq!(code, 1);
    let findings = out["findings"].as_array().unwrap().clone();
    let bad: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "release/bad-redirects")
        .collect();
    assert_eq!(bad.len(), 2, "{findings:#?}");
    assert_eq!(bad[0]["file"], "dist/redirects.json");
    assert_eq!(bad[0]["pointer"], "/redirects/organizations/hkust");
    assert!(
        bad[0]["message"]
            .as_str()
            .unwrap()
            .contains("does not match the withdrawal")
    );
    assert_eq!(
        bad[1]["pointer"],
        "/redirects/organizations/hkust/successor"
    );
    assert_eq!(
        (bad[1]["line"].as_u64(), bad[1]["column"].as_u64()),
        (Some(6), Some(22))
    );
    assert!(
        bad[1]["message"]
            .as_str()
            .unwrap()
            .contains("withdrawn itself")
    );
}

#[test]
fn withdraw_merges_or_retires_and_refuses_what_would_break_the_data() {
    let sandbox = Sandbox::new();
    let repo = released(&sandbox);
    let before = sandbox.files();

    // Merging china-telecom into hkust would list hkust twice in the lab.
    let run = sandbox.techpact(
        &repo,
        &[
            "withdraw",
            "organizations/china-telecom",
            "--reason",
            "duplicate",
            "--into",
            "hkust",
        ],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("would list `hkust` twice"),
        "{}",
        run.stderr
    );
    assert_eq!(sandbox.files(), before);

    // Retiring it keeps the file; the lab's reference becomes a warning naming no successor.
    let run = sandbox.techpact(
        &repo,
        &[
            "withdraw",
            "organizations/china-telecom",
            "--reason",
            "not a party",
            "--date",
            "2026-04",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (code, out, _) = json(&sandbox, &repo, &["check", "--deny-warnings"]);
    assert_eq!(code, 1);
    let findings = out["findings"].as_array().unwrap().clone();
    assert_finding(
        &findings,
        "ref/withdrawn",
        "data/labs/joint-lab.json",
        5,
        5,
        "/hosts/0",
    );
    let run = sandbox.techpact(&repo, &["resolve", "organizations/china-telecom"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("withdrawn; nothing replaces it"),
        "{}",
        run.stdout
    );
    let run = sandbox.techpact(
        &repo,
        &[
            "withdraw",
            "organizations/china-telecom",
            "--reason",
            "again",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("withdrawn already"), "{}", run.stderr);
}
