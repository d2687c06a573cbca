//! The text edit of `rename` and `withdraw --into` on one record file, with
//! an id pair taken from the input: one of the ids the record references
//! (or its own) becomes another. No input may panic; when the edit is made,
//! the text is JSON, the only values that changed are references that named
//! the old id and now name the new one, and doing it again changes nothing.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use techpact::lifecycle::rewrite;
use techpact::refs::{RecordName, RefFields};
use techpact_fuzz::record_input;

fn fields() -> &'static RefFields {
    static FIELDS: OnceLock<RefFields> = OnceLock::new();
    FIELDS.get_or_init(|| RefFields::for_run().expect("the reference fields are found"))
}

/// FNV-1a of the input: the choices below follow its bytes.
fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fuzz_target!(|data: &[u8]| {
    let (listed, bytes) = record_input(data);
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return;
    };
    let collection = listed.collection;
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        assert!(
            rewrite::references(
                text,
                collection,
                fields(),
                &RecordName {
                    collection,
                    id: "x".into()
                },
                "y",
                true
            )
            .is_err()
        );
        return;
    };
    // The candidates: every referenced id, the record's own id, and ids it names nowhere.
    let mut names: Vec<RecordName> = fields()
        .extract(collection, &value)
        .into_iter()
        .map(|r| RecordName {
            collection: r.target,
            id: r.id.to_string(),
        })
        .collect();
    if let Some(id) = value.get("id").and_then(Value::as_str) {
        names.push(RecordName {
            collection,
            id: id.to_string(),
        });
    }
    names.push(RecordName {
        collection,
        id: "fuzz-new".into(),
    });
    let h = hash(data);
    let n = names.len() as u64;
    let name = &names[(h % n) as usize];
    let to = match &names[((h / n) % n) as usize] {
        other if other.id != name.id => other.id.clone(),
        _ => format!("{}-renamed", name.id),
    };
    let own_id = (h >> 40) & 1 == 1;

    let Ok((out, count)) = rewrite::references(text, collection, fields(), name, &to, own_id)
    else {
        return;
    };
    let after: Value = serde_json::from_str(&out).expect("the rewritten text is JSON");
    // The text edit equals the edit of the value: exactly the references to
    // `name` (and the own id) now name `to`, and nothing else changed.
    let mut expected = value.clone();
    let pointers = rewrite::pointers(&value, collection, fields(), name, own_id);
    for p in &pointers {
        *expected
            .pointer_mut(p)
            .expect("a reference's pointer leads to it") = Value::String(to.clone());
    }
    assert_eq!(
        after, expected,
        "changed something besides the references to `{}`:\n{text}\nbecame\n{out}",
        name.id
    );
    assert_eq!(
        count,
        pointers.len(),
        "counted {count} changes for {pointers:?}"
    );
    if count == 0 {
        assert_eq!(out, text, "changed the text without changing a reference");
    }
    let (again, more) = rewrite::references(&out, collection, fields(), name, &to, own_id)
        .unwrap_or_else(|e| panic!("refused its own output: {e}\n{out}"));
    assert_eq!((again.as_str(), more), (out.as_str(), 0), "not idempotent");
});
