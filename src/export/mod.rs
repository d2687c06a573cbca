//! `techpact export`: the dataset in consumer formats — JSON Lines, CSV with
//! a Frictionless data package, and SQLite.
//!
//! An export describes a checked dataset: it runs the full check first and
//! writes nothing when the check has errors, since a dangling reference would
//! break the foreign keys consumers rely on. The tables of the CSV and SQLite
//! exports come from `table`, so the two always agree. Every file is written
//! to a temporary name and renamed into place, and the same data always gives
//! the same bytes for JSON Lines, CSV and `datapackage.json`.

pub mod csv;
pub mod jsonl;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod table;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::check::{self, Outcome as Checked};
use crate::diag::{self, Code, Finding, Severity};
use crate::error::{Error, Result};
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
    /// The files written; empty when the check had errors.
    pub written: Vec<PathBuf>,
    /// Records exported.
    pub records: usize,
}

impl Outcome {
    /// Whether the export was refused because of findings.
    pub fn refused(&self) -> bool {
        self.written.is_empty()
    }
}

/// Checks the dataset in `dir` (shown as `display`) and, when it has no
/// errors, exports it as `target` to `out`.
pub fn run(dir: &Path, display: &str, target: Target, out: &Path) -> Result<Outcome> {
    let mut checked = check::run(dir, display, &check::Options::default())?;
    let records = checked.typed.records.iter().flatten().count();
    if has_errors(&checked.findings) {
        return Ok(Outcome {
            checked,
            written: Vec::new(),
            records,
        });
    }
    let tables = table::tables(&checked.typed.records)?;
    let dangling = dangling_references(&checked, &tables);
    if !dangling.is_empty() {
        checked.findings.extend(dangling);
        diag::normalize(&mut checked.findings);
        return Ok(Outcome {
            checked,
            written: Vec::new(),
            records,
        });
    }
    let written = match target {
        Target::Jsonl => {
            jsonl::write(&checked.typed.records, out)?;
            vec![out.to_path_buf()]
        }
        Target::Csv | Target::Sqlite => write_tables(target, &tables, out)?,
    };
    Ok(Outcome {
        checked,
        written,
        records,
    })
}

fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

#[cfg(feature = "sqlite")]
fn write_tables(target: Target, tables: &Tables, out: &Path) -> Result<Vec<PathBuf>> {
    match target {
        Target::Sqlite => {
            sqlite::write(tables, out)?;
            Ok(vec![out.to_path_buf()])
        }
        _ => csv::write(tables, out),
    }
}

#[cfg(not(feature = "sqlite"))]
fn write_tables(target: Target, tables: &Tables, out: &Path) -> Result<Vec<PathBuf>> {
    match target {
        Target::Sqlite => Err(Error::Usage(
            "this build of techpact has no SQLite export; build it with the default `sqlite` feature".into(),
        )),
        _ => csv::write(tables, out),
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
