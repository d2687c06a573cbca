//! Evidence: proves every quote against the text of the source it cites.
//!
//! Every file in the evidence folder is hashed; a source that pins a SHA-256
//! is matched to the file with those bytes, whatever its name. Quotes are
//! compared with runs of whitespace collapsed, so line wrapping does not
//! matter but every other character does.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diag::{Code, Finding};
use crate::error::{Error, Result};
use crate::load::Dataset;
use crate::model::Record;
use crate::validate::Typed;

/// The lowercase hex SHA-256 of `bytes`, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    hex
}

/// `text` with every run of whitespace turned into one space, trimmed.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The collapsed texts of the regular files in `dir`, by SHA-256 of their bytes.
fn texts_by_hash(dir: &Path) -> Result<HashMap<String, String>> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io("reading evidence folder", dir, e))?;
    let mut texts = HashMap::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("reading evidence folder", dir, e))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| Error::io("reading", &path, e))?;
        let text = collapse_whitespace(&String::from_utf8_lossy(&bytes));
        texts.insert(sha256_hex(&bytes), text);
    }
    Ok(texts)
}

/// Checks every pinned source against the files in `dir` and every quote
/// against its source's text: `source/text-mismatch`, `source/quote-not-found`.
pub fn check(dataset: &Dataset, typed: &Typed, dir: &Path) -> Result<Vec<Finding>> {
    let texts = texts_by_hash(dir)?;
    let mut findings = Vec::new();
    // The text of each pinned source whose file was found, by source id.
    let mut source_texts: HashMap<&str, &str> = HashMap::new();
    for (file, record) in dataset.files.iter().zip(&typed.records) {
        let Some(Record::Source(source)) = record else {
            continue;
        };
        let Some(pin) = &source.sha256 else {
            continue;
        };
        match texts.get(pin.as_str()) {
            Some(text) => {
                source_texts.insert(source.id.as_str(), text.as_str());
            }
            None => findings.push(file.finding(
                Code::SourceTextMismatch,
                "/sha256",
                format!(
                    "no file in `{}` has SHA-256 {pin}; the quotes citing `{}` cannot be checked",
                    dir.display(),
                    source.id.as_str()
                ),
            )),
        }
    }
    for (file, record) in dataset.files.iter().zip(&typed.records) {
        let Some(record) = record else { continue };
        for (i, citation) in record.citations().iter().enumerate() {
            let (Some(quote), Some(text)) =
                (&citation.quote, source_texts.get(citation.source.as_str()))
            else {
                continue;
            };
            if !text.contains(&collapse_whitespace(quote.as_str())) {
                findings.push(file.finding(
                    Code::SourceQuoteNotFound,
                    &format!("/sources/{i}/quote"),
                    format!(
                        "this quote is not in the text of `{}`; copy it again character for character",
                        citation.source
                    ),
                ));
            }
        }
        if let Record::Source(source) = record
            && let Some(text) = source_texts.get(source.id.as_str())
        {
            for (i, credit) in source.credits.iter().enumerate() {
                if let Some(quote) = &credit.quote
                    && !text.contains(&collapse_whitespace(quote.as_str()))
                {
                    findings.push(file.finding(
                        Code::SourceQuoteNotFound,
                        &format!("/credits/{i}/quote"),
                        "this quote is not in the source's own text; copy it again character for character",
                    ));
                }
            }
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(collapse_whitespace("  a\n\tb   c \n"), "a b c");
    }
}
