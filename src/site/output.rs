//! Writing the site's folder as one step: every file goes into a fresh
//! folder beside the destination, which is renamed into place when complete,
//! so an interrupted run leaves the previous site (or nothing) behind. A
//! destination that holds anything but a previous site is refused, so a
//! mistyped `--out` never replaces someone's folder.

use std::fs;
use std::path::Path;

use crate::error::{Error, Result};

/// The file that marks a folder as a techpact site that may be replaced.
pub const MARKER: &str = ".techpact-site";

/// Refuses a destination whose parent is missing, that is not a folder, or
/// that holds files other than a previous site.
pub fn check_destination(out: &Path) -> Result<()> {
    if let Some(parent) = out.parent()
        && !parent.as_os_str().is_empty()
        && !parent.is_dir()
    {
        return Err(Error::Usage(format!(
            "cannot write `{}`: the folder `{}` does not exist",
            out.display(),
            parent.display()
        )));
    }
    match fs::read_dir(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if !out.is_dir() => Err(Error::Usage(format!(
            "`{}` exists and is not a folder; choose another --out",
            out.display()
        ))),
        Err(e) => Err(Error::io("reading", out, e)),
        Ok(mut entries) => {
            if entries.next().is_none() || out.join(MARKER).is_file() {
                Ok(())
            } else {
                Err(Error::Usage(format!(
                    "`{}` holds files that are not a techpact site; empty it or choose another --out",
                    out.display()
                )))
            }
        }
    }
}

/// Fills a fresh folder beside `out` with `fill`, then puts it in place of
/// `out`. Returns what `fill` returns.
pub fn write_folder(out: &Path, fill: impl FnOnce(&Path) -> Result<usize>) -> Result<usize> {
    check_destination(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let fresh = tempfile::Builder::new()
        .prefix(".techpact-site-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io("creating a folder in", &parent, e))?;
    let written = fill(fresh.path())?;
    fs::write(
        fresh.path().join(MARKER),
        "a site written by `techpact site`\n",
    )
    .map_err(|e| Error::io("writing", fresh.path(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(fresh.path(), fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io("setting permissions of", fresh.path(), e))?;
    }
    let fresh = fresh.keep();
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(".techpact-site-old-")
            .tempdir_in(&parent)
            .map_err(|e| Error::io("creating a folder in", &parent, e))?
            .keep();
        // `old` is an empty folder, which a rename may replace.
        fs::rename(out, &old).map_err(|e| Error::io("moving aside", out, e))?;
        fs::rename(&fresh, out).map_err(|e| Error::io("renaming into place", out, e))?;
        fs::remove_dir_all(&old).map_err(|e| Error::io("removing", &old, e))?;
    } else {
        fs::rename(&fresh, out).map_err(|e| Error::io("renaming into place", out, e))?;
    }
    Ok(written)
}

/// Writes one file of the site under `root`, creating its folders when the
/// first file of a folder finds it missing (one system call per file
/// otherwise: the site writes a hundred thousand of them).
pub fn write_file(root: &Path, path: &str, bytes: &[u8]) -> Result<()> {
    let target = root.join(path);
    match fs::write(&target, bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
            }
            fs::write(&target, bytes)
        }
        other => other,
    }
    .map_err(|e| Error::io("writing", &target, e))
}
