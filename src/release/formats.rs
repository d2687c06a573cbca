//! The consumer formats a release ships beside the archive, so that nobody
//! needs to build the toolkit to read it: JSON Lines, the CSV tables with
//! their `datapackage.json` (as a `.tar.gz`), SQLite, and the browsable site
//! (as a `.tar.gz`). Each is built from the checked records with the same
//! code as `techpact export` and `techpact site`, written as it is built,
//! and gives the same bytes for the same commit.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::archive;
use super::manifest::{csv_name, jsonl_name, site_name};
use super::output::{self, Pending};
use crate::error::{Error, Result};
use crate::export::{self, Stamp, csv, jsonl, table};
use crate::model::Record;
use crate::site;

/// The JSON Lines export of `records`, into a temporary file in `out`.
pub fn jsonl(records: &[Option<Record>], stamp: &Stamp, out: &Path) -> Result<Pending> {
    let version = stamp.version.as_deref().unwrap_or_default();
    output::write(out, &jsonl_name(version), |w| {
        jsonl::write_to(records, stamp, w)
    })
}

/// The CSV archive and the SQLite database of `records`, into temporary
/// files in `out`, archive entries dated `mtime`. Both are made from the
/// same tables, the largest thing a release holds, dropped on return.
pub fn tabular(
    records: &[Option<Record>],
    stamp: &Stamp,
    mtime: u64,
    out: &Path,
) -> Result<(Pending, Pending)> {
    let version = stamp.version.as_deref().unwrap_or_default();
    let tables = export::tables(records)?;
    let (csv, sqlite) = rayon::join(
        || csv_archive(&tables, stamp, version, mtime, out),
        || sqlite_file(&tables, stamp, version, out),
    );
    Ok((csv?, sqlite?))
}

/// The site of `records` in a `.tar.gz`, into a temporary file in `out`,
/// archive entries dated `mtime`.
pub fn site(
    records: &[Option<Record>],
    version: &str,
    mtime: u64,
    context: &site::Context,
    out: &Path,
) -> Result<Pending> {
    output::write(out, &site_name(version), |w| {
        site_archive(records, version, mtime, context, w)
    })
}

/// The CSV tables and their `datapackage.json` in a `.tar.gz`, under the
/// folder `techpact-data-<version>-csv/`. Each table is rendered when the
/// archive reaches it, so one table's text is held at a time.
fn csv_archive(
    tables: &table::Tables,
    stamp: &Stamp,
    version: &str,
    mtime: u64,
    out: &Path,
) -> Result<Pending> {
    let folder = format!("{}-{version}-csv", super::manifest::NAME);
    let descriptor =
        crate::format::to_canonical_string(&csv::descriptor(tables, stamp)).into_bytes();
    let mut paths: Vec<String> = tables
        .tables
        .iter()
        .map(|t| format!("{folder}/{}.csv", t.name))
        .collect();
    paths.push(format!("{folder}/{}", csv::DESCRIPTOR));
    let order = archive::order(&paths.iter().map(String::as_str).collect::<Vec<_>>())?;
    output::write(out, &csv_name(version), |w| {
        let mut writer = archive::Writer::new(w, mtime)?;
        for (path, file) in &order {
            // The one path past the tables is the descriptor's.
            match file.map(|k| tables.tables.get(k)) {
                None => writer.folder(path)?,
                Some(Some(table)) => {
                    // Rendered twice, to count and then to write, so that
                    // no table's text is ever held whole.
                    let mut counted = archive::Counting {
                        inner: std::io::sink(),
                        bytes: 0,
                    };
                    csv::write_to(table, &mut counted)?;
                    writer.file_with(path, counted.bytes, |w| csv::write_to(table, w))?
                }
                Some(None) => writer.file(path, &descriptor)?,
            }
        }
        writer.finish().map(drop)
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
    /// Where an archive entry's bytes come from.
    enum File {
        Shared(usize),
        Record(usize, site::RecordPart),
    }
    let index = site::index::Index::new(records)?;
    let site = site::Site::new(&index, context);
    let folder = format!("techpact-site-{version}");
    let shared = site.shared_files()?;
    let files: Vec<File> = (0..shared.len())
        .map(File::Shared)
        .chain((0..index.entries.len()).flat_map(|i| {
            site::RecordPart::BOTH
                .into_iter()
                .map(move |part| File::Record(i, part))
        }))
        .collect();
    let order = {
        let paths: Vec<String> = files
            .iter()
            .map(|file| match file {
                File::Shared(k) => format!("{folder}/{}", shared[*k].0),
                File::Record(i, part) => format!("{folder}/{}", site.record_path(*i, *part)),
            })
            .collect();
        archive::order(&paths.iter().map(String::as_str).collect::<Vec<_>>())?
    };
    // Pages are rendered a batch at a time, in parallel, and written in the
    // archive's order: only one batch is ever held.
    let mut writer = archive::Writer::new(out, mtime)?;
    for batch in order.chunks(SITE_BATCH) {
        let bodies: Vec<Option<Cow<'_, [u8]>>> = batch
            .par_iter()
            .map(|(_, file)| {
                Ok(match file.map(|k| &files[k]) {
                    None => None,
                    Some(File::Shared(k)) => Some(Cow::Borrowed(shared[*k].1.as_slice())),
                    Some(File::Record(i, part)) => Some(Cow::Owned(site.record_file(*i, *part)?)),
                })
            })
            .collect::<Result<_>>()?;
        for ((path, _), body) in batch.iter().zip(bodies) {
            match body {
                None => writer.folder(path)?,
                Some(bytes) => writer.file(path, &bytes)?,
            }
        }
    }
    writer.finish().map(drop)
}

/// How many files of the site are rendered at once for its archive.
const SITE_BATCH: usize = 2048;

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
