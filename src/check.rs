//! The check pipeline: load → validate (schema, ids) → type → rules →
//! evidence. It returns findings as data; the caller renders them.

use std::path::{Path, PathBuf};

use crate::diag::{self, Finding, Summary};
use crate::error::Result;
use crate::evidence;
use crate::load::{self, Dataset};
use crate::refs::{Graph, Ids, RefFields};
use crate::rules;
use crate::validate::{self, Typed, Validators};

/// What to check besides the schema and the rules.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A folder of source texts to verify quotes against.
    pub evidence: Option<PathBuf>,
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
}

impl Outcome {
    /// Counts for the report.
    pub fn summary(&self) -> Summary {
        Summary::of(
            &self.findings,
            self.dataset.entries,
            self.typed.records.iter().flatten().count(),
        )
    }
}

/// Checks the dataset in `dir`, showing paths under it as `display`.
pub fn run(dir: &Path, display: &str, options: &Options) -> Result<Outcome> {
    let dataset = load::load(dir, display)?;
    let validators = Validators::new()?;
    let (schema_findings, typed) = validate::validate(&dataset, &validators);
    let mut findings = dataset.findings.clone();
    findings.extend(schema_findings);
    let fields = RefFields::for_run()?;
    let graph = Graph::build(&dataset, &fields);
    let ids = Ids::of_dataset(&dataset);
    findings.extend(rules::run(&rules::Context {
        dataset: &dataset,
        typed: &typed,
        fields: &fields,
        graph: &graph,
        ids: &ids,
    }));
    if let Some(evidence_dir) = &options.evidence {
        findings.extend(evidence::check(&dataset, &typed, evidence_dir)?);
    }
    diag::normalize(&mut findings);
    Ok(Outcome {
        dataset,
        typed,
        findings,
    })
}

