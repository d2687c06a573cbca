//! Findings: what a check says about the data, as plain values.
//!
//! A finding keeps its location (file, line, column, JSON pointer) in fields;
//! only the report layer turns it into text. `Code` is the one table of
//! finding codes: its stable name, default severity, summary and how to fix
//! it. `techpact explain` reads the same table.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data is wrong; the run fails.
    Error,
    /// The data is suspicious; the run fails only under `--deny-warnings`.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal, $fix:literal;)*) => {
        /// A stable finding code. A code is never reused for another meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable name, such as `json/syntax`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity a finding of this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// What the code means, in one line.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// How to fix a finding of this code.
            pub fn fix(self) -> &'static str {
                match self { $(Code::$variant => $fix,)* }
            }
        }
    };
}

codes! {
    IoUnreadable = "io/unreadable", Error,
        "A file or folder under the data directory cannot be read.",
        "Check the file's permissions and that it is a regular file no larger than the limit.";
    JsonEncoding = "json/encoding", Error,
        "A record file is not UTF-8, or starts with a byte-order mark.",
        "Save the file as UTF-8 without a byte-order mark.";
    JsonSyntax = "json/syntax", Error,
        "A record file is not valid JSON.",
        "Fix the JSON at the reported line and column; `techpact fmt` needs valid JSON to work.";
    JsonDuplicateKey = "json/duplicate-key", Error,
        "The same key appears twice in one JSON object.",
        "Keep one of the two keys; JSON readers disagree on which one wins.";
    LayoutUnexpectedEntry = "layout/unexpected-entry", Error,
        "The data directory holds something that is not a record: an unknown collection folder, a nested folder, a non-JSON file or a symbolic link.",
        "Move or delete the entry; `data/` holds one folder per collection, each holding `<id>.json` files only.";
    LayoutEmpty = "layout/empty", Error,
        "The data directory holds no records.",
        "Point `--data` at the right folder, or add a record with `techpact new`.";
    SchemaViolation = "schema/violation", Error,
        "A record breaks its collection's schema.",
        "Change the value at the reported pointer so it matches the schema keyword named in the finding; the schema is in `schema/<collection>.schema.json`.";
    SchemaStale = "schema/stale", Error,
        "A committed schema differs from what the Rust types generate, or is missing or extra.",
        "Run `techpact schema` and commit the files it writes.";
    IdMismatch = "id/mismatch", Error,
        "A record's `id` differs from its file name.",
        "Make `id` equal to the file name without `.json`, or rename the file.";
    IdFormat = "id/format", Error,
        "A record's `id` or file name is not a lowercase slug of at most 80 characters.",
        "Use lowercase letters, digits and single hyphens, such as `china-telecom`.";
    RefDangling = "ref/dangling", Error,
        "A reference names no record of the collection it points into.",
        "Correct the id (the message suggests the closest one), or add the missing record.";
    RefCycle = "ref/cycle", Error,
        "A hierarchy loops: an organization is its own ancestor, a place lies within itself, or withdrawn records name each other as successors.",
        "Break the loop by correcting one `parent`, `within` or `withdrawn.successor` in the listed records.";
    RefWithdrawn = "ref/withdrawn", Warning,
        "A reference names a withdrawn record; the message names the record that replaces it.",
        "Point the reference at the successor the message names (`techpact resolve <collection>/<id>` prints it), or drop it when nothing replaces the record.";
    IdRemoved = "id/removed", Error,
        "An id published in the newest release tag has no file: a record was deleted or renamed without a tombstone.",
        "Restore the file and withdraw the record instead (`techpact withdraw`), or rename it with `techpact rename`, which leaves a tombstone at the old id.";
    DateInvalid = "date/invalid", Error,
        "A date is not a real calendar date.",
        "Use `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a month from 01 to 12 and a day that exists in that month.";
    DateOrder = "date/order", Error,
        "An end comes before its start, or a fact is dated after every source that reports it.",
        "Check both dates against the sources; a text cannot report what happened after it was published.";
    IdentifierInvalid = "identifier/invalid", Error,
        "An external identifier (ROR, ORCID, Wikidata, ISO country code, URL) fails its format or check digit.",
        "Copy the identifier again from its registry; drop it when the sources do not give it.";
    SourceMissing = "source/missing", Error,
        "A record cites no existing source.",
        "Add a citation to `sources` naming a record in `sources/`, with a quote that supports the record.";
    SourceUnused = "source/unused", Warning,
        "A source that no record cites.",
        "Cite the source from the records it supports, or remove it.";
    SourceQuoteNotFound = "source/quote-not-found", Error,
        "A quote does not appear in the text of the source it cites (whitespace aside).",
        "The message names the first character that differs from the closest passage of the text, and the passage: copy the quote again from there, character for character; never edit a quote, add a `note` instead.";
    SourceTextMismatch = "source/text-mismatch", Error,
        "A source pins a SHA-256, but no file in the evidence folders has it.",
        "Put the exact text the pin was taken from in an evidence folder (`--evidence` may be given several times), or update `sha256` after checking every quote; without the text, `--allow-missing-texts` counts its quotes as not provable here instead.";
    DuplicateSuspect = "duplicate/suspect", Warning,
        "Two records look like the same entity: the same normalized name or the same external identifier.",
        "Merge the two records with `techpact withdraw <collection>/<id> --reason R --into <id>`, or make the names distinguishable.";
    ProvenanceUncovered = "provenance/uncovered", Warning,
        "A value that no quote of the record's citations states, no citation's `supports` covers and no `inferred` entry covers.",
        "Quote the passage that states it, add its pointer to the `supports` of the citation that states it, or, when no source states it, add an `inferred` entry with a one-line reason (or remove the value).";
    ProvenanceBadPointer = "provenance/bad-pointer", Error,
        "A `supports` or `inferred` pointer names no value of the record, or names `id`, `note`, a citation or an inference.",
        "Correct the pointer to the value meant, such as `/name` or `/roles/0`; `techpact show` lists the record's values with their pointers.";
    FormatNoncanonical = "format/noncanonical", Error,
        "A record file is not in canonical form.",
        "Run `techpact fmt` on it.";
    ReleaseChecksumMismatch = "release/checksum-mismatch", Error,
        "A file in a release does not have the SHA-256 its checksum list or manifest gives.",
        "Download the release again; a changed file cannot be trusted.";
    ReleaseMissingFile = "release/missing-file", Error,
        "A file the manifest or checksum list names is not in the release.",
        "Download the release again, complete.";
    ReleaseExtraFile = "release/extra-file", Error,
        "The release holds a file its manifest does not list.",
        "Remove the file, or download the release again.";
    ReleaseUnsafePath = "release/unsafe-path", Error,
        "An archive entry has an absolute path, `..`, a link or a device; nothing was extracted.",
        "Do not use this archive; it was not produced by `techpact release`.";
    ReleaseBadManifest = "release/bad-manifest", Error,
        "The release's `manifest.json` is missing, not valid JSON, or does not match its contents.",
        "Download the release again; rebuild it with `techpact release` if you produced it.";
    ReleaseBadRedirects = "release/bad-redirects", Error,
        "The release's `redirects.json` is not valid, leads to a record that is missing or withdrawn, or does not match the withdrawals in the archive.",
        "Download the release again; rebuild it with `techpact release` if you produced it.";
    ReleaseBadArchive = "release/bad-archive", Error,
        "The archive is not a valid gzip-compressed tar file, or unpacks to more than the size limit.",
        "Download the archive again.";
}

impl Code {
    /// The code whose stable name is `name`.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One thing a check found, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// The path, relative to the repository (or as given on the command line).
    pub file: String,
    /// 1-based line of the offending value; 0 when the finding is about the whole file.
    pub line: u32,
    /// 1-based column (in characters) of the offending value; 0 with line 0.
    pub column: u32,
    /// JSON pointer inside the record; empty for the whole document.
    pub pointer: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// For schema findings, the schema keyword that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
}

impl Finding {
    /// A finding of `code` with the code's severity, located at `line`:`column`.
    pub fn new(
        code: Code,
        file: impl Into<String>,
        (line, column): (u32, u32),
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            file: file.into(),
            line,
            column,
            pointer: pointer.into(),
            message: message.into(),
            keyword: None,
        }
    }

    /// The same finding, naming the schema keyword that failed.
    pub fn with_keyword(mut self, keyword: impl Into<String>) -> Finding {
        self.keyword = Some(keyword.into());
        self
    }

    /// The order findings are reported in: findings about the layout of the
    /// data directory first (a misnamed folder explains the dangling
    /// references that follow), then by file, position and code.
    pub fn sort_key(&self) -> (bool, &str, u32, u32, Code, &str, &str) {
        (
            !matches!(self.code, Code::LayoutUnexpectedEntry | Code::LayoutEmpty),
            &self.file,
            self.line,
            self.column,
            self.code,
            &self.pointer,
            &self.message,
        )
    }
}

/// What the `files` and `records` of a summary count, so the human summary
/// can say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Entries of a data directory, of which `record_files` are record
    /// files; records that passed their schema.
    Data {
        /// Record files among the entries.
        record_files: usize,
    },
    /// Files of a release: `loose` ones (the archive itself, or the files of
    /// a release folder), and the `archive_files` inside the archive.
    Release {
        /// Files outside the archive, the archive counted.
        loose: usize,
        /// Files inside the archive.
        archive_files: usize,
    },
    /// Committed schema files.
    Schemas,
}

impl Default for Counted {
    fn default() -> Counted {
        Counted::Data { record_files: 0 }
    }
}

/// Counts over a set of findings, as `--format json` and the human summary show them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files looked at.
    pub files: usize,
    /// Records loaded.
    pub records: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings per code name.
    pub by_code: BTreeMap<&'static str, usize>,
    /// What `files` and `records` count.
    #[serde(skip)]
    pub counted: Counted,
    /// With `--evidence`: what became of the quotes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<QuoteCounts>,
}

/// The quotes of a check with evidence, by what became of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QuoteCounts {
    /// Found in the text of the source they cite.
    pub proven: usize,
    /// Not in the text of the source they cite (`source/quote-not-found`).
    pub not_found: usize,
    /// Citing a pinned source whose text is in no evidence folder.
    pub without_text: usize,
    /// Citing a source that pins no text, so no run can prove them.
    pub unpinned: usize,
    /// The pinned sources whose text is in no evidence folder.
    pub sources_without_text: std::collections::BTreeSet<String>,
}

impl Summary {
    /// Counts `findings` over a run that looked at `files` files and `records` records.
    pub fn of(findings: &[Finding], files: usize, records: usize) -> Summary {
        let mut summary = Summary {
            files,
            records,
            counted: Counted::Data {
                record_files: files,
            },
            ..Summary::default()
        };
        for f in findings {
            match f.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
            }
            *summary.by_code.entry(f.code.name()).or_default() += 1;
        }
        summary
    }

    /// The same counts, saying they count `counted`.
    pub fn counting(mut self, counted: Counted) -> Summary {
        self.counted = counted;
        self
    }
}

/// Sorts findings into report order and drops exact repeats.
pub fn normalize(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}
