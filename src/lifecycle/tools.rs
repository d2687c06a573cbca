//! `rename`, `withdraw` and `resolve`: plan the edits, check the dataset as
//! it would be, then apply them all or none (see `transaction`).

use std::fs;
use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};

use super::rewrite;
use super::transaction::{self, Edit};
use crate::check;
use crate::diag::{Finding, Summary};
use crate::error::{Error, Result};
use crate::fmt::canonical_text;
use crate::load::{self, Listing};
use crate::model::{Collection, End, Record, Status, follow, is_slug};
use crate::refs::{self, Ids, RecordName, RefFields};
use crate::report::visible;
use crate::rules::Published;

/// What a `rename` or `withdraw` did, or would have done.
#[derive(Debug, Serialize)]
pub struct Done {
    /// The files written, created or deleted, relative to the data directory.
    pub edited: Vec<String>,
    /// How many references now name the successor.
    pub references: usize,
    /// Whether a tombstone stays at the old id.
    pub tombstone: bool,
    /// Whether the edit was applied; when not, `findings` say why.
    pub applied: bool,
    /// The check's findings on the data as edited.
    #[serde(skip)]
    pub findings: Vec<Finding>,
    /// Their counts, and the files and records the check read.
    #[serde(skip)]
    pub summary: Summary,
}

/// Moves `name` to `new_id`, rewriting every reference to it; when the old
/// id is in the newest release, a tombstone dated `date` stays there whose
/// successor is the new id.
pub fn rename(
    dir: &Path,
    display: &str,
    name: &RecordName,
    new_id: &str,
    date: &str,
) -> Result<Done> {
    let listing = load::list(dir, display)?;
    let ids = ids_of(&listing);
    require(&ids, name)?;
    if !is_slug(new_id) {
        return Err(Error::Usage(format!(
            "`{new_id}` is not a valid id: lowercase letters, digits and single hyphens, at most 80 characters"
        )));
    }
    if ids.contains(name.collection, new_id) {
        return Err(Error::Usage(format!(
            "`{}/{new_id}` exists already; to merge the two, run `techpact withdraw {}/{} --reason R --into {new_id}`",
            name.collection, name.collection, name.id
        )));
    }
    let published = matches!(
        check::published(dir)?,
        Published::Tag { ids, .. } if ids.iter().any(|(c, i)| *c == name.collection && *i == name.id)
    );
    let old_path = relative(name.collection, &name.id);
    let new_path = relative(name.collection, new_id);
    let old_text = read(dir, &old_path)?;
    let fields = RefFields::for_run()?;
    let moved = rewrite::references(&old_text, name.collection, &fields, name, new_id, true)?;
    let mut edits = referrers(&listing, &fields, name, new_id)?;
    let references = edits.len();
    edits.push(Edit {
        path: new_path,
        old: None,
        new: Some(moved.0),
    });
    edits.push(Edit {
        path: old_path,
        old: Some(old_text.clone()),
        new: published
            .then(|| tombstone(name.collection, &old_text, date, new_id))
            .transpose()?,
    });
    apply(dir, display, edits, references, published)
}

/// Withdraws `name` on `date` for `reason`; with `into`, merges it: the
/// successor is `into` and every reference to `name` names `into` instead.
pub fn withdraw(
    dir: &Path,
    display: &str,
    name: &RecordName,
    reason: &str,
    into: Option<&str>,
    date: &str,
) -> Result<Done> {
    let listing = load::list(dir, display)?;
    let ids = ids_of(&listing);
    require(&ids, name)?;
    let path = relative(name.collection, &name.id);
    let text = read(dir, &path)?;
    let mut value: Value = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{display}/{path} is not valid JSON ({e}); fix it first"
        ))
    })?;
    if value.get("withdrawn").is_some() {
        return Err(Error::Usage(format!(
            "`{}/{}` is withdrawn already; `techpact resolve {}/{}` shows what replaces it",
            name.collection, name.id, name.collection, name.id
        )));
    }
    if let Some(into) = into {
        if into == name.id {
            return Err(Error::Usage("a record cannot be merged into itself".into()));
        }
        require(
            &ids,
            &RecordName {
                collection: name.collection,
                id: into.to_string(),
            },
        )?;
        let into_text = read(dir, &relative(name.collection, into))?;
        if serde_json::from_str::<Value>(&into_text).is_ok_and(|v| v.get("withdrawn").is_some()) {
            return Err(Error::Usage(format!(
                "`{}/{into}` is withdrawn itself; merge into the record that replaces it (`techpact resolve {}/{into}`)",
                name.collection, name.collection
            )));
        }
    }
    let mut withdrawal = json!({ "date": date, "reason": reason });
    if let Some(into) = into {
        withdrawal["successor"] = json!(into);
    }
    value["withdrawn"] = withdrawal;
    let new_text = canonical(name.collection, &value, &format!("{display}/{path}"))?;
    if canonical(
        name.collection,
        &serde_json::from_str(&text).unwrap_or(Value::Null),
        "",
    )
    .is_ok_and(|c| c != text)
    {
        return Err(Error::Usage(format!(
            "{display}/{path} is not in canonical form; run `techpact fmt` first, so the withdrawal is the only change"
        )));
    }
    let fields = RefFields::for_run()?;
    let mut edits = match into {
        Some(into) => referrers(&listing, &fields, name, into)?,
        None => Vec::new(),
    };
    edits.retain(|e| e.path != path);
    let references = edits.len();
    edits.push(Edit {
        path,
        old: Some(text),
        new: Some(new_text),
    });
    apply(dir, display, edits, references, true)
}

/// Checks the data as `edits` would leave it and applies them when it has no error.
fn apply(
    dir: &Path,
    display: &str,
    edits: Vec<Edit>,
    references: usize,
    tombstone: bool,
) -> Result<Done> {
    let (findings, summary) = transaction::recheck(dir, display, &edits)?;
    let applied = !transaction::has_errors(&findings);
    if applied {
        transaction::commit(dir, &edits)?;
    }
    Ok(Done {
        edited: edits.into_iter().map(|e| e.path).collect(),
        references,
        tombstone,
        applied,
        findings,
        summary,
    })
}

/// Every record on disk, by the names of the listed files.
fn ids_of(listing: &Listing) -> Ids<'_> {
    Ids::new(
        listing
            .records
            .iter()
            .map(|l| (l.collection, l.stem.as_str())),
    )
}

/// An error unless `name` has a file.
fn require(ids: &Ids<'_>, name: &RecordName) -> Result<()> {
    if ids.contains(name.collection, &name.id) {
        return Ok(());
    }
    let hint = ids
        .closest(name.collection, &name.id)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "no record `{}/{}`{hint}",
        name.collection, name.id
    )))
}

fn relative(collection: Collection, id: &str) -> String {
    format!("{collection}/{id}.json")
}

fn read(dir: &Path, path: &str) -> Result<String> {
    let full = dir.join(path);
    fs::read_to_string(&full).map_err(|e| Error::io("reading", &full, e))
}

/// The canonical text of `value` as a record of `collection`.
fn canonical(collection: Collection, value: &Value, shown: &str) -> Result<String> {
    let record = Record::from_value(collection, value).map_err(|e| {
        Error::Usage(format!(
            "{shown} does not match its type ({e}); run `techpact check`"
        ))
    })?;
    Ok(canonical_text(&record))
}

/// Edits of every record that references `name`, naming `to` instead.
fn referrers(
    listing: &Listing,
    fields: &RefFields,
    name: &RecordName,
    to: &str,
) -> Result<Vec<Edit>> {
    let mut edits = Vec::new();
    // The byte search `refs` and pull-request mode make, in parallel (an
    // escaped id included); only the files it picks are read again here.
    let candidates = refs::may_reference_any(listing, fields, &[(name.collection, &name.id)]);
    for l in candidates.into_iter().map(|i| &listing.records[i]) {
        if l.collection == name.collection && l.stem == name.id {
            continue;
        }
        let text = l
            .read()
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string()))
            .map_err(|e| Error::Other(format!("{}: {e}", l.path)))?;
        let (new, count) = rewrite::references(&text, l.collection, fields, name, to, false)?;
        if count > 0 {
            edits.push(Edit {
                path: relative(l.collection, &l.stem),
                old: Some(text),
                new: Some(new),
            });
        }
    }
    Ok(edits)
}

/// The tombstone a rename leaves at the old id: its id, its name, the
/// withdrawal and its sources, each citation kept only for what supports the name.
fn tombstone(collection: Collection, text: &str, date: &str, successor: &str) -> Result<String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::Usage(format!("the record is not valid JSON ({e}); fix it first")))?;
    let label = collection.label_field();
    let label_pointer = format!("/{label}");
    let mut out = serde_json::Map::new();
    out.insert("id".into(), value["id"].clone());
    out.insert(label.into(), value[label].clone());
    out.insert(
        "withdrawn".into(),
        json!({ "date": date, "reason": format!("renamed to {successor}"), "successor": successor }),
    );
    if let Some(Value::Array(citations)) = value.get("sources") {
        let kept: Vec<Value> = citations
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if let Some(Value::Array(supports)) = c.get_mut("supports") {
                    supports.retain(|p| p.as_str() == Some(label_pointer.as_str()));
                    if supports.is_empty() {
                        c.as_object_mut().map(|o| o.remove("supports"));
                    }
                }
                c
            })
            .collect();
        out.insert("sources".into(), Value::Array(kept));
    }
    if let Some(Value::Array(inferred)) = value.get("inferred") {
        let kept: Vec<Value> = inferred
            .iter()
            .filter(|i| i.get("pointer").and_then(Value::as_str) == Some(label_pointer.as_str()))
            .cloned()
            .collect();
        if !kept.is_empty() {
            out.insert("inferred".into(), Value::Array(kept));
        }
    }
    canonical(collection, &Value::Object(out), "the tombstone")
}

/// Today's date in UTC, `YYYY-MM-DD`: the default date of a withdrawal.
pub fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    civil_date(now)
}

/// The UTC date, `YYYY-MM-DD`, of `seconds` since the Unix epoch.
fn civil_date(seconds: i64) -> String {
    let now = seconds;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = now.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

impl Done {
    /// For people: what changed. A path is a file's name as it is on disk,
    /// so it goes through `report::visible`.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        for path in &self.edited {
            out.push_str(&format!("edited {}\n", visible(path)));
        }
        out.push_str(&format!(
            "{} reference{} rewritten; {}\n",
            self.references,
            if self.references == 1 { "" } else { "s" },
            if self.tombstone {
                "a tombstone keeps the old id"
            } else {
                "the old id was never released, so no tombstone is needed"
            }
        ));
        out
    }

    /// As one JSON document.
    pub fn to_json(&self) -> String {
        crate::report::json_for_terminal(crate::format::to_canonical_string(self))
    }
}

/// For people: one line per record, `asked → current`. The asked id, the
/// successors read from files and the problems naming them are data, so each
/// goes through `report::visible`.
pub fn resolutions_to_human(resolved: &[Resolution]) -> String {
    let mut out = String::new();
    for r in resolved {
        let record = visible(&r.record);
        let (collection, _) = r.record.split_once('/').unwrap_or((&r.record, ""));
        match (&r.current, &r.problem) {
            (Some(_), _) if r.chain.len() == 1 => {
                out.push_str(&format!("{record} is current\n"));
            }
            (Some(current), _) => {
                out.push_str(&format!(
                    "{record} → {}/{}\n",
                    visible(collection),
                    visible(current)
                ));
            }
            (None, problem) => {
                out.push_str(&format!(
                    "{record}: {}\n",
                    visible(problem.as_deref().unwrap_or("no current record"))
                ));
            }
        }
    }
    out
}

/// Where following successors from one id ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// The id asked about, as `collection/id`.
    pub record: String,
    /// The ids passed on the way, the asked one first.
    pub chain: Vec<String>,
    /// The id to use now; `None` when nothing replaces the record or it is unknown.
    pub current: Option<String>,
    /// Why there is no current id: `withdrawn`, `unknown`, `broken`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The current id of each of `names`, following successors.
pub fn resolve(dir: &Path, display: &str, names: &[RecordName]) -> Result<Vec<Resolution>> {
    let listing = load::list(dir, display)?;
    let ids = ids_of(&listing);
    let mut out = Vec::new();
    for name in names {
        let record = format!("{}/{}", name.collection, name.id);
        if let Err(e) = require(&ids, name) {
            out.push(Resolution {
                record,
                chain: Vec::new(),
                current: None,
                problem: Some(e.to_string()),
            });
            continue;
        }
        let successors: Vec<(String, Option<Option<String>>)> = chain_of(dir, &ids, name);
        let status = |id: &str| match successors.iter().find(|(i, _)| i == id) {
            None | Some((_, None)) => Status::Absent,
            Some((_, Some(None))) => Status::Current,
            Some((_, Some(Some(next)))) if next.is_empty() => Status::Withdrawn(None),
            Some((_, Some(Some(next)))) => Status::Withdrawn(Some(next.as_str())),
        };
        let (chain, end) = follow(&name.id, status);
        let (current, problem) = match end {
            End::Current(id) => (Some(id.to_string()), None),
            End::Dropped(_) => (None, Some("withdrawn; nothing replaces it".to_string())),
            End::Missing(id) => (None, Some(format!("its successor `{id}` names no record"))),
            End::Loop(id) => (None, Some(format!("its successors loop back to `{id}`"))),
        };
        out.push(Resolution {
            record,
            chain: chain.into_iter().map(str::to_string).collect(),
            current,
            problem,
        });
    }
    Ok(out)
}

/// Each record on the successor chain from `name`, read from its file: its
/// id and `Some(None)` when in use, `Some(Some(next))` when withdrawn (an
/// empty `next` when nothing replaces it), `None` when it has no readable
/// file. A successor is only looked up among the listed records (`ids`), so
/// one such as `../organizations/x` never leads to a file outside its
/// collection.
fn chain_of(dir: &Path, ids: &Ids<'_>, name: &RecordName) -> Vec<(String, Option<Option<String>>)> {
    let mut out: Vec<(String, Option<Option<String>>)> = Vec::new();
    let mut at = name.id.clone();
    while !out.iter().any(|(i, _)| *i == at) {
        let value = ids
            .contains(name.collection, &at)
            .then(|| fs::read_to_string(dir.join(relative(name.collection, &at))).ok())
            .flatten()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok());
        let status = value.as_ref().map(|v| {
            v.get("withdrawn").map(|w| {
                w.get("successor")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            })
        });
        let next = status.clone().flatten().filter(|n| !n.is_empty());
        out.push((at.clone(), status));
        match next {
            Some(n) => at = n,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_real_date() {
        let today = today();
        assert!(crate::rules::interval(&today).is_ok(), "{today}");
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(1_796_083_200), "2026-12-01");
    }
}
