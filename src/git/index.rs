//! The index file read as git reads it (versions 2 to 4): each entry with
//! the stat data git recorded, and the cache tree, the object id of every
//! folder the index still vouches for. A hundred thousand entries read in
//! one pass over the file's bytes, where libgit2 allocates each entry and
//! hashes the whole file first; git itself skips that hash on reads too.
//! An index this reader does not know (split, sparse, another hash length)
//! or cannot make sense of is `None`, and libgit2 says what is wrong with it.

use std::path::Path;

use git2::Oid;

/// The length of a SHA-1 object id.
const ID_LEN: usize = 20;
/// The fixed part of an entry, up to and with its flags.
const ENTRY_FIXED: usize = 62;
/// The flag of an entry with a second flags field (version 3 and later).
const EXTENDED: u16 = 0x4000;

/// One index entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    /// Its path, with `/` separators, as git stored it.
    pub path: Vec<u8>,
    pub id: Oid,
    pub mode: u32,
    /// The merge stage: 0, or 1 to 3 for the sides of a conflict.
    pub stage: u8,
    pub mtime: (u32, u32),
    pub ctime: (u32, u32),
    pub ino: u32,
    pub size: u32,
}

/// A folder of the cache tree: the object id of the tree the index holds
/// there, when the index still vouches for it, and its subfolders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CacheTree {
    /// `None` when an entry below changed since the tree was computed.
    pub id: Option<Oid>,
    /// Subfolders by name, as git stored them.
    pub children: Vec<(Vec<u8>, CacheTree)>,
}

impl CacheTree {
    /// The subfolder `name`.
    pub fn child(&self, name: &[u8]) -> Option<&CacheTree> {
        self.children
            .iter()
            .find(|(n, _)| n.as_slice() == name)
            .map(|(_, c)| c)
    }
}

/// An index: its entries, sorted by path then stage, its cache tree, and
/// when the file was written.
#[derive(Debug)]
pub(super) struct Index {
    pub entries: Vec<Entry>,
    pub tree: Option<CacheTree>,
    /// The file's modification time, as git compares it with its entries'
    /// (seconds, nanoseconds since the epoch); `None` when there is no file.
    pub written: Option<(u32, u32)>,
}

/// The index file at `path`, empty when there is none; `None` when it is
/// unreadable or not one this reader knows. Its time and its bytes come
/// from one opened file, so they belong to the same version of it.
pub(super) fn read(path: &Path) -> Option<Index> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(Index {
                entries: Vec::new(),
                tree: None,
                written: None,
            });
        }
        Err(_) => return None,
    };
    let written = file
        .metadata()
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|since| (since.as_secs() as u32, since.subsec_nanos()));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    let mut index = parse(&bytes)?;
    index.written = written;
    Some(index)
}

/// A cursor over the bytes of an index.
struct Bytes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    /// The bytes up to the next `stop`, which is skipped.
    fn until(&mut self, stop: u8) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.at..)?;
        let end = rest.iter().position(|&b| b == stop)?;
        self.at += end + 1;
        Some(&rest[..end])
    }

    /// Git's variable-length offset integer (index version 4).
    fn varint(&mut self) -> Option<usize> {
        let mut byte = *self.take(1)?.first()?;
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = *self.take(1)?.first()?;
            value = value
                .checked_add(1)?
                .checked_mul(128)?
                .checked_add(usize::from(byte & 0x7f))?;
        }
        Some(value)
    }
}

/// The index in `bytes`.
fn parse(bytes: &[u8]) -> Option<Index> {
    // The trailing checksum is not read: see the module's comment.
    let body = bytes.get(..bytes.len().checked_sub(ID_LEN)?)?;
    let mut cursor = Bytes { bytes: body, at: 0 };
    if cursor.take(4)? != b"DIRC" {
        return None;
    }
    let version = cursor.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = cursor.u32()? as usize;
    // Every entry takes at least its fixed part (and a byte of path).
    let mut entries = Vec::with_capacity(count.min(body.len() / ENTRY_FIXED));
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = cursor.at;
        let ctime = (cursor.u32()?, cursor.u32()?);
        let mtime = (cursor.u32()?, cursor.u32()?);
        let _dev = cursor.u32()?;
        let ino = cursor.u32()?;
        let mode = cursor.u32()?;
        let _uid_gid = cursor.take(8)?;
        let size = cursor.u32()?;
        let id = Oid::from_bytes(cursor.take(ID_LEN)?).ok()?;
        let flags = cursor.u16()?;
        if flags & EXTENDED != 0 {
            if version < 3 {
                return None;
            }
            cursor.u16()?;
        }
        let path = if version == 4 {
            let strip = cursor.varint()?;
            let kept = previous.len().checked_sub(strip)?;
            let mut path = previous[..kept].to_vec();
            path.extend_from_slice(cursor.until(0)?);
            path
        } else {
            let path = cursor.until(0)?.to_vec();
            // Padded with NULs to a multiple of eight bytes, the first NUL
            // being the path's end.
            let fixed = cursor.at - start - path.len() - 1;
            let padded = (fixed + path.len() + 8) & !7;
            cursor.at = start.checked_add(padded)?;
            if cursor.at > body.len() {
                return None;
            }
            path
        };
        if version == 4 {
            previous.clone_from(&path);
        }
        entries.push(Entry {
            path,
            id,
            mode,
            stage: ((flags >> 12) & 0x3) as u8,
            mtime,
            ctime,
            ino,
            size,
        });
    }
    let mut tree = None;
    while cursor.at < body.len() {
        let signature = cursor.take(4)?;
        let size = cursor.u32()? as usize;
        let data = cursor.take(size)?;
        match signature {
            b"TREE" => tree = Some(cache_tree(&mut Bytes { bytes: data, at: 0 })?.1),
            // An extension named in upper case is optional; any other (a
            // split or sparse index) changes what the entries mean.
            [first, ..] if first.is_ascii_uppercase() => {}
            _ => return None,
        }
    }
    Some(Index {
        entries,
        tree,
        written: None,
    })
}

/// One folder of the cache tree extension, with its name, and after it its
/// subfolders.
fn cache_tree(cursor: &mut Bytes<'_>) -> Option<(Vec<u8>, CacheTree)> {
    let name = cursor.until(0)?.to_vec();
    let count = std::str::from_utf8(cursor.until(b' ')?).ok()?;
    let children = std::str::from_utf8(cursor.until(b'\n')?).ok()?;
    let count: i64 = count.parse().ok()?;
    let children: usize = children.parse().ok()?;
    let id = if count >= 0 {
        Some(Oid::from_bytes(cursor.take(ID_LEN)?).ok()?)
    } else {
        None
    };
    let mut tree = CacheTree {
        id,
        children: Vec::with_capacity(children.min(1024)),
    };
    for _ in 0..children {
        tree.children.push(cache_tree(cursor)?);
    }
    Some((name, tree))
}

#[cfg(test)]
pub(super) mod tests {
    //! Each index against libgit2's reading of the same file, written by
    //! libgit2 and by the `git` program in each version.

    use std::path::Path;
    use std::process::Command;

    use super::{Entry, Index, read};

    /// What libgit2 reads from the index of the repository at `root`.
    fn libgit2(root: &Path) -> Vec<Entry> {
        let repository = git2::Repository::open(root).unwrap();
        let index = repository.index().unwrap();
        index
            .iter()
            .map(|e| Entry {
                path: e.path,
                id: e.id,
                mode: e.mode,
                stage: ((e.flags >> 12) & 0x3) as u8,
                mtime: (e.mtime.seconds() as u32, e.mtime.nanoseconds()),
                ctime: (e.ctime.seconds() as u32, e.ctime.nanoseconds()),
                ino: e.ino,
                size: e.file_size,
            })
            .collect()
    }

    /// Runs the `git` program in `root`, which must succeed.
    pub(in crate::git) fn git(root: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(root)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    /// A repository of a few files in nested folders, every path length
    /// from one byte to past a padding boundary, committed by `git`.
    fn repository() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "--quiet"]);
        for n in 1..=20 {
            let name = "n".repeat(n);
            std::fs::create_dir_all(root.join("data/labs")).unwrap();
            std::fs::write(root.join(format!("data/labs/{name}.json")), name.as_bytes()).unwrap();
            std::fs::write(root.join(&name), b"x").unwrap();
        }
        std::fs::write(root.join("data/a.json"), b"{}").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "--quiet", "-m", "c"]);
        dir
    }

    fn ours(root: &Path) -> Index {
        read(&root.join(".git/index")).expect("an index this reader knows")
    }

    #[test]
    fn a_version_2_index_written_by_git_reads_as_libgit2_reads_it() {
        let dir = repository();
        let index = ours(dir.path());
        assert_eq!(index.entries.len(), 41);
        assert_eq!(index.entries, libgit2(dir.path()));
        // `git commit` leaves the cache tree valid, the root's id that of HEAD.
        let head = git2::Repository::open(dir.path())
            .unwrap()
            .head()
            .unwrap()
            .peel_to_tree()
            .unwrap()
            .id();
        let tree = index.tree.expect("a cache tree");
        assert_eq!(tree.id, Some(head));
        assert!(
            tree.child(b"data")
                .unwrap()
                .child(b"labs")
                .unwrap()
                .id
                .is_some()
        );
    }

    #[test]
    fn versions_3_and_4_read_as_libgit2_reads_them() {
        let dir = repository();
        let root = dir.path();
        // An intent-to-add entry needs the extended flags of version 3.
        std::fs::write(root.join("data/labs/later.json"), b"{}").unwrap();
        git(root, &["add", "--intent-to-add", "data/labs/later.json"]);
        assert_eq!(std::fs::read(root.join(".git/index")).unwrap()[7], 3);
        assert_eq!(ours(root).entries, libgit2(root));
        // Version 4 compresses each path against the one before.
        git(root, &["update-index", "--index-version", "4"]);
        assert_eq!(std::fs::read(root.join(".git/index")).unwrap()[7], 4);
        assert_eq!(ours(root).entries, libgit2(root));
        // An entry staged after the commit leaves its folders unvouched for.
        std::fs::write(root.join("data/labs/n.json"), b"changed").unwrap();
        git(root, &["add", "data/labs/n.json"]);
        let tree = ours(root).tree.expect("a cache tree");
        assert_eq!(tree.id, None);
        assert_eq!(tree.child(b"data").unwrap().id, None);
    }

    #[test]
    fn a_conflict_keeps_every_stage() {
        let dir = repository();
        let root = dir.path();
        git(root, &["checkout", "--quiet", "-b", "side"]);
        std::fs::write(root.join("data/a.json"), b"{\"side\": 1}").unwrap();
        git(root, &["commit", "--quiet", "-am", "side"]);
        git(root, &["checkout", "--quiet", "-"]);
        std::fs::write(root.join("data/a.json"), b"{\"main\": 1}").unwrap();
        git(root, &["commit", "--quiet", "-am", "main"]);
        let merge = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(["merge", "--quiet", "side"])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(!merge.status.success(), "the merge conflicts");
        let entries = ours(root).entries;
        let stages: Vec<u8> = entries
            .iter()
            .filter(|e| e.path == b"data/a.json")
            .map(|e| e.stage)
            .collect();
        assert_eq!(stages, [1, 2, 3]);
        assert_eq!(entries, libgit2(root));
    }

    #[test]
    fn a_split_index_or_a_damaged_one_is_not_read() {
        let dir = repository();
        let root = dir.path();
        let path = root.join(".git/index");
        let bytes = std::fs::read(&path).unwrap();
        // Cut short, or with an entry count past its end.
        assert!(super::parse(&bytes[..bytes.len() / 2]).is_none());
        let mut more = bytes.clone();
        more[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(super::parse(&more).is_none());
        assert!(super::parse(b"").is_none());
        git(root, &["update-index", "--split-index"]);
        assert!(read(&path).is_none());
    }
}
