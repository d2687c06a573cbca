//! `fmt`'s canonical writer on one record file: whenever it would rewrite a
//! file, the canonical text says exactly what the file said (the same JSON
//! value) and is itself canonical (formatting it again changes nothing).

#![no_main]

use libfuzzer_sys::fuzz_target;
use techpact::diag::Code;
use techpact::{check, fmt};
use techpact_fuzz::{record_input, validators};

fuzz_target!(|data: &[u8]| {
    let (listed, bytes) = record_input(data);
    let (file, findings, record) = check::check_bytes(listed.clone(), bytes.clone(), validators());
    // `fmt` leaves a file that repeats a key as it is.
    let Some(record) = record.filter(|_| !findings.iter().any(|f| f.code == Code::JsonDuplicateKey))
    else {
        return;
    };
    let Ok(Some(canonical)) = fmt::canonical_form(&file, &record, &bytes) else {
        return;
    };
    let kept: serde_json::Value =
        serde_json::from_str(&canonical).expect("the canonical text is JSON");
    assert_eq!(Some(&kept), file.value.as_ref(), "the canonical text changed a value");
    let (again, _, typed) = check::check_bytes(listed, canonical.clone().into_bytes(), validators());
    let typed = typed.expect("the canonical text has the record's type");
    match fmt::canonical_form(&again, &typed, canonical.as_bytes()) {
        Ok(None) => {}
        Ok(Some(other)) => panic!("not idempotent:\n{canonical}\nbecomes\n{other}"),
        Err(finding) => panic!("the canonical text is refused: {finding:?}"),
    }
});
