//! Lifecycle rules: references point at records in use.
//!
//! A withdrawn record keeps its id so old references still resolve, but a
//! record in use should name what replaced it. Successors themselves are
//! references (`withdrawn/successor`), so `references_exist` reports a missing
//! one as `ref/dangling` and `hierarchies_do_not_loop` a loop as `ref/cycle`.

use super::Context;
use crate::diag::{Code, Finding};
use crate::model::{Collection, End, Status, follow};

/// A record in use references no withdrawn record; the finding names the
/// record that replaces it, following successors to the end.
pub fn references_are_current(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (i, file, record) in cx.records() {
        if record.withdrawn().is_some() {
            continue;
        }
        for r in &cx.graph.refs[i] {
            let Some(withdrawal) = cx.record(r.target, &r.id).and_then(|t| t.withdrawn()) else {
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
