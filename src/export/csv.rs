//! CSV: one file per table, and a Data Package (v2) `datapackage.json` that
//! describes every table with its columns, primary key and foreign keys, so
//! `frictionless validate DIR/datapackage.json` can check the export and
//! consumers can load it with any Frictionless tool.
//!
//! Cells are plain text; an empty cell is a missing value (no text field of
//! the model can be empty). Lines end with `\n`.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::Stamp;
use super::table::{ColumnType, Table, Tables};
use crate::error::{Error, Result};
use crate::format;

/// The file name of the package descriptor.
pub const DESCRIPTOR: &str = "datapackage.json";

/// The CSV text of one table.
pub fn render(table: &Table) -> Result<String> {
    let mut bytes = Vec::new();
    write_to(table, &mut bytes)?;
    String::from_utf8(bytes)
        .map_err(|e| Error::Other(format!("table `{}` is not UTF-8: {e}", table.name)))
}

/// Writes the CSV text of one table into `out`, row by row.
pub fn write_to(table: &Table, out: &mut dyn std::io::Write) -> Result<()> {
    write_rows(table, true, out)
}

/// Writes the rows of `table` as CSV into `out`, after its header when
/// `header` is set.
fn write_rows(table: &Table, header: bool, out: &mut dyn std::io::Write) -> Result<()> {
    let mut writer = ::csv::WriterBuilder::new().from_writer(out);
    let failed =
        |e: ::csv::Error| Error::Other(format!("writing table `{}` as CSV: {e}", table.name));
    if header {
        writer
            .write_record(table.columns.iter().map(|c| c.name.as_str()))
            .map_err(failed)?;
    }
    for row in &table.rows {
        writer
            .write_record(row.iter().map(|c| match c.to_text() {
                Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                Cow::Owned(text) => Cow::Owned(text.into_bytes()),
            }))
            .map_err(failed)?;
    }
    writer
        .flush()
        .map_err(|e| Error::Other(format!("writing table `{}` as CSV: {e}", table.name)))
}

/// The CSV files of tables whose rows come a part at a time, written into
/// a folder as they come: each file gets its table's header when the spool
/// is made, and the rows of every part of its table appended in turn.
pub struct Spool {
    files: Vec<Spooled>,
}

/// One table's file in a spool.
struct Spooled {
    table: String,
    path: PathBuf,
    file: std::io::BufWriter<fs::File>,
}

impl Spool {
    /// A spool in the existing folder `dir` for every table of `tables`,
    /// each file holding its header.
    pub fn new(dir: &Path, tables: &Tables) -> Result<Spool> {
        let mut files = Vec::new();
        for table in &tables.tables {
            let path = dir.join(format!("{}.csv", table.name));
            let file = fs::File::create_new(&path).map_err(|e| Error::io("creating", &path, e))?;
            let mut file = std::io::BufWriter::new(file);
            write_rows(table, true, &mut file)?;
            files.push(Spooled {
                table: table.name.clone(),
                path,
                file,
            });
        }
        Ok(Spool { files })
    }

    /// Appends the rows of `part` to the file of the table of its name.
    pub fn append(&mut self, part: &Table) -> Result<()> {
        let Some(spooled) = self.files.iter_mut().find(|f| f.table == part.name) else {
            return Err(Error::Other(format!(
                "table `{}` has no file in the CSV spool",
                part.name
            )));
        };
        write_rows(part, false, &mut spooled.file)
    }

    /// Every file written out, in the order of the tables: its table's
    /// name and its path.
    pub fn finish(self) -> Result<Vec<(String, PathBuf)>> {
        self.files
            .into_iter()
            .map(|mut f| {
                std::io::Write::flush(&mut f.file).map_err(|e| Error::io("writing", &f.path, e))?;
                Ok((f.table, f.path))
            })
            .collect()
    }
}

/// The Data Package (v2) descriptor of `tables`, stamped with `stamp`.
pub fn descriptor(tables: &Tables, stamp: &Stamp) -> Value {
    let resources: Vec<Value> = tables.tables.iter().map(resource).collect();
    let mut package = Map::new();
    package.insert(
        "$schema".into(),
        json!("https://datapackage.org/profiles/2.0/datapackage.json"),
    );
    package.insert("name".into(), json!("techpact"));
    package.insert(
        "title".into(),
        json!("techpact: industry–academia partnerships in AI and quantum technology"),
    );
    package.insert("description".into(), json!("The techpact dataset as related tables: one table per collection (one row per record) and one per list field (one row per item, keyed by the record's id and the item's position). Reference columns end in `_id` and are foreign keys. Quotes are short excerpts of third-party texts, cited for verification; they remain their authors'."));
    if let Some(version) = &stamp.version {
        package.insert("version".into(), json!(version));
    }
    if let Some(created) = &stamp.created {
        package.insert("created".into(), json!(created));
    }
    package.insert(
        "licenses".into(),
        json!([{
            "name": stamp.license,
            "path": "https://creativecommons.org/publicdomain/zero/1.0/",
            "title": "Creative Commons Zero v1.0 Universal",
        }]),
    );
    let mut origin = Map::new();
    if let Some(commit) = &stamp.commit {
        origin.insert("commit".into(), json!(commit));
    }
    origin.insert("generator".into(), json!(stamp.generator));
    package.insert("techpact".into(), Value::Object(origin));
    package.insert("resources".into(), Value::Array(resources));
    Value::Object(package)
}

/// A JSON Schema `pattern` (found anywhere in the value unless anchored) as
/// a Table Schema `pattern` (which must match the whole value).
fn whole_value_pattern(pattern: &str) -> String {
    match pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')) {
        Some(anchored) => anchored.to_string(),
        None => format!("[\\s\\S]*(?:{pattern})[\\s\\S]*"),
    }
}

fn resource(table: &Table) -> Value {
    let fields: Vec<Value> = table
        .columns
        .iter()
        .map(|c| {
            let mut field = Map::new();
            field.insert("name".into(), Value::from(c.name.as_str()));
            field.insert(
                "type".into(),
                Value::from(match c.kind {
                    ColumnType::String => "string",
                    ColumnType::Integer => "integer",
                    ColumnType::Number => "number",
                    ColumnType::Boolean => "boolean",
                }),
            );
            if c.kind == ColumnType::Boolean {
                field.insert("trueValues".into(), json!(["true"]));
                field.insert("falseValues".into(), json!(["false"]));
            }
            field.insert("description".into(), Value::from(c.description.as_str()));
            let mut constraints = Map::new();
            if c.required {
                constraints.insert("required".into(), Value::Bool(true));
            }
            if !c.values.is_empty() {
                constraints.insert("enum".into(), json!(c.values));
            }
            for (keyword, value) in &c.constraints {
                let value = match (*keyword, value.as_str()) {
                    ("pattern", Some(p)) => json!(whole_value_pattern(p)),
                    _ => value.clone(),
                };
                constraints.insert((*keyword).into(), value);
            }
            if !constraints.is_empty() {
                field.insert("constraints".into(), Value::Object(constraints));
            }
            Value::Object(field)
        })
        .collect();
    let mut foreign_keys: Vec<Value> = table
        .foreign_keys
        .iter()
        .map(|fk| json!({"fields": fk.columns, "reference": {"resource": fk.table, "fields": fk.target}}))
        .collect();
    for column in &table.columns {
        if let Some(target) = column.references {
            foreign_keys.push(json!({
                "fields": [column.name],
                "reference": {"resource": super::table::table_name(target), "fields": ["id"]},
            }));
        }
    }
    json!({
        "name": table.name,
        "type": "table",
        "path": format!("{}.csv", table.name),
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
            "fields": fields,
            "primaryKey": table.primary_key,
            "foreignKeys": foreign_keys,
            "missingValues": [""],
        },
    })
}

/// Writes every table as `<table>.csv`, and `datapackage.json`, into a new
/// folder beside `out`, then swaps it into place: `out` holds either the
/// previous export or this one, whole, and never a table the descriptor
/// does not name. An existing `out` must be empty or an earlier CSV export,
/// since it is replaced. Returns the files written.
pub fn write(tables: &Tables, stamp: &Stamp, out: &Path) -> Result<Vec<PathBuf>> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is a file; the CSV export writes into a folder",
            out.display()
        )));
    }
    super::parent_exists(out)?;
    // Any but `*.csv` files and the descriptor is not the export's own.
    let foreign =
        crate::format::foreign_entries(out, |name| name == DESCRIPTOR || name.ends_with(".csv"))?;
    if !foreign.is_empty() {
        return Err(Error::Usage(format!(
            "`{}` holds files a CSV export does not write ({}); the export replaces the whole folder, so give a new or empty folder, or an earlier export",
            out.display(),
            foreign.join(", ")
        )));
    }
    let tmp = format::temporary_folder_beside(out)?;
    let mut written = Vec::new();
    for table in &tables.tables {
        let name = format!("{}.csv", table.name);
        write_new(&tmp.path().join(&name), render(table)?.as_bytes())?;
        written.push(out.join(name));
    }
    write_new(
        &tmp.path().join(DESCRIPTOR),
        format::to_canonical_string(&descriptor(tables, stamp)).as_bytes(),
    )?;
    written.push(out.join(DESCRIPTOR));
    format::replace_folder(tmp, out)?;
    Ok(written)
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| Error::io("writing", path, e))
}
