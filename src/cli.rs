//! Command-line interface: clap definitions, and for each command the call
//! into the library and the choice of output format. Nothing else.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use techpact::diag::{Code, Finding, Severity, Summary};
use techpact::diff;
use techpact::error::{Error, Result};
use techpact::release::read::{Limits, Snapshot};
use techpact::report::{self, Style};
use techpact::{check, lifecycle, release, schema, verify};

/// Checks, formats and releases the techpact dataset.
#[derive(Debug, Parser)]
#[command(name = "techpact", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

/// Parses the command line. `--color` governs clap's own messages (usage
/// errors, help) too, so it is read before clap parses the rest.
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let color = requested_color(&args);
    let mut command = Cli::command().color(match color {
        Some(ColorChoice::Always) => clap::ColorChoice::Always,
        Some(ColorChoice::Never) => clap::ColorChoice::Never,
        Some(ColorChoice::Auto) | None => clap::ColorChoice::Auto,
    });
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    parsed.unwrap_or_else(|e| e.format(&mut command).exit())
}

/// The last `--color WHEN` or `--color=WHEN` on the command line, if valid.
fn requested_color(args: &[std::ffi::OsString]) -> Option<ColorChoice> {
    let mut choice = None;
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--color") {
            Some("") => words.next().map(|w| w.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if let Some(value) = value {
            choice = ColorChoice::from_str(&value, false).ok().or(choice);
        }
    }
    choice
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// The data directory [default: `data/` of the current repository]
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// The output format: human, json or github for findings; jsonl, csv or
    /// sqlite for `export`; human, json or markdown for `diff`
    #[arg(long, global = true, value_enum)]
    pub format: Option<OutputFormat>,
    /// Print nothing on success, only the summary of findings otherwise (human)
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// When to colour human output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats; each command accepts the ones that fit what it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people (findings, `stats`, `diff`, `refs`)
    Human,
    /// One JSON document (findings, `stats`, `diff`, `refs`, `release`)
    Json,
    /// GitHub Actions workflow annotations (findings)
    Github,
    /// Markdown, as `CHANGES.md` in a release (`diff`)
    Markdown,
    /// One `{"collection":…,"record":…}` per line (`export`)
    Jsonl,
    /// One CSV file per table and a Frictionless `datapackage.json`, in a folder (`export`)
    Csv,
    /// One SQLite database with primary and foreign keys (`export`)
    Sqlite,
}

impl Common {
    /// The format findings are printed in: human unless `--format json|github`.
    fn findings_format(&self) -> Result<report::Format> {
        match self.format {
            None | Some(OutputFormat::Human) => Ok(report::Format::Human),
            Some(OutputFormat::Json) => Ok(report::Format::Json),
            Some(OutputFormat::Github) => Ok(report::Format::Github),
            Some(other) => Err(unsupported(other, "human, json or github")),
        }
    }

    /// The output of a command that prints a report for people or one JSON
    /// document, as `--format` asks.
    fn human_or_json(
        &self,
        human: impl FnOnce() -> String,
        json: impl FnOnce() -> String,
    ) -> Result<String> {
        match self.format {
            None | Some(OutputFormat::Human) => Ok(human()),
            Some(OutputFormat::Json) => Ok(json()),
            Some(other) => Err(unsupported(other, "human or json")),
        }
    }

    /// Whether output is for people.
    fn human(&self) -> bool {
        matches!(self.format, None | Some(OutputFormat::Human))
    }
}

/// The usage error for a `--format` this command does not print.
fn unsupported(format: OutputFormat, accepted: &str) -> Error {
    let name = format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string());
    Error::Usage(format!(
        "this command does not print `--format {name}`; it accepts {accepted}"
    ))
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal that supports it, unless `NO_COLOR` is set (not empty); `CLICOLOR_FORCE` forces it
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
    /// A record value by value, each with its evidence: quote, citation or inference
    Show(ShowArgs),
    /// Move a record to a new id and rewrite every reference; a published id keeps a tombstone
    Rename(RenameArgs),
    /// Turn a record into a tombstone; with --into, merge it into another record
    Withdraw(WithdrawArgs),
    /// Print the current id of each record, following the successors of withdrawn ones
    Resolve(ResolveArgs),
    /// Rewrite records into canonical form, or list the ones that are not
    Fmt(FmtArgs),
    /// Write a skeleton record to fill in
    New(NewArgs),
    /// Count records per collection, per source and per year, and references per collection
    Stats,
    /// Export the dataset as JSON Lines, CSV (with datapackage.json) or SQLite
    Export(ExportArgs),
    /// Write a static website of the dataset: a page per record, collections, network, timeline, search
    Site(SiteArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Build the release artifacts of VERSION from HEAD; with --tag, tag HEAD
    Release(ReleaseArgs),
    /// Check a downloaded release folder or archive
    Verify(VerifyArgs),
    /// Records added, changed and removed between two git revisions or releases
    Diff(DiffArgs),
}

/// `techpact check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Verify every quote against the source texts in DIR (matched by
    /// SHA-256, whatever their names); may be given several times
    #[arg(long, value_name = "DIR")]
    pub evidence: Vec<PathBuf>,
    /// Count the quotes of pinned sources whose text is in no DIR as not
    /// provable here, instead of failing with `source/text-mismatch`
    #[arg(long, requires = "evidence")]
    pub allow_missing_texts: bool,
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

/// `techpact rename`
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The record, as `<collection>/<id>`, such as `organizations/hkust`
    pub record: String,
    /// Its new id
    pub new_id: String,
    /// The date of the withdrawal a tombstone records [default: today, UTC]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
}

/// `techpact withdraw`
#[derive(Debug, Args)]
pub struct WithdrawArgs {
    /// The record, as `<collection>/<id>`
    pub record: String,
    /// Why, in one line
    #[arg(long)]
    pub reason: String,
    /// Merge it into this record of the same collection: its successor, which
    /// every reference names instead
    #[arg(long, value_name = "ID")]
    pub into: Option<String>,
    /// The date of the withdrawal [default: today, UTC]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
}

/// `techpact resolve`
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Records, as `<collection>/<id>`
    #[arg(required = true)]
    pub records: Vec<String>,
}

/// `techpact show`
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The record, as `<collection>/<id>`, such as `organizations/hkust`
    pub record: String,
}

/// `techpact fmt`
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Report non-canonical files as `format/noncanonical` instead of rewriting them
    #[arg(long)]
    pub check: bool,
    /// Record files or folders to format [default: every record]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// `techpact new`
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The collection, such as `labs`
    pub collection: String,
    /// The new record's id: a lowercase slug such as `china-telecom`
    pub id: String,
}

/// `techpact export --format jsonl|csv|sqlite --out PATH`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write: a file (jsonl, sqlite), a folder (csv), or `-` for standard output (jsonl)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

/// `techpact site --out DIR`
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The folder to write; it is replaced only when it holds a previous site
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The repository's web address, for links to each record's file
    /// [default: the git remote `origin`, when it is a web host]
    #[arg(long, value_name = "URL")]
    pub repository: Option<String>,
}

/// `techpact completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Shells `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash
    Bash,
    /// Zsh
    Zsh,
    /// Fish
    Fish,
}

/// `techpact release`
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The version, such as 1.4.0 (semantic, without a leading `v`)
    pub version: String,
    /// The output folder [default: `dist/` of the repository]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Create the annotated tag v<VERSION> on HEAD; refuses a dirty work tree
    #[arg(long)]
    pub tag: bool,
}

/// `techpact verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A release folder, or a `techpact-data-<version>.tar.gz` archive
    pub path: PathBuf,
    /// The previous release (folder or archive): every id it published must
    /// still be in this one, withdrawn at most
    #[arg(long, value_name = "RELEASE")]
    pub previous: Option<String>,
}

/// `techpact diff`
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: a git revision, a release folder or a release archive
    pub old: String,
    /// The new side: a git revision, a release folder or a release archive
    pub new: String,
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
        Command::Show(args) => run_show(&cli.common, args),
        Command::Rename(args) => run_rename(&cli.common, args),
        Command::Withdraw(args) => run_withdraw(&cli.common, args),
        Command::Resolve(args) => run_resolve(&cli.common, args),
        Command::Fmt(args) => run_fmt(&cli.common, args),
        Command::New(args) => run_new(&cli.common, args),
        Command::Stats => run_stats(&cli.common),
        Command::Export(args) => run_export(&cli.common, args),
        Command::Site(args) => run_site(&cli.common, args),
        Command::Completions(args) => run_completions(args),
        Command::Release(args) => run_release(&cli.common, args),
        Command::Verify(args) => run_verify(&cli.common, args),
        Command::Diff(args) => run_diff(&cli.common, args),
    }
}

/// The repository the current directory is in: the nearest ancestor with `.git`.
fn repository_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or_else(|| cwd.clone(), Path::to_path_buf)
}

/// The data directory and how to show paths under it. Without `--data`, the
/// `data/` folder of the current repository, which must exist.
fn data_location(common: &Common) -> Result<(PathBuf, String)> {
    if let Some(dir) = &common.data {
        return Ok((dir.clone(), dir.to_string_lossy().into_owned()));
    }
    let root = repository_root();
    let dir = root.join("data");
    if dir.is_dir() {
        return Ok((dir, "data".to_string()));
    }
    let place = if root.join(".git").exists() {
        format!("the repository at {}", root.display())
    } else {
        format!("{} (not inside a git repository)", root.display())
    };
    Err(Error::Usage(format!(
        "no `data/` folder found in {place}; run techpact in a techpact repository, or name the data folder with `--data DIR`"
    )))
}

fn run_check(common: &Common, args: &CheckArgs) -> Result<Outcome> {
    let (dir, display) = data_location(common)?;
    let options = check::Options {
        evidence: args.evidence.clone(),
        missing_texts: if args.allow_missing_texts {
            techpact::evidence::MissingTexts::Count
        } else {
            techpact::evidence::MissingTexts::Fail
        },
        changed_since: args.changed_since.clone(),
    };
    let outcome = check::run(&dir, &display, &options)?;
    let notes = [outcome.scope.describe(), outcome.published.describe()];
    for note in notes.into_iter().flatten().filter(|_| !common.quiet) {
        eprintln!("techpact: {note}");
    }
    emit(
        common,
        args.deny_warnings,
        &outcome.findings,
        &outcome.summary(),
        &file_texts(&outcome.dataset, &outcome.findings),
    )?;
    let verdict = verdict(&outcome.findings, args.deny_warnings);
    // The process ends next: freeing a large dataset's millions of small
    // allocations one by one would only delay the exit.
    std::mem::forget(outcome);
    Ok(verdict)
}

fn record_name(s: &str) -> Result<techpact::refs::RecordName> {
    techpact::refs::RecordName::parse(s).map_err(Error::Usage)
}

fn run_rename(common: &Common, args: &RenameArgs) -> Result<Outcome> {
    let name = record_name(&args.record)?;
    let (dir, display) = data_location(common)?;
    let date = args.date.clone().unwrap_or_else(lifecycle::today);
    let done = lifecycle::rename(&dir, &display, &name, &args.new_id, &date)?;
    report_edit(common, &done)
}

fn run_withdraw(common: &Common, args: &WithdrawArgs) -> Result<Outcome> {
    let name = record_name(&args.record)?;
    let (dir, display) = data_location(common)?;
    let date = args.date.clone().unwrap_or_else(lifecycle::today);
    let done = lifecycle::withdraw(
        &dir,
        &display,
        &name,
        &args.reason,
        args.into.as_deref(),
        &date,
    )?;
    report_edit(common, &done)
}

/// What an edit did, or the findings that stopped it.
fn report_edit(common: &Common, done: &lifecycle::Done) -> Result<Outcome> {
    if !done.applied {
        let summary = Summary::of(&done.findings, 0, 0);
        emit(common, false, &done.findings, &summary, &HashMap::new())?;
        return Ok(Outcome::Findings);
    }
    if !common.quiet {
        print(&common.human_or_json(|| done.to_human(), || done.to_json())?)?;
    }
    Ok(Outcome::Clean)
}

fn run_resolve(common: &Common, args: &ResolveArgs) -> Result<Outcome> {
    let names = args
        .records
        .iter()
        .map(|r| record_name(r))
        .collect::<Result<Vec<_>>>()?;
    let (dir, display) = data_location(common)?;
    let resolved = lifecycle::resolve(&dir, &display, &names)?;
    print(&common.human_or_json(
        || lifecycle::tools::resolutions_to_human(&resolved),
        || techpact::format::to_canonical_string(&resolved),
    )?)?;
    Ok(if resolved.iter().all(|r| r.current.is_some()) {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn run_refs(common: &Common, args: &RefsArgs) -> Result<Outcome> {
    let name = techpact::refs::RecordName::parse(&args.record).map_err(Error::Usage)?;
    let (dir, display) = data_location(common)?;
    let refs = techpact::refs::record_refs(&dir, &display, &name)?;
    print(&common.human_or_json(|| refs.to_human(), || refs.to_json())?)?;
    Ok(Outcome::Clean)
}

fn run_show(common: &Common, args: &ShowArgs) -> Result<Outcome> {
    let name = techpact::refs::RecordName::parse(&args.record).map_err(Error::Usage)?;
    let (dir, display) = data_location(common)?;
    let shown = techpact::show::show(&dir, &display, &name)?;
    print(&common.human_or_json(|| shown.to_human(), || shown.to_json())?)?;
    Ok(Outcome::Clean)
}

fn run_schema(common: &Common, args: &SchemaArgs) -> Result<Outcome> {
    let (dir, display) = match &args.dir {
        Some(dir) => (dir.clone(), dir.to_string_lossy().into_owned()),
        None => (repository_root().join("schema"), "schema".to_string()),
    };
    if args.check {
        let findings = schema::check_all(&dir, &display);
        if findings.is_empty() && common.human() {
            if common.quiet {
                return Ok(Outcome::Clean);
            }
            print(&format!(
                "ok: the {} schemas in {display}/ match the types\n",
                techpact::model::Collection::ALL.len()
            ))?;
            return Ok(Outcome::Clean);
        }
        let summary = Summary::of(&findings, techpact::model::Collection::ALL.len(), 0)
            .counting(techpact::diag::Counted::Schemas);
        emit(common, false, &findings, &summary, &HashMap::new())?;
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

fn run_fmt(common: &Common, args: &FmtArgs) -> Result<Outcome> {
    let (dir, display) = data_location(common)?;
    let options = techpact::fmt::Options {
        check: args.check,
        paths: args.paths.clone(),
    };
    let outcome = techpact::fmt::run(&dir, &display, &options)?;
    if common.human() && !common.quiet {
        print(
            &outcome
                .rewritten
                .iter()
                .map(|p| format!("formatted {}\n", techpact::report::visible(p)))
                .collect::<String>(),
        )?;
    }
    emit(
        common,
        false,
        &outcome.findings,
        &outcome.summary(),
        &file_texts(&outcome.dataset, &outcome.findings),
    )?;
    Ok(verdict(&outcome.findings, false))
}

fn run_new(common: &Common, args: &NewArgs) -> Result<Outcome> {
    let (dir, display) = data_location(common)?;
    let (_, skeleton) = techpact::new::create(&dir, &args.collection, &args.id)?;
    let shown = format!("{display}/{}/{}.json", args.collection, args.id);
    let mut out = format!("wrote {shown}\n");
    if !common.quiet {
        out.push_str("Replace each \"\" placeholder with what the sources say; delete the optional fields they do not give:\n");
        let width = skeleton
            .placeholders
            .iter()
            .map(|p| p.pointer.len())
            .max()
            .unwrap_or(0);
        for p in &skeleton.placeholders {
            let need = match (&p.within_optional, p.required) {
                (_, false) => "optional".to_string(),
                (None, true) => "required".to_string(),
                (Some(outer), true) => format!("required in {outer}:"),
            };
            out.push_str(&format!(
                "  {:<width$}  {need} {}\n",
                p.pointer, p.description
            ));
        }
        out.push_str(&format!("Then run `techpact fmt {shown}` and `techpact check`, which points at every placeholder left.\n"));
    }
    print(&out)?;
    Ok(Outcome::Clean)
}

fn run_stats(common: &Common) -> Result<Outcome> {
    let (dir, display) = data_location(common)?;
    let checked = check::run(&dir, &display, &check::Options::default())?;
    if checked
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        emit_checked(common, &checked)?;
        return Ok(Outcome::Findings);
    }
    let stats = techpact::stats::compute(&checked.typed.records)?;
    print(&common.human_or_json(|| stats.to_human(), || stats.to_json())?)?;
    Ok(Outcome::Clean)
}

fn run_export(common: &Common, args: &ExportArgs) -> Result<Outcome> {
    use techpact::export::{self, Target};
    let (dir, display) = data_location(common)?;
    let target = match common.format {
        Some(OutputFormat::Jsonl) => Target::Jsonl,
        Some(OutputFormat::Csv) => Target::Csv,
        Some(OutputFormat::Sqlite) => Target::Sqlite,
        None => {
            return Err(Error::Usage(
                "say which format to export: `--format jsonl`, `--format csv` or `--format sqlite`"
                    .into(),
            ));
        }
        Some(other) => return Err(unsupported(other, "jsonl, csv or sqlite")),
    };
    // Findings that refuse the export are printed for people.
    let common = &Common {
        format: None,
        data: common.data.clone(),
        ..*common
    };
    let stamp = export::Stamp::of_repository(&dir);
    let outcome = export::run(&dir, &display, target, &args.out, &stamp)?;
    let checked = &outcome.checked;
    // Standard output holds the export itself; warnings would corrupt it.
    let shows_findings = outcome.refused() || !checked.findings.is_empty() || !common.human();
    if shows_findings && outcome.stdout.is_none() {
        emit_checked(common, checked)?;
    }
    if outcome.refused() {
        if common.human() {
            eprintln!("techpact: nothing exported; fix the errors above first");
        }
        return Ok(Outcome::Findings);
    }
    if let Some(text) = &outcome.stdout {
        print(text)?;
        return Ok(Outcome::Clean);
    }
    if common.human() && !common.quiet {
        let files = match outcome.written.as_slice() {
            [one] => one.display().to_string(),
            many => format!(
                "{} in {}",
                report::plural(many.len(), "file"),
                args.out.display()
            ),
        };
        print(&format!(
            "exported {} to {files}\n",
            report::plural(outcome.records, "record")
        ))?;
    }
    Ok(Outcome::Clean)
}

fn run_site(common: &Common, args: &SiteArgs) -> Result<Outcome> {
    let (dir, display) = data_location(common)?;
    let options = techpact::site::Options {
        out: args.out.clone(),
        repository: args.repository.clone(),
    };
    let outcome = techpact::site::run(&dir, &display, &options)?;
    let checked = &outcome.checked;
    if outcome.written.is_none() || !checked.findings.is_empty() {
        emit_checked(common, checked)?;
    }
    let Some(files) = outcome.written else {
        eprintln!("techpact: no site written; fix the errors above first");
        return Ok(Outcome::Findings);
    };
    if common.human() && !common.quiet {
        print(&format!(
            "wrote a site of {} ({}) to {}\n",
            report::plural(outcome.records, "record"),
            report::plural(files, "file"),
            args.out.display()
        ))?;
    }
    Ok(Outcome::Clean)
}

fn run_completions(args: &CompletionsArgs) -> Result<Outcome> {
    use clap::CommandFactory;
    use clap_complete::Shell as Target;
    let shell = match args.shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "techpact", &mut script);
    print(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Clean)
}

/// The text of every loaded file, by shown path, for the human report.
/// The texts of the files that `findings` quote, by path.
fn file_texts<'a>(
    dataset: &'a techpact::load::Dataset,
    findings: &[Finding],
) -> HashMap<String, &'a str> {
    let quoted: std::collections::HashSet<&str> =
        findings.iter().map(|f| f.file.as_str()).collect();
    dataset
        .files
        .iter()
        .filter(|f| quoted.contains(f.path.as_str()))
        .map(|f| (f.path.clone(), f.text()))
        .collect()
}

fn current_dir() -> Result<PathBuf> {
    std::env::current_dir().map_err(|e| Error::io("reading", "the current directory", e))
}

fn run_release(common: &Common, args: &ReleaseArgs) -> Result<Outcome> {
    if common.data.is_some() {
        return Err(Error::Usage(
            "release builds from the committed `data/` at HEAD; --data does not apply".into(),
        ));
    }
    let request = release::Request {
        version: args.version.clone(),
        out: args.out.clone(),
        tag: args.tag,
    };
    match release::run(&current_dir()?, &request)? {
        release::Outcome::Released(done) => {
            match common.format {
                Some(OutputFormat::Json) => {
                    print(&techpact::format::to_canonical_string(&done))?;
                }
                _ if common.quiet => {}
                _ => print(&done.to_human())?,
            }
            Ok(Outcome::Clean)
        }
        release::Outcome::Refused(refusal) => {
            if let release::Refusal::CheckFailed {
                findings,
                summary,
                texts,
            } = refusal.as_ref()
            {
                let sources = texts.iter().map(|(k, v)| (k.clone(), v.as_str())).collect();
                emit(common, false, findings, summary, &sources)?;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "techpact: release refused: {refusal}");
            Ok(Outcome::Findings)
        }
    }
}

fn run_verify(common: &Common, args: &VerifyArgs) -> Result<Outcome> {
    let display = args.path.to_string_lossy();
    let previous = match &args.previous {
        Some(spec) => Some(Snapshot::of_release(spec, &current_dir()?)?),
        None => None,
    };
    let report = verify::verify(&args.path, &display, &Limits::default(), previous.as_ref())?;
    let sources = report
        .texts
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str()))
        .collect();
    emit(common, false, &report.findings, &report.summary, &sources)?;
    Ok(verdict(&report.findings, false))
}

fn run_diff(common: &Common, args: &DiffArgs) -> Result<Outcome> {
    let cwd = current_dir()?;
    let old = Snapshot::open(&args.old, &cwd)?;
    let new = Snapshot::open(&args.new, &cwd)?;
    let changes = diff::diff(Some(&old), &new);
    print(&match common.format {
        None | Some(OutputFormat::Human) => changes.to_human(),
        Some(OutputFormat::Json) => changes.to_json(),
        Some(OutputFormat::Markdown) => {
            changes.to_markdown(&format!("Changes from {} to {}", old.label, new.label))
        }
        Some(other) => return Err(unsupported(other, "human, json or markdown")),
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

/// Prints the findings of a check in the chosen format.
fn emit_checked(common: &Common, checked: &check::Outcome) -> Result<()> {
    emit(
        common,
        false,
        &checked.findings,
        &checked.summary(),
        &file_texts(&checked.dataset, &checked.findings),
    )
}

/// Prints findings in the chosen format.
fn emit(
    common: &Common,
    deny_warnings: bool,
    findings: &[Finding],
    summary: &Summary,
    sources: &HashMap<String, &str>,
) -> Result<()> {
    let format = common.findings_format()?;
    let color = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // The conventions clap follows too: NO_COLOR (when not empty),
        // CLICOLOR_FORCE, CLICOLOR, TERM=dumb, and whether stdout is a terminal.
        ColorChoice::Auto => {
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    };
    let style = Style {
        color,
        quiet: common.quiet,
        deny_warnings,
    };
    print(&report::render(format, findings, summary, sources, style))
}

/// Writes `text` to standard output in one go.
fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`techpact check | head`) is not a failure of the run.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("writing", "standard output", e)),
    }
}
