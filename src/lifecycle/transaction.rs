//! All-or-nothing edits of record files: every new text is checked together
//! with the rest of the dataset first, then written to a temporary file
//! beside its target, and only when every temporary file is written are they
//! renamed into place. A failure before the renames leaves every file as it
//! was; a failure during them puts back the files already replaced.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::check;
use crate::diag::{Finding, Severity, Summary};
use crate::error::{Error, Result};
use crate::format;

/// One file's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Its path relative to the data directory, such as `labs/x.json`.
    pub path: String,
    /// Its text now; `None` when the edit creates it.
    pub old: Option<String>,
    /// Its text after; `None` when the edit deletes it.
    pub new: Option<String>,
}

/// Writes a temporary file beside `path` holding `bytes`; the test seam for
/// a write that fails.
pub type Stage = fn(&Path, &[u8]) -> Result<tempfile::NamedTempFile>;

/// The real `Stage`: a temporary file in the target's folder, flushed.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let mut tmp = format::temporary_beside(path)?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("writing a temporary file for", path, e))?;
    Ok(tmp)
}

/// The findings with which `edits` would leave the data in `dir` (shown as
/// `display`), and their summary: a full check of a scratch copy with the
/// edits applied.
pub fn recheck(dir: &Path, display: &str, edits: &[Edit]) -> Result<(Vec<Finding>, Summary)> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let scratch = tempfile::Builder::new()
        .prefix(".techpact-edit-")
        .tempdir_in(parent)
        .map_err(|e| Error::io("creating a scratch folder in", parent, e))?;
    let copy = scratch.path().join("data");
    mirror(dir, &copy)?;
    for edit in edits {
        let target = copy.join(&edit.path);
        let _ = fs::remove_file(&target);
        if let Some(text) = &edit.new {
            fs::write(&target, text).map_err(|e| Error::io("writing", &target, e))?;
        }
    }
    let outcome = check::run(&copy, display, &check::Options::default())?;
    let summary = outcome.summary();
    Ok((outcome.findings, summary))
}

/// `from` copied to `to` folder by folder, each record file hard-linked
/// where the file system allows and copied where not.
fn mirror(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).map_err(|e| Error::io("creating", to, e))?;
    for entry in fs::read_dir(from).map_err(|e| Error::io("reading", from, e))? {
        let entry = entry.map_err(|e| Error::io("reading", from, e))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry
            .file_type()
            .map_err(|e| Error::io("reading", &source, e))?;
        if kind.is_dir() {
            mirror(&source, &target)?;
        } else if fs::hard_link(&source, &target).is_err() {
            fs::copy(&source, &target).map_err(|e| Error::io("copying", &source, e))?;
        }
    }
    Ok(())
}

/// Whether `findings` hold an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Applies `edits` under `dir`: all or none.
pub fn commit(dir: &Path, edits: &[Edit]) -> Result<()> {
    commit_with(dir, edits, stage)
}

/// `commit`, staging each file with `stage`.
pub fn commit_with(dir: &Path, edits: &[Edit], stage: Stage) -> Result<()> {
    // Every file's current text must still be what the edit was planned on.
    for edit in edits {
        let path = dir.join(&edit.path);
        let now = fs::read_to_string(&path).ok();
        if now != edit.old {
            return Err(Error::Other(format!(
                "{} changed while the edit was prepared; nothing was written, run the command again",
                path.display()
            )));
        }
    }
    let mut staged: Vec<(PathBuf, tempfile::NamedTempFile)> = Vec::new();
    for edit in edits {
        if let Some(text) = &edit.new {
            let path = dir.join(&edit.path);
            // On failure the temporary files staged so far are dropped, which deletes them.
            let tmp = stage(&path, text.as_bytes())?;
            staged.push((path, tmp));
        }
    }
    let mut done: Vec<&Edit> = Vec::new();
    let mut staged = staged.into_iter();
    for edit in edits {
        let path = dir.join(&edit.path);
        let result = match &edit.new {
            Some(_) => match staged.next() {
                Some((_, tmp)) => tmp.persist(&path).map(|_| ()).map_err(|e| e.error),
                None => Ok(()),
            },
            None => fs::remove_file(&path),
        };
        if let Err(e) = result {
            let undone = undo(dir, &done);
            return Err(Error::Other(format!(
                "cannot replace {}: {e}; {}",
                path.display(),
                match undone {
                    Ok(()) => "every file already replaced was put back".to_string(),
                    Err(u) => format!("putting back the files already replaced failed too: {u}"),
                }
            )));
        }
        done.push(edit);
    }
    Ok(())
}

/// Puts back the files of `done` as they were.
fn undo(dir: &Path, done: &[&Edit]) -> Result<()> {
    for edit in done.iter().rev() {
        let path = dir.join(&edit.path);
        match &edit.old {
            Some(text) => format::write_atomic(&path, text.as_bytes())?,
            None => fs::remove_file(&path).map_err(|e| Error::io("removing", &path, e))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    /// Stages the first file, then fails as a full disk would.
    fn second_write_fails(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
        if CALLS.fetch_add(1, Ordering::SeqCst) >= 1 {
            return Err(Error::io(
                "writing a temporary file for",
                path,
                std::io::Error::other("no space left on device"),
            ));
        }
        stage(path, bytes)
    }

    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for entry in walk(dir) {
            out.push((entry.clone(), fs::read(&entry).unwrap()));
        }
        out.sort();
        out
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn a_failed_write_leaves_every_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("labs")).unwrap();
        fs::write(dir.path().join("labs/a.json"), "a\n").unwrap();
        fs::write(dir.path().join("labs/b.json"), "b\n").unwrap();
        let before = snapshot(dir.path());
        let edits = vec![
            Edit {
                path: "labs/a.json".into(),
                old: Some("a\n".into()),
                new: Some("A\n".into()),
            },
            Edit {
                path: "labs/b.json".into(),
                old: Some("b\n".into()),
                new: Some("B\n".into()),
            },
            Edit {
                path: "labs/c.json".into(),
                old: None,
                new: Some("C\n".into()),
            },
        ];
        let err = commit_with(dir.path(), &edits, second_write_fails).unwrap_err();
        assert!(err.to_string().contains("no space left"), "{err}");
        // Same files, same bytes, no temporary file left behind.
        assert_eq!(snapshot(dir.path()), before);
        // And the same edits go through when the writes succeed.
        commit(dir.path(), &edits).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("labs/b.json")).unwrap(),
            "B\n"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("labs/c.json")).unwrap(),
            "C\n"
        );
    }

    #[test]
    fn a_file_changed_since_planning_stops_the_edit() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("labs")).unwrap();
        fs::write(dir.path().join("labs/a.json"), "edited\n").unwrap();
        let edits = vec![Edit {
            path: "labs/a.json".into(),
            old: Some("a\n".into()),
            new: Some("A\n".into()),
        }];
        assert!(commit(dir.path(), &edits).is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("labs/a.json")).unwrap(),
            "edited\n"
        );
    }
}
