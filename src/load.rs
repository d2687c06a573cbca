//! Loading: the data directory becomes a `Dataset` of record files.
//!
//! The walk is strict. `data/` holds one folder per collection and each of
//! those holds `<id>.json` files; anything else (an unknown folder, a nested
//! folder, another file, a symbolic link) is a `layout/unexpected-entry`
//! finding, never skipped in silence. Each file is read and parsed once, in
//! parallel. Its text locates and shows findings; a check drops the text
//! of a file with no finding yet and reads it again if a finding comes.
//!
//! The walk reads the folders on disk, or those of a commit (`list_committed`):
//! the same entries give the same records and findings either way.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde_json::Value;

use crate::diag::{Code, Finding};
use crate::error::{Error, Result};
use crate::folders::{self, Folder, Folders};
use crate::format;
use crate::git::{self, committed};
use crate::json;
use crate::model::{Collection, Str};
use crate::span::{self, Position, SpanIndex};

/// The largest record file read; a record is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record file, read and parsed.
#[derive(Debug)]
pub struct RecordFile {
    /// The collection whose folder holds it.
    pub collection: Collection,
    /// The path as findings show it, such as `data/labs/x.json`.
    pub path: String,
    /// The file name without `.json`, which must equal the record's id.
    pub stem: Str,
    /// Where its bytes are, from which its text is read again.
    origin: Origin,
    /// The text, without a byte-order mark; empty when the file could not be
    /// decoded. Read again on first use after `release_text`.
    text: OnceLock<String>,
    /// The parsed JSON; `None` when the file could not be read or parsed,
    /// and after `release_value`.
    pub value: Option<Value>,
    parsed: bool,
    spans: OnceLock<Box<SpanIndex>>,
}

impl RecordFile {
    /// A file of `listed` whose text is `text`, not parsed yet.
    pub fn new(listed: Listed, text: String) -> RecordFile {
        RecordFile {
            collection: listed.collection,
            path: listed.path,
            stem: listed.stem,
            origin: listed.origin,
            text: OnceLock::from(text),
            value: None,
            parsed: false,
            spans: OnceLock::new(),
        }
    }

    /// The text, without a byte-order mark.
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| {
            let bytes = self.origin.read().unwrap_or_default();
            let body = match bytes.strip_prefix(BOM) {
                Some(rest) => rest.to_vec(),
                None => bytes,
            };
            String::from_utf8(body).unwrap_or_default()
        })
    }

    /// Drops the text of a file nothing has been found in yet; a finding
    /// made later reads it again. A full dataset's texts would otherwise
    /// stay in memory for the few files a finding quotes.
    pub fn release_text(&mut self) {
        if self.spans.get().is_none() {
            self.text = OnceLock::new();
        }
    }

    /// Whether the file was read and parsed as JSON.
    pub fn parsed(&self) -> bool {
        self.parsed
    }

    /// Drops the parsed JSON once everything read from it is kept elsewhere;
    /// positions still work. A full dataset's values would take most of the
    /// memory of a check.
    pub fn release_value(&mut self) {
        self.value = None;
    }

    /// The positions of every value in the file, computed on first use.
    pub fn spans(&self) -> &SpanIndex {
        self.spans
            .get_or_init(|| Box::new(SpanIndex::new(self.text())))
    }

    /// The position of the value at `pointer`.
    pub fn at(&self, pointer: &str) -> Position {
        if !self.parsed {
            return (1, 1);
        }
        self.spans().value(pointer)
    }

    /// The position of the key of the member at `pointer`.
    pub fn at_key(&self, pointer: &str) -> Position {
        if !self.parsed {
            return (1, 1);
        }
        self.spans().key(pointer)
    }

    /// A finding about the value at `pointer` in this file.
    pub fn finding(&self, code: Code, pointer: &str, message: impl Into<String>) -> Finding {
        Finding::new(code, &self.path, self.at(pointer), pointer, message)
    }
}

/// Every record file under a data directory, with the findings of the walk.
#[derive(Debug)]
pub struct Dataset {
    /// The data directory as given.
    pub dir: PathBuf,
    /// Record files in collection order, then by name.
    pub files: Vec<RecordFile>,
    /// Findings about the layout and about files that could not be read or parsed.
    pub findings: Vec<Finding>,
    /// Entries looked at: record files and unexpected entries.
    pub entries: usize,
}

impl Dataset {
    /// The texts of the files that `findings` are in, by shown path: what a
    /// report needs to show them.
    pub fn texts_of(&self, findings: &[Finding]) -> HashMap<String, &str> {
        let quoted: HashSet<&str> = findings.iter().map(|f| f.file.as_str()).collect();
        self.files
            .iter()
            .filter(|f| quoted.contains(f.path.as_str()))
            .map(|f| (f.path.clone(), f.text()))
            .collect()
    }

    /// Frees the files with every core: a large dataset's are millions of
    /// small allocations, freed one by one.
    pub fn free(self) {
        self.files.into_par_iter().for_each(drop);
    }
}

/// Loads every record under `dir`; `display` is how paths under it are shown.
///
/// Fails only when `dir` itself is missing or unreadable.
pub fn load(dir: &Path, display: &str) -> Result<Dataset> {
    let listing = list(dir, display)?;
    let all: Vec<&Listed> = listing.records.iter().collect();
    let (files, findings) = read(&all);
    Ok(listing.into_dataset(files, findings))
}

/// A record file found by the walk, not read yet.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The collection whose folder holds it.
    pub collection: Collection,
    /// The path as findings show it, such as `data/labs/x.json`.
    pub path: String,
    /// The file name without `.json`.
    pub stem: Str,
    /// Where its bytes are.
    pub origin: Origin,
}

impl Listed {
    /// Its bytes, or why they cannot be had.
    pub fn read(&self) -> std::result::Result<Vec<u8>, String> {
        self.origin.read()
    }
}

/// Where the bytes of a listed file are.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A file on disk: the folder holding it, shared by its collection's
    /// files, and its name there as the folder gives it.
    Disk(Arc<Folder>, OsString),
    /// A file of a commit, in the repository's object store.
    Committed(Arc<committed::Objects>, committed::ObjectId),
}

impl Origin {
    /// The bytes, or why they cannot be had: unreadable, or larger than
    /// `MAX_FILE_BYTES`.
    pub fn read(&self) -> std::result::Result<Vec<u8>, String> {
        match self {
            Origin::Disk(folder, name) => read_file(folder, name),
            Origin::Committed(objects, id) => {
                let bytes = objects.file(*id)?;
                if bytes.len() as u64 > MAX_FILE_BYTES {
                    return Err(too_large());
                }
                Ok(bytes)
            }
        }
    }
}

/// The walk of a data directory: every record file and unexpected entry,
/// without reading any record. A partial check lists everything (ids come
/// from file names) and reads only the files it needs.
#[derive(Debug)]
pub struct Listing {
    /// The data directory as given.
    pub dir: PathBuf,
    /// How the data directory is shown, without a trailing `/`.
    pub display: String,
    /// Record files in collection order, then by name.
    pub records: Vec<Listed>,
    /// Findings about the layout, and `layout/empty` when there is no record.
    pub findings: Vec<Finding>,
    /// Entries looked at: record files and unexpected entries.
    pub entries: usize,
}

impl Listing {
    /// A dataset of `files` read from this listing, with the walk's findings
    /// followed by `read_findings`.
    pub fn into_dataset(self, files: Vec<RecordFile>, read_findings: Vec<Finding>) -> Dataset {
        let mut findings = self.findings;
        findings.extend(read_findings);
        Dataset {
            dir: self.dir,
            files,
            findings,
            entries: self.entries,
        }
    }
}

/// Walks `dir` without reading records; `display` is how paths under it are shown.
///
/// Fails only when `dir` itself is missing or unreadable.
pub fn list(dir: &Path, display: &str) -> Result<Listing> {
    list_in(dir, display, &Folders::default())
}

/// `list`, reading each folder through `folders`: a folder read there
/// already is not read again.
pub fn list_in(dir: &Path, display: &str, folders: &Folders) -> Result<Listing> {
    let top = folders.read(dir);
    let top = match &*top {
        Ok(entries) => entries,
        Err(e) => {
            let e = std::io::Error::new(e.kind(), e.to_string());
            return Err(Error::io("reading data directory", dir, e));
        }
    };
    let display = display.trim_end_matches('/');
    // The collection folders are walked in parallel, each into its own part;
    // the parts are joined in the order of the entries.
    let parts: Vec<Part> = top
        .par_iter()
        .map(|entry| {
            let shown = format!("{display}/{}", entry.name.to_string_lossy());
            Part::of_entry(&entry.name, kind(entry), shown, |collection, shown| {
                let mut part = Part::default();
                walk_collection(
                    &dir.join(&entry.name),
                    collection,
                    &shown,
                    folders,
                    &mut part,
                );
                part
            })
        })
        .collect();
    Ok(joined(dir, display, parts))
}

/// The walk of the data folder `data` (relative to the work tree) of
/// `repository` as committed at `revision`, shown as `display`; its files
/// are read from the object store. `dir` is the data directory on disk.
///
/// Fails when `revision` names no commit or holds no folder `data`.
pub fn list_committed(
    repository: &git::Repository,
    revision: &str,
    data: &str,
    dir: &Path,
    display: &str,
) -> Result<Listing> {
    let Some(top) = repository.folder_at(revision, data)? else {
        return Err(Error::Git(format!(
            "`{revision}` holds no data folder `{data}`"
        )));
    };
    let objects = repository.objects();
    let display = display.trim_end_matches('/');
    let kind_of = |kind: committed::Kind| match kind {
        committed::Kind::File => Kind::File,
        committed::Kind::Folder => Kind::Dir,
        committed::Kind::Symlink => Kind::Symlink,
        committed::Kind::Other => Kind::Other,
    };
    // As on disk, the collection folders are walked in parallel.
    let parts: Vec<Part> = top
        .par_iter()
        .map(|entry| {
            let shown = format!("{display}/{}", entry.name.to_string_lossy());
            Part::of_entry(
                &entry.name,
                kind_of(entry.kind),
                shown,
                |collection, shown| {
                    let mut part = Part::default();
                    match objects.folder(entry.id) {
                        Ok(entries) => {
                            part.records.reserve(entries.len());
                            for e in entries {
                                let origin = || Origin::Committed(Arc::clone(&objects), e.id);
                                collection_entry(
                                    collection,
                                    &shown,
                                    &e.name,
                                    kind_of(e.kind),
                                    origin,
                                    &mut part,
                                );
                            }
                        }
                        Err(e) => part.findings.push(unreadable_folder(&shown, e)),
                    }
                    part
                },
            )
        })
        .collect();
    Ok(joined(dir, display, parts))
}

/// The listing of `dir`, shown as `display`, from the parts of its entries
/// in their order; `layout/empty` when no part holds a record.
fn joined(dir: &Path, display: &str, parts: Vec<Part>) -> Listing {
    let mut findings = Vec::new();
    // Sized once: a listing of a large dataset would otherwise be copied as it grows.
    let mut records = Vec::with_capacity(parts.iter().map(|p| p.records.len()).sum());
    let mut entries = 0;
    for part in parts {
        entries += part.unexpected;
        records.extend(part.records);
        findings.extend(part.findings);
    }
    entries += records.len();
    if records.is_empty() {
        findings.push(Finding::new(
            Code::LayoutEmpty,
            display,
            (0, 0),
            "",
            "no records found; a dataset holds at least one `<collection>/<id>.json` file",
        ));
    }
    Listing {
        dir: dir.to_path_buf(),
        display: display.to_string(),
        records,
        findings,
        entries,
    }
}

/// What one entry of the data directory holds.
#[derive(Default)]
struct Part {
    records: Vec<Listed>,
    findings: Vec<Finding>,
    /// 1 when the entry is not a collection folder, else 0.
    unexpected: usize,
}

impl Part {
    /// The part of the entry `name` of the data directory, of kind `kind`,
    /// shown as `shown`: a collection folder is walked by `walk`, anything
    /// else is reported.
    fn of_entry(
        name: &std::ffi::OsStr,
        kind: Kind,
        shown: String,
        walk: impl FnOnce(Collection, String) -> Part,
    ) -> Part {
        let lossy = name.to_string_lossy();
        let collection = name.to_str().and_then(Collection::from_dir_name);
        let finding = match (kind, collection) {
            _ if format::is_leftover(&lossy) => leftover(&shown),
            (Kind::Dir, Some(collection)) => return walk(collection, shown),
            (Kind::Dir, None) => unexpected(&shown, not_a_collection(&lossy)),
            (Kind::Symlink, _) => unexpected(
                &shown,
                "symbolic links are not followed in the data directory",
            ),
            (Kind::File | Kind::Other, _) => {
                unexpected(&shown, "the data directory holds only collection folders")
            }
            (Kind::Unreadable(e), _) => Finding::new(
                Code::IoUnreadable,
                &shown,
                (0, 0),
                "",
                format!("cannot read: {e}"),
            ),
        };
        Part {
            records: Vec::new(),
            findings: vec![finding],
            unexpected: 1,
        }
    }
}

/// Reads, decodes and parses `listed` in parallel, keeping their order;
/// returns the files and the findings about reading and parsing them.
pub fn read(listed: &[&Listed]) -> (Vec<RecordFile>, Vec<Finding>) {
    let loaded: Vec<(RecordFile, Vec<Finding>)> =
        listed.par_iter().map(|&l| read_one(l.clone())).collect();
    let mut files = Vec::with_capacity(loaded.len());
    let mut findings = Vec::new();
    for (file, file_findings) in loaded {
        findings.extend(file_findings);
        files.push(file);
    }
    (files, findings)
}

fn collection_list() -> String {
    Collection::ALL
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a folder that is not a collection is told: the closest collection
/// when the name looks like a misspelling of one, and every collection.
fn not_a_collection(name: &str) -> String {
    let names = Collection::ALL.iter().map(|c| c.dir_name());
    match crate::suggest::closest(name, names) {
        Some(close) => format!(
            "`{name}` is not a collection; did you mean `{close}`? Rename the folder: until then its records are not read and references to them dangle. The collections are {}",
            collection_list()
        ),
        None => format!(
            "`{name}` is not a collection; the collections are {}",
            collection_list()
        ),
    }
}

fn unexpected(shown: &str, message: impl Into<String>) -> Finding {
    Finding::new(Code::LayoutUnexpectedEntry, shown, (0, 0), "", message)
}

/// `layout/unexpected-entry` for a temporary file of techpact that a run
/// killed midway left behind.
fn leftover(shown: &str) -> Finding {
    unexpected(
        shown,
        "a temporary file left by an interrupted techpact run; delete it",
    )
}

/// `io/unreadable` for a collection folder that cannot be read.
fn unreadable_folder(shown: &str, why: impl std::fmt::Display) -> Finding {
    Finding::new(
        Code::IoUnreadable,
        shown,
        (0, 0),
        "",
        format!("cannot read collection folder: {why}"),
    )
}

/// Walks the collection folder `dir` on disk into `part`.
fn walk_collection(
    dir: &Path,
    collection: Collection,
    shown_dir: &str,
    folders: &Folders,
    part: &mut Part,
) {
    let folder = Arc::new(Folder::open(dir));
    let read = folders.read(dir);
    let entries = match &*read {
        Ok(entries) => entries,
        Err(e) => {
            part.findings.push(unreadable_folder(shown_dir, e));
            return;
        }
    };
    part.records.reserve(entries.len());
    for entry in entries {
        let origin = || Origin::Disk(Arc::clone(&folder), entry.name.clone());
        collection_entry(
            collection,
            shown_dir,
            &entry.name,
            kind(entry),
            origin,
            part,
        );
    }
}

/// Adds the entry `name` of the folder of `collection`, shown as
/// `shown_dir`, to `part`: a record file, listed with its `origin`, or a
/// finding about what else it is.
fn collection_entry(
    collection: Collection,
    shown_dir: &str,
    name: &std::ffi::OsStr,
    kind: Kind,
    origin: impl FnOnce() -> Origin,
    part: &mut Part,
) {
    let lossy = name.to_string_lossy();
    // Not `format!`: a large listing makes a hundred thousand of these.
    let mut shown = String::with_capacity(shown_dir.len() + 1 + lossy.len());
    shown.push_str(shown_dir);
    shown.push('/');
    shown.push_str(&lossy);
    let findings = &mut part.findings;
    match kind {
        _ if format::is_leftover(&lossy) => findings.push(leftover(&shown)),
        // Exactly one `.json` is taken off: `x.json.json` is the file of
        // a record `x.json`, whose name is then not an id.
        Kind::File if lossy.ends_with(".json") => {
            let stem = Str::from(lossy.strip_suffix(".json").unwrap_or(&lossy));
            if name.to_str().is_none() {
                findings.push(Finding::new(
                    Code::IdFormat,
                    &shown,
                    (0, 0),
                    "",
                    "the file name is not valid UTF-8; name the file `<id>.json` with a lowercase slug id",
                ));
            }
            part.records.push(Listed {
                collection,
                path: shown,
                stem,
                origin: origin(),
            });
        }
        Kind::File | Kind::Other => findings.push(unexpected(
            &shown,
            format!("only `<id>.json` record files belong in `{collection}/`"),
        )),
        Kind::Dir => findings.push(unexpected(
            &shown,
            format!(
                "collection folders hold no folders; move the records in it up into `{collection}/`"
            ),
        )),
        Kind::Symlink => findings.push(unexpected(
            &shown,
            "symbolic links are not followed in the data directory; commit the record itself",
        )),
        Kind::Unreadable(e) => findings.push(Finding::new(
            Code::IoUnreadable,
            &shown,
            (0, 0),
            "",
            format!("cannot read: {e}"),
        )),
    }
}

/// Reads, decodes and parses one record file; returns it with the findings
/// about reading and parsing it.
pub fn read_one(l: Listed) -> (RecordFile, Vec<Finding>) {
    match l.read() {
        Ok(bytes) => from_bytes(l, bytes),
        Err(message) => {
            let finding = Finding::new(Code::IoUnreadable, &l.path, (0, 0), "", message);
            (RecordFile::new(l, String::new()), vec![finding])
        }
    }
}

/// Decodes and parses `bytes` as the content of the file `l`; returns it
/// with the findings about decoding and parsing it. What `read_one` does
/// once the file is read, and what the fuzz targets feed.
pub fn from_bytes(l: Listed, bytes: Vec<u8>) -> (RecordFile, Vec<Finding>) {
    let mut findings = Vec::new();
    let Some(text) = decode(&l, bytes, &mut findings) else {
        return (RecordFile::new(l, String::new()), findings);
    };
    let mut file = RecordFile::new(l, text);
    match json::parse(file.text()) {
        Ok(parsed) => {
            file.value = Some(parsed.value);
            file.parsed = true;
            if parsed.has_duplicate_keys {
                for (pointer, position) in file.spans().duplicate_keys().to_vec() {
                    let key = pointer.rsplit('/').next().unwrap_or_default().to_string();
                    findings.push(Finding::new(
                        Code::JsonDuplicateKey,
                        &file.path,
                        position,
                        &pointer,
                        format!("key `{key}` appears again in the same object; keep one"),
                    ));
                }
            }
        }
        Err(e) => findings.push(Finding::new(
            Code::JsonSyntax,
            &file.path,
            span::byte_column_to_position(file.text(), e.line, e.byte_column),
            "",
            e.message,
        )),
    }
    (file, findings)
}

/// The text of the file `l` from its `bytes`, without a byte-order mark;
/// `None` when it is not UTF-8. Pushes what is wrong to `findings`.
fn decode(l: &Listed, bytes: Vec<u8>, findings: &mut Vec<Finding>) -> Option<String> {
    let body = match bytes.strip_prefix(BOM) {
        Some(rest) => {
            findings.push(Finding::new(
                Code::JsonEncoding,
                &l.path,
                (1, 1),
                "",
                "the file starts with a UTF-8 byte-order mark; save it without one",
            ));
            rest.to_vec()
        }
        None => bytes,
    };
    match String::from_utf8(body) {
        Ok(text) => Some(text),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = std::str::from_utf8(valid).unwrap_or_default();
            findings.push(Finding::new(
                Code::JsonEncoding,
                &l.path,
                span::offset_to_position(text, text.len()),
                "",
                format!(
                    "invalid UTF-8 at byte {}; save the file as UTF-8",
                    e.utf8_error().valid_up_to()
                ),
            ));
            None
        }
    }
}

/// The bytes of the file `name` in `folder`, or why they cannot be had:
/// unreadable, or larger than `MAX_FILE_BYTES`. Opened by name in the
/// folder, and read without asking its size first (one more system call a
/// file): a record is a few kilobytes, and fits the first buffer.
fn read_file(folder: &Folder, name: &std::ffi::OsStr) -> std::result::Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let file = folder.open_file(name).map_err(cannot)?;
    let mut bytes = Vec::with_capacity(16 * 1024);
    // Through `take`, which also bounds a file that grows while it is read:
    // `File::read_to_end` itself asks for the file's size and position.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    // Kept as long as the record: hold only what the file has.
    bytes.shrink_to_fit();
    Ok(bytes)
}

/// Why a file larger than `MAX_FILE_BYTES` is not read.
fn too_large() -> String {
    format!(
        "the file is larger than {} MiB; a record is a few kilobytes",
        MAX_FILE_BYTES / 1024 / 1024
    )
}

/// What a directory entry is, without following links.
enum Kind {
    File,
    Dir,
    Symlink,
    Other,
    Unreadable(std::io::Error),
}

/// What `entry` is.
fn kind(entry: &folders::Entry) -> Kind {
    match &entry.kind {
        Ok(t) if t.is_symlink() => Kind::Symlink,
        Ok(t) if t.is_dir() => Kind::Dir,
        Ok(t) if t.is_file() => Kind::File,
        Ok(_) => Kind::Other,
        Err(e) => Kind::Unreadable(std::io::Error::new(e.kind(), e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::{Folder, read_file};

    #[test]
    fn a_file_is_read_whole_on_either_side_of_the_first_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path());
        for len in [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 100_000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let name = format!("{len}.json");
            std::fs::write(dir.path().join(&name), &bytes).unwrap();
            let read = read_file(&folder, name.as_ref()).unwrap();
            assert_eq!(read.len(), len, "a file of {len} bytes");
            assert!(read == bytes, "a file of {len} bytes came back changed");
        }
    }
}
