//! The canonical form of every JSON file techpact writes, and the one way it
//! writes files.
//!
//! Canonical JSON is 2-space indented, UTF-8 without escaping non-ASCII, with
//! one trailing newline; a record's keys follow its type's field order. Files
//! are written to a temporary name in the same folder and renamed into place,
//! so a reader never sees half a file.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

/// `value` as canonical JSON text, as `write_canonical` writes it.
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    write_canonical(&mut out, value)
        .unwrap_or_else(|e| unreachable!("in-memory JSON serialization cannot fail: {e}"));
    String::from_utf8(out).unwrap_or_else(|e| unreachable!("serde_json writes UTF-8: {e}"))
}

/// Writes `value` into `out` as canonical JSON text, without holding it.
pub fn write_canonical<T: Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)
        .and_then(|()| out.write_all(b"\n").map_err(serde_json::Error::io))
        .map_err(|e| crate::error::Error::Other(format!("writing JSON: {e}")))
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_via_temporary(path, bytes, true)
}

/// Like `write_atomic`, but fails instead of replacing a file that already
/// exists, even one created since the caller last looked.
pub fn write_atomic_new(path: &Path, bytes: &[u8]) -> Result<()> {
    write_via_temporary(path, bytes, false)
}

/// How every temporary file or folder techpact makes is named: a run that is
/// killed leaves such names behind, and every command knows them.
const TEMPORARY_PREFIX: &str = ".techpact-";
const TEMPORARY_SUFFIX: &str = ".tmp";

/// Whether `name` is that of a temporary file or folder of techpact, left
/// behind when a run was interrupted.
pub fn is_leftover(name: &str) -> bool {
    name.len() > TEMPORARY_PREFIX.len() + TEMPORARY_SUFFIX.len()
        && name.starts_with(TEMPORARY_PREFIX)
        && name.ends_with(TEMPORARY_SUFFIX)
}

/// A temporary file in the folder of `path`, to be renamed onto it: same
/// file system, so the rename is atomic. It gets the permissions of the file
/// it will replace, or the usual ones for a new file (`rw-r--r--` less the
/// umask) rather than the owner-only mode of temporary files.
pub fn temporary_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = parent_or_current(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX).suffix(TEMPORARY_SUFFIX);
    if let Some(permissions) = std::fs::metadata(path)
        .map(|m| m.permissions())
        .ok()
        .or_else(new_file_permissions)
    {
        builder.permissions(permissions);
    }
    builder
        .tempfile_in(dir)
        .map_err(|e| Error::io("creating a temporary file in", dir, e))
}

/// A temporary folder under the system's temporary folder that only its
/// owner can enter (mode 0700 whatever the umask), so no other local user
/// can plant a link or a file in it while techpact writes there.
pub fn private_temp_dir() -> Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX).suffix(TEMPORARY_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder
        .tempdir()
        .map_err(|e| Error::io("creating a temporary folder in", std::env::temp_dir(), e))
}

/// A new empty folder beside `path`, on the same file system, to be filled
/// and then put in place with `replace_folder`. It gets the usual mode of a
/// new folder (`rwxr-xr-x` less the umask), since it will be published.
pub fn temporary_folder_beside(path: &Path) -> Result<tempfile::TempDir> {
    let dir = parent_or_current(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX).suffix(TEMPORARY_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o755));
    }
    builder
        .tempdir_in(dir)
        .map_err(|e| Error::io("creating a temporary folder in", dir, e))
}

/// Puts the complete folder `new` (from `temporary_folder_beside`) at
/// `path`. A folder already there is renamed aside first and deleted after,
/// so `path` never holds a mix of old and new files; a run killed midway
/// leaves the old or the new folder whole under a temporary name.
pub fn replace_folder(new: tempfile::TempDir, path: &Path) -> Result<()> {
    let old = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("reading", path, e)),
        Ok(_) => {
            let aside = temporary_folder_beside(path)?;
            // A folder may be renamed onto an empty folder.
            std::fs::rename(path, aside.path()).map_err(|e| Error::io("moving aside", path, e))?;
            Some(aside)
        }
    };
    let new = new.keep();
    if let Err(e) = std::fs::rename(&new, path) {
        if let Some(old) = &old {
            let _ = std::fs::rename(old.path(), path);
        }
        let _ = std::fs::remove_dir_all(&new);
        return Err(Error::io("renaming into place", path, e));
    }
    // Dropping the folder set aside deletes it.
    drop(old);
    Ok(())
}

fn parent_or_current(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Replaces the file at `path` with `bytes` only if it still holds `old`,
/// the bytes the caller read: an edit saved since then is never written
/// over. The comparison is made after the new text is on disk, right before
/// the rename. Returns whether the file was replaced.
pub fn replace_if_unchanged(path: &Path, old: &[u8], bytes: &[u8]) -> Result<bool> {
    let tmp = written_temporary(path, bytes)?;
    let now = std::fs::read(path).map_err(|e| Error::io("reading", path, e))?;
    if now != old {
        return Ok(false);
    }
    tmp.persist(path)
        .map_err(|e| Error::io("renaming into place", path, e.error))?;
    Ok(true)
}

/// A temporary file beside `path` holding `bytes`, flushed to disk.
fn written_temporary(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let mut tmp = temporary_beside(path)?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("writing", tmp.path().to_path_buf(), e))?;
    Ok(tmp)
}

fn write_via_temporary(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    let tmp = written_temporary(path, bytes)?;
    if replace {
        tmp.persist(path)
            .map_err(|e| Error::io("renaming into place", path, e.error))?;
    } else {
        tmp.persist_noclobber(path)
            .map_err(|e| Error::io("moving into place (without replacing)", path, e.error))?;
    }
    Ok(())
}

/// Seconds since the Unix epoch as RFC 3339 in UTC, such as `2025-04-09T08:30:00Z`.
pub fn rfc3339_utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm, valid for any day count here.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The entries of the folder `out` that a command did not write: those
/// `ours` does not name, and any that is not a regular file, sorted. A
/// missing folder has none. Commands that replace a folder's contents
/// refuse to touch anything listed here.
pub fn foreign_entries(out: &Path, ours: impl Fn(&str) -> bool) -> Result<Vec<String>> {
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("reading", out, e)),
    };
    let mut foreign = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("reading", out, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !ours(&name) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            foreign.push(name);
        }
    }
    foreign.sort();
    Ok(foreign)
}
