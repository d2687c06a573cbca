//! `techpact stats`: counts that describe a checked dataset, for consumers
//! and for reviewers of a change.
//!
//! - records per collection;
//! - records per source: how many records cite each source (a record citing
//!   a source twice counts once);
//! - records per year, by each record's *primary date* (`primary_date`): the
//!   one date that says when the thing it describes happened; records
//!   without one are counted as undated;
//! - references per collection: how many reference values point into each
//!   collection, counted over the same tables the exports write;
//! - evidence per collection: how many values are quoted, cited, inferred,
//!   a source's own (`self`) or uncovered, from the statements the
//!   provenance rule reads.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::error::Result;
use crate::export::table;
use crate::model::{Collection, FactValue, PartialDate, Record};
use crate::report::visible;
use crate::rules::provenance::{Catalog, Level};

/// How many records cite one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    /// The source's id.
    pub source: String,
    /// Records citing it.
    pub records: usize,
}

/// The records whose primary date falls in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearCount {
    /// The year.
    pub year: u16,
    /// Records dated in it.
    pub records: usize,
    /// The same, per collection (collections with none left out).
    pub collections: BTreeMap<Collection, usize>,
}

/// The statistics of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Records per collection, every collection listed.
    pub records: BTreeMap<Collection, usize>,
    /// All records.
    pub total: usize,
    /// Records citing each source, most cited first, then by id.
    pub sources: Vec<SourceCount>,
    /// Records per year of their primary date, oldest first.
    pub years: Vec<YearCount>,
    /// Records without a primary date, per collection (collections with none left out).
    pub undated: BTreeMap<Collection, usize>,
    /// Reference values pointing into each collection, every collection listed.
    pub references: BTreeMap<Collection, usize>,
    /// Values per collection and level of evidence, every collection listed.
    pub evidence: BTreeMap<Collection, Coverage>,
}

/// The values of one collection by level of evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Every value that needs evidence or is a source's own.
    pub values: usize,
    /// Values per level, every level listed.
    pub levels: BTreeMap<Level, usize>,
    /// Values with evidence: every level but `uncovered`.
    pub covered: usize,
}

impl Coverage {
    /// The share of values with evidence, in tenths of a percent.
    fn permille(&self) -> usize {
        match self.values {
            0 => 1000,
            n => self.covered * 1000 / n,
        }
    }
}

/// Values per collection and level of evidence.
fn coverage(typed: &[&Record]) -> Result<BTreeMap<Collection, Coverage>> {
    let catalog = Catalog::new(typed.iter().copied())?;
    let mut out: BTreeMap<Collection, Coverage> = Collection::ALL
        .iter()
        .map(|c| {
            let levels = Level::ALL.iter().map(|l| (*l, 0)).collect();
            (
                *c,
                Coverage {
                    levels,
                    ..Coverage::default()
                },
            )
        })
        .collect();
    for record in typed {
        let entry = out.entry(record.collection()).or_default();
        for statement in catalog.statements(record) {
            entry.values += 1;
            *entry.levels.entry(statement.level).or_default() += 1;
        }
    }
    for c in out.values_mut() {
        c.covered = c.values - c.levels.get(&Level::Uncovered).copied().unwrap_or(0);
    }
    Ok(out)
}

/// The date that places a record in time, if it has one:
/// - organization: `founded`;
/// - partnership: `signed`, else `announced`, else `start`;
/// - lab: `established`, else `announced`;
/// - talent programme: `announced`;
/// - product: `launched`;
/// - event: `start`;
/// - series: `first_held`;
/// - fact: its value's `date` (milestone) or `as_of` (quantity, rank);
/// - source: `published`;
/// - people and places have none.
pub fn primary_date(record: &Record) -> Option<&PartialDate> {
    match record {
        Record::Organization(r) => r.founded.as_ref(),
        Record::Person(_) | Record::Place(_) | Record::Withdrawn(_) => None,
        Record::Partnership(r) => r
            .signed
            .as_ref()
            .or(r.announced.as_ref())
            .or(r.start.as_ref()),
        Record::Lab(r) => r.established.as_ref().or(r.announced.as_ref()),
        Record::TalentProgram(r) => r.announced.as_ref(),
        Record::Product(r) => r.launched.as_ref(),
        Record::Event(r) => r.start.as_ref(),
        Record::Series(r) => r.first_held.as_ref(),
        Record::Fact(r) => match &r.value {
            Some(FactValue::Milestone { date, .. }) => Some(date),
            Some(FactValue::Quantity { as_of, .. } | FactValue::Rank { as_of, .. }) => {
                as_of.as_ref()
            }
            None => None,
        },
        Record::Source(r) => r.published.as_ref(),
    }
}

/// Computes the statistics of the typed records of a dataset.
pub fn compute(records: &[Option<Record>]) -> Result<Stats> {
    let typed: Vec<&Record> = records.iter().flatten().collect();
    let mut per_collection: BTreeMap<Collection, usize> =
        Collection::ALL.iter().map(|c| (*c, 0)).collect();
    let mut cited: BTreeMap<String, usize> = BTreeMap::new();
    let mut years: BTreeMap<u16, BTreeMap<Collection, usize>> = BTreeMap::new();
    let mut undated: BTreeMap<Collection, usize> = BTreeMap::new();
    for record in &typed {
        *per_collection.entry(record.collection()).or_default() += 1;
        if let Record::Source(source) = record {
            cited.entry(source.id.as_str().to_string()).or_default();
        }
        let mut sources: Vec<&str> = record
            .citations()
            .iter()
            .map(|c| c.source.as_str())
            .collect();
        sources.sort_unstable();
        sources.dedup();
        for source in sources {
            *cited.entry(source.to_string()).or_default() += 1;
        }
        match primary_date(record).and_then(|d| d.as_str().get(..4)?.parse::<u16>().ok()) {
            Some(year) => {
                *years
                    .entry(year)
                    .or_default()
                    .entry(record.collection())
                    .or_default() += 1
            }
            None => *undated.entry(record.collection()).or_default() += 1,
        }
    }
    let mut sources: Vec<SourceCount> = cited
        .into_iter()
        .map(|(source, records)| SourceCount { source, records })
        .collect();
    sources.sort_by(|a, b| {
        b.records
            .cmp(&a.records)
            .then_with(|| a.source.cmp(&b.source))
    });
    let mut references: BTreeMap<Collection, usize> =
        Collection::ALL.iter().map(|c| (*c, 0)).collect();
    for t in table::tables(records)?.tables {
        for (i, column) in t.columns.iter().enumerate() {
            if let Some(target) = column.references {
                *references.entry(target).or_default() += t
                    .rows
                    .iter()
                    .filter(|row| row[i] != table::Cell::Null)
                    .count();
            }
        }
    }
    Ok(Stats {
        records: per_collection,
        total: typed.len(),
        sources,
        years: years
            .into_iter()
            .map(|(year, collections)| YearCount {
                year,
                records: collections.values().sum(),
                collections,
            })
            .collect(),
        undated,
        references,
        evidence: coverage(&typed)?,
    })
}

/// "people 4, places 4"
fn breakdown(counts: &BTreeMap<Collection, usize>) -> String {
    counts
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Stats {
    /// The statistics as one JSON document with a trailing newline.
    pub fn to_json(&self) -> String {
        let out = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| unreachable!("statistics always serialize: {e}"));
        crate::report::json_for_terminal(out + "\n")
    }

    /// The statistics as aligned text for people.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let width = Collection::ALL
            .iter()
            .map(|c| c.dir_name().len())
            .max()
            .unwrap_or(0);
        let source_width = self
            .sources
            .iter()
            .map(|s| visible(&s.source).chars().count())
            .max()
            .unwrap_or(0);
        let _ = writeln!(out, "Records per collection");
        for (collection, n) in &self.records {
            let _ = writeln!(out, "  {:<width$}  {n:>5}", collection.dir_name());
        }
        let _ = writeln!(out, "  {:<width$}  {:>5}", "total", self.total);
        let _ = writeln!(out, "\nRecords citing each source");
        for s in &self.sources {
            let _ = writeln!(
                out,
                "  {:<source_width$}  {:>5}",
                visible(&s.source),
                s.records
            );
        }
        let _ = writeln!(out, "\nRecords per year of their primary date");
        for y in &self.years {
            let _ = writeln!(
                out,
                "  {:<width$}  {:>5}  {}",
                y.year,
                y.records,
                breakdown(&y.collections)
            );
        }
        let undated: usize = self.undated.values().sum();
        let _ = writeln!(
            out,
            "  {:<width$}  {undated:>5}  {}",
            "undated",
            breakdown(&self.undated)
        );
        let _ = writeln!(out, "\nReferences into each collection");
        for (collection, n) in &self.references {
            let _ = writeln!(out, "  {:<width$}  {n:>5}", collection.dir_name());
        }
        let _ = write!(out, "\nEvidence per value\n  {:<width$}  values", "");
        for level in Level::ALL {
            let _ = write!(out, "  {:>9}", level.name());
        }
        let _ = writeln!(out, "  covered");
        let mut total = Coverage::default();
        for c in self.evidence.values() {
            total.values += c.values;
            total.covered += c.covered;
            for (level, n) in &c.levels {
                *total.levels.entry(*level).or_default() += n;
            }
        }
        let rows = self.evidence.iter().map(|(c, v)| (c.dir_name(), v));
        for (name, c) in rows.chain([("total", &total)]) {
            let _ = write!(out, "  {name:<width$}  {:>6}", c.values);
            for level in Level::ALL {
                let _ = write!(out, "  {:>9}", c.levels.get(&level).copied().unwrap_or(0));
            }
            let permille = c.permille();
            let _ = writeln!(out, "  {:>5}.{}%", permille / 10, permille % 10);
        }
        out
    }
}
