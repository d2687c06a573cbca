//! What changed between a revision and the work tree, found as `git status`
//! finds it: the revision's tree against the index by object ids, entering
//! only the folders the index's cache tree does not vouch for, and the
//! index against the work tree by the stat data the index keeps (times,
//! size, inode, kind), so that a file is read only when its stat data
//! differs from the index's or cannot vouch for it (racily clean). Untracked
//! files are found by reading folders, never by a stat per file. A path in
//! doubt is settled by its content: the hash of the file on disk against the
//! object id at the revision.

use std::path::Path;

use git2::{ObjectType, Oid};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::{Change, Status, git_error, index, under};
use crate::error::{Error, Result};
use crate::folders::Folders;

/// The file mode of a symbolic link, and of a submodule, in git.
const MODE_LINK: u32 = 0o120000;
const MODE_GITLINK: u32 = 0o160000;
/// The file mode of a folder in a tree.
const MODE_TREE: u32 = 0o040000;

/// What a path is in a tree, the index or the work tree: a blob (file or
/// link, with its object id) or a submodule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Object {
    id: Oid,
    link: bool,
}

/// An index entry under the prefixes, with the stat data git recorded.
struct Tracked {
    path: String,
    object: Object,
    gitlink: bool,
    /// A merge conflict: its content is settled on disk.
    conflicted: bool,
    mtime: (u32, u32),
    ctime: (u32, u32),
    ino: u32,
    size: u32,
}

impl Tracked {
    /// The tracked file of `entry` when its path is UTF-8 and under one of
    /// `prefixes`.
    fn new(entry: index::Entry, prefixes: &[&str]) -> Option<Tracked> {
        let path = String::from_utf8(entry.path).ok()?;
        if !prefixes.iter().any(|p| under(&path, p)) {
            return None;
        }
        Some(Tracked {
            path,
            object: Object {
                id: entry.id,
                link: entry.mode == MODE_LINK,
            },
            gitlink: entry.mode == MODE_GITLINK,
            conflicted: entry.stage != 0,
            mtime: entry.mtime,
            ctime: entry.ctime,
            ino: entry.ino,
            size: entry.size,
        })
    }
}

/// Every path under `prefixes` that differs between the tree of `revision`
/// and the work tree of `repository`, staged or not, untracked and ignored
/// files included; unsorted, each path once. Folders are read through
/// `folders`.
pub(super) fn changes(
    repository: &git2::Repository,
    workdir: &Path,
    revision: &str,
    prefixes: &[&str],
    folders: &Folders,
) -> Result<Vec<Change>> {
    super::trust_object_store();
    let tree = repository
        .revparse_single(revision)
        .and_then(|object| object.peel_to_tree())
        .map_err(|e| git_error(&format!("cannot read revision `{revision}`"), &e))?;
    let index_path = repository.path().join("index");
    let Some(index) = index::read(&index_path) else {
        // libgit2 says what is wrong with it, or else what it is.
        return Err(match repository.index() {
            Err(e) => git_error("cannot read the index", &e),
            Ok(_) => Error::Git(format!(
                "cannot read the index {}: a format techpact does not read",
                index_path.display()
            )),
        });
    };
    // The index's own time: an entry written as late as that is racily
    // clean, since the file may have changed after git looked at it.
    let index_time = index.written.unwrap_or((u32::MAX, u32::MAX));
    let mut staged = Staged {
        repository,
        prefixes,
        paths: FxHashSet::default(),
    };
    staged.folder(b"", Some(tree.clone()), index.tree.as_ref(), &index.entries)?;
    let staged_paths = staged.paths;
    let tracked: Vec<Tracked> = index
        .entries
        .into_iter()
        .filter_map(|e| Tracked::new(e, prefixes))
        .collect();

    // The index against the work tree: a stat of every tracked file, and the
    // folders read for untracked ones, at the same time.
    let mut known: FxHashSet<&str> = FxHashSet::default();
    known.reserve(tracked.len());
    known.extend(tracked.iter().map(|t| t.path.as_str()));
    let submodules: FxHashSet<&str> = tracked
        .iter()
        .filter(|t| t.gitlink)
        .map(|t| t.path.as_str())
        .collect();
    let (dirty, untracked) = rayon::join(
        || {
            tracked
                .par_iter()
                .map_init(Opened::default, |opened, t| {
                    let dirty = t.conflicted || !clean(t, workdir, opened, index_time);
                    (!t.gitlink && dirty).then_some(t.path.as_str())
                })
                .flatten()
                .collect::<Vec<&str>>()
        },
        || {
            let tracked = Known {
                files: &known,
                submodules: &submodules,
            };
            untracked(workdir, prefixes, &tracked, folders)
        },
    );

    // Each path in doubt, settled: what the revision holds there against
    // what the work tree holds.
    // The index is sorted by path, and so is `tracked`; a conflicted path
    // has no entry of its own.
    let in_index = |path: &str| {
        tracked
            .binary_search_by(|t| t.path.as_str().cmp(path))
            .ok()
            .map(|i| &tracked[i])
            .filter(|t| !t.conflicted)
    };
    let dirty: FxHashSet<&str> = dirty.into_iter().collect();
    let mut doubt: Vec<(&str, bool)> = Vec::new();
    doubt.extend(staged_paths.iter().map(|p| (p.as_str(), false)));
    doubt.extend(dirty.iter().map(|p| (*p, false)));
    doubt.extend(untracked.iter().map(|p| (p.as_str(), true)));
    // An untracked path sorts after the same path tracked, and is dropped.
    doubt.sort_unstable();
    doubt.dedup_by(|later, first| later.0 == first.0);
    let mut changes = Vec::new();
    for (path, is_untracked) in doubt {
        let was = in_tree(&tree, path);
        let now = match in_index(path) {
            Some(t) if !dirty.contains(path) => Some(t.object),
            // A name that is not UTF-8 is not found again by its lossy
            // form: it is there, with a content no revision holds.
            _ if is_untracked => on_disk(&workdir.join(path)).or(Some(Object {
                id: Oid::ZERO_SHA1,
                link: false,
            })),
            _ => on_disk(&workdir.join(path)),
        };
        let status = match (was, now) {
            (None, None) => continue,
            (None, Some(_)) => Status::Added,
            (Some(_), None) => Status::Deleted,
            (Some(a), Some(b)) if a == b => continue,
            (Some(_), Some(_)) => Status::Modified,
        };
        let ignored = is_untracked
            && repository
                .status_should_ignore(Path::new(path))
                .unwrap_or(false);
        changes.push(Change {
            path: path.to_string(),
            status,
            ignored,
        });
    }
    Ok(changes)
}

/// The paths under the prefixes whose object differs between a revision's
/// tree and the index, found as `git diff --cached` finds them: a folder
/// whose tree id the index's cache tree vouches for, and that is the
/// revision's, holds no difference and is not entered.
struct Staged<'r> {
    repository: &'r git2::Repository,
    prefixes: &'r [&'r str],
    paths: FxHashSet<String>,
}

/// What a name in one folder is in a tree and in the index.
#[derive(Default)]
struct Here<'e> {
    /// The tree's entry: its id and file mode.
    tree: Option<(Oid, u32)>,
    /// The index's entries of that path, one per stage.
    files: &'e [index::Entry],
    /// The index's entries below it, when it is a folder there.
    below: &'e [index::Entry],
}

impl<'r> Staged<'r> {
    /// Compares the folder `dir` (empty, or ending in `/`; bytes, as git
    /// stores names) of the revision, `tree`, with the index's `entries`
    /// under it, whose cache tree there is `cache`.
    fn folder(
        &mut self,
        dir: &[u8],
        tree: Option<git2::Tree<'r>>,
        cache: Option<&index::CacheTree>,
        entries: &[index::Entry],
    ) -> Result<()> {
        let folder = String::from_utf8_lossy(dir.strip_suffix(b"/").unwrap_or(dir));
        if !self
            .prefixes
            .iter()
            .any(|p| under(&folder, p) || under(p, &folder))
        {
            return Ok(());
        }
        if let (Some(tree), Some(cache)) = (&tree, cache)
            && cache.id == Some(tree.id())
        {
            return Ok(());
        }
        let mut names: std::collections::BTreeMap<Vec<u8>, Here<'_>> = Default::default();
        if let Some(tree) = &tree {
            for item in tree.iter() {
                names.entry(item.name_bytes().to_vec()).or_default().tree =
                    Some((item.id(), item.filemode() as u32));
            }
        }
        let mut rest = entries;
        while let Some(first) = rest.first() {
            let relative = &first.path[dir.len()..];
            match relative.iter().position(|&b| b == b'/') {
                Some(slash) => {
                    let name = &relative[..slash];
                    let n = rest
                        .iter()
                        .take_while(|e| e.path[dir.len()..].starts_with(&relative[..=slash]))
                        .count();
                    names.entry(name.to_vec()).or_default().below = &rest[..n];
                    rest = &rest[n..];
                }
                None => {
                    let n = rest.iter().take_while(|e| e.path == first.path).count();
                    names.entry(relative.to_vec()).or_default().files = &rest[..n];
                    rest = &rest[n..];
                }
            }
        }
        for (name, here) in names {
            let path = [dir, name.as_slice()].concat();
            let subtree = match here.tree {
                Some((id, mode)) if mode == MODE_TREE => Some(
                    self.repository
                        .find_tree(id)
                        .map_err(|e| git_error("cannot read a tree", &e))?,
                ),
                _ => None,
            };
            let file_in_tree = here.tree.filter(|&(_, mode)| mode != MODE_TREE);
            let differs = match (here.files, file_in_tree) {
                ([], None) => false,
                ([entry], Some((id, mode))) => {
                    entry.stage != 0 || entry.id != id || kind(entry.mode) != kind(mode)
                }
                _ => true,
            };
            if differs {
                self.found(String::from_utf8_lossy(&path).into_owned());
            }
            if subtree.is_some() || !here.below.is_empty() {
                // A cache tree vouches only for a folder the index holds.
                let cache = cache
                    .and_then(|c| c.child(&name))
                    .filter(|_| !here.below.is_empty());
                self.folder(&[path, b"/".to_vec()].concat(), subtree, cache, here.below)?;
            }
        }
        Ok(())
    }

    fn found(&mut self, path: String) {
        if self.prefixes.iter().any(|p| under(&path, p)) {
            self.paths.insert(path);
        }
    }
}

/// A blob, a link or a submodule, by file mode: an executable bit alone is
/// no change.
fn kind(mode: u32) -> u32 {
    mode & 0o170000
}

/// What `tree` holds at `path`, a blob or a submodule; `None` for nothing or a folder.
fn in_tree(tree: &git2::Tree<'_>, path: &str) -> Option<Object> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    let mode = entry.filemode() as u32;
    (entry.kind() != Some(ObjectType::Tree)).then(|| Object {
        id: entry.id(),
        link: mode == MODE_LINK,
    })
}

/// The folder of the work tree last opened for the stat data of its files,
/// by its path; no descriptor when it could not be opened.
#[derive(Default)]
struct Opened {
    #[cfg(unix)]
    folder: Option<(String, Option<rustix::fd::OwnedFd>)>,
}

/// Whether the file of `t` is vouched for by its stat data: the same kind,
/// size, inode, change and modification times as the index recorded, and
/// recorded before the index was written (else a change in the same clock
/// tick could hide). Times without nanoseconds compare by seconds. The
/// file is asked of its folder, opened once for all its files, so that the
/// kernel looks up one name per file, not every part of its path (most of
/// the stat's cost). Elsewhere than on Unix the stat data git records is
/// not all at hand, and every file is read.
#[cfg(unix)]
fn clean(t: &Tracked, workdir: &Path, opened: &mut Opened, index_time: (u32, u32)) -> bool {
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    let (folder, name) = t.path.rsplit_once('/').unwrap_or(("", &t.path));
    if opened
        .folder
        .as_ref()
        .is_none_or(|(open, _)| open != folder)
    {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(rustix::fs::CWD, workdir.join(folder), flags, Mode::empty());
        opened.folder = Some((folder.to_string(), fd.ok()));
    }
    let Some((_, Some(fd))) = &opened.folder else {
        return false;
    };
    let Ok(stat) = rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) else {
        return false;
    };
    let racy = if t.mtime.1 == 0 {
        t.mtime.0 >= index_time.0
    } else {
        t.mtime >= index_time
    };
    // Truncated to 32 bits, as git records them.
    let same_time = |recorded: (u32, u32), now: (u32, u32)| {
        recorded.0 == now.0 && (recorded.1 == 0 || recorded.1 == now.1)
    };
    let kind = FileType::from_raw_mode(stat.st_mode);
    (kind == FileType::RegularFile && !t.object.link || kind == FileType::Symlink && t.object.link)
        && stat.st_size as u32 == t.size
        && stat.st_ino as u32 == t.ino
        && same_time(t.mtime, (stat.st_mtime as u32, stat.st_mtime_nsec as u32))
        && same_time(t.ctime, (stat.st_ctime as u32, stat.st_ctime_nsec as u32))
        && !racy
}

#[cfg(not(unix))]
fn clean(_: &Tracked, _: &Path, _: &mut Opened, _: (u32, u32)) -> bool {
    false
}

/// What the work tree holds at `path`: the object id of the file's bytes or
/// the link's target; `None` when nothing, or a folder, is there. The bytes
/// are hashed as they are, without git's filters (line endings, `ident`): a
/// file such a filter would make equal counts as changed, which widens a
/// check but never narrows it.
fn on_disk(path: &Path) -> Option<Object> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let kind = meta.file_type();
    let (bytes, link) = if kind.is_symlink() {
        let target = std::fs::read_link(path).ok()?;
        (target.into_os_string().into_encoded_bytes(), true)
    } else if kind.is_file() {
        // Unreadable now: changed, and the check reports why.
        match std::fs::read(path) {
            Ok(bytes) => (bytes, false),
            Err(_) => {
                return Some(Object {
                    id: Oid::ZERO_SHA1,
                    link: false,
                });
            }
        }
    } else {
        return None;
    };
    let id = Oid::hash_object(ObjectType::Blob, &bytes).unwrap_or(Oid::ZERO_SHA1);
    Some(Object { id, link })
}

/// What the index knows under the prefixes: its files and its submodules.
struct Known<'a> {
    files: &'a FxHashSet<&'a str>,
    submodules: &'a FxHashSet<&'a str>,
}

/// The files and links under `prefixes` that the index does not know,
/// relative to the work tree; found by reading folders (through `folders`),
/// not by a stat per file. `.git` entries and submodules are not entered.
fn untracked(
    workdir: &Path,
    prefixes: &[&str],
    known: &Known<'_>,
    folders: &Folders,
) -> Vec<String> {
    let mut found = Vec::new();
    let mut to_read: Vec<String> = Vec::new();
    for prefix in prefixes {
        if prefix.is_empty() {
            to_read.push(String::new());
            continue;
        }
        match std::fs::symlink_metadata(workdir.join(prefix)) {
            Ok(meta) if meta.is_dir() => to_read.push(prefix.to_string()),
            Ok(_) if !known.files.contains(prefix) => found.push(prefix.to_string()),
            _ => {}
        }
    }
    // One folder at a time, its subfolders in parallel: a data directory's
    // folders are its collections.
    while !to_read.is_empty() {
        let read: Vec<(Vec<String>, Vec<String>)> = to_read
            .par_iter()
            .map(|folder| read_folder(workdir, folder, known, folders))
            .collect();
        to_read = Vec::new();
        for (files, subfolders) in read {
            found.extend(files);
            to_read.extend(subfolders);
        }
    }
    found
}

/// The untracked files of one folder and its subfolders to read next.
fn read_folder(
    workdir: &Path,
    folder: &str,
    known: &Known<'_>,
    folders: &Folders,
) -> (Vec<String>, Vec<String>) {
    let mut files = Vec::new();
    let mut subfolders = Vec::new();
    let read = folders.read(&workdir.join(folder));
    let Ok(entries) = &*read else {
        return (files, subfolders);
    };
    // One buffer for every path: a folder of records holds thousands.
    let mut path = String::new();
    for entry in entries {
        if entry.name == ".git" {
            continue;
        }
        path.clear();
        if !folder.is_empty() {
            path.push_str(folder);
            path.push('/');
        }
        path.push_str(&entry.name.to_string_lossy());
        match &entry.kind {
            Ok(kind) if kind.is_dir() => {
                if !known.submodules.contains(path.as_str()) {
                    subfolders.push(path.clone());
                }
            }
            _ if known.files.contains(path.as_str()) => {}
            _ => files.push(path.clone()),
        }
    }
    (files, subfolders)
}

#[cfg(test)]
pub(super) mod tests {
    //! Each case against libgit2's own comparison of a tree with the work
    //! tree through the index, which reads every file's status. libgit2
    //! also reports a path staged and then reverted in the work tree, whose
    //! content is what the revision holds: its answer is kept to the paths
    //! whose bytes differ.

    use std::path::Path;
    use std::time::{Duration, SystemTime};

    use git2::{Delta, DiffOptions, IndexAddOption, Repository, Signature};

    use super::super::index::tests::git;
    use super::super::{Change, Repository as Ours, Status, index};
    use super::{Opened, Tracked, clean};

    /// `path` with `/` separators.
    fn path_string(path: &Path) -> String {
        path.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    const PREFIXES: &[&str] = &["data", "schema", "Cargo.toml"];

    /// libgit2's answer: `HEAD~`-style comparison of `revision` with the
    /// work tree, through the index, untracked and ignored files included.
    fn libgit2(repository: &Repository, revision: &str) -> Vec<Change> {
        let tree = repository
            .revparse_single(revision)
            .and_then(|o| o.peel_to_tree())
            .unwrap();
        let mut options = DiffOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(true)
            .recurse_ignored_dirs(true)
            .include_typechange(true);
        let diff = repository
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))
            .unwrap();
        let mut changes = Vec::new();
        for delta in diff.deltas() {
            let old = delta.old_file().path().map(path_string);
            let new = delta.new_file().path().map(path_string);
            let ignored = delta.status() == Delta::Ignored;
            let (path, status) = match delta.status() {
                Delta::Added | Delta::Untracked | Delta::Ignored => (new, Status::Added),
                Delta::Deleted => (old, Status::Deleted),
                Delta::Modified | Delta::Typechange | Delta::Conflicted => {
                    (new.or(old), Status::Modified)
                }
                _ => continue,
            };
            if let Some(path) = path {
                changes.push(Change {
                    path,
                    status,
                    ignored,
                });
            }
        }
        let root = repository.workdir().unwrap();
        let committed = |path: &str| -> Option<Vec<u8>> {
            let entry = tree.get_path(Path::new(path)).ok()?;
            let blob = repository.find_blob(entry.id()).ok()?;
            Some(blob.content().to_vec())
        };
        let on_disk = |path: &str| -> Option<Vec<u8>> {
            let path = root.join(path);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).ok()?;
                return Some(target.into_os_string().into_encoded_bytes());
            }
            std::fs::read(&path).ok()
        };
        changes.retain(|c| PREFIXES.iter().any(|p| super::under(&c.path, p)));
        changes.retain(|c| committed(&c.path) != on_disk(&c.path));
        changes.sort();
        changes
    }

    /// A repository with three records, a schema, a manifest and an
    /// ignore rule, all committed.
    fn repository() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("data/labs/a.json", "{\"id\": \"a\"}\n"),
            ("data/labs/b.json", "{\"id\": \"b\"}\n"),
            ("data/places/c.json", "{\"id\": \"c\"}\n"),
            ("schema/labs.schema.json", "{}\n"),
            ("Cargo.toml", "[package]\n"),
            (".gitignore", "*.tmp\n"),
        ] {
            write(root, path, text);
        }
        let repository = Repository::init(root).unwrap();
        stage_all(&repository);
        commit(&repository);
        (dir, repository)
    }

    pub(in crate::git) fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub(in crate::git) fn stage_all(repository: &Repository) {
        let mut index = repository.index().unwrap();
        index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
    }

    pub(in crate::git) fn commit(repository: &Repository) {
        let mut index = repository.index().unwrap();
        let tree = repository.find_tree(index.write_tree().unwrap()).unwrap();
        let signature = Signature::now("techpact", "techpact@example.org").unwrap();
        let parents: Vec<git2::Commit<'_>> = repository
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        repository
            .commit(Some("HEAD"), &signature, &signature, "c", &tree, &parents)
            .unwrap();
    }

    /// Sets the modification time of the file at `path` under `root`.
    fn set_mtime(root: &Path, path: &str, time: SystemTime) {
        let file = std::fs::File::options()
            .write(true)
            .open(root.join(path))
            .unwrap();
        file.set_modified(time).unwrap();
    }

    /// Ours and libgit2's answers agree, and ours is `expected`.
    fn agree(repository: &Repository, revision: &str, expected: &[(&str, Status, bool)]) {
        let root = repository.workdir().unwrap();
        let ours = Ours::discover(root)
            .unwrap()
            .changes_since(revision, PREFIXES, &Default::default())
            .unwrap();
        assert_eq!(ours, libgit2(repository, revision), "against libgit2");
        assert_eq!(ours, changes_of(expected));
    }

    /// The changes `(path, status, ignored)`.
    fn changes_of(expected: &[(&str, Status, bool)]) -> Vec<Change> {
        expected
            .iter()
            .map(|(path, status, ignored)| Change {
                path: path.to_string(),
                status: *status,
                ignored: *ignored,
            })
            .collect()
    }

    #[test]
    fn a_clean_work_tree_has_no_change() {
        let (_dir, repository) = repository();
        agree(&repository, "HEAD", &[]);
    }

    /// The stat data the index keeps vouches for the files nobody touched,
    /// in the work tree's root as in a folder, and for no other: else every
    /// file would be read, or an edit missed.
    #[test]
    fn stat_data_vouches_for_untouched_files_only() {
        let (dir, _repository) = repository();
        let root = dir.path();
        let index = index::read(&root.join(".git/index")).unwrap();
        let tracked: Vec<Tracked> = index
            .entries
            .into_iter()
            .filter_map(|e| Tracked::new(e, &[""]))
            .collect();
        // An index written after all its entries: none is racily clean.
        let written = (u32::MAX - 1, 0);
        let vouched = || {
            let mut opened = Opened::default();
            tracked
                .iter()
                .filter(|t| clean(t, root, &mut opened, written))
                .map(|t| t.path.as_str())
                .collect::<Vec<&str>>()
        };
        assert_eq!(
            vouched(),
            [
                ".gitignore",
                "Cargo.toml",
                "data/labs/a.json",
                "data/labs/b.json",
                "data/places/c.json",
                "schema/labs.schema.json"
            ]
        );
        write(root, "data/labs/a.json", "{\"id\": \"z\"}\n");
        std::fs::remove_file(root.join("data/places/c.json")).unwrap();
        std::fs::remove_file(root.join("Cargo.toml")).unwrap();
        std::fs::create_dir(root.join("Cargo.toml")).unwrap();
        assert_eq!(
            vouched(),
            [".gitignore", "data/labs/b.json", "schema/labs.schema.json"]
        );
    }

    #[test]
    fn an_edit_of_the_same_size_with_the_old_modification_time_is_found() {
        let (dir, repository) = repository();
        let root = dir.path();
        let recorded = std::fs::metadata(root.join("data/labs/a.json"))
            .unwrap()
            .modified()
            .unwrap();
        write(root, "data/labs/a.json", "{\"id\": \"z\"}\n");
        set_mtime(root, "data/labs/a.json", recorded);
        agree(
            &repository,
            "HEAD",
            &[("data/labs/a.json", Status::Modified, false)],
        );
    }

    #[test]
    fn racily_clean_entries_are_read_and_unchanged_ones_stay_unreported() {
        let (dir, repository) = repository();
        let root = dir.path();
        // An index older than its entries vouches for none of them.
        let past = SystemTime::now() - Duration::from_secs(3600);
        set_mtime(root, ".git/index", past);
        write(root, "data/labs/b.json", "{\"id\": \"y\"}\n");
        agree(
            &repository,
            "HEAD",
            &[("data/labs/b.json", Status::Modified, false)],
        );
    }

    #[test]
    fn a_touched_but_unchanged_file_is_no_change() {
        let (dir, repository) = repository();
        let root = dir.path();
        set_mtime(
            root,
            "data/labs/a.json",
            SystemTime::now() + Duration::from_secs(5),
        );
        write(root, "data/places/c.json", "{\"id\": \"c\"}\n");
        agree(&repository, "HEAD", &[]);
    }

    #[test]
    fn untracked_ignored_and_deleted_files_are_changes() {
        let (dir, repository) = repository();
        let root = dir.path();
        write(root, "data/labs/new.json", "{}\n");
        write(root, "data/labs/scratch.tmp", "x\n");
        write(root, "data/extra/deep/d.json", "{}\n");
        write(root, "schema/notes.tmp", "x\n");
        std::fs::remove_file(root.join("data/places/c.json")).unwrap();
        agree(
            &repository,
            "HEAD",
            &[
                ("data/extra/deep/d.json", Status::Added, false),
                ("data/labs/new.json", Status::Added, false),
                ("data/labs/scratch.tmp", Status::Added, true),
                ("data/places/c.json", Status::Deleted, false),
                ("schema/notes.tmp", Status::Added, true),
            ],
        );
    }

    #[test]
    fn staged_changes_count_and_a_revert_in_the_work_tree_cancels_them() {
        let (dir, repository) = repository();
        let root = dir.path();
        write(root, "data/labs/a.json", "{\"id\": \"staged\"}\n");
        write(root, "data/labs/b.json", "{\"id\": \"staged\"}\n");
        write(root, "data/labs/added.json", "{}\n");
        std::fs::remove_file(root.join("data/places/c.json")).unwrap();
        stage_all(&repository);
        // Staged, then reverted in the work tree: the same as at HEAD.
        write(root, "data/labs/b.json", "{\"id\": \"b\"}\n");
        agree(
            &repository,
            "HEAD",
            &[
                ("data/labs/a.json", Status::Modified, false),
                ("data/labs/added.json", Status::Added, false),
                ("data/places/c.json", Status::Deleted, false),
            ],
        );
    }

    #[test]
    fn a_change_in_the_work_tree_reverted_is_no_change() {
        let (dir, repository) = repository();
        let root = dir.path();
        write(root, "data/labs/a.json", "{\"id\": \"changed\"}\n");
        write(root, "data/labs/a.json", "{\"id\": \"a\"}\n");
        agree(&repository, "HEAD", &[]);
    }

    #[test]
    fn a_rename_is_a_deletion_and_an_addition_staged_or_not() {
        let (dir, repository) = repository();
        let root = dir.path();
        std::fs::rename(
            root.join("data/labs/a.json"),
            root.join("data/labs/moved.json"),
        )
        .unwrap();
        let expected = [
            ("data/labs/a.json", Status::Deleted, false),
            ("data/labs/moved.json", Status::Added, false),
        ];
        agree(&repository, "HEAD", &expected);
        stage_all(&repository);
        agree(&repository, "HEAD", &expected);
    }

    #[test]
    fn commits_since_the_revision_count_with_the_work_tree() {
        let (dir, repository) = repository();
        let root = dir.path();
        write(root, "data/labs/a.json", "{\"id\": \"committed\"}\n");
        write(root, "Cargo.toml", "[package]\nname = \"x\"\n");
        stage_all(&repository);
        commit(&repository);
        write(root, "data/labs/b.json", "{\"id\": \"unstaged\"}\n");
        agree(
            &repository,
            "HEAD~1",
            &[
                ("Cargo.toml", Status::Modified, false),
                ("data/labs/a.json", Status::Modified, false),
                ("data/labs/b.json", Status::Modified, false),
            ],
        );
        // Back to what the revision holds: no change against it.
        write(root, "data/labs/a.json", "{\"id\": \"a\"}\n");
        write(root, "data/labs/b.json", "{\"id\": \"b\"}\n");
        write(root, "Cargo.toml", "[package]\n");
        agree(&repository, "HEAD~1", &[]);
    }

    #[test]
    fn an_index_written_by_git_gives_the_same_changes_and_a_split_one_an_error() {
        let (dir, repository) = repository();
        let root = dir.path();
        write(root, "data/labs/a.json", "{\"id\": \"committed\"}\n");
        write(root, "data/places/c.json", "{\"id\": \"committed\"}\n");
        git(root, &["commit", "--quiet", "-am", "one"]);
        // The cache tree vouches for `data/places` (which differs from
        // `HEAD~1`'s) and `schema`, no longer for `data/labs`, where a
        // change is staged and another is not.
        write(root, "data/labs/b.json", "{\"id\": \"staged\"}\n");
        git(root, &["add", "data/labs/b.json"]);
        write(root, "data/labs/new.json", "{}\n");
        git(root, &["add", "data/labs/new.json"]);
        write(root, "data/labs/b.json", "{\"id\": \"unstaged\"}\n");
        let since_head = [
            ("data/labs/b.json", Status::Modified, false),
            ("data/labs/new.json", Status::Added, false),
        ];
        let since_before = [
            ("data/labs/a.json", Status::Modified, false),
            ("data/labs/b.json", Status::Modified, false),
            ("data/labs/new.json", Status::Added, false),
            ("data/places/c.json", Status::Modified, false),
        ];
        let index = super::index::read(&root.join(".git/index")).expect("an index git wrote");
        let tree = index.tree.expect("a cache tree");
        let data = tree.child(b"data").unwrap();
        assert!(data.child(b"labs").unwrap().id.is_none());
        assert!(data.child(b"places").unwrap().id.is_some());
        agree(&repository, "HEAD", &since_head);
        agree(&repository, "HEAD~1", &since_before);
        // With no index every file is untracked, and settled by its bytes;
        // so it is with the index `git reset` writes.
        std::fs::remove_file(root.join(".git/index")).unwrap();
        let ours = Ours::discover(root).unwrap();
        assert_eq!(
            ours.changes_since("HEAD", PREFIXES, &Default::default())
                .unwrap(),
            changes_of(&since_head)
        );
        git(root, &["reset", "--quiet", "--mixed"]);
        agree(&repository, "HEAD", &since_head);
        // A split index is one that neither techpact nor libgit2 reads.
        git(root, &["update-index", "--split-index"]);
        let error = ours
            .changes_since("HEAD", PREFIXES, &Default::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("'link'"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_whose_name_is_not_utf8_is_compared_by_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let (dir, _repository) = repository();
        let root = dir.path();
        let odd = root.join(std::ffi::OsStr::from_bytes(b"data/labs/\xff\xfe"));
        std::fs::create_dir_all(&odd).unwrap();
        std::fs::write(odd.join("x.json"), "{}\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "--quiet", "-m", "odd"]);
        // Staged changes in it and beside it: neither folder is vouched for.
        std::fs::write(odd.join("x.json"), "{\"changed\": 1}\n").unwrap();
        write(root, "data/labs/a.json", "{\"id\": \"staged\"}\n");
        git(root, &["add", "-A"]);
        let changes = Ours::discover(root)
            .unwrap()
            .changes_since("HEAD", PREFIXES, &Default::default())
            .unwrap();
        assert!(
            changes.contains(&Change {
                path: "data/labs/a.json".into(),
                status: Status::Modified,
                ignored: false,
            }),
            "{changes:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_turned_into_a_link_or_a_folder_is_a_change() {
        let (dir, repository) = repository();
        let root = dir.path();
        std::fs::remove_file(root.join("data/labs/a.json")).unwrap();
        std::os::unix::fs::symlink("b.json", root.join("data/labs/a.json")).unwrap();
        std::fs::remove_file(root.join("data/places/c.json")).unwrap();
        write(root, "data/places/c.json/inner.json", "{}\n");
        agree(
            &repository,
            "HEAD",
            &[
                ("data/labs/a.json", Status::Modified, false),
                ("data/places/c.json", Status::Deleted, false),
                ("data/places/c.json/inner.json", Status::Added, false),
            ],
        );
    }
}
