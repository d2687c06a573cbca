//! The consumer formats a release ships beside the archive, so that nobody
//! needs to build the toolkit to read it: JSON Lines, the CSV tables with
//! their `datapackage.json` (as a `.tar.gz`), SQLite, and the browsable site
//! (as a `.tar.gz`). Each is built in memory from the checked records, with
//! the same code as `techpact export` and `techpact site`, and gives the same
//! bytes for the same commit.

use std::sync::Mutex;

use super::archive;
use super::manifest::{csv_name, jsonl_name, site_name, sqlite_name};
use crate::error::{Error, Result};
use crate::export::{Stamp, csv, jsonl, table};
use crate::model::Record;
use crate::site;

/// The four consumer artifacts of `records`, by file name, in the order
/// `SHA256SUMS` lists them. Archive entries are dated `mtime`.
pub fn build(
    records: &[Option<Record>],
    stamp: &Stamp,
    mtime: u64,
    context: &site::Context,
) -> Result<Vec<(String, Vec<u8>)>> {
    let version = stamp.version.as_deref().unwrap_or_default();
    let tables = table::tables(records)?;
    let folder = format!("{}-{version}-csv", super::manifest::NAME);
    let mut csv_files = Vec::new();
    for t in &tables.tables {
        csv_files.push((
            format!("{folder}/{}.csv", t.name),
            csv::render(t)?.into_bytes(),
        ));
    }
    csv_files.push((
        format!("{folder}/{}", csv::DESCRIPTOR),
        crate::format::to_canonical_string(&csv::descriptor(&tables, stamp)).into_bytes(),
    ));
    Ok(vec![
        (
            jsonl_name(version),
            jsonl::render(records, stamp)?.into_bytes(),
        ),
        (csv_name(version), archive::build(&csv_files, mtime)?),
        (sqlite_name(version), sqlite_bytes(&tables, stamp)?),
        (
            site_name(version),
            site_archive(records, version, mtime, context)?,
        ),
    ])
}

/// The site in a `.tar.gz`, under the folder `techpact-site-<version>/`.
fn site_archive(
    records: &[Option<Record>],
    version: &str,
    mtime: u64,
    context: &site::Context,
) -> Result<Vec<u8>> {
    let index = site::index::Index::new(records)?;
    let folder = format!("techpact-site-{version}");
    let files = Mutex::new(Vec::new());
    site::build(&index, context, &|path: &str, bytes: &[u8]| {
        files
            .lock()
            .map_err(|_| Error::Other("building the site: a worker failed".into()))?
            .push((format!("{folder}/{path}"), bytes.to_vec()));
        Ok(())
    })?;
    let files = files
        .into_inner()
        .map_err(|_| Error::Other("building the site: a worker failed".into()))?;
    archive::build(&files, mtime)
}

/// The SQLite database, written to a private temporary file and read back.
#[cfg(feature = "sqlite")]
fn sqlite_bytes(tables: &table::Tables, stamp: &Stamp) -> Result<Vec<u8>> {
    let dir = tempfile::TempDir::new()
        .map_err(|e| Error::io("creating a temporary folder in", std::env::temp_dir(), e))?;
    let path = dir.path().join("release.sqlite");
    crate::export::sqlite::write(tables, stamp, &path)?;
    std::fs::read(&path).map_err(|e| Error::io("reading", &path, e))
}

#[cfg(not(feature = "sqlite"))]
fn sqlite_bytes(_: &table::Tables, _: &Stamp) -> Result<Vec<u8>> {
    Err(Error::Usage(
        "a release ships a SQLite database, and this build of techpact has none; build it with the default `sqlite` feature".into(),
    ))
}
