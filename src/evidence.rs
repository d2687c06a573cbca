//! Evidence: proves every quote against the text of the source it cites.
//!
//! Every file in the evidence folder is hashed; a source that pins a SHA-256
//! is matched to the file with those bytes, whatever its name. Quotes are
//! compared with runs of whitespace collapsed, so line wrapping does not
//! matter but every other character does.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::diag::{Code, Finding, QuoteCounts};
use crate::error::{Error, Result};
use crate::load::Dataset;
use crate::model::Record;
use crate::validate::Typed;

/// The lowercase hex SHA-256 of `bytes`, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `digest` in lowercase hex.
pub fn hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(2 * digest.len());
    for b in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    hex
}

/// `text` with every run of whitespace turned into one space, trimmed.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The collapsed texts of the regular files in `dirs`, by SHA-256 of their bytes.
fn texts_by_hash(dirs: &[PathBuf]) -> Result<HashMap<String, String>> {
    let mut texts = HashMap::new();
    for dir in dirs {
        let entries =
            fs::read_dir(dir).map_err(|e| Error::io("reading evidence folder", dir, e))?;
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
    }
    Ok(texts)
}

/// What to do about a pinned source whose text is in none of the folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingTexts {
    /// Report it as `source/text-mismatch`: every quote must be proven (CI).
    #[default]
    Fail,
    /// Count its quotes as not provable here (a contributor without the text).
    Count,
}

/// The findings of the evidence check and how many quotes it could prove.
#[derive(Debug, Default)]
pub struct Evidence {
    /// `source/text-mismatch` and `source/quote-not-found` findings.
    pub findings: Vec<Finding>,
    /// The quotes of the counted files, by what became of them.
    pub quotes: QuoteCounts,
}

/// Checks every pinned source against the files in `dirs` and every quote
/// against its source's text: `source/text-mismatch` (unless `missing` says
/// to count those), `source/quote-not-found`. Quotes are counted in the files
/// `counted` accepts.
pub fn check(
    dataset: &Dataset,
    typed: &Typed,
    dirs: &[PathBuf],
    missing: MissingTexts,
    counted: impl Fn(&str) -> bool,
) -> Result<Evidence> {
    let texts = texts_by_hash(dirs)?;
    let mut evidence = Evidence::default();
    // Each pinned source: its text when a file has its pin, else `None`.
    let mut source_texts: HashMap<&str, Option<&str>> = HashMap::new();
    for (file, record) in dataset.files.iter().zip(&typed.records) {
        let Some(Record::Source(source)) = record else {
            continue;
        };
        let Some(pin) = &source.sha256 else {
            continue;
        };
        let text = texts.get(pin.as_str()).map(String::as_str);
        source_texts.insert(source.id.as_str(), text);
        if text.is_none() && missing == MissingTexts::Fail {
            evidence.findings.push(file.finding(
                Code::SourceTextMismatch,
                "/sha256",
                format!(
                    "no file in {} has SHA-256 {pin}; the quotes citing `{}` cannot be checked",
                    folders(dirs),
                    source.id.as_str()
                ),
            ));
        }
    }
    for (file, record) in dataset.files.iter().zip(&typed.records) {
        let Some(record) = record else { continue };
        let count = counted(&file.path);
        let mut quotes: Vec<(String, &str, &str)> = Vec::new();
        for (i, citation) in record.citations().iter().enumerate() {
            if let Some(quote) = &citation.quote {
                let pointer = format!("/sources/{i}/quote");
                quotes.push((pointer, citation.source.as_str(), quote.as_str()));
            }
        }
        if let Record::Source(source) = record {
            for (i, credit) in source.credits.iter().enumerate() {
                if let Some(quote) = &credit.quote {
                    let pointer = format!("/credits/{i}/quote");
                    quotes.push((pointer, source.id.as_str(), quote.as_str()));
                }
            }
        }
        for (pointer, source, quote) in quotes {
            let text = match source_texts.get(source) {
                None => {
                    evidence.quotes.unpinned += usize::from(count);
                    continue;
                }
                Some(None) => {
                    if count {
                        evidence.quotes.without_text += 1;
                        evidence
                            .quotes
                            .sources_without_text
                            .insert(source.to_string());
                    }
                    continue;
                }
                Some(Some(text)) => *text,
            };
            let quote = collapse_whitespace(quote);
            if text.contains(&quote) {
                evidence.quotes.proven += usize::from(count);
                continue;
            }
            evidence.quotes.not_found += usize::from(count);
            let diagnosis = diagnose(&quote, text);
            let at = file.at(&pointer);
            let position = diagnosis
                .as_ref()
                .and_then(|d| raw_index(quote_of(record, &pointer), d.quote_index))
                .and_then(|n| crate::span::char_in_string(file.text(), at, n))
                .unwrap_or(at);
            let message = match &diagnosis {
                Some(d) => d.describe(source),
                None => format!(
                    "this quote is not in the text of `{source}`, and no passage of the text begins or ends like it; copy it again from the text, character for character"
                ),
            };
            evidence.findings.push(Finding::new(
                Code::SourceQuoteNotFound,
                &file.path,
                position,
                &pointer,
                message,
            ));
        }
    }
    Ok(evidence)
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`": the evidence folders.
fn folders(dirs: &[PathBuf]) -> String {
    let names: Vec<String> = dirs.iter().map(|d| format!("`{}`", d.display())).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "no folder".to_string(),
    }
}

/// The quote at `pointer` of `record`, as written (whitespace kept).
fn quote_of<'r>(record: &'r Record, pointer: &str) -> &'r str {
    let index = |prefix: &str| {
        pointer
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix("/quote"))
            .and_then(|i| i.parse::<usize>().ok())
    };
    if let Some(i) = index("/sources/") {
        return record
            .citations()
            .get(i)
            .and_then(|c| c.quote.as_ref())
            .map_or("", |q| q.as_str());
    }
    match (record, index("/credits/")) {
        (Record::Source(source), Some(i)) => source
            .credits
            .get(i)
            .and_then(|c| c.quote.as_ref())
            .map_or("", |q| q.as_str()),
        _ => "",
    }
}

/// The index, among the characters of `raw`, of character `collapsed` of
/// `collapse_whitespace(raw)`.
fn raw_index(raw: &str, collapsed: usize) -> Option<usize> {
    let mut seen = 0;
    let mut space: Option<usize> = None;
    let mut started = false;
    for (i, c) in raw.chars().enumerate() {
        if c.is_whitespace() {
            if started && space.is_none() {
                space = Some(i);
            }
            continue;
        }
        if let Some(at) = space.take() {
            if seen == collapsed {
                return Some(at);
            }
            seen += 1;
        }
        if seen == collapsed {
            return Some(i);
        }
        seen += 1;
        started = true;
    }
    None
}

/// Where a quote stops matching the closest passage of its source's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// Characters of the (collapsed) quote that match before the difference,
    /// counted from its start, or from its end when `from_end`.
    pub matching: usize,
    /// Whether the passage was found by the quote's end rather than its start.
    pub from_end: bool,
    /// Index in the collapsed quote of its first differing character.
    pub quote_index: usize,
    /// The quote's differing character.
    pub quote_char: char,
    /// The text's character in its place; `None` where the text ends.
    pub text_char: Option<char>,
    /// A few characters of the quote from the difference on (up to it, when
    /// `from_end`), and the same of the text: what a paraphrase changed.
    pub readings: (String, String),
    /// The passage of the text the quote is closest to.
    pub passage: String,
}

impl Diagnosis {
    /// The finding's message about a quote of `source`.
    pub fn describe(&self, source: &str) -> String {
        let what = match self.text_char {
            Some(t) if looks_alike(self.quote_char, t) => format!(
                "it has {} where the text has {}, which look alike",
                show_char(self.quote_char),
                show_char(t)
            ),
            Some(t) => format!(
                "it has {} where the text has {} (the quote reads “{}” where the text reads “{}”)",
                show_char(self.quote_char),
                show_char(t),
                self.readings.0.trim(),
                self.readings.1.trim()
            ),
            None => "the text ends where the quote goes on".to_string(),
        };
        let fix = match self.text_char {
            Some(t) if looks_alike(self.quote_char, t) => "fix that character in the quote",
            _ => "copy the quote again from the text from there on",
        };
        let side = if self.from_end { "before" } else { "after" };
        let position = format!(
            "the quote differs from the text of `{source}` at its character {}, {side} {} matching characters",
            self.quote_index + 1,
            self.matching
        );
        format!(
            "{position}: {what}; {fix}. The closest passage of the text: “{}”",
            self.passage
        )
    }
}

/// A character as a message shows it, with its code point: look-alikes
/// differ only there.
fn show_char(c: char) -> String {
    if c.is_whitespace() {
        format!("a space character (U+{:04X})", u32::from(c))
    } else {
        format!("`{c}` (U+{:04X})", u32::from(c))
    }
}

/// Whether two characters are easily mistaken for each other: quotes,
/// apostrophes, dashes and spaces of different kinds, or letters that
/// differ by case only.
fn looks_alike(a: char, b: char) -> bool {
    fn class(c: char) -> char {
        match c {
            '\'' | '‘' | '’' | '‛' | '′' | '`' | '´' => '\'',
            '"' | '“' | '”' | '„' | '″' => '"',
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            c if c.is_whitespace() => ' ',
            '…' => '.',
            c => c.to_lowercase().next().unwrap_or(c),
        }
    }
    a != b && class(a) == class(b)
}

/// Where `quote` (collapsed) stops matching `text` (collapsed): the longest
/// start or end of the quote that the text holds, and the characters after
/// (or before) it. `None` when no start or end of a few characters matches.
pub fn diagnose(quote: &str, text: &str) -> Option<Diagnosis> {
    let chars: Vec<char> = quote.chars().collect();
    let prefix = |m: usize| chars[..m].iter().collect::<String>();
    let suffix = |m: usize| chars[chars.len() - m..].iter().collect::<String>();
    let longest = |part: &dyn Fn(usize) -> String| {
        // `text` holds every shorter start (end) of what it holds.
        let (mut lo, mut hi) = (0, chars.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if text.contains(&part(mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    };
    let (head, tail) = (longest(&prefix), longest(&suffix));
    const MIN: usize = 8;
    const READING: usize = 20;
    if head.max(tail) < MIN.min(chars.len()) {
        return None;
    }
    let quote_chars = chars.len();
    if head >= tail {
        let start = text.find(&prefix(head))?;
        let after = &text[start + prefix(head).len()..];
        let passage: String = text[start..].chars().take(quote_chars).collect();
        Some(Diagnosis {
            matching: head,
            from_end: false,
            quote_index: head,
            quote_char: chars[head],
            text_char: after.chars().next(),
            readings: (
                chars[head..].iter().take(READING).collect(),
                after.chars().take(READING).collect(),
            ),
            passage: passage.trim().to_string(),
        })
    } else {
        let end = text.find(&suffix(tail))? + suffix(tail).len();
        let before: Vec<char> = text[..end].chars().collect();
        let from = before.len().saturating_sub(quote_chars);
        let passage: String = before[from..].iter().collect();
        let index = quote_chars - tail - 1;
        let text_end = before.len() - tail;
        Some(Diagnosis {
            matching: tail,
            from_end: true,
            quote_index: index,
            quote_char: chars[index],
            text_char: text_end.checked_sub(1).map(|i| before[i]),
            readings: (
                chars[(index + 1).saturating_sub(READING)..=index]
                    .iter()
                    .collect(),
                before[text_end.saturating_sub(READING)..text_end]
                    .iter()
                    .collect(),
            ),
            passage: passage.trim().to_string(),
        })
    }
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
    fn diagnoses_a_look_alike_character() {
        let text = "It suggests how China’s major enterprises approach innovation.";
        let d = diagnose("how China's major", text).unwrap();
        assert_eq!((d.matching, d.quote_index, d.quote_char), (9, 9, '\''));
        assert_eq!(d.text_char, Some('’'));
        assert_eq!(d.passage, "how China’s major");
        assert_eq!(
            d.describe("x"),
            "the quote differs from the text of `x` at its character 10, after 9 matching characters: it has `'` (U+0027) where the text has `’` (U+2019), which look alike; fix that character in the quote. The closest passage of the text: “how China’s major”"
        );
        let d = diagnose(
            "the deal aligns with Beijing",
            "The deal aligns with Beijing.",
        )
        .unwrap();
        assert!(d.from_end);
        assert_eq!((d.quote_char, d.text_char), ('t', Some('T')));
        assert_eq!(d.passage, "The deal aligns with Beijing");
        assert_eq!(diagnose("nothing like it", text), None);
    }

    #[test]
    fn maps_collapsed_indices_to_the_quote_as_written() {
        assert_eq!(raw_index("  a \n b", 0), Some(2));
        assert_eq!(raw_index("  a \n b", 1), Some(3));
        assert_eq!(raw_index("  a \n b", 2), Some(6));
        assert_eq!(raw_index("ab", 2), None);
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(collapse_whitespace("  a\n\tb   c \n"), "a b c");
    }
}
