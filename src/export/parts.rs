//! The tables of the CSV and SQLite exports made a part at a time, so that
//! a writer can take them one part after another and never hold them all:
//! each collection's tables, then `statements` a slice of records at a
//! time, then `redirects`. The parts, in order, give every table's rows in
//! the order of `export::tables`.

use rayon::prelude::*;

use super::table::{Layout, Table, Tables};
use super::{redirects, statements};
use crate::error::Result;
use crate::model::{Collection, Record};
use crate::rules::provenance::Catalog;

/// How many records' statements one part holds. A writer holds two parts
/// at once (one written while the next is made), and a record has about
/// ten statements of eight cells: 1,024 records' are a few megabytes.
const STATEMENT_SLICE: usize = 1024;

/// One part: which rows it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Every table of a collection.
    Collection(Collection),
    /// The `statements` rows of the typed records `start..end`.
    Statements(usize, usize),
    /// The `redirects` table.
    Redirects,
}

/// The parts of the tables of `records` (aligned with the dataset's files).
pub struct Parts<'r> {
    records: &'r [Option<Record>],
    layout: Layout,
    typed: Vec<(usize, &'r Record)>,
    catalog: Catalog<'r>,
    parts: Vec<Part>,
}

impl<'r> Parts<'r> {
    /// The parts of the tables of `records`.
    pub fn new(records: &'r [Option<Record>]) -> Result<Parts<'r>> {
        Parts::sliced(records, STATEMENT_SLICE)
    }

    /// The parts of the tables of `records`, with the statements of `slice`
    /// records (at least one) in each `statements` part.
    pub fn sliced(records: &'r [Option<Record>], slice: usize) -> Result<Parts<'r>> {
        let typed: Vec<(usize, &Record)> = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.as_ref()?)))
            .collect();
        let mut parts: Vec<Part> = Collection::ALL.into_iter().map(Part::Collection).collect();
        let mut start = 0;
        while start < typed.len() {
            let end = start.saturating_add(slice.max(1)).min(typed.len());
            parts.push(Part::Statements(start, end));
            start = end;
        }
        parts.push(Part::Redirects);
        Ok(Parts {
            records,
            layout: Layout::new()?,
            catalog: Catalog::new(typed.iter().map(|(_, r)| *r))?,
            typed,
            parts,
        })
    }

    /// Every table, without rows, in the order the parts fill them.
    pub fn empty(&self) -> Tables {
        let mut tables = self.layout.tables().to_vec();
        tables.push(statements::empty());
        tables.push(redirects::empty());
        Tables { tables }
    }

    /// How many parts there are.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether there are no parts; never, since every collection is one.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The tables of part `k` with its rows. A `statements` part gives the
    /// `statements` table with the rows of its slice of records.
    pub fn get(&self, k: usize) -> Result<Vec<Table>> {
        Ok(match &self.parts[k] {
            Part::Collection(c) => self.layout.filled(*c, self.records)?,
            Part::Statements(start, end) => {
                let mut table = statements::empty();
                statements::fill(&mut table, &self.catalog, &self.typed[*start..*end]);
                vec![table]
            }
            Part::Redirects => vec![redirects::table(self.records)],
        })
    }

    /// Every table whole: the rows of every part, made in parallel, each
    /// added to its table.
    pub fn all(&self) -> Result<Tables> {
        let made: Vec<Vec<Table>> = (0..self.len())
            .into_par_iter()
            .map(|k| self.get(k))
            .collect::<Result<_>>()?;
        let mut tables = self.empty();
        for part in made {
            tables.append(part)?;
        }
        Ok(tables)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::export::statements;
    use crate::export::table::Cell;

    /// The typed records of the bundled dataset.
    fn records() -> Vec<Option<Record>> {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let outcome = crate::check::run(&data, "data", &Default::default()).unwrap();
        outcome.typed.records
    }

    #[test]
    fn parts_of_any_slice_make_the_same_tables_as_one_part() {
        let records = records();
        let whole = Parts::sliced(&records, usize::MAX).unwrap();
        let one_by_one = Parts::sliced(&records, 1).unwrap();
        let typed = records.iter().flatten().count();
        assert!(typed > 10, "{typed} records");
        // Every collection, a statements part per record, and redirects.
        assert_eq!(one_by_one.len(), Collection::ALL.len() + typed + 1);
        assert_eq!(whole.len(), Collection::ALL.len() + 2);
        let tables = whole.all().unwrap();
        assert_eq!(one_by_one.all().unwrap(), tables);
        assert_eq!(crate::export::tables(&records).unwrap(), tables);
    }

    #[test]
    fn the_statements_rows_come_in_the_order_of_the_statements() {
        let records = records();
        let tables = Parts::sliced(&records, 3).unwrap().all().unwrap();
        let table = tables
            .tables
            .iter()
            .find(|t| t.name == "statements")
            .unwrap();
        let typed: Vec<(usize, &Record)> = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.as_ref()?)))
            .collect();
        let mut expected = Vec::new();
        statements::for_each(&typed, |file, row| {
            expected.push((file, row.record, row.pointer));
            Ok(())
        })
        .unwrap();
        let got: Vec<(usize, String, String)> = table
            .rows
            .iter()
            .zip(&table.origins)
            .map(|(row, origin)| {
                let text = |c: &Cell| match c {
                    Cell::Text(s) => s.clone(),
                    other => panic!("{other:?}"),
                };
                (origin.file, text(&row[1]), text(&row[2]))
            })
            .collect();
        assert!(expected.len() > 100, "{} statements", expected.len());
        assert_eq!(got, expected);
    }
}
