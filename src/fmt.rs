//! `techpact fmt`: rewrites record files into canonical form, or lists the
//! ones that are not in it.
//!
//! A record's canonical text is its typed value written by
//! `format::to_canonical_string`, so keys follow the order of the type's
//! fields. A file is rewritten only when that text says exactly what the file
//! says: the re-parsed canonical value equals the file's value, and every
//! number keeps its decimal value digit for digit (serde_json reads numbers as
//! `f64`, which would silently round a long literal). A file that does not
//! parse, breaks its schema or repeats a key is left untouched and reported
//! with the usual findings; a file whose canonical form would drop, add or
//! round a value is left untouched and reported as `format/noncanonical`,
//! saying what to fix by hand.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jsonc_parser::ast::{ObjectPropName, Value as Node};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use rayon::prelude::*;
use serde_json::Value;

use crate::diag::{self, Code, Finding, Summary};
use crate::error::{Error, Result};
use crate::format;
use crate::load::{self, Dataset, RecordFile};
use crate::model::Record;
use crate::schema::first_difference;
use crate::span::escape;
use crate::validate::{self, Validators};

/// What `fmt` does.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Report non-canonical files instead of rewriting them.
    pub check: bool,
    /// Record files or folders to format; empty means every record.
    pub paths: Vec<PathBuf>,
}

/// The result of a `fmt` run.
#[derive(Debug)]
pub struct Outcome {
    /// The loaded files.
    pub dataset: Dataset,
    /// Files left untouched and why; with `check`, every non-canonical file.
    pub findings: Vec<Finding>,
    /// Files rewritten, as shown paths.
    pub rewritten: Vec<String>,
    /// Record files looked at.
    pub selected: usize,
    /// Selected files whose record matched its type.
    pub records: usize,
}

impl Outcome {
    /// Counts for the report.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings, self.selected, self.records)
    }
}

/// What to do with one file.
enum Action {
    /// Already canonical.
    Keep,
    /// Not canonical; the bytes read and the canonical text to write,
    /// unless the file changes in between.
    Rewrite(Vec<u8>, String),
    /// Left untouched, for the reasons given.
    Report(Vec<Finding>),
}

/// Formats (or with `check`, inspects) the records in `dir`, shown as `display`.
pub fn run(dir: &Path, display: &str, options: &Options) -> Result<Outcome> {
    let dataset = load::load(dir, display)?;
    let validators = Validators::new()?;
    let selected = select(&dataset, &options.paths)?;
    let mut findings = walk_findings(&dataset);
    let decisions: Vec<(usize, bool, Action)> = dataset
        .files
        .par_iter()
        .enumerate()
        .filter(|(i, _)| selected[*i])
        .map(|(i, file)| {
            let (typed_ok, action) = decide(&dataset, file, &validators);
            (i, typed_ok, action)
        })
        .collect();
    let mut rewritten = Vec::new();
    let mut records = 0;
    for (i, typed_ok, action) in decisions {
        let file = &dataset.files[i];
        records += usize::from(typed_ok);
        match action {
            Action::Keep => {}
            Action::Report(file_findings) => findings.extend(file_findings),
            Action::Rewrite(_, text) if options.check => {
                findings.push(noncanonical_at_first_difference(&dataset, file, &text))
            }
            Action::Rewrite(old, text) => {
                let path = disk_path(&dataset, file);
                if format::replace_if_unchanged(&path, &old, text.as_bytes())? {
                    rewritten.push(file.path.clone());
                } else {
                    findings.push(changed_while_formatting(file));
                }
            }
        }
    }
    diag::normalize(&mut findings);
    let selected = selected.iter().filter(|s| **s).count();
    Ok(Outcome {
        dataset,
        findings,
        rewritten,
        selected,
        records,
    })
}

/// The findings of the walk that `fmt` reports too: no record at all,
/// every folder or entry it could not read, since what it cannot read it
/// cannot format, and temporary files an interrupted run left behind. A
/// record file's own findings come with its decision.
fn walk_findings(dataset: &Dataset) -> Vec<Finding> {
    let records: std::collections::HashSet<&str> =
        dataset.files.iter().map(|f| f.path.as_str()).collect();
    dataset
        .findings
        .iter()
        .filter(|f| match f.code {
            Code::LayoutEmpty => true,
            Code::IoUnreadable => !records.contains(f.file.as_str()),
            Code::LayoutUnexpectedEntry => {
                f.file.rsplit('/').next().is_some_and(format::is_leftover)
            }
            _ => false,
        })
        .cloned()
        .collect()
}

/// Where a loaded record file is on disk.
fn disk_path(dataset: &Dataset, file: &RecordFile) -> PathBuf {
    dataset
        .dir
        .join(file.collection.dir_name())
        .join(format!("{}.json", file.stem))
}

/// Which files the `paths` name: a record file, or any folder holding records.
fn select(dataset: &Dataset, paths: &[PathBuf]) -> Result<Vec<bool>> {
    if paths.is_empty() {
        return Ok(vec![true; dataset.files.len()]);
    }
    let on_disk: Vec<Option<PathBuf>> = dataset
        .files
        .iter()
        .map(|f| fs::canonicalize(disk_path(dataset, f)).ok())
        .collect();
    let mut selected = vec![false; dataset.files.len()];
    for path in paths {
        let wanted = fs::canonicalize(path)
            .map_err(|e| Error::Usage(format!("cannot format `{}`: {e}", path.display())))?;
        let mut matched = false;
        for (i, file) in on_disk.iter().enumerate() {
            if file.as_ref().is_some_and(|f| f.starts_with(&wanted)) {
                selected[i] = true;
                matched = true;
            }
        }
        if !matched {
            return Err(Error::Usage(format!(
                "`{}` holds no record of the data directory `{}`; give record files or folders under it",
                path.display(),
                dataset.dir.display()
            )));
        }
    }
    Ok(selected)
}

/// Decides what to do with one file; also says whether its record matched its type.
fn decide(dataset: &Dataset, file: &RecordFile, validators: &Validators) -> (bool, Action) {
    let (schema_findings, record) = validate::validate_file(file, validators);
    let load_findings = dataset.findings.iter().filter(|f| f.file == file.path);
    let repeats_a_key = load_findings
        .clone()
        .any(|f| f.code == Code::JsonDuplicateKey);
    let Some(record) = record.filter(|_| !repeats_a_key) else {
        // Only the findings that stop formatting: `id/*` findings do not, and
        // `techpact check` reports them.
        let blocking = load_findings
            .cloned()
            .chain(schema_findings)
            .filter(|f| !matches!(f.code, Code::IdFormat | Code::IdMismatch))
            .collect();
        return (false, Action::Report(blocking));
    };
    let path = disk_path(dataset, file);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return (
                true,
                Action::Report(vec![file.finding(
                    Code::IoUnreadable,
                    "",
                    format!("cannot read the file again to format it: {e}"),
                )]),
            );
        }
    };
    if bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&bytes)
        != file.text().as_bytes()
    {
        return (true, Action::Report(vec![changed_while_formatting(file)]));
    }
    match canonical_form(file, &record, &bytes) {
        Ok(None) => (true, Action::Keep),
        Ok(Some(canonical)) => (true, Action::Rewrite(bytes, canonical)),
        Err(refusal) => (true, Action::Report(vec![refusal])),
    }
}

/// What `fmt` writes for `file`, whose `bytes` are on disk and whose typed
/// record is `record`: nothing (`None`) when the bytes are canonical, else
/// the canonical text, or the finding saying why the canonical text would
/// not say what the file says.
pub fn canonical_form(
    file: &RecordFile,
    record: &Record,
    bytes: &[u8],
) -> std::result::Result<Option<String>, Finding> {
    let canonical = canonical_text(record);
    if bytes == canonical.as_bytes() {
        return Ok(None);
    }
    let original = file.value.as_ref().unwrap_or(&Value::Null);
    match refusal(file, original, &canonical) {
        Some(refusal) => Err(refusal),
        None => Ok(Some(canonical)),
    }
}

/// The file changed on disk after it was read; it is left as it is now.
fn changed_while_formatting(file: &RecordFile) -> Finding {
    file.finding(
        Code::IoUnreadable,
        "",
        "the file changed on disk while it was being formatted (or its name is not UTF-8); it was left as it is; run `techpact fmt` again",
    )
}

/// The canonical text of a record.
pub fn canonical_text(record: &Record) -> String {
    format::to_canonical_string(record)
}

/// A `format/noncanonical` finding at the first character where the file
/// differs from its canonical text.
fn noncanonical_at_first_difference(
    dataset: &Dataset,
    file: &RecordFile,
    canonical: &str,
) -> Finding {
    let on_disk = fs::read(disk_path(dataset, file)).unwrap_or_default();
    let have = String::from_utf8_lossy(&on_disk);
    let at = first_difference(&have, canonical);
    let what = if have.starts_with('\u{feff}') {
        "starts with a byte-order mark"
    } else {
        "is not in canonical form from here on"
    };
    Finding::new(
        Code::FormatNoncanonical,
        &file.path,
        at,
        "",
        format!("the file {what}; run `techpact fmt {}`", file.path),
    )
}

/// Why the canonical text cannot replace the file, if it would change what
/// the file says.
fn refusal(file: &RecordFile, original: &Value, canonical: &str) -> Option<Finding> {
    let reparsed: Value = match serde_json::from_str(canonical) {
        Ok(v) => v,
        Err(e) => {
            return Some(file.finding(
                Code::FormatNoncanonical,
                "",
                format!("the canonical text of this record does not parse back ({e}); the file was left as it is"),
            ));
        }
    };
    if let Some((pointer, change)) = value_difference(original, &reparsed, "") {
        let message = match change {
            Change::Dropped => format!(
                "`{pointer}` holds an empty or default value that the canonical form leaves out; delete it by hand, then run `techpact fmt`"
            ),
            Change::Added => format!(
                "the canonical form would add `{pointer}` with its default value; add it by hand, then run `techpact fmt`"
            ),
            Change::Changed => format!(
                "the canonical form would change the value at `{pointer}`; fix it by hand, then run `techpact fmt`"
            ),
        };
        return Some(file.finding(Code::FormatNoncanonical, &pointer, message));
    }
    let have = number_literals(file.text());
    let want = number_literals(canonical);
    for (pointer, literal) in &have {
        let rewritten = want.get(pointer).copied().unwrap_or_default();
        if decimal(literal) != decimal(rewritten) {
            return Some(file.finding(
                Code::FormatNoncanonical,
                pointer,
                format!(
                    "the number {literal} has more digits than a 64-bit float keeps (it would become {rewritten}); write the number as the source gives it with at most 17 significant digits"
                ),
            ));
        }
    }
    None
}

/// How a value would change in canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Present in the file, absent from the canonical form.
    Dropped,
    /// Absent from the file, present in the canonical form.
    Added,
    /// Different in the two.
    Changed,
}

/// The first place (in key order) where `have` and `want` differ.
fn value_difference(have: &Value, want: &Value, pointer: &str) -> Option<(String, Change)> {
    match (have, want) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|key| {
                let child = format!("{pointer}/{}", escape(key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => value_difference(x, y, &child),
                    (Some(_), None) => Some((child, Change::Dropped)),
                    (None, _) => Some((child, Change::Added)),
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| value_difference(x, y, &format!("{pointer}/{i}"))),
        _ if have == want => None,
        _ => Some((pointer.to_string(), Change::Changed)),
    }
}

/// Every number literal of a JSON text, by JSON pointer.
fn number_literals(text: &str) -> BTreeMap<String, &str> {
    fn walk<'t>(node: &Node<'t>, pointer: String, out: &mut BTreeMap<String, &'t str>) {
        match node {
            Node::NumberLit(n) => {
                out.insert(pointer, n.value);
            }
            Node::Object(object) => {
                for prop in &object.properties {
                    let name = match &prop.name {
                        ObjectPropName::String(s) => s.value.to_string(),
                        ObjectPropName::Word(w) => w.value.to_string(),
                    };
                    walk(&prop.value, format!("{pointer}/{}", escape(&name)), out);
                }
            }
            Node::Array(array) => {
                for (i, element) in array.elements.iter().enumerate() {
                    walk(element, format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(parsed) = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
        && let Some(root) = parsed.value
    {
        walk(&root, String::new(), &mut out);
    }
    out
}

/// A JSON number literal as an exact decimal: (negative, significant digits,
/// exponent of the last digit), with zero as `(false, "", 0)`. `None` when it
/// is not a number literal.
fn decimal(literal: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match literal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, literal),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if integer.is_empty()
        || !integer
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits = format!("{integer}{fraction}");
    let mut exponent = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some((false, String::new(), 0));
    }
    exponent = exponent.checked_add(i64::try_from(significant.len() - trimmed.len()).ok()?)?;
    Some((negative, trimmed.to_string(), exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_by_value() {
        assert_eq!(decimal("1.50"), decimal("1.5"));
        assert_eq!(decimal("1e3"), decimal("1000.0"));
        assert_eq!(decimal("0.0"), decimal("-0"));
        assert_eq!(decimal("120"), decimal("1.2E2"));
        assert_ne!(
            decimal("12345678901234567890123"),
            decimal("1.2345678901234568e22")
        );
        assert_ne!(decimal("-1"), decimal("1"));
        assert_eq!(decimal("x"), None);
    }

    #[test]
    fn finds_the_first_value_difference() {
        let a: Value = serde_json::json!({"a": [1, {"b": []}], "c": 1});
        let b: Value = serde_json::json!({"a": [1, {}], "c": 1});
        assert_eq!(
            value_difference(&a, &b, ""),
            Some(("/a/1/b".into(), Change::Dropped))
        );
        assert_eq!(
            value_difference(&b, &a, ""),
            Some(("/a/1/b".into(), Change::Added))
        );
        let c: Value = serde_json::json!({"a": [1, {"b": []}], "c": 2});
        assert_eq!(
            value_difference(&a, &c, ""),
            Some(("/c".into(), Change::Changed))
        );
        assert_eq!(value_difference(&a, &a.clone(), ""), None);
    }

    #[test]
    fn collects_number_literals() {
        let numbers = number_literals("{\"a\": [1.50, {\"b/c\": -2e3}], \"d\": \"3\"}");
        let expected: BTreeMap<String, &str> = [
            ("/a/0".to_string(), "1.50"),
            ("/a/1/b~1c".to_string(), "-2e3"),
        ]
        .into();
        assert_eq!(numbers, expected);
    }
}
