//! Command-line interface: clap definitions, and for each command the call
//! into the library and the choice of output format. Nothing else.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use techpact::diag::{Code, Finding, Severity, Summary};
use techpact::error::{Error, Result};
use techpact::report::{self, Style};
use techpact::{check, schema};

/// Checks, formats and releases the techpact dataset.
#[derive(Debug, Parser)]
#[command(name = "techpact", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// The data directory [default: `data/` of the current repository]
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// How to print findings
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Print only the summary (human), nothing else on success
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// When to colour human output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people
    Human,
    /// One JSON document
    Json,
    /// GitHub Actions annotations
    Github,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When printing to a terminal and `NO_COLOR` is unset
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every record: schema, ids, references, dates, sources
    Check(CheckArgs),
    /// Write `schema/` from the record types, or check it is up to date
    Schema(SchemaArgs),
    /// Explain a finding code and how to fix it
    Explain(ExplainArgs),
    /// What a record references, and every record that references it
    Refs(RefsArgs),
}

/// `techpact check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Verify every quote against the source texts in DIR (matched by SHA-256)
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Report only on records changed since REV (committed, staged, unstaged or
    /// untracked) and the records that reference them; a change to `schema/`,
    /// `src/` or `Cargo.*` checks everything
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
}

/// `techpact schema`
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Fail with `schema/stale` findings instead of writing
    #[arg(long)]
    pub check: bool,
    /// The schema folder [default: `schema/` of the current repository]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `techpact explain`
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A finding code such as `ref/dangling`; without one, lists every code
    pub code: Option<String>,
}

/// `techpact refs`
#[derive(Debug, Args)]
pub struct RefsArgs {
    /// The record, as `<collection>/<id>`, such as `organizations/hkust`
    pub record: String,
}

/// How a command ended, before it becomes an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report.
    Clean,
    /// Findings that fail the run.
    Findings,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match &cli.command {
        Command::Check(args) => run_check(&cli.common, args),
        Command::Schema(args) => run_schema(&cli.common, args),
        Command::Explain(args) => run_explain(args),
        Command::Refs(args) => run_refs(&cli.common, args),
    }
}

/// The repository the current directory is in: the nearest ancestor with `.git`.
fn repository_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or_else(|| cwd.clone(), Path::to_path_buf)
}

/// The data directory and how to show paths under it.
fn data_location(common: &Common) -> (PathBuf, String) {
    match &common.data {
        Some(dir) => (dir.clone(), dir.to_string_lossy().into_owned()),
        None => (repository_root().join("data"), "data".to_string()),
    }
}

fn run_check(common: &Common, args: &CheckArgs) -> Result<Outcome> {
    let (dir, display) = data_location(common);
    let options = check::Options {
        evidence: args.evidence.clone(),
        changed_since: args.changed_since.clone(),
    };
    let outcome = check::run(&dir, &display, &options)?;
    if let Some(note) = outcome.scope.describe().filter(|_| !common.quiet) {
        eprintln!("techpact: {note}");
    }
    let sources: HashMap<String, &str> = outcome
        .dataset
        .files
        .iter()
        .map(|f| (f.path.clone(), f.text.as_str()))
        .collect();
    emit(common, &outcome.findings, &outcome.summary(), &sources)?;
    Ok(verdict(&outcome.findings, args.deny_warnings))
}

fn run_schema(common: &Common, args: &SchemaArgs) -> Result<Outcome> {
    let (dir, display) = match &args.dir {
        Some(dir) => (dir.clone(), dir.to_string_lossy().into_owned()),
        None => (repository_root().join("schema"), "schema".to_string()),
    };
    if args.check {
        let findings = schema::check_all(&dir, &display);
        let summary = Summary::of(&findings, techpact::model::Collection::ALL.len(), 0);
        emit(common, &findings, &summary, &HashMap::new())?;
        return Ok(verdict(&findings, false));
    }
    let changed = schema::write_all(&dir)?;
    let mut out = String::new();
    for name in &changed {
        out.push_str(&format!("wrote {display}/{name}\n"));
    }
    if changed.is_empty() && !common.quiet {
        out.push_str(&format!("{display}/ is up to date\n"));
    }
    print(&out)?;
    Ok(Outcome::Clean)
}

fn run_explain(args: &ExplainArgs) -> Result<Outcome> {
    let text = match &args.code {
        Some(name) => {
            let code = Code::from_name(name).ok_or_else(|| {
                Error::Usage(format!(
                    "unknown finding code `{name}`; `techpact explain` lists every code"
                ))
            })?;
            format!(
                "{} ({})\n\n{}\n\nHow to fix: {}\n",
                code.name(),
                code.severity(),
                code.summary(),
                code.fix()
            )
        }
        None => Code::ALL
            .iter()
            .map(|c| format!("{:<26} {:<7} {}\n", c.name(), c.severity(), c.summary()))
            .collect(),
    };
    print(&text)?;
    Ok(Outcome::Clean)
}

fn run_refs(common: &Common, args: &RefsArgs) -> Result<Outcome> {
    let name = techpact::refs::RecordName::parse(&args.record).map_err(Error::Usage)?;
    let (dir, display) = data_location(common);
    let refs = techpact::refs::record_refs(&dir, &display, &name)?;
    print(&match common.format {
        OutputFormat::Json => refs.to_json(),
        OutputFormat::Human | OutputFormat::Github => refs.to_human(),
    })?;
    Ok(Outcome::Clean)
}

/// Whether `findings` fail the run.
fn verdict(findings: &[Finding], deny_warnings: bool) -> Outcome {
    let fails = findings
        .iter()
        .any(|f| f.severity == Severity::Error || deny_warnings);
    if fails {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

/// Prints findings in the chosen format.
fn emit(
    common: &Common,
    findings: &[Finding],
    summary: &Summary,
    sources: &HashMap<String, &str>,
) -> Result<()> {
    let format = match common.format {
        OutputFormat::Human => report::Format::Human,
        OutputFormat::Json => report::Format::Json,
        OutputFormat::Github => report::Format::Github,
    };
    let color = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let style = Style {
        color,
        quiet: common.quiet,
    };
    print(&report::render(format, findings, summary, sources, style))
}

/// Writes `text` to standard output in one go.
fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`techpact check | head`) is not a failure of the run.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("writing", "standard output", e)),
    }
}
