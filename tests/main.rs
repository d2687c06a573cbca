//! The integration tests, one module per file, built into one test binary so
//! that the library and its dependencies are linked once, not once per file.
//! A new `tests/NAME.rs` is declared here as `mod NAME;`; the test at the end
//! fails while a file is left out.

mod common;
mod release_support;
mod synth;

mod bad_input;
mod changed_since;
mod check;
mod cli_examples;
mod cli_help;
mod conventions;
mod diff;
mod editors;
mod evidence;
mod export;
mod findings_unchanged;
mod fmt;
mod formats;
mod lifecycle;
mod messages;
mod model_extensions;
mod new;
mod peers;
mod readme_partners;
mod regression;
mod release;
mod rules;
mod rust_version;
mod schema;
mod seed_facts;
mod show;
mod site;
mod stats;
mod verify;

/// Every `tests/NAME.rs` and every `tests/NAME/mod.rs` is a module of this
/// binary, so that no test file is silently left unbuilt.
#[test]
fn every_test_file_is_a_module() {
    let tests = common::root().join("tests");
    let main = std::fs::read_to_string(tests.join("main.rs")).unwrap();
    let declared: Vec<&str> = main
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let module = if path.is_dir() {
            path.join("mod.rs").is_file()
        } else {
            path.extension().is_some_and(|e| e == "rs") && name != "main"
        };
        if module && !declared.contains(&name.as_str()) {
            missing.push(name);
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "declare these in tests/main.rs: {missing:?}"
    );
}
