//! Helpers for the release, verify and diff tests: throwaway git
//! repositories built from a fixture, runs of the binary with a private
//! `HOME` and `TMPDIR`, and crafted tar entries. It builds on `common`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use crate::common::Run;
use crate::common::{command, copy_tree, fixture, run};

/// The commit time every test commit carries: 2025-04-09T08:30:00Z.
pub const COMMIT_TIME: u64 = 1_744_187_400;
const COMMIT_DATE: &str = "2025-04-09T08:30:00+0000";

/// A private folder for one test: `home/`, `tmp/` and whatever the test adds.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// A fresh sandbox.
    pub fn new() -> Sandbox {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        Sandbox { dir }
    }

    /// The sandbox root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The folder the binary's `TMPDIR` points at.
    pub fn tmp(&self) -> PathBuf {
        self.path().join("tmp")
    }

    /// Runs `techpact` in `cwd` with a private `HOME` (so no user git
    /// identity leaks in) and `TMPDIR`.
    pub fn techpact(&self, cwd: &Path, args: &[&str]) -> Run {
        let mut command = command(cwd, args);
        command
            .env("HOME", self.path().join("home"))
            .env("XDG_CONFIG_HOME", self.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TMPDIR", self.tmp());
        run(command)
    }

    /// Runs `git` in `cwd` with a fixed identity and date; panics on failure.
    pub fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(cwd)
            .env("HOME", self.path().join("home"))
            .env("XDG_CONFIG_HOME", self.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.org")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.org")
            .env("GIT_AUTHOR_DATE", COMMIT_DATE)
            .env("GIT_COMMITTER_DATE", COMMIT_DATE)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A git repository at `<sandbox>/<name>` holding the `release-valid`
    /// fixture's data, the generated schemas and a `.gitignore` for `dist/`,
    /// committed once.
    pub fn repo(&self, name: &str) -> PathBuf {
        let repo = self.path().join(name);
        copy_tree(&fixture("release-valid"), &repo);
        std::fs::write(repo.join(".gitignore"), "dist/\n").unwrap();
        let run = self.techpact(&repo, &["schema", "--dir", "schema"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        self.git(&repo, &["init", "-q", "-b", "main"]);
        self.commit_all(&repo, "Initial data");
        repo
    }

    /// Commits every change in `repo`.
    pub fn commit_all(&self, repo: &Path, message: &str) {
        self.git(repo, &["add", "-A"]);
        self.git(repo, &["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// Every file under the sandbox with its bytes, for before/after comparisons.
    pub fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        list(self.path(), &mut out);
        out
    }
}

fn list(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            out.insert(entry.path(), b"<dir>".to_vec());
            list(&entry.path(), out);
        } else if kind.is_symlink() {
            out.insert(entry.path(), b"<symlink>".to_vec());
        } else {
            out.insert(entry.path(), std::fs::read(entry.path()).unwrap());
        }
    }
}

/// Every file of a folder by name.
pub fn folder_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// One entry of an archive a test builds by hand.
pub struct Crafted {
    /// The raw name bytes, written as they are (no checks).
    pub name: Vec<u8>,
    /// The entry type.
    pub kind: tar::EntryType,
    /// The content.
    pub body: Vec<u8>,
    /// The link target, for links.
    pub link: Option<Vec<u8>>,
    /// A size to declare instead of the body's length.
    pub declared_size: Option<u64>,
}

impl Crafted {
    /// A regular file.
    pub fn file(name: &str, body: &[u8]) -> Crafted {
        Crafted {
            name: name.as_bytes().to_vec(),
            kind: tar::EntryType::Regular,
            body: body.to_vec(),
            link: None,
            declared_size: None,
        }
    }

    /// An entry of another type, empty.
    pub fn special(name: &str, kind: tar::EntryType, link: Option<&str>) -> Crafted {
        Crafted {
            name: name.as_bytes().to_vec(),
            kind,
            body: Vec::new(),
            link: link.map(|l| l.as_bytes().to_vec()),
            declared_size: None,
        }
    }
}

/// A tar stream of `entries` with old-style headers whose names are set
/// byte for byte, so unsafe names survive (the `tar` crate refuses to write them).
pub fn craft_tar(entries: &[Crafted]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let mut header = tar::Header::new_old();
        {
            let old = header.as_old_mut();
            old.name[..e.name.len()].copy_from_slice(&e.name);
            if let Some(link) = &e.link {
                old.linkname[..link.len()].copy_from_slice(link);
            }
        }
        header.set_entry_type(e.kind);
        header.set_mode(0o644);
        header.set_size(e.declared_size.unwrap_or(e.body.len() as u64));
        header.set_mtime(0);
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        if e.declared_size.is_none() {
            out.extend_from_slice(&e.body);
            let pad = (512 - e.body.len() % 512) % 512;
            out.extend(std::iter::repeat_n(0u8, pad));
        }
    }
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

/// `bytes` gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The regular files of a release archive, in order, as (path, bytes).
pub fn archive_files(archive: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let path = String::from_utf8(entry.path_bytes().to_vec()).unwrap();
        let mut body = Vec::new();
        entry.read_to_end(&mut body).unwrap();
        out.push((path, body));
    }
    out
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    techpact::evidence::sha256_hex(bytes)
}

/// The 1-based (line, column) of the first occurrence of `needle` in `text`,
/// plus `shift` characters.
pub fn position_of(text: &str, needle: &str, shift: usize) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in:\n{text}"));
    let line = text[..at].matches('\n').count() as u64 + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let column = text[start..at].chars().count() + shift + 1;
    (line, column as u64)
}
