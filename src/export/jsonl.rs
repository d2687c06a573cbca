//! JSON Lines: a header line `{"techpact": <stamp>}` saying where the export
//! comes from, then one record per line as `{"collection": ..., "record":
//! ...}`, ordered by collection (in `Collection::ALL` order) then id, each
//! record with its fields in canonical order; then one line per value of
//! every record, in the same order, as `{"statement": {...}}` (the
//! `statements` table).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::Stamp;
use crate::error::{Error, Result};
use crate::format;
use crate::model::{Collection, Record};

#[derive(Serialize)]
struct Line<'a> {
    collection: Collection,
    record: &'a Record,
}

#[derive(Serialize)]
struct Header<'a> {
    techpact: &'a Stamp,
}

/// The JSON Lines text of `records`, after the header line of `stamp`.
pub fn render(records: &[Option<Record>], stamp: &Stamp) -> Result<String> {
    let mut out = Vec::new();
    write_to(records, stamp, &mut out)?;
    String::from_utf8(out).map_err(|e| Error::Other(format!("JSON Lines are not UTF-8: {e}")))
}

/// Writes the JSON Lines text of `records` into `out` line by line; see `render`.
pub fn write_to(records: &[Option<Record>], stamp: &Stamp, out: &mut dyn Write) -> Result<()> {
    let mut sorted: Vec<&Record> = records.iter().flatten().collect();
    sorted.sort_by(|a, b| (a.collection(), a.id()).cmp(&(b.collection(), b.id())));
    let writing = |e: std::io::Error| Error::Other(format!("writing JSON Lines: {e}"));
    serde_json::to_writer(&mut *out, &Header { techpact: stamp })
        .map_err(|e| Error::Other(format!("the export stamp does not serialize: {e}")))?;
    out.write_all(b"\n").map_err(writing)?;
    for record in &sorted {
        let line = Line {
            collection: record.collection(),
            record,
        };
        serde_json::to_writer(&mut *out, &line).map_err(|e| {
            Error::Other(format!("record `{}` does not serialize: {e}", record.id()))
        })?;
        out.write_all(b"\n").map_err(writing)?;
    }
    let ordered: Vec<(usize, &Record)> = sorted.into_iter().enumerate().collect();
    super::statements::for_each(&ordered, |_, row| {
        serde_json::to_writer(&mut *out, &super::statements::Line { statement: &row })
            .map_err(|e| Error::Other(format!("a statement does not serialize: {e}")))?;
        out.write_all(b"\n").map_err(writing)
    })
}

/// Writes the JSON Lines export of `records` to `out`, atomically.
pub fn write(records: &[Option<Record>], stamp: &Stamp, out: &Path) -> Result<()> {
    super::parent_exists(out)?;
    if out.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is a folder; the JSONL export writes one file (or `--out -` for standard output)",
            out.display()
        )));
    }
    format::write_atomic(out, render(records, stamp)?.as_bytes())
}
