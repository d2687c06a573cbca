//! Rules that see the whole dataset: references, hierarchies, lifecycle,
//! dates, provenance, evidence per value, identifiers and suspected duplicates.
//!
//! Each rule is one function over the typed records with its invariant in a
//! `///` line, registered in `RULES` with the one code it reports. A rule
//! pushes findings; it never prints. Rules look at records that passed their
//! schema; a record that did not is reported by the schema and joins the
//! rules once it is fixed.
//!
//! A rule about one record that must read its JSON as written (a date
//! string, before typing) is a file rule, in `FILE_RULES`: it runs as the
//! file is read, since the check drops each file's JSON once it is typed.
//!
//! A rule reads only what the `Context` offers: the loaded records, their
//! references, and the ids of every record on disk. Pull-request mode loads
//! a subset plus what the rules need about it (the records it references, its
//! hierarchy up to the root, records that may share its names), so the same
//! functions give the same findings on that subset as a full check.

mod dates;
mod duplicates;
mod identifiers;
mod lifecycle;
pub mod provenance;
mod references;
mod sources;

pub use dates::{MONTHS, date_fields, interval};
pub use duplicates::Terms;
pub use lifecycle::{Published, published_ids_remain};

use crate::diag::{Code, Finding};
use crate::load::{Dataset, RecordFile};
use crate::model::{Collection, Record};
use crate::refs::{Graph, Ids, RefFields};
use crate::validate::Typed;

/// What every rule sees.
pub struct Context<'a> {
    /// The loaded files.
    pub dataset: &'a Dataset,
    /// The typed records, aligned with `dataset.files`.
    pub typed: &'a Typed,
    /// Where references sit in each collection.
    pub fields: &'a RefFields,
    /// The references of the loaded files, and the loaded files by id.
    pub graph: &'a Graph<'a>,
    /// Every record on disk, loaded or not.
    pub ids: &'a Ids<'a>,
}

impl<'a> Context<'a> {
    /// The records that passed their schema, with their file and its index.
    pub fn records(&self) -> impl Iterator<Item = (usize, &'a RecordFile, &'a Record)> + use<'a> {
        let files = &self.dataset.files;
        self.typed
            .records
            .iter()
            .enumerate()
            .filter_map(move |(i, r)| r.as_ref().map(|r| (i, &files[i], r)))
    }

    /// The loaded record `collection`/`id`, when it passed its schema.
    pub fn record(&self, collection: Collection, id: &str) -> Option<&'a Record> {
        let i = self.graph.file(collection, id)?;
        self.typed.records.get(i)?.as_ref()
    }
}

/// A rule: reads the context, pushes findings.
pub type Rule = fn(&Context<'_>, &mut Vec<Finding>);

/// A rule about one record on its own that reads its file's JSON as written:
/// it runs as the file is read, before the JSON is dropped. It sees the
/// file, its JSON and its typed record, and pushes findings.
pub type FileRule = fn(&RecordFile, &serde_json::Value, &Record, &mut Vec<Finding>);

/// Every file rule with the code it reports.
pub const FILE_RULES: &[(Code, FileRule)] = &[
    (Code::DateInvalid, dates::dates_are_real),
    (Code::ProvenanceBadPointer, provenance::pointers_name_values),
];

/// Runs every file rule on `file`, whose JSON is `value` and whose typed record is `record`.
pub fn run_file(file: &RecordFile, value: &serde_json::Value, record: &Record) -> Vec<Finding> {
    let mut out = Vec::new();
    for (_, rule) in FILE_RULES {
        rule(file, value, record, &mut out);
    }
    out
}

/// Every rule with the code it reports, in the order they run.
pub const RULES: &[(Code, Rule)] = &[
    (Code::RefDangling, references::references_exist),
    (Code::RefCycle, references::hierarchies_do_not_loop),
    (Code::RefWithdrawn, lifecycle::references_are_current),
    (Code::DateOrder, dates::ends_not_before_starts),
    (Code::DateOrder, dates::facts_not_after_their_sources),
    (Code::SourceMissing, sources::records_cite_a_source),
    (Code::SourceUnused, sources::sources_are_cited),
    (Code::IdentifierInvalid, identifiers::identifiers_are_valid),
    (Code::DuplicateSuspect, duplicates::records_are_distinct),
    (Code::ProvenanceUncovered, provenance::values_have_evidence),
];

/// Runs every rule, in parallel; the findings come in rule order.
pub fn run(context: &Context<'_>) -> Vec<Finding> {
    use rayon::prelude::*;
    RULES
        .par_iter()
        .map(|(_, rule)| {
            let mut out = Vec::new();
            rule(context, &mut out);
            out
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_reports_a_rule_code() {
        let rule_codes = [
            Code::RefDangling,
            Code::RefCycle,
            Code::RefWithdrawn,
            Code::DateInvalid,
            Code::DateOrder,
            Code::SourceMissing,
            Code::SourceUnused,
            Code::IdentifierInvalid,
            Code::DuplicateSuspect,
            Code::ProvenanceUncovered,
            Code::ProvenanceBadPointer,
        ];
        let codes: Vec<Code> = RULES
            .iter()
            .map(|(c, _)| *c)
            .chain(FILE_RULES.iter().map(|(c, _)| *c))
            .collect();
        for code in rule_codes {
            assert!(codes.contains(&code), "no rule reports {code}");
        }
        assert!(codes.iter().all(|c| rule_codes.contains(c)));
    }
}
