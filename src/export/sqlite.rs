//! SQLite: the tables of `table` in one database file, with their primary
//! keys, foreign keys (`PRAGMA foreign_key_check` finds nothing), `NOT NULL`
//! on required columns, `CHECK` constraints on enumerations and booleans, and
//! an index on every reference column.
//!
//! The database is built in a temporary file beside `out` and renamed into
//! place once complete, so `out` is never a half-written database. Foreign
//! keys are enforced, deferred to the commit, which fails on any dangling key.
//!
//! The table `metadata` (`key`, `value`) says where the export comes from
//! (version, commit, created, generator, license), and `PRAGMA user_version`
//! is the layout version of the tables, `LAYOUT_VERSION`.

use std::path::Path;

use rusqlite::types::{ToSqlOutput, Value as Sql, ValueRef};
use rusqlite::{Connection, params_from_iter};

use super::Stamp;
use super::table::{Cell, ColumnType, Table, Tables, table_name};
use crate::error::{Error, Result};

/// The version of the table layout, as `PRAGMA user_version`.
pub const LAYOUT_VERSION: u32 = 1;

/// The name of the table that holds the export's stamp.
pub const METADATA_TABLE: &str = "metadata";

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The `CREATE TABLE` and `CREATE INDEX` statements of one table.
pub fn schema(table: &Table) -> String {
    let mut parts: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            let name = quote(&c.name);
            let mut definition = format!(
                "{name} {}",
                match c.kind {
                    ColumnType::String => "TEXT",
                    ColumnType::Integer | ColumnType::Boolean => "INTEGER",
                    ColumnType::Number => "NUMERIC",
                }
            );
            if c.required {
                definition.push_str(" NOT NULL");
            }
            if c.kind == ColumnType::Boolean {
                definition.push_str(&format!(" CHECK ({name} IN (0, 1))"));
            }
            if !c.values.is_empty() {
                let values: Vec<String> = c.values.iter().map(|v| literal(v)).collect();
                definition.push_str(&format!(" CHECK ({name} IN ({}))", values.join(", ")));
            }
            definition
        })
        .collect();
    let columns = |names: &[String]| {
        names
            .iter()
            .map(|n| quote(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    parts.push(format!("PRIMARY KEY ({})", columns(&table.primary_key)));
    for fk in &table.foreign_keys {
        parts.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            columns(&fk.columns),
            quote(&fk.table),
            columns(&fk.target)
        ));
    }
    let mut sql = String::new();
    for c in table.columns.iter().filter(|c| c.references.is_some()) {
        let target = table_name(c.references.unwrap_or_else(|| unreachable!("filtered")));
        parts.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} (\"id\")",
            quote(&c.name),
            quote(&target)
        ));
        sql.push_str(&format!(
            "CREATE INDEX {} ON {} ({});\n",
            quote(&format!("{}_{}", table.name, c.name)),
            quote(&table.name),
            quote(&c.name)
        ));
    }
    format!(
        "CREATE TABLE {} (\n  {}\n);\n{sql}",
        quote(&table.name),
        parts.join(",\n  ")
    )
}

/// The cell as SQLite binds it, text borrowed rather than copied.
fn sql_value(cell: &Cell) -> ToSqlOutput<'_> {
    match cell {
        Cell::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        Cell::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        Cell::Integer(i) => ToSqlOutput::Owned(Sql::Integer(*i)),
        Cell::Boolean(b) => ToSqlOutput::Owned(Sql::Integer(i64::from(*b))),
        Cell::Number(n) => ToSqlOutput::Owned(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Sql::Integer(i),
            (None, Some(f)) => Sql::Real(f),
            (None, None) => Sql::Text(n.to_string()),
        }),
    }
}

fn failed(action: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Other(format!("SQLite export: {action}: {e}"))
}

/// Writes `tables` as a SQLite database at `out`, stamped with `stamp`,
/// replacing it atomically.
pub fn write(tables: &Tables, stamp: &Stamp, out: &Path) -> Result<()> {
    super::parent_exists(out)?;
    if out.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is a folder; the SQLite export writes one file",
            out.display()
        )));
    }
    let tmp = crate::format::temporary_beside(out)?;
    let mut writer = Writer::create(tmp.path(), tables)?;
    for table in &tables.tables {
        writer.insert(table)?;
    }
    writer.finish(stamp)?;
    tmp.persist(out)
        .map_err(|e| Error::io("renaming into place", out, e.error))?;
    Ok(())
}

/// A database being written, in one transaction: its tables are created
/// first, their rows inserted as they come, and the stamp written last.
pub struct Writer {
    connection: Connection,
}

impl Writer {
    /// A new database at `path` (a fresh file) with every table of
    /// `tables`, none of their rows, and a transaction open.
    pub fn create(path: &Path, tables: &Tables) -> Result<Writer> {
        let connection = Connection::open(path).map_err(failed("opening the database"))?;
        connection
            .execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(failed("enabling foreign keys"))?;
        connection
            .execute_batch("BEGIN DEFERRED")
            .map_err(failed("starting"))?;
        connection
            .execute_batch("PRAGMA defer_foreign_keys = ON;")
            .map_err(failed("deferring foreign keys"))?;
        // Every table first: an insert checks that the tables its foreign keys name exist.
        for table in &tables.tables {
            connection
                .execute_batch(&schema(table))
                .map_err(failed("creating the tables"))?;
        }
        Ok(Writer { connection })
    }

    /// Inserts the rows of `table` into the table of its name.
    pub fn insert(&mut self, table: &Table) -> Result<()> {
        let placeholders = vec!["?"; table.columns.len()].join(", ");
        let mut insert = self
            .connection
            .prepare_cached(&format!(
                "INSERT INTO {} VALUES ({placeholders})",
                quote(&table.name)
            ))
            .map_err(failed("preparing an insert"))?;
        for row in &table.rows {
            insert
                .execute(params_from_iter(row.iter().map(sql_value)))
                .map_err(failed(&table.name))?;
        }
        Ok(())
    }

    /// Writes the metadata `stamp`, commits and closes the database.
    pub fn finish(self, stamp: &Stamp) -> Result<()> {
        let connection = self.connection;
        connection
            .execute_batch(&format!(
                "CREATE TABLE {METADATA_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL);\nPRAGMA user_version = {LAYOUT_VERSION};"
            ))
            .map_err(failed("writing the metadata"))?;
        for (key, value) in stamp.pairs() {
            connection
                .execute(
                    &format!("INSERT INTO {METADATA_TABLE} VALUES (?1, ?2)"),
                    [key, value.as_str()],
                )
                .map_err(failed("writing the metadata"))?;
        }
        connection
            .execute_batch("COMMIT")
            .map_err(failed("committing (a foreign key may name a missing row)"))?;
        connection
            .close()
            .map_err(|(_, e)| failed("closing the database")(e))
    }
}
