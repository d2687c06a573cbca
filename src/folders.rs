//! Folders read once: a folder's entries, names and kinds as the directory
//! itself gives them, kept for as long as their reader lives. A partial
//! check lists the data and looks for untracked files at the same time,
//! over the same folders; sharing one `Folders` between the two makes each
//! folder read once, by whichever asks first, while the other waits for it.
//! A `Folder` is a folder opened once, whose files are opened by name in it.
//! Imports nothing of ours.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, FileType};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// One entry of a folder.
#[derive(Debug)]
pub struct Entry {
    /// Its name in the folder.
    pub name: OsString,
    /// Its kind, without following a symbolic link; an error when the folder
    /// did not say and the entry could not be asked.
    pub kind: io::Result<FileType>,
}

/// A folder's entries sorted by name, or why it could not be read.
pub type Read = io::Result<Vec<Entry>>;

/// The folders read so far, by path.
#[derive(Debug, Default)]
pub struct Folders {
    read: Mutex<HashMap<PathBuf, Arc<OnceLock<Read>>>>,
}

/// A folder read through `Folders`; derefs to what was read.
#[derive(Debug)]
pub struct Held(Arc<OnceLock<Read>>);

impl std::ops::Deref for Held {
    type Target = Read;

    fn deref(&self) -> &Read {
        self.0.get().expect("a held folder has been read")
    }
}

impl Folders {
    /// The entries of the folder at `path`, read now unless they were read
    /// before. Paths that name the same folder share one reading; a folder
    /// another thread is reading is waited for, not read twice.
    pub fn read(&self, path: &Path) -> Held {
        let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let cell = {
            let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(read.entry(key).or_default())
        };
        cell.get_or_init(|| read_sorted(path));
        Held(cell)
    }
}

/// A folder whose files are opened by name in it: the kernel then looks up
/// one name a file, not every folder on the way to it (on Unix; elsewhere,
/// and when the folder could not be opened, files are opened by path).
#[derive(Debug)]
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl Folder {
    /// The folder at `path`, opened now.
    pub fn open(path: &Path) -> Folder {
        #[cfg(unix)]
        let fd = {
            use rustix::fs::{CWD, Mode, OFlags, openat};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            openat(CWD, path, flags, Mode::empty()).ok()
        };
        Folder {
            path: path.to_path_buf(),
            #[cfg(unix)]
            fd,
        }
    }

    /// The folder at `path`, whose files are opened by path.
    pub fn unopened(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(unix)]
            fd: None,
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens its file `name` for reading.
    pub fn open_file(&self, name: &OsStr) -> io::Result<File> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::{Mode, OFlags, openat};
            let flags = OFlags::RDONLY | OFlags::CLOEXEC;
            return Ok(File::from(openat(fd, name, flags, Mode::empty())?));
        }
        File::open(self.path.join(name))
    }
}

/// The entries of `path` sorted by name, so that what is made of them does
/// not depend on the file system's order.
fn read_sorted(path: &Path) -> Read {
    let mut entries = fs::read_dir(path)?
        .map(|entry| {
            entry.map(|e| Entry {
                name: e.file_name(),
                kind: e.file_type(),
            })
        })
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::Folders;

    #[test]
    fn a_folder_is_read_once_under_any_of_its_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.json"), "{}").unwrap();
        let folders = Folders::default();
        let first = folders.read(&dir.path().join("sub"));
        // Written after the first reading: a second reading would see it.
        std::fs::write(dir.path().join("sub/b.json"), "{}").unwrap();
        let again = folders.read(&dir.path().join("sub/../sub/"));
        let names = |held: &super::Held| -> Vec<String> {
            held.as_ref()
                .unwrap()
                .iter()
                .map(|e| e.name.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(&first), ["a.json"]);
        assert_eq!(names(&again), ["a.json"]);
        assert_eq!(
            names(&Folders::default().read(&dir.path().join("sub"))),
            ["a.json", "b.json"]
        );
    }

    #[test]
    fn a_folder_opens_its_files_by_name_and_only_its_own() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "[1]").unwrap();
        for folder in [
            super::Folder::open(dir.path()),
            super::Folder::unopened(dir.path()),
        ] {
            let mut text = String::new();
            let mut file = folder.open_file("a.json".as_ref()).unwrap();
            file.read_to_string(&mut text).unwrap();
            assert_eq!(text, "[1]");
            assert!(folder.open_file("missing.json".as_ref()).is_err());
        }
        // A folder that is not there opens nothing, by name or by path.
        let gone = super::Folder::open(&dir.path().join("gone"));
        assert!(gone.open_file("a.json".as_ref()).is_err());
    }

    #[test]
    fn entries_come_sorted_and_a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["c", "a", "b"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let folders = Folders::default();
        let read = folders.read(dir.path());
        let names: Vec<_> = read
            .as_ref()
            .unwrap()
            .iter()
            .map(|e| e.name.clone())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(folders.read(&dir.path().join("missing")).is_err());
    }
}
