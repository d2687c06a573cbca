//! Every command's `--help`, compared with its snapshot in
//! `tests/snapshots/help/<command>.txt`, so that a change to what a command
//! offers shows in review; and each command refuses, as a usage error with
//! clap's suggestion, an option it does not take.
//! `SNAPSHOTS=overwrite cargo test --test integration cli_help::` rewrites them.

use crate::common;

use std::collections::BTreeSet;

use common::{root, techpact};
use snapbox::{Assert, Data};

/// The commands `techpact --help` lists, without `help` itself.
fn commands() -> Vec<String> {
    let run = techpact(&root(), &["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed = run
        .stdout
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_else(|| panic!("no command list in:\n{}", run.stdout));
    listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_help_matches_its_snapshot() {
    let dir = root().join("tests/snapshots/help");
    let commands = commands();
    assert!(commands.len() > 10, "{commands:?}");
    let mut snapshots = BTreeSet::from(["techpact".to_string()]);
    let assert = Assert::new().action_env("SNAPSHOTS");
    let top = techpact(&root(), &["--help"]);
    assert.eq(top.stdout, Data::read_from(&dir.join("techpact.txt"), None));
    for command in &commands {
        let run = techpact(&root(), &[command, "--help"]);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        let path = dir.join(format!("{command}.txt"));
        assert.eq(run.stdout, Data::read_from(&path, None));
        snapshots.insert(command.clone());
    }
    // A snapshot of a command that is gone would go unnoticed.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let command = name.trim_end_matches(".txt");
        assert!(
            snapshots.contains(command),
            "no command `{command}` for {name}"
        );
    }
}

/// `techpact ARGS`, which must fail as a usage error saying `says`.
fn refused(args: &[&str], says: &[&str]) {
    let run = techpact(&root(), args);
    assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
    for part in says {
        assert!(run.stderr.contains(part), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_command_offers_only_what_it_accepts() {
    let help = |command: &str| techpact(&root(), &[command, "--help"]).stdout;
    // `release` builds from HEAD; `check` prints no CSV; `explain` has no data.
    assert!(!help("release").contains("--data"));
    assert!(!help("check").contains("csv"));
    assert!(!help("explain").contains("--data") && !help("explain").contains("--format"));
    assert!(help("export").contains("jsonl") && !help("export").contains("github"));
    assert!(help("diff").contains("markdown") && !help("diff").contains("--data"));
    refused(
        &["release", "0.1.0", "--data", "data"],
        &["unexpected argument '--data'"],
    );
    refused(
        &["check", "--format", "csv"],
        &[
            "invalid value 'csv'",
            "[possible values: human, json, github]",
        ],
    );
    refused(
        &["export", "--format", "github", "--out", "x"],
        &["[possible values: jsonl, csv, sqlite]"],
    );
    refused(
        &["diff", "a", "b", "--format", "github"],
        &["[possible values: human, json, markdown]"],
    );
    refused(
        &["check", "--formt", "json"],
        &["a similar argument exists: '--format'"],
    );
    refused(&["explain", "--quiet"], &["unexpected argument '--quiet'"]);
    refused(&["export", "--out", "x"], &["--format <FORMAT>"]);
    // Options come after the command they belong to.
    refused(
        &["--data", "data", "check"],
        &["unexpected argument '--data'"],
    );
}
