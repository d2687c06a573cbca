//! JSON Lines: one record per line as `{"collection": ..., "record": ...}`,
//! ordered by collection (in `Collection::ALL` order) then id, each record
//! with its fields in canonical order.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::format;
use crate::model::{Collection, Record};

#[derive(Serialize)]
struct Line<'a> {
    collection: Collection,
    record: &'a Record,
}

/// The JSON Lines text of `records`.
pub fn render(records: &[Option<Record>]) -> Result<String> {
    let mut sorted: Vec<&Record> = records.iter().flatten().collect();
    sorted.sort_by(|a, b| (a.collection(), a.id()).cmp(&(b.collection(), b.id())));
    let mut out = String::new();
    for record in sorted {
        let line = Line {
            collection: record.collection(),
            record,
        };
        let text = serde_json::to_string(&line).map_err(|e| {
            Error::Other(format!("record `{}` does not serialize: {e}", record.id()))
        })?;
        out.push_str(&text);
        out.push('\n');
    }
    Ok(out)
}

/// Writes the JSON Lines export of `records` to `out`, atomically.
pub fn write(records: &[Option<Record>], out: &Path) -> Result<()> {
    super::parent_exists(out)?;
    format::write_atomic(out, render(records)?.as_bytes())
}
