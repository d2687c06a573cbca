//! `techpact verify`: what a consumer runs on a downloaded release, a folder
//! or a lone archive.
//!
//! An archive is untrusted input. It is read into memory (bounded) and walked
//! twice. The first pass reads headers only and refuses the whole archive,
//! before anything is written, when an entry has an absolute path, a `..`, a
//! link or a device (`release/unsafe-path`), or when the entries exceed the
//! size and count limits or the gzip or tar stream is corrupt
//! (`release/bad-archive`). Only then does the second pass unpack regular
//! files and folders into a private temporary folder, removed afterwards;
//! nothing is ever written anywhere else. The unpacked files are compared
//! with `manifest.json` (hashes, counts) and the full check runs on the
//! unpacked `data/`. For a folder, `SHA256SUMS` is checked first, and the
//! loose `manifest.json` and dataset document must agree with the archive.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::check;
use crate::diag::{self, Code, Finding, Summary};
use crate::error::{Error, Result};
use crate::format;
use crate::json;
use crate::lifecycle::redirects::{self, Redirects};
use crate::release::manifest::{self, Manifest};
use crate::schema::first_difference;
use crate::snapshot::{
    Entry, Limits, Problem, Snapshot, each_entry, read_bounded, record_path, safe_path, scan,
};
use crate::span::{self, SpanIndex, escape};

/// The result of `verify`.
#[derive(Debug, Default)]
pub struct Verification {
    /// Every finding, sorted.
    pub findings: Vec<Finding>,
    /// Counts for the report.
    pub summary: Summary,
    /// The text of files findings point into, by displayed path, for the
    /// human report.
    pub texts: HashMap<String, String>,
}

/// Verifies the release folder or archive at `path`, showing paths under it
/// as `display`; with `previous`, the records of an earlier release, also
/// that every id it published is still there (`id/removed`).
pub fn verify(
    path: &Path,
    display: &str,
    limits: &Limits,
    previous: Option<&Snapshot>,
) -> Result<Verification> {
    let display = display.trim_end_matches('/');
    let meta = fs::metadata(path).map_err(|e| Error::io("reading", path, e))?;
    let mut report = if meta.is_dir() {
        verify_folder(path, display, limits)?
    } else {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let version = manifest::version_of_archive_name(name);
        let mut report = verify_archive(path, display, version, limits)?;
        report.files += 1;
        report
    };
    if let (Some(previous), Some(current)) = (previous, &report.snapshot) {
        report.findings.extend(ids_kept(previous, current, display));
    }
    diag::normalize(&mut report.findings);
    let summary = Summary::of(&report.findings, report.files, report.records).counting(
        diag::Counted::Release {
            loose: report.files - report.archive_files,
            archive_files: report.archive_files,
        },
    );
    Ok(Verification {
        findings: report.findings,
        summary,
        texts: report.texts,
    })
}

/// Every id of the `previous` release is in `current`: a published id is
/// withdrawn at most, never lost. Each lost one is `id/removed` at the
/// release being verified, shown as `display`.
fn ids_kept(previous: &Snapshot, current: &Snapshot, display: &str) -> Vec<Finding> {
    let mut lost = Vec::new();
    for (collection, ids) in &previous.collections {
        let now = current.collections.get(collection);
        for id in ids
            .keys()
            .filter(|id| now.is_none_or(|n| !n.contains_key(*id)))
        {
            lost.push(finding(
                Code::IdRemoved,
                display,
                format!(
                    "`{collection}/{id}` was published in {} and is missing from this release; a published id stays, withdrawn at most",
                    previous.label
                ),
            ));
        }
    }
    lost
}

/// What verifying an archive or a folder found.
#[derive(Default)]
struct Report {
    findings: Vec<Finding>,
    files: usize,
    /// Files inside the archive, counted in `files` too.
    archive_files: usize,
    records: usize,
    texts: HashMap<String, String>,
    /// The archive's `manifest.json` text, when it has one.
    manifest_text: Option<String>,
    /// The archive's records, when it was unpacked.
    snapshot: Option<Snapshot>,
}

fn finding(code: Code, file: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding::new(code, file, (0, 0), "", message)
}

/// Verifies one archive; `version` is the one its file name gives, if any.
fn verify_archive(
    path: &Path,
    display: &str,
    version: Option<&str>,
    limits: &Limits,
) -> Result<Report> {
    let mut report = Report::default();
    let refuse = |report: &mut Report, problems: Vec<Problem>, suffix: &str| {
        for p in problems {
            report.findings.push(finding(
                p.code,
                display,
                format!("{}{suffix}", p.describe()),
            ));
        }
    };
    let bytes = match read_bounded(path, limits)? {
        Ok(bytes) => bytes,
        Err(p) => {
            refuse(&mut report, vec![p], "");
            return Ok(report);
        }
    };
    let entries = match scan(&bytes, limits) {
        Ok(entries) => entries,
        Err(problems) => {
            refuse(&mut report, problems, "; nothing was extracted");
            return Ok(report);
        }
    };

    let tmp = format::private_temp_dir()?;
    let root = tmp.path();
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    let mut write_error: Option<Error> = None;
    let unpacked = each_entry(&bytes, limits, &entries, |entry, content| {
        match unpack(root, entry, content) {
            Ok(Some(hash)) => {
                hashes.insert(entry.path.clone(), hash);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(Unpack::Read(e)) => Err(e),
            Err(Unpack::Write(e)) => {
                write_error = Some(e);
                Err(io::Error::other("unpacking stopped"))
            }
        }
    });
    if let Some(e) = write_error {
        return Err(e);
    }
    if let Err(p) = unpacked {
        refuse(&mut report, vec![p], "");
        return Ok(report);
    }
    report.files = hashes.len();
    report.archive_files = hashes.len();

    let manifest_path = root.join(manifest::MANIFEST);
    let shown_manifest = format!("{display}/{}", manifest::MANIFEST);
    if hashes.contains_key(manifest::MANIFEST) {
        let text = fs::read(&manifest_path).map_err(|e| Error::io("reading", &manifest_path, e))?;
        let text = String::from_utf8_lossy(&text).into_owned();
        check_manifest(
            &text,
            &shown_manifest,
            display,
            version,
            &hashes,
            &mut report.findings,
        );
        report.texts.insert(shown_manifest, text.clone());
        report.manifest_text = Some(text);
    } else {
        report.findings.push(finding(
            Code::ReleaseBadManifest,
            shown_manifest,
            "the archive holds no manifest.json, so its files cannot be checked",
        ));
    }

    let data = root.join("data");
    if data.is_dir() {
        let outcome = check::run(
            &data,
            &format!("{display}/data"),
            &check::Options::default(),
        )?;
        report.records = outcome.typed.records.iter().flatten().count();
        for file in &outcome.dataset.files {
            report
                .texts
                .insert(file.path.clone(), file.text().to_string());
        }
        report.findings.extend(outcome.findings);
        let mut files = Vec::new();
        for path in hashes.keys().filter(|p| record_path(p).is_some()) {
            let full = root.join(path);
            files.push((
                path.clone(),
                fs::read(&full).map_err(|e| Error::io("reading", &full, e))?,
            ));
        }
        report.snapshot = Some(Snapshot::from_files(
            display,
            files.iter().map(|(p, b)| (p.as_str(), b.as_slice())),
        )?);
    } else {
        report.findings.push(finding(
            Code::ReleaseMissingFile,
            format!("{display}/data"),
            "the archive holds no data/ folder",
        ));
    }
    Ok(report)
}

enum Unpack {
    Read(io::Error),
    Write(Error),
}

/// Writes one checked entry under `root`; returns the SHA-256 of a file.
fn unpack(
    root: &Path,
    entry: &Entry,
    content: &mut dyn Read,
) -> std::result::Result<Option<String>, Unpack> {
    // `entry.path` passed `safe_path`: relative, plain components. Folders
    // are made one at a time and a link found on the way is refused, and a
    // file is only ever created new, so nothing is written through a link
    // even if one appeared in the folder.
    let target = root.join(&entry.path);
    let folder = if entry.is_dir {
        Some(entry.path.as_str())
    } else {
        entry.path.rsplit_once('/').map(|(parent, _)| parent)
    };
    if let Some(folder) = folder {
        folders_inside(root, folder).map_err(Unpack::Write)?;
    }
    if entry.is_dir {
        return Ok(None);
    }
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .map_err(|e| Unpack::Write(Error::io("creating", &target, e)))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        let n = content.read(&mut buf).map_err(Unpack::Read)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])
            .map_err(|e| Unpack::Write(Error::io("writing", &target, e)))?;
        written += n as u64;
    }
    if written != entry.size {
        return Err(Unpack::Read(io::Error::other(format!(
            "holds {written} bytes but its header declares {}",
            entry.size
        ))));
    }
    Ok(Some(hex(&hasher.finalize())))
}

/// Makes the folder `relative` under `root`, one component at a time,
/// without following a link: an existing component must be a real folder.
fn folders_inside(root: &Path, relative: &str) -> Result<()> {
    let mut path = root.to_path_buf();
    for part in relative.split('/') {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(Error::Other(format!(
                    "{} is not a folder; unpacking stopped rather than follow it",
                    path.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&path).map_err(|e| Error::io("creating", &path, e))?;
            }
            Err(e) => return Err(Error::io("reading", &path, e)),
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares `manifest.json` (`text`, shown as `file`) with the unpacked
/// files and their `hashes`.
fn check_manifest(
    text: &str,
    file: &str,
    display: &str,
    version: Option<&str>,
    hashes: &BTreeMap<String, String>,
    findings: &mut Vec<Finding>,
) {
    let bad = |position, pointer: &str, message: String| {
        Finding::new(Code::ReleaseBadManifest, file, position, pointer, message)
    };
    let parsed = match json::parse(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let position = span::byte_column_to_position(text, e.line, e.byte_column);
            findings.push(bad(
                position,
                "",
                format!("manifest.json is not valid JSON: {}", e.message),
            ));
            return;
        }
    };
    let spans = SpanIndex::new(text);
    if parsed.has_duplicate_keys {
        for (pointer, position) in spans.duplicate_keys() {
            findings.push(bad(
                *position,
                pointer,
                "this key appears twice in manifest.json".into(),
            ));
        }
        return;
    }
    let manifest: Manifest = match serde_json::from_value(parsed.value) {
        Ok(m) => m,
        Err(e) => {
            findings.push(bad(
                (1, 1),
                "",
                format!("manifest.json is not a techpact manifest: {e}"),
            ));
            return;
        }
    };
    let at = |pointer: &str| spans.value(pointer);
    if manifest.name != manifest::NAME {
        findings.push(bad(
            at("/name"),
            "/name",
            format!("names `{}`, not `{}`", manifest.name, manifest::NAME),
        ));
    }
    if let Err(e) = semver::Version::parse(&manifest.version) {
        findings.push(bad(
            at("/version"),
            "/version",
            format!("`{}` is not a semantic version: {e}", manifest.version),
        ));
    }
    if let Some(version) = version
        && version != manifest.version
    {
        findings.push(bad(
            at("/version"),
            "/version",
            format!(
                "the archive is named for {version}, but the manifest says {}",
                manifest.version
            ),
        ));
    }

    let mut listed: BTreeMap<String, (String, &String)> = BTreeMap::new();
    for (path, hash) in &manifest.files {
        let pointer = format!("/files/{}", escape(path));
        if record_path(path).is_none() {
            findings.push(Finding::new(
                Code::ReleaseBadManifest,
                file,
                spans.key(&pointer),
                &pointer,
                format!("`{path}` is not a record path `data/<collection>/<id>.json`"),
            ));
        }
        listed.insert(path.clone(), (pointer, hash));
    }
    for (collection, hash) in &manifest.schemas {
        let pointer = format!("/schemas/{}", escape(collection));
        listed.insert(Manifest::schema_path(collection), (pointer, hash));
    }
    for (path, (pointer, hash)) in &listed {
        match hashes.get(path) {
            None => findings.push(Finding::new(
                Code::ReleaseMissingFile,
                file,
                at(pointer),
                pointer,
                format!("`{path}` is listed in the manifest but not in the archive"),
            )),
            Some(actual) if !actual.eq_ignore_ascii_case(hash) => findings.push(Finding::new(
                Code::ReleaseChecksumMismatch,
                file,
                at(pointer),
                pointer,
                format!("`{path}` has SHA-256 {actual}, but the manifest says {hash}"),
            )),
            Some(_) => {}
        }
    }
    for path in hashes.keys() {
        if path != manifest::MANIFEST && !listed.contains_key(path) {
            findings.push(finding(
                Code::ReleaseExtraFile,
                format!("{display}/{path}"),
                "the archive holds this file, but manifest.json does not list it",
            ));
        }
    }

    let mut per_collection: BTreeMap<&str, usize> = BTreeMap::new();
    for path in manifest.files.keys() {
        if let Some((collection, _)) = record_path(path) {
            *per_collection.entry(collection).or_default() += 1;
        }
    }
    for (collection, count) in &manifest.records {
        let listed = per_collection
            .get(collection.as_str())
            .copied()
            .unwrap_or(0);
        if listed != *count {
            let pointer = format!("/records/{}", escape(collection));
            findings.push(bad(
                at(&pointer),
                &pointer,
                format!("says {count} `{collection}` records, but `files` lists {listed}"),
            ));
        }
    }
    for collection in per_collection
        .keys()
        .filter(|c| !manifest.records.contains_key(**c))
    {
        findings.push(bad(
            at("/records"),
            "/records",
            format!("gives no count for `{collection}`, which `files` lists"),
        ));
    }
}

/// Verifies a release folder: `SHA256SUMS`, the archive, and the agreement
/// of the loose manifest and dataset document with the archive.
fn verify_folder(dir: &Path, display: &str, limits: &Limits) -> Result<Report> {
    let mut report = Report::default();
    let shown = |name: &str| format!("{display}/{name}");
    let mut present = BTreeMap::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io("reading", dir, e))? {
        let entry = entry.map_err(|e| Error::io("reading", dir, e))?;
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        present.insert(entry.file_name().to_string_lossy().into_owned(), is_file);
    }
    report.files = present.len();

    // The loose manifest names the version, and so the artifacts to expect.
    let manifest_text = match present.get(manifest::MANIFEST) {
        Some(true) => Some(read_text(&dir.join(manifest::MANIFEST))?),
        _ => {
            report.findings.push(finding(
                Code::ReleaseBadManifest,
                shown(manifest::MANIFEST),
                "the release folder holds no manifest.json",
            ));
            None
        }
    };
    let version = manifest_text.as_deref().and_then(|text| {
        let value: Value = serde_json::from_str(text).ok()?;
        value.get("version")?.as_str().map(str::to_string)
    });
    if let (Some(text), None) = (&manifest_text, &version) {
        report.findings.push(Finding::new(
            Code::ReleaseBadManifest,
            shown(manifest::MANIFEST),
            (1, 1),
            "",
            "manifest.json is not a JSON object with a `version`; the archive's own manifest is checked below",
        ));
        report.texts.insert(shown(manifest::MANIFEST), text.clone());
    }
    let version = version.or_else(|| {
        let archives: Vec<&String> = present
            .keys()
            .filter(|n| manifest::version_of_archive_name(n).is_some())
            .collect();
        match archives.as_slice() {
            [one] => manifest::version_of_archive_name(one).map(str::to_string),
            _ => None,
        }
    });
    let expected: BTreeSet<String> = version
        .as_deref()
        .map(|v| manifest::artifact_names(v).into_iter().collect())
        .unwrap_or_default();

    // SHA256SUMS: every line's file is present and has that hash.
    let mut listed = BTreeSet::new();
    match present.get(manifest::SUMS) {
        Some(true) => {
            let text = read_text(&dir.join(manifest::SUMS))?;
            let file = shown(manifest::SUMS);
            for line in manifest::parse_sums(&text) {
                let line = match line {
                    Ok(line) => line,
                    Err((number, why)) => {
                        report.findings.push(Finding::new(
                            Code::ReleaseBadManifest,
                            &file,
                            (number, 1),
                            "",
                            format!("line {number} of SHA256SUMS {why}"),
                        ));
                        continue;
                    }
                };
                let at = (line.line, line.name_column);
                if safe_path(line.name.as_bytes()).is_err() || line.name.contains('/') {
                    report.findings.push(Finding::new(
                        Code::ReleaseUnsafePath,
                        &file,
                        at,
                        "",
                        format!(
                            "`{}` is not a file name in the release folder",
                            line.name.escape_debug()
                        ),
                    ));
                    continue;
                }
                if !listed.insert(line.name.clone()) {
                    report.findings.push(Finding::new(
                        Code::ReleaseBadManifest,
                        &file,
                        at,
                        "",
                        format!("`{}` is listed twice", line.name),
                    ));
                    continue;
                }
                if line.name == manifest::MANIFEST && !present.contains_key(manifest::MANIFEST) {
                    continue; // already reported as a missing manifest
                }
                if present.get(&line.name) != Some(&true) {
                    report.findings.push(Finding::new(
                        Code::ReleaseMissingFile,
                        &file,
                        at,
                        "",
                        format!("`{}` is listed but not in the release folder", line.name),
                    ));
                    continue;
                }
                let actual = hash_file(&dir.join(&line.name))?;
                if actual != line.hash {
                    report.findings.push(Finding::new(
                        Code::ReleaseChecksumMismatch,
                        &file,
                        (line.line, 1),
                        "",
                        format!(
                            "`{}` has SHA-256 {actual}, but SHA256SUMS says {}",
                            line.name, line.hash
                        ),
                    ));
                }
            }
            report.texts.insert(file, text);
        }
        _ => report.findings.push(finding(
            Code::ReleaseMissingFile,
            shown(manifest::SUMS),
            "the release folder holds no SHA256SUMS, so its files cannot be checked",
        )),
    }
    for name in &expected {
        if !listed.contains(name) && !present.contains_key(name) && name != manifest::MANIFEST {
            report.findings.push(finding(
                Code::ReleaseMissingFile,
                shown(name),
                format!(
                    "release {} is missing this file",
                    version.as_deref().unwrap_or("?")
                ),
            ));
        }
    }
    for (name, is_file) in &present {
        if name == manifest::SUMS || listed.contains(name) {
            continue;
        }
        let why = if !is_file {
            "a release folder holds only files".to_string()
        } else if expected.contains(name) {
            "SHA256SUMS does not list this file, so it cannot be trusted".to_string()
        } else {
            "this file is not part of the release".to_string()
        };
        report
            .findings
            .push(finding(Code::ReleaseExtraFile, shown(name), why));
    }

    // The manifest's hashes of the consumer formats agree with their files.
    let listed_formats = manifest_text
        .as_deref()
        .and_then(|t| serde_json::from_str::<manifest::Manifest>(t).ok())
        .map(|m| m.artifacts)
        .unwrap_or_default();
    for (name, hash) in &listed_formats {
        if safe_path(name.as_bytes()).is_err() || name.contains('/') {
            report.findings.push(finding(
                Code::ReleaseUnsafePath,
                shown(manifest::MANIFEST),
                format!(
                    "the manifest lists `{}`, which is not a file name in the release folder",
                    name.escape_debug()
                ),
            ));
        } else if present.get(name) != Some(&true) {
            if !expected.contains(name) {
                report.findings.push(finding(
                    Code::ReleaseMissingFile,
                    shown(name),
                    "the manifest lists this file, but the release folder does not hold it",
                ));
            }
        } else {
            let actual = hash_file(&dir.join(name))?;
            if &actual != hash {
                report.findings.push(finding(
                    Code::ReleaseChecksumMismatch,
                    shown(name),
                    format!("has SHA-256 {actual}, but the manifest says {hash}"),
                ));
            }
        }
    }

    // The archive, and the loose files' agreement with it.
    let Some(version) = version else {
        return Ok(report);
    };
    let archive = manifest::archive_name(&version);
    if present.get(&archive) != Some(&true) {
        // Reported above, as a missing file.
        return Ok(report);
    }
    let inner = verify_archive(
        &dir.join(&archive),
        &shown(&archive),
        Some(&version),
        limits,
    )?;
    report.findings.extend(inner.findings);
    report.texts.extend(inner.texts);
    report.files += inner.files;
    report.archive_files = inner.archive_files;
    report.records = inner.records;
    if let (Some(loose), Some(packed)) = (&manifest_text, &inner.manifest_text)
        && loose != packed
    {
        report.findings.push(Finding::new(
            Code::ReleaseBadManifest,
            shown(manifest::MANIFEST),
            first_difference(loose, packed),
            "",
            format!("differs from the manifest.json inside {archive}"),
        ));
        report
            .texts
            .insert(shown(manifest::MANIFEST), loose.clone());
    }
    let document = manifest::document_name(&version);
    if let (Some(true), Some(snapshot)) = (present.get(&document), &inner.snapshot) {
        let text = read_text(&dir.join(&document))?;
        let shown_document = shown(&document);
        check_document(
            &text,
            &shown_document,
            &version,
            snapshot,
            &mut report.findings,
        );
        report.texts.insert(shown_document, text);
    }
    if let (Some(true), Some(snapshot)) = (present.get(manifest::REDIRECTS), &inner.snapshot) {
        let text = read_text(&dir.join(manifest::REDIRECTS))?;
        let shown_redirects = shown(manifest::REDIRECTS);
        check_redirects(
            &text,
            &shown_redirects,
            &version,
            snapshot,
            &mut report.findings,
        );
        report.texts.insert(shown_redirects, text);
    }
    report.snapshot = inner.snapshot;
    Ok(report)
}

/// Checks `redirects.json` against the archive's records: it lists every
/// withdrawn record, each leads where following its successors does, and no
/// successor is missing or withdrawn itself.
fn check_redirects(
    text: &str,
    file: &str,
    version: &str,
    snapshot: &Snapshot,
    findings: &mut Vec<Finding>,
) {
    let spans = SpanIndex::new(text);
    let bad = |pointer: &str, message: String| {
        Finding::new(
            Code::ReleaseBadRedirects,
            file,
            spans.value(pointer),
            pointer,
            message,
        )
    };
    let given: Redirects = match serde_json::from_str(text) {
        Ok(given) => given,
        Err(e) => {
            findings.push(Finding::new(
                Code::ReleaseBadRedirects,
                file,
                (
                    u32::try_from(e.line()).unwrap_or(1),
                    u32::try_from(e.column()).unwrap_or(1),
                ),
                "",
                format!("not a redirects document: {e}"),
            ));
            return;
        }
    };
    let expected = redirects::of_records(version, &snapshot.collections);
    if given.version != version {
        findings.push(bad(
            "/version",
            format!("names version {}, not {version}", given.version),
        ));
    }
    for (collection, records) in &given.redirects {
        let in_archive = snapshot.collections.get(collection);
        for (id, redirect) in records {
            let pointer = format!("/redirects/{}/{}", escape(collection), escape(id));
            let record = in_archive.and_then(|r| r.get(id));
            if record.is_none_or(|r| r.get("withdrawn").is_none()) {
                findings.push(bad(
                    &pointer,
                    format!("`{collection}/{id}` is not a withdrawn record of the archive"),
                ));
                continue;
            }
            if let Some(to) = &redirect.successor {
                match in_archive.and_then(|r| r.get(to)) {
                    None => findings.push(bad(
                        &format!("{pointer}/successor"),
                        format!("`{collection}/{to}` is not in the archive"),
                    )),
                    Some(r) if r.get("withdrawn").is_some() => findings.push(bad(
                        &format!("{pointer}/successor"),
                        format!("`{collection}/{to}` is withdrawn itself; a redirect leads to a record in use"),
                    )),
                    Some(_) => {}
                }
            }
            let want = expected.redirects.get(collection).and_then(|r| r.get(id));
            if want.is_some_and(|w| w != redirect) {
                findings.push(bad(
                    &pointer,
                    format!("does not match the withdrawal of `{collection}/{id}` in the archive"),
                ));
            }
        }
    }
    for (collection, records) in &expected.redirects {
        for id in records.keys() {
            if given
                .redirects
                .get(collection)
                .is_none_or(|r| !r.contains_key(id))
            {
                findings.push(bad(
                    "/redirects",
                    format!("`{collection}/{id}` is withdrawn in the archive but has no redirect"),
                ));
            }
        }
    }
}

/// Checks that the dataset document holds the archive's records, and its version.
fn check_document(
    text: &str,
    file: &str,
    version: &str,
    snapshot: &Snapshot,
    findings: &mut Vec<Finding>,
) {
    let bad = |position, pointer: &str, message: String| {
        Finding::new(Code::ReleaseBadManifest, file, position, pointer, message)
    };
    let value = match json::parse(text) {
        Ok(parsed) => parsed.value,
        Err(e) => {
            let position = span::byte_column_to_position(text, e.line, e.byte_column);
            findings.push(bad(
                position,
                "",
                format!("the dataset document is not valid JSON: {}", e.message),
            ));
            return;
        }
    };
    let spans = SpanIndex::new(text);
    if value.get("version").and_then(Value::as_str) != Some(version) {
        findings.push(bad(
            spans.value("/version"),
            "/version",
            format!("the dataset document is not of version {version}"),
        ));
    }
    let Some(collections) = value.get("collections").and_then(Value::as_object) else {
        findings.push(bad(
            spans.value("/collections"),
            "/collections",
            "the dataset document has no `collections` object".into(),
        ));
        return;
    };
    let mut names: BTreeSet<&str> = collections.keys().map(String::as_str).collect();
    names.extend(snapshot.collections.keys().map(String::as_str));
    let empty = Vec::new();
    for name in names {
        let in_document = collections
            .get(name)
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let in_archive: Vec<&Value> = snapshot
            .collections
            .get(name)
            .map(|records| records.values().collect())
            .unwrap_or_default();
        if in_document.len() != in_archive.len()
            || in_document.iter().zip(&in_archive).any(|(a, b)| a != *b)
        {
            let pointer = format!("/collections/{}", escape(name));
            findings.push(bad(
                spans.value(&pointer),
                &pointer,
                format!("does not hold the same records as data/{name}/ in the archive"),
            ));
        }
    }
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| Error::io("reading", path, e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The SHA-256 of a file, read in pieces.
fn hash_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(|e| Error::io("reading", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io("reading", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folder an archive was unpacked into was created `0777 & !umask`,
    /// so under umask 000 another user could plant a link in it.
    #[cfg(unix)]
    #[test]
    fn verify_unpacked_into_a_folder_others_could_enter() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = format::private_temp_dir().unwrap();
        let mode = fs::metadata(tmp.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }

    /// A link planted in the unpack folder was followed, and `verify` wrote
    /// the archive's files wherever it pointed.
    #[cfg(unix)]
    #[test]
    fn verify_wrote_through_a_link_planted_in_its_folder() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.path().join("data")).unwrap();
        let entry = Entry {
            path: "data/labs/x.json".into(),
            is_dir: false,
            size: 2,
        };
        assert!(unpack(root.path(), &entry, &mut &b"{}"[..]).is_err());
        std::os::unix::fs::symlink(elsewhere.path(), root.path().join("file.json")).unwrap();
        let entry = Entry {
            path: "file.json".into(),
            is_dir: false,
            size: 2,
        };
        assert!(unpack(root.path(), &entry, &mut &b"{}"[..]).is_err());
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
