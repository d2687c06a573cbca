//! The one place that speaks git, through git2 (libgit2, no `git` program
//! needed) and a reader of the index file of its own (`index`). Everything
//! that reads history or writes refs goes through this module: open the
//! repository that holds a path and list what changed since a revision
//! (pull-request mode), read the folders and blobs of a commit
//! (`committed`), and, in `releases`, the HEAD commit, `v*` tags,
//! trees at a revision and annotated tags. Everything returned is plain
//! data, with paths relative to the work tree, so callers never see a git2
//! type.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::folders::Folders;

pub mod committed;
mod index;
mod status;

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
    ///
    /// The work tree is compared as `git status` compares it, by the stat
    /// data in the index (see `status`): a file is read only when that data
    /// cannot vouch for it. Folders are read through `folders`, which a
    /// caller reading the same folders meanwhile can share.
    pub fn changes_since(
        &self,
        revision: &str,
        prefixes: &[&str],
        folders: &Folders,
    ) -> Result<Vec<Change>> {
        let mut changes = status::changes(&self.inner, &self.workdir, revision, prefixes, folders)?;
        changes.retain(|c| prefixes.iter().any(|p| under(&c.path, p)));
        changes.sort();
        changes.dedup();
        Ok(changes)
    }

    /// The newest `v<semver>` tag, if there is one.
    pub fn newest_version_tag(&self) -> Result<Option<String>> {
        Ok(releases::version_tags(&self.inner)?
            .into_iter()
            .next()
            .map(|(_, name)| name))
    }

    /// The `(folder, name)` of every file one folder below `prefix` in the
    /// tree of `revision`, such as `("labs", "x.json")` for `data/labs/x.json`;
    /// empty when `prefix` is not a folder there. Only names are read.
    pub fn names_below(&self, revision: &str, prefix: &str) -> Result<Vec<(String, String)>> {
        let tree = self.tree(revision)?;
        let sub = if prefix.is_empty() {
            tree
        } else {
            match tree.get_path(Path::new(prefix)) {
                Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => entry
                    .to_object(&self.inner)
                    .and_then(|o| o.peel_to_tree())
                    .map_err(|e| {
                        git_error(&format!("cannot read `{prefix}` at `{revision}`"), &e)
                    })?,
                _ => return Ok(Vec::new()),
            }
        };
        let mut out = Vec::new();
        for folder in sub.iter() {
            if folder.kind() != Some(git2::ObjectType::Tree) {
                continue;
            }
            let name = folder.name().unwrap_or_default().to_string();
            let inner = folder
                .to_object(&self.inner)
                .and_then(|o| o.peel_to_tree())
                .map_err(|e| git_error(&format!("cannot read `{prefix}/{name}`"), &e))?;
            for entry in inner.iter() {
                if entry.kind() == Some(git2::ObjectType::Blob)
                    && let Ok(file) = entry.name()
                {
                    out.push((name.clone(), file.to_string()));
                }
            }
        }
        Ok(out)
    }

    /// The bytes of the file `path` (relative to the work tree) in the tree
    /// of `revision`, read from the object store; `None` when no file is there.
    pub fn file_at(&self, revision: &str, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.tree(revision)?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self
            .inner
            .find_blob(entry.id())
            .map_err(|e| git_error(&format!("cannot read `{path}` at `{revision}`"), &e))?;
        Ok(Some(blob.content().to_vec()))
    }

    fn tree(&self, revision: &str) -> Result<git2::Tree<'_>> {
        self.inner
            .revparse_single(revision)
            .and_then(|object| object.peel_to_tree())
            .map_err(|e| git_error(&format!("cannot read revision `{revision}`"), &e))
    }
}

/// Has objects read as git reads them, trusting the object store: libgit2
/// otherwise hashes every object again as it reads it, to verify its id,
/// which on a fresh clone was a twelfth of a pull-request check (the trees
/// of the revision, a hundred thousand names, hashed with collision
/// detection) and a quarter of one between two commits. The setting is the
/// process's; only `git fsck` verifies in git, and a release reads its
/// blobs through `releases`, which turns it back on.
fn trust_object_store() {
    git2::opts::strict_hash_verification(false);
}

/// Whether `path` is `prefix` or lies under it.
pub fn under(path: &str, prefix: &str) -> bool {
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

// ---- Releases, verify and diff: commits, version tags, trees, status ------
//
// Kept in one inline module so that it merges cleanly beside the functions
// other commands need; nothing here depends on anything outside it but the
// error type.

/// Git access for `release` and `diff`: the HEAD commit, `v*` version tags,
/// the files of a tree at a revision, the work tree's status, and annotated
/// tags.
pub mod releases {
    use std::path::{Path, PathBuf};

    use git2::{ObjectType, Repository, Signature, StatusOptions, TreeWalkMode, TreeWalkResult};
    use rayon::prelude::*;

    use crate::error::{Error, Result};

    /// The identity a tag is signed with when the repository configures none.
    pub const FALLBACK_NAME: &str = "techpact";
    /// The e-mail address of the fallback identity.
    pub const FALLBACK_EMAIL: &str = "techpact@localhost";

    fn git_error(what: impl std::fmt::Display, e: git2::Error) -> Error {
        Error::Git(format!("{what}: {}", e.message()))
    }

    /// The repository that holds `start` (or one of its ancestors).
    pub fn discover(start: &Path) -> Result<Repository> {
        Repository::discover(start).map_err(|e| {
            git_error(
                format_args!("no git repository at or above {}", start.display()),
                e,
            )
        })
    }

    /// The repository's work tree; a bare repository has none.
    pub fn workdir(repo: &Repository) -> Result<PathBuf> {
        repo.workdir().map(Path::to_path_buf).ok_or_else(|| {
            Error::Git("the repository is bare; run this in a clone with a work tree".into())
        })
    }

    /// A commit, as releases record it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CommitInfo {
        /// The full hex id.
        pub id: String,
        /// The committer time, in seconds since the Unix epoch.
        pub time: i64,
    }

    /// The commit `rev` names (`HEAD`, a tag, a branch, an id).
    pub fn commit(repo: &Repository, rev: &str) -> Result<CommitInfo> {
        let commit = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| git_error(format_args!("`{rev}` names no commit"), e))?;
        Ok(CommitInfo {
            id: commit.id().to_string(),
            time: commit.time().seconds(),
        })
    }

    /// Every tag `v<semver>`, newest version first; other tags are ignored.
    pub fn version_tags(repo: &Repository) -> Result<Vec<(semver::Version, String)>> {
        let names = repo
            .tag_names(Some("v*"))
            .map_err(|e| git_error("listing tags", e))?;
        let mut tags: Vec<(semver::Version, String)> = names
            .iter()
            .filter_map(|name| {
                let name = name.ok()??;
                let version = semver::Version::parse(name.strip_prefix('v')?).ok()?;
                Some((version, name.to_string()))
            })
            .collect();
        tags.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(tags)
    }

    /// The address of the remote `name` (such as `origin`), when it has one.
    pub fn remote_url(repo: &Repository, name: &str) -> Option<String> {
        repo.find_remote(name).ok()?.url().ok().map(str::to_string)
    }

    /// Whether the tag `name` exists.
    pub fn tag_exists(repo: &Repository, name: &str) -> bool {
        repo.find_reference(&format!("refs/tags/{name}")).is_ok()
    }

    /// What a tree entry is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum EntryKind {
        /// A regular file, executable or not.
        File,
        /// A symbolic link.
        Symlink,
        /// A submodule or anything else that is not a blob.
        Other,
    }

    /// A file of a tree at some revision.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TreeFile {
        /// The path from the repository root, with `/` separators.
        pub path: String,
        /// What it is.
        pub kind: EntryKind,
        /// The committed bytes (for a link, its target); empty for `Other`,
        /// and while set aside (`set_aside`).
        pub bytes: Vec<u8>,
        /// The blob the bytes were read from, to read them again; `None` for
        /// `Other`, and for a file not read from a repository.
        pub blob: Option<git2::Oid>,
    }

    /// Frees the bytes of each of `files` that `read_again` can read back.
    pub fn set_aside(files: &mut [TreeFile]) {
        for file in files.iter_mut().filter(|f| f.blob.is_some()) {
            file.bytes = Vec::new();
        }
    }

    /// Reads back from `repo`, in parallel, the bytes `set_aside` freed of
    /// `files`, which `tree_files` read at `rev`.
    pub fn read_again(repo: &Repository, rev: &str, files: &mut [TreeFile]) -> Result<()> {
        let git_dir = repo.path().to_path_buf();
        files
            .par_iter_mut()
            .filter(|f| f.blob.is_some() && f.bytes.is_empty())
            .try_for_each_init(
                || Repository::open(&git_dir),
                |handle, file| {
                    let blob = file.blob.expect("filtered on a blob id");
                    file.bytes = read_blob(handle, blob, &file.path, rev)?;
                    Ok(())
                },
            )
    }

    /// The bytes of `blob`, read through `handle`, a repository opened for
    /// one thread; `path` and `rev` name it in an error.
    fn read_blob(
        handle: &std::result::Result<Repository, git2::Error>,
        blob: git2::Oid,
        path: &str,
        rev: &str,
    ) -> Result<Vec<u8>> {
        let handle = handle
            .as_ref()
            .map_err(|e| Error::Git(format!("opening the repository again: {}", e.message())))?;
        handle
            .find_blob(blob)
            .map(|blob| blob.content().to_vec())
            .map_err(|e| git_error(format_args!("reading `{path}` at `{rev}`"), e))
    }

    /// Every file under the folder `prefix` (such as `data`) of the tree at
    /// `rev`, sorted by path; empty when the folder does not exist there.
    pub fn tree_files(repo: &Repository, rev: &str, prefix: &str) -> Result<Vec<TreeFile>> {
        // What a release archives is verified against its object id as it
        // is read (pull-request mode turns this off: see `status`).
        git2::opts::strict_hash_verification(true);
        let tree = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_tree())
            .map_err(|e| git_error(format_args!("`{rev}` names no tree"), e))?;
        let sub = match tree.get_path(Path::new(prefix)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => entry
                .to_object(repo)
                .and_then(|o| o.peel_to_tree())
                .map_err(|e| git_error(format_args!("reading `{prefix}` at `{rev}`"), e))?,
            Ok(_) => {
                return Ok(vec![TreeFile {
                    path: prefix.to_string(),
                    kind: EntryKind::Other,
                    bytes: Vec::new(),
                    blob: None,
                }]);
            }
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(git_error(format_args!("reading `{prefix}` at `{rev}`"), e)),
        };
        // The tree is walked first; the blobs are then read in parallel,
        // one repository handle per thread, since a release reads them all.
        let mut listed: Vec<(String, EntryKind, git2::Oid)> = Vec::new();
        sub.walk(TreeWalkMode::PreOrder, |root, entry| {
            if entry.kind() == Some(ObjectType::Tree) {
                return TreeWalkResult::Ok;
            }
            let name = String::from_utf8_lossy(entry.name_bytes());
            let kind = match (entry.kind(), entry.filemode()) {
                (Some(ObjectType::Blob), 0o120000) => EntryKind::Symlink,
                (Some(ObjectType::Blob), _) => EntryKind::File,
                _ => EntryKind::Other,
            };
            listed.push((format!("{prefix}/{root}{name}"), kind, entry.id()));
            TreeWalkResult::Ok
        })
        .map_err(|e| git_error(format_args!("walking `{prefix}` at `{rev}`"), e))?;
        let git_dir = repo.path().to_path_buf();
        let read: Vec<Result<TreeFile>> = listed
            .into_par_iter()
            .map_init(
                || Repository::open(&git_dir),
                |handle, (path, kind, id)| {
                    if kind == EntryKind::Other {
                        return Ok(TreeFile {
                            path,
                            kind,
                            bytes: Vec::new(),
                            blob: None,
                        });
                    }
                    let bytes = read_blob(handle, id, &path, rev)?;
                    Ok(TreeFile {
                        path,
                        kind,
                        bytes,
                        blob: Some(id),
                    })
                },
            )
            .collect();
        let mut entries = read.into_iter().collect::<Result<Vec<_>>>()?;
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    }

    /// The paths of the work tree that differ from HEAD, staged or not,
    /// untracked files included, each with whether git ignores it (an
    /// ignored folder is one entry, ending in `/`); sorted, and empty when
    /// the tree is clean.
    pub fn work_tree_status(repo: &Repository) -> Result<Vec<(String, bool)>> {
        // libgit2 keeps the index it reads for as long as the handle that
        // read it (13 MiB at 100,000 records, held to the end of a release):
        // the status is asked of a handle of its own, closed here.
        let own = Repository::open(repo.workdir().unwrap_or(repo.path()))
            .map_err(|e| git_error("opening the repository again", e))?;
        let mut options = StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(true)
            .recurse_ignored_dirs(false)
            .exclude_submodules(false);
        let statuses = own
            .statuses(Some(&mut options))
            .map_err(|e| git_error("reading the work tree's status", e))?;
        let mut paths: Vec<(String, bool)> = statuses
            .iter()
            .map(|s| {
                (
                    String::from_utf8_lossy(s.path_bytes()).into_owned(),
                    s.status().is_ignored(),
                )
            })
            .collect();
        paths.sort();
        Ok(paths)
    }

    /// Creates the annotated tag `name` on HEAD with `message`, signed by the
    /// configured identity or `techpact <techpact@localhost>`; returns the tag
    /// object's id. Fails when the tag exists.
    pub fn create_annotated_tag(repo: &Repository, name: &str, message: &str) -> Result<String> {
        let head = repo
            .head()
            .and_then(|h| h.peel(ObjectType::Commit))
            .map_err(|e| git_error("reading HEAD", e))?;
        let signature = match repo.signature() {
            Ok(signature) => signature,
            Err(_) => Signature::now(FALLBACK_NAME, FALLBACK_EMAIL)
                .map_err(|e| git_error("building the tagger signature", e))?,
        };
        let oid = repo
            .tag(name, &head, &signature, message, false)
            .map_err(|e| git_error(format_args!("creating tag `{name}`"), e))?;
        Ok(oid.to_string())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        use crate::git::status::tests::{commit, stage_all, write};

        /// A repository with one commit of `files` (path, text).
        fn committed(files: &[(&str, &str)]) -> (tempfile::TempDir, Repository) {
            let dir = tempfile::tempdir().unwrap();
            for (path, text) in files {
                write(dir.path(), path, text);
            }
            let repo = Repository::init(dir.path()).unwrap();
            stage_all(&repo);
            commit(&repo);
            (dir, repo)
        }

        #[test]
        fn bytes_set_aside_are_read_again_as_they_were() {
            let (_dir, repo) = committed(&[
                ("data/labs/a.json", "{\"id\": \"a\"}\n"),
                ("data/labs/b.json", ""),
                ("data/facts/c.json", "{\"id\": \"c\"}\n"),
                ("other/d.json", "{}"),
            ]);
            let read = tree_files(&repo, "HEAD", "data").unwrap();
            let paths: Vec<&str> = read.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(
                paths,
                ["data/facts/c.json", "data/labs/a.json", "data/labs/b.json"]
            );
            assert!(read.iter().all(|f| f.blob.is_some()));
            let mut files = read.clone();
            set_aside(&mut files);
            assert!(files.iter().all(|f| f.bytes.is_empty()));
            read_again(&repo, "HEAD", &mut files).unwrap();
            assert_eq!(files, read);
        }
    }
}
