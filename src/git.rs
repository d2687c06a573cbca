//! The one place that speaks git2.
//!
//! Everything that reads history or writes refs goes through this module, so
//! the rest of the toolkit sees plain values (commit ids, times, file bytes)
//! and `Error::Git` when a repository cannot be read.

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
        /// The committed bytes (for a link, its target); empty for `Other`.
        pub bytes: Vec<u8>,
    }

    /// Every file under the folder `prefix` (such as `data`) of the tree at
    /// `rev`, sorted by path; empty when the folder does not exist there.
    pub fn tree_files(repo: &Repository, rev: &str, prefix: &str) -> Result<Vec<TreeFile>> {
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
                }]);
            }
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(git_error(format_args!("reading `{prefix}` at `{rev}`"), e)),
        };
        let mut entries = Vec::new();
        let mut failure = None;
        sub.walk(TreeWalkMode::PreOrder, |root, entry| {
            if entry.kind() == Some(ObjectType::Tree) {
                return TreeWalkResult::Ok;
            }
            let name = String::from_utf8_lossy(entry.name_bytes());
            let path = format!("{prefix}/{root}{name}");
            let kind = match (entry.kind(), entry.filemode()) {
                (Some(ObjectType::Blob), 0o120000) => EntryKind::Symlink,
                (Some(ObjectType::Blob), _) => EntryKind::File,
                _ => EntryKind::Other,
            };
            let bytes = if kind == EntryKind::Other {
                Vec::new()
            } else {
                match repo.find_blob(entry.id()) {
                    Ok(blob) => blob.content().to_vec(),
                    Err(e) => {
                        failure = Some(git_error(format_args!("reading `{path}` at `{rev}`"), e));
                        return TreeWalkResult::Abort;
                    }
                }
            };
            entries.push(TreeFile { path, kind, bytes });
            TreeWalkResult::Ok
        })
        .map_err(|e| match failure.take() {
            Some(f) => f,
            None => git_error(format_args!("walking `{prefix}` at `{rev}`"), e),
        })?;
        if let Some(f) = failure {
            return Err(f);
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    }

    /// The paths of the work tree that differ from HEAD, untracked files
    /// included and ignored files excluded; empty when the tree is clean.
    pub fn dirty_paths(repo: &Repository) -> Result<Vec<String>> {
        let mut options = StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(false);
        let statuses = repo
            .statuses(Some(&mut options))
            .map_err(|e| git_error("reading the work tree's status", e))?;
        let mut paths: Vec<String> = statuses
            .iter()
            .filter(|s| !s.status().is_ignored())
            .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
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
}
