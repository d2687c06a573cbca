//! Pull-request mode (`check --changed-since REV`) must give exactly the
//! findings of a full check on the files it reports on: the changed paths
//! (with their folders) and every record referencing a changed record whose
//! face (what referencing records read of it) changed, an added or deleted
//! record always. Checked on hundreds of seeded random mutations of a
//! repository created in a temporary folder, left in the work tree, staged
//! or committed on top of the revision, against oracles that compute
//! from the full dataset, independently of the byte searches the mode uses,
//! which files it must report on and which it may, and that every record it
//! leaves out has no finding a changed record could cause.
//!
//! A check of a commit (`--at REV`, alone or with `--changed-since`) reads
//! the commit's trees and blobs instead of the work tree: on a work tree
//! holding exactly the commit it must give the work tree's findings, scope
//! and reported files.

use crate::common;
use crate::synth;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Oid, Repository, ResetType, Signature, build::CheckoutBuilder};
use serde_json::{Value, json};

use common::{assert_finding, techpact};
use synth::Rng;
use techpact::check::{self, Options, Scope};
use techpact::diag::Finding;
use techpact::load;
use techpact::model::Collection;
use techpact::refs::RefFields;

/// A git repository holding a dataset under `data/`.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    repo: Repository,
    base: Oid,
}

impl Fixture {
    fn new(files: &[(String, String)]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        synth::write(&root.join("data"), files);
        std::fs::write(
            root.join(".gitignore"),
            "data/organizations/ignored-*.json\n",
        )
        .unwrap();
        let repo = Repository::init(&root).unwrap();
        let base = commit(&repo, "base");
        Fixture {
            _dir: dir,
            root,
            repo,
            base,
        }
    }

    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// Puts the work tree, the index and HEAD back to the base commit.
    fn reset(&self) {
        // Everything but `.git` goes first: a checkout keeps some untracked files.
        for entry in std::fs::read_dir(&self.root).unwrap().flatten() {
            if entry.file_name() == ".git" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                std::fs::remove_dir_all(entry.path()).unwrap();
            } else {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
        let base = self.repo.find_object(self.base, None).unwrap();
        let mut checkout = CheckoutBuilder::new();
        checkout.force();
        self.repo
            .reset(&base, ResetType::Hard, Some(&mut checkout))
            .unwrap();
    }

    fn check(&self, since: Option<String>) -> check::Outcome {
        self.check_at(since, None)
    }

    /// The check of the data as committed at `at`, or of the work tree.
    fn check_at(&self, since: Option<String>, at: Option<&str>) -> check::Outcome {
        let options = Options {
            changed_since: since,
            at: at.map(str::to_string),
            ..Options::default()
        };
        check::run(&self.data(), "data", &options).unwrap()
    }
}

/// Stages every change of the work tree, as `git add -A` does.
fn stage(repo: &Repository) -> git2::Index {
    let mut index = repo.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    index
}

fn commit(repo: &Repository, message: &str) -> Oid {
    let mut index = stage(repo);
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let signature =
        Signature::new("techpact", "techpact@example.org", &git2::Time::new(0, 0)).unwrap();
    let parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )
    .unwrap()
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{prefix}{name}");
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{path}/"), out);
            } else {
                out.insert(path, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// What pull-request mode reports on, computed from the whole dataset: the
/// changed paths and their folders, always; the records referencing a
/// changed record, which it may report on; and of those, the ones
/// referencing an added or deleted record, which it must.
struct Oracle {
    changed: BTreeSet<String>,
    may: BTreeSet<String>,
    must: BTreeSet<String>,
}

fn oracle(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    data: &Path,
) -> Oracle {
    let changed: BTreeSet<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    let mut report = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut appeared_or_gone = BTreeSet::new();
    for path in &changed {
        let mut at = format!("data/{path}");
        report.insert(at.clone());
        while let Some(cut) = at.rfind('/') {
            at.truncate(cut);
            report.insert(at.clone());
        }
        let parts: Vec<&str> = path.split('/').collect();
        if let [folder, name] = parts.as_slice()
            && let (Some(c), Some(stem)) = (
                Collection::from_dir_name(folder),
                name.strip_suffix(".json"),
            )
        {
            ids.insert((c, stem.to_string()));
            if before.contains_key(*path) != after.contains_key(*path) {
                appeared_or_gone.insert((c, stem.to_string()));
            }
        }
    }
    let changed_paths = report.clone();
    let mut must = BTreeSet::new();
    let dataset = load::load(data, "data").unwrap();
    let fields = RefFields::new().unwrap();
    // Each record's references into its own collection, by path.
    let mut up: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &dataset.files {
        let Some(value) = &file.value else { continue };
        let refs = fields.extract(file.collection, value);
        up.insert(
            file.path.clone(),
            refs.iter()
                .filter(|r| r.target == file.collection)
                .map(|r| format!("data/{}/{}.json", file.collection.dir_name(), r.id))
                .collect(),
        );
        if refs
            .iter()
            .any(|r| ids.contains(&(r.target, r.id.to_string())))
        {
            report.insert(file.path.clone());
        }
        if refs
            .iter()
            .any(|r| appeared_or_gone.contains(&(r.target, r.id.to_string())))
        {
            must.insert(file.path.clone());
        }
    }
    // A loop through a record reported on is reported on whole: its finding
    // lands on the member whose file comes first. Through a changed record,
    // it must be.
    let reach = |start: &String| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.clone()];
        while let Some(v) = stack.pop() {
            for w in up.get(&v).into_iter().flatten() {
                if seen.insert(w.clone()) {
                    stack.push(w.clone());
                }
            }
        }
        seen
    };
    let on_loops = |through: &BTreeSet<String>| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for r in through {
            let from_r = reach(r);
            if from_r.contains(r) {
                out.extend(from_r.into_iter().filter(|x| reach(x).contains(r)));
            }
        }
        out
    };
    must.extend(on_loops(&changed_paths));
    let may = on_loops(&report);
    report.extend(may);
    Oracle {
        changed: changed_paths,
        may: report,
        must,
    }
}

/// The codes of findings a record gets from what it references: a record
/// left out of a pull-request check while referencing a changed record must
/// have none of them (the dataset starts clean).
const BORNE_BY_REFERENCES: &[&str] = &[
    "ref/dangling",
    "ref/withdrawn",
    "source/missing",
    "date/order",
    "provenance/uncovered",
];

/// The records of the work tree: (collection, id) → path under `data/`.
fn records(data: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for collection in Collection::ALL {
        let Ok(entries) = std::fs::read_dir(data.join(collection.dir_name())) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".json") {
                out.push((collection.dir_name().to_string(), stem.to_string()));
            }
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap() + "\n").unwrap();
}

/// Applies one random change to the work tree; says what it did.
fn mutate(fixture: &Fixture, rng: &mut Rng) -> String {
    let data = fixture.data();
    let all = records(&data);
    let (collection, id) = rng.pick(&all).clone();
    let path = data.join(&collection).join(format!("{id}.json"));
    let Some(mut value) = read_json(&path) else {
        std::fs::remove_file(&path).unwrap();
        return format!("deleted unparsable {collection}/{id}");
    };
    let same: Vec<&(String, String)> = all.iter().filter(|(c, _)| *c == collection).collect();
    let other = &rng.pick(&same).1.clone();
    match rng.below(23) {
        0 => {
            // A name that another record of the collection has: a duplicate.
            let other_value = read_json(&data.join(&collection).join(format!("{other}.json")));
            let name = other_value
                .as_ref()
                .and_then(|v| v.get("name"))
                .cloned()
                .unwrap_or(json!("Renamed"));
            if value.get("name").is_some() {
                value["name"] = name;
            }
            write_json(&path, &value);
            format!("copied the name of {collection}/{other} to {id}")
        }
        1 => {
            let date = *rng.pick(&[
                "2023-02-29",
                "1999",
                "2031-12-31",
                "2024-02-29",
                "2019-13",
                "2012-06",
            ]);
            let fields: &[&str] = match collection.as_str() {
                "organizations" => &["founded", "dissolved"],
                "people" => &["roles/0/start", "roles/0/end"],
                "partnerships" => &["signed", "start", "end"],
                "labs" => &["established", "closed", "announced"],
                "events" => &["start", "end"],
                "facts" => &["value/date"],
                "sources" => &["published"],
                _ => &["founded"],
            };
            let field = *rng.pick(fields);
            if let Some(slot) = value.pointer_mut(&format!("/{field}")) {
                *slot = json!(date);
            } else if value.is_object() {
                value[field] = json!(date);
            }
            write_json(&path, &value);
            format!("set {collection}/{id} {field} to {date}")
        }
        2 | 3 => {
            std::fs::remove_file(&path).unwrap();
            format!("deleted {collection}/{id}")
        }
        4 => {
            let new_id = format!("{id}-renamed");
            value["id"] = json!(new_id);
            std::fs::remove_file(&path).unwrap();
            write_json(
                &data.join(&collection).join(format!("{new_id}.json")),
                &value,
            );
            format!("renamed {collection}/{id} to {new_id}")
        }
        5 => {
            let target = *rng.pick(&["org-999", "hkust", "place-1", "org-1", "source-0"]);
            let field = set_some_reference(&mut value, target, rng);
            write_json(&path, &value);
            format!("pointed {collection}/{id}{field} at {target}")
        }
        6 => {
            // A reference to another record of the collection: may close a loop.
            let field = if collection == "places" {
                "within"
            } else {
                "parent"
            };
            if matches!(collection.as_str(), "places" | "organizations") {
                value[field] = json!(other);
            }
            write_json(&path, &value);
            format!("set {collection}/{id} {field} to {other}")
        }
        7 => {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, &text[..text.len() / 2]).unwrap();
            format!("broke the JSON of {collection}/{id}")
        }
        8 => {
            // A copy under a new id: the same names and identifiers.
            let new_id = format!("{id}-copy");
            value["id"] = json!(new_id);
            write_json(
                &data.join(&collection).join(format!("{new_id}.json")),
                &value,
            );
            format!("copied {collection}/{id} to {new_id}")
        }
        9 => {
            let junk = *rng.pick(&[
                "organizations/notes.txt",
                "stray/x.json",
                "labs/nested/lab-0.json",
                "Labs.json",
            ]);
            let target = data.join(junk);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, "{}\n").unwrap();
            format!("added {junk}")
        }
        10 => {
            if value.get("sources").is_some() {
                value["sources"] = json!([]);
            }
            write_json(&path, &value);
            format!("emptied the sources of {collection}/{id}")
        }
        11 => {
            // The index and HEAD move too; the comparison is still with the base commit.
            if rng.chance(50) {
                commit(&fixture.repo, "more");
                "committed the work tree".to_string()
            } else {
                let mut index = fixture.repo.index().unwrap();
                index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
                index.write().unwrap();
                "staged the work tree".to_string()
            }
        }
        12 => {
            std::fs::write(data.join("organizations/ignored-1.json"), r#"{"id": "ignored-1", "name": "Organization 1", "kind": "company", "sources": [{"source": "source-1"}]}"#).unwrap();
            "added an ignored record".to_string()
        }
        13 => {
            // A reference spelled with an escape: the byte search must not miss it.
            let target = rng.pick(&all).clone();
            let escaped = format!("\\u00{:02x}{}", target.1.as_bytes()[0], &target.1[1..]);
            let text = format!(
                "{{\"id\": \"escaped\", \"name\": \"Escaped\", \"kind\": \"company\", \"parent\": \"{escaped}\", \"sources\": [{{\"source\": \"source-{}\"}}]}}\n",
                rng.below(3)
            );
            std::fs::write(data.join("organizations/escaped.json"), text).unwrap();
            format!("added an escaped reference to {}", target.1)
        }
        14 => {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend(std::fs::read(&path).unwrap());
            if rng.chance(50) {
                bytes.push(0xFF);
            }
            std::fs::write(&path, bytes).unwrap();
            format!("spoilt the encoding of {collection}/{id}")
        }
        15 => {
            if rng.chance(30) {
                std::fs::create_dir_all(fixture.root.join("src")).unwrap();
                std::fs::write(fixture.root.join("src/lib.rs"), "// changed\n").unwrap();
                "changed the toolkit".to_string()
            } else {
                value["note"] = json!(format!("edited {}", rng.next()));
                write_json(&path, &value);
                format!("added a note to {collection}/{id}")
            }
        }
        18 => {
            // A withdrawal, with a successor now and then.
            let mut withdrawal = json!({"date": "2026-01", "reason": "merged"});
            if rng.chance(20) {
                // No reason: the schema requires one.
                withdrawal = json!({"date": "2026-01"});
            } else if rng.chance(50) {
                withdrawal["successor"] = json!(other);
            }
            if value.is_object() {
                value["withdrawn"] = withdrawal;
            }
            write_json(&path, &value);
            format!("withdrew {collection}/{id}")
        }
        19 => {
            // What records referencing it read: a new name.
            if value.get("name").is_some() {
                value["name"] = json!(format!("Another name {}", rng.next()));
            } else if value.get("title").is_some() {
                value["title"] = json!(format!("Another title {}", rng.next()));
            }
            write_json(&path, &value);
            format!("renamed the display name of {collection}/{id}")
        }
        20 | 21 => {
            // What no referencing record reads: they are left out.
            let target = rng.pick(&all).clone();
            let target_path = data.join(&target.0).join(format!("{}.json", target.1));
            let Some(mut target_value) = read_json(&target_path) else {
                return format!("found {}/{} unparsable", target.0, target.1);
            };
            if target_value.is_object() {
                target_value["note"] = json!(format!("reviewed {}", rng.next()));
            }
            write_json(&target_path, &target_value);
            format!("added a note to {}/{}", target.0, target.1)
        }
        17 => {
            // A fact dated after the sources it cites, which are not changed.
            let facts: Vec<&(String, String)> = all.iter().filter(|(c, _)| c == "facts").collect();
            let (_, fact) = rng.pick(&facts);
            let fact_path = data.join(format!("facts/{fact}.json"));
            let Some(mut fact_value) = read_json(&fact_path) else {
                return format!("found facts/{fact} unparsable");
            };
            if fact_value["value"].is_object() {
                fact_value["value"]["date"] = json!("2030");
            }
            write_json(&fact_path, &fact_value);
            format!("dated facts/{fact} 2030")
        }
        16 => {
            // The root of the longest parent chain gets its bottom as parent: a long loop.
            let parent_of = |id: &str| {
                read_json(&data.join(format!("organizations/{id}.json")))
                    .and_then(|v| v.get("parent").and_then(Value::as_str).map(String::from))
            };
            let mut longest = (0, String::new(), String::new());
            for (_, start) in all.iter().filter(|(c, _)| c == "organizations") {
                let (mut at, mut len, mut seen) = (start.clone(), 0, BTreeSet::new());
                while let Some(parent) = parent_of(&at) {
                    if !seen.insert(parent.clone())
                        || !data.join(format!("organizations/{parent}.json")).exists()
                    {
                        break;
                    }
                    at = parent;
                    len += 1;
                }
                if len > longest.0 {
                    longest = (len, start.clone(), at);
                }
            }
            let (len, bottom, root) = longest;
            let root_path = data.join(format!("organizations/{root}.json"));
            let Some(mut root_value) = read_json(&root_path).filter(|_| len > 0) else {
                return "found no parent chain".to_string();
            };
            root_value["parent"] = json!(bottom);
            write_json(&root_path, &root_value);
            format!("closed a loop of {} organizations at {root}", len + 1)
        }
        _ => {
            // A duplicate external identifier or URL.
            if collection == "organizations" {
                value["identifiers"] = json!({"wikidata": "Q1000"});
            } else if collection == "sources" {
                value["url"] = json!("https://news0.example.org/articles/0");
            }
            write_json(&path, &value);
            format!("gave {collection}/{id} a shared identifier")
        }
    }
}

/// Sets the first reference-like string field found to `target`; returns its pointer.
fn set_some_reference(value: &mut Value, target: &str, rng: &mut Rng) -> String {
    for key in [
        "parent",
        "within",
        "location",
        "place",
        "partnership",
        "hosts",
        "parties",
        "subjects",
        "sources",
        "roles",
    ] {
        let Some(v) = value.get_mut(key) else {
            continue;
        };
        match v {
            Value::String(s) => {
                *s = target.to_string();
                return format!("/{key}");
            }
            Value::Array(items) if !items.is_empty() => {
                let i = rng.below(items.len());
                match &mut items[i] {
                    Value::String(s) => *s = target.to_string(),
                    Value::Object(map) => {
                        if let Some((_, v)) = map
                            .iter_mut()
                            .find(|(k, _)| matches!(k.as_str(), "source" | "organization" | "lab"))
                        {
                            *v = json!(target);
                        }
                    }
                    _ => {}
                }
                return format!("/{key}/{i}");
            }
            _ => {}
        }
    }
    String::new()
}

/// The 1-based line and column of the first occurrence of `needle` in the file.
fn position_of(path: &Path, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap();
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap();
    (n as u64 + 1, line.find(needle).unwrap() as u64 + 1)
}

fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "  {} {}:{}:{} {} {}",
                f.code, f.file, f.line, f.column, f.pointer, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pull_request_mode_equals_a_full_check_filtered_to_its_files() {
    let fixture = Fixture::new(&synth::dataset(90, 7));
    let base = fixture.base.to_string();
    let clean = fixture.check(None);
    assert!(
        clean.findings.is_empty(),
        "the synthetic dataset is clean:\n{}",
        show(&clean.findings)
    );
    let before = snapshot(&fixture.data());
    let mut rng = Rng::new(2024);
    // Where the changes are, drawn apart so that the mutations stay the same:
    // in the work tree, staged, or committed on top of the base.
    let mut where_rng = Rng::new(11);
    let (mut fallbacks, mut partial, mut reported_findings) = (0, 0, 0);
    let mut rounds_leaving_out = 0;
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for round in 0..200 {
        fixture.reset();
        let mut done = Vec::new();
        for _ in 0..1 + rng.below(3) {
            done.push(mutate(&fixture, &mut rng));
        }
        match where_rng.below(4) {
            0 => {
                stage(&fixture.repo);
                done.push("staged".to_string());
            }
            1 => {
                commit(&fixture.repo, "change");
                done.push("committed".to_string());
            }
            _ => {}
        }
        let full = fixture.check(None);
        let changed = fixture.check(Some(base.clone()));
        let context = format!("round {round}: {}", done.join("; "));
        match &changed.scope {
            Scope::Fallback { .. } => {
                fallbacks += 1;
                assert_eq!(changed.findings, full.findings, "{context}");
                continue;
            }
            Scope::Changed { .. } => partial += 1,
            Scope::Full => panic!("{context}: --changed-since ran as a plain full check"),
        }
        let after = snapshot(&fixture.data());
        let Oracle {
            changed: paths,
            may,
            must,
        } = oracle(&before, &after, &fixture.data());
        let reported = changed.reported.clone().unwrap_or_default();
        assert!(
            must.is_subset(&reported),
            "{context}\nmissed {:?}",
            must.difference(&reported).collect::<Vec<_>>()
        );
        assert!(
            reported.is_subset(&may),
            "{context}\nreported needlessly on {:?}",
            reported.difference(&may).collect::<Vec<_>>()
        );
        let left_out: BTreeSet<&String> = may
            .difference(&reported)
            .filter(|p| !paths.contains(*p))
            .collect();
        if !left_out.is_empty() {
            rounds_leaving_out += 1;
        }
        let borne: Vec<Finding> = full
            .findings
            .iter()
            .filter(|f| left_out.contains(&f.file) && BORNE_BY_REFERENCES.contains(&f.code.name()))
            .cloned()
            .collect();
        assert!(
            borne.is_empty(),
            "{context}\nleft out records whose findings the change caused:\n{}",
            show(&borne)
        );
        let report: BTreeSet<&String> = paths.iter().chain(&reported).collect();
        let expected: Vec<Finding> = full
            .findings
            .iter()
            .filter(|f| report.contains(&f.file))
            .cloned()
            .collect();
        assert_eq!(
            changed.findings,
            expected,
            "{context}\nreported on {report:?}\npull-request mode:\n{}\nfull check, filtered:\n{}",
            show(&changed.findings),
            show(&expected)
        );
        reported_findings += expected.len();
        for f in &expected {
            *by_code.entry(f.code.name()).or_insert(0) += 1;
        }
    }
    eprintln!(
        "{partial} partial checks ({rounds_leaving_out} leaving out referencing records), {fallbacks} fallbacks, {reported_findings} findings compared: {by_code:?}"
    );
    // Changes no referencing record reads must leave those records out.
    assert!(
        rounds_leaving_out >= 20,
        "only {rounds_leaving_out} rounds left a referencing record out"
    );
    for code in [
        "ref/dangling",
        "ref/cycle",
        "ref/withdrawn",
        "date/invalid",
        "date/order",
        "source/missing",
        "source/unused",
        "duplicate/suspect",
        "json/syntax",
        "layout/unexpected-entry",
        "schema/violation",
    ] {
        assert!(
            by_code.get(code).is_some_and(|n| *n >= 2),
            "too few {code} findings compared: {by_code:?}"
        );
    }
    // The mutations must exercise both paths and produce findings to compare.
    assert!(
        fallbacks >= 3 && partial >= 150,
        "fallbacks {fallbacks}, partial {partial}"
    );
    assert!(
        reported_findings >= 200,
        "only {reported_findings} findings compared"
    );
}

#[test]
fn the_binary_reports_changed_records_and_their_referencers() {
    let fixture = Fixture::new(&synth::dataset(40, 3));
    let base = fixture.base.to_string();
    let data = fixture.data();
    // A typo in a lab's host, and a deleted place that organizations sit in.
    let lab = data.join("labs/lab-0.json");
    let mut value = read_json(&lab).unwrap();
    value["hosts"] = json!(["org-1x"]);
    write_json(&lab, &value);
    let located: Vec<String> = records(&data)
        .into_iter()
        .filter(|(c, _)| c == "organizations")
        .filter(|(_, id)| {
            read_json(&data.join(format!("organizations/{id}.json"))).unwrap()["location"]
                == "place-2"
        })
        .map(|(_, id)| id)
        .collect();
    assert!(!located.is_empty(), "some organization sits in place-2");
    std::fs::remove_file(data.join("places/place-2.json")).unwrap();
    let run = techpact(
        &fixture.root,
        &["check", "--format", "json", "--changed-since", &base],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    let (line, column) = position_of(&lab, "\"org-1x\"");
    assert_finding(
        &findings,
        "ref/dangling",
        "data/labs/lab-0.json",
        line,
        column,
        "/hosts/0",
    );
    for id in &located {
        let file = data.join(format!("organizations/{id}.json"));
        let (line, column) = position_of(&file, "\"place-2\"");
        assert_finding(
            &findings,
            "ref/dangling",
            &format!("data/organizations/{id}.json"),
            line,
            column,
            "/location",
        );
    }
    assert!(
        run.stderr.contains("2 changed paths since"),
        "{}",
        run.stderr
    );
    // The full check sees the same and more files.
    let all = techpact(&fixture.root, &["check", "--format", "json"]);
    assert_eq!(all.findings(), findings, "nothing else is wrong");
    assert!(all.json()["summary"]["files"].as_u64() > run.json()["summary"]["files"].as_u64());
}

/// A loop of three records closed by an edit of one is reported, though
/// its finding lands on a member that neither changed nor references the
/// changed record: `a` → `b` → `c` committed, then `c` → `a`.
#[test]
fn a_loop_closed_by_an_edit_is_reported_on_its_first_member() {
    let fixture = Fixture::new(&synth::dataset(40, 3));
    let data = fixture.data();
    let org = |id: &str| data.join(format!("organizations/{id}.json"));
    let mut ids: Vec<String> = records(&data)
        .into_iter()
        .filter(|(c, _)| c == "organizations")
        .map(|(_, id)| id)
        .collect();
    ids.sort();
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);
    for (child, parent) in [(a, Some(b)), (b, Some(c)), (c, None)] {
        let mut value = read_json(&org(child)).unwrap();
        match parent {
            Some(p) => value["parent"] = json!(p),
            None => {
                value.as_object_mut().unwrap().remove("parent");
            }
        }
        write_json(&org(child), &value);
    }
    let base = commit(&fixture.repo, "a chain of three").to_string();
    let mut value = read_json(&org(c)).unwrap();
    value["parent"] = json!(a);
    write_json(&org(c), &value);
    let full = techpact(&fixture.root, &["check", "--format", "json"]);
    let run = techpact(
        &fixture.root,
        &["check", "--format", "json", "--changed-since", &base],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let loops = |findings: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        findings
            .into_iter()
            .filter(|f| f["code"] == "ref/cycle")
            .collect()
    };
    let expected = loops(full.findings());
    assert_eq!(expected.len(), 1, "{}", full.stdout);
    assert_eq!(expected[0]["file"], format!("data/organizations/{a}.json"));
    assert_eq!(loops(run.findings()), expected);
}

/// A folder deleted or added whole is seen: the work tree is compared by
/// folder, and a deleted folder's entries come from the revision's tree.
#[test]
fn a_deleted_or_added_collection_folder_is_a_change() {
    let fixture = Fixture::new(&synth::dataset(40, 7));
    let base = fixture.base.to_string();
    let data = fixture.data();
    std::fs::remove_dir_all(data.join("places")).unwrap();
    std::fs::create_dir(data.join("extra")).unwrap();
    std::fs::write(data.join("extra/x.json"), "{}").unwrap();
    let run = techpact(
        &fixture.root,
        &["check", "--format", "json", "--changed-since", &base],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let all = techpact(&fixture.root, &["check", "--format", "json"]);
    assert_eq!(
        run.findings(),
        all.findings(),
        "every finding is about a change"
    );
    let codes: std::collections::BTreeSet<String> = run
        .findings()
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    assert!(codes.contains("ref/dangling"), "{codes:?}");
    assert!(codes.contains("layout/unexpected-entry"), "{codes:?}");
}

#[test]
fn a_toolkit_change_falls_back_to_a_full_check_and_says_so() {
    let fixture = Fixture::new(&synth::dataset(30, 5));
    let base = fixture.base.to_string();
    std::fs::write(fixture.root.join("Cargo.toml"), "[package]\n").unwrap();
    let run = techpact(
        &fixture.root,
        &["check", "--format", "json", "--changed-since", &base],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("checked every record: `Cargo.toml` changed since"),
        "{}",
        run.stderr
    );
    let records = run.json()["summary"]["records"].as_u64().unwrap();
    assert_eq!(records, synth::dataset(30, 5).len() as u64);
}

#[test]
fn an_unknown_revision_or_a_folder_outside_git_fails_the_run() {
    let fixture = Fixture::new(&synth::dataset(20, 1));
    let run = techpact(
        &fixture.root,
        &["check", "--changed-since", "no-such-branch"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read revision `no-such-branch`"),
        "{}",
        run.stderr
    );
    let outside = tempfile::tempdir().unwrap();
    synth::write(&outside.path().join("data"), &synth::dataset(20, 1));
    let run = techpact(
        outside.path(),
        &["check", "--data", "data", "--changed-since", "HEAD"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no git repository"), "{}", run.stderr);
}

#[test]
fn a_data_directory_below_the_work_tree_root_is_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let data = root.join("corpus/data");
    synth::write(&data, &synth::dataset(20, 9));
    let repo = Repository::init(&root).unwrap();
    let base = commit(&repo, "base").to_string();
    // A change outside the data and the toolkit is no reason for a full check.
    std::fs::write(root.join("corpus/README.md"), "notes\n").unwrap();
    let lab = data.join("labs/lab-1.json");
    let mut value = read_json(&lab).unwrap();
    value["closed"] = json!("2015");
    write_json(&lab, &value);
    let run = techpact(
        &root,
        &[
            "check",
            "--data",
            "corpus/data",
            "--format",
            "json",
            "--changed-since",
            &base,
        ],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let (line, column) = position_of(&lab, "\"2015\"");
    let findings = run.findings();
    assert_finding(
        &findings,
        "date/order",
        "corpus/data/labs/lab-1.json",
        line,
        column,
        "/closed",
    );
    assert!(
        run.stderr.contains("checked 1 changed path since"),
        "{}",
        run.stderr
    );
}

/// Checks of a commit give what checks of a work tree holding exactly that
/// commit give: after each round of random changes, everything is committed
/// and the ignored files, which no commit holds, are deleted.
#[test]
fn a_check_at_a_commit_equals_the_check_of_its_work_tree() {
    let fixture = Fixture::new(&synth::dataset(60, 13));
    let base = fixture.base.to_string();
    let mut rng = Rng::new(77);
    let (mut partial, mut fallbacks, mut findings) = (0, 0, 0);
    for round in 0..80 {
        fixture.reset();
        let mut done = Vec::new();
        for _ in 0..1 + rng.below(3) {
            done.push(mutate(&fixture, &mut rng));
        }
        commit(&fixture.repo, "change");
        for entry in std::fs::read_dir(fixture.data().join("organizations")).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().starts_with("ignored-") {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
        let context = format!("round {round}: {}", done.join("; "));
        // In full, then in pull-request mode.
        for since in [None, Some(base.clone())] {
            let disk = fixture.check(since.clone());
            let at = fixture.check_at(since.clone(), Some("HEAD"));
            assert_eq!(at.scope, disk.scope, "{context}");
            assert_eq!(at.reported, disk.reported, "{context}");
            assert_eq!(
                at.findings,
                disk.findings,
                "{context}\nat HEAD:\n{}\nwork tree:\n{}",
                show(&at.findings),
                show(&disk.findings)
            );
            match at.scope {
                Scope::Full => assert!(since.is_none(), "{context}"),
                Scope::Changed { .. } => partial += 1,
                Scope::Fallback { .. } => fallbacks += 1,
            }
            findings += at.findings.len();
        }
    }
    assert!(
        partial >= 60 && fallbacks >= 1,
        "partial {partial}, fallbacks {fallbacks}"
    );
    assert!(findings >= 80, "only {findings} findings compared");
}

/// What a commit holds besides record files gets the findings the same
/// entries get on disk: links, a leftover temporary file, nested and
/// unknown folders, stray files, an executable record.
#[cfg(unix)]
#[test]
fn the_layout_of_a_commit_is_judged_as_on_disk() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let fixture = Fixture::new(&synth::dataset(30, 4));
    let data = fixture.data();
    symlink("labs", data.join("linked")).unwrap();
    symlink("lab-0.json", data.join("labs/lab-link.json")).unwrap();
    std::fs::write(data.join("labs/.techpact-x1.tmp"), "{}").unwrap();
    std::fs::write(data.join(".techpact-top.tmp"), "{}").unwrap();
    std::fs::create_dir_all(data.join("labs/nested")).unwrap();
    std::fs::write(data.join("labs/nested/lab-9.json"), "{}").unwrap();
    std::fs::create_dir_all(data.join("stray")).unwrap();
    std::fs::write(data.join("stray/x.json"), "{}").unwrap();
    std::fs::write(data.join("README.md"), "notes").unwrap();
    std::fs::write(data.join("labs/notes.txt"), "notes").unwrap();
    std::fs::write(data.join("labs/x.json.json"), "{}").unwrap();
    let record = data.join("labs/lab-1.json");
    let mut permissions = std::fs::metadata(&record).unwrap().permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(&record, permissions).unwrap();
    commit(&fixture.repo, "odd entries");
    let disk = techpact(&fixture.root, &["check", "--format", "json"]);
    let at = techpact(
        &fixture.root,
        &["check", "--format", "json", "--at", "HEAD"],
    );
    assert_eq!(disk.code, 1, "{}{}", disk.stdout, disk.stderr);
    assert_eq!(at.code, disk.code, "{}", at.stderr);
    assert_eq!(at.json()["summary"], disk.json()["summary"]);
    assert_eq!(at.findings(), disk.findings());
    let unexpected: Vec<String> = at
        .findings()
        .iter()
        .filter(|f| f["code"] == "layout/unexpected-entry")
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    for path in [
        "data/linked",
        "data/labs/lab-link.json",
        "data/labs/.techpact-x1.tmp",
        "data/.techpact-top.tmp",
        "data/labs/nested",
        "data/stray",
        "data/README.md",
        "data/labs/notes.txt",
    ] {
        assert!(
            unexpected.iter().any(|p| p == path),
            "{path}: {unexpected:?}"
        );
    }
}

/// `--at` reads the commit, whatever the work tree holds: an edit not
/// committed is not seen, a committed one is, with its line; pull-request
/// mode between two commits reports on the committed change.
#[test]
fn a_check_at_a_commit_reads_the_commit_not_the_work_tree() {
    let fixture = Fixture::new(&synth::dataset(30, 6));
    let base = fixture.base.to_string();
    let lab = fixture.data().join("labs/lab-1.json");
    let mut value = read_json(&lab).unwrap();
    value["closed"] = json!("2015");
    write_json(&lab, &value);
    commit(&fixture.repo, "a lab closed before it opened");
    let committed = std::fs::read_to_string(&lab).unwrap();
    let (line, column) = position_of(&lab, "\"2015\"");
    std::fs::write(&lab, "{ not json").unwrap();
    for args in [
        vec!["check", "--format", "json", "--at", "HEAD"],
        vec![
            "check",
            "--format",
            "json",
            "--at",
            "HEAD",
            "--changed-since",
            &base,
        ],
    ] {
        let run = techpact(&fixture.root, &args);
        assert_eq!(run.code, 1, "{args:?}: {}{}", run.stdout, run.stderr);
        let findings = run.findings();
        assert_finding(
            &findings,
            "date/order",
            "data/labs/lab-1.json",
            line,
            column,
            "/closed",
        );
        assert!(
            findings.iter().all(|f| f["code"] != "json/syntax"),
            "{args:?}: {findings:?}"
        );
    }
    let run = techpact(
        &fixture.root,
        &["check", "--at", "HEAD", "--changed-since", &base],
    );
    assert!(
        run.stderr.contains("checked 1 changed path since"),
        "{}",
        run.stderr
    );
    // The work tree itself is what a check without `--at` reads.
    let run = techpact(&fixture.root, &["check", "--format", "json"]);
    assert!(run.findings().iter().any(|f| f["code"] == "json/syntax"));
    std::fs::write(&lab, committed).unwrap();
    let run = techpact(&fixture.root, &["check", "--at", "no-such-commit"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read revision `no-such-commit`"),
        "{}",
        run.stderr
    );
}
