//! SQLite: the tables of `table` in one database file, with their primary
//! keys, foreign keys (`PRAGMA foreign_key_check` finds nothing), `NOT NULL`
//! on required columns, `CHECK` constraints on enumerations and booleans, and
//! an index on every reference column.
//!
//! The database is built in a temporary file beside `out` and renamed into
//! place once complete, so `out` is never a half-written database. The rows
//! go in first, in one transaction; the indexes are built after them (a sort
//! each, rather than an index updated row by row), and then
//! `PRAGMA foreign_key_check` must find nothing, or nothing is committed.
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

/// The `CREATE TABLE` statement of one table.
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
    for c in table.columns.iter().filter(|c| c.references.is_some()) {
        let target = table_name(c.references.unwrap_or_else(|| unreachable!("filtered")));
        parts.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} (\"id\")",
            quote(&c.name),
            quote(&target)
        ));
    }
    format!(
        "CREATE TABLE {} (\n  {}\n);\n",
        quote(&table.name),
        parts.join(",\n  ")
    )
}

/// The `CREATE INDEX` statements of one table: one per reference column.
pub fn indexes(table: &Table) -> String {
    table
        .columns
        .iter()
        .filter(|c| c.references.is_some())
        .map(|c| {
            format!(
                "CREATE INDEX {} ON {} ({});\n",
                quote(&format!("{}_{}", table.name, c.name)),
                quote(&table.name),
                quote(&c.name)
            )
        })
        .collect()
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
/// first, their rows inserted as they come, then their indexes built, the
/// foreign keys checked, and the stamp written last.
pub struct Writer {
    connection: Connection,
    /// The most rows one `INSERT` statement writes.
    max_rows: usize,
    /// The `CREATE INDEX` statements of every table, run by `finish`.
    indexes: String,
}

/// The most parameters one statement binds: SQLite's own limit.
const MAX_PARAMETERS: usize = 32_766;

/// The most rows one `INSERT` statement writes.
const MAX_ROWS: usize = 256;

impl Writer {
    /// A new database at `path` (a fresh file) with every table of
    /// `tables`, none of their rows, and a transaction open.
    pub fn create(path: &Path, tables: &Tables) -> Result<Writer> {
        let connection = Connection::open(path).map_err(failed("opening the database"))?;
        // The file is private until it is complete and copied or renamed
        // into place: it needs neither a journal on disk nor syncing. Its
        // foreign keys are checked all at once by `finish`, not row by row.
        connection
            .execute_batch(
                "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;",
            )
            .map_err(failed("setting up the connection"))?;
        connection
            .execute_batch("BEGIN")
            .map_err(failed("starting"))?;
        for table in &tables.tables {
            connection
                .execute_batch(&schema(table))
                .map_err(failed("creating the tables"))?;
        }
        Ok(Writer {
            connection,
            max_rows: MAX_ROWS,
            indexes: tables.tables.iter().map(indexes).collect(),
        })
    }

    /// Inserts the rows of `table` into the table of its name.
    pub fn insert(&mut self, table: &Table) -> Result<()> {
        // Many rows to a statement: SQLite builds the lookup table of each
        // `CHECK (… IN (…))` once per run of a statement, which row by row
        // cost more than the rows themselves.
        let width = table.columns.len().max(1);
        let per_statement = (MAX_PARAMETERS / width).clamp(1, self.max_rows);
        let row = format!("({})", vec!["?"; width].join(", "));
        // Written again only when a batch's size changes: every batch but a
        // table's last is full.
        let mut sql = String::new();
        let mut sized = 0;
        for rows in table.rows.chunks(per_statement) {
            if rows.len() != sized {
                sized = rows.len();
                sql = format!(
                    "INSERT INTO {} VALUES {}",
                    quote(&table.name),
                    vec![row.as_str(); sized].join(", ")
                );
            }
            let mut insert = self
                .connection
                .prepare_cached(&sql)
                .map_err(failed("preparing an insert"))?;
            insert
                .execute(params_from_iter(rows.iter().flatten().map(sql_value)))
                .map_err(failed(&table.name))?;
        }
        Ok(())
    }

    /// Builds the indexes, checks every foreign key, writes the metadata
    /// `stamp`, commits and closes the database. A dangling key is an
    /// error, and nothing is committed.
    pub fn finish(self, stamp: &Stamp) -> Result<()> {
        let connection = self.connection;
        connection
            .execute_batch(&self.indexes)
            .map_err(failed("creating the indexes"))?;
        if let Some(dangling) = first_dangling_key(&connection)? {
            return Err(Error::Other(format!("SQLite export: {dangling}")));
        }
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
            .map_err(failed("committing"))?;
        connection
            .close()
            .map_err(|(_, e)| failed("closing the database")(e))
    }
}

/// The first row `PRAGMA foreign_key_check` reports, described: its table,
/// its row id and the table its key names.
fn first_dangling_key(connection: &Connection) -> Result<Option<String>> {
    let mut check = connection
        .prepare("PRAGMA foreign_key_check")
        .map_err(failed("checking the foreign keys"))?;
    let mut rows = check
        .query([])
        .map_err(failed("checking the foreign keys"))?;
    let Some(row) = rows.next().map_err(failed("checking the foreign keys"))? else {
        return Ok(None);
    };
    let described = (|| -> rusqlite::Result<String> {
        let table: String = row.get(0)?;
        let rowid: Option<i64> = row.get(1)?;
        let parent: String = row.get(2)?;
        Ok(format!(
            "row {} of `{table}` names a row of `{parent}` that does not exist",
            rowid.map_or_else(|| "?".to_string(), |r| r.to_string())
        ))
    })()
    .map_err(failed("checking the foreign keys"))?;
    Ok(Some(described))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table;

    fn bundled_tables() -> Tables {
        table::tables(&crate::check::bundled_records()).unwrap()
    }

    fn stamp() -> Stamp {
        Stamp {
            version: Some("1.2.3".into()),
            commit: Some("0".repeat(40)),
            created: Some("2026-01-01T00:00:00Z".into()),
            generator: "techpact test".into(),
            license: super::super::DATA_LICENSE,
        }
    }

    /// Every row of every table of the database at `path`, in row order.
    fn rows_of(path: &Path, tables: &Tables) -> Vec<Vec<String>> {
        let connection = Connection::open(path).unwrap();
        let mut all = Vec::new();
        for table in &tables.tables {
            let mut select = connection
                .prepare(&format!(
                    "SELECT * FROM {} ORDER BY rowid",
                    quote(&table.name)
                ))
                .unwrap();
            let width = select.column_count();
            let rows = select
                .query_map([], |row| {
                    (0..width)
                        .map(|k| row.get_ref(k).map(|v| format!("{v:?}")))
                        .collect::<rusqlite::Result<Vec<String>>>()
                })
                .unwrap();
            for row in rows {
                let mut row = row.unwrap();
                row.insert(0, table.name.clone());
                all.push(row);
            }
        }
        all
    }

    /// The database of `tables` written with at most `max_rows` rows to a
    /// statement, as bytes.
    fn written(tables: &Tables, max_rows: usize) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.sqlite");
        let mut writer = Writer::create(&path, tables).unwrap();
        writer.max_rows = max_rows;
        for table in &tables.tables {
            writer.insert(table).unwrap();
        }
        writer.finish(&stamp()).unwrap();
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn rows_written_many_to_a_statement_are_the_rows_of_the_tables_in_order() {
        let tables = bundled_tables();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.sqlite");
        write(&tables, &stamp(), &path).unwrap();
        let expected: Vec<Vec<String>> = tables
            .tables
            .iter()
            .flat_map(|t| {
                t.rows.iter().map(|row| {
                    std::iter::once(t.name.clone())
                        .chain(row.iter().map(|cell| match sql_value(cell) {
                            ToSqlOutput::Borrowed(v) => format!("{v:?}"),
                            ToSqlOutput::Owned(v) => format!("{:?}", ValueRef::from(&v)),
                            _ => unreachable!("only borrowed or owned values"),
                        }))
                        .collect()
                })
            })
            .collect();
        assert_eq!(rows_of(&path, &tables), expected);
        // A row at a time, or a few, gives the same bytes as many at a time.
        let whole = std::fs::read(&path).unwrap();
        assert!(tables.tables.iter().any(|t| t.rows.len() > 7));
        assert!(written(&tables, 1) == whole);
        assert!(written(&tables, 7) == whole);
        let connection = Connection::open(&path).unwrap();
        let indexes: i64 = connection
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let references = tables
            .tables
            .iter()
            .flat_map(|t| &t.columns)
            .filter(|c| c.references.is_some())
            .count();
        assert_eq!(
            indexes as usize, references,
            "an index per reference column"
        );
    }

    #[test]
    fn a_key_naming_no_row_is_refused_and_nothing_is_written() {
        let mut tables = bundled_tables();
        let (table, column) = tables
            .tables
            .iter()
            .enumerate()
            .find_map(|(t, table)| {
                let c = table.columns.iter().position(|c| c.references.is_some())?;
                (!table.rows.is_empty()).then_some((t, c))
            })
            .unwrap();
        tables.tables[table].rows[0][column] = Cell::Text("no-such-record".into());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.sqlite");
        let error = write(&tables, &stamp(), &path).unwrap_err().to_string();
        assert!(
            error.contains(&format!(
                "of `{}` names a row of",
                tables.tables[table].name
            )),
            "{error}"
        );
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
