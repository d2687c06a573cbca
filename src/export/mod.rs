//! `techpact export`: the dataset in consumer formats — JSON Lines, CSV with
//! a Frictionless data package, and SQLite.
//!
//! An export describes a checked dataset: it runs the full check first and
//! writes nothing when the check has errors, since a dangling reference would
//! break the foreign keys consumers rely on. The tables of the CSV and SQLite
//! exports come from `table`, made a part at a time by `parts`, so the two
//! always agree. Every file is written to a temporary name and renamed into
//! place, and the same data always gives the same bytes for JSON Lines, CSV
//! and `datapackage.json`. Besides one
//! table per collection and list field, CSV and SQLite carry `statements`
//! (the evidence of every value) and `redirects` (every withdrawn id).

pub mod csv;
pub mod jsonl;
mod parts;
pub mod redirects;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod statements;
pub mod table;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::{self, Outcome as Checked};
use crate::diag::{self, Code, Finding, Severity};
use crate::error::{Error, Result};
pub use parts::Parts;
use table::{Cell, Tables};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One JSON document per line: `{"collection": ..., "record": ...}`.
    Jsonl,
    /// One CSV file per table, with `datapackage.json`.
    Csv,
    /// One SQLite database file.
    Sqlite,
}

/// The result of an export.
#[derive(Debug)]
pub struct Outcome {
    /// The check that ran first.
    pub checked: Checked,
    /// The files written; empty when the check had errors or the export
    /// went to standard output.
    pub written: Vec<PathBuf>,
    /// The export itself, when `--out -` asked for standard output (JSONL only).
    pub stdout: Option<String>,
    /// Records exported.
    pub records: usize,
}

impl Outcome {
    /// Whether the export was refused because of findings.
    pub fn refused(&self) -> bool {
        self.written.is_empty() && self.stdout.is_none()
    }
}

/// What `--out` names standard output with.
pub const STDOUT: &str = "-";

/// Where an export comes from, written into every format (the JSON Lines
/// header line, the SQLite `metadata` table, `datapackage.json`) so that a
/// consumer can tell which data it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stamp {
    /// The release version, when the export is part of a release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The git commit checked out where the data lives (`HEAD`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// That commit's time, RFC 3339 in UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The program that wrote the export: `techpact <version>`.
    pub generator: String,
    /// The data's licence (SPDX).
    pub license: &'static str,
}

/// The licence of the data, as an SPDX identifier.
pub const DATA_LICENSE: &str = "CC0-1.0";

impl Stamp {
    /// The stamp of the data in `dir`: the `HEAD` commit of the repository
    /// holding it, when there is one; no version.
    pub fn of_repository(dir: &Path) -> Stamp {
        let head = crate::git::releases::discover(dir)
            .ok()
            .and_then(|repo| crate::git::releases::commit(&repo, "HEAD").ok());
        Stamp {
            version: None,
            commit: head.as_ref().map(|c| c.id.clone()),
            created: head.as_ref().map(|c| crate::format::rfc3339_utc(c.time)),
            generator: format!("techpact {}", env!("CARGO_PKG_VERSION")),
            license: DATA_LICENSE,
        }
    }

    /// The stamp as `(key, value)` pairs, absent values left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(v) = &self.version {
            pairs.push(("version", v.clone()));
        }
        if let Some(c) = &self.commit {
            pairs.push(("commit", c.clone()));
        }
        if let Some(c) = &self.created {
            pairs.push(("created", c.clone()));
        }
        pairs.push(("generator", self.generator.clone()));
        pairs.push(("license", self.license.to_string()));
        pairs
    }
}

/// Checks the dataset in `dir` (shown as `display`) and, when it has no
/// errors, exports it as `target` to `out`, stamped with `stamp`; `out` is
/// `-` for standard output, which only JSON Lines (one stream) can use.
pub fn run(
    dir: &Path,
    display: &str,
    target: Target,
    out: &Path,
    stamp: &Stamp,
) -> Result<Outcome> {
    let to_stdout = out == Path::new(STDOUT);
    if to_stdout && target != Target::Jsonl {
        return Err(Error::Usage(
            "only `--format jsonl` can be written to standard output (`--out -`); CSV is a folder and SQLite a file".into(),
        ));
    }
    let mut checked = check::run(dir, display, &check::Options::default())?;
    let records = checked.typed.records.iter().flatten().count();
    if has_errors(&checked.findings) {
        return Ok(Outcome {
            checked,
            written: Vec::new(),
            stdout: None,
            records,
        });
    }
    let tables = tables(&checked.typed.records)?;
    let dangling = dangling_references(&checked, &tables);
    if !dangling.is_empty() {
        checked.findings.extend(dangling);
        diag::normalize(&mut checked.findings);
        return Ok(Outcome {
            checked,
            written: Vec::new(),
            stdout: None,
            records,
        });
    }
    let (written, stdout) = match target {
        Target::Jsonl if to_stdout => (
            Vec::new(),
            Some(jsonl::render(&checked.typed.records, stamp)?),
        ),
        Target::Jsonl => {
            jsonl::write(&checked.typed.records, stamp, out)?;
            (vec![out.to_path_buf()], None)
        }
        Target::Csv | Target::Sqlite => (write_tables(target, &tables, stamp, out)?, None),
    };
    Ok(Outcome {
        checked,
        written,
        stdout,
        records,
    })
}

/// Every table of the CSV and SQLite exports of `records` (aligned with the
/// dataset's files): one per collection and list field, then `statements`
/// and `redirects`. A release's CSV and SQLite hold the same.
pub fn tables(records: &[Option<crate::model::Record>]) -> Result<Tables> {
    Parts::new(records)?.all()
}

fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

#[cfg(feature = "sqlite")]
fn write_tables(
    target: Target,
    tables: &Tables,
    stamp: &Stamp,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    match target {
        Target::Sqlite => {
            sqlite::write(tables, stamp, out)?;
            Ok(vec![out.to_path_buf()])
        }
        _ => csv::write(tables, stamp, out),
    }
}

#[cfg(not(feature = "sqlite"))]
fn write_tables(
    target: Target,
    tables: &Tables,
    stamp: &Stamp,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    match target {
        Target::Sqlite => Err(Error::Usage(
            "this build of techpact has no SQLite export; build it with the default `sqlite` feature".into(),
        )),
        _ => csv::write(tables, stamp, out),
    }
}

/// `ref/dangling` for every reference cell naming no row of its target
/// table. The check reports these first; this guards the foreign keys of an
/// export even when it does not.
fn dangling_references(checked: &Checked, tables: &Tables) -> Vec<Finding> {
    let ids: HashMap<&str, HashSet<&str>> = tables
        .tables
        .iter()
        .filter(|t| t.is_main())
        .map(|t| {
            let ids = t
                .rows
                .iter()
                .filter_map(|row| match &row[0] {
                    Cell::Text(id) => Some(id.as_str()),
                    _ => None,
                })
                .collect();
            (t.name.as_str(), ids)
        })
        .collect();
    let mut findings = Vec::new();
    for t in &tables.tables {
        for (c, column) in t.columns.iter().enumerate() {
            let Some(target) = column.references else {
                continue;
            };
            let known = &ids[table::table_name(target).as_str()];
            for (r, row) in t.rows.iter().enumerate() {
                let Cell::Text(id) = &row[c] else { continue };
                if known.contains(id.as_str()) {
                    continue;
                }
                let file = &checked.dataset.files[t.origins[r].file];
                let pointer = t.pointer(r, c).unwrap_or_default();
                findings.push(file.finding(
                    Code::RefDangling,
                    &pointer,
                    format!("`{id}` names no record in `{target}`"),
                ));
            }
        }
    }
    findings
}

/// Refuses an output path whose parent folder does not exist.
fn parent_exists(out: &Path) -> Result<()> {
    match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() && !parent.is_dir() => {
            Err(Error::Usage(format!(
                "cannot write `{}`: the folder `{}` does not exist",
                out.display(),
                parent.display()
            )))
        }
        _ => Ok(()),
    }
}
