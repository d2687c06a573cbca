//! The `statements` table: one row per value of every record, with its
//! evidence — the level, the source and quote that state it, or the reason
//! an editor inferred it. The rows come from the provenance rule's
//! statements, so the exports say what `techpact show` and `check` say.

use rayon::prelude::*;
use serde::Serialize;

use super::table::{Cell, Column, ColumnType, Origin, Table};
use crate::error::Result;
use crate::model::{Collection, Record};
use crate::rules::provenance::{Catalog, Level, Row};

/// Calls `each` with the statements of `records` as rows, by record (in the
/// order given) then value, each with its record's index as given with it.
/// No more than one record's rows are held at once.
pub fn for_each(
    records: &[(usize, &Record)],
    mut each: impl FnMut(usize, Row) -> Result<()>,
) -> Result<()> {
    let catalog = Catalog::new(records.iter().map(|(_, r)| *r))?;
    for &(i, record) in records {
        for statement in catalog.statements(record) {
            each(i, statement.row(record))?;
        }
    }
    Ok(())
}

/// The statements of records as a JSON array that is written as it is
/// made, as `for_each` gives them.
pub struct Sequence<'a>(pub &'a [(usize, &'a Record)]);

impl Serialize for Sequence<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = serializer.serialize_seq(None)?;
        let mut failed = None;
        for_each(self.0, |_, row| {
            seq.serialize_element(&row).map_err(|e| {
                let message = e.to_string();
                failed = Some(e);
                crate::error::Error::Other(message)
            })
        })
        .map_err(|e| failed.take().unwrap_or_else(|| S::Error::custom(e)))?;
        seq.end()
    }
}

/// A `statements` row as one JSON Lines object: `{"statement": {...}}`.
#[derive(Serialize)]
pub struct Line<'a> {
    /// The row.
    pub statement: &'a Row,
}

fn column(name: &str, required: bool, description: &str) -> Column {
    Column::new(name, ColumnType::String, required, description)
}

/// The `statements` table, without rows.
pub fn empty() -> Table {
    let mut collection = column("collection", true, "The collection of the record.");
    collection.values = Collection::ALL
        .iter()
        .map(|c| c.dir_name().to_string())
        .collect();
    let mut level = column(
        "level",
        true,
        "How the value is backed: quoted (a quote states it), cited (a citation's `supports` covers it), inferred (an editor derived it, see `reason`), self (a source's description of itself) or uncovered.",
    );
    level.values = Level::ALL.iter().map(|l| l.name().to_string()).collect();
    let mut source = column(
        "source_id",
        false,
        "The source whose quote states the value or whose citation supports it.",
    );
    source.references = Some(Collection::Sources);
    let columns = vec![
        collection,
        column(
            "record_id",
            true,
            "The id of the record, a row of the table named by `collection`.",
        ),
        column(
            "pointer",
            true,
            "Where the value sits in the record: a JSON pointer.",
        ),
        column(
            "value",
            true,
            "The value as text: strings as they are, numbers and truth values as JSON writes them.",
        ),
        level,
        source,
        column(
            "quote",
            false,
            "The quote that states the value, or the supporting citation's quote.",
        ),
        column("reason", false, "Why an editor inferred the value."),
    ];
    Table {
        name: "statements".into(),
        description: "One row per value of every record, with its evidence: the level, the source and quote that state it, or the reason an editor inferred it.".into(),
        collection: None,
        columns,
        primary_key: vec!["collection".into(), "record_id".into(), "pointer".into()],
        foreign_keys: Vec::new(),
        rows: Vec::new(),
        origins: Vec::new(),
    }
}

/// Adds to `table` the rows of the statements of `records`, each given with
/// its index in the dataset's files, by record then value. The records'
/// statements are made in parallel.
pub fn fill(table: &mut Table, catalog: &Catalog<'_>, records: &[(usize, &Record)]) {
    let text = |s: Option<String>| s.map_or(Cell::Null, Cell::Text);
    let made: Vec<Vec<(Origin, Vec<Cell>)>> = records
        .par_iter()
        .map(|&(file, record)| {
            catalog
                .statements(record)
                .into_iter()
                .map(|statement| {
                    let row = statement.row(record);
                    let value = match row.value {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    let origin = Origin {
                        file,
                        pointer: row.pointer.clone(),
                    };
                    let cells = vec![
                        Cell::Text(row.collection.dir_name().to_string()),
                        Cell::Text(row.record),
                        Cell::Text(row.pointer),
                        Cell::Text(value),
                        Cell::Text(row.level.name().to_string()),
                        text(row.source),
                        text(row.quote),
                        text(row.reason),
                    ];
                    (origin, cells)
                })
                .collect()
        })
        .collect();
    for (origin, cells) in made.into_iter().flatten() {
        table.origins.push(origin);
        table.rows.push(cells);
    }
}
