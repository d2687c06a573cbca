//! What the fuzz targets share: how an input becomes a record file, the
//! validators built once, and the properties every report must keep.
//!
//! A record input is `<collection>\n<file bytes>`, such as `places\n{...}`;
//! an input without a known collection name is an `organizations` file as a
//! whole. `fuzz/seed` writes the corpora in this form.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use techpact::diag::{Finding, Summary};
use techpact::folders::Folder;
use techpact::load::{Listed, Origin};
use techpact::model::Collection;
use techpact::report::{self, Format, Style};
use techpact::validate::Validators;

/// The schema validators, built on first use and kept for every input.
pub fn validators() -> &'static Validators {
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    VALIDATORS.get_or_init(|| Validators::new().expect("the schemas compile"))
}

/// The record file an input stands for, and its bytes.
pub fn record_input(data: &[u8]) -> (Listed, Vec<u8>) {
    let (collection, bytes) = data
        .iter()
        .position(|&b| b == b'\n')
        .and_then(|i| {
            let name = std::str::from_utf8(&data[..i]).ok()?;
            Some((Collection::from_dir_name(name)?, &data[i + 1..]))
        })
        .unwrap_or((Collection::ALL[0], data));
    (listed(collection, "fuzzed"), bytes.to_vec())
}

/// A listed file `data/<collection>/<stem>.json` that exists nowhere on disk.
pub fn listed(collection: Collection, stem: &str) -> Listed {
    let at = PathBuf::from("/nonexistent/data").join(collection.dir_name());
    Listed {
        collection,
        path: format!("data/{}/{stem}.json", collection.dir_name()),
        stem: stem.into(),
        origin: Origin::Disk(Arc::new(Folder::unopened(&at)), format!("{stem}.json").into()),
    }
}

/// Asserts what every finding keeps: a position inside the file it names
/// (when `sources` holds that file's text), and reports in every format that
/// carry no control character from the data to a terminal.
pub fn assert_reportable(findings: &[Finding], sources: &HashMap<String, &str>) {
    for f in findings {
        // A file that is not UTF-8 has no text; its finding points into
        // the valid part of its bytes.
        let Some(text) = sources
            .get(&f.file)
            .filter(|t| f.line > 0 && !t.is_empty())
        else {
            continue;
        };
        let lines: Vec<&str> = text.split('\n').collect();
        let line = lines
            .get(f.line as usize - 1)
            .unwrap_or_else(|| panic!("{f:?} points past the last line {}", lines.len()));
        assert!(
            f.column as usize <= line.chars().count() + 1,
            "{f:?} points past the end of its line"
        );
    }
    let summary = Summary::of(findings, 1, 1);
    for format in [Format::Human, Format::Github] {
        let out = report::render(format, findings, &summary, sources, Style::default());
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "a {format:?} report prints a control character:\n{out:?}"
        );
    }
    let json = report::render(Format::Json, findings, &summary, sources, Style::default());
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON report parses");
}
