//! Shared helpers for the integration tests: run the real `techpact` binary
//! and read its JSON findings.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Every collection folder, written out here so that the tests do not take
/// the list from the code they test.
pub const COLLECTIONS: [&str; 11] = [
    "organizations",
    "people",
    "places",
    "partnerships",
    "labs",
    "talent-programs",
    "products",
    "events",
    "series",
    "facts",
    "sources",
];

/// The output of one run of the binary.
pub struct Run {
    /// The exit status.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as the `--format json` document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// The findings of a `--format json` run.
    pub fn findings(&self) -> Vec<Value> {
        self.json()["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// The `techpact` binary, to run with `args` in `cwd`, without colour.
pub fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_techpact"));
    command.args(args).current_dir(cwd).env("NO_COLOR", "1");
    command
}

/// Runs `command` to the end and collects what it printed.
pub fn run(mut command: Command) -> Run {
    let out = command.output().expect("the techpact binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `techpact` with `args` in `cwd`.
pub fn techpact(cwd: &Path, args: &[&str]) -> Run {
    run(command(cwd, args))
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of the tools the tests compare techpact's output with
/// (`venv/bin` holds Frictionless, check-jsonschema and a Python with
/// jsonschema; `node_modules` holds Ajv), installed by
/// `tests/peers/install` on first use. A failed install fails the test
/// that asked, with the installer's output: no test is skipped.
pub fn peers() -> &'static Path {
    static PEERS: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PEERS.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("tests/peers/install"))
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "tests/peers/install could not install the tools the tests compare with \
             (it needs python3, npm and their registries):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        root().join("target/peers")
    })
}

/// A command of the peers' Python environment: `frictionless`,
/// `check-jsonschema` or `python`.
pub fn peer_command(name: &str) -> Command {
    Command::new(peers().join("venv/bin").join(name))
}

/// A fixture folder under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Copies the tree at `from` into `to`, which must not exist yet.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary folder holding a copy of the golden dataset as `data/`, with
/// the overlay `tests/fixtures/codes/<name>/data` copied on top.
pub fn dataset_with(overlay: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("golden/data"), &dir.path().join("data"));
    if let Some(name) = overlay {
        copy_tree(
            &fixture(&format!("codes/{name}/data")),
            &dir.path().join("data"),
        );
    }
    dir
}

/// Asserts that `findings` hold exactly one finding of `code` in a file whose
/// path ends with `file`, at `line`:`column` and `pointer`.
pub fn assert_finding(
    findings: &[Value],
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    pointer: &str,
) {
    let matching: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == code && f["file"].as_str().is_some_and(|p| p.ends_with(file)))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one {code} in {file}, got {}:\n{}",
        matching.len(),
        serde_json::to_string_pretty(findings).unwrap()
    );
    let f = matching[0];
    assert_eq!(
        (
            f["line"].as_u64(),
            f["column"].as_u64(),
            f["pointer"].as_str()
        ),
        (Some(line), Some(column), Some(pointer)),
        "location of {code} in {file}: {f}"
    );
}

/// Like `assert_finding`, among the findings at `pointer` only: for a file
/// with several findings of one code.
pub fn assert_finding_at(
    findings: &[Value],
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    pointer: &str,
) {
    let at: Vec<Value> = findings
        .iter()
        .filter(|f| f["pointer"] == pointer)
        .cloned()
        .collect();
    assert_finding(&at, code, file, line, column, pointer);
}
