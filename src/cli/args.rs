//! The command line as clap sees it: each command with exactly the options it
//! accepts, and a `--format` whose values are the formats that command prints,
//! so `--help` offers nothing a command would then refuse.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Checks, formats and releases the techpact dataset.
#[derive(Debug, Parser)]
#[command(name = "techpact", version, about, long_about = None)]
pub struct Cli {
    /// When to colour output, clap's own messages included
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, display_order = 100)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
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

/// `--data`, for the commands that read the records of a data directory.
#[derive(Debug, Args)]
pub struct Data {
    /// The data directory [default: `data/` of the current repository]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// `--format` and `--quiet` of the commands whose output is findings.
#[derive(Debug, Args)]
pub struct Findings {
    /// How to print findings
    #[arg(long, value_enum, default_value_t = FindingsFormat::Human)]
    pub format: FindingsFormat,
    /// Print nothing on success; with findings, only their summary
    #[arg(long, short)]
    pub quiet: bool,
}

/// The formats of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindingsFormat {
    /// For people: location, message, the line with a marker, a summary
    Human,
    /// One JSON document for tools
    Json,
    /// GitHub Actions workflow annotations
    Github,
}

/// `--format` of the commands that print a report for people or one JSON
/// document (and findings in the same format when the data has errors).
#[derive(Debug, Args)]
pub struct Report {
    /// How to print the report
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// A report for people, or one JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people
    Human,
    /// One JSON document for tools
    Json,
}

/// `--quiet` of the commands that report what they did.
#[derive(Debug, Args)]
pub struct Quiet {
    /// Print nothing on success; with findings, only their summary
    #[arg(long, short)]
    pub quiet: bool,
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
    Refs(RecordArgs),
    /// A record value by value, each with its evidence: quote, citation or inference
    Show(RecordArgs),
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
    Stats(StatsArgs),
    /// Export the dataset as JSON Lines, CSV (with datapackage.json) or SQLite
    Export(ExportArgs),
    /// Write a static website of the dataset: a page per record, collections, network, timeline, search
    Site(SiteArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Build the release artifacts of VERSION from the committed `data/` at HEAD; with --tag, tag HEAD
    Release(ReleaseArgs),
    /// Check a downloaded release folder or archive
    Verify(VerifyArgs),
    /// Records added, changed and removed between two git revisions or releases
    Diff(DiffArgs),
}

/// `techpact check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub data: Data,
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
    /// untracked) and the records that reference one added, deleted, or changed
    /// in its names, withdrawal or hierarchy; a change to `schema/`, `src/` or
    /// `Cargo.*` checks everything
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Check the data as committed at REV, read from git's object store,
    /// instead of the work tree; with `--changed-since`, compares the two
    /// commits without reading the work tree (what CI checks out)
    #[arg(long, value_name = "REV")]
    pub at: Option<String>,
    #[command(flatten)]
    pub output: Findings,
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
    #[command(flatten)]
    pub output: Findings,
}

/// `techpact explain`
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A finding code such as `ref/dangling`; without one, lists every code
    pub code: Option<String>,
}

/// `techpact refs` and `techpact show`: one record, reported.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The record, as `<collection>/<id>`, such as `organizations/hkust`
    pub record: String,
    #[command(flatten)]
    pub data: Data,
    #[command(flatten)]
    pub output: Report,
}

/// `techpact rename`
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The record, as `<collection>/<id>`, such as `organizations/hkust`
    pub record: String,
    /// Its new id
    pub new_id: String,
    #[command(flatten)]
    pub edit: Edit,
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
    #[command(flatten)]
    pub edit: Edit,
}

/// The options `rename` and `withdraw` share.
#[derive(Debug, Args)]
pub struct Edit {
    /// The date of the withdrawal, which a tombstone records [default: today, UTC]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    #[command(flatten)]
    pub data: Data,
    #[command(flatten)]
    pub output: Report,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// `techpact resolve`
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Records, as `<collection>/<id>`
    #[arg(required = true)]
    pub records: Vec<String>,
    #[command(flatten)]
    pub data: Data,
    #[command(flatten)]
    pub output: Report,
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
    #[command(flatten)]
    pub data: Data,
    #[command(flatten)]
    pub output: Findings,
}

/// `techpact new`
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The collection, such as `labs`
    pub collection: String,
    /// The new record's id: a lowercase slug such as `china-telecom`
    pub id: String,
    #[command(flatten)]
    pub data: Data,
    /// Print only the path written, not the placeholders to fill in
    #[arg(long, short)]
    pub quiet: bool,
}

/// `techpact stats`
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub data: Data,
    #[command(flatten)]
    pub output: Report,
}

/// `techpact export --format jsonl|csv|sqlite --out PATH`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format to export
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write: a file (jsonl, sqlite), a folder (csv), or `-` for standard output (jsonl)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    #[command(flatten)]
    pub data: Data,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A header line, then one `{"collection":…,"record":…}` per line and one `{"statement":…}` per value
    Jsonl,
    /// One CSV file per table and a Frictionless `datapackage.json`, in a folder
    Csv,
    /// One SQLite database with primary and foreign keys
    Sqlite,
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
    #[command(flatten)]
    pub data: Data,
    #[command(flatten)]
    pub output: Findings,
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

/// `techpact release`: it builds from the committed `data/` at HEAD, so it
/// takes no `--data`.
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
    #[command(flatten)]
    pub output: Report,
    #[command(flatten)]
    pub quiet: Quiet,
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
    #[command(flatten)]
    pub output: Findings,
}

/// `techpact diff`
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: a git revision, a release folder or a release archive
    pub old: String,
    /// The new side: a git revision, a release folder or a release archive
    pub new: String,
    /// How to print the changes
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

/// The formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people
    Human,
    /// One JSON document for tools
    Json,
    /// Markdown, as `CHANGES.md` in a release
    Markdown,
}
