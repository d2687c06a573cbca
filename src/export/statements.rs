//! The `statements` table: one row per value of every record, with its
//! evidence — the level, the source and quote that state it, or the reason
//! an editor inferred it. The rows come from the provenance rule's
//! statements, so the exports say what `techpact show` and `check` say.

use serde::Serialize;

use super::table::{Cell, Column, ColumnType, Origin, Table};
use crate::error::Result;
use crate::model::{Collection, Record};
use crate::rules::provenance::{Catalog, Level, Row};

/// The statements of `records` as rows, by record (in the order given)
/// then value, each with its record's index as given with it.
pub fn rows(records: &[(usize, &Record)]) -> Result<Vec<(usize, Row)>> {
    let catalog = Catalog::new(records.iter().map(|(_, r)| *r))?;
    Ok(records
        .iter()
        .flat_map(|&(i, record)| {
            catalog
                .statements(record)
                .into_iter()
                .map(move |s| (i, s.row(record)))
        })
        .collect())
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

/// The `statements` table of `records` (aligned with the dataset's files).
pub fn table(records: &[Option<Record>]) -> Result<Table> {
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
    let text = |s: Option<String>| s.map_or(Cell::Null, Cell::Text);
    let mut table = Table {
        name: "statements".into(),
        description: "One row per value of every record, with its evidence: the level, the source and quote that state it, or the reason an editor inferred it.".into(),
        collection: None,
        columns,
        primary_key: vec!["collection".into(), "record_id".into(), "pointer".into()],
        foreign_keys: Vec::new(),
        rows: Vec::new(),
        origins: Vec::new(),
    };
    let typed: Vec<(usize, &Record)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.as_ref()?)))
        .collect();
    for (file, row) in rows(&typed)? {
        let value = match row.value {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        table.origins.push(Origin {
            file,
            pointer: row.pointer.clone(),
        });
        table.rows.push(vec![
            Cell::Text(row.collection.dir_name().to_string()),
            Cell::Text(row.record),
            Cell::Text(row.pointer),
            Cell::Text(value),
            Cell::Text(row.level.name().to_string()),
            text(row.source),
            text(row.quote),
            text(row.reason),
        ]);
    }
    Ok(table)
}
