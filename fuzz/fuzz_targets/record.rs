//! One record file through every stage of a check that needs nothing but
//! the file: decode, parse, schema, id, type and the per-file rules. No
//! input may panic, and every finding is located in the file and reported
//! without control characters.

#![no_main]

use libfuzzer_sys::fuzz_target;
use techpact::check;
use techpact_fuzz::{assert_reportable, record_input, validators};

fuzz_target!(|data: &[u8]| {
    let (listed, bytes) = record_input(data);
    let (file, findings, _) = check::check_bytes(listed, bytes, validators());
    let sources = [(file.path.clone(), file.text())].into_iter().collect();
    assert_reportable(&findings, &sources);
});
