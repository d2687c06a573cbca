//! Committed trees read as folders: the entries of a folder at a revision,
//! the paths that differ between two revisions, and files and folders read
//! from any thread. What a check of a commit reads instead of the work tree.

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::ObjectType;

use super::{Change, Repository, Status, git_error, trust_object_store, under};
use crate::error::Result;

/// What an entry of a committed folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file, executable or not.
    File,
    /// A folder.
    Folder,
    /// A symbolic link.
    Symlink,
    /// A submodule.
    Other,
}

/// The id of a committed file or folder, read back through `Objects`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectId(git2::Oid);

impl From<git2::Oid> for ObjectId {
    fn from(oid: git2::Oid) -> ObjectId {
        ObjectId(oid)
    }
}

/// One entry of a folder of a committed tree.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its name in the folder, as the tree holds it.
    pub name: OsString,
    /// What it is.
    pub kind: Kind,
    /// Its object: the file's bytes, or the folder's entries.
    pub id: ObjectId,
}

/// Reads the objects of one repository from any thread: each thread opens
/// the repository once, on its first read, and keeps it.
#[derive(Debug)]
pub struct Objects {
    git_dir: PathBuf,
}

thread_local! {
    /// The repository this thread opened last, by its git folder.
    static OPENED: RefCell<Option<(PathBuf, git2::Repository)>> = const { RefCell::new(None) };
}

impl Objects {
    /// A reader of the objects of `repository` for any thread. Unlike
    /// `Repository::objects`, it leaves libgit2 verifying each object as it
    /// reads it if the process has it do so, as a release does.
    pub fn of(repository: &git2::Repository) -> Arc<Objects> {
        Arc::new(Objects {
            git_dir: repository.path().to_path_buf(),
        })
    }

    /// `read` on this thread's handle of the repository.
    fn with<T>(
        &self,
        read: impl FnOnce(&git2::Repository) -> std::result::Result<T, String>,
    ) -> std::result::Result<T, String> {
        OPENED.with_borrow_mut(|opened| {
            if opened.as_ref().is_none_or(|(dir, _)| *dir != self.git_dir) {
                let repository = git2::Repository::open(&self.git_dir)
                    .map_err(|e| format!("cannot open the repository: {}", e.message()))?;
                *opened = Some((self.git_dir.clone(), repository));
            }
            let (_, repository) = opened.as_ref().expect("opened above");
            read(repository)
        })
    }

    /// The bytes of the file `id`, or why they cannot be had.
    pub fn file(&self, id: ObjectId) -> std::result::Result<Vec<u8>, String> {
        self.with(|repository| {
            repository
                .find_blob(id.0)
                .map(|blob| blob.content().to_vec())
                .map_err(|e| format!("cannot read the committed file: {}", e.message()))
        })
    }

    /// The entries of the folder `id` sorted by their names' bytes, or why
    /// they cannot be had.
    pub fn folder(&self, id: ObjectId) -> std::result::Result<Vec<Entry>, String> {
        self.with(|repository| {
            repository
                .find_tree(id.0)
                .map(|tree| entries(&tree))
                .map_err(|e| e.message().to_string())
        })
    }
}

/// The entries of `tree` sorted by their names' bytes. A tree sorts a
/// folder as if its name ended in `/`; a folder read from disk is sorted by
/// the names alone.
fn entries(tree: &git2::Tree<'_>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = tree
        .iter()
        .map(|entry| Entry {
            name: os_name(entry.name_bytes()),
            kind: kind(&entry),
            id: ObjectId(entry.id()),
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// What a tree entry is.
fn kind(entry: &git2::TreeEntry<'_>) -> Kind {
    match (entry.kind(), entry.filemode()) {
        (Some(ObjectType::Tree), _) => Kind::Folder,
        (Some(ObjectType::Blob), 0o120000) => Kind::Symlink,
        (Some(ObjectType::Blob), _) => Kind::File,
        _ => Kind::Other,
    }
}

impl Repository {
    /// A reader of this repository's objects for any thread.
    pub fn objects(&self) -> Arc<Objects> {
        trust_object_store();
        Arc::new(Objects {
            git_dir: self.inner.path().to_path_buf(),
        })
    }

    /// The entries of the folder `path` (relative to the work tree, `/`
    /// separated; empty for its root) in the tree of `revision`, sorted by
    /// their names' bytes; `None` when no folder is there.
    pub fn folder_at(&self, revision: &str, path: &str) -> Result<Option<Vec<Entry>>> {
        trust_object_store();
        let tree = self.tree(revision)?;
        if path.is_empty() {
            return Ok(Some(entries(&tree)));
        }
        match tree.get_path(Path::new(path)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => entry
                .to_object(&self.inner)
                .and_then(|o| o.peel_to_tree())
                .map(|folder| Some(entries(&folder)))
                .map_err(|e| git_error(&format!("cannot read `{path}` at `{revision}`"), &e)),
            Ok(_) => Ok(None),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(git_error(
                &format!("cannot read `{path}` at `{revision}`"),
                &e,
            )),
        }
    }

    /// Every path under one of `prefixes` (relative to the work tree; an
    /// empty prefix is the whole tree) that differs between the trees of
    /// `from` and `to`. A renamed file is its old path deleted and its new
    /// path added; a file that became a folder, or a folder that became a
    /// file, is deleted and added. Sorted by path. A folder whose id is the
    /// same on both sides is not read, nor is a folder outside the prefixes.
    pub fn changes_between(&self, from: &str, to: &str, prefixes: &[&str]) -> Result<Vec<Change>> {
        trust_object_store();
        let (old, new) = (self.tree(from)?, self.tree(to)?);
        let mut changes = Vec::new();
        let compare = Compare {
            repository: &self.inner,
            prefixes,
        };
        compare
            .folders(Some(&old), Some(&new), "", &mut changes)
            .map_err(|e| git_error(&format!("cannot compare `{from}` with `{to}`"), &e))?;
        changes.retain(|c| prefixes.iter().any(|p| under(&c.path, p)));
        changes.sort();
        changes.dedup();
        Ok(changes)
    }
}

/// The comparison of two trees below some prefixes.
struct Compare<'r> {
    repository: &'r git2::Repository,
    prefixes: &'r [&'r str],
}

/// What the comparison reads of an entry: its object, mode and kind.
fn side(entry: &git2::TreeEntry<'_>) -> (git2::Oid, i32, Kind) {
    (entry.id(), entry.filemode(), kind(entry))
}

impl Compare<'_> {
    /// Whether anything at or below `path` can lie under a prefix.
    fn wanted(&self, path: &str) -> bool {
        self.prefixes
            .iter()
            .any(|p| under(path, p) || under(p, path))
    }

    /// Pushes the changes between the folders `old` and `new` (either
    /// missing) at `base` (empty, or ending in `/`).
    fn folders(
        &self,
        old: Option<&git2::Tree<'_>>,
        new: Option<&git2::Tree<'_>>,
        base: &str,
        out: &mut Vec<Change>,
    ) -> std::result::Result<(), git2::Error> {
        // Each name once: those of `new`, then those only `old` has.
        let in_old = |e: &git2::TreeEntry<'_>| old.and_then(|t| t.get_name_bytes(e.name_bytes()));
        let names = new
            .into_iter()
            .flat_map(|t| t.iter())
            .map(|e| (in_old(&e).map(|o| side(&o)), Some(side(&e)), e))
            .chain(
                old.into_iter()
                    .flat_map(|t| t.iter())
                    .filter(|e| new.is_none_or(|t| t.get_name_bytes(e.name_bytes()).is_none()))
                    .map(|e| (Some(side(&e)), None, e)),
            );
        for (before, after, entry) in names {
            if before.map(|(id, mode, _)| (id, mode)) == after.map(|(id, mode, _)| (id, mode)) {
                continue;
            }
            let path = format!("{base}{}", String::from_utf8_lossy(entry.name_bytes()));
            if !self.wanted(&path) {
                continue;
            }
            let folder = |side: Option<(git2::Oid, i32, Kind)>| match side {
                Some((id, _, Kind::Folder)) => self.repository.find_tree(id).map(Some),
                _ => Ok(None),
            };
            let (old_folder, new_folder) = (folder(before)?, folder(after)?);
            if old_folder.is_some() || new_folder.is_some() {
                self.folders(
                    old_folder.as_ref(),
                    new_folder.as_ref(),
                    &format!("{path}/"),
                    out,
                )?;
            }
            let file = |side: Option<(git2::Oid, i32, Kind)>| {
                side.is_some_and(|(_, _, kind)| kind != Kind::Folder)
            };
            let status = match (file(before), file(after)) {
                (true, true) => Status::Modified,
                (true, false) => Status::Deleted,
                (false, true) => Status::Added,
                (false, false) => continue,
            };
            out.push(Change {
                path,
                status,
                ignored: false,
            });
        }
        Ok(())
    }
}

/// A name as a tree holds it, as the file system would give it.
fn os_name(bytes: &[u8]) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(bytes.to_vec())
    }
    #[cfg(not(unix))]
    {
        OsString::from(String::from_utf8_lossy(bytes).into_owned())
    }
}
