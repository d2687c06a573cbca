//! The console examples of README.md and CONTRIBUTING.md are real runs: each
//! ```` ```console ```` block is run here, command by command, and what each
//! command prints (standard output and error together) must match the lines
//! under it. A line `…` stands for any lines, `[..]` for the rest of a line
//! (snapbox's `...` and `[..]`), and runs of 12 or more hex digits (commit
//! ids, SHA-256 sums) match any others.
//!
//! Each block runs in a sandbox: `repo/`, a git repository whose one commit
//! holds a copy of `data/` and `schema/`, beside `shared/seeds`, the source
//! texts (`../shared/seeds` of the repository). An HTML comment on the line
//! before a block can say more, in words separated by spaces:
//!
//! - `setup=NAME`: run `tests/examples/NAME.sh` in `repo/` first;
//! - `continue`: run in the sandbox the previous block of the file left;
//! - `skip="why"`: do not run the block, for a reason the test prints.
//!
//! For example `<!-- example: setup=quote-typo -->`. A `…` line is matched up
//! to the first line equal to the one after it, so the line after it must
//! not be blank. Blocks that quote the
//! source texts are not run where `../shared/seeds` is absent, and the test
//! says so.
//!
//! `SNAPSHOTS=overwrite cargo test --test integration cli_examples::` writes
//! each differing output into its document in place of the old one, where
//! the old one has no `…` or `[..]` (those are edited by hand); review the
//! diff.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_tree, root};

/// One ```` ```console ```` block.
#[derive(Debug)]
struct Block {
    /// Where it starts, as `FILE:LINE`.
    at: String,
    /// How far its fence is indented.
    indent: usize,
    /// The words of the `<!-- example: ... -->` comment before it.
    directives: Vec<String>,
    /// Each command with the output it shows.
    steps: Vec<Step>,
}

/// One `$ command` and the lines under it.
#[derive(Debug)]
struct Step {
    command: String,
    expected: String,
    /// The document's lines (0-based, end excluded) that show the output.
    lines: std::ops::Range<usize>,
}

/// The console blocks of `text`, the document at `path`.
fn blocks_of(path: &Path, text: &str) -> Vec<Block> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        if line.trim_start() != "```console" {
            i += 1;
            continue;
        }
        let directives = i
            .checked_sub(1)
            .and_then(|j| lines[j].trim().strip_prefix("<!-- example:"))
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(split_words)
            .unwrap_or_default();
        let at = format!("{name}:{}", i + 1);
        i += 1;
        let first = i;
        let mut body = Vec::new();
        while i < lines.len() && lines[i].trim_start() != "```" {
            body.push(lines[i].get(indent..).unwrap_or("").to_string());
            i += 1;
        }
        let mut steps = steps(&body);
        for step in &mut steps {
            step.lines = first + step.lines.start..first + step.lines.end;
        }
        out.push(Block {
            at,
            indent,
            directives,
            steps,
        });
    }
    out
}

/// Words separated by spaces; `key="a b"` keeps its quoted spaces.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The commands of a block's lines and the output under each, with the
/// lines of `body` that show it. A command with an open double quote goes on
/// until the quote closes.
fn steps(body: &[String]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut lines = body.iter().enumerate();
    while let Some((n, line)) = lines.next() {
        if let Some(command) = line.strip_prefix("$ ") {
            let mut command = command.to_string();
            let mut end = n + 1;
            while command.matches('"').count() % 2 == 1 {
                let Some((m, more)) = lines.next() else { break };
                command.push('\n');
                command.push_str(more);
                end = m + 1;
            }
            steps.push(Step {
                command,
                expected: String::new(),
                lines: end..end,
            });
        } else if let Some(step) = steps.last_mut() {
            step.lines.end = n + 1;
            assert!(
                !(step.expected.ends_with("...\n") && line.trim().is_empty()),
                "a blank line after `…` matches the first blank line of the output"
            );
            let line = if line.trim() == "…" { "..." } else { line };
            step.expected.push_str(line);
            step.expected.push('\n');
        } else {
            panic!("output before any `$ command`: {line}");
        }
    }
    steps
}

/// Runs of 12 or more hex digits, as `<hex>`.
fn mask_hex(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            run.push(c);
            continue;
        }
        if run.len() >= 12 && run.chars().any(|c| c.is_ascii_digit()) {
            out.push_str("<hex>");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// The source texts, where this machine has them.
fn seeds() -> Option<PathBuf> {
    let dir = root().join("../shared/seeds");
    dir.is_dir().then_some(dir)
}

/// A sandbox: `repo/` with `data/` and `schema/` committed, `shared/seeds`
/// beside it, and a home folder.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        copy_tree(&root().join("data"), &repo.join("data"));
        copy_tree(&root().join("schema"), &repo.join("schema"));
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        if let Some(seeds) = seeds() {
            std::fs::create_dir_all(dir.path().join("shared")).unwrap();
            std::os::unix::fs::symlink(seeds, dir.path().join("shared/seeds")).unwrap();
        }
        let sandbox = Sandbox { dir };
        let init = "git init -q -b main && git add -A && git commit -q -m 'The dataset'";
        let run = sandbox.shell(init, &repo);
        assert_eq!(run.0, 0, "{}", run.1);
        sandbox
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// Runs `script` with bash in `cwd`, standard error into standard output;
    /// returns the status, the output and the folder it ended in.
    fn shell(&self, script: &str, cwd: &Path) -> (i32, String, PathBuf) {
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_techpact"));
        // The examples validate exports with Frictionless, installed for the tests.
        let path = format!(
            "{}:{}:{}",
            bin.parent().unwrap().display(),
            common::peers().join("venv/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let end = self.dir.path().join(".cwd");
        let wrapped = format!(
            "exec 2>&1\n{script}\nstatus=$?\npwd > '{}'\nexit $status\n",
            end.display()
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(wrapped)
            .current_dir(cwd)
            .env("PATH", path)
            .env("HOME", self.dir.path().join("home"))
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .env("LC_ALL", "C.UTF-8")
            .env("GIT_AUTHOR_NAME", "Example Editor")
            .env("GIT_AUTHOR_EMAIL", "editor@example.org")
            .env("GIT_COMMITTER_NAME", "Example Editor")
            .env("GIT_COMMITTER_EMAIL", "editor@example.org")
            .env("GIT_AUTHOR_DATE", "2026-11-30T20:25:41Z")
            .env("GIT_COMMITTER_DATE", "2026-11-30T20:25:41Z")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .expect("bash runs");
        let ended = std::fs::read_to_string(&end)
            .map(|s| PathBuf::from(s.trim()))
            .unwrap_or_else(|_| cwd.to_path_buf());
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            ended,
        )
    }
}

/// An output to write into a document in place of the lines it shows.
struct Rewrite {
    lines: std::ops::Range<usize>,
    indent: usize,
    output: String,
}

/// Runs every block of `document`; returns the mismatches, one message each.
/// With `SNAPSHOTS=overwrite`, an output shown without elisions is written
/// into the document instead of being a mismatch.
fn run_document(document: &str) -> Vec<String> {
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let path = root().join(document);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut rewrites = Vec::new();
    let mut failures = Vec::new();
    let mut sandbox: Option<Sandbox> = None;
    let mut cwd = PathBuf::new();
    for block in blocks_of(&path, &text) {
        let has = |word: &str| block.directives.iter().any(|d| d == word);
        let value = |key: &str| {
            block
                .directives
                .iter()
                .find_map(|d| d.strip_prefix(&format!("{key}=")))
        };
        if let Some(why) = value("skip") {
            eprintln!("{}: not run: {why}", block.at);
            continue;
        }
        let scripts: Vec<PathBuf> = value("setup")
            .into_iter()
            .flat_map(|names| names.split(','))
            .map(|name| root().join(format!("tests/examples/{name}.sh")))
            .collect();
        let texts: Vec<String> = scripts
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .collect();
        let quotes_seeds = block
            .steps
            .iter()
            .any(|s| s.command.contains("shared/seeds"))
            || texts.iter().any(|t| t.contains("shared/seeds"));
        if quotes_seeds && seeds().is_none() {
            eprintln!("{}: not run: no source texts at ../shared/seeds", block.at);
            sandbox = None;
            continue;
        }
        if has("continue") && sandbox.is_none() {
            eprintln!(
                "{}: not run: it continues a block that was not run",
                block.at
            );
            continue;
        }
        if !has("continue") {
            let fresh = Sandbox::new();
            cwd = fresh.repo();
            sandbox = Some(fresh);
        }
        let sandbox = sandbox.as_ref().unwrap();
        for (script, text) in scripts.iter().zip(&texts) {
            let (status, output, _) = sandbox.shell(&format!("set -e\n{text}"), &sandbox.repo());
            assert_eq!(
                status,
                0,
                "{}: {} failed:\n{output}",
                block.at,
                script.display()
            );
        }
        for step in &block.steps {
            let (_, output, ended) = sandbox.shell(&step.command, &cwd);
            cwd = ended;
            // Backslashes are the output's own, not Windows path separators.
            let result = snapbox::Assert::new()
                .action(snapbox::assert::Action::Verify)
                .normalize_paths(false)
                .try_eq(
                    Some(&"actual"),
                    snapbox::Data::text(mask_hex(&output)),
                    snapbox::Data::text(mask_hex(&step.expected)),
                );
            let elided = step.expected.contains("...") || step.expected.contains("[..]");
            if result.is_err() && overwrite && !elided {
                rewrites.push(Rewrite {
                    lines: step.lines.clone(),
                    indent: block.indent,
                    output: output.clone(),
                });
            } else if result.is_err() {
                failures.push(format!(
                    "{}: `$ {}` printed:\n{output}\nwhere the document shows:\n{}",
                    block.at, step.command, step.expected
                ));
            }
        }
    }
    if !rewrites.is_empty() {
        std::fs::write(&path, rewritten(&text, &rewrites)).unwrap();
    }
    failures
}

/// `text` with each rewrite's lines replaced by its output, indented as its block.
fn rewritten(text: &str, rewrites: &[Rewrite]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for r in rewrites.iter().rev() {
        let pad = " ".repeat(r.indent);
        let new = r.output.lines().map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        });
        lines.splice(r.lines.clone(), new);
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Asserts that every example of `document` prints what it shows.
fn assert_examples(document: &str) {
    let failures = run_document(document);
    assert!(
        failures.is_empty(),
        "{} example(s) of {document} differ from their runs:\n\n{}",
        failures.len(),
        failures.join("\n----\n")
    );
}

#[test]
fn readme_examples_are_real() {
    assert_examples("README.md");
}

#[test]
fn contributing_examples_are_real() {
    assert_examples("CONTRIBUTING.md");
}

#[test]
fn a_wrong_example_fails() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("DOC.md");
    std::fs::write(
        &doc,
        "```console\n$ techpact explain ref/dangling\nref/dangling (warning)\n…\n```\n",
    )
    .unwrap();
    let failures = run_document(doc.to_str().unwrap());
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("ref/dangling (error)"),
        "{}",
        failures[0]
    );
}

#[test]
fn blocks_steps_and_elisions_are_read_as_written() {
    let body: Vec<String> = ["$ a \"x", "y\"", "out", "  …", "$ b"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let steps = steps(&body);
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].command, "a \"x\ny\"");
    assert_eq!(steps[0].expected, "out\n...\n");
    assert_eq!(steps[0].lines, 2..4);
    assert_eq!(steps[1].expected, "");
    assert_eq!(steps[1].lines, 5..5);
    assert_eq!(
        mask_hex("commit 644c2ee88e09 (cafe) deadbeefcafe"),
        "commit <hex> (cafe) deadbeefcafe"
    );
    assert_eq!(
        split_words(r#" setup=x skip="a b" "#),
        ["setup=x", "skip=a b"]
    );
}

#[test]
fn an_overwrite_replaces_exactly_the_shown_output() {
    let text = "Intro\n\n  ```console\n  $ one\n  old\n  stale\n  $ two\n  ```\nEnd\n";
    let path = Path::new("DOC.md");
    let blocks = blocks_of(path, text);
    assert_eq!(blocks[0].indent, 2);
    let steps = &blocks[0].steps;
    assert_eq!(
        (steps[0].lines.clone(), steps[1].lines.clone()),
        (4..6, 7..7)
    );
    let rewrites = [
        Rewrite {
            lines: steps[0].lines.clone(),
            indent: 2,
            output: "new\n\nlines\n".into(),
        },
        Rewrite {
            lines: steps[1].lines.clone(),
            indent: 2,
            output: "printed\n".into(),
        },
    ];
    assert_eq!(
        rewritten(text, &rewrites),
        "Intro\n\n  ```console\n  $ one\n  new\n\n  lines\n  $ two\n  printed\n  ```\nEnd\n"
    );
}
