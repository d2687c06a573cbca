//! The check pipeline: list → per file, in parallel: read, parse, schema,
//! id, type, file rules, references → rules across records → evidence. It
//! returns findings as data; the caller renders them. Each file keeps only
//! its typed record and references once its own stage is done, so a check
//! of a million records fits in memory.
//!
//! Pull-request mode (`--changed-since REV`) reports on a subset: the paths
//! that changed since `REV` (with their folders up to the data directory),
//! and every record that references an added or deleted record, or a changed
//! record whose face changed: what the rules read of a record when they
//! check the records referencing it (its names, withdrawal, hierarchy; all
//! of a source), compared with its bytes at `REV` from the object store. Its
//! result is the full check's findings on exactly those files. To get there
//! without reading the whole dataset, it lists every file (ids are file
//! names), finds the records that may reference such an id by a byte search
//! (no search when no face changed), and loads
//! besides the reported records only what the rules read about them: the
//! records they reference, their hierarchies up to the root, and the records
//! of their collection that may share a name or identifier with them. When
//! the schemas or the toolkit itself changed, every finding may change, so
//! it checks everything and says so in the outcome's `scope`.
//!
//! With `--at REV` a check reads the data as committed at `REV` instead of
//! the work tree: the folders are the commit's trees and the files its
//! blobs. Pull-request mode then compares two commits: it reads the
//! commit's folders (file names are ids), the base's folders whose trees
//! differ, and the files it loads, and never compares the work tree with
//! the index. On the same bytes a check at a commit and a check of its
//! work tree give the same findings.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::diag::{self, Counted, Finding, Summary};
use crate::error::Result;
use crate::evidence;
use crate::folders::Folders;
use crate::git;
use crate::load::{self, Dataset, Listed, Listing, RecordFile};
use crate::model::{Collection, Record, WithdrawalView};
use crate::refs::{self, Graph, Ids, RefFields};
use crate::rules::{self, Published};
use crate::validate::{self, Typed, Validators};

/// What to check besides the schema and the rules.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Folders of source texts to verify quotes against.
    pub evidence: Vec<PathBuf>,
    /// What a pinned source with no text in those folders is.
    pub missing_texts: evidence::MissingTexts,
    /// Pull-request mode: report only on what changed since this git revision.
    pub changed_since: Option<String>,
    /// Check the data as committed at this git revision, read from the
    /// object store, instead of the work tree.
    pub at: Option<String>,
}

/// Which files a check reports on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every file.
    Full,
    /// Every file, because something besides the data changed since `since`.
    Fallback {
        /// The revision compared with.
        since: String,
        /// The first changed path outside the data, relative to the work tree.
        changed: String,
    },
    /// The changed files and the records referencing a changed record.
    Changed {
        /// The revision compared with.
        since: String,
        /// Changed paths under the data directory, deleted ones included.
        changed: usize,
        /// Records reported on because they reference a record that was
        /// added, deleted, or changed its face.
        referencing: usize,
        /// Record files read, those reported on included.
        read: usize,
        /// Record files in the data directory.
        total: usize,
    },
}

impl Scope {
    /// One line saying what a pull-request mode check covered; `None` for a full check.
    pub fn describe(&self) -> Option<String> {
        match self {
            Scope::Full => None,
            Scope::Fallback { since, changed } => Some(format!(
                "checked every record: `{changed}` changed since {since}, and a change to the schemas or the toolkit can change any finding"
            )),
            Scope::Changed {
                since,
                changed,
                referencing,
                read,
                total,
            } => Some(format!(
                "checked {changed} changed path{} since {since} and {referencing} record{} referencing them (read {read} of {total} record files)",
                if *changed == 1 { "" } else { "s" },
                if *referencing == 1 { "" } else { "s" },
            )),
        }
    }
}

/// The result of a check.
#[derive(Debug)]
pub struct Outcome {
    /// The loaded files.
    pub dataset: Dataset,
    /// The typed records, aligned with `dataset.files`.
    pub typed: Typed,
    /// Every finding, sorted and deduplicated.
    pub findings: Vec<Finding>,
    /// Which files the findings are about.
    pub scope: Scope,
    /// The record files reported on, when not all of them; `None` for a full check.
    pub reported: Option<BTreeSet<String>>,
    /// With evidence folders: what became of the quotes of the reported files.
    pub quotes: Option<diag::QuoteCounts>,
    /// The release the ids were compared with, or why none was.
    pub published: Published,
}

impl Outcome {
    /// Counts for the report: the files and records reported on.
    pub fn summary(&self) -> Summary {
        let mut summary = match &self.reported {
            None => Summary::of(
                &self.findings,
                self.dataset.entries,
                self.typed.records.iter().flatten().count(),
            )
            .counting(Counted::Data {
                record_files: self.dataset.files.len(),
            }),
            Some(reported) => {
                let records = self
                    .dataset
                    .files
                    .iter()
                    .zip(&self.typed.records)
                    .filter(|(f, r)| r.is_some() && reported.contains(&f.path))
                    .count();
                Summary::of(&self.findings, reported.len(), records)
            }
        };
        summary.quotes = self.quotes.clone();
        summary
    }

    /// The findings with what it takes to show them, and the typed records,
    /// apart from the loaded files, which a command that goes on to build
    /// from the records no longer needs: it frees them with
    /// `Dataset::free`, or keeps them no longer than it must.
    pub fn into_parts(self) -> (Report, Typed, Dataset) {
        let summary = self.summary();
        let texts = self
            .dataset
            .texts_of(&self.findings)
            .into_iter()
            .map(|(path, text)| (path, text.to_string()))
            .collect();
        let report = Report {
            findings: self.findings,
            summary,
            texts,
        };
        (report, self.typed, self.dataset)
    }
}

/// A check's findings, their counts, and the text of each file they are
/// in: what it takes to show them once the loaded files are gone.
#[derive(Debug)]
pub struct Report {
    /// Every finding, sorted and deduplicated.
    pub findings: Vec<Finding>,
    /// Their counts, and the files and records checked.
    pub summary: Summary,
    /// The text of each file a finding is in, by its shown path.
    pub texts: HashMap<String, String>,
}

/// The typed records of the bundled `data/`, for the tests of what is
/// made from checked records.
#[cfg(test)]
pub fn bundled_records() -> Vec<Option<crate::model::Record>> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    run(&data, "data", &Options::default())
        .expect("the bundled data checks")
        .typed
        .records
}

/// Checks the dataset in `dir`, showing paths under it as `display`.
pub fn run(dir: &Path, display: &str, options: &Options) -> Result<Outcome> {
    if let Some(at) = &options.at {
        return run_at(dir, display, options, at);
    }
    let Some(since) = &options.changed_since else {
        return full(dir, display, options, Scope::Full);
    };
    // The work tree is compared with git while the data is listed; each
    // folder is read once, for both.
    let folders = Folders::default();
    let (changes, prepared) = rayon::join(
        || changes_since(dir, since, &folders),
        || Prepared::new(dir, display, &folders),
    );
    drop(folders);
    let (repository, data, changes) = changes?;
    match DataChanges::of(&repository, &data, since, changes)? {
        Err(scope) => full(dir, display, options, scope),
        Ok(changes) => {
            drop(repository);
            partial(&prepared?, options, since, &changes)
        }
    }
}

/// The changes to the data since a revision.
struct DataChanges {
    /// The changed paths, relative to the data directory.
    changed: Vec<String>,
    /// The bytes at the revision of each changed file that is there before
    /// and after, by its path in `changed`.
    committed: HashMap<String, Vec<u8>>,
}

impl DataChanges {
    /// The changes of `changes` (relative to the work tree) under `data`,
    /// the data directory, since `since`; when a path outside the data
    /// changed, the fallback scope that says which instead.
    fn of(
        repository: &git::Repository,
        data: &str,
        since: &str,
        changes: Vec<git::Change>,
    ) -> Result<std::result::Result<DataChanges, Scope>> {
        let in_data = |path: &str| git::under(path, data);
        // Ignored files count in the data, which a full check reads from disk, but
        // not in the toolkit, which git would not build from.
        if let Some(change) = changes.iter().find(|c| !in_data(&c.path) && !c.ignored) {
            return Ok(Err(Scope::Fallback {
                since: since.to_string(),
                changed: change.path.clone(),
            }));
        }
        // The committed bytes of each changed file that is there before and after,
        // from the object store: what changed in a record decides whether the
        // records referencing it must be read.
        let mut out = DataChanges {
            changed: Vec::new(),
            committed: HashMap::new(),
        };
        for c in changes.into_iter().filter(|c| in_data(&c.path)) {
            let inside = c.path.strip_prefix(data).unwrap_or(&c.path);
            let inside = inside.trim_start_matches('/').to_string();
            if c.status == git::Status::Modified
                && let Some(bytes) = repository.file_at(since, &c.path)?
            {
                out.committed.insert(inside.clone(), bytes);
            }
            out.changed.push(inside);
        }
        Ok(Ok(out))
    }
}

/// The check of the data in `dir` as committed at `at`: in full, or in
/// pull-request mode against `options.changed_since`.
fn run_at(dir: &Path, display: &str, options: &Options, at: &str) -> Result<Outcome> {
    let repository = git::Repository::discover(dir)?;
    let data = repository.relative(dir)?;
    let Some(since) = &options.changed_since else {
        let listing = load::list_committed(&repository, at, &data, dir, display)?;
        drop(repository);
        return full_listed(listing, options, Scope::Full);
    };
    // The commits are compared, and the validators built, on a thread of
    // its own with its own handle on the repository (a handle serves one
    // thread at a time), while this one lists the commit.
    let (listing, compared) = std::thread::scope(|scope| {
        let compared = scope.spawn(|| -> Result<_> {
            let repository = git::Repository::discover(dir)?;
            let changes = repository.changes_between(since, at, &toolkit_and(&data))?;
            let changes = DataChanges::of(&repository, &data, since, changes)?;
            Ok((changes, RefFields::for_run()?, Validators::new()?))
        });
        let listing = load::list_committed(&repository, at, &data, dir, display);
        let compared = compared
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (listing, compared)
    });
    drop(repository);
    let (listing, (changes, fields, validators)) = (listing?, compared?);
    match changes {
        Err(scope) => full_listed(listing, options, scope),
        Ok(changes) => {
            let prepared = Prepared {
                listing,
                fields,
                validators,
            };
            partial(&prepared, options, since, &changes)
        }
    }
}

/// The paths a change to which is a change to the toolkit, and `data`, the
/// data directory relative to the work tree; a toolkit path inside the
/// data directory is data.
fn toolkit_and(data: &str) -> Vec<&str> {
    let mut prefixes: Vec<&str> = ["schema", "src", "Cargo.toml", "Cargo.lock"]
        .into_iter()
        .filter(|prefix| !git::under(data, prefix))
        .collect();
    prefixes.push(data);
    prefixes
}

/// The data directory relative to its work tree, and the changes since
/// `since` under it and under the toolkit's paths.
fn changes_since(
    dir: &Path,
    since: &str,
    folders: &Folders,
) -> Result<(git::Repository, String, Vec<git::Change>)> {
    let repository = git::Repository::discover(dir)?;
    let data = repository.relative(dir)?;
    let changes = repository.changes_since(since, &toolkit_and(&data), folders)?;
    Ok((repository, data, changes))
}

/// What a partial check needs before it knows what changed.
struct Prepared {
    listing: Listing,
    fields: RefFields,
    validators: Validators,
}

impl Prepared {
    fn new(dir: &Path, display: &str, folders: &Folders) -> Result<Prepared> {
        Ok(Prepared {
            listing: load::list_in(dir, display, folders)?,
            fields: RefFields::for_run()?,
            validators: Validators::new()?,
        })
    }
}

/// The full check.
fn full(dir: &Path, display: &str, options: &Options, scope: Scope) -> Result<Outcome> {
    full_listed(load::list(dir, display)?, options, scope)
}

/// The full check of the files of `listing`, each read from where it lists it.
fn full_listed(listing: Listing, options: &Options, scope: Scope) -> Result<Outcome> {
    let published = published(&listing.dir)?;
    full_of(
        listing,
        &|_, l| load::read_one(l),
        published,
        options,
        scope,
    )
}

/// The full check of the record files of `listing` given in memory: file
/// `i` holds `bytes(i)`. Ids are compared with no release. A text that a
/// finding needs after its file's own stages is not kept, so a finding made
/// across records may show no line; a caller that shows findings checks
/// the files on disk when there is one.
pub fn run_in_memory(
    listing: Listing,
    bytes: &(dyn Fn(usize) -> Vec<u8> + Sync),
    options: &Options,
) -> Result<Outcome> {
    full_of(
        listing,
        &|i, l| load::from_bytes(l, bytes(i)),
        Published::NoRepository,
        options,
        Scope::Full,
    )
}

/// The full check of `listing`, each file loaded by `load` from its index
/// and listing entry.
fn full_of(
    mut listing: Listing,
    load: &(dyn Fn(usize, Listed) -> (RecordFile, Vec<Finding>) + Sync),
    published: Published,
    options: &Options,
    scope: Scope,
) -> Result<Outcome> {
    let validators = Validators::new()?;
    let fields = RefFields::for_run()?;
    let listed = std::mem::take(&mut listing.records);
    let (dataset, typed, refs, findings) = assemble(
        &listing,
        listed
            .into_par_iter()
            .enumerate()
            .map(|(i, l)| FileCheck::of(load(i, l), &validators, &fields)),
    );
    let ids = Ids::of_dataset(&dataset);
    let (mut findings, quotes) = judge(
        &dataset,
        &typed,
        (refs, findings),
        &fields,
        &ids,
        options,
        |_| true,
    )?;
    findings.extend(rules::published_ids_remain(
        &published,
        &ids,
        &listing.display,
    ));
    diag::normalize(&mut findings);
    Ok(Outcome {
        dataset,
        typed,
        findings,
        scope,
        reported: None,
        quotes,
        published,
    })
}

/// One record file after the stages that need nothing but the file (read,
/// parse, schema, id, type), reduced to what the rules read: its parsed
/// JSON is dropped, which keeps a large check's memory to the typed records.
struct FileCheck {
    file: RecordFile,
    findings: Vec<Finding>,
    record: Option<Record>,
    refs: Vec<refs::Reference>,
}

impl FileCheck {
    fn run(listed: Listed, validators: &Validators, fields: &RefFields) -> FileCheck {
        FileCheck::of(load::read_one(listed), validators, fields)
    }

    /// The check of a file already read, with the findings of reading it.
    fn of(
        (mut file, mut findings): (RecordFile, Vec<Finding>),
        validators: &Validators,
        fields: &RefFields,
    ) -> FileCheck {
        let record = file_stages(&file, validators, &mut findings);
        let refs = fields.extract_file(&file);
        file.release_value();
        if findings.is_empty() {
            file.release_text();
        }
        FileCheck {
            file,
            findings,
            record,
            refs,
        }
    }
}

/// Schema, id, type and the per-file rules on a file read and parsed;
/// pushes their findings and returns the typed record.
fn file_stages(
    file: &RecordFile,
    validators: &Validators,
    findings: &mut Vec<Finding>,
) -> Option<Record> {
    let (schema_findings, record) = validate::validate_file(file, validators);
    findings.extend(schema_findings);
    if let (Some(value), Some(record)) = (&file.value, &record) {
        findings.extend(rules::run_file(file, value, record));
    }
    record
}

/// Every stage of a check that needs nothing but one file (decode, parse,
/// schema, id, type, the per-file rules) on `bytes` as the content of
/// `listed`: the file, its findings and its typed record. What the fuzz
/// targets run on each input.
pub fn check_bytes(
    listed: Listed,
    bytes: Vec<u8>,
    validators: &Validators,
) -> (RecordFile, Vec<Finding>, Option<Record>) {
    let (file, mut findings) = load::from_bytes(listed, bytes);
    let record = file_stages(&file, validators, &mut findings);
    (file, findings, record)
}

/// The dataset of the `checked` files of `listing`, in their order, with
/// their typed records and references, and the findings so far: the
/// listing's, then each file's. Collected straight into one vector per
/// part: a vector of whole `FileCheck`s first would double the peak memory
/// of a large check.
fn assemble(
    listing: &Listing,
    checked: impl IndexedParallelIterator<Item = FileCheck>,
) -> (Dataset, Typed, Vec<Vec<refs::Reference>>, Vec<Finding>) {
    let (files, (records, (refs, by_file))): (Vec<_>, (Vec<_>, (Vec<_>, Vec<_>))) = checked
        .map(|c| (c.file, (c.record, (c.refs, c.findings))))
        .unzip();
    let mut findings = listing.findings.clone();
    findings.extend(by_file.into_iter().flatten());
    let dataset = Dataset {
        dir: listing.dir.clone(),
        files,
        findings: listing.findings.clone(),
        entries: listing.entries,
    };
    (dataset, Typed { records }, refs, findings)
}

/// `findings` followed by those of the rules across records and, when
/// asked, of the evidence, with the quote counts of the files `reported`
/// accepts: the stages that see the assembled dataset, in a full check and
/// in pull-request mode alike.
fn judge(
    dataset: &Dataset,
    typed: &Typed,
    (refs, mut findings): (Vec<Vec<refs::Reference>>, Vec<Finding>),
    fields: &RefFields,
    ids: &Ids<'_>,
    options: &Options,
    reported: impl Fn(&str) -> bool,
) -> Result<(Vec<Finding>, Option<diag::QuoteCounts>)> {
    let graph = Graph::new(dataset, refs);
    findings.extend(rules::run(&rules::Context {
        dataset,
        typed,
        fields,
        graph: &graph,
        ids,
    }));
    if options.evidence.is_empty() {
        return Ok((findings, None));
    }
    let evidence = evidence::check(
        dataset,
        typed,
        &options.evidence,
        options.missing_texts,
        reported,
    )?;
    findings.extend(evidence.findings);
    Ok((findings, Some(evidence.quotes)))
}

/// The files a partial check reads, by their index in the listing.
struct Loaded<'l> {
    listing: &'l Listing,
    fields: &'l RefFields,
    validators: &'l Validators,
    files: HashMap<usize, FileCheck>,
}

impl<'l> Loaded<'l> {
    /// Reads, parses and validates the files of `wanted` not read yet; returns
    /// the ones it read.
    fn load(&mut self, wanted: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut fresh: Vec<usize> = wanted
            .into_iter()
            .filter(|i| !self.files.contains_key(i))
            .collect();
        fresh.sort_unstable();
        fresh.dedup();
        let (listing, validators, fields) = (self.listing, self.validators, self.fields);
        let checked: Vec<FileCheck> = fresh
            .par_iter()
            .map(|&i| FileCheck::run(listing.records[i].clone(), validators, fields))
            .collect();
        self.files.extend(fresh.iter().copied().zip(checked));
        fresh
    }

    /// The references of the loaded file `i`.
    fn refs(&self, i: usize) -> &[refs::Reference] {
        &self.files[&i].refs
    }
}

/// The raw bytes of record files, by listing index, each read at most once:
/// the byte searches for referencers and look-alikes share them.
struct Texts<'l> {
    listing: &'l Listing,
    /// `None` until read; then the bytes, or `None` when the file cannot be read.
    bytes: Vec<Option<Option<Vec<u8>>>>,
}

impl<'l> Texts<'l> {
    fn new(listing: &'l Listing) -> Texts<'l> {
        Texts {
            listing,
            bytes: vec![None; listing.records.len()],
        }
    }

    /// The files that `include` picks and whose bytes pass `test`, read in
    /// parallel if not read yet. A file that cannot be read passes: loading
    /// it reports why.
    fn select(
        &mut self,
        include: impl Fn(usize, &Listed) -> bool + Sync,
        test: impl Fn(&[u8]) -> bool + Sync,
    ) -> Vec<usize> {
        let records = &self.listing.records;
        self.bytes
            .par_iter_mut()
            .enumerate()
            .filter(|(i, _)| include(*i, &records[*i]))
            .filter_map(|(i, slot)| {
                let bytes = slot.get_or_insert_with(|| records[i].read().ok());
                bytes.as_deref().is_none_or(&test).then_some(i)
            })
            .collect()
    }
}

/// The check of the files that changed (`changed`, relative to the data
/// directory) and of the records that reference a changed record whose
/// face changed; `committed` holds the bytes at `since` of the changed files
/// there before and after.
fn partial(
    prepared: &Prepared,
    options: &Options,
    since: &str,
    DataChanges { changed, committed }: &DataChanges,
) -> Result<Outcome> {
    let Prepared {
        listing,
        fields,
        validators,
    } = prepared;
    let shown = listing.display.clone();
    // Three tables of every listed file, built side by side.
    let records = &listing.records;
    let (ids, (index, by_path)) = rayon::join(
        || Ids::new(records.iter().map(|l| (l.collection, l.stem.as_str()))),
        || {
            rayon::join(
                || -> FxHashMap<(Collection, &str), usize> {
                    records
                        .iter()
                        .enumerate()
                        .map(|(i, l)| ((l.collection, l.stem.as_str()), i))
                        .collect()
                },
                || -> FxHashMap<&str, usize> {
                    records
                        .iter()
                        .enumerate()
                        .map(|(i, l)| (l.path.as_str(), i))
                        .collect()
                },
            )
        },
    );

    // The paths reported on: each changed path and its folders up to the data directory.
    let mut report: BTreeSet<String> = BTreeSet::new();
    let mut changed_ids: Vec<(Collection, String)> = Vec::new();
    for path in changed {
        let full_path = match path.as_str() {
            "" => shown.clone(),
            _ => format!("{shown}/{path}"),
        };
        let mut at = full_path.as_str();
        report.insert(at.to_string());
        while let Some(cut) = at.rfind('/').filter(|&cut| cut >= shown.len()) {
            at = &at[..cut];
            report.insert(at.to_string());
        }
        if let Some((folder, name)) = path.split_once('/')
            && let (Some(collection), Some(stem)) = (
                Collection::from_dir_name(folder),
                name.strip_suffix(".json"),
            )
            && !stem.contains('/')
        {
            changed_ids.push((collection, stem.to_string()));
        }
    }

    let mut loaded = Loaded {
        listing,
        fields,
        validators,
        files: HashMap::new(),
    };
    let changed_files: Vec<usize> = report
        .iter()
        .filter_map(|p| by_path.get(p.as_str()).copied())
        .collect();
    loaded.load(changed_files.iter().copied());
    // A record that is there before and after with the same face changes
    // no finding of the records that reference it: they are not read.
    changed_ids.retain(|(collection, id)| {
        let Some(&i) = index.get(&(*collection, id.as_str())) else {
            return true;
        };
        let Some(bytes) = committed.get(&format!("{}/{id}.json", collection.dir_name())) else {
            return true;
        };
        let (file, _, record) = check_bytes(listing.records[i].clone(), bytes.clone(), validators);
        let refs = fields.extract_file(&file);
        let now = &loaded.files[&i];
        face(*collection, record.as_ref(), &refs)
            != face(*collection, now.record.as_ref(), &now.refs)
    });

    // Records that reference a changed or deleted id: a byte search, then a parse to confirm.
    let mut texts = Texts::new(listing);
    let referring: HashSet<Collection> = changed_ids
        .iter()
        .flat_map(|(c, _)| fields.referring_to(*c))
        .collect();
    let needles = refs::Needles::new(changed_ids.iter().map(|(_, id)| id.as_str()));
    let candidates = if needles.is_empty() {
        Vec::new()
    } else {
        texts.select(
            |_, l| referring.contains(&l.collection),
            |bytes| needles.may_reference(bytes),
        )
    };
    loaded.load(candidates.iter().copied());
    let wanted: HashSet<(Collection, &str)> = changed_ids
        .iter()
        .map(|(c, id)| (*c, id.as_str()))
        .collect();
    let mut referencing = 0;
    for &i in &candidates {
        let path = &listing.records[i].path;
        if !report.contains(path)
            && loaded
                .refs(i)
                .iter()
                .any(|r| wanted.contains(&(r.target, &*r.id)))
        {
            report.insert(path.clone());
            referencing += 1;
        }
    }
    let mut reported: Vec<usize> = report
        .iter()
        .filter_map(|p| by_path.get(p.as_str()).copied())
        .collect();
    loaded.load(reported.iter().copied());

    // Hierarchies up to their roots: a loop through a reported record may be
    // long, and its finding lands on the member whose file comes first, so
    // every member of such a loop is reported on.
    let hierarchy = hierarchies(&mut loaded, &index, &reported);
    for i in loop_members(&hierarchy, &reported) {
        if report.insert(listing.records[i].path.clone()) {
            reported.push(i);
            referencing += 1;
        }
    }

    // What the rules read about the reported records.
    let needed = support(&mut loaded, &mut texts, &reported, &index, &changed_ids);
    loaded.load(needed);
    drop(texts);

    // The loaded files in listing order, as a dataset.
    let mut order: Vec<usize> = loaded.files.keys().copied().collect();
    order.sort_unstable();
    let read = order.len();
    let checked: Vec<FileCheck> = order
        .iter()
        .filter_map(|i| loaded.files.remove(i))
        .collect();
    let total = listing.records.len();
    let (dataset, typed, refs, findings) = assemble(listing, checked.into_par_iter());
    let published = published(&listing.dir)?;
    let (mut findings, quotes) = judge(
        &dataset,
        &typed,
        (refs, findings),
        fields,
        &ids,
        options,
        |path| report.contains(path),
    )?;
    findings.extend(rules::published_ids_remain(&published, &ids, &shown));
    findings.retain(|f| report.contains(&f.file));
    diag::normalize(&mut findings);
    let reported: BTreeSet<String> = dataset
        .files
        .iter()
        .filter(|f| report.contains(&f.path))
        .map(|f| f.path.clone())
        .collect();
    Ok(Outcome {
        dataset,
        typed,
        findings,
        scope: Scope::Changed {
            since: since.to_string(),
            changed: changed.len(),
            referencing,
            read,
            total,
        },
        reported: Some(reported),
        quotes,
        published,
    })
}

/// The ids of the newest release tag of the repository holding `dir`, the
/// data directory, read from the tag's tree (names only).
pub fn published(dir: &Path) -> Result<Published> {
    let Ok(repository) = git::Repository::discover(dir) else {
        return Ok(Published::NoRepository);
    };
    let Some(name) = repository.newest_version_tag()? else {
        return Ok(Published::NoTag);
    };
    let data = repository.relative(dir)?;
    published_in(&repository, name, &data)
}

/// The ids of the data folder `data` (relative to the work tree) at the tag `name`.
pub fn published_in(repository: &git::Repository, name: String, data: &str) -> Result<Published> {
    let ids = repository
        .names_below(&name, data)?
        .into_iter()
        .filter_map(|(folder, file)| {
            let collection = Collection::from_dir_name(&folder)?;
            Some((collection, file.strip_suffix(".json")?.to_string()))
        })
        .collect();
    Ok(Published::Tag { name, ids })
}

/// Loads the hierarchies of the `from` records up to their roots: the
/// records each references in its own collection, and theirs, and so on.
/// Returns each loaded member's references into its collection, by index.
fn hierarchies(
    loaded: &mut Loaded<'_>,
    index: &FxHashMap<(Collection, &str), usize>,
    from: &[usize],
) -> HashMap<usize, Vec<usize>> {
    let listing = loaded.listing;
    let mut edges: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut frontier = from.to_vec();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for &i in &frontier {
            if edges.contains_key(&i) {
                continue;
            }
            let collection = listing.records[i].collection;
            let up: Vec<usize> = loaded
                .refs(i)
                .iter()
                .filter(|r| r.target == collection)
                .filter_map(|r| index.get(&(collection, &*r.id)).copied())
                .collect();
            next.extend(up.iter().copied().filter(|j| !edges.contains_key(j)));
            edges.insert(i, up);
        }
        loaded.load(next.iter().copied());
        frontier = next;
    }
    edges
}

/// The records on a loop of `edges` that passes through one of `through`,
/// in ascending order: the members of its strongly connected component.
fn loop_members(edges: &HashMap<usize, Vec<usize>>, through: &[usize]) -> Vec<usize> {
    let reach = |start: usize| {
        let mut seen: HashSet<usize> = HashSet::new();
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            for &w in edges.get(&v).into_iter().flatten() {
                if seen.insert(w) {
                    stack.push(w);
                }
            }
        }
        seen
    };
    let mut members: BTreeSet<usize> = BTreeSet::new();
    for &r in through {
        let from_r = reach(r);
        if !from_r.contains(&r) {
            continue;
        }
        members.extend(from_r.into_iter().filter(|&x| reach(x).contains(&r)));
    }
    members.into_iter().collect()
}

/// The files the rules read about the `reported` records besides themselves,
/// by listing index: every record they reference (a fact's sources, a lab's
/// hosts), the records of their collection that may share a name or an
/// identifier with them, and the records citing a reported source whose
/// citers are not loaded yet.
fn support(
    loaded: &mut Loaded<'_>,
    texts: &mut Texts<'_>,
    reported: &[usize],
    index: &FxHashMap<(Collection, &str), usize>,
    changed_ids: &[(Collection, String)],
) -> Vec<usize> {
    let listing = loaded.listing;
    let mut needed = Vec::new();
    // The keys of the reported records by collection, and the last reported
    // record of each: a duplicate finding names an earlier record only.
    let mut terms: HashMap<Collection, (rules::Terms, usize)> = HashMap::new();
    let mut uncited_sources: Vec<&str> = Vec::new();
    for &i in reported {
        for r in loaded.refs(i) {
            if let Some(&j) = index.get(&(r.target, &*r.id)) {
                needed.push(j);
            }
        }
        let FileCheck { file, record, .. } = &loaded.files[&i];
        if let Some(record) = record {
            let (keys, last) = terms
                .entry(file.collection)
                .or_insert_with(|| (rules::Terms::default(), i));
            keys.add(record);
            *last = (*last).max(i);
        }
        // The citers of a changed source were found as its referencers.
        if file.collection == Collection::Sources
            && !changed_ids
                .iter()
                .any(|(c, id)| *c == Collection::Sources && *id == file.stem)
        {
            uncited_sources.push(listing.records[i].stem.as_str());
        }
    }
    if !uncited_sources.is_empty() {
        let citing: HashSet<Collection> = loaded
            .fields
            .referring_to(Collection::Sources)
            .into_iter()
            .collect();
        let needles = refs::Needles::new(uncited_sources);
        needed.extend(texts.select(
            |_, l| citing.contains(&l.collection),
            |bytes| needles.may_reference(bytes),
        ));
    }
    for (collection, (keys, last)) in &terms {
        needed.extend(texts.select(
            |i, l| l.collection == *collection && i < *last,
            |bytes| keys.may_share_a_key(bytes),
        ));
    }
    needed
}

/// What the rules read about a record when they check the records that
/// reference it: whether it passed its schema, its names (evidence for a
/// reference), its withdrawal (`ref/withdrawn`) and its references into its
/// own collection (hierarchies); of a source (dates, evidence) or a
/// tombstone, everything. Whether it exists is not part of it: an added or
/// deleted record is a change of its own.
#[derive(PartialEq)]
enum Face<'r> {
    /// It broke its schema: referencing records see its id only.
    Untyped,
    /// All of it.
    Whole(&'r Record),
    /// The parts other records read.
    Parts {
        names: Vec<&'r str>,
        withdrawn: Option<WithdrawalView<'r>>,
        hierarchy: Vec<(&'r str, &'r str)>,
    },
}

/// The face of `record`, of `collection`, whose references are `refs`.
fn face<'r>(
    collection: Collection,
    record: Option<&'r Record>,
    refs: &'r [refs::Reference],
) -> Face<'r> {
    match record {
        None => Face::Untyped,
        Some(record @ (Record::Source(_) | Record::Withdrawn(_))) => Face::Whole(record),
        Some(record) => Face::Parts {
            names: record.names(),
            withdrawn: record.withdrawn(),
            hierarchy: refs
                .iter()
                .filter(|r| r.target == collection)
                .map(|r| (&*r.pointer, &*r.id))
                .collect(),
        },
    }
}
