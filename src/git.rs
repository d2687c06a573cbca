//! The one place that speaks git, through git2 (libgit2, no `git` program
//! needed). Functions here are small and general: open the repository that
//! holds a path, and list what changed since a revision. Everything they
//! return is plain data, with paths relative to the work tree, so callers
//! never see a git2 type.

use std::path::{Path, PathBuf};

use git2::{Delta, DiffOptions};

use crate::error::{Error, Result};

/// A repository with a work tree.
pub struct Repository {
    inner: git2::Repository,
    workdir: PathBuf,
}

/// How a path changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// It exists now and did not before (added, untracked or ignored).
    Added,
    /// It exists in both, with other content or type.
    Modified,
    /// It existed before and does not now.
    Deleted,
}

/// One changed path, relative to the work tree, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// The path.
    pub path: String,
    /// How it changed.
    pub status: Status,
    /// Whether git ignores it.
    pub ignored: bool,
}

fn git_error(action: &str, e: &git2::Error) -> Error {
    Error::Git(format!("{action}: {}", e.message()))
}

impl Repository {
    /// The repository whose work tree holds `path`.
    pub fn discover(path: &Path) -> Result<Repository> {
        let inner = git2::Repository::discover(path)
            .map_err(|e| git_error(&format!("no git repository holds {}", path.display()), &e))?;
        let workdir = inner.workdir().ok_or_else(|| {
            Error::Git(format!(
                "the repository at {} has no work tree",
                inner.path().display()
            ))
        })?;
        let workdir = workdir
            .canonicalize()
            .map_err(|e| Error::io("resolving", workdir.to_path_buf(), e))?;
        Ok(Repository { inner, workdir })
    }

    /// The root of the work tree, as an absolute path without symbolic links.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// `path` relative to the work tree, with `/` separators; an error when
    /// it lies outside.
    pub fn relative(&self, path: &Path) -> Result<String> {
        let absolute = path
            .canonicalize()
            .map_err(|e| Error::io("resolving", path, e))?;
        let relative = absolute.strip_prefix(&self.workdir).map_err(|_| {
            Error::Usage(format!(
                "{} is not inside the git work tree {}",
                path.display(),
                self.workdir.display()
            ))
        })?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    /// Every path under one of `prefixes` (relative to the work tree; an
    /// empty prefix is the whole tree) that differs between the tree of
    /// `revision` and the work tree, counting staged and unstaged changes,
    /// untracked files and ignored files. A renamed file is its old path
    /// deleted and its new path added. Sorted by path.
    pub fn changes_since(&self, revision: &str, prefixes: &[&str]) -> Result<Vec<Change>> {
        let tree = self
            .inner
            .revparse_single(revision)
            .and_then(|object| object.peel_to_tree())
            .map_err(|e| git_error(&format!("cannot read revision `{revision}`"), &e))?;
        let mut options = DiffOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(true)
            .recurse_ignored_dirs(true)
            .include_typechange(true)
            // Literal paths: a folder name with `*` in it is not a pattern.
            .disable_pathspec_match(true);
        if !prefixes.contains(&"") {
            for prefix in prefixes {
                options.pathspec(prefix);
            }
        }
        let diff = self
            .inner
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))
            .map_err(|e| {
                git_error(
                    &format!("cannot compare the work tree with `{revision}`"),
                    &e,
                )
            })?;
        let mut changes = Vec::new();
        for delta in diff.deltas() {
            let old = delta.old_file().path().map(path_string);
            let new = delta.new_file().path().map(path_string);
            let ignored = delta.status() == Delta::Ignored;
            let mut push = |path: Option<String>, status| {
                if let Some(path) = path {
                    changes.push(Change {
                        path,
                        status,
                        ignored,
                    });
                }
            };
            match delta.status() {
                Delta::Added | Delta::Untracked | Delta::Ignored => push(new, Status::Added),
                Delta::Deleted => push(old, Status::Deleted),
                Delta::Renamed => {
                    push(old, Status::Deleted);
                    push(new, Status::Added);
                }
                Delta::Copied => push(new, Status::Added),
                Delta::Modified | Delta::Typechange | Delta::Conflicted => {
                    push(new.or(old), Status::Modified)
                }
                Delta::Unmodified | Delta::Unreadable => {}
            }
        }
        changes.retain(|c| prefixes.iter().any(|p| under(&c.path, p)));
        changes.sort();
        changes.dedup();
        Ok(changes)
    }
}

fn path_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `path` is `prefix` or lies under it.
fn under(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::under;

    #[test]
    fn prefixes_match_whole_components() {
        assert!(under("data/labs/x.json", "data"));
        assert!(under("data", "data"));
        assert!(!under("data2/x.json", "data"));
        assert!(under("anything", ""));
    }
}
