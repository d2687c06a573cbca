//! Rendering findings as text: human, JSON and GitHub workflow annotations.
//!
//! This is the only place findings become text. It runs no checks and reads
//! no files: the human renderer is handed the text of the files it quotes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::diag::{Counted, Finding, Severity, Summary};
use excerpt::{Excerpt, Source, WIDTH};

mod excerpt;

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For people: location, message, the source line with a marker, a summary.
    #[default]
    Human,
    /// One JSON document for tools.
    Json,
    /// GitHub Actions workflow commands, which annotate pull requests.
    Github,
}

/// What the human renderer needs besides the findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Print only the summary line (human) or nothing when clean.
    pub quiet: bool,
    /// Warnings fail the run (`--deny-warnings`): annotations show them as
    /// errors, as the job's result does.
    pub deny_warnings: bool,
}

/// Renders `findings` with their `summary` in `format`.
pub fn render(
    format: Format,
    findings: &[Finding],
    summary: &Summary,
    sources: &HashMap<String, &str>,
    style: Style,
) -> String {
    match format {
        Format::Human => human(findings, summary, sources, style),
        Format::Json => json(findings, summary),
        Format::Github => github(findings, style.deny_warnings),
    }
}

/// `{"findings":[...],"summary":{...}}`, one document with a trailing newline.
pub fn json(findings: &[Finding], summary: &Summary) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        findings: &'a [Finding],
        summary: &'a Summary,
    }
    document(&Document { findings, summary })
}

/// `value` as one JSON document with a trailing newline.
pub fn document<T: Serialize>(value: &T) -> String {
    let out = serde_json::to_string(value)
        .unwrap_or_else(|e| unreachable!("output documents always serialize: {e}"));
    json_for_terminal(out + "\n")
}

/// A JSON document with DEL and the C1 controls (U+007F to U+009F) inside
/// its strings written as `\u` escapes, as serde_json already writes the C0
/// controls: the same value, which no terminal showing it acts on. Such a
/// character can only stand inside a string of a JSON document.
pub fn json_for_terminal(json: String) -> String {
    if !json.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// One `::error file=F,line=L,col=C,title=CODE::MESSAGE` line per finding;
/// a warning is `::warning` unless warnings fail the run.
pub fn github(findings: &[Finding], deny_warnings: bool) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning if deny_warnings => "error",
            Severity::Warning => "warning",
        };
        let _ = write!(
            out,
            "::{command} file={}",
            escape_property(&visible(&f.file))
        );
        if f.line > 0 {
            let _ = write!(out, ",line={},col={}", f.line, f.column);
        }
        let message = match f.pointer.as_str() {
            "" => visible(&f.message).into_owned(),
            pointer => format!("{} (at {})", visible(&f.message), visible(pointer)),
        };
        let _ = writeln!(
            out,
            ",title={}::{}",
            escape_property(f.code.name()),
            escape_data(&message)
        );
    }
    out
}

/// `s` with every control character written as an escape such as
/// `\u{1b}`, so that data (a key, a file name, a value quoted in a message)
/// can never move the cursor, clear the screen or ring the bell of the
/// terminal that shows a report. Every piece of text a report takes from a
/// finding passes through here.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escapes the message of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The human report: each finding with its source line, then a summary by code.
pub fn human(
    findings: &[Finding],
    summary: &Summary,
    sources: &HashMap<String, &str>,
    style: Style,
) -> String {
    let renderer = if style.color {
        Renderer::styled().term_width(WIDTH)
    } else {
        Renderer::plain().term_width(WIDTH)
    };
    let mut out = String::new();
    // `--quiet`: nothing on success, only the summary otherwise.
    if style.quiet && findings.is_empty() {
        return out;
    }
    if !style.quiet {
        // Findings come sorted by file: the lines of the file at hand are
        // found once, however many findings it has.
        let mut at_hand: Option<(&str, Source<'_>)> = None;
        for f in findings {
            let excerpt = sources
                .get(&f.file)
                .filter(|_| f.line > 0)
                .and_then(|text| {
                    if at_hand.as_ref().is_none_or(|(file, _)| *file != f.file) {
                        at_hand = Some((f.file.as_str(), Source::new(text)));
                    }
                    let (_, source) = at_hand.as_mut()?;
                    source.excerpt(f.line, f.column)
                });
            out.push_str(&one_finding(&renderer, f, excerpt));
            out.push_str("\n\n");
        }
    }
    out.push_str(&summary_text(summary));
    out
}

fn one_finding(renderer: &Renderer, f: &Finding, excerpt: Option<Excerpt>) -> String {
    let level = match f.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = format!("[{}] {}", f.code, visible(&f.message));
    let file = visible(&f.file);
    let mut notes = Vec::new();
    if !f.pointer.is_empty() {
        notes.push(format!("at {}", visible(&f.pointer)));
    }
    if let Some(keyword) = &f.keyword {
        notes.push(format!("schema keyword `{}`", visible(keyword)));
    }
    match excerpt {
        Some(excerpt) => {
            let label = notes.join("; ");
            let snippet = Snippet::source(excerpt.text.as_str())
                .line_start(f.line as usize)
                .path(file.as_ref())
                .annotation(
                    AnnotationKind::Primary
                        .span(excerpt.mark.clone())
                        .label(label.as_str()),
                );
            let text = renderer.render(&[level.primary_title(title.as_str()).element(snippet)]);
            if excerpt.dropped == 0 {
                return text;
            }
            true_column(
                text,
                f.line,
                excerpt.column - excerpt.dropped,
                excerpt.column,
            )
        }
        None => {
            let location = if f.line > 0 {
                format!("{file}:{}:{}", f.line, f.column)
            } else {
                file.into_owned()
            };
            let mut text =
                renderer.render(&[Group::with_title(level.primary_title(title.as_str()))]);
            let _ = write!(text, "\n  --> {location}");
            for note in notes {
                let _ = write!(text, "\n   = {note}");
            }
            text
        }
    }
}

/// `rendered` with the column of its location (`--> file:line:column`, the
/// line after the title) put back from `shown` to `column`: the renderer
/// was given the source line without some of the text before the mark,
/// which changes nothing else it prints.
fn true_column(rendered: String, line: u32, shown: usize, column: usize) -> String {
    let Some(title_end) = rendered.find('\n') else {
        return rendered;
    };
    let from = title_end + 1;
    let to = rendered[from..]
        .find('\n')
        .map_or(rendered.len(), |i| from + i);
    let printed = format!(":{line}:{shown}");
    match rendered[from..to].rfind(&printed) {
        Some(i) => {
            let at = from + i;
            let after = at + printed.len();
            format!("{}:{line}:{column}{}", &rendered[..at], &rendered[after..])
        }
        None => rendered,
    }
}

/// "3 errors and 1 warning in 40 record files (38 records passed their
/// schema, 2 did not)", then a line per code. Each count says what it counts.
pub fn summary_text(summary: &Summary) -> String {
    let mut out = String::new();
    if summary.errors == 0 && summary.warnings == 0 {
        let what = match summary.counted {
            Counted::Data { record_files } if record_files == summary.records => format!(
                "{} in {}",
                plural(summary.records, "record"),
                plural(record_files, "record file")
            ),
            _ => counted(summary),
        };
        let _ = writeln!(out, "ok: {what}, no findings");
        out.push_str(&quotes_text(summary));
        return out;
    }
    let _ = writeln!(
        out,
        "{} and {} in {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        counted(summary)
    );
    let width = summary
        .by_code
        .values()
        .map(|n| n.to_string().len())
        .max()
        .unwrap_or(1);
    for (code, n) in &summary.by_code {
        let _ = writeln!(out, "  {n:>width$}  {code}");
    }
    out.push_str(&quotes_text(summary));
    out
}

/// "quotes: 204 of 210 proven against their source texts; …", a line when
/// the run had evidence folders.
fn quotes_text(summary: &Summary) -> String {
    let Some(q) = &summary.quotes else {
        return String::new();
    };
    let total = q.proven + q.not_found + q.without_text + q.unpinned;
    let mut parts = vec![format!(
        "quotes: {} of {total} proven against their source texts",
        q.proven
    )];
    if q.not_found > 0 {
        parts.push(format!("{} not found in their text", q.not_found));
    }
    if q.without_text > 0 {
        let sources: Vec<String> = q
            .sources_without_text
            .iter()
            .map(|s| format!("`{s}`"))
            .collect();
        parts.push(format!(
            "{} not provable here: no text at hand for {}",
            q.without_text,
            sources.join(", ")
        ));
    }
    if q.unpinned > 0 {
        parts.push(format!(
            "{} cite sources that pin no text (`sha256`)",
            q.unpinned
        ));
    }
    format!("{}\n", parts.join("; "))
}

/// What a summary's counts count, in words.
fn counted(summary: &Summary) -> String {
    match summary.counted {
        Counted::Data { record_files } => {
            let mut text = format!(
                "{} ({} passed {})",
                plural(record_files, "record file"),
                plural(summary.records, "record"),
                if summary.records == 1 {
                    "its schema"
                } else {
                    "their schema"
                }
            );
            if record_files > summary.records {
                text.pop();
                let _ = write!(text, ", {} did not)", record_files - summary.records);
            }
            if summary.files > record_files {
                let others = summary.files - record_files;
                let _ = write!(
                    text,
                    " and {} of the data directory that {} not a record file",
                    plural(others, "other entry").replace("entrys", "entries"),
                    if others == 1 { "is" } else { "are" }
                );
            }
            text
        }
        Counted::Release {
            loose,
            archive_files,
        } => format!(
            "{} and the {} inside the archive ({} in the dataset)",
            plural(loose, "release file"),
            plural(archive_files, "file"),
            plural(summary.records, "record")
        ),
        Counted::Schemas => plural(summary.files, "schema file"),
    }
}

/// `n` and `word`, with an `s` unless `n` is 1: "1 record", "2 records".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_a_terminal_escapes_del_and_c1_and_keeps_the_value() {
        let value = serde_json::json!({"k\u{9b}": "a\u{7f}b\u{85}é\u{1b}"});
        let shown = document(&value);
        assert_eq!(shown, "{\"k\\u009b\":\"a\\u007fb\\u0085é\\u001b\"}\n");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, value);
    }

    /// Leaving out text before a mark changes nothing the renderer prints
    /// but the column, which is put back: the same report as for the whole
    /// line, for lines of every shape around the cut.
    #[test]
    fn text_left_out_before_a_mark_changes_nothing_shown() {
        use crate::diag::Code;
        use excerpt::{BEFORE, excerpt_keeping};
        let renderers = [
            Renderer::plain().term_width(WIDTH),
            Renderer::styled().term_width(WIDTH),
        ];
        let mut cut = 0;
        for lead in ["", "    ", &" ".repeat(30), "\u{3000} "] {
            for unit in ["a", "漢é\u{1b}\t"] {
                for fill in [0, 139, 141, 281, 500, 2_000] {
                    for token in ["\"x\"", &format!("\"{}\"", "m".repeat(300)), "12"] {
                        for label in ["/a", &"/b".repeat(60)] {
                            let before = format!("{lead}{}", unit.repeat(fill));
                            let line = format!("{before}{token}, {}", "r".repeat(200));
                            let column = before.chars().count() as u32 + 1;
                            let f = Finding::new(
                                Code::SchemaViolation,
                                "d/x.json",
                                (1, column),
                                label,
                                "m",
                            );
                            let kept = excerpt_keeping(&line, column, BEFORE);
                            let whole = excerpt_keeping(&line, column, usize::MAX);
                            assert_eq!(whole.dropped, 0);
                            cut += usize::from(kept.dropped > 0);
                            for renderer in &renderers {
                                assert_eq!(
                                    one_finding(renderer, &f, Some(kept.clone())),
                                    one_finding(renderer, &f, Some(whole.clone())),
                                    "{line:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(cut > 50, "only {cut} lines were cut");
    }

    #[test]
    fn github_escapes() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
    }
}
