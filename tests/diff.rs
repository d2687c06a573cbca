//! `techpact diff`: added, changed and removed records between git
//! revisions, release folders and release archives, as text, JSON and
//! Markdown; and the same engine behind a release's `changes.json`.

use crate::release_support;

use std::path::Path;

use release_support::{Crafted, Sandbox, craft_tar, gzip};
use serde_json::Value;

const NEW_ORG: &str = r#"{
  "id": "hkust-guangzhou",
  "name": "The Hong Kong University of Science and Technology (Guangzhou)",
  "kind": "university",
  "sources": [
    {
      "source": "prnewswire-china-telecom-hkust-2025-04-09"
    }
  ]
}
"#;

/// Adds an organization, renames HKUST and removes China Telecom, committed.
fn change_the_data(sandbox: &Sandbox, repo: &Path) {
    std::fs::write(
        repo.join("data/organizations/hkust-guangzhou.json"),
        NEW_ORG,
    )
    .unwrap();
    let path = repo.join("data/organizations/hkust.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "\"The Hong Kong University of Science and Technology\"",
            "\"Hong Kong University of Science and Technology\"",
        ),
    )
    .unwrap();
    std::fs::remove_file(repo.join("data/organizations/china-telecom.json")).unwrap();
    sandbox.commit_all(repo, "Change the data");
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn between_two_revisions_as_json_text_and_markdown() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    sandbox.git(&repo, &["tag", "v0.1.0"]);
    change_the_data(&sandbox, &repo);

    let run = sandbox.techpact(&repo, &["diff", "v0.1.0", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let changes = json_of(&run.stdout);
    assert_eq!(changes["from"], "v0.1.0");
    assert_eq!(changes["to"], "HEAD");
    assert_eq!(
        changes["totals"],
        serde_json::json!({"added": 1, "changed": 1, "removed": 1})
    );
    let orgs = &changes["collections"][0];
    assert_eq!(orgs["collection"], "organizations");
    assert_eq!(orgs["added"], serde_json::json!(["hkust-guangzhou"]));
    assert_eq!(orgs["removed"], serde_json::json!(["china-telecom"]));
    assert_eq!(orgs["changed"][0]["id"], "hkust");
    assert_eq!(
        orgs["changed"][0]["fields"],
        serde_json::json!([{
            "pointer": "/name",
            "old": "The Hong Kong University of Science and Technology",
            "new": "Hong Kong University of Science and Technology"
        }])
    );
    // `--format` may come before the sides too.
    let before = sandbox.techpact(&repo, &["diff", "--format", "json", "v0.1.0", "HEAD"]);
    assert_eq!(before.stdout, run.stdout);

    let text = sandbox.techpact(&repo, &["diff", "v0.1.0", "HEAD"]);
    assert_eq!(text.code, 0);
    assert_eq!(
        text.stdout,
        "v0.1.0 → HEAD: 1 added, 1 changed, 1 removed\n\
         \n\
         organizations\n  \
         + hkust-guangzhou\n  \
         ~ hkust\n      \
         /name: \"The Hong Kong University of Science and Technology\" → \"Hong Kong University of Science and Technology\"\n  \
         - china-telecom\n"
    );

    let md = sandbox.techpact(&repo, &["diff", "v0.1.0", "HEAD", "--format", "markdown"]);
    assert_eq!(md.code, 0);
    for part in [
        "# Changes from v0.1.0 to HEAD\n",
        "## organizations\n",
        "Added:\n\n- `hkust-guangzhou`\n",
        "Changed:\n\n- `hkust`\n  - `/name`: `\"The Hong Kong University of Science and Technology\"` → `\"Hong Kong University of Science and Technology\"`\n",
        "Removed:\n\n- `china-telecom`\n",
    ] {
        assert!(
            md.stdout.contains(part),
            "expected {part:?} in:\n{}",
            md.stdout
        );
    }

    let same = sandbox.techpact(&repo, &["diff", "HEAD", "HEAD"]);
    assert_eq!(same.stdout, "HEAD → HEAD: no changes\n");
}

#[test]
fn a_release_writes_exactly_what_diff_prints() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_eq!(
        sandbox.techpact(&repo, &["release", "0.1.0", "--tag"]).code,
        0
    );
    std::fs::remove_dir_all(repo.join("dist")).unwrap();
    change_the_data(&sandbox, &repo);
    // A published id is permanent: the release refuses, naming it.
    let run = sandbox.techpact(&repo, &["release", "0.2.0", "--tag"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("id/removed") && said.contains("organizations/china-telecom"),
        "{said}"
    );
    sandbox.git(
        &repo,
        &[
            "checkout",
            "v0.1.0",
            "--",
            "data/organizations/china-telecom.json",
        ],
    );
    sandbox.commit_all(&repo, "Restore a published record");
    let run = sandbox.techpact(&repo, &["release", "0.2.0", "--tag"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(repo.join("dist/changes.json")).unwrap();
    let printed = sandbox.techpact(&repo, &["diff", "v0.1.0", "v0.2.0", "--format", "json"]);
    assert_eq!(printed.stdout, written);
}

#[test]
fn release_folders_and_archives_are_sides_too() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let old = sandbox.path().join("old");
    let new = sandbox.path().join("new");
    let run = sandbox.techpact(&repo, &["release", "0.1.0", "--out", old.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let base = sandbox.git(&repo, &["rev-parse", "HEAD"]);
    change_the_data(&sandbox, &repo);
    let run = sandbox.techpact(&repo, &["release", "0.1.1", "--out", new.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let by_ref = sandbox.techpact(&repo, &["diff", base.trim(), "HEAD", "--format", "json"]);
    let by_folder = sandbox.techpact(sandbox.path(), &["diff", "old", "new", "--format", "json"]);
    let by_archive = sandbox.techpact(
        &repo,
        &[
            "diff",
            "../old/techpact-data-0.1.0.tar.gz",
            "HEAD",
            "--format",
            "json",
        ],
    );
    for run in [&by_ref, &by_folder, &by_archive] {
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let collections = |r: &release_support::Run| json_of(&r.stdout)["collections"].clone();
    assert_eq!(collections(&by_folder), collections(&by_ref));
    assert_eq!(collections(&by_archive), collections(&by_ref));
    assert_eq!(json_of(&by_folder.stdout)["from"], "old");
}

#[test]
fn a_side_that_names_nothing_fails_the_run() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let run = sandbox.techpact(&repo, &["diff", "no-such-ref", "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`no-such-ref` is neither a release folder or archive nor a git revision"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_record_that_is_not_json_cannot_be_compared() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    std::fs::write(repo.join("data/organizations/broken.json"), "{ not json").unwrap();
    sandbox.commit_all(&repo, "Broken");
    let run = sandbox.techpact(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("data/organizations/broken.json in HEAD is not valid JSON"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unsafe_archive_is_not_read() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let archive = gzip(&craft_tar(&[Crafted::file("../escape.json", b"{}")]));
    std::fs::write(sandbox.path().join("evil.tar.gz"), archive).unwrap();
    let run = sandbox.techpact(&repo, &["diff", "../evil.tar.gz", "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("climbs out"), "{}", run.stderr);
    assert!(!sandbox.path().join("escape.json").exists());
}
