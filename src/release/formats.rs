//! The consumer formats a release ships beside the archive, so that nobody
//! needs to build the toolkit to read it: JSON Lines, the CSV tables with
//! their `datapackage.json` (as a `.tar.gz`), SQLite, and the browsable site
//! (as a `.tar.gz`). Each is built from the checked records with the same
//! code as `techpact export` and `techpact site`, written as it is built,
//! and gives the same bytes for the same commit.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use super::archive;
use super::manifest::{csv_name, jsonl_name, site_name};
use super::output::{self, Pending};
use crate::error::{Error, Result};
use crate::export::{self, Stamp, csv, jsonl, table};
use crate::model::Record;
use crate::site;

/// The four consumer artifacts of `records`, written into temporary files
/// in `out`, in the order `SHA256SUMS` lists them. Archive entries are
/// dated `mtime`. They are independent, so they are built at once.
pub fn build(
    records: &[Option<Record>],
    stamp: &Stamp,
    mtime: u64,
    context: &site::Context,
    out: &Path,
) -> Result<Vec<Pending>> {
    let version = stamp.version.as_deref().unwrap_or_default();
    let tables = export::tables(records)?;
    let ((jsonl, csv), (sqlite, site)) = rayon::join(
        || {
            rayon::join(
                || {
                    output::write(out, &jsonl_name(version), |w| {
                        jsonl::write_to(records, stamp, w)
                    })
                },
                || csv_archive(&tables, stamp, version, mtime, out),
            )
        },
        || {
            rayon::join(
                || sqlite_file(&tables, stamp, version, out),
                || {
                    output::write(out, &site_name(version), |w| {
                        site_archive(records, version, mtime, context, w)
                    })
                },
            )
        },
    );
    Ok(vec![jsonl?, csv?, sqlite?, site?])
}

/// The CSV tables and their `datapackage.json` in a `.tar.gz`, under the
/// folder `techpact-data-<version>-csv/`.
fn csv_archive(
    tables: &table::Tables,
    stamp: &Stamp,
    version: &str,
    mtime: u64,
    out: &Path,
) -> Result<Pending> {
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
        crate::format::to_canonical_string(&csv::descriptor(tables, stamp)).into_bytes(),
    ));
    let borrowed: Vec<(&str, &[u8])> = csv_files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    output::write(out, &csv_name(version), |w| {
        archive::write(&borrowed, mtime, w).map(drop)
    })
}

/// The site in a `.tar.gz` written into `out`, under the folder
/// `techpact-site-<version>/`.
fn site_archive(
    records: &[Option<Record>],
    version: &str,
    mtime: u64,
    context: &site::Context,
    out: &mut dyn Write,
) -> Result<()> {
    let index = site::index::Index::new(records)?;
    let folder = format!("techpact-site-{version}");
    // The pages come in any order and the archive lists them sorted, so all
    // are kept until the last: deflated, they take a fraction of the memory.
    let files = Mutex::new(Vec::new());
    site::build(&index, context, &|path: &str, bytes: &[u8]| {
        let deflated =
            deflate_fast(bytes).map_err(|e| Error::Other(format!("building the site: {e}")))?;
        files
            .lock()
            .map_err(|_| Error::Other("building the site: a worker failed".into()))?
            .push((format!("{folder}/{path}"), bytes.len(), deflated));
        Ok(())
    })?;
    let files = files
        .into_inner()
        .map_err(|_| Error::Other("building the site: a worker failed".into()))?;
    let bodies: Vec<(&str, archive::Body<'_>)> = files
        .iter()
        .map(|(p, len, bytes)| (p.as_str(), archive::Body::Deflated { len: *len, bytes }))
        .collect();
    archive::write_bodies(&bodies, mtime, out).map(drop)
}

/// `bytes` as a raw deflate stream, compressed fast: kept only until it is
/// inflated into the archive.
fn deflate_fast(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 4 + 64),
        flate2::Compression::fast(),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// The SQLite database, written to a private temporary file and copied
/// into `out`.
#[cfg(feature = "sqlite")]
fn sqlite_file(
    tables: &table::Tables,
    stamp: &Stamp,
    version: &str,
    out: &Path,
) -> Result<Pending> {
    let dir = crate::format::private_temp_dir()?;
    let path = dir.path().join("release.sqlite");
    crate::export::sqlite::write(tables, stamp, &path)?;
    let mut file = std::fs::File::open(&path).map_err(|e| Error::io("reading", &path, e))?;
    output::write(out, &super::manifest::sqlite_name(version), |w| {
        std::io::copy(&mut file, w)
            .map(drop)
            .map_err(|e| Error::io("copying", &path, e))
    })
}

#[cfg(not(feature = "sqlite"))]
fn sqlite_file(_: &table::Tables, _: &Stamp, _: &str, _: &Path) -> Result<Pending> {
    Err(Error::Usage(
        "a release ships a SQLite database, and this build of techpact has none; build it with the default `sqlite` feature".into(),
    ))
}
