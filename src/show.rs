//! `techpact show <collection>/<id>`: a record value by value, each with its
//! evidence — the quote that states it, the citation that supports it, or
//! the inference and its reason.
//!
//! It reads only the record and the records it references (whose names a
//! quote may use for a reference), and computes the same statements the
//! coverage rule and the exports read.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::load::{self, Listed};
use crate::model::Record;
use crate::refs::{self, RecordName, RefFields};
use crate::report::visible;
use crate::rules::provenance::{self, Level, Row};
use crate::validate::{self, Validators};

/// A record with the evidence of each value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shown {
    /// The record.
    pub record: RecordName,
    /// Its file.
    pub file: String,
    /// Each value with its evidence, in the order of the file.
    pub statements: Vec<Row>,
}

/// The record `name` of the data directory `dir` (shown as `display`) with
/// the evidence of each value. An unknown record, or one that breaks its
/// schema, is a usage error that says what to do.
pub fn show(dir: &Path, display: &str, name: &RecordName) -> Result<Shown> {
    let listing = load::list(dir, display)?;
    let find = |collection, id: &str| {
        listing
            .records
            .iter()
            .find(|l| l.collection == collection && l.stem == id)
    };
    let Some(listed) = find(name.collection, &name.id) else {
        return Err(refs::unknown_record(&listing, name));
    };
    let validators = Validators::new()?;
    let fields = RefFields::for_run()?;
    let typed = |listed: &[&Listed]| -> Vec<(load::RecordFile, Option<Record>)> {
        load::read(listed)
            .0
            .into_iter()
            .map(|file| {
                let record = validate::validate_file(&file, &validators).1;
                (file, record)
            })
            .collect()
    };
    let Some((file, Some(record))) = typed(&[listed]).into_iter().next() else {
        return Err(Error::Usage(format!(
            "`{}/{}` does not pass its schema; `techpact check` says where",
            name.collection, name.id
        )));
    };
    let refs = fields.extract_file(&file);
    let targets: Vec<&Listed> = refs.iter().filter_map(|r| find(r.target, &r.id)).collect();
    let referenced = typed(&targets);
    let catalog = provenance::Catalog::new(
        referenced
            .iter()
            .filter_map(|(_, r)| r.as_ref())
            .chain([&record]),
    )?;
    let mut statements: Vec<(crate::span::Position, Row)> = catalog
        .statements(&record)
        .into_iter()
        .map(|s| (file.at(&s.pointer), s.row(&record)))
        .collect();
    statements.sort_by_key(|(at, _)| *at);
    Ok(Shown {
        record: name.clone(),
        file: file.path.clone(),
        statements: statements.into_iter().map(|(_, row)| row).collect(),
    })
}

impl Shown {
    /// For people: the counts by level, then each value with its evidence.
    /// Values, quotes and reasons may hold line breaks, tabs and other
    /// control characters the schema lets through, so every piece of data
    /// goes through `report::visible`.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}/{}  ({})",
            self.record.collection,
            visible(&self.record.id),
            visible(&self.file)
        );
        let counts: Vec<String> = Level::ALL
            .iter()
            .filter_map(|level| {
                let n = self.statements.iter().filter(|s| s.level == *level).count();
                (n > 0).then(|| format!("{n} {}", level.name()))
            })
            .collect();
        let _ = writeln!(
            out,
            "{} values: {}\n",
            self.statements.len(),
            counts.join(", ")
        );
        let width = self
            .statements
            .iter()
            .map(|s| visible(&s.pointer).chars().count())
            .max()
            .unwrap_or(0);
        for s in &self.statements {
            let _ = writeln!(
                out,
                "{:<width$}  {}",
                visible(&s.pointer),
                visible(&s.value.to_string())
            );
            let evidence = match s.level {
                Level::Quoted | Level::Cited => {
                    let source = s.source.as_deref().unwrap_or_default();
                    match &s.quote {
                        Some(quote) => format!("{source}: \u{201c}{quote}\u{201d}"),
                        None => source.to_string(),
                    }
                }
                Level::Inferred => s.reason.clone().unwrap_or_default(),
                Level::Own => "the source's description of itself".to_string(),
                Level::Uncovered => {
                    "no quote states it, no citation supports it, no inference covers it"
                        .to_string()
                }
            };
            let _ = writeln!(
                out,
                "{:<width$}  {:<9} {}",
                "",
                s.level.name(),
                visible(&evidence)
            );
        }
        out
    }

    /// One JSON document with a trailing newline.
    pub fn to_json(&self) -> String {
        crate::report::document(self)
    }
}
