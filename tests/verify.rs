//! `techpact verify`: each tampered release folder and each crafted archive
//! is refused with the right code and location, and nothing is written
//! outside the private temporary folder (every run's `TMPDIR` lies inside a
//! sandbox whose files are compared before and after).

use crate::common;
use crate::release_support;

use std::path::PathBuf;

use common::assert_finding;
use release_support::{Crafted, Run, Sandbox, archive_files, craft_tar, gzip, position_of, sha256};
use serde_json::Value;

const ARCHIVE: &str = "techpact-data-0.1.0.tar.gz";

/// A sandbox holding a real release 0.1.0 in `dist/` (cwd-relative `dist`).
struct Released {
    sandbox: Sandbox,
    dist: PathBuf,
    /// The regular files of the real archive, in order.
    files: Vec<(String, Vec<u8>)>,
}

impl Released {
    fn new() -> Released {
        let sandbox = Sandbox::new();
        let repo = sandbox.repo("repo");
        let run = sandbox.techpact(&repo, &["release", "0.1.0"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let dist = sandbox.path().join("dist");
        std::fs::rename(repo.join("dist"), &dist).unwrap();
        std::fs::create_dir_all(sandbox.path().join("in")).unwrap();
        let files = archive_files(&std::fs::read(dist.join(ARCHIVE)).unwrap());
        Released {
            sandbox,
            dist,
            files,
        }
    }

    fn manifest_text(&self) -> String {
        String::from_utf8(self.file("manifest.json")).unwrap()
    }

    fn file(&self, path: &str) -> Vec<u8> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| panic!("{path} not in the archive"))
    }

    /// Runs `verify` on `arg` (relative to the sandbox) and checks that the
    /// sandbox, temporary folder included, holds exactly what it held before.
    fn verify(&self, arg: &str) -> Run {
        let before = self.sandbox.files();
        let run = self
            .sandbox
            .techpact(self.sandbox.path(), &["verify", "--format", "json", arg]);
        let after = self.sandbox.files();
        let changed: Vec<_> = after
            .keys()
            .chain(before.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        assert!(changed.is_empty(), "verify wrote {changed:?}");
        assert_eq!(
            std::fs::read_dir(self.sandbox.tmp()).unwrap().count(),
            0,
            "the temporary folder is left behind"
        );
        run
    }

    /// Runs `verify ARG --previous PREVIOUS`, both relative to the sandbox.
    fn verify_with_previous(&self, arg: &str, previous: &str) -> Run {
        self.sandbox.techpact(
            self.sandbox.path(),
            &["verify", "--format", "json", arg, "--previous", previous],
        )
    }

    /// Writes `archive` as a lone archive and verifies it; returns the run
    /// and the displayed archive path.
    fn verify_archive(&self, archive: &[u8]) -> (Run, String) {
        let arg = format!("in/{ARCHIVE}");
        std::fs::write(self.sandbox.path().join(&arg), archive).unwrap();
        (self.verify(&arg), arg)
    }

    /// The real files, with `edit` applied, packed with ordinary headers.
    fn repack(&self, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
        let mut files = self.files.clone();
        edit(&mut files);
        let mut builder = tar::Builder::new(Vec::new());
        for (path, body) in &files {
            let mut h = tar::Header::new_ustar();
            h.set_path(path).unwrap();
            h.set_size(body.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            builder.append(&h, body.as_slice()).unwrap();
        }
        gzip(&builder.into_inner().unwrap())
    }

    /// The real files plus `extra`, crafted byte for byte.
    fn crafted_with(&self, extra: Crafted) -> Vec<u8> {
        let mut entries: Vec<Crafted> = self
            .files
            .iter()
            .map(|(p, b)| Crafted::file(p, b))
            .collect();
        entries.insert(1, extra);
        gzip(&craft_tar(&entries))
    }
}

fn codes(run: &Run) -> Vec<String> {
    run.findings()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The position of the value of `"key": ` in `text`.
fn value_position(text: &str, key: &str) -> (u64, u64) {
    let needle = format!("\"{key}\": ");
    position_of(text, &needle, needle.chars().count())
}

#[test]
fn a_fresh_release_verifies_as_a_folder_and_as_a_lone_archive() {
    let r = Released::new();
    let run = r.verify("dist");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings().len(), 0);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["records"], 3);
    let run = r.verify(&format!("dist/{ARCHIVE}"));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let human = r.sandbox.techpact(r.sandbox.path(), &["verify", "dist"]);
    assert_eq!(human.code, 0);
    assert_eq!(
        human.stdout,
        "ok: 11 release files and the 15 files inside the archive (3 records in the dataset), no findings\n"
    );
    let lone = r
        .sandbox
        .techpact(r.sandbox.path(), &["verify", &format!("dist/{ARCHIVE}")]);
    assert_eq!(
        lone.stdout,
        "ok: 1 release file and the 15 files inside the archive (3 records in the dataset), no findings\n"
    );
}

#[test]
fn a_flipped_byte_in_the_archive_is_a_checksum_mismatch() {
    let r = Released::new();
    let path = r.dist.join(ARCHIVE);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "release/checksum-mismatch",
        "dist/SHA256SUMS",
        1,
        1,
        "",
    );
}

#[test]
fn a_flipped_byte_in_a_loose_file_is_a_checksum_mismatch_on_its_line() {
    let r = Released::new();
    let path = r.dist.join("CHANGES.md");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[2] ^= 0x20;
    std::fs::write(&path, bytes).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_finding(
        &findings,
        "release/checksum-mismatch",
        "dist/SHA256SUMS",
        4,
        1,
        "",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
}

#[test]
fn an_extra_file_in_the_folder_is_reported() {
    let r = Released::new();
    std::fs::write(r.dist.join("notes.txt"), "hello").unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "release/extra-file",
        "dist/notes.txt",
        0,
        0,
        "",
    );
}

#[test]
fn a_missing_manifest_in_the_folder_is_a_bad_manifest() {
    let r = Released::new();
    std::fs::remove_file(r.dist.join("manifest.json")).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "release/bad-manifest",
        "dist/manifest.json",
        0,
        0,
        "",
    );
}

#[test]
fn a_missing_listed_file_is_reported_on_its_checksum_line() {
    let r = Released::new();
    std::fs::remove_file(r.dist.join("CHANGES.md")).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "release/missing-file",
        "dist/SHA256SUMS",
        4,
        67,
        "",
    );
}

#[test]
fn a_missing_checksum_list_is_reported() {
    let r = Released::new();
    std::fs::remove_file(r.dist.join("SHA256SUMS")).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_finding(
        &findings,
        "release/missing-file",
        "dist/SHA256SUMS",
        0,
        0,
        "",
    );
    // The artifacts it should have vouched for cannot be trusted.
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "release/extra-file" && f["file"] == format!("dist/{ARCHIVE}"))
    );
}

#[test]
fn a_loose_manifest_that_differs_from_the_archived_one_is_a_bad_manifest() {
    let r = Released::new();
    let text = std::fs::read_to_string(r.dist.join("manifest.json")).unwrap();
    let edited = text.replace("\"organizations\": 2", "\"organizations\": 5");
    std::fs::write(r.dist.join("manifest.json"), &edited).unwrap();
    let sums = std::fs::read_to_string(r.dist.join("SHA256SUMS")).unwrap();
    let sums = sums.replace(&sha256(text.as_bytes()), &sha256(edited.as_bytes()));
    std::fs::write(r.dist.join("SHA256SUMS"), sums).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    let (line, column) = position_of(&edited, "\"organizations\": 5", 17);
    assert_finding(
        &run.findings(),
        "release/bad-manifest",
        "dist/manifest.json",
        line,
        column,
        "",
    );
}

#[test]
fn a_dataset_document_that_differs_from_the_archive_is_a_bad_manifest() {
    let r = Released::new();
    let name = "techpact-data-0.1.0.json";
    let text = std::fs::read_to_string(r.dist.join(name)).unwrap();
    let edited = text.replace("\"HKUST\"", "\"HKUST!\"");
    std::fs::write(r.dist.join(name), &edited).unwrap();
    let sums = std::fs::read_to_string(r.dist.join("SHA256SUMS")).unwrap();
    let sums = sums.replace(&sha256(text.as_bytes()), &sha256(edited.as_bytes()));
    std::fs::write(r.dist.join("SHA256SUMS"), sums).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    let (line, column) = value_position(&edited, "organizations");
    assert_finding(
        &run.findings(),
        "release/bad-manifest",
        name,
        line,
        column,
        "/collections/organizations",
    );
}

#[test]
fn an_archive_without_a_manifest_is_a_bad_manifest() {
    let r = Released::new();
    let archive = r.repack(|files| files.retain(|(p, _)| p != "manifest.json"));
    let (run, shown) = r.verify_archive(&archive);
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "release/bad-manifest",
        &format!("{shown}/manifest.json"),
        0,
        0,
        "",
    );
}

#[test]
fn an_extra_file_in_the_archive_is_reported() {
    let r = Released::new();
    let archive = r.repack(|files| files.push(("notes/readme.txt".into(), b"hi".to_vec())));
    let (run, shown) = r.verify_archive(&archive);
    assert_eq!(run.code, 1);
    assert_finding(
        &run.findings(),
        "release/extra-file",
        &format!("{shown}/notes/readme.txt"),
        0,
        0,
        "",
    );
}

#[test]
fn a_changed_record_in_the_archive_is_a_checksum_mismatch_at_its_manifest_entry() {
    let r = Released::new();
    let archive = r.repack(|files| {
        for (path, body) in files.iter_mut() {
            if path == "data/organizations/hkust.json" {
                *body = String::from_utf8(body.clone())
                    .unwrap()
                    .replace("HKUST", "HKUST2")
                    .into_bytes();
            }
        }
    });
    let (run, shown) = r.verify_archive(&archive);
    assert_eq!(run.code, 1);
    let (line, column) = value_position(&r.manifest_text(), "data/organizations/hkust.json");
    assert_finding(
        &run.findings(),
        "release/checksum-mismatch",
        &format!("{shown}/manifest.json"),
        line,
        column,
        "/files/data~1organizations~1hkust.json",
    );
}

#[test]
fn a_record_missing_from_the_archive_is_reported_at_its_manifest_entry() {
    let r = Released::new();
    let archive = r.repack(|files| files.retain(|(p, _)| p != "data/organizations/hkust.json"));
    let (run, shown) = r.verify_archive(&archive);
    assert_eq!(run.code, 1);
    let (line, column) = value_position(&r.manifest_text(), "data/organizations/hkust.json");
    assert_finding(
        &run.findings(),
        "release/missing-file",
        &format!("{shown}/manifest.json"),
        line,
        column,
        "/files/data~1organizations~1hkust.json",
    );
}

#[test]
fn record_counts_that_disagree_with_the_listed_files_are_a_bad_manifest() {
    let r = Released::new();
    let edited = r
        .manifest_text()
        .replace("\"organizations\": 2", "\"organizations\": 7");
    let archive = r.repack(|files| {
        for (path, body) in files.iter_mut() {
            if path == "manifest.json" {
                *body = edited.clone().into_bytes();
            }
        }
    });
    let (run, shown) = r.verify_archive(&archive);
    assert_eq!(run.code, 1);
    let (line, column) = value_position(&edited, "organizations");
    assert_finding(
        &run.findings(),
        "release/bad-manifest",
        &format!("{shown}/manifest.json"),
        line,
        column,
        "/records/organizations",
    );
}

#[test]
fn the_checks_run_again_on_the_unpacked_data() {
    let r = Released::new();
    let bad = String::from_utf8(r.file("data/organizations/hkust.json"))
        .unwrap()
        .replace("\"university\"", "\"castle\"");
    let manifest = r.manifest_text().replace(
        &sha256(&r.file("data/organizations/hkust.json")),
        &sha256(bad.as_bytes()),
    );
    let archive = r.repack(|files| {
        for (path, body) in files.iter_mut() {
            match path.as_str() {
                "data/organizations/hkust.json" => *body = bad.clone().into_bytes(),
                "manifest.json" => *body = manifest.clone().into_bytes(),
                _ => {}
            }
        }
    });
    let (run, shown) = r.verify_archive(&archive);
    assert_eq!(run.code, 1, "{}", run.stdout);
    // The archive itself is sound; only the data check speaks.
    assert!(
        codes(&run).iter().all(|c| !c.starts_with("release/")),
        "{:?}",
        codes(&run)
    );
    let (line, column) = value_position(&bad, "kind");
    assert_finding(
        &run.findings(),
        "schema/violation",
        &format!("{shown}/data/organizations/hkust.json"),
        line,
        column,
        "/kind",
    );
}

/// Asserts that `entry` makes the archive refused with `code` before
/// anything is extracted.
fn assert_refused_entry(r: &Released, entry: Crafted, code: &str, message: &str) {
    let (run, shown) = r.verify_archive(&r.crafted_with(entry));
    assert_eq!(run.code, 1, "{}", run.stdout);
    let findings = run.findings();
    assert_finding(&findings, code, &shown, 0, 0, "");
    let text = findings[0]["message"].as_str().unwrap();
    assert!(text.contains(message), "{text}");
    assert!(text.contains("nothing was extracted"), "{text}");
}

#[test]
fn an_entry_climbing_out_with_dot_dot_is_refused_before_extraction() {
    let r = Released::new();
    assert_refused_entry(
        &r,
        Crafted::file("../x", b"escaped"),
        "release/unsafe-path",
        "entry `../x` climbs out",
    );
    assert!(!r.sandbox.tmp().join("x").exists());
    assert!(!r.sandbox.path().join("x").exists());
    assert_refused_entry(
        &r,
        Crafted::file("data/../../x", b"escaped"),
        "release/unsafe-path",
        "climbs out",
    );
}

#[test]
fn an_absolute_path_is_refused_before_extraction() {
    let r = Released::new();
    let target = r.sandbox.path().join("abs-target");
    assert_refused_entry(
        &r,
        Crafted::file(target.to_str().unwrap(), b"escaped"),
        "release/unsafe-path",
        "has an absolute path",
    );
    assert!(!target.exists());
}

#[test]
fn links_devices_and_fifos_are_refused_before_extraction() {
    let r = Released::new();
    use tar::EntryType;
    for (kind, what) in [
        (EntryType::Symlink, "is a symbolic link"),
        (EntryType::Link, "is a hard link"),
        (EntryType::Char, "is a character device"),
        (EntryType::Block, "is a block device"),
        (EntryType::Fifo, "is a FIFO"),
    ] {
        assert_refused_entry(
            &r,
            Crafted::special("data/organizations/evil.json", kind, Some("/etc/passwd")),
            "release/unsafe-path",
            what,
        );
    }
}

#[test]
fn a_corrupt_gzip_stream_is_a_bad_archive() {
    let r = Released::new();
    let real = std::fs::read(r.dist.join(ARCHIVE)).unwrap();
    let mut flipped = real.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    let truncated = real[..real.len() / 2].to_vec();
    for (name, bytes) in [
        ("flipped", flipped),
        ("truncated", truncated),
        ("not gzip", b"just some text\n".to_vec()),
        ("empty", Vec::new()),
    ] {
        let (run, shown) = r.verify_archive(&bytes);
        assert_eq!(run.code, 1, "{name}");
        assert_finding(&run.findings(), "release/bad-archive", &shown, 0, 0, "");
    }
}

#[test]
fn an_entry_declaring_more_than_the_limit_is_refused_as_a_bomb() {
    let r = Released::new();
    let mut bomb = Crafted::file("data/organizations/bomb.json", b"");
    bomb.declared_size = Some(2 << 30);
    let archive = gzip(&craft_tar(&[bomb]));
    let (run, shown) = r.verify_archive(&archive);
    assert_eq!(run.code, 1);
    assert_finding(&run.findings(), "release/bad-archive", &shown, 0, 0, "");
    assert!(run.stdout.contains("decompression bomb"), "{}", run.stdout);
}

#[test]
fn a_real_bomb_stops_at_the_total_limit() {
    // Through the library, with limits small enough to build the bomb fast:
    // 16 MiB of zeros in four entries, compressed to a few kilobytes.
    let sandbox = Sandbox::new();
    let zeros = vec![0u8; 4 << 20];
    let entries: Vec<Crafted> = (0..4)
        .map(|i| Crafted::file(&format!("data/z{i}"), &zeros))
        .collect();
    let archive = gzip(&craft_tar(&entries));
    assert!(archive.len() < 100 * 1024);
    let path = sandbox.path().join(ARCHIVE);
    std::fs::write(&path, &archive).unwrap();
    let limits = techpact::snapshot::Limits {
        max_total_bytes: 10 << 20,
        max_entry_bytes: 8 << 20,
        max_entries: 100,
    };
    let before = sandbox.files();
    let report = techpact::verify::verify(&path, "bomb.tar.gz", &limits, None).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(report.findings[0].code.name(), "release/bad-archive");
    assert!(report.findings[0].message.contains("decompression bomb"));
    assert_eq!(sandbox.files(), before);
}

#[test]
fn github_annotations_carry_the_code() {
    let r = Released::new();
    std::fs::write(r.dist.join("notes.txt"), "hello").unwrap();
    let run = r
        .sandbox
        .techpact(r.sandbox.path(), &["verify", "--format", "github", "dist"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("::error file=dist/notes.txt,title=release/extra-file::"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_path_that_does_not_exist_fails_the_run() {
    let r = Released::new();
    let run = r.sandbox.techpact(r.sandbox.path(), &["verify", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nowhere"), "{}", run.stderr);
}

#[test]
fn a_checksum_line_naming_a_path_outside_the_folder_is_refused() {
    let r = Released::new();
    let sums = std::fs::read_to_string(r.dist.join("SHA256SUMS")).unwrap();
    let hash = "0".repeat(64);
    std::fs::write(
        r.dist.join("SHA256SUMS"),
        format!("{sums}{hash}  ../../etc/passwd\nnot a checksum line\n"),
    )
    .unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    let findings = run.findings();
    assert_finding(
        &findings,
        "release/unsafe-path",
        "dist/SHA256SUMS",
        11,
        67,
        "",
    );
    assert_finding(
        &findings,
        "release/bad-manifest",
        "dist/SHA256SUMS",
        12,
        1,
        "",
    );
}

/// Entries after the end-of-archive blocks, which `tar -i` and Python's
/// tarfile list, were skipped and the archive passed.
#[test]
fn entries_hidden_after_the_end_of_archive_were_accepted() {
    let r = Released::new();
    let mut tar = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&std::fs::read(r.dist.join(ARCHIVE)).unwrap()[..]),
        &mut tar,
    )
    .unwrap();
    tar.extend(craft_tar(&[Crafted::file("../../evil", b"evil")]));
    let (run, shown) = r.verify_archive(&gzip(&tar));
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_finding(&run.findings(), "release/bad-archive", &shown, 0, 0, "");
}

#[test]
fn verify_with_previous_names_every_id_the_new_release_lost() {
    let r = Released::new();
    // The same release against itself loses nothing.
    let run = r.verify_with_previous("dist", "dist");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // A previous release that also published `organizations/gone`.
    let record = br#"{"id": "gone", "name": "Gone", "kind": "company"}"#.to_vec();
    let older = r.repack(|files| files.push(("data/organizations/gone.json".into(), record)));
    std::fs::write(r.sandbox.path().join("in/previous.tar.gz"), older).unwrap();
    let run = r.verify_with_previous("dist", "in/previous.tar.gz");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_finding(&findings, "id/removed", "dist", 0, 0, "");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`organizations/gone` was published in in/previous.tar.gz"),
        "{findings:?}"
    );
    // A previous side that is not a release is a usage error.
    let run = r.verify_with_previous("dist", "nowhere");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_consumer_format_that_differs_from_the_manifest_is_a_checksum_mismatch() {
    let r = Released::new();
    let name = "techpact-data-0.1.0.jsonl";
    let mut bytes = std::fs::read(r.dist.join(name)).unwrap();
    bytes.extend_from_slice(b"{}\n");
    std::fs::write(r.dist.join(name), &bytes).unwrap();
    // SHA256SUMS is rewritten to match, so only the manifest can tell.
    let sums = std::fs::read_to_string(r.dist.join("SHA256SUMS")).unwrap();
    let sums: String = sums
        .lines()
        .map(|l| {
            if l.ends_with(name) {
                format!("{}  {name}\n", sha256(&bytes))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(r.dist.join("SHA256SUMS"), sums).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let findings = run.findings();
    let hits: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "release/checksum-mismatch" && f["file"] == format!("dist/{name}"))
        .collect();
    assert_eq!(hits.len(), 1, "{findings:?}");
    assert!(
        hits[0]["message"]
            .as_str()
            .unwrap()
            .contains("the manifest says")
    );
}

#[test]
fn a_missing_consumer_format_is_a_missing_file() {
    let r = Released::new();
    std::fs::remove_file(r.dist.join("techpact-site-0.1.0.tar.gz")).unwrap();
    let run = r.verify("dist");
    assert_eq!(run.code, 1);
    assert!(
        run.findings()
            .iter()
            .any(|f| f["code"] == "release/missing-file"
                && f["message"]
                    .as_str()
                    .unwrap()
                    .contains("techpact-site-0.1.0.tar.gz")),
        "{}",
        run.stdout
    );
}
