//! Lifecycle rules: references point at records in use, and published ids
//! stay.
//!
//! A withdrawn record keeps its id so old references still resolve, but a
//! record in use should name what replaced it. Successors themselves are
//! references (`withdrawn/successor`), so `references_exist` reports a missing
//! one as `ref/dangling` and `hierarchies_do_not_loop` a loop as `ref/cycle`.

use rustc_hash::FxHashMap;

use super::Context;
use crate::diag::{Code, Finding};
use crate::model::{Collection, End, Status, WithdrawalView, follow};
use crate::refs::Ids;

/// A record in use references no withdrawn record; the finding names the
/// record that replaces it, following successors to the end.
pub fn references_are_current(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let withdrawn = withdrawn_records(cx);
    if withdrawn.is_empty() {
        return;
    }
    for (i, file, record) in cx.records() {
        if record.withdrawn().is_some() {
            continue;
        }
        for r in &cx.graph.refs[i] {
            let Some(withdrawal) = withdrawn.get(&(r.target, &*r.id)) else {
                continue;
            };
            let (_, end) = follow(&r.id, |id| status(cx, r.target, id));
            let advice = match end {
                End::Current(id) => format!("use `{id}` instead"),
                End::Dropped(id) if id == &*r.id => {
                    "nothing replaces it; remove the reference or name another record".to_string()
                }
                End::Dropped(id) => {
                    format!("its successor `{id}` is withdrawn too and nothing replaces it")
                }
                End::Missing(id) => format!("its successor `{id}` names no record"),
                End::Loop(id) => format!("its successors loop back to `{id}`"),
            };
            out.push(file.finding(
                Code::RefWithdrawn,
                &r.pointer,
                format!(
                    "`{}` in `{}` was withdrawn on {} ({}); {advice}",
                    r.id, r.target, withdrawal.date, withdrawal.reason
                ),
            ));
        }
    }
}

/// The withdrawn records a reference can resolve to, by collection and the
/// id their file is named by, with their withdrawal. They are few: a
/// reference is looked up among them, not among every record.
fn withdrawn_records<'a>(cx: &Context<'a>) -> FxHashMap<(Collection, &'a str), WithdrawalView<'a>> {
    // A reference resolves to a file by its name, as `Context::record`
    // finds it; under a repeated name, to the first such file.
    cx.records()
        .filter_map(|(i, file, record)| Some((i, file, record.withdrawn()?)))
        .filter(|(i, file, _)| cx.graph.file(file.collection, &file.stem) == Some(*i))
        .map(|(_, file, withdrawal)| ((file.collection, file.stem.as_str()), withdrawal))
        .collect()
}

/// What the context knows of `collection`/`id`.
fn status<'a>(cx: &Context<'a>, collection: Collection, id: &str) -> Status<'a> {
    match cx.record(collection, id) {
        None => Status::Absent,
        Some(record) => match record.withdrawn() {
            None => Status::Current,
            Some(w) => Status::Withdrawn(w.successor),
        },
    }
}

/// The record ids of the newest release tag, which a check compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// No git repository holds the data: nothing to compare with.
    NoRepository,
    /// The repository has no `v*` tag yet: nothing to compare with.
    NoTag,
    /// The newest tag and the ids its data held.
    Tag {
        /// The tag, such as `v1.4.0`.
        name: String,
        /// Its records, by collection and id.
        ids: Vec<(Collection, String)>,
    },
}

impl Published {
    /// One line for the summary when there was nothing to compare with.
    pub fn describe(&self) -> Option<String> {
        match self {
            Published::NoRepository => Some(
                "no git repository holds the data, so no id was compared with a release (`id/removed`)"
                    .into(),
            ),
            Published::NoTag => Some(
                "no release tag `v*` yet, so no id was compared with a release (`id/removed`)"
                    .into(),
            ),
            Published::Tag { .. } => None,
        }
    }
}

/// Every id of the newest release still has its file: a published id is
/// permanent, withdrawn at most. `shown` is how the data directory appears
/// in paths; the finding sits at the path the file had.
pub fn published_ids_remain(published: &Published, ids: &Ids<'_>, shown: &str) -> Vec<Finding> {
    let Published::Tag {
        name,
        ids: released,
    } = published
    else {
        return Vec::new();
    };
    released
        .iter()
        .filter(|(collection, id)| !ids.contains(*collection, id))
        .map(|(collection, id)| {
            Finding::new(
                Code::IdRemoved,
                format!("{shown}/{collection}/{id}.json"),
                (0, 0),
                "",
                format!(
                    "`{collection}/{id}` was published in {name} and has no file now; restore it and withdraw it (`techpact withdraw`), or rename with `techpact rename`, which leaves a tombstone"
                ),
            )
        })
        .collect()
}
