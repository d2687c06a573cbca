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
mod output;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use semver::Version;
use serde::Serialize;
use serde_json::Value;

use crate::check;
use crate::diag::{Finding, Summary};
use crate::diff;
use crate::error::{Error, Result};
use crate::evidence::sha256_hex;
use crate::format::{self, to_canonical_string};
use crate::git::committed;
use crate::git::releases as git;
use crate::lifecycle;
use crate::lifecycle::redirects::Redirects;
use crate::model::Collection;
use crate::refs::Ids;
use crate::rules;
use crate::schema;
use crate::snapshot;

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
    let mut data = git::tree_files(&repo, "HEAD", "data")?;
    let schemas = git::tree_files(&repo, "HEAD", "schema")?;
    let mut checked = check_tree(&repo, &data, &schemas)?;
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
    let version_text = version.to_string();
    let mut old_files = None;
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
        old_files = Some(git::tree_files(&repo, previous_tag, "data")?);
    }

    let old = previous
        .as_ref()
        .zip(old_files.as_deref())
        .map(|((_, tag), files)| (tag.as_str(), files));
    let (changes, redirects) = compare(old, (&tag_name, &data), &version_text)?;
    drop(old_files);
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
    fs::create_dir_all(&out).map_err(|e| Error::io("creating", &out, e))?;
    let built = build(
        &Inputs {
            version: &version_text,
            commit: &head,
            previous: previous.as_ref().map(|(_, t)| t.as_str()),
            schemas: &schemas,
            changes: &changes,
            records: &checked.records,
            site: &site,
        },
        (&repo, &mut data),
        &redirects,
        &out,
    )?;

    // Every artifact is complete before the first is put in place.
    let mut artifacts = Vec::new();
    for pending in built.files {
        let path = out.join(&pending.artifact.name);
        pending
            .file
            .persist(&path)
            .map_err(|e| Error::io("renaming a temporary file onto", &path, e.error))?;
        publishable(&path)?;
        artifacts.push(pending.artifact);
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
/// `data/` and `schema/`. The records are checked in memory; when that finds
/// anything, or the tree holds more than record files, everything is written
/// out to a private temporary folder and checked there, so that the findings
/// show with their lines as `techpact check` shows them.
fn check_tree(
    repo: &git2::Repository,
    data: &[git::TreeFile],
    schemas: &[git::TreeFile],
) -> Result<Checked> {
    if let Some(checked) = check_in_memory(repo, data, schemas)?
        && checked.findings.is_empty()
    {
        return Ok(checked);
    }
    check_written(data, schemas)
}

/// The check of `data`, read from `repo`, in memory and of `schemas` in a
/// temporary folder; `None` when `data` holds anything but record files of
/// known collections.
fn check_in_memory(
    repo: &git2::Repository,
    data: &[git::TreeFile],
    schemas: &[git::TreeFile],
) -> Result<Option<Checked>> {
    let Some(listing) = listing_of(&committed::Objects::of(repo), data) else {
        return Ok(None);
    };
    if schemas.iter().any(|f| f.kind != git::EntryKind::File) {
        return Ok(None);
    }
    let tmp = format::private_temp_dir()?;
    let schema_dir = tmp.path().join("schema");
    write_files(tmp.path(), schemas)?;
    fs::create_dir_all(&schema_dir).map_err(|e| Error::io("creating", &schema_dir, e))?;
    // The listing is in the tree's order, which is `data`'s.
    let index: HashMap<&str, usize> = data
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let order: Vec<usize> = listing
        .records
        .iter()
        .map(|l| index[l.path.as_str()])
        .collect();
    let bytes = |i: usize| data[order[i]].bytes.clone();
    let outcome = check::run_in_memory(listing, &bytes, &check::Options::default())?;
    Ok(Some(checked_of(outcome, &schema_dir)))
}

/// The listing of the record files `data`, read from the repository of
/// `objects`, in the order `load::list` would walk them written out; `None`
/// when `data` holds anything else, or nothing. Each file's bytes are read
/// again, when a finding needs its text, from the blob they came from,
/// never from the work tree.
fn listing_of(
    objects: &Arc<committed::Objects>,
    data: &[git::TreeFile],
) -> Option<crate::load::Listing> {
    let root = Path::new("data");
    let mut records = Vec::new();
    for file in data {
        let rest = file.path.strip_prefix("data/")?;
        let (folder, name) = rest.split_once('/')?;
        let stem = name.strip_suffix(".json")?;
        let collection = Collection::from_dir_name(folder)?;
        let plain = file.kind == git::EntryKind::File
            && !stem.is_empty()
            && !name.contains('/')
            && !name.contains('\u{fffd}')
            && !format::is_leftover(name);
        if !plain {
            return None;
        }
        let blob = file.blob?;
        records.push((
            folder.as_bytes(),
            name.as_bytes(),
            crate::load::Listed {
                collection,
                path: file.path.clone(),
                stem: stem.into(),
                origin: crate::load::Origin::Committed(Arc::clone(objects), blob.into()),
            },
        ));
    }
    if records.is_empty() {
        return None;
    }
    // A walk sorts folder names, then file names, by their bytes.
    records.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let entries = records.len();
    Some(crate::load::Listing {
        dir: root.to_path_buf(),
        display: "data".to_string(),
        records: records.into_iter().map(|(_, _, l)| l).collect(),
        findings: Vec::new(),
        entries,
    })
}

/// Writes the regular files of `files` under `root`, by their paths.
fn write_files(root: &Path, files: &[git::TreeFile]) -> Result<()> {
    for file in files.iter().filter(|f| f.kind == git::EntryKind::File) {
        let target = root.join(&file.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
        }
        fs::write(&target, &file.bytes).map_err(|e| Error::io("writing", &target, e))?;
    }
    Ok(())
}

/// The check of `data/` and `schema/` written out to a private temporary folder.
fn check_written(data: &[git::TreeFile], schemas: &[git::TreeFile]) -> Result<Checked> {
    let tmp = format::private_temp_dir()?;
    let mut findings = Vec::new();
    for dir in ["data", "schema"] {
        let path = tmp.path().join(dir);
        fs::create_dir_all(&path).map_err(|e| Error::io("creating", &path, e))?;
    }
    write_files(tmp.path(), data)?;
    write_files(tmp.path(), schemas)?;
    for file in data.iter().chain(schemas) {
        if file.kind != git::EntryKind::File {
            findings.push(Finding::new(
                crate::diag::Code::LayoutUnexpectedEntry,
                &file.path,
                (0, 0),
                "",
                "a symbolic link or submodule is committed here; commit the file itself",
            ));
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
        let (collection, id) = snapshot::record_path(&f.path)?;
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
    Ok(checked_of(outcome, &root.join("schema")))
}

/// The check's `outcome` with the staleness check of the schemas in
/// `schema_dir`, and the texts of the files a finding quotes.
fn checked_of(outcome: check::Outcome, schema_dir: &Path) -> Checked {
    let (report, typed, _) = outcome.into_parts();
    let mut checked = Checked {
        findings: report.findings,
        summary: report.summary,
        texts: report.texts,
        records: typed.records,
    };
    for collection in Collection::ALL {
        let path = schema_dir.join(collection.schema_file_name());
        if let Ok(text) = fs::read_to_string(&path) {
            checked
                .texts
                .insert(format!("schema/{}", collection.schema_file_name()), text);
        }
    }
    checked.add(schema::check_all(schema_dir, "schema"));
    checked
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
    schemas: &'a [git::TreeFile],
    changes: &'a diff::Changes,
    records: &'a [Option<crate::model::Record>],
    site: &'a crate::site::Context,
}

/// The artifacts, each complete in a temporary file beside its name, in
/// the order they are put in place.
struct Built {
    manifest: Manifest,
    files: Vec<output::Pending>,
}

/// Builds every artifact from committed bytes only, into temporary files
/// in `out`. `data` holds the committed record files, read from `repo` at
/// HEAD; their bytes are set aside while the tables and the site are made.
fn build(
    inputs: &Inputs<'_>,
    (repo, data): (&git2::Repository, &mut [git::TreeFile]),
    redirects: &Redirects,
    out: &Path,
) -> Result<Built> {
    let mut records: BTreeMap<String, usize> = Collection::ALL
        .iter()
        .map(|c| (c.dir_name().to_string(), 0))
        .collect();
    for file in data.iter() {
        if let Some((collection, _)) = snapshot::record_path(&file.path) {
            *records.entry(collection.to_string()).or_default() += 1;
        }
    }
    let files: BTreeMap<String, String> = {
        use rayon::prelude::*;
        data.par_iter()
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
    let mut manifest = Manifest {
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
        artifacts: BTreeMap::new(),
        licenses: manifest::Licenses::current(),
        redirects: None,
    };
    // Built in two steps, so that the largest things held never meet: the
    // two streamed documents side by side, then the tables of CSV and SQLite
    // a part at a time beside the site. SQLite takes its rows on one thread;
    // the site's pages and their compression fill the other core meanwhile
    // (README, Performance: a release of 100,000 records a fifth faster, for
    // a quarter more memory at its peak).
    let redirects = redirects.to_json();
    let committed: &[git::TreeFile] = data;
    let (document, jsonl) = rayon::join(
        || {
            output::write(out, &manifest::document_name(inputs.version), |w| {
                document(inputs, committed, &manifest, w)
            })
        },
        || formats::jsonl(inputs.records, &stamp, out),
    );
    let (document, jsonl) = (document?, jsonl?);
    // The tables and the site need none of the committed bytes: they are
    // read again from the repository for the archive, which comes last.
    git::set_aside(data);
    let (tabular, site) = rayon::join(
        || formats::tabular(inputs.records, &stamp, mtime, out),
        || formats::site(inputs.records, inputs.version, mtime, inputs.site, out),
    );
    let ((csv, sqlite), site) = (tabular?, site?);
    git::read_again(repo, "HEAD", data)?;
    // In the order `SHA256SUMS` lists them.
    let formats = [jsonl, csv, sqlite, site];
    manifest.artifacts = formats
        .iter()
        .map(|p| (p.artifact.name.clone(), p.artifact.sha256.clone()))
        .collect();
    manifest.redirects = Some(sha256_hex(redirects.as_bytes()));
    let manifest_text = to_canonical_string(&manifest);

    let mut entries: Vec<(&str, &[u8])> = data
        .iter()
        .chain(inputs.schemas)
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    entries.push((manifest::MANIFEST, manifest_text.as_bytes()));
    let archive = output::write(out, &manifest::archive_name(inputs.version), |w| {
        archive::write(&entries, mtime, w).map(drop)
    })?;
    let title = format!("{} {}", manifest::NAME, inputs.version);
    let small = [
        (manifest::MANIFEST, manifest_text.clone()),
        (manifest::CHANGES_MD, inputs.changes.to_markdown(&title)),
        (manifest::CHANGES_JSON, inputs.changes.to_json()),
        (manifest::REDIRECTS, redirects),
    ];
    let mut files = vec![archive, document];
    for (name, text) in small {
        files.push(output::write_bytes(out, name, text.as_bytes())?);
    }
    files.extend(formats);
    let sums = manifest::sums_text(
        files
            .iter()
            .map(|p| (p.artifact.name.as_str(), p.artifact.sha256.as_str())),
    );
    files.push(output::write_bytes(out, manifest::SUMS, sums.as_bytes())?);
    Ok(Built { manifest, files })
}

/// The changes from the previous release's record files `old` (its tag and
/// files; `None` for a first release) to this release's `new` (its tag and
/// files), and this release's redirects. A collection at a time: only one
/// collection's records are ever parsed at once.
fn compare(
    old: Option<(&str, &[git::TreeFile])>,
    (tag, new): (&str, &[git::TreeFile]),
    version: &str,
) -> Result<(diff::Changes, Redirects)> {
    let old_records = old
        .map(|(_, files)| by_collection(files.iter().filter(|f| f.kind == git::EntryKind::File)));
    let new_records = by_collection(new.iter());
    let names = diff::ordered(
        new_records
            .keys()
            .chain(old_records.iter().flat_map(|o| o.keys()))
            .copied(),
    );
    let mut changes = diff::Changes::new(old.map(|(t, _)| t.to_string()), tag.to_string());
    let mut redirects = Redirects {
        version: version.to_string(),
        redirects: BTreeMap::new(),
    };
    let parse = |label: &str,
                 files: Option<&Vec<(&str, &git::TreeFile)>>|
     -> Result<BTreeMap<String, Value>> {
        files
            .into_iter()
            .flatten()
            .map(|(id, f)| {
                Ok((
                    id.to_string(),
                    snapshot::record_value(label, &f.path, &f.bytes)?,
                ))
            })
            .collect()
    };
    for name in names {
        let before = match (old, &old_records) {
            (Some((label, _)), Some(records)) => parse(label, records.get(name))?,
            _ => BTreeMap::new(),
        };
        let after = parse(tag, new_records.get(name))?;
        changes.add(name, &before, &after);
        drop(before);
        let one = BTreeMap::from([(name.to_string(), after)]);
        redirects
            .redirects
            .extend(lifecycle::redirects::of_records(version, &one).redirects);
    }
    Ok((changes, redirects))
}

/// The record files among `files` by collection folder, each with its id,
/// in id order.
fn by_collection<'f>(
    files: impl Iterator<Item = &'f git::TreeFile>,
) -> BTreeMap<&'f str, Vec<(&'f str, &'f git::TreeFile)>> {
    let mut out: BTreeMap<&str, Vec<(&str, &git::TreeFile)>> = BTreeMap::new();
    for file in files {
        if let Some((collection, id)) = snapshot::record_path(&file.path) {
            out.entry(collection).or_default().push((id, file));
        }
    }
    for records in out.values_mut() {
        records.sort_by(|a, b| a.0.cmp(b.0));
    }
    out
}

/// `techpact-data-<v>.json`: the whole dataset in one document, records by
/// collection (every collection listed) in id order, then `statements`: every
/// value of every record with its evidence, in the same order. Each record
/// is parsed from its committed bytes, in `data`, as the document reaches it.
fn document(
    inputs: &Inputs<'_>,
    data: &[git::TreeFile],
    manifest: &Manifest,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    #[derive(Serialize)]
    struct Document<'a> {
        name: &'a str,
        version: &'a str,
        commit: &'a str,
        commit_time: &'a str,
        collections: BTreeMap<&'a str, Records<'a>>,
        statements: crate::export::statements::Sequence<'a>,
    }
    /// A collection's records, each parsed when it is written, with the
    /// release's tag to name in an error.
    struct Records<'a>(&'a str, Vec<(&'a str, &'a git::TreeFile)>);
    impl Serialize for Records<'_> {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::{Error as _, SerializeSeq};
            let mut seq = serializer.serialize_seq(Some(self.1.len()))?;
            for (_, file) in &self.1 {
                let value = snapshot::record_value(self.0, &file.path, &file.bytes)
                    .map_err(|e| S::Error::custom(e.to_string()))?;
                seq.serialize_element(&value)?;
            }
            seq.end()
        }
    }
    let tag = format!("v{}", inputs.version);
    let mut collections: BTreeMap<&str, Records<'_>> = Collection::ALL
        .iter()
        .map(|c| (c.dir_name(), Records(&tag, Vec::new())))
        .collect();
    for (name, records) in by_collection(data.iter()) {
        collections.insert(name, Records(&tag, records));
    }
    // The checked records, in the order of the collections above.
    let mut typed: Vec<&crate::model::Record> = inputs.records.iter().flatten().collect();
    typed.sort_by(|a, b| {
        (a.collection().dir_name(), a.id()).cmp(&(b.collection().dir_name(), b.id()))
    });
    let order: Vec<(usize, &crate::model::Record)> = typed.into_iter().enumerate().collect();
    format::write_canonical(
        out,
        &Document {
            name: &manifest.name,
            version: &manifest.version,
            commit: &manifest.commit,
            commit_time: &manifest.commit_time,
            collections,
            statements: crate::export::statements::Sequence(&order),
        },
    )
}

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

    /// A repository in a temporary folder whose one commit holds the files
    /// under `data` as its `data/`, with the committed files of that folder.
    fn committed(data: &Path) -> (tempfile::TempDir, git2::Repository, Vec<git::TreeFile>) {
        fn copy(from: &Path, to: &Path) {
            fs::create_dir_all(to).unwrap();
            for entry in fs::read_dir(from).unwrap() {
                let path = entry.unwrap().path();
                let target = to.join(path.file_name().unwrap());
                if path.is_dir() {
                    copy(&path, &target);
                } else {
                    fs::copy(&path, &target).unwrap();
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        copy(data, &dir.path().join("data"));
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["data"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let signature = git2::Signature::now("techpact", "techpact@example.org").unwrap();
        repo.commit(Some("HEAD"), &signature, &signature, "data", &tree, &[])
            .unwrap();
        drop(tree);
        let files = git::tree_files(&repo, "HEAD", "data").unwrap();
        (dir, repo, files)
    }

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    #[test]
    fn the_check_in_memory_finds_what_the_check_of_written_files_finds() {
        for name in [
            "rules-valid",
            "release-valid",
            "rules-ref-dangling",
            "rules-date-order",
        ] {
            let (_dir, repo, data) = committed(&fixture(name).join("data"));
            // No schema files: the staleness check finds them missing in both.
            let memory = check_in_memory(&repo, &data, &[])
                .unwrap()
                .expect("plain record files");
            let written = check_written(&data, &[]).unwrap();
            assert!(!written.findings.is_empty(), "{name}");
            let codes = |c: &Checked| -> Vec<(String, String, String)> {
                c.findings
                    .iter()
                    .map(|f| (format!("{:?}", f.code), f.file.clone(), f.pointer.clone()))
                    .collect()
            };
            assert_eq!(codes(&memory), codes(&written), "{name}");
            assert_eq!(memory.summary.records, written.summary.records, "{name}");
            assert_eq!(memory.summary.files, written.summary.files, "{name}");
            assert_eq!(memory.records, written.records, "{name}");
        }
    }

    #[test]
    fn only_plain_record_files_are_checked_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let objects = committed::Objects::of(&git2::Repository::init(dir.path()).unwrap());
        let file = |path: &str, kind| git::TreeFile {
            path: path.to_string(),
            kind,
            bytes: b"{}".to_vec(),
            blob: Some(git2::Oid::ZERO_SHA1),
        };
        let plain = file("data/labs/a.json", git::EntryKind::File);
        assert!(listing_of(&objects, std::slice::from_ref(&plain)).is_some());
        let not_from_a_repository = git::TreeFile {
            blob: None,
            ..plain
        };
        for odd in [
            file("data/labs/a.json", git::EntryKind::Symlink),
            file("data/labs/x/a.json", git::EntryKind::File),
            file("data/labs/a.txt", git::EntryKind::File),
            file("data/nope/a.json", git::EntryKind::File),
            file("data/a.json", git::EntryKind::File),
            not_from_a_repository,
        ] {
            let path = odd.path.clone();
            assert!(listing_of(&objects, &[odd]).is_none(), "{path}");
        }
        assert!(listing_of(&objects, &[]).is_none());
    }

    #[test]
    fn a_file_checked_in_memory_is_read_again_from_its_blob_not_the_work_tree() {
        let (dir, repo, data) = committed(&fixture("rules-valid").join("data"));
        let first = data[0].path.clone();
        fs::write(dir.path().join(&first), "edited in the work tree").unwrap();
        let listing = listing_of(&committed::Objects::of(&repo), &data).expect("plain files");
        let listed = listing
            .records
            .iter()
            .find(|l| l.path == first)
            .expect("listed");
        assert_eq!(listed.read().unwrap(), data[0].bytes);
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
