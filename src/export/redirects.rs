//! The `redirects` table: one row per withdrawn record, with the record to
//! use instead at the end of its successor chain, as a release's
//! `redirects.json` says. A consumer holding an old id joins it here.

use std::collections::HashMap;

use super::table::{Cell, Column, ColumnType, Origin, Table};
use crate::model::{Collection, End, Record, Status, follow};

fn column(name: &str, required: bool, description: &str) -> Column {
    Column::new(name, ColumnType::String, required, description)
}

/// The `redirects` table, without rows.
pub fn empty() -> Table {
    let mut collection = column(
        "collection",
        true,
        "The collection of the withdrawn record.",
    );
    collection.values = Collection::ALL
        .iter()
        .map(|c| c.dir_name().to_string())
        .collect();
    let columns = vec![
        collection,
        column(
            "id",
            true,
            "The withdrawn id, a row of the table named by `collection`.",
        ),
        column(
            "successor_id",
            false,
            "The record to use instead, in the same collection, at the end of the successor chain; empty when nothing replaces it.",
        ),
        column(
            "date",
            true,
            "When it was withdrawn: YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        column("reason", true, "Why it was withdrawn."),
    ];
    Table {
        name: "redirects".into(),
        description: "Every withdrawn record with the record that replaces it: follow `successor_id` to the id to use now.".into(),
        collection: None,
        columns,
        primary_key: vec!["collection".into(), "id".into()],
        foreign_keys: Vec::new(),
        rows: Vec::new(),
        origins: Vec::new(),
    }
}

/// The `redirects` table of `records` (aligned with the dataset's files).
pub fn table(records: &[Option<Record>]) -> Table {
    let mut table = empty();
    let by_key: HashMap<(Collection, &str), &Record> = records
        .iter()
        .flatten()
        .map(|r| ((r.collection(), r.id()), r))
        .collect();
    for (file, record) in records.iter().enumerate() {
        let Some(record) = record else { continue };
        let Some(withdrawal) = record.withdrawn() else {
            continue;
        };
        let collection = record.collection();
        let status = |id: &str| match by_key.get(&(collection, id)) {
            None => Status::Absent,
            Some(r) => match r.withdrawn() {
                None => Status::Current,
                Some(w) => Status::Withdrawn(w.successor),
            },
        };
        let successor = match follow(record.id(), status).1 {
            End::Current(to) => Cell::Text(to.to_string()),
            End::Dropped(_) | End::Missing(_) | End::Loop(_) => Cell::Null,
        };
        table.origins.push(Origin {
            file,
            pointer: "/withdrawn".into(),
        });
        table.rows.push(vec![
            Cell::Text(collection.dir_name().to_string()),
            Cell::Text(record.id().to_string()),
            successor,
            Cell::Text(withdrawal.date.as_str().to_string()),
            Cell::Text(withdrawal.reason.as_str().to_string()),
        ]);
    }
    table
}
