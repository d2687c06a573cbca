//! Command-line conventions: colour follows NO_COLOR, CLICOLOR_FORCE and
//! `--color`, clap's own errors included; `--quiet` prints nothing on
//! success; counts are singular for one; outside a repository the run says
//! that `data/` was not found and names `--data`.

use crate::common;

use std::process::Command;

use common::{dataset_with, root, run, techpact};

const ESCAPE: &str = "\u{1b}[";

/// The binary with `args` in a folder with the golden dataset, with no
/// colour variables but those in `env`.
fn with_env(env: &[(&str, &str)], args: &[&str]) -> common::Run {
    let dir = dataset_with(Some("schema-violation"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_techpact"));
    command
        .args(args)
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied());
    run(command)
}

#[test]
fn colour_follows_the_conventions_in_findings_and_in_clap_errors() {
    let check = ["check", "--data", "data"];
    let bad = ["check", "--no-such-option"];
    // Not a terminal: no colour unless forced.
    assert!(!with_env(&[], &check).stdout.contains(ESCAPE));
    assert!(!with_env(&[], &bad).stderr.contains(ESCAPE));
    let forced = [("CLICOLOR_FORCE", "1")];
    assert!(with_env(&forced, &check).stdout.contains(ESCAPE));
    assert!(with_env(&forced, &bad).stderr.contains(ESCAPE));
    // NO_COLOR wins over CLICOLOR_FORCE, but only when it is not empty.
    let no_color = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")];
    assert!(!with_env(&no_color, &check).stdout.contains(ESCAPE));
    assert!(!with_env(&no_color, &bad).stderr.contains(ESCAPE));
    let empty = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")];
    assert!(with_env(&empty, &check).stdout.contains(ESCAPE));
    // `--color` decides over the environment, for clap's errors too.
    let never_check = ["check", "--data", "data", "--color", "never"];
    assert!(!with_env(&forced, &never_check).stdout.contains(ESCAPE));
    let never_bad = ["check", "--no-such-option", "--color=never"];
    assert!(!with_env(&forced, &never_bad).stderr.contains(ESCAPE));
    let always_bad = ["check", "--color", "always", "--no-such-option"];
    assert!(with_env(&no_color, &always_bad).stderr.contains(ESCAPE));
    let always_check = ["check", "--data", "data", "--color", "always"];
    assert!(with_env(&no_color, &always_check).stdout.contains(ESCAPE));
}

/// `export --format jsonl` of `dir/data` to `out`, with `extra` options.
fn export_jsonl(dir: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> common::Run {
    let out = out.to_str().unwrap();
    let mut args = vec![
        "export", "--data", "data", "--format", "jsonl", "--out", out,
    ];
    args.extend_from_slice(extra);
    techpact(dir, &args)
}

#[test]
fn quiet_prints_nothing_on_success() {
    let dir = dataset_with(None);
    for args in [
        &["check", "--data", "data", "--quiet"][..],
        &["fmt", "--check", "--data", "data", "--quiet"],
        &["fmt", "--data", "data", "--quiet"],
    ] {
        let run = techpact(dir.path(), args);
        assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{args:?}");
    }
    let schema = techpact(&root(), &["schema", "--check", "--quiet"]);
    assert_eq!((schema.code, schema.stdout.as_str()), (0, ""));
    let out = dir.path().join("out.jsonl");
    let export = export_jsonl(dir.path(), &out, &["--quiet"]);
    assert_eq!((export.code, export.stdout.as_str()), (0, ""));
    // With findings, the summary still says what failed.
    let bad = dataset_with(Some("schema-violation"));
    let run = techpact(bad.path(), &["check", "--data", "data", "--quiet"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("schema/violation"), "{}", run.stdout);
}

#[test]
fn one_is_singular() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data/sources");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(
        common::fixture("golden/data/sources/example-press-release.json"),
        data.join("example-press-release.json"),
    )
    .unwrap();
    let out = dir.path().join("one.jsonl");
    let run = export_jsonl(dir.path(), &out, &[]);
    let expected = format!("exported 1 record to {}\n", out.display());
    assert!(run.stdout.ends_with(&expected), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("1 warning in 1 record file (1 record passed"),
        "{}",
        run.stdout
    );
}

#[test]
fn outside_a_repository_the_missing_data_folder_names_the_data_option() {
    let dir = tempfile::tempdir().unwrap();
    let run = techpact(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no `data/` folder found in")
            && run.stderr.contains("not inside a git repository")
            && run.stderr.contains("`--data DIR`"),
        "{}",
        run.stderr
    );
}
