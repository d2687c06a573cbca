//! The consumer formats a release ships beside the archive, so that nobody
//! needs to build the toolkit to read it: JSON Lines, the CSV tables with
//! their `datapackage.json` (as a `.tar.gz`), SQLite, and the browsable site
//! (as a `.tar.gz`). Each is built from the checked records with the same
//! code as `techpact export` and `techpact site`, written as it is built,
//! and gives the same bytes for the same commit.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::archive;
use super::manifest::{jsonl_name, site_name};
use super::output::{self, Pending};
use crate::error::{Error, Result};
use crate::export::{Stamp, jsonl};
use crate::model::Record;
use crate::site;
// The CSV and SQLite files are written together, so only with SQLite.
#[cfg(feature = "sqlite")]
use {
    super::manifest::csv_name,
    crate::export::{self, csv, table},
};

/// The JSON Lines export of `records`, into a temporary file in `out`.
pub fn jsonl(records: &[Option<Record>], stamp: &Stamp, out: &Path) -> Result<Pending> {
    let version = stamp.version.as_deref().unwrap_or_default();
    output::write(out, &jsonl_name(version), |w| {
        jsonl::write_to(records, stamp, w)
    })
}

/// The CSV archive and the SQLite database of `records`, into temporary
/// files in `out`, archive entries dated `mtime`. Both are made from the
/// same tables, a part at a time (`export::Parts`): while one part is
/// written to both, the next is made, so no more than two parts are ever
/// held. The CSV files gather in a private folder until the archive takes
/// them whole.
#[cfg(feature = "sqlite")]
pub fn tabular(
    records: &[Option<Record>],
    stamp: &Stamp,
    mtime: u64,
    out: &Path,
) -> Result<(Pending, Pending)> {
    tabular_of(&export::Parts::new(records)?, stamp, mtime, out)
}

/// The CSV archive and the SQLite database of the tables `parts` make, as
/// `tabular` writes them.
#[cfg(feature = "sqlite")]
fn tabular_of(
    parts: &export::Parts<'_>,
    stamp: &Stamp,
    mtime: u64,
    out: &Path,
) -> Result<(Pending, Pending)> {
    let version = stamp.version.as_deref().unwrap_or_default();
    let empty = parts.empty();
    let tmp = crate::format::private_temp_dir()?;
    let csv_dir = tmp.path().join("csv");
    std::fs::create_dir(&csv_dir).map_err(|e| Error::io("creating", &csv_dir, e))?;
    let mut spool = csv::Spool::new(&csv_dir, &empty)?;
    // The database is built beside its artifact's name, not copied there.
    let sqlite_name = super::manifest::sqlite_name(version);
    let database = output::temporary(out, &sqlite_name)?;
    let mut sqlite = export::sqlite::Writer::create(database.path(), &empty)?;
    let mut next = parts.get(0)?;
    for k in 0..parts.len() {
        let current = std::mem::take(&mut next);
        let (made, written) = rayon::join(
            || {
                if k + 1 < parts.len() {
                    parts.get(k + 1)
                } else {
                    Ok(Vec::new())
                }
            },
            || {
                let (spooled, inserted) = rayon::join(
                    || current.iter().try_for_each(|t| spool.append(t)),
                    || current.iter().try_for_each(|t| sqlite.insert(t)),
                );
                spooled.and(inserted)
            },
        );
        written?;
        next = made?;
    }
    sqlite.finish(stamp)?;
    let csv = csv_archive(&empty, spool.finish()?, stamp, version, mtime, out)?;
    let sqlite = output::adopt(out, &sqlite_name, database)?;
    Ok((csv, sqlite))
}

/// Without SQLite a release cannot ship its formats: an error.
#[cfg(not(feature = "sqlite"))]
pub fn tabular(_: &[Option<Record>], _: &Stamp, _: u64, _: &Path) -> Result<(Pending, Pending)> {
    Err(Error::Usage(
        "a release ships a SQLite database, and this build of techpact has none; build it with the default `sqlite` feature".into(),
    ))
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
/// folder `techpact-data-<version>-csv/`: `tables` without rows for the
/// descriptor, and `files`, each table's name with its CSV file, copied
/// into the archive.
#[cfg(feature = "sqlite")]
fn csv_archive(
    tables: &table::Tables,
    files: Vec<(String, std::path::PathBuf)>,
    stamp: &Stamp,
    version: &str,
    mtime: u64,
    out: &Path,
) -> Result<Pending> {
    let folder = format!("{}-{version}-csv", super::manifest::NAME);
    let descriptor =
        crate::format::to_canonical_string(&csv::descriptor(tables, stamp)).into_bytes();
    let mut paths: Vec<String> = files
        .iter()
        .map(|(name, _)| format!("{folder}/{name}.csv"))
        .collect();
    paths.push(format!("{folder}/{}", csv::DESCRIPTOR));
    let order = archive::order(&paths.iter().map(String::as_str).collect::<Vec<_>>())?;
    output::write(out, &csv_name(version), |w| {
        let mut writer = archive::Writer::new(w, mtime)?;
        for (path, file) in &order {
            // The one path past the tables is the descriptor's.
            match file.map(|k| files.get(k)) {
                None => writer.folder(path)?,
                Some(Some((_, spooled))) => {
                    let mut file = std::fs::File::open(spooled)
                        .map_err(|e| Error::io("reading", spooled, e))?;
                    let len = file
                        .metadata()
                        .map_err(|e| Error::io("reading", spooled, e))?
                        .len();
                    let len = usize::try_from(len).map_err(|_| {
                        Error::Other(format!("`{path}` is too large for this machine"))
                    })?;
                    writer.file_with(path, len, |w| {
                        std::io::copy(&mut file, w)
                            .map(drop)
                            .map_err(|e| Error::io("copying", spooled, e))
                    })?
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
    let index = site::index::Index::new(records)?;
    let site = site::Site::new(&index, context);
    let files = site.files();
    let paths: Vec<String> = files
        .iter()
        .map(|&file| format!("techpact-site-{version}/{}", site.path(file)))
        .collect();
    let order = archive::order(&paths.iter().map(String::as_str).collect::<Vec<_>>())?;
    drop(paths);
    // Every file, shared pages too, is rendered when the archive reaches it,
    // a batch at a time in parallel, and written in the archive's order:
    // only one batch is ever held.
    let mut writer = archive::Writer::new(out, mtime)?;
    for batch in order.chunks(SITE_BATCH) {
        let bodies: Vec<Option<Vec<u8>>> = batch
            .par_iter()
            .map(|(_, file)| file.map(|k| site.render(files[k])).transpose())
            .collect::<Result<_>>()?;
        for ((path, _), body) in batch.iter().zip(bodies) {
            match body {
                None => writer.folder(path)?,
                Some(bytes) => writer.file(path, &bytes)?,
            }
        }
    }
    drop(site);
    index.free();
    writer.finish().map(drop)
}

/// How many files of the site are rendered at once for its archive.
const SITE_BATCH: usize = 2048;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Read;
    use std::sync::Mutex;

    use super::*;
    use crate::check::bundled_records;

    #[test]
    fn the_site_archive_holds_every_file_the_site_builds_with_its_bytes() {
        let records = bundled_records();
        let context = site::Context {
            version: Some("1.2.3".into()),
            ..Default::default()
        };
        let built = Mutex::new(BTreeMap::new());
        let index = site::index::Index::new(&records).unwrap();
        let count = site::build(&index, &context, &|path: &str, bytes: &[u8]| {
            built
                .lock()
                .unwrap()
                .insert(format!("techpact-site-1.2.3/{path}"), bytes.to_vec());
            Ok(())
        })
        .unwrap();
        let built = built.into_inner().unwrap();
        assert_eq!(count, built.len());
        // Shared pages of every kind are among them.
        for path in [
            "index.html",
            "search-index.js",
            "facts/index.json",
            "network.svg",
        ] {
            assert!(
                built.contains_key(&format!("techpact-site-1.2.3/{path}")),
                "{path}"
            );
        }
        assert!(built.keys().any(|p| p.contains("/kind/")));

        let mut archive = Vec::new();
        site_archive(&records, "1.2.3", 1_700_000_000, &context, &mut archive).unwrap();
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive.as_slice()));
        let mut archived = BTreeMap::new();
        for entry in tar.entries().unwrap() {
            let mut entry = entry.unwrap();
            if entry.header().entry_type().is_file() {
                let path = entry.path().unwrap().to_string_lossy().into_owned();
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).unwrap();
                archived.insert(path, bytes);
            }
        }
        assert_eq!(archived.len(), built.len());
        for (path, bytes) in &built {
            assert!(
                archived.get(path) == Some(bytes),
                "{path} differs or is missing"
            );
        }
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn tables_written_a_part_at_a_time_give_the_bytes_of_whole_tables() {
        let records = bundled_records();
        let stamp = Stamp {
            version: Some("1.2.3".into()),
            commit: Some("0".repeat(40)),
            created: Some("2026-01-01T00:00:00Z".into()),
            generator: "techpact test".into(),
            license: export::DATA_LICENSE,
        };
        let out = tempfile::tempdir().unwrap();
        let written = |slice: usize| {
            let parts = export::Parts::sliced(&records, slice).unwrap();
            let (csv, sqlite) = tabular_of(&parts, &stamp, 1_700_000_000, out.path()).unwrap();
            let bytes = |p: &Pending| std::fs::read(p.file.path()).unwrap();
            (bytes(&csv), bytes(&sqlite))
        };
        let (csv, sqlite) = written(usize::MAX);
        assert_eq!(written(1), (csv.clone(), sqlite.clone()));
        assert_eq!(written(7), (csv, sqlite.clone()));
        // The database of whole tables, as `techpact export` writes it.
        let whole = out.path().join("whole.sqlite");
        export::sqlite::write(&export::tables(&records).unwrap(), &stamp, &whole).unwrap();
        assert_eq!(std::fs::read(&whole).unwrap(), sqlite);
    }
}
