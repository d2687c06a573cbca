//! Regression tests: each is named after what broke, and fails without its fix.

use crate::common;
use crate::release_support;

use std::fs;
use std::path::Path;

use common::{dataset_with, techpact};
use release_support::Sandbox;

/// A committed record of the `release-valid` fixture.
const SOURCE: &str = "data/sources/prnewswire-china-telecom-hkust-2025-04-09.json";

/// `places/cityville.json.json` was read as a second record `cityville`:
/// the loader trimmed `.json` as often as it appeared and nothing compared
/// ids, so `check` passed a dataset holding one id twice.
#[test]
fn a_double_json_suffix_passed_as_a_duplicate_id() {
    let dir = dataset_with(None);
    let places = dir.path().join("data/places");
    fs::copy(
        places.join("cityville.json"),
        places.join("cityville.json.json"),
    )
    .unwrap();
    let run = techpact(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    assert!(
        findings.iter().any(|f| f["code"] == "id/format"
            && f["file"]
                .as_str()
                .unwrap()
                .ends_with("places/cityville.json.json")),
        "{findings:#?}"
    );
}

/// Two records of one id are an error wherever they come from; in a release
/// archive, one record file can be listed twice, the second copy replacing
/// the first when unpacked. Even with identical bytes, `verify` refuses it.
#[test]
fn verify_passed_an_archive_holding_one_record_file_twice() {
    use release_support::{Crafted, archive_files, craft_tar, gzip};
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let run = sandbox.techpact(&repo, &["release", "0.1.0"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let files = archive_files(&fs::read(repo.join("dist/techpact-data-0.1.0.tar.gz")).unwrap());
    let mut entries: Vec<Crafted> = files.iter().map(|(p, b)| Crafted::file(p, b)).collect();
    let (path, body) = files.iter().find(|(p, _)| p == SOURCE).unwrap();
    entries.push(Crafted::file(path, body));
    fs::write(
        sandbox.path().join("twice.tar.gz"),
        gzip(&craft_tar(&entries)),
    )
    .unwrap();
    let run = sandbox.techpact(
        sandbox.path(),
        &["verify", "--format", "json", "twice.tar.gz"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.findings();
    assert!(
        findings.iter().any(|f| f["code"] == "release/bad-archive"
            && f["message"].as_str().unwrap().contains(SOURCE)
            && f["message"].as_str().unwrap().contains("more than once")),
        "{findings:#?}"
    );
}

/// `fmt` read every file, then spent seconds writing; a file an editor saved
/// in between was overwritten with the canonical form of its old text. The
/// editor here saves the files `fmt` writes last as soon as it has written
/// the first one, and every one of those edits must survive.
#[test]
fn fmt_overwrote_a_file_saved_while_it_ran() {
    const FILES: usize = 3000;
    const EDITED: usize = 300;
    let dir = dataset_with(None);
    let places = dir.path().join("data/places");
    let place: serde_json::Value =
        serde_json::from_slice(&fs::read(places.join("cityville.json")).unwrap()).unwrap();
    let minified = |id: &str, name: &str| {
        let mut record = place.clone();
        record["id"] = id.into();
        record["name"] = name.into();
        serde_json::to_vec(&record).unwrap()
    };
    let ids: Vec<String> = (0..FILES).map(|i| format!("place-{i:05}")).collect();
    for id in &ids {
        fs::write(places.join(format!("{id}.json")), minified(id, "Old name")).unwrap();
    }
    let mut child = common::command(dir.path(), &["fmt"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // `fmt` writes in name order; once the first file is canonical, every
    // file has been read and the last ones are not written yet.
    let first = places.join(format!("{}.json", ids[0]));
    let started = std::time::Instant::now();
    while fs::read(&first).unwrap().starts_with(b"{\"") {
        assert!(
            child.try_wait().unwrap().is_none(),
            "fmt ended before writing"
        );
        assert!(started.elapsed().as_secs() < 120, "fmt wrote nothing");
    }
    let edited: Vec<&String> = ids.iter().rev().take(EDITED).collect();
    for id in &edited {
        fs::write(places.join(format!("{id}.json")), minified(id, "New name")).unwrap();
    }
    child.wait().unwrap();
    let lost: Vec<&&String> = edited
        .iter()
        .filter(|id| {
            let text = fs::read_to_string(places.join(format!("{id}.json"))).unwrap();
            !text.contains("New name")
        })
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {EDITED} edits lost, such as {:?}",
        lost.len(),
        lost.first()
    );
}

/// Positions cost time in proportion to values × line length: an 800 KB
/// minified record took a minute to check, and the 64 MiB maximum would
/// have taken days. A 4 MiB one-line record with a finding must take seconds.
#[test]
fn positions_in_a_minified_record_took_quadratic_time() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let citation = record["sources"][0].clone();
    record["sources"] = vec![citation; 70_000].into();
    record["kind"] = "not-a-kind".into();
    let text = serde_json::to_vec(&record).unwrap();
    assert!(text.len() > 4 << 20, "{} bytes", text.len());
    fs::write(&path, text).unwrap();
    for args in [&["check"][..], &["fmt", "--check"], &["fmt"]] {
        within_a_minute(dir.path(), args);
    }
}

/// The human report found each finding's source line from the start of
/// its file, and gave the renderer the whole line up to the mark: 10,000
/// findings on one 760 KB minified line took more than a minute. They must
/// take seconds, each still shown at its true column.
#[test]
fn many_findings_on_one_long_line_took_quadratic_time() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let mut citation = record["sources"][0].clone();
    citation["bogus"] = "é".into();
    record["sources"] = vec![citation; 10_000].into();
    fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
    let human = within_a_minute(dir.path(), &["check"]);
    let json: serde_json::Value =
        serde_json::from_str(&within_a_minute(dir.path(), &["check", "--format", "json"])).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 10_000, "{} findings", findings.len());
    let mut shown = human
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "));
    for f in findings {
        let location = format!(
            "{}:{}:{}",
            f["file"].as_str().unwrap(),
            f["line"],
            f["column"]
        );
        assert_eq!(shown.next(), Some(location.as_str()));
    }
}

/// Runs techpact with `args` in `dir` and returns its standard output;
/// fails the test if it has not finished within a minute.
fn within_a_minute(dir: &Path, args: &[&str]) -> String {
    let out = dir.join(".techpact-stdout");
    let mut child = common::command(dir, args)
        .stdout(fs::File::create(&out).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > 60 {
            child.kill().unwrap();
            panic!("`techpact {}` took more than a minute", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    fs::read_to_string(&out).unwrap()
}

/// `release` checked the work tree when `git status` looked clean, but
/// archived HEAD: a commit with a broken record, hidden by
/// `--assume-unchanged` over a good work-tree copy, was tagged.
#[test]
fn release_tagged_broken_data_hidden_by_assume_unchanged() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let good = fs::read(repo.join(SOURCE)).unwrap();
    let mut broken: serde_json::Value = serde_json::from_slice(&good).unwrap();
    broken["title"] = 5.into();
    fs::write(repo.join(SOURCE), format!("{broken:#}\n")).unwrap();
    sandbox.commit_all(&repo, "Break a record");
    fs::write(repo.join(SOURCE), &good).unwrap();
    for flag in ["--assume-unchanged", "--skip-worktree"] {
        sandbox.git(&repo, &["update-index", flag, SOURCE]);
        let run = sandbox.techpact(&repo, &["release", "--format", "json", "0.1.0", "--tag"]);
        assert_eq!(run.code, 1, "{flag}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("schema/violation"),
            "{flag}: {}",
            run.stdout
        );
        assert!(sandbox.git(&repo, &["tag", "-l"]).is_empty(), "{flag}");
        sandbox.git(
            &repo,
            &["update-index", &flag.replace("--", "--no-"), SOURCE],
        );
    }
}

/// With `data` committed as a symbolic link, `release` checked the folder
/// the link points to and archived no record at all.
#[test]
fn release_archived_no_records_when_data_was_a_committed_symlink() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    fs::rename(repo.join("data"), repo.join("records")).unwrap();
    std::os::unix::fs::symlink("records", repo.join("data")).unwrap();
    sandbox.commit_all(&repo, "Data behind a link");
    let run = sandbox.techpact(&repo, &["release", "0.1.0"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!repo.join("dist").exists());
}

/// Under `core.autocrlf=true` the work tree has CRLF line ends that the
/// commit does not; `release` compared the work tree's schemas and refused a
/// correct commit with `schema/stale`.
#[test]
fn release_refused_a_correct_commit_checked_out_with_crlf() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    sandbox.git(&repo, &["config", "core.autocrlf", "true"]);
    for dir in ["data", "schema"] {
        fs::remove_dir_all(repo.join(dir)).unwrap();
    }
    sandbox.git(&repo, &["checkout", "--", "."]);
    let schema = fs::read(first_file(&repo.join("schema"))).unwrap();
    assert!(
        schema.windows(2).any(|w| w == b"\r\n"),
        "no CRLF checked out"
    );
    let run = sandbox.techpact(&repo, &["release", "0.1.0"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

fn first_file(dir: &Path) -> std::path::PathBuf {
    fs::read_dir(dir).unwrap().next().unwrap().unwrap().path()
}

/// `verify` unpacked into a temporary folder created `0777 & !umask`: under
/// umask 000 another local user could enter it and plant a link. The
/// folder is watched while `verify` runs under umask 000, and each time it
/// is seen, only its owner may enter it.
#[cfg(unix)]
#[test]
fn verify_unpacked_into_a_folder_others_could_enter_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    let run = sandbox.techpact(&repo, &["release", "0.1.0"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let archive = repo.join("dist/techpact-data-0.1.0.tar.gz");
    let tmp = sandbox.tmp();
    let done = AtomicBool::new(false);
    let seen = Mutex::new(std::collections::BTreeMap::<u32, usize>::new());
    let failed = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                for entry in fs::read_dir(&tmp).unwrap().flatten() {
                    if let Ok(meta) = fs::symlink_metadata(entry.path())
                        && meta.is_dir()
                    {
                        *seen
                            .lock()
                            .unwrap()
                            .entry(meta.permissions().mode() & 0o777)
                            .or_default() += 1;
                    }
                }
            }
        });
        for _ in 0..100 {
            let out = std::process::Command::new("sh")
                .args(["-c", "umask 000 && exec \"$0\" verify \"$1\""])
                .arg(env!("CARGO_BIN_EXE_techpact"))
                .arg(&archive)
                .env("TMPDIR", &tmp)
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            if !out.status.success() {
                done.store(true, Ordering::Relaxed);
                return Some(out);
            }
            if seen.lock().unwrap().values().sum::<usize>() >= 10 {
                break;
            }
        }
        done.store(true, Ordering::Relaxed);
        None
    });
    assert!(failed.is_none(), "{failed:?}");
    let seen = seen.into_inner().unwrap();
    assert!(!seen.is_empty(), "the unpack folder was never seen");
    let modes: Vec<String> = seen.keys().map(|m| format!("{m:o}")).collect();
    assert_eq!(modes, ["700"], "the modes the folder was seen with");
}

/// `fmt` and `fmt --check` skipped a collection folder they could not read
/// and said ok, where `check` reports `io/unreadable`. The folder is made
/// unreadable with its mode; as root, the binary runs as `nobody`.
#[cfg(unix)]
#[test]
fn fmt_said_ok_over_an_unreadable_folder() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture("golden/data"), &dir.path().join("data"));
    let all = |path: &Path, mode| fs::set_permissions(path, fs::Permissions::from_mode(mode));
    all(dir.path(), 0o755).unwrap();
    let root = fs::metadata("/proc/self").unwrap().uid() == 0;
    all(&dir.path().join("data/places"), 0o000).unwrap();
    for args in [&["fmt", "--check"][..], &["fmt"], &["check"]] {
        let mut all_args = args.to_vec();
        all_args.extend_from_slice(&["--format", "json", "--data", "data"]);
        let mut command = if root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_techpact"))
                .args(&all_args)
                .current_dir(dir.path());
            c
        } else {
            common::command(dir.path(), &all_args)
        };
        command.env("NO_COLOR", "1");
        let run = common::run(command);
        assert_eq!(run.code, 1, "{args:?}: {}{}", run.stdout, run.stderr);
        common::assert_finding(&run.findings(), "io/unreadable", "data/places", 0, 0, "");
    }
    all(&dir.path().join("data/places"), 0o755).unwrap();
}

/// A quote of spaces passed the schema and `--evidence`: with whitespace
/// folded it is empty, and every text contains it. A name holding ESC and a
/// quote holding NUL passed too, and reached terminals raw.
#[test]
fn a_blank_quote_and_control_characters_passed_the_schema() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let citation = record["sources"][0].clone();
    record["sources"] = vec![citation; 4].into();
    record["sources"][0]["quote"] = " \n\t   \u{3000}   ".into();
    record["sources"][1]["quote"] = "in\u{0}Cityville".into();
    record["sources"][2]["quote"] = "held".into();
    record["name"] = "City\u{1b}[2Jville\u{7}".into();
    let text = format!("{record:#}\n");
    fs::write(&path, &text).unwrap();
    let line_of = |value: &serde_json::Value| {
        let needle = serde_json::to_string(value).unwrap();
        1 + text
            .lines()
            .position(|l| l.ends_with(&needle) || l.ends_with(&format!("{needle},")))
            .unwrap()
    };
    let run = techpact(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let findings = run.findings();
    for pointer in [
        "/sources/0/quote",
        "/sources/1/quote",
        "/sources/2/quote",
        "/name",
    ] {
        let line = line_of(record.pointer(pointer).unwrap());
        let matching: Vec<_> = findings
            .iter()
            .filter(|f| f["code"] == "schema/violation" && f["pointer"] == pointer)
            .collect();
        assert_eq!(matching.len(), 1, "{pointer}: {findings:#?}");
        assert_eq!(matching[0]["line"], line, "{pointer}");
        assert!(
            matching[0]["file"]
                .as_str()
                .unwrap()
                .ends_with("places/cityville.json")
        );
    }
}

/// The text patterns refused NUL, ESC and BEL but let through the C1
/// controls U+0080 to U+009F, which terminals interpret too (U+009B is a
/// one-byte CSI), and a lone carriage return, which makes a line overwrite
/// itself. Tab and newline stay allowed in texts.
#[test]
fn c1_controls_and_a_carriage_return_passed_the_schema() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    record["name"] = "City\u{9b}2Jville".into();
    record["sources"][0]["quote"] = "held in\rCityville".into();
    record["inferred"][0]["reason"] = "a test value\u{85}".into();
    record["inferred"][1]["reason"] = "a test\u{9f}value".into();
    let text = format!("{record:#}\n");
    fs::write(&path, &text).unwrap();
    let run = techpact(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let findings = run.findings();
    for pointer in [
        "/name",
        "/sources/0/quote",
        "/inferred/0/reason",
        "/inferred/1/reason",
    ] {
        let value = serde_json::to_string(record.pointer(pointer).unwrap()).unwrap();
        let (line, column) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| Some((i + 1, l.find(&value)? + 1)))
            .unwrap();
        let matching: Vec<_> = findings
            .iter()
            .filter(|f| f["code"] == "schema/violation" && f["pointer"] == pointer)
            .collect();
        assert_eq!(matching.len(), 1, "{pointer}: {findings:#?}");
        let f = matching[0];
        assert!(
            f["file"]
                .as_str()
                .unwrap()
                .ends_with("places/cityville.json")
        );
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(line as u64), Some(column as u64)),
            "{f}"
        );
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("control characters (U+0000 to U+001F, U+007F to U+009F)"),
            "{f}"
        );
    }

    record["name"] = "Cityville".into();
    record["sources"][0]["quote"] = "held\tin\nCityville".into();
    for inferred in record["inferred"].as_array_mut().unwrap() {
        inferred["reason"] = "a test value; no source states it".into();
    }
    fs::write(&path, format!("{record:#}\n")).unwrap();
    let run = techpact(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "a tab and a newline are text: {}", run.stdout);
}

/// A property name holding ESC and BEL was printed raw in the human
/// report's "at /…" label and in `--format github`, where it could clear the
/// screen or ring the bell; a file name holding ESC was printed raw too.
#[test]
fn control_characters_from_the_data_reached_the_terminal() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    record["\u{1b}]0;owned\u{7}\u{1b}[2J"] = "x".into();
    fs::write(&path, format!("{record:#}\n")).unwrap();
    fs::write(dir.path().join("data/places/\u{1b}[31m.json"), "{").unwrap();
    for format in ["human", "github", "json"] {
        let run = techpact(dir.path(), &["check", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stdout);
        assert!(run.stdout.contains("owned"), "{format}: {}", run.stdout);
        let raw: Vec<char> = run
            .stdout
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "{format} printed {raw:?}:\n{}", run.stdout);
    }
}

/// Pull-request mode's note named a changed path of the repository raw, so
/// an untracked file's name could drive the terminal.
#[test]
fn the_pull_request_note_printed_a_changed_path_raw() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    fs::create_dir_all(repo.join("src")).unwrap();
    fs::write(repo.join("src/a\u{1b}[2Jb.rs"), "").unwrap();
    let run = sandbox.techpact(&repo, &["check", "--changed-since", "HEAD"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("checked every record"),
        "{}",
        run.stderr
    );
    let raw: Vec<char> = run
        .stderr
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(raw.is_empty(), "printed {raw:?}:\n{}", run.stderr);
}

/// A run killed while writing left `.techpact-*.tmp` files: `check` then
/// failed with a bare `layout/unexpected-entry`, `fmt` said ok, and a second
/// `release` into the same folder was refused until it was emptied by hand.
#[test]
fn temporary_files_of_an_interrupted_run_were_left_unexplained() {
    let dir = dataset_with(None);
    let leftover = dir.path().join("data/places/.techpact-Xa81bQ.tmp");
    fs::write(&leftover, "{\"id\": \"half").unwrap();
    for args in [&["check"][..], &["fmt", "--check"], &["fmt"]] {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--format", "json"]);
        let run = techpact(dir.path(), &all);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stdout);
        let findings = run.findings();
        common::assert_finding(
            &findings,
            "layout/unexpected-entry",
            "data/places/.techpact-Xa81bQ.tmp",
            0,
            0,
            "",
        );
        assert!(
            findings[0]["message"]
                .as_str()
                .unwrap()
                .contains("interrupted techpact run; delete it"),
            "{findings:#?}"
        );
    }

    let sandbox = Sandbox::new();
    let repo = sandbox.repo("repo");
    fs::create_dir_all(repo.join("dist")).unwrap();
    fs::write(repo.join("dist/.techpact-Q1w2e3.tmp"), "half an archive").unwrap();
    let run = sandbox.techpact(&repo, &["release", "0.1.0"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!repo.join("dist/.techpact-Q1w2e3.tmp").exists());
}

/// The CSV export wrote its tables one by one into the folder: a run
/// interrupted midway, or a table that no longer exists, left new and stale
/// tables side by side, which `datapackage.json` cannot tell apart. The
/// folder is now written whole beside `--out`, then swapped into place.
#[test]
fn a_csv_export_left_stale_tables_beside_new_ones() {
    let dir = dataset_with(None);
    let out = dir.path().join("csv");
    let export = || techpact(dir.path(), &["export", "--format", "csv", "--out", "csv"]);
    let run = export();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let listing = || {
        let mut names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let first = listing();
    fs::write(out.join("a-table-since-removed.csv"), "id\nx\n").unwrap();
    let run = export();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(listing(), first);
    let beside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".techpact-"))
        .collect();
    assert!(beside.is_empty(), "left {beside:?}");

    // A folder holding anything else is not replaced.
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let run = export();
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
}

/// Asserts that `run` printed no control character but line breaks on
/// either stream, and printed each of `escaped`, the escaped form of data.
fn assert_escaped(run: &common::Run, escaped: &[&str]) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let raw: Vec<char> = text
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "{stream} printed {raw:?}:\n{text}");
    }
    let both = format!("{}{}", run.stdout, run.stderr);
    for shown in escaped {
        assert!(both.contains(shown), "{shown} is not shown:\n{both}");
    }
}

/// `diff` printed what it read from a release or a revision as it was, in
/// its human and its Markdown form: a key holding ESC and BEL, a name
/// holding the one-byte CSI (U+009B) and DEL, a withdrawal reason holding
/// ESC and a file name holding ESC reached the terminal. Neither side of a
/// diff is checked first.
#[test]
fn diff_printed_control_characters_of_an_old_release() {
    use release_support::{Crafted, craft_tar, gzip};
    let sandbox = Sandbox::new();
    let archive = |name: &str, records: &[(&str, serde_json::Value)]| {
        let entries: Vec<Crafted> = records
            .iter()
            .map(|(path, value)| Crafted::file(path, value.to_string().as_bytes()))
            .collect();
        fs::write(sandbox.path().join(name), gzip(&craft_tar(&entries))).unwrap();
    };
    archive(
        "old.tar.gz",
        &[
            (
                "data/places/cityville.json",
                serde_json::json!({"id": "cityville", "name": "City\u{9b}2Jville", "\u{1b}]0;owned\u{7}": 1}),
            ),
            (
                "data/places/gone.json",
                serde_json::json!({"id": "gone", "name": "Gone"}),
            ),
        ],
    );
    archive(
        "new.tar.gz",
        &[
            (
                "data/places/cityville.json",
                serde_json::json!({"id": "cityville", "name": "Cityville\u{7f}"}),
            ),
            (
                "data/places/gone.json",
                serde_json::json!({"id": "gone", "name": "Gone", "withdrawn": {"date": "2025-01-01", "reason": "went\u{1b}[2J"}}),
            ),
        ],
    );
    for format in ["human", "markdown"] {
        let run = sandbox.techpact(
            sandbox.path(),
            &["diff", "old.tar.gz", "new.tar.gz", "--format", format],
        );
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
        assert_escaped(
            &run,
            &[
                "\\u{1b}]0;owned\\u{7}",
                "City\\u{9b}2Jville",
                "Cityville\\u{7f}",
                "went\\u{1b}[2J",
            ],
        );
    }
    // JSON escapes every control character itself, DEL and C1 included.
    let run = sandbox.techpact(
        sandbox.path(),
        &["diff", "old.tar.gz", "new.tar.gz", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_escaped(
        &run,
        &["City\\u009b2Jville", "Cityville\\u007f", "went\\u001b[2J"],
    );
    assert!(serde_json::from_str::<serde_json::Value>(&run.stdout).is_ok());

    let repo = sandbox.repo("repo");
    fs::write(repo.join("data/sources/\u{1b}[31m.json"), "{}").unwrap();
    sandbox.commit_all(&repo, "A file name holding ESC");
    let run = sandbox.techpact(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["+ \\u{1b}[31m"]);
    let run = sandbox.techpact(&repo, &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["- `\\u{1b}[31m`"]);
}

/// `refs` lists what a record references and what references it before
/// anything is checked: a reference holding ESC and a referring file whose
/// name holds ESC were printed raw.
#[test]
fn refs_printed_control_characters_of_ids_and_file_names() {
    let dir = dataset_with(None);
    let places = dir.path().join("data/places/cityville.json");
    let mut place: serde_json::Value = serde_json::from_slice(&fs::read(&places).unwrap()).unwrap();
    place["sources"][0]["source"] = "press\u{1b}[2J".into();
    fs::write(&places, format!("{place:#}\n")).unwrap();
    let organizations = dir.path().join("data/organizations");
    let mut referrer: serde_json::Value =
        serde_json::from_slice(&fs::read(organizations.join("example-university.json")).unwrap())
            .unwrap();
    referrer["id"] = "\u{1b}[31mu".into();
    fs::write(
        organizations.join("\u{1b}[31mu.json"),
        format!("{referrer:#}\n"),
    )
    .unwrap();
    let run = techpact(dir.path(), &["refs", "places/cityville"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_escaped(
        &run,
        &["sources/press\\u{1b}[2J", "organizations/\\u{1b}[31mu"],
    );
}

/// `show` printed values, quotes and reasons as they were: the schema lets
/// line breaks and tabs into texts, and any character into a country code,
/// whose format is a rule's (`identifier/invalid`), not the schema's; `show`
/// reads a record that passes its schema, before any rule. A CSI (U+009B)
/// rewrote what the terminal showed.
#[test]
fn show_printed_control_characters_the_schema_lets_through() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut place: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    place["country"] = "C\u{9b}2JN".into();
    place["sources"][0]["quote"] = "held in\n\tCityville".into();
    fs::write(&path, format!("{place:#}\n")).unwrap();
    let check = techpact(dir.path(), &["check", "--format", "json"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check
            .findings()
            .iter()
            .all(|f| f["code"] != "schema/violation"),
        "the record passes its schema: {}",
        check.stdout
    );
    let run = techpact(dir.path(), &["show", "places/cityville"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["C\\u{9b}2JN", "held in\\u{a}\\u{9}Cityville"]);
}

/// `stats` prints counts of a dataset that passes the check, whose ids are
/// slugs; data reaches it only through the findings of a failing dataset
/// and through the error line, which printed a folder name raw.
#[test]
fn stats_printed_control_characters_of_a_folder_name() {
    let dir = dataset_with(None);
    let data = dir.path().join("da\u{1b}[2Jta");
    fs::rename(dir.path().join("data"), &data).unwrap();
    fs::write(data.join("places/\u{1b}[31m.json"), "{").unwrap();
    let run = techpact(dir.path(), &["stats", "--data", "da\u{1b}[2Jta"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["da\\u{1b}[2Jta/places/\\u{1b}[31m.json"]);
    let run = techpact(dir.path(), &["stats", "--data", "gone\u{1b}[2J"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["gone\\u{1b}[2J"]);
}

/// `rename` looked for a reference by its spelling: a referring file that
/// wrote the id with an escape (`"city\u0076ille"`, the same JSON string)
/// was left naming the old id, and the rename was refused with a dangling
/// reference the user never wrote.
#[test]
fn rename_missed_a_reference_spelled_with_an_escape() {
    let dir = dataset_with(None);
    let referrer = dir
        .path()
        .join("data/organizations/example-university.json");
    let text = fs::read_to_string(&referrer).unwrap();
    let spelled = text.replace(
        r#""location": "cityville""#,
        r#""location": "city\u0076ille""#,
    );
    assert_ne!(spelled, text);
    fs::write(&referrer, &spelled).unwrap();
    let run = techpact(dir.path(), &["rename", "places/cityville", "townville"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        fs::read_to_string(&referrer).unwrap(),
        text.replace(r#""location": "cityville""#, r#""location": "townville""#)
    );
    let run = techpact(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

/// `resolve` reads successors from files without checking them first, and
/// printed them raw: a successor holding ESC in the problem it names, and an
/// asked id holding ESC in the "no record" line.
#[test]
fn resolve_printed_control_characters_of_a_successor_and_an_asked_id() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut place: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    place["withdrawn"] =
        serde_json::json!({"date": "2025-01-01", "reason": "merged", "successor": "gone\u{1b}[2J"});
    fs::write(&path, format!("{place:#}\n")).unwrap();
    let run = techpact(dir.path(), &["resolve", "places/cityville"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["its successor `gone\\u{1b}[2J` names no record"]);
    let run = techpact(dir.path(), &["resolve", "places/\u{1b}[31mcityville"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["places/\\u{1b}[31mcityville: no record"]);
}

/// `resolve` joined a successor read from a file to the collection's folder
/// as it was, so `../organizations/example-university` led out of `places`
/// and was reported as the current record.
#[test]
fn resolve_followed_a_successor_out_of_its_collection() {
    let dir = dataset_with(None);
    let path = dir.path().join("data/places/cityville.json");
    let mut place: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    place["withdrawn"] = serde_json::json!({
        "date": "2025-01-01",
        "reason": "merged",
        "successor": "../organizations/example-university"
    });
    fs::write(&path, format!("{place:#}\n")).unwrap();
    let run = techpact(dir.path(), &["resolve", "places/cityville"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "places/cityville: its successor `../organizations/example-university` names no record\n"
    );
}

/// `rename` and `withdraw` print the files they edited, or the findings that
/// stopped them; a referring file whose name holds ESC and a reason holding
/// ESC stop them, and neither reaches the terminal raw.
#[test]
fn rename_and_withdraw_printed_no_control_character_of_the_data() {
    let dir = dataset_with(None);
    let organizations = dir.path().join("data/organizations");
    fs::copy(
        organizations.join("example-university.json"),
        organizations.join("\u{1b}[31mu.json"),
    )
    .unwrap();
    let before = fs::read(dir.path().join("data/places/cityville.json")).unwrap();
    let run = techpact(dir.path(), &["rename", "places/cityville", "townville"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["organizations/\\u{1b}[31mu.json"]);
    let run = techpact(
        dir.path(),
        &["withdraw", "places/cityville", "--reason", "gone\u{1b}[2J"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_escaped(&run, &["gone\\u{1b}[2J"]);
    assert_eq!(
        fs::read(dir.path().join("data/places/cityville.json")).unwrap(),
        before
    );
}

/// A refused `rename` or `withdraw` reported its findings "in 0 record files
/// (0 records passed their schema)": the summary counted nothing the check
/// of the edited data had read.
#[test]
fn a_refused_edit_said_it_checked_no_record_file() {
    let dir = dataset_with(None);
    let files = fs::read_dir(dir.path().join("data"))
        .unwrap()
        .map(|c| fs::read_dir(c.unwrap().path()).unwrap().count())
        .sum::<usize>();
    let run = techpact(
        dir.path(),
        &["withdraw", "places/cityville", "--reason", " "],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            " in {files} record files ({} records passed their schema, 1 did not)",
            files - 1
        )),
        "{}",
        run.stdout
    );
}
