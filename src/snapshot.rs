//! Reading a release: the records of a release archive, of a release
//! folder or of a release's git tag, as a `Snapshot`.
//!
//! An archive is untrusted input, read in memory within `Limits`. `scan`
//! checks every header before anything is read (`release/unsafe-path`,
//! `release/bad-archive`); `each_entry` then hands over each entry's
//! content. `verify` unpacks through these two, `diff` and `verify
//! --previous` read records through `Snapshot`, so every reader of a release
//! applies the same checks.

use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;

use flate2::bufread::GzDecoder;
use serde_json::Value;

use crate::diag::Code;
use crate::error::{Error, Result};
use crate::git::releases as git;
use crate::json;

/// The name every release archive and manifest carries.
pub const NAME: &str = "techpact-data";

/// The version in an archive's file name `techpact-data-<version>.tar.gz`.
/// (`techpact-data-<version>-csv.tar.gz`, the CSV tables, is not one.)
pub fn version_of_archive_name(name: &str) -> Option<&str> {
    name.strip_prefix(NAME)?
        .strip_prefix('-')?
        .strip_suffix(".tar.gz")
        .filter(|v| !v.ends_with("-csv"))
}

/// How much an archive may unpack to; beyond these it is refused as a
/// decompression bomb before the offending entry is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes all entries together may hold.
    pub max_total_bytes: u64,
    /// The most bytes one entry may hold.
    pub max_entry_bytes: u64,
    /// The most entries an archive may have.
    pub max_entries: usize,
}

impl Default for Limits {
    /// 1 GiB in all, 1 GiB per entry, 250,000 entries: far above any
    /// release of this dataset, far below what would exhaust a machine.
    fn default() -> Limits {
        Limits {
            max_total_bytes: 1 << 30,
            max_entry_bytes: 1 << 30,
            max_entries: 250_000,
        }
    }
}

impl Limits {
    /// The most bytes the decompressed stream may hold: the content plus a
    /// header and padding per entry and the end-of-archive blocks.
    fn stream_budget(&self) -> u64 {
        let per_entry = (self.max_entries as u64)
            .saturating_add(32)
            .saturating_mul(1024);
        self.max_total_bytes.saturating_add(per_entry)
    }
}

/// An archive entry whose header passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The relative path, without a trailing `/`.
    pub path: String,
    /// A folder rather than a regular file.
    pub is_dir: bool,
    /// The size the header declares.
    pub size: u64,
}

/// Why an archive is refused: about one entry, or the whole archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `release/unsafe-path` or `release/bad-archive`.
    pub code: Code,
    /// The entry's path as the header spells it, when the problem is one entry's.
    pub entry: Option<String>,
    /// What is wrong, completing "entry `x` …" or standing alone.
    pub message: String,
}

impl Problem {
    pub(crate) fn archive(message: impl Into<String>) -> Problem {
        Problem {
            code: Code::ReleaseBadArchive,
            entry: None,
            message: message.into(),
        }
    }

    pub(crate) fn describe(&self) -> String {
        match &self.entry {
            Some(entry) => format!("entry `{}` {}", entry.escape_debug(), self.message),
            None => self.message.clone(),
        }
    }
}

/// A reader that fails once more than `left` bytes pass through it, and
/// says so in `exceeded`, so a decompression bomb stops at the limit.
struct Budget<R> {
    inner: R,
    left: u64,
    exceeded: Rc<Cell<bool>>,
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.exceeded.set(true);
            return Err(io::Error::other("the size limit was reached"));
        }
        let max = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

type Stream<'a> = Budget<GzDecoder<&'a [u8]>>;

fn open_stream<'a>(bytes: &'a [u8], limits: &Limits) -> (tar::Archive<Stream<'a>>, Rc<Cell<bool>>) {
    let exceeded = Rc::new(Cell::new(false));
    let stream = Budget {
        inner: GzDecoder::new(bytes),
        left: limits.stream_budget(),
        exceeded: Rc::clone(&exceeded),
    };
    (tar::Archive::new(stream), exceeded)
}

fn stream_problem(e: &io::Error, exceeded: &Cell<bool>, limits: &Limits) -> Problem {
    if exceeded.get() {
        Problem::archive(format!(
            "unpacks to more than the limit of {} bytes; refused as a possible decompression bomb",
            limits.max_total_bytes
        ))
    } else {
        Problem::archive(format!("is not a valid gzip-compressed tar archive: {e}"))
    }
}

/// `raw` as a safe relative path: UTF-8, relative, plain components only.
pub(crate) fn safe_path(raw: &[u8]) -> std::result::Result<String, &'static str> {
    let text = std::str::from_utf8(raw).map_err(|_| "has a path that is not UTF-8")?;
    if text.starts_with('/') {
        return Err("has an absolute path");
    }
    if text.contains('\\') {
        return Err("has a backslash in its path, a separator on Windows");
    }
    let trimmed = text.strip_suffix('/').unwrap_or(text);
    if trimmed.is_empty() {
        return Err("has an empty path");
    }
    for part in trimmed.split('/') {
        match part {
            ".." => return Err("climbs out of the folder with `..`"),
            "" | "." => return Err("is not a plain relative path"),
            _ if part.contains(':') => {
                return Err("has a `:` in its path, a drive or stream on Windows");
            }
            _ if part.chars().any(char::is_control) => {
                return Err("has a control character in its path");
            }
            _ => {}
        }
    }
    Ok(trimmed.to_string())
}

/// Checks one header: its declared size (first, since an oversized entry
/// stops the scan), its type and its path.
fn check_header(header: &tar::Header, limits: &Limits) -> std::result::Result<Entry, Problem> {
    let raw = header.path_bytes();
    let shown = String::from_utf8_lossy(&raw).into_owned();
    let problem = |code, message: String| Problem {
        code,
        entry: Some(shown.clone()),
        message,
    };
    let unsafe_entry = |what: &str| problem(Code::ReleaseUnsafePath, what.to_string());
    let size = header.size().map_err(|e| {
        problem(
            Code::ReleaseBadArchive,
            format!("has an unreadable size: {e}"),
        )
    })?;
    if size > limits.max_entry_bytes {
        return Err(problem(
            Code::ReleaseBadArchive,
            format!(
                "declares {size} bytes, more than the limit of {} per entry; refused as a possible decompression bomb",
                limits.max_entry_bytes
            ),
        ));
    }
    let is_dir = match header.entry_type() {
        tar::EntryType::Regular => false,
        tar::EntryType::Directory => true,
        tar::EntryType::Symlink => return Err(unsafe_entry("is a symbolic link")),
        tar::EntryType::Link => return Err(unsafe_entry("is a hard link")),
        tar::EntryType::Char => return Err(unsafe_entry("is a character device")),
        tar::EntryType::Block => return Err(unsafe_entry("is a block device")),
        tar::EntryType::Fifo => return Err(unsafe_entry("is a FIFO")),
        other => {
            return Err(problem(
                Code::ReleaseBadArchive,
                format!("has entry type {other:?}, which `techpact release` never writes"),
            ));
        }
    };
    let path = safe_path(&raw).map_err(unsafe_entry)?;
    Ok(Entry { path, is_dir, size })
}

/// The first pass: every header checked, nothing written. Returns the
/// entries, or every problem found (stopping early at a stream error or a
/// limit).
pub fn scan(bytes: &[u8], limits: &Limits) -> std::result::Result<Vec<Entry>, Vec<Problem>> {
    let (mut archive, exceeded) = open_stream(bytes, limits);
    let mut entries: Vec<Entry> = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut files = HashSet::new();
    let mut folders = HashSet::new();
    let mut total = 0u64;
    let iter = match archive.entries() {
        Ok(iter) => iter.raw(true),
        Err(e) => return Err(vec![stream_problem(&e, &exceeded, limits)]),
    };
    for (index, item) in iter.enumerate() {
        let entry = match item {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(stream_problem(&e, &exceeded, limits));
                return Err(problems);
            }
        };
        if index >= limits.max_entries {
            problems.push(Problem::archive(format!(
                "has more than {} entries; refused as a possible decompression bomb",
                limits.max_entries
            )));
            return Err(problems);
        }
        // Sizes first, for every entry: the data of an entry that is refused
        // is still skipped over, and skipping reads it.
        let declared = entry.header().size().unwrap_or(u64::MAX);
        total = total.saturating_add(declared);
        if declared <= limits.max_entry_bytes && total > limits.max_total_bytes {
            problems.push(Problem::archive(format!(
                "unpacks to more than the limit of {} bytes; refused as a possible decompression bomb",
                limits.max_total_bytes
            )));
            return Err(problems);
        }
        let checked = match check_header(entry.header(), limits) {
            Ok(checked) => checked,
            Err(p) if p.code == Code::ReleaseUnsafePath => {
                problems.push(p);
                continue;
            }
            Err(p) => {
                // An oversized or unreadable header: reading on would mean
                // reading what the limits are there to avoid.
                problems.push(p);
                return Err(problems);
            }
        };
        let parts: Vec<&str> = checked.path.split('/').collect();
        if let Some(depth) = (1..parts.len()).find(|d| files.contains(&parts[..*d].join("/"))) {
            problems.push(Problem {
                code: Code::ReleaseBadArchive,
                entry: Some(checked.path.clone()),
                message: format!(
                    "lies inside `{}`, which is a file",
                    parts[..depth].join("/")
                ),
            });
            continue;
        }
        if !seen.insert(checked.path.clone()) {
            problems.push(Problem {
                code: Code::ReleaseBadArchive,
                entry: Some(checked.path.clone()),
                message: "appears more than once; a later copy would replace the first".into(),
            });
            continue;
        }
        if !checked.is_dir && folders.contains(&checked.path) {
            problems.push(Problem {
                code: Code::ReleaseBadArchive,
                entry: Some(checked.path.clone()),
                message: "is a file where an earlier entry needs a folder".into(),
            });
            continue;
        }
        for depth in 1..parts.len() {
            folders.insert(parts[..depth].join("/"));
        }
        if !checked.is_dir {
            files.insert(checked.path.clone());
        }
        entries.push(checked);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Read to the end so the gzip checksum is verified. Only zero blocks
    // may follow the end of the archive: other tar readers list entries
    // hidden there.
    let mut stream = archive.into_inner();
    match zeros_to_end(&mut stream) {
        Ok(true) => {}
        Ok(false) => {
            return Err(vec![Problem::archive(
                "has data after its end-of-archive blocks, which other tar readers would list as entries",
            )]);
        }
        Err(e) => return Err(vec![stream_problem(&e, &exceeded, limits)]),
    }
    let rest = stream.inner.into_inner();
    if !rest.is_empty() {
        return Err(vec![Problem::archive(format!(
            "has {} bytes after the end of its gzip stream",
            rest.len()
        ))]);
    }
    Ok(entries)
}

/// Reads `stream` to its end; whether every byte left was zero.
fn zeros_to_end(stream: &mut impl Read) -> io::Result<bool> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut zeros = true;
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(zeros);
        }
        zeros &= buf[..n].iter().all(|&b| b == 0);
    }
}

/// The second pass: hands each entry and its content to `sink`. `expected`
/// is what `scan` returned; an entry that differs stops the pass.
pub(crate) fn each_entry(
    bytes: &[u8],
    limits: &Limits,
    expected: &[Entry],
    mut sink: impl FnMut(&Entry, &mut dyn Read) -> io::Result<()>,
) -> std::result::Result<(), Problem> {
    let (mut archive, exceeded) = open_stream(bytes, limits);
    let iter = archive
        .entries()
        .map_err(|e| stream_problem(&e, &exceeded, limits))?
        .raw(true);
    let mut count = 0;
    for item in iter {
        let mut entry = item.map_err(|e| stream_problem(&e, &exceeded, limits))?;
        let checked = check_header(entry.header(), limits)?;
        if expected.get(count) != Some(&checked) {
            return Err(Problem::archive("changed between the two passes over it"));
        }
        count += 1;
        sink(&checked, &mut entry).map_err(|e| Problem {
            code: Code::ReleaseBadArchive,
            entry: Some(checked.path.clone()),
            message: format!("cannot be read: {e}"),
        })?;
    }
    if count != expected.len() {
        return Err(Problem::archive("changed between the two passes over it"));
    }
    Ok(())
}

/// Reads an archive file into memory, refusing one larger than any archive
/// within `limits` could be.
pub(crate) fn read_bounded(
    path: &Path,
    limits: &Limits,
) -> Result<std::result::Result<Vec<u8>, Problem>> {
    let file = fs::File::open(path).map_err(|e| Error::io("reading", path, e))?;
    let cap = limits.stream_budget();
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("reading", path, e))?;
    if bytes.len() as u64 > cap {
        return Ok(Err(Problem::archive(format!(
            "is larger than the limit of {cap} bytes"
        ))));
    }
    Ok(Ok(bytes))
}

/// The regular files of the archive at `path` whose paths `want` accepts,
/// read into memory with the same checks and limits as `verify` (hashes are
/// not checked). An unsafe or corrupt archive is an error.
pub fn read_archive_files(
    path: &Path,
    limits: &Limits,
    want: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>> {
    let refused = |problems: &[Problem]| {
        let reasons: Vec<String> = problems.iter().map(Problem::describe).collect();
        Error::Other(format!(
            "{} is not a readable release archive: {}",
            path.display(),
            reasons.join("; ")
        ))
    };
    let bytes = read_bounded(path, limits)?.map_err(|p| refused(&[p]))?;
    let entries = scan(&bytes, limits).map_err(|p| refused(&p))?;
    let mut files = Vec::new();
    each_entry(&bytes, limits, &entries, |entry, content| {
        if !entry.is_dir && want(&entry.path) {
            let mut buf = Vec::new();
            content.read_to_end(&mut buf)?;
            files.push((entry.path.clone(), buf));
        }
        Ok(())
    })
    .map_err(|p| refused(&[p]))?;
    Ok(files)
}

/// The JSON of the record file `path` of the state `label`, whose content
/// is `bytes`; an error when it is not UTF-8 or not JSON, since its fields
/// cannot be compared.
pub fn record_value(label: &str, path: &str, bytes: &[u8]) -> Result<Value> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::Other(format!(
            "{path} in {label} is not UTF-8; it cannot be compared"
        ))
    })?;
    Ok(json::parse(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|e| {
            Error::Other(format!(
                "{path} in {label} is not valid JSON (line {}: {}); it cannot be compared",
                e.line, e.message
            ))
        })?
        .value)
}

/// The records of one state of the dataset: collection folder name → id → record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// How the state is named in output: a ref, a tag, a release.
    pub label: String,
    /// Records by collection folder name, then by id (the file name without `.json`).
    pub collections: BTreeMap<String, BTreeMap<String, Value>>,
}

impl Snapshot {
    /// A snapshot of the record files among `files`, given as paths from the
    /// dataset root (`data/<collection>/<id>.json`) with their bytes. Other
    /// paths are not records and are left out; a record that is not valid
    /// JSON fails the snapshot, since its fields cannot be compared.
    pub fn from_files<'a>(
        label: impl Into<String>,
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Snapshot> {
        let label = label.into();
        let mut collections: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
        for (path, bytes) in files {
            let Some((collection, id)) = record_path(path) else {
                continue;
            };
            let value = record_value(&label, path, bytes)?;
            collections
                .entry(collection.to_string())
                .or_default()
                .insert(id.to_string(), value);
        }
        Ok(Snapshot { label, collections })
    }

    /// The records of the tree at `rev` in `repo`.
    pub fn at_revision(repo: &git2::Repository, rev: &str) -> Result<Snapshot> {
        let files = git::tree_files(repo, rev, "data")?;
        Snapshot::from_files(
            rev,
            files
                .iter()
                .filter(|f| f.kind == git::EntryKind::File)
                .map(|f| (f.path.as_str(), f.bytes.as_slice())),
        )
    }

    /// The records of a release archive, read in memory with the same entry
    /// checks and size limits as `verify` (but without checking hashes).
    pub fn of_archive(path: &Path, label: impl Into<String>) -> Result<Snapshot> {
        let label = label.into();
        let files = read_archive_files(path, &Limits::default(), |p| record_path(p).is_some())?;
        Snapshot::from_files(label, files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
    }

    /// The records of the release folder or archive at `spec` (relative to
    /// `cwd`); unlike `open`, never a git revision.
    pub fn of_release(spec: &str, cwd: &Path) -> Result<Snapshot> {
        let path = cwd.join(spec);
        if path.is_file() {
            Snapshot::of_archive(&path, spec)
        } else if path.is_dir() {
            Snapshot::of_archive(&release_archive_in(&path)?, spec)
        } else {
            Err(Error::Usage(format!(
                "`{spec}` is not a release folder or archive"
            )))
        }
    }

    /// The side of a `diff` named by `spec`: an existing path is a release
    /// archive or a release folder (holding one `techpact-data-*.tar.gz`);
    /// anything else is a git revision of the repository holding `cwd`.
    pub fn open(spec: &str, cwd: &Path) -> Result<Snapshot> {
        if cwd.join(spec).exists() {
            return Snapshot::of_release(spec, cwd);
        }
        let repo = git::discover(cwd).map_err(|e| {
            Error::Usage(format!(
                "`{spec}` is neither a release folder or archive nor a git revision ({e})"
            ))
        })?;
        repo.revparse_single(spec).map_err(|_| {
            Error::Usage(format!(
                "`{spec}` is neither a release folder or archive nor a git revision of {}",
                repo.workdir().unwrap_or(repo.path()).display()
            ))
        })?;
        Snapshot::at_revision(&repo, spec)
    }

    /// How many records the snapshot holds.
    pub fn len(&self) -> usize {
        self.collections.values().map(BTreeMap::len).sum()
    }

    /// Whether the snapshot holds no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The one `techpact-data-*.tar.gz` in a release folder.
fn release_archive_in(dir: &Path) -> Result<std::path::PathBuf> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("reading", dir, e))?;
    let mut archives: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(version_of_archive_name)
                .is_some()
        })
        .collect();
    archives.sort();
    match archives.len() {
        1 => Ok(archives.remove(0)),
        0 => Err(Error::Usage(format!(
            "{} holds no techpact-data-*.tar.gz; name a release folder, a release archive or a git revision",
            dir.display()
        ))),
        _ => Err(Error::Usage(format!(
            "{} holds more than one techpact-data-*.tar.gz; name the archive itself",
            dir.display()
        ))),
    }
}

/// `(collection, id)` when `path` is `data/<collection>/<id>.json`.
pub fn record_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("data/")?;
    let (collection, file) = rest.split_once('/')?;
    let id = file.strip_suffix(".json")?;
    (!collection.is_empty() && !id.is_empty() && !file.contains('/')).then_some((collection, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::best());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, body) in entries {
            let mut h = tar::Header::new_ustar();
            h.set_path(path).unwrap();
            h.set_size(body.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append(&h, *body).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn record_paths() {
        assert_eq!(record_path("data/labs/x.json"), Some(("labs", "x")));
        assert_eq!(record_path("data/labs/a/x.json"), None);
        assert_eq!(record_path("schema/labs.schema.json"), None);
        assert_eq!(record_path("data/labs/.json"), None);
    }

    #[test]
    fn safe_paths() {
        assert_eq!(
            safe_path(b"data/labs/x.json"),
            Ok("data/labs/x.json".into())
        );
        assert_eq!(safe_path(b"data/"), Ok("data".into()));
        assert!(safe_path(b"/etc/passwd").is_err());
        assert!(safe_path(b"data/../../x").is_err());
        assert!(safe_path(b"..").is_err());
        assert!(safe_path(b"./data").is_err());
        assert!(safe_path(b"a//b").is_err());
        assert!(safe_path(b"C:/x").is_err());
        assert!(safe_path(b"a\\..\\b").is_err());
        assert!(safe_path(b"\xff").is_err());
    }

    #[test]
    fn a_small_valid_archive_scans() {
        let archive = gzip(&tar_of(&[("a.txt", b"hello"), ("b/c.txt", b"x")]));
        let entries = scan(&archive, &Limits::default()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0],
            Entry {
                path: "a.txt".into(),
                is_dir: false,
                size: 5
            }
        );
    }

    #[test]
    fn a_bomb_stops_at_the_total_limit_before_its_data_is_read() {
        // 8 MiB of zeros compress to a few kilobytes.
        let zeros = vec![0u8; 8 << 20];
        let archive = gzip(&tar_of(&[
            ("a", &zeros[..4 << 20]),
            ("b", &zeros[..4 << 20]),
        ]));
        assert!(archive.len() < 64 * 1024);
        let limits = Limits {
            max_total_bytes: 6 << 20,
            max_entry_bytes: 6 << 20,
            max_entries: 10,
        };
        let problems = scan(&archive, &limits).unwrap_err();
        assert!(
            problems[0].message.contains("decompression bomb"),
            "{problems:?}"
        );
        let tight = Limits {
            max_entry_bytes: 1 << 20,
            ..limits
        };
        let problems = scan(&archive, &tight).unwrap_err();
        assert!(problems[0].message.contains("per entry"), "{problems:?}");
    }

    #[test]
    fn a_stream_longer_than_its_entries_say_is_cut_at_the_budget() {
        // Junk after the tar end that decompresses to more than the budget.
        let mut body = tar_of(&[("a", b"x")]);
        body.extend(vec![1u8; 3 << 20]);
        let archive = gzip(&body);
        let limits = Limits {
            max_total_bytes: 1 << 20,
            max_entry_bytes: 1 << 20,
            max_entries: 4,
        };
        let problems = scan(&archive, &limits).unwrap_err();
        assert!(
            problems[0].message.contains("decompression bomb"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_file_and_a_folder_of_the_same_name_are_refused() {
        for order in [
            [("a/b", &b"x"[..]), ("a", b"y")],
            [("a", b"y"), ("a/b", b"x")],
        ] {
            let archive = gzip(&tar_of(&order));
            let problems = scan(&archive, &Limits::default()).unwrap_err();
            assert_eq!(problems[0].code, Code::ReleaseBadArchive, "{problems:?}");
        }
    }

    #[test]
    fn too_many_entries() {
        let entries: Vec<(String, Vec<u8>)> =
            (0..5).map(|i| (format!("f{i}"), Vec::new())).collect();
        let refs: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        let archive = gzip(&tar_of(&refs));
        let limits = Limits {
            max_entries: 3,
            ..Limits::default()
        };
        assert!(
            scan(&archive, &limits).unwrap_err()[0]
                .message
                .contains("more than 3 entries")
        );
    }

    #[test]
    fn trailing_bytes_and_corruption_are_refused() {
        let mut archive = gzip(&tar_of(&[("a", b"x")]));
        archive.extend_from_slice(b"junk");
        assert!(
            scan(&archive, &Limits::default()).unwrap_err()[0]
                .message
                .contains("after the end")
        );
        let mut archive = gzip(&tar_of(&[("a", b"hello world")]));
        let n = archive.len();
        archive[n - 6] ^= 0xff; // inside the CRC trailer
        assert!(scan(&archive, &Limits::default()).is_err());
    }
}
