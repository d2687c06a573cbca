//! Rules that see the whole dataset: references, hierarchies, dates,
//! provenance, identifiers and suspected duplicates.
//!
//! Each rule is one function over the typed records with its invariant in a
//! `///` line, registered in `RULES`. A rule pushes findings; it never prints.

use crate::diag::Finding;
use crate::load::Dataset;
use crate::validate::Typed;

/// What every rule sees: the loaded files and their typed records.
pub struct Context<'a> {
    /// The loaded files.
    pub dataset: &'a Dataset,
    /// The typed records, aligned with `dataset.files`.
    pub typed: &'a Typed,
}

/// A rule: reads the context, pushes findings.
pub type Rule = fn(&Context<'_>, &mut Vec<Finding>);

/// Every rule, in the order they run.
pub const RULES: &[(&str, Rule)] = &[];

/// Runs every rule over the dataset.
pub fn run(dataset: &Dataset, typed: &Typed) -> Vec<Finding> {
    let context = Context { dataset, typed };
    let mut findings = Vec::new();
    for (_, rule) in RULES {
        rule(&context, &mut findings);
    }
    findings
}
