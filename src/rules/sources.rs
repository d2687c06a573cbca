//! Provenance rules: every record rests on a source that exists, and every
//! source supports some record.

use std::collections::HashSet;

use super::Context;
use crate::diag::{Code, Finding};
use crate::model::{Collection, Record};

/// Every record except a source cites at least one source that exists.
pub fn records_cite_a_source(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (_, file, record) in cx.records() {
        if matches!(record, Record::Source(_)) {
            continue;
        }
        let citations = record.citations();
        if citations.is_empty() {
            let pointer = if file.spans().contains("/sources") {
                "/sources"
            } else {
                ""
            };
            out.push(file.finding(
                Code::SourceMissing,
                pointer,
                "the record cites no source; add a citation naming a record in `sources/`",
            ));
            continue;
        }
        let existing = citations
            .iter()
            .any(|c| cx.ids.contains(Collection::Sources, c.source.as_str()));
        if !existing {
            let named: Vec<String> = citations
                .iter()
                .map(|c| format!("`{}`", c.source))
                .collect();
            out.push(file.finding(
                Code::SourceMissing,
                "/sources",
                format!(
                    "none of the cited sources exists ({}); the record rests on no source",
                    named.join(", ")
                ),
            ));
        }
    }
}

/// Every source is cited by at least one record. A citing record counts even
/// when it breaks its schema elsewhere: its citation is still meant.
pub fn sources_are_cited(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let cited: HashSet<&str> = cx
        .graph
        .refs
        .iter()
        .flatten()
        .filter(|r| r.target == Collection::Sources)
        .map(|r| &*r.id)
        .collect();
    for (_, file, record) in cx.records() {
        // References resolve by file name, like every reference.
        if matches!(record, Record::Source(_)) && !cited.contains(file.stem.as_str()) {
            out.push(file.finding(
                Code::SourceUnused,
                "/id",
                "no record cites this source; cite it from the records it supports, or remove it",
            ));
        }
    }
}
