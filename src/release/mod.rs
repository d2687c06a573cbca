//! `techpact release`: cuts a release consumers can trust.
//!
//! A release is built from the committed tree at HEAD, never from the work
//! tree: what is checked, archived and tagged is exactly what the commit
//! holds, whatever is uncommitted or however local files are dated. The same
//! commit therefore gives byte-identical artifacts on any machine, run after
//! run. (Uncommitted changes are allowed without `--tag` and are simply not
//! part of the release; `--tag` refuses a dirty tree so the tag cannot be
//! mistaken for the work tree's state.)
//!
//! The steps: refuse a version that is not semver or not newer than the
//! newest `v*` tag; run the full check on HEAD's `data/` and `schema/`;
//! compare every schema with the previous tag's (`compat`) and demand a
//! major bump (a minor one while at 0.x) for a breaking change; then write
//! the artifacts, each to a temporary name renamed into place, `SHA256SUMS`
//! last; with `--tag`, create the annotated tag `v<version>` on HEAD.
//! (A previous tag without a `schema/` folder gives the gate nothing to
//! compare, and a first release has no previous tag: everything is "added".)

pub mod archive;
pub mod compat;
pub mod formats;
pub mod manifest;
pub mod read;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use semver::Version;
use serde::Serialize;
use serde_json::Value;

use crate::check;
use crate::diag::{Finding, Summary};
use crate::diff;
use crate::error::{Error, Result};
use crate::evidence::sha256_hex;
use crate::format::{self, to_canonical_string};
use crate::git::releases as git;
use crate::lifecycle;
use crate::model::Collection;
use crate::refs::Ids;
use crate::rules;
use crate::schema;
use read::Snapshot;

pub use compat::BreakingChange;
pub use manifest::Manifest;

/// What `techpact release` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The version, such as `1.4.0` (no leading `v`).
    pub version: String,
    /// Where to write the artifacts; `dist/` of the repository when `None`.
    pub out: Option<PathBuf>,
    /// Whether to create the annotated tag `v<version>` on HEAD.
    pub tag: bool,
}

/// Why a release was refused. Nothing was written.
#[derive(Debug)]
pub enum Refusal {
    /// The version is not a semantic version.
    NotSemver {
        /// The argument as given.
        given: String,
        /// What the parser said.
        reason: String,
    },
    /// The tag `v<version>` exists already.
    TagExists {
        /// The tag name.
        tag: String,
    },
    /// The version is not greater than the newest version tag.
    NotNewer {
        /// The requested version.
        version: Version,
        /// The newest `v*` tag.
        newest: String,
    },
    /// `--tag` was given and the work tree has uncommitted changes.
    DirtyWorkTree {
        /// The changed or untracked paths.
        paths: Vec<String>,
    },
    /// The output folder holds files that are not part of this release.
    OutputNotEmpty {
        /// The output folder.
        dir: PathBuf,
        /// The names found there.
        entries: Vec<String>,
    },
    /// The check found errors in the committed data or schemas.
    CheckFailed {
        /// Every finding, errors and warnings.
        findings: Vec<Finding>,
        /// Their counts.
        summary: Summary,
        /// The text of each file with findings, by displayed path.
        texts: HashMap<String, String>,
    },
    /// The schemas changed in ways that reject data the previous release
    /// accepted, and the version is not a major bump.
    Breaking {
        /// The previous tag.
        previous: String,
        /// The requested version.
        version: Version,
        /// The smallest version that would be allowed.
        required: Version,
        /// Every breaking change.
        changes: Vec<BreakingChange>,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotSemver { given, reason } => write!(
                f,
                "`{given}` is not a semantic version ({reason}); give one such as 1.4.0, without a leading `v`"
            ),
            Refusal::TagExists { tag } => write!(
                f,
                "the tag {tag} exists already; a released version is never cut again, choose a newer one"
            ),
            Refusal::NotNewer { version, newest } => write!(
                f,
                "{version} is not greater than the newest version tag {newest}; choose a newer version"
            ),
            Refusal::DirtyWorkTree { paths } => {
                write!(
                    f,
                    "the work tree has uncommitted changes, and --tag tags HEAD; commit or stash them first:"
                )?;
                for p in paths.iter().take(20) {
                    write!(f, "\n  {p}")?;
                }
                if paths.len() > 20 {
                    write!(f, "\n  … and {} more", paths.len() - 20)?;
                }
                Ok(())
            }
            Refusal::OutputNotEmpty { dir, entries } => write!(
                f,
                "{} holds files that are not part of this release ({}); empty it or choose another --out",
                dir.display(),
                entries.join(", ")
            ),
            Refusal::CheckFailed { summary, .. } => write!(
                f,
                "the check found {} error(s) in the committed data or schemas; fix them and commit first",
                summary.errors
            ),
            Refusal::Breaking {
                previous,
                version,
                required,
                changes,
            } => {
                write!(
                    f,
                    "{version} is not a major release, but since {previous} the schemas changed in ways that reject data {previous} accepted:"
                )?;
                for c in changes {
                    let at = if c.pointer.is_empty() {
                        "/"
                    } else {
                        c.pointer.as_str()
                    };
                    write!(f, "\n  {} {at}: {}", c.collection, c.change)?;
                }
                write!(
                    f,
                    "\nrelease {required} (or later) instead, or undo these changes"
                )
            }
        }
    }
}

/// One written artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    /// The file name in the output folder.
    pub name: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its SHA-256.
    pub sha256: String,
}

/// The tag a release created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// `v<version>`.
    pub name: String,
    /// The tag object's id.
    pub object: String,
}

/// A finished release.
#[derive(Debug, Clone, Serialize)]
pub struct Released {
    /// The version.
    pub version: String,
    /// The commit it was built from.
    pub commit: String,
    /// The commit time, RFC 3339.
    pub commit_time: String,
    /// The previous tag, if any.
    pub previous: Option<String>,
    /// The output folder.
    pub out: PathBuf,
    /// The output folder as people see it: as given, or `dist` for the default.
    #[serde(skip)]
    pub shown_out: String,
    /// The artifacts, `SHA256SUMS` last.
    pub artifacts: Vec<Artifact>,
    /// Records per collection.
    pub records: BTreeMap<String, usize>,
    /// Changes since the previous tag.
    pub changes: diff::Totals,
    /// Warnings the check found (errors refuse the release).
    pub warnings: usize,
    /// Paths with uncommitted changes, which the release does not include.
    pub uncommitted: Vec<String>,
    /// The tag, when `--tag` was given.
    pub tag: Option<Tag>,
}

/// How a release run ended.
#[derive(Debug)]
pub enum Outcome {
    /// The artifacts were written (and the tag created).
    Released(Box<Released>),
    /// Nothing was written; the refusal says why.
    Refused(Box<Refusal>),
}

fn refuse(r: Refusal) -> Result<Outcome> {
    Ok(Outcome::Refused(Box::new(r)))
}

/// Cuts a release of the repository holding `start`.
pub fn run(start: &Path, request: &Request) -> Result<Outcome> {
    let version = match Version::parse(&request.version) {
        Ok(v) => v,
        Err(e) => {
            return refuse(Refusal::NotSemver {
                given: request.version.clone(),
                reason: e.to_string(),
            });
        }
    };
    let repo = git::discover(start)?;
    let workdir = git::workdir(&repo)?;
    let tag_name = format!("v{version}");
    if git::tag_exists(&repo, &tag_name) {
        return refuse(Refusal::TagExists { tag: tag_name });
    }
    let tags = git::version_tags(&repo)?;
    let previous = tags.first().cloned();
    if let Some((newest, name)) = &previous
        && version <= *newest
    {
        return refuse(Refusal::NotNewer {
            version,
            newest: name.clone(),
        });
    }
    let status = git::work_tree_status(&repo)?;
    let uncommitted: Vec<String> = status
        .iter()
        .filter(|(_, ignored)| !ignored)
        .map(|(path, _)| path.clone())
        .collect();
    if request.tag && !uncommitted.is_empty() {
        return refuse(Refusal::DirtyWorkTree { paths: uncommitted });
    }
    let (out, shown_out) = match &request.out {
        Some(dir) => (start.join(dir), dir.display().to_string()),
        None => (workdir.join("dist"), "dist".to_string()),
    };
    let names = manifest::artifact_names(&version.to_string());
    remove_leftovers(&out)?;
    let foreign = format::foreign_entries(&out, |name| {
        names.iter().any(|n| n == name) || name == manifest::SUMS
    })?;
    if !foreign.is_empty() {
        return refuse(Refusal::OutputNotEmpty {
            dir: out,
            entries: foreign,
        });
    }

    let head = git::commit(&repo, "HEAD")?;
    // The check reads the very bytes the archive will hold, HEAD's blobs,
    // never the work tree: `git status` can look clean while the work tree
    // differs (assume-unchanged, skip-worktree, line-end conversion, a
    // committed link followed on disk).
    let data = git::tree_files(&repo, "HEAD", "data")?;
    let schemas = git::tree_files(&repo, "HEAD", "schema")?;
    let mut checked = check_tree(&data, &schemas)?;
    if let Some((_, previous_tag)) = &previous {
        checked.add(removed_since(&workdir, previous_tag, &data)?);
    }
    if checked.summary.errors > 0 {
        return refuse(Refusal::CheckFailed {
            findings: checked.findings,
            summary: checked.summary,
            texts: checked.texts,
        });
    }

    let current_schemas: BTreeMap<String, Value> = Collection::ALL
        .iter()
        .map(|c| (c.dir_name().to_string(), schema::generate(*c)))
        .collect();
    let mut old_snapshot = None;
    if let Some((previous_version, previous_tag)) = &previous {
        let old_schemas = schemas_at(&repo, previous_tag)?;
        let changes = compat::compare_all(&old_schemas, &current_schemas);
        if !changes.is_empty() && !is_breaking_bump(previous_version, &version) {
            return refuse(Refusal::Breaking {
                previous: previous_tag.clone(),
                required: next_breaking(previous_version),
                version,
                changes,
            });
        }
        old_snapshot = Some(Snapshot::at_revision(&repo, previous_tag)?);
    }

    let version_text = version.to_string();
    let files: Vec<(&str, &[u8])> = data
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    let new_snapshot = Snapshot::from_files(tag_name.clone(), files.iter().copied())?;
    let changes = diff::diff(old_snapshot.as_ref(), &new_snapshot);
    let mut site = crate::site::feed::context_of(&workdir.join("data"), None)?;
    site.version = Some(version.to_string());
    site.commit = Some(head.id.clone());
    site.releases.insert(
        0,
        crate::site::feed::Release {
            tag: tag_name.clone(),
            time: head.time,
            changes: changes.clone(),
        },
    );
    let built = build(&Inputs {
        version: &version_text,
        commit: &head,
        previous: previous.as_ref().map(|(_, t)| t.as_str()),
        data: &data,
        schemas: &schemas,
        snapshot: &new_snapshot,
        changes: &changes,
        records: &checked.records,
        site: &site,
    })?;

    fs::create_dir_all(&out).map_err(|e| Error::io("creating", &out, e))?;
    let mut artifacts = Vec::new();
    for (name, bytes) in &built.files {
        let path = out.join(name);
        format::write_atomic(&path, bytes)?;
        publishable(&path)?;
        artifacts.push(Artifact {
            name: name.clone(),
            bytes: bytes.len(),
            sha256: sha256_hex(bytes),
        });
    }

    let tag = if request.tag {
        let message = tag_message(&version_text, &artifacts[0], &built.manifest.records);
        let object = git::create_annotated_tag(&repo, &tag_name, &message)?;
        Some(Tag {
            name: tag_name,
            object,
        })
    } else {
        None
    };
    Ok(Outcome::Released(Box::new(Released {
        version: version_text,
        commit: head.id,
        commit_time: built.manifest.commit_time.clone(),
        previous: previous.map(|(_, t)| t),
        out,
        shown_out,
        artifacts,
        records: built.manifest.records.clone(),
        changes: changes.totals,
        warnings: checked.summary.warnings,
        uncommitted,
        tag,
    })))
}

/// Whether going from `previous` to `version` may break compatibility, as
/// Cargo reads versions: a new major, or while at 0.x a new minor (and at
/// 0.0.x any new version).
pub fn is_breaking_bump(previous: &Version, version: &Version) -> bool {
    if previous.major > 0 {
        version.major > previous.major
    } else if previous.minor > 0 {
        version.major > 0 || version.minor > previous.minor
    } else {
        version > previous
    }
}

/// The smallest version after `previous` that may break compatibility.
pub fn next_breaking(previous: &Version) -> Version {
    if previous.major > 0 {
        Version::new(previous.major + 1, 0, 0)
    } else if previous.minor > 0 {
        Version::new(0, previous.minor + 1, 0)
    } else {
        Version::new(0, 0, previous.patch + 1)
    }
}

/// Makes a written artifact readable by everyone: the temporary file it was
/// renamed from is private to its owner.
fn publishable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io("setting permissions of", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Deletes the temporary files an interrupted release left in `out`: they
/// are techpact's own, and nothing else would remove them.
fn remove_leftovers(out: &Path) -> Result<()> {
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("reading", out, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("reading", out, e))?;
        let ours = entry.file_name().to_str().is_some_and(format::is_leftover);
        if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            fs::remove_file(entry.path()).map_err(|e| Error::io("deleting", entry.path(), e))?;
        }
    }
    Ok(())
}

/// The result of checking the committed tree.
struct Checked {
    findings: Vec<Finding>,
    summary: Summary,
    texts: HashMap<String, String>,
    /// The typed records, which the consumer formats are built from.
    records: Vec<Option<crate::model::Record>>,
}

/// Runs the full check and the schema staleness check on the committed
/// `data/` and `schema/`, written out to a private temporary folder.
fn check_tree(data: &[git::TreeFile], schemas: &[git::TreeFile]) -> Result<Checked> {
    let tmp = format::private_temp_dir()?;
    let mut findings = Vec::new();
    for dir in ["data", "schema"] {
        let path = tmp.path().join(dir);
        fs::create_dir_all(&path).map_err(|e| Error::io("creating", &path, e))?;
    }
    for file in data.iter().chain(schemas) {
        match file.kind {
            git::EntryKind::File => {
                let target = tmp.path().join(&file.path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
                }
                fs::write(&target, &file.bytes).map_err(|e| Error::io("writing", &target, e))?;
            }
            git::EntryKind::Symlink | git::EntryKind::Other => findings.push(Finding::new(
                crate::diag::Code::LayoutUnexpectedEntry,
                &file.path,
                (0, 0),
                "",
                "a symbolic link or submodule is committed here; commit the file itself",
            )),
        }
    }
    let mut checked = check_dir(tmp.path())?;
    checked.add(findings);
    Ok(checked)
}

/// `id/removed` for every record of the release `previous_tag` that the
/// committed `data` no longer holds: a published id is permanent.
fn removed_since(
    workdir: &Path,
    previous_tag: &str,
    data: &[git::TreeFile],
) -> Result<Vec<Finding>> {
    let repository = crate::git::Repository::discover(workdir)?;
    let published = check::published_in(&repository, previous_tag.to_string(), "data")?;
    let now = Ids::new(data.iter().filter_map(|f| {
        let (collection, id) = read::record_path(&f.path)?;
        Some((Collection::from_dir_name(collection)?, id))
    }));
    Ok(rules::published_ids_remain(&published, &now, "data"))
}

impl Checked {
    /// Adds `findings` to the check's, counted in its summary.
    fn add(&mut self, findings: Vec<Finding>) {
        self.findings.extend(findings);
        crate::diag::normalize(&mut self.findings);
        self.summary = Summary::of(&self.findings, self.summary.files, self.summary.records)
            .counting(self.summary.counted);
    }
}

/// Runs the full check of `root/data` and the schema staleness check of
/// `root/schema`.
fn check_dir(root: &Path) -> Result<Checked> {
    let outcome = check::run(&root.join("data"), "data", &check::Options::default())?;
    let mut findings = outcome.findings.clone();
    findings.extend(schema::check_all(&root.join("schema"), "schema"));
    crate::diag::normalize(&mut findings);
    // Only the files a finding quotes are needed to show it.
    let quoted: std::collections::HashSet<&str> =
        findings.iter().map(|f| f.file.as_str()).collect();
    let mut texts: HashMap<String, String> = outcome
        .dataset
        .files
        .iter()
        .filter(|f| quoted.contains(f.path.as_str()))
        .map(|f| (f.path.clone(), f.text().to_string()))
        .collect();
    for collection in Collection::ALL {
        let path = root.join("schema").join(collection.schema_file_name());
        if let Ok(text) = fs::read_to_string(&path) {
            texts.insert(format!("schema/{}", collection.schema_file_name()), text);
        }
    }
    let records = outcome.typed.records.iter().flatten().count();
    let summary = Summary::of(&findings, outcome.dataset.entries, records).counting(
        crate::diag::Counted::Data {
            record_files: outcome.dataset.files.len(),
        },
    );
    Ok(Checked {
        findings,
        summary,
        texts,
        records: outcome.typed.records,
    })
}

/// The schemas committed at `rev`, by collection folder name.
fn schemas_at(repo: &git2::Repository, rev: &str) -> Result<BTreeMap<String, Value>> {
    let mut schemas = BTreeMap::new();
    for file in git::tree_files(repo, rev, "schema")? {
        let Some(name) = file
            .path
            .strip_prefix("schema/")
            .and_then(|n| n.strip_suffix(".schema.json"))
        else {
            continue;
        };
        let value = serde_json::from_slice(&file.bytes).map_err(|e| {
            Error::Other(format!(
                "{} at {rev} is not valid JSON ({e}); the compatibility gate cannot read it",
                file.path
            ))
        })?;
        schemas.insert(name.to_string(), value);
    }
    Ok(schemas)
}

/// What the artifacts are built from.
struct Inputs<'a> {
    version: &'a str,
    commit: &'a git::CommitInfo,
    previous: Option<&'a str>,
    data: &'a [git::TreeFile],
    schemas: &'a [git::TreeFile],
    snapshot: &'a Snapshot,
    changes: &'a diff::Changes,
    records: &'a [Option<crate::model::Record>],
    site: &'a crate::site::Context,
}

/// The artifacts in memory, in the order they are written.
struct Built {
    manifest: Manifest,
    files: Vec<(String, Vec<u8>)>,
}

/// Builds every artifact from committed bytes only.
fn build(inputs: &Inputs<'_>) -> Result<Built> {
    let mut records: BTreeMap<String, usize> = Collection::ALL
        .iter()
        .map(|c| (c.dir_name().to_string(), 0))
        .collect();
    for file in inputs.data {
        if let Some((collection, _)) = read::record_path(&file.path) {
            *records.entry(collection.to_string()).or_default() += 1;
        }
    }
    let files: BTreeMap<String, String> = {
        use rayon::prelude::*;
        inputs
            .data
            .par_iter()
            .map(|file| (file.path.clone(), sha256_hex(&file.bytes)))
            .collect()
    };
    let schemas = inputs
        .schemas
        .iter()
        .filter_map(|f| {
            let name = f
                .path
                .strip_prefix("schema/")?
                .strip_suffix(".schema.json")?;
            Some((name.to_string(), sha256_hex(&f.bytes)))
        })
        .collect();
    let mtime = u64::try_from(inputs.commit.time).unwrap_or(0);
    let stamp = crate::export::Stamp {
        version: Some(inputs.version.to_string()),
        commit: Some(inputs.commit.id.clone()),
        created: Some(crate::format::rfc3339_utc(inputs.commit.time)),
        generator: format!("techpact {}", env!("CARGO_PKG_VERSION")),
        license: crate::export::DATA_LICENSE,
    };
    let formats = formats::build(inputs.records, &stamp, mtime, inputs.site)?;
    let redirects =
        lifecycle::redirects::of_records(inputs.version, &inputs.snapshot.collections).to_json();
    let manifest = Manifest {
        manifest_format: manifest::MANIFEST_FORMAT,
        name: manifest::NAME.to_string(),
        version: inputs.version.to_string(),
        commit: inputs.commit.id.clone(),
        commit_time: manifest::rfc3339_utc(inputs.commit.time),
        commit_timestamp: inputs.commit.time,
        previous: inputs.previous.map(str::to_string),
        records,
        schemas,
        files,
        artifacts: formats
            .iter()
            .map(|(name, bytes)| (name.clone(), sha256_hex(bytes)))
            .collect(),
        licenses: manifest::Licenses::current(),
        redirects: Some(sha256_hex(redirects.as_bytes())),
    };
    let manifest_text = to_canonical_string(&manifest);

    let mut entries: Vec<(String, Vec<u8>)> = inputs
        .data
        .iter()
        .chain(inputs.schemas)
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect();
    entries.push((
        manifest::MANIFEST.to_string(),
        manifest_text.clone().into_bytes(),
    ));
    // Compressing the archive and writing the document are independent.
    let (archive, document) = rayon::join(
        || archive::build(&entries, mtime),
        || document(inputs, &manifest),
    );
    let archive = archive?;
    let title = format!("{} {}", manifest::NAME, inputs.version);
    let mut out = vec![
        (manifest::archive_name(inputs.version), archive),
        (
            manifest::document_name(inputs.version),
            document?.into_bytes(),
        ),
        (manifest::MANIFEST.to_string(), manifest_text.into_bytes()),
        (
            manifest::CHANGES_MD.to_string(),
            inputs.changes.to_markdown(&title).into_bytes(),
        ),
        (
            manifest::CHANGES_JSON.to_string(),
            inputs.changes.to_json().into_bytes(),
        ),
        (manifest::REDIRECTS.to_string(), redirects.into_bytes()),
    ];
    out.extend(formats);
    let hashes: Vec<(String, String)> = out
        .iter()
        .map(|(n, b)| (n.clone(), sha256_hex(b)))
        .collect();
    let sums = manifest::sums_text(hashes.iter().map(|(n, h)| (n.as_str(), h.as_str())));
    out.push((manifest::SUMS.to_string(), sums.into_bytes()));
    Ok(Built {
        manifest,
        files: out,
    })
}

/// `techpact-data-<v>.json`: the whole dataset in one document, records by
/// collection (every collection listed) in id order, then `statements`: every
/// value of every record with its evidence, in the same order.
fn document(inputs: &Inputs<'_>, manifest: &Manifest) -> Result<String> {
    #[derive(Serialize)]
    struct Document<'a> {
        name: &'a str,
        version: &'a str,
        commit: &'a str,
        commit_time: &'a str,
        collections: BTreeMap<&'a str, Vec<&'a Value>>,
        statements: Vec<crate::rules::provenance::Row>,
    }
    let mut collections: BTreeMap<&str, Vec<&Value>> = Collection::ALL
        .iter()
        .map(|c| (c.dir_name(), Vec::new()))
        .collect();
    let mut typed = Vec::new();
    for (name, records) in &inputs.snapshot.collections {
        collections
            .entry(name.as_str())
            .or_default()
            .extend(records.values());
        let Some(collection) = Collection::from_dir_name(name) else {
            continue;
        };
        for value in records.values() {
            let record = crate::model::Record::from_value(collection, value).map_err(|e| {
                Error::Other(format!("a checked record of `{name}` does not type: {e}"))
            })?;
            typed.push(record);
        }
    }
    let order: Vec<(usize, &crate::model::Record)> = typed.iter().enumerate().collect();
    let statements = crate::export::statements::rows(&order)?
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    Ok(to_canonical_string(&Document {
        name: &manifest.name,
        version: &manifest.version,
        commit: &manifest.commit,
        commit_time: &manifest.commit_time,
        collections,
        statements,
    }))
}

/// The tag message: the version, the archive's SHA-256 and the record counts.
fn tag_message(version: &str, archive: &Artifact, records: &BTreeMap<String, usize>) -> String {
    let total: usize = records.values().sum();
    let counts: Vec<String> = Collection::ALL
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.dir_name(),
                records.get(c.dir_name()).copied().unwrap_or(0)
            )
        })
        .collect();
    format!(
        "{} {version}\n\n{}  {}\nrecords: {total} ({})\n",
        manifest::NAME,
        archive.sha256,
        archive.name,
        counts.join(", ")
    )
}

impl Released {
    /// What `techpact release` prints for people.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let total: usize = self.records.values().sum();
        out.push_str(&format!(
            "{} {} from commit {} ({})\n",
            manifest::NAME,
            self.version,
            &self.commit[..self.commit.len().min(12)],
            self.commit_time
        ));
        let counts: Vec<String> = self
            .records
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        out.push_str(&format!("  records: {total} ({})\n", counts.join(", ")));
        let c = self.changes;
        match &self.previous {
            Some(p) => out.push_str(&format!(
                "  since {p}: {} added, {} changed, {} removed\n",
                c.added, c.changed, c.removed
            )),
            None => out.push_str("  first release: every record is new\n"),
        }
        if self.warnings > 0 {
            out.push_str(&format!(
                "  {} warning(s) from the check; `techpact check` shows them\n",
                self.warnings
            ));
        }
        if !self.uncommitted.is_empty() {
            out.push_str(&format!(
                "  note: {} uncommitted path(s) are not part of the release, which is built from HEAD\n",
                self.uncommitted.len()
            ));
        }
        for a in &self.artifacts {
            out.push_str(&format!(
                "wrote {} ({} bytes, sha256 {})\n",
                Path::new(&self.shown_out).join(&a.name).display(),
                a.bytes,
                a.sha256
            ));
        }
        if let Some(tag) = &self.tag {
            out.push_str(&format!(
                "tagged {} (tag object {})\n",
                tag.name, tag.object
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn breaking_bumps_follow_cargo() {
        assert!(is_breaking_bump(&v("1.4.0"), &v("2.0.0")));
        assert!(!is_breaking_bump(&v("1.4.0"), &v("1.5.0")));
        assert!(is_breaking_bump(&v("0.3.1"), &v("0.4.0")));
        assert!(is_breaking_bump(&v("0.3.1"), &v("1.0.0")));
        assert!(!is_breaking_bump(&v("0.3.1"), &v("0.3.2")));
        assert!(is_breaking_bump(&v("0.0.3"), &v("0.0.4")));
        assert_eq!(next_breaking(&v("1.4.2")), v("2.0.0"));
        assert_eq!(next_breaking(&v("0.3.1")), v("0.4.0"));
        assert_eq!(next_breaking(&v("0.0.3")), v("0.0.4"));
    }

    #[test]
    fn tag_message_names_archive_hash_and_counts() {
        let archive = Artifact {
            name: "techpact-data-1.0.0.tar.gz".into(),
            bytes: 1,
            sha256: "ab".repeat(32),
        };
        let records =
            BTreeMap::from([("organizations".to_string(), 2), ("sources".to_string(), 1)]);
        let message = tag_message("1.0.0", &archive, &records);
        assert!(message.starts_with("techpact-data 1.0.0\n\n"));
        assert!(message.contains(&format!("{}  techpact-data-1.0.0.tar.gz", "ab".repeat(32))));
        assert!(message.contains("records: 3 (organizations 2, people 0,"));
    }
}
