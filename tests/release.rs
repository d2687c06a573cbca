//! `techpact release`: reproducible artifacts, checksums `sha256sum` accepts,
//! a deterministic archive, annotated tags, the refusals and the schema
//! compatibility gate. Every test works in a throwaway git repository.

use crate::common;
use crate::release_support;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::assert_finding;
use release_support::{COMMIT_TIME, Sandbox, archive_files, folder_bytes, sha256};
use serde_json::Value;

const ARTIFACTS: [&str; 11] = [
    "CHANGES.md",
    "SHA256SUMS",
    "changes.json",
    "manifest.json",
    "redirects.json",
    "techpact-data-0.1.0-csv.tar.gz",
    "techpact-data-0.1.0.json",
    "techpact-data-0.1.0.jsonl",
    "techpact-data-0.1.0.sqlite",
    "techpact-data-0.1.0.tar.gz",
    "techpact-site-0.1.0.tar.gz",
];

fn release(sandbox: &Sandbox, repo: &Path, args: &[&str]) -> release_support::Run {
    let mut all = vec!["release"];
    all.extend_from_slice(args);
    sandbox.techpact(repo, &all)
}

#[test]
fn two_releases_of_the_same_commit_are_byte_identical_even_from_a_fresh_clone() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let first = sandbox.path().join("first");
    let again = sandbox.path().join("again");
    let run = release(
        &sandbox,
        &repo,
        &["0.1.0", "--out", first.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = release(
        &sandbox,
        &repo,
        &["0.1.0", "--out", again.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    // A clone has other file times and another path; the bytes must not care.
    sandbox.git(
        sandbox.path(),
        &["clone", "-q", repo.to_str().unwrap(), "clone"],
    );
    let clone = sandbox.path().join("clone");
    let run = release(&sandbox, &clone, &["0.1.0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let a = folder_bytes(&first);
    assert_eq!(a.keys().map(String::as_str).collect::<Vec<_>>(), ARTIFACTS);
    assert_eq!(a, folder_bytes(&again));
    assert_eq!(a, folder_bytes(&clone.join("dist")));
}

#[test]
fn releasing_into_the_same_folder_again_gives_the_same_bytes_and_no_leftovers() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_eq!(release(&sandbox, &repo, &["0.1.0"]).code, 0);
    let first = folder_bytes(&repo.join("dist"));
    assert_eq!(release(&sandbox, &repo, &["0.1.0"]).code, 0);
    // Same names only: no temporary file is left behind under any name.
    assert_eq!(folder_bytes(&repo.join("dist")), first);
}

#[test]
fn sha256sum_accepts_the_checksum_list() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_eq!(release(&sandbox, &repo, &["0.1.0"]).code, 0);
    let dist = repo.join("dist");
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    // Our own reading of the list: every artifact but the list itself, hashes right.
    let names: Vec<&str> = sums.lines().map(|l| &l[66..]).collect();
    assert_eq!(
        names,
        [
            "techpact-data-0.1.0.tar.gz",
            "techpact-data-0.1.0.json",
            "manifest.json",
            "CHANGES.md",
            "changes.json",
            "redirects.json",
            "techpact-data-0.1.0.jsonl",
            "techpact-data-0.1.0-csv.tar.gz",
            "techpact-data-0.1.0.sqlite",
            "techpact-site-0.1.0.tar.gz",
        ]
    );
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").unwrap();
        assert_eq!(
            hash,
            sha256(&std::fs::read(dist.join(name)).unwrap()),
            "{name}"
        );
    }
    match std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(&dist)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "sha256sum -c failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("sha256sum is not installed ({e}); checked the hashes in-process only"),
    }
}

#[test]
fn the_archive_is_sorted_ustar_with_fixed_metadata_and_a_timeless_gzip_header() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_eq!(release(&sandbox, &repo, &["0.1.0"]).code, 0);
    let archive = std::fs::read(repo.join("dist/techpact-data-0.1.0.tar.gz")).unwrap();
    assert_eq!(&archive[..3], &[0x1f, 0x8b, 8]);
    assert_eq!(archive[3], 0, "no file name or other optional gzip field");
    assert_eq!(&archive[4..8], &[0, 0, 0, 0], "no time in the gzip header");

    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive.as_slice()));
    let mut names = Vec::new();
    for entry in tar.entries().unwrap() {
        let entry = entry.unwrap();
        let h = entry.header();
        let name = String::from_utf8(h.path_bytes().to_vec()).unwrap();
        assert!(h.as_ustar().is_some(), "{name} has a ustar header");
        assert_eq!(h.mtime().unwrap(), COMMIT_TIME, "{name}");
        assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0), "{name}");
        assert_eq!(h.username().unwrap(), Some(""), "{name}");
        assert_eq!(h.groupname().unwrap(), Some(""), "{name}");
        let dir = h.entry_type() == tar::EntryType::Directory;
        assert_eq!(h.mode().unwrap(), if dir { 0o755 } else { 0o644 }, "{name}");
        names.push(name);
    }
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| {
        let parts = |s: &str| {
            s.trim_end_matches('/')
                .split('/')
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        parts(a).cmp(&parts(b))
    });
    assert_eq!(names, sorted);
    assert_eq!(names[0], "data/");
    assert!(names.contains(&"manifest.json".to_string()));
    assert!(names.contains(&"schema/organizations.schema.json".to_string()));

    if let Ok(out) = std::process::Command::new("tar")
        .args(["-tzvf", "techpact-data-0.1.0.tar.gz"])
        .env("TZ", "UTC")
        .current_dir(repo.join("dist"))
        .output()
    {
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success());
        assert_eq!(listing.lines().count(), names.len());
        for line in listing.lines() {
            assert!(line.contains(" 0/0 "), "{line}");
            assert!(line.contains("2025-04-09 08:30"), "{line}");
        }
    }
}

#[test]
fn the_manifest_describes_the_committed_files_not_the_work_tree() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let committed = std::fs::read(repo.join("data/organizations/hkust.json")).unwrap();
    // An uncommitted edit is not part of a release built from HEAD.
    std::fs::write(
        repo.join("data/organizations/hkust.json"),
        String::from_utf8(committed.clone())
            .unwrap()
            .replace("HKUST", "Changed"),
    )
    .unwrap();
    let run = release(&sandbox, &repo, &["0.1.0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("uncommitted"), "{}", run.stdout);
    let dist = repo.join("dist");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dist.join("manifest.json")).unwrap()).unwrap();
    let head = sandbox.git(&repo, &["rev-parse", "HEAD"]);
    assert_eq!(manifest["name"], "techpact-data");
    assert_eq!(manifest["version"], "0.1.0");
    assert_eq!(manifest["commit"], head.trim());
    assert_eq!(manifest["commit_time"], "2025-04-09T08:30:00Z");
    assert_eq!(manifest["commit_timestamp"], COMMIT_TIME);
    assert_eq!(
        manifest["licenses"],
        serde_json::json!({"data": "CC0-1.0", "code": "MIT OR Apache-2.0"})
    );
    assert_eq!(manifest["records"]["organizations"], 2);
    assert_eq!(manifest["records"]["sources"], 1);
    assert_eq!(manifest["records"]["labs"], 0);
    assert_eq!(
        manifest["files"]["data/organizations/hkust.json"],
        sha256(&committed)
    );
    let schema = std::fs::read(repo.join("schema/organizations.schema.json")).unwrap();
    assert_eq!(manifest["schemas"]["organizations"], sha256(&schema));

    // The archive holds the same manifest and the committed record bytes.
    let archive = std::fs::read(dist.join("techpact-data-0.1.0.tar.gz")).unwrap();
    let files = archive_files(&archive);
    let get = |p: &str| files.iter().find(|(n, _)| n == p).map(|(_, b)| b.clone());
    assert_eq!(get("data/organizations/hkust.json"), Some(committed));
    assert_eq!(
        get("manifest.json"),
        Some(std::fs::read(dist.join("manifest.json")).unwrap())
    );

    // The dataset document holds every record by collection, with the version.
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dist.join("techpact-data-0.1.0.json")).unwrap())
            .unwrap();
    assert_eq!(doc["version"], "0.1.0");
    let orgs: Vec<&str> = doc["collections"]["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(orgs, ["china-telecom", "hkust"]);
    assert_eq!(doc["collections"]["labs"], Value::Array(Vec::new()));
    // And every value with its evidence.
    let statements = doc["statements"].as_array().unwrap();
    let kind = statements
        .iter()
        .find(|s| s["record"] == "hkust" && s["pointer"] == "/kind")
        .unwrap();
    assert_eq!(kind["collection"], "organizations");
    assert_eq!(kind["level"], "inferred");
    assert_eq!(kind["reason"], "named \"University\" in the source");
    let name = statements
        .iter()
        .find(|s| s["record"] == "hkust" && s["pointer"] == "/name")
        .unwrap();
    assert_eq!(name["level"], "quoted");
    assert_eq!(name["source"], "prnewswire-china-telecom-hkust-2025-04-09");

    // First release: everything is added.
    let changes: Value =
        serde_json::from_slice(&std::fs::read(dist.join("changes.json")).unwrap()).unwrap();
    assert_eq!(changes["from"], Value::Null);
    assert_eq!(changes["totals"]["added"], 3);
    let md = std::fs::read_to_string(dist.join("CHANGES.md")).unwrap();
    assert!(md.starts_with("# techpact-data 0.1.0\n"), "{md}");
    assert!(md.contains("- `hkust`"), "{md}");
}

#[test]
fn tag_creates_an_annotated_tag_carrying_the_archive_hash_and_counts() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let run = release(&sandbox, &repo, &["0.1.0", "--tag"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        sandbox.git(&repo, &["cat-file", "-t", "v0.1.0"]).trim(),
        "tag"
    );
    let tag = sandbox.git(&repo, &["cat-file", "-p", "v0.1.0"]);
    let archive = std::fs::read(repo.join("dist/techpact-data-0.1.0.tar.gz")).unwrap();
    assert!(
        tag.contains(&format!("{}  techpact-data-0.1.0.tar.gz", sha256(&archive))),
        "{tag}"
    );
    assert!(tag.contains("records: 3 (organizations 2,"), "{tag}");
    // No identity is configured in the sandbox: the fixed fallback signs.
    assert!(
        tag.contains("tagger techpact <techpact@localhost>"),
        "{tag}"
    );
    assert_eq!(
        sandbox.git(&repo, &["rev-parse", "v0.1.0^{commit}"]),
        sandbox.git(&repo, &["rev-parse", "HEAD"])
    );
}

#[test]
fn tag_uses_the_repository_identity_when_there_is_one() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    sandbox.git(&repo, &["config", "user.name", "Release Manager"]);
    sandbox.git(&repo, &["config", "user.email", "rm@example.org"]);
    assert_eq!(release(&sandbox, &repo, &["1.0.0", "--tag"]).code, 0);
    let tag = sandbox.git(&repo, &["cat-file", "-p", "v1.0.0"]);
    assert!(
        tag.contains("tagger Release Manager <rm@example.org>"),
        "{tag}"
    );
}

/// Asserts a refused release: exit 1, the message on stderr, nothing written.
fn assert_refused(sandbox: &Sandbox, repo: &Path, args: &[&str], message: &str) {
    let run = release(sandbox, repo, args);
    assert_eq!(run.code, 1, "{args:?}: {}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("release refused"), "{}", run.stderr);
    assert!(
        run.stderr.contains(message),
        "{args:?}: expected `{message}` in:\n{}",
        run.stderr
    );
    assert!(!repo.join("dist").exists(), "{args:?} wrote dist/");
}

#[test]
fn refuses_a_version_that_is_not_semver() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_refused(&sandbox, &repo, &["v1.0.0"], "is not a semantic version");
    assert_refused(&sandbox, &repo, &["1.0"], "is not a semantic version");
}

#[test]
fn refuses_a_version_not_greater_than_the_newest_tag_and_an_existing_tag() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    sandbox.git(&repo, &["tag", "-a", "v0.2.0", "-m", "0.2.0"]);
    sandbox.git(&repo, &["tag", "v0.1.5"]);
    sandbox.git(&repo, &["tag", "not-a-version"]);
    assert_refused(&sandbox, &repo, &["0.2.0"], "the tag v0.2.0 exists already");
    assert_refused(
        &sandbox,
        &repo,
        &["0.1.9"],
        "not greater than the newest version tag v0.2.0",
    );
    assert_refused(
        &sandbox,
        &repo,
        &["0.2.0-rc.1"],
        "not greater than the newest version tag v0.2.0",
    );
    assert_eq!(release(&sandbox, &repo, &["0.2.1"]).code, 0);
}

#[test]
fn the_check_covers_the_committed_data_whatever_the_work_tree_holds() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    // A broken record git ignores, then also a committed record broken in
    // the work tree only: neither is part of the release, so it goes ahead.
    std::fs::write(repo.join(".git/info/exclude"), "scratch.json\n").unwrap();
    std::fs::write(repo.join("data/organizations/scratch.json"), "{ broken").unwrap();
    for _ in 0..2 {
        let run = release(&sandbox, &repo, &["0.1.0"]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(repo.join("dist/manifest.json")).unwrap())
                .unwrap();
        assert_eq!(manifest["records"]["organizations"], 2);
        std::fs::write(repo.join("data/organizations/hkust.json"), "{ broken").unwrap();
    }
}

#[test]
fn tag_refuses_a_dirty_work_tree() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    std::fs::write(repo.join("notes.txt"), "untracked").unwrap();
    assert_refused(&sandbox, &repo, &["0.1.0", "--tag"], "notes.txt");
    std::fs::remove_file(repo.join("notes.txt")).unwrap();
    let path = repo.join("data/sources/prnewswire-china-telecom-hkust-2025-04-09.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("press-release", "news-article")).unwrap();
    assert_refused(&sandbox, &repo, &["0.1.0", "--tag"], "uncommitted changes");
    assert!(sandbox.git(&repo, &["tag", "-l"]).is_empty());
}

#[test]
fn refuses_when_the_committed_data_has_errors_and_reports_them_located() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    std::fs::write(
        repo.join("data/organizations/bad.json"),
        "{\n  \"id\": \"bad\",\n  \"name\": \"Bad\",\n  \"kind\": \"castle\",\n  \"sources\": [\n    {\"source\": \"prnewswire-china-telecom-hkust-2025-04-09\"}\n  ]\n}\n",
    )
    .unwrap();
    sandbox.commit_all(&repo, "A bad record");
    let run = release(&sandbox, &repo, &["--format", "json", "0.1.0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the check found"), "{}", run.stderr);
    assert_finding(
        &run.findings(),
        "schema/violation",
        "data/organizations/bad.json",
        4,
        11,
        "/kind",
    );
    assert!(!repo.join("dist").exists());
}

#[test]
fn refuses_committed_schemas_that_differ_from_the_types() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let path = repo.join("schema/labs.schema.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("\"$defs\"", "\"$comment\": \"edited\",\n  \"$defs\"", 1),
    )
    .unwrap();
    sandbox.commit_all(&repo, "Edit a schema by hand");
    let run = release(&sandbox, &repo, &["--format", "json", "0.1.0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = run.findings();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "schema/stale" && f["file"] == "schema/labs.schema.json"),
        "{findings:?}"
    );
}

#[test]
fn refuses_an_output_folder_holding_other_files() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let out = sandbox.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("techpact-data-0.0.1.tar.gz"), "older").unwrap();
    let run = release(&sandbox, &repo, &["0.1.0", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("techpact-data-0.0.1.tar.gz"),
        "{}",
        run.stderr
    );
    assert_eq!(folder_bytes(&out).len(), 1);
}

#[test]
fn outside_a_repository_the_run_fails_with_status_2() {
    let sandbox = Sandbox::new();
    let plain = sandbox.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let run = release(&sandbox, &plain, &["0.1.0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no git repository"), "{}", run.stderr);
}

/// Commits a hand-widened organizations schema (plus an extra collection),
/// tags it `tag`, then commits the schemas the types generate again.
fn tag_a_wider_schema(sandbox: &Sandbox, repo: &Path, tag: &str) {
    let path = repo.join("schema/organizations.schema.json");
    let current = std::fs::read_to_string(&path).unwrap();
    let mut wide: Value = serde_json::from_str(&current).unwrap();
    wide["$defs"]["OrganizationKind"]["enum"]
        .as_array_mut()
        .unwrap()
        .push("foundation".into());
    wide["properties"]["motto"] = serde_json::json!({"type": "string"});
    wide["properties"]["aliases"]["items"]["maxLength"] = 400.into();
    std::fs::write(&path, serde_json::to_string_pretty(&wide).unwrap()).unwrap();
    std::fs::write(
        repo.join("schema/widgets.schema.json"),
        "{\"type\": \"object\"}\n",
    )
    .unwrap();
    sandbox.commit_all(repo, "A wider schema");
    sandbox.git(repo, &["tag", "-a", tag, "-m", tag]);
    std::fs::write(&path, current).unwrap();
    std::fs::remove_file(repo.join("schema/widgets.schema.json")).unwrap();
    sandbox.commit_all(repo, "Narrow the schema again");
}

#[test]
fn a_breaking_schema_change_needs_a_major_bump_and_every_change_is_listed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    tag_a_wider_schema(&sandbox, &repo, "v1.0.0");
    let run = release(&sandbox, &repo, &["1.1.0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for line in [
        "organizations /$defs/OrganizationKind/enum: value \"foundation\" removed",
        "organizations /properties/motto: property `motto` removed",
        "organizations /properties/aliases/items/maxLength: `maxLength` lowered from 400 to 300",
        "widgets /: collection removed",
        "release 2.0.0 (or later) instead",
    ] {
        assert!(
            run.stderr.contains(line),
            "expected `{line}` in:\n{}",
            run.stderr
        );
    }
    assert!(!repo.join("dist").exists());
    let run = release(&sandbox, &repo, &["2.0.0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn while_at_0_x_a_minor_bump_is_enough_for_a_breaking_change() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    tag_a_wider_schema(&sandbox, &repo, "v0.3.0");
    let run = release(&sandbox, &repo, &["0.3.1"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("release 0.4.0 (or later)"),
        "{}",
        run.stderr
    );
    assert_eq!(release(&sandbox, &repo, &["0.4.0"]).code, 0);
}

#[test]
fn a_compatible_schema_change_allows_a_minor_bump() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    // The previous release lacked an optional property: adding it only widens.
    let path = repo.join("schema/organizations.schema.json");
    let current = std::fs::read_to_string(&path).unwrap();
    let mut narrow: Value = serde_json::from_str(&current).unwrap();
    narrow["properties"].as_object_mut().unwrap().remove("note");
    std::fs::write(&path, serde_json::to_string_pretty(&narrow).unwrap()).unwrap();
    sandbox.commit_all(&repo, "Before `note`");
    sandbox.git(&repo, &["tag", "-a", "v1.0.0", "-m", "1.0.0"]);
    std::fs::write(&path, current).unwrap();
    sandbox.commit_all(&repo, "Add `note`");
    let run = release(&sandbox, &repo, &["1.1.0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn changes_since_the_previous_tag_are_written() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_eq!(release(&sandbox, &repo, &["0.1.0", "--tag"]).code, 0);
    std::fs::remove_dir_all(repo.join("dist")).unwrap();
    let path = repo.join("data/organizations/hkust.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("\"university\"", "\"research-institute\""),
    )
    .unwrap();
    sandbox.commit_all(&repo, "Change a kind");
    let run = release(&sandbox, &repo, &["0.1.1", "--tag"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dist = repo.join("dist");
    let changes: Value =
        serde_json::from_slice(&std::fs::read(dist.join("changes.json")).unwrap()).unwrap();
    assert_eq!(changes["from"], "v0.1.0");
    assert_eq!(changes["to"], "v0.1.1");
    let field = &changes["collections"][0]["changed"][0]["fields"][0];
    assert_eq!(field["pointer"], "/kind");
    assert_eq!(field["old"], "university");
    assert_eq!(field["new"], "research-institute");
    let md = std::fs::read_to_string(dist.join("CHANGES.md")).unwrap();
    assert!(
        md.contains("- `/kind`: `\"university\"` → `\"research-institute\"`"),
        "{md}"
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dist.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["previous"], "v0.1.0");
    let mut body = String::new();
    std::fs::File::open(dist.join("CHANGES.md"))
        .unwrap()
        .read_to_string(&mut body)
        .unwrap();
    assert!(body.contains("Changes from v0.1.0 to v0.1.1: 0 added, 1 changed, 0 removed."));
}

#[test]
fn a_release_ships_the_site_csv_sqlite_and_json_lines() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_eq!(release(&sandbox, &repo, &["0.1.0"]).code, 0);
    let dist = repo.join("dist");
    let records: Vec<String> = std::fs::read_dir(repo.join("data"))
        .unwrap()
        .flat_map(|c| {
            let c = c.unwrap().path();
            let name = c.file_name().unwrap().to_string_lossy().into_owned();
            std::fs::read_dir(&c).unwrap().map(move |f| {
                let f = f.unwrap().path();
                format!("{name}/{}", f.file_stem().unwrap().to_string_lossy())
            })
        })
        .collect();
    let site_files =
        archive_files(&std::fs::read(dist.join("techpact-site-0.1.0.tar.gz")).unwrap());
    let site: Vec<String> = site_files.iter().map(|(n, _)| n.clone()).collect();
    // The released site says which version it is and lists the release in its feed.
    let text = |name: &str| {
        let (_, bytes) = site_files.iter().find(|(n, _)| n == name).unwrap();
        String::from_utf8(bytes.clone()).unwrap()
    };
    assert!(text("techpact-site-0.1.0/index.html").contains("techpact 0.1.0, commit"));
    assert!(text("techpact-site-0.1.0/feed.xml").contains("<id>urn:techpact:release:v0.1.0</id>"));
    for page in ["index.html", "network.html", "timeline.html", "feed.xml"] {
        assert!(
            site.contains(&format!("techpact-site-0.1.0/{page}")),
            "{page}: {site:?}"
        );
    }
    for r in &records {
        assert!(
            site.contains(&format!("techpact-site-0.1.0/{r}.html")),
            "{r}"
        );
    }
    let csv: Vec<String> =
        archive_files(&std::fs::read(dist.join("techpact-data-0.1.0-csv.tar.gz")).unwrap())
            .into_iter()
            .map(|(n, _)| n)
            .collect();
    assert!(
        csv.contains(&"techpact-data-0.1.0-csv/datapackage.json".to_string()),
        "{csv:?}"
    );
    assert!(
        csv.contains(&"techpact-data-0.1.0-csv/organizations.csv".to_string()),
        "{csv:?}"
    );
    let jsonl = std::fs::read_to_string(dist.join("techpact-data-0.1.0.jsonl")).unwrap();
    for r in &records {
        let id = r.rsplit('/').next().unwrap();
        assert!(
            jsonl.contains(&format!("\"id\":\"{id}\"")),
            "{r} not in the JSON Lines"
        );
    }
    let sqlite = std::fs::read(dist.join("techpact-data-0.1.0.sqlite")).unwrap();
    assert!(sqlite.starts_with(b"SQLite format 3\0"));
    // The manifest lists each with its hash.
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dist.join("manifest.json")).unwrap())
            .unwrap();
    for name in [
        "techpact-data-0.1.0.jsonl",
        "techpact-data-0.1.0-csv.tar.gz",
        "techpact-data-0.1.0.sqlite",
        "techpact-site-0.1.0.tar.gz",
    ] {
        assert_eq!(
            manifest["artifacts"][name].as_str(),
            Some(sha256(&std::fs::read(dist.join(name)).unwrap()).as_str()),
            "{name}"
        );
    }
    let verify = sandbox.techpact(&repo, &["verify", "dist"]);
    assert_eq!(verify.code, 0, "{}", verify.stdout);
}

#[test]
fn one_thread_or_two_give_the_same_bytes() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "2"] {
        let out = sandbox.path().join(format!("out-{}", outputs.len()));
        let mut command =
            common::command(&repo, &["release", "0.1.0", "--out", out.to_str().unwrap()]);
        command
            .env("HOME", sandbox.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TMPDIR", sandbox.tmp())
            .env("RAYON_NUM_THREADS", threads);
        let run = common::run(command);
        assert_eq!(run.code, 0, "{}", run.stderr);
        outputs.push(folder_bytes(&out));
    }
    assert_eq!(
        outputs[0].keys().map(String::as_str).collect::<Vec<_>>(),
        ARTIFACTS
    );
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[1], outputs[2]);
    // Every archive is one gzip member holding the whole tar.
    for (name, bytes) in &outputs[0] {
        if name.ends_with(".tar.gz") {
            assert!(!archive_files(bytes).is_empty(), "{name}");
        }
    }
}

#[test]
fn a_release_holds_the_tables_of_an_export() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    assert_eq!(release(&sandbox, &repo, &["0.1.0"]).code, 0);
    let export = sandbox.path().join("export");
    let run = sandbox.techpact(
        &repo,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let exported = folder_bytes(&export);
    let released: BTreeMap<String, Vec<u8>> =
        archive_files(&std::fs::read(repo.join("dist/techpact-data-0.1.0-csv.tar.gz")).unwrap())
            .into_iter()
            .filter_map(|(name, bytes)| {
                Some((
                    name.strip_prefix("techpact-data-0.1.0-csv/")?.to_string(),
                    bytes,
                ))
            })
            .collect();
    // Every table, `statements` and `redirects` with them, byte for byte;
    // only the descriptor's stamp differs.
    for name in ["statements.csv", "redirects.csv", "organizations.csv"] {
        assert!(exported.contains_key(name), "{name}: {:?}", exported.keys());
    }
    let tables = |files: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .filter(|(name, _)| name.ends_with(".csv"))
            .map(|(n, b)| (n.clone(), b.clone()))
            .collect()
    };
    assert_eq!(tables(&released), tables(&exported));
}
