//! Command-line interface: for each command the call into the library and
//! the choice of output format, nothing else. The clap definitions, each
//! command with exactly its own options, are in `args`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

mod args;

pub use args::*;

use techpact::diag::{Code, Finding, Severity, Summary};
use techpact::diff;
use techpact::error::{Error, Result};
use techpact::report::{self, Style};
use techpact::snapshot::{Limits, Snapshot};
use techpact::{check, lifecycle, release, schema, verify};

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

/// How a command prints: the format of findings, `--quiet` and `--color`.
#[derive(Debug, Clone, Copy)]
struct Output {
    format: report::Format,
    quiet: bool,
    color: ColorChoice,
}

impl Output {
    /// Output in `format`, quiet or not, coloured as `--color` says.
    fn new(format: report::Format, quiet: bool, color: ColorChoice) -> Self {
        Output {
            format,
            quiet,
            color,
        }
    }

    /// For the commands whose output is findings.
    fn findings(options: &Findings, color: ColorChoice) -> Self {
        let format = match options.format {
            FindingsFormat::Human => report::Format::Human,
            FindingsFormat::Json => report::Format::Json,
            FindingsFormat::Github => report::Format::Github,
        };
        Output::new(format, options.quiet, color)
    }

    /// For the commands that print a report for people or one JSON document;
    /// findings that stop them come in the same format.
    fn report(options: &Report, quiet: bool, color: ColorChoice) -> Self {
        Output::new(report_format(options.format), quiet, color)
    }

    /// Whether output is for people.
    fn human(&self) -> bool {
        self.format == report::Format::Human
    }
}

/// The findings format that goes with a report format.
fn report_format(format: ReportFormat) -> report::Format {
    match format {
        ReportFormat::Human => report::Format::Human,
        ReportFormat::Json => report::Format::Json,
    }
}

/// A report for people or one JSON document, as `--format` asks.
fn human_or_json(
    format: ReportFormat,
    human: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> String {
    match format {
        ReportFormat::Human => human(),
        ReportFormat::Json => json(),
    }
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
    let color = cli.color;
    match &cli.command {
        Command::Check(args) => run_check(color, args),
        Command::Schema(args) => run_schema(color, args),
        Command::Explain(args) => run_explain(args),
        Command::Refs(args) => run_refs(args),
        Command::Show(args) => run_show(args),
        Command::Rename(args) => run_rename(color, args),
        Command::Withdraw(args) => run_withdraw(color, args),
        Command::Resolve(args) => run_resolve(args),
        Command::Fmt(args) => run_fmt(color, args),
        Command::New(args) => run_new(args),
        Command::Stats(args) => run_stats(color, args),
        Command::Export(args) => run_export(color, args),
        Command::Site(args) => run_site(color, args),
        Command::Completions(args) => run_completions(args),
        Command::Release(args) => run_release(color, args),
        Command::Verify(args) => run_verify(color, args),
        Command::Diff(args) => run_diff(args),
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
fn data_location(data: &Data) -> Result<(PathBuf, String)> {
    if let Some(dir) = &data.data {
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

fn run_check(color: ColorChoice, args: &CheckArgs) -> Result<Outcome> {
    let (dir, display) = data_location(&args.data)?;
    let output = Output::findings(&args.output, color);
    let options = check::Options {
        evidence: args.evidence.clone(),
        missing_texts: if args.allow_missing_texts {
            techpact::evidence::MissingTexts::Count
        } else {
            techpact::evidence::MissingTexts::Fail
        },
        changed_since: args.changed_since.clone(),
        at: args.at.clone(),
    };
    let outcome = check::run(&dir, &display, &options)?;
    let notes = [outcome.scope.describe(), outcome.published.describe()];
    for note in notes.into_iter().flatten().filter(|_| !output.quiet) {
        // A changed path and the revision come from the repository.
        eprintln!("techpact: {}", report::visible(&note));
    }
    emit(
        &output,
        args.deny_warnings,
        &outcome.findings,
        &outcome.summary(),
        &outcome.dataset.texts_of(&outcome.findings),
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

fn run_rename(color: ColorChoice, args: &RenameArgs) -> Result<Outcome> {
    let name = record_name(&args.record)?;
    let (dir, display) = data_location(&args.edit.data)?;
    let date = args.edit.date.clone().unwrap_or_else(lifecycle::today);
    let done = lifecycle::rename(&dir, &display, &name, &args.new_id, &date)?;
    report_edit(color, &args.edit, &done)
}

fn run_withdraw(color: ColorChoice, args: &WithdrawArgs) -> Result<Outcome> {
    let name = record_name(&args.record)?;
    let (dir, display) = data_location(&args.edit.data)?;
    let date = args.edit.date.clone().unwrap_or_else(lifecycle::today);
    let done = lifecycle::withdraw(
        &dir,
        &display,
        &name,
        &args.reason,
        args.into.as_deref(),
        &date,
    )?;
    report_edit(color, &args.edit, &done)
}

/// What an edit did, or the findings that stopped it.
fn report_edit(color: ColorChoice, edit: &Edit, done: &lifecycle::Done) -> Result<Outcome> {
    let output = &Output::report(&edit.output, edit.quiet.quiet, color);
    if !done.applied {
        emit(
            output,
            false,
            &done.findings,
            &done.summary,
            &HashMap::new(),
        )?;
        return Ok(Outcome::Findings);
    }
    if !output.quiet {
        print(&if output.human() {
            done.to_human()
        } else {
            done.to_json()
        })?;
    }
    Ok(Outcome::Clean)
}

fn run_resolve(args: &ResolveArgs) -> Result<Outcome> {
    let names = args
        .records
        .iter()
        .map(|r| record_name(r))
        .collect::<Result<Vec<_>>>()?;
    let (dir, display) = data_location(&args.data)?;
    let resolved = lifecycle::resolve(&dir, &display, &names)?;
    print(&human_or_json(
        args.output.format,
        || lifecycle::tools::resolutions_to_human(&resolved),
        || techpact::format::to_canonical_string(&resolved),
    ))?;
    Ok(if resolved.iter().all(|r| r.current.is_some()) {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn run_refs(args: &RecordArgs) -> Result<Outcome> {
    let name = techpact::refs::RecordName::parse(&args.record).map_err(Error::Usage)?;
    let (dir, display) = data_location(&args.data)?;
    let refs = techpact::refs::record_refs(&dir, &display, &name)?;
    print(&human_or_json(
        args.output.format,
        || refs.to_human(),
        || refs.to_json(),
    ))?;
    Ok(Outcome::Clean)
}

fn run_show(args: &RecordArgs) -> Result<Outcome> {
    let name = techpact::refs::RecordName::parse(&args.record).map_err(Error::Usage)?;
    let (dir, display) = data_location(&args.data)?;
    let shown = techpact::show::show(&dir, &display, &name)?;
    print(&human_or_json(
        args.output.format,
        || shown.to_human(),
        || shown.to_json(),
    ))?;
    Ok(Outcome::Clean)
}

fn run_schema(color: ColorChoice, args: &SchemaArgs) -> Result<Outcome> {
    let output = &Output::findings(&args.output, color);
    let (dir, display) = match &args.dir {
        Some(dir) => (dir.clone(), dir.to_string_lossy().into_owned()),
        None => (repository_root().join("schema"), "schema".to_string()),
    };
    if args.check {
        let findings = schema::check_all(&dir, &display);
        if findings.is_empty() && output.human() {
            if output.quiet {
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
        emit(output, false, &findings, &summary, &HashMap::new())?;
        return Ok(verdict(&findings, false));
    }
    let changed = schema::write_all(&dir)?;
    let mut out = String::new();
    for name in &changed {
        out.push_str(&format!("wrote {display}/{name}\n"));
    }
    if changed.is_empty() && !output.quiet {
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

fn run_fmt(color: ColorChoice, args: &FmtArgs) -> Result<Outcome> {
    let output = &Output::findings(&args.output, color);
    let (dir, display) = data_location(&args.data)?;
    let options = techpact::fmt::Options {
        check: args.check,
        paths: args.paths.clone(),
    };
    let outcome = techpact::fmt::run(&dir, &display, &options)?;
    if output.human() && !output.quiet {
        print(
            &outcome
                .rewritten
                .iter()
                .map(|p| format!("formatted {}\n", techpact::report::visible(p)))
                .collect::<String>(),
        )?;
    }
    emit(
        output,
        false,
        &outcome.findings,
        &outcome.summary(),
        &outcome.dataset.texts_of(&outcome.findings),
    )?;
    Ok(verdict(&outcome.findings, false))
}

fn run_new(args: &NewArgs) -> Result<Outcome> {
    let (dir, display) = data_location(&args.data)?;
    let (_, skeleton) = techpact::new::create(&dir, &args.collection, &args.id)?;
    let shown = format!("{display}/{}/{}.json", args.collection, args.id);
    let mut out = format!("wrote {shown}\n");
    if !args.quiet {
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

fn run_stats(color: ColorChoice, args: &StatsArgs) -> Result<Outcome> {
    let output = &Output::report(&args.output, false, color);
    let (dir, display) = data_location(&args.data)?;
    let checked = check::run(&dir, &display, &check::Options::default())?;
    if checked
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        emit_checked(output, &checked)?;
        return Ok(Outcome::Findings);
    }
    let stats = techpact::stats::compute(&checked.typed.records)?;
    print(&human_or_json(
        args.output.format,
        || stats.to_human(),
        || stats.to_json(),
    ))?;
    Ok(Outcome::Clean)
}

fn run_export(color: ColorChoice, args: &ExportArgs) -> Result<Outcome> {
    use techpact::export::{self, Target};
    let (dir, display) = data_location(&args.data)?;
    let target = match args.format {
        ExportFormat::Jsonl => Target::Jsonl,
        ExportFormat::Csv => Target::Csv,
        ExportFormat::Sqlite => Target::Sqlite,
    };
    // Findings that refuse the export are printed for people.
    let output = &Output::new(report::Format::Human, args.quiet.quiet, color);
    let stamp = export::Stamp::of_repository(&dir);
    let outcome = export::run(&dir, &display, target, &args.out, &stamp)?;
    let checked = &outcome.checked;
    // Standard output holds the export itself; warnings would corrupt it.
    let shows_findings = outcome.refused() || !checked.findings.is_empty();
    if shows_findings && outcome.stdout.is_none() {
        emit_checked(output, checked)?;
    }
    if outcome.refused() {
        eprintln!("techpact: nothing exported; fix the errors above first");
        return Ok(Outcome::Findings);
    }
    if let Some(text) = &outcome.stdout {
        print(text)?;
        return Ok(Outcome::Clean);
    }
    if !output.quiet {
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

fn run_site(color: ColorChoice, args: &SiteArgs) -> Result<Outcome> {
    let output = &Output::findings(&args.output, color);
    let (dir, display) = data_location(&args.data)?;
    let options = techpact::site::Options {
        out: args.out.clone(),
        repository: args.repository.clone(),
    };
    let outcome = techpact::site::run(&dir, &display, &options)?;
    let checked = &outcome.checked;
    if outcome.written.is_none() || !checked.findings.is_empty() {
        let sources = borrowed(&checked.texts);
        emit(output, false, &checked.findings, &checked.summary, &sources)?;
    }
    let Some(files) = outcome.written else {
        eprintln!("techpact: no site written; fix the errors above first");
        return Ok(Outcome::Findings);
    };
    if output.human() && !output.quiet {
        print(&format!(
            "wrote a site of {} ({}) to {}\n",
            report::plural(outcome.records(), "record"),
            report::plural(files, "file"),
            args.out.display()
        ))?;
    }
    // The process ends next; as after a check, the typed records are not
    // freed allocation by allocation.
    std::mem::forget(outcome);
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

/// File texts held by path, as `emit` takes them.
fn borrowed(texts: &HashMap<String, String>) -> HashMap<String, &str> {
    texts.iter().map(|(k, v)| (k.clone(), v.as_str())).collect()
}

fn current_dir() -> Result<PathBuf> {
    std::env::current_dir().map_err(|e| Error::io("reading", "the current directory", e))
}

fn run_release(color: ColorChoice, args: &ReleaseArgs) -> Result<Outcome> {
    let output = &Output::report(&args.output, args.quiet.quiet, color);
    let request = release::Request {
        version: args.version.clone(),
        out: args.out.clone(),
        tag: args.tag,
    };
    match release::run(&current_dir()?, &request)? {
        release::Outcome::Released(done) => {
            match args.output.format {
                ReportFormat::Json => {
                    print(&techpact::format::to_canonical_string(&done))?;
                }
                _ if output.quiet => {}
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
                let sources = borrowed(texts);
                emit(output, false, findings, summary, &sources)?;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "techpact: release refused: {refusal}");
            Ok(Outcome::Findings)
        }
    }
}

fn run_verify(color: ColorChoice, args: &VerifyArgs) -> Result<Outcome> {
    let output = &Output::findings(&args.output, color);
    let display = args.path.to_string_lossy();
    let previous = match &args.previous {
        Some(spec) => Some(Snapshot::of_release(spec, &current_dir()?)?),
        None => None,
    };
    let report = verify::verify(&args.path, &display, &Limits::default(), previous.as_ref())?;
    let sources = borrowed(&report.texts);
    emit(output, false, &report.findings, &report.summary, &sources)?;
    Ok(verdict(&report.findings, false))
}

fn run_diff(args: &DiffArgs) -> Result<Outcome> {
    let cwd = current_dir()?;
    let old = Snapshot::open(&args.old, &cwd)?;
    let new = Snapshot::open(&args.new, &cwd)?;
    let changes = diff::diff(Some(&old), &new);
    print(&match args.format {
        DiffFormat::Human => changes.to_human(),
        DiffFormat::Json => changes.to_json(),
        DiffFormat::Markdown => {
            changes.to_markdown(&format!("Changes from {} to {}", old.label, new.label))
        }
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
fn emit_checked(output: &Output, checked: &check::Outcome) -> Result<()> {
    emit(
        output,
        false,
        &checked.findings,
        &checked.summary(),
        &checked.dataset.texts_of(&checked.findings),
    )
}

/// Prints findings in the chosen format.
fn emit(
    output: &Output,
    deny_warnings: bool,
    findings: &[Finding],
    summary: &Summary,
    sources: &HashMap<String, &str>,
) -> Result<()> {
    let format = output.format;
    let color = match output.color {
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
        quiet: output.quiet,
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
