//! `verify` on the bytes of a release archive, as a consumer runs it on a
//! download. No input may panic or fail the run (a bad archive is a
//! finding), nothing may be left in the temporary folder, and the report
//! carries no control character from the archive.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use techpact::snapshot::Limits;
use techpact::verify;
use techpact_fuzz::assert_reportable;

/// A private folder holding the archive and serving as `TMPDIR`, so that
/// whatever `verify` leaves behind is seen.
fn folder() -> &'static (PathBuf, PathBuf) {
    static FOLDER: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("techpact-fuzz-verify-{}", std::process::id()));
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        // SAFETY: set once, before `verify` runs, while only this thread runs.
        unsafe { std::env::set_var("TMPDIR", &tmp) };
        (root.join("techpact-data-0.1.0.tar.gz"), tmp)
    })
}

fuzz_target!(|data: &[u8]| {
    let (archive, tmp) = folder();
    std::fs::write(archive, data).unwrap();
    // Small limits keep each run short; the limits themselves are tested.
    let limits = Limits {
        max_total_bytes: 16 << 20,
        max_entry_bytes: 8 << 20,
        max_entries: 2_000,
    };
    let verification = verify::verify(archive, "fuzzed.tar.gz", &limits, None)
        .unwrap_or_else(|e| panic!("verify failed to run: {e}"));
    assert_eq!(
        std::fs::read_dir(tmp).unwrap().count(),
        0,
        "verify left files in its temporary folder"
    );
    let sources = verification
        .texts
        .iter()
        .map(|(file, text)| (file.clone(), text.as_str()))
        .collect();
    assert_reportable(&verification.findings, &sources);
});
