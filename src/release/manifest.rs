//! What a release holds and how its files are named: the artifact names, the
//! `manifest.json` document, and the `SHA256SUMS` list. `release` writes
//! them; `verify` reads them back, so both sides share these definitions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The dataset's name in artifact names and in the manifest.
pub use crate::snapshot::{NAME, version_of_archive_name};

/// The manifest's file name, inside the archive and beside it.
pub const MANIFEST: &str = "manifest.json";

/// The checksum list's file name.
pub const SUMS: &str = "SHA256SUMS";

/// The changes as Markdown.
pub const CHANGES_MD: &str = "CHANGES.md";

/// The changes as JSON.
pub const CHANGES_JSON: &str = "changes.json";

/// Every withdrawn id and the id to use now.
pub const REDIRECTS: &str = "redirects.json";

/// The version of the manifest's own layout, raised when a field changes meaning.
pub const MANIFEST_FORMAT: u32 = 1;

/// `techpact-data-<version>.tar.gz`
pub fn archive_name(version: &str) -> String {
    format!("{NAME}-{version}.tar.gz")
}

/// `techpact-data-<version>.json`
pub fn document_name(version: &str) -> String {
    format!("{NAME}-{version}.json")
}

/// `techpact-data-<version>.jsonl`
pub fn jsonl_name(version: &str) -> String {
    format!("{}-{version}.jsonl", NAME)
}

/// `techpact-data-<version>-csv.tar.gz`
pub fn csv_name(version: &str) -> String {
    format!("{}-{version}-csv.tar.gz", NAME)
}

/// `techpact-data-<version>.sqlite`
pub fn sqlite_name(version: &str) -> String {
    format!("{}-{version}.sqlite", NAME)
}

/// `techpact-site-<version>.tar.gz`
pub fn site_name(version: &str) -> String {
    format!("techpact-site-{version}.tar.gz")
}

/// Every artifact of a release except `SHA256SUMS`, which lists them, in the
/// order `SHA256SUMS` lists them.
pub fn artifact_names(version: &str) -> [String; 10] {
    [
        archive_name(version),
        document_name(version),
        MANIFEST.to_string(),
        CHANGES_MD.to_string(),
        CHANGES_JSON.to_string(),
        REDIRECTS.to_string(),
        jsonl_name(version),
        csv_name(version),
        sqlite_name(version),
        site_name(version),
    ]
}

/// `manifest.json`: what the archive holds, so that a lone archive can be
/// checked. Every file of the archive except the manifest itself is listed
/// with its SHA-256, under `schemas` or `files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout version of this document.
    pub manifest_format: u32,
    /// Always `techpact-data`.
    pub name: String,
    /// The release's semantic version, without a leading `v`.
    pub version: String,
    /// The git commit the release was built from.
    pub commit: String,
    /// The commit's committer time, RFC 3339 in UTC.
    pub commit_time: String,
    /// The same time in seconds since the Unix epoch; every archive entry carries it.
    pub commit_timestamp: i64,
    /// The previous release's tag, when there is one.
    pub previous: Option<String>,
    /// Records per collection, every collection listed.
    pub records: BTreeMap<String, usize>,
    /// SHA-256 of each schema file, by collection: the schema's version.
    pub schemas: BTreeMap<String, String>,
    /// SHA-256 of every record file, by path in the archive (`data/<collection>/<id>.json`).
    pub files: BTreeMap<String, String>,
    /// The licences of the data and of the code, as SPDX expressions;
    /// empty in manifests written before they were named.
    #[serde(default)]
    pub licenses: Licenses,
    /// SHA-256 of `redirects.json`, which the release carries beside the archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirects: Option<String>,
    /// SHA-256 of each consumer format shipped beside the archive (JSON
    /// Lines, CSV, SQLite, the site), by file name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub artifacts: BTreeMap<String, String>,
}

/// The licences a release is published under.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licenses {
    /// The data's: `CC0-1.0` (quotes remain their authors').
    pub data: String,
    /// The code's: `MIT OR Apache-2.0`.
    pub code: String,
}

impl Licenses {
    /// The licences of this release: the data's and the crate's.
    pub fn current() -> Licenses {
        Licenses {
            data: crate::export::DATA_LICENSE.to_string(),
            code: env!("CARGO_PKG_LICENSE").to_string(),
        }
    }
}

impl Manifest {
    /// The path in the archive of the schema of `collection`.
    pub fn schema_path(collection: &str) -> String {
        format!("schema/{collection}.schema.json")
    }
}

/// `SHA256SUMS` text for `(name, sha256)` pairs, in the format `sha256sum -c`
/// reads: `<hex>  <name>` per line.
pub fn sums_text<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    entries
        .into_iter()
        .map(|(name, hash)| format!("{hash}  {name}\n"))
        .collect()
}

/// One line of `SHA256SUMS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumLine {
    /// 1-based line number.
    pub line: u32,
    /// The lowercase hex SHA-256.
    pub hash: String,
    /// The file name.
    pub name: String,
    /// 1-based column where the name starts.
    pub name_column: u32,
}

/// Parses `SHA256SUMS` text; a malformed line comes back as `Err((line, why))`.
/// Both the text (`<hex>  <name>`) and binary (`<hex> *<name>`) forms are read.
pub fn parse_sums(text: &str) -> Vec<Result<SumLine, (u32, String)>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let malformed = || (number, "is not `<sha256 hex>  <file name>`".to_string());
            let (hash, rest) = line.split_at_checked(64).ok_or_else(malformed)?;
            if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(malformed());
            }
            let name = rest
                .strip_prefix("  ")
                .or_else(|| rest.strip_prefix(" *"))
                .filter(|n| !n.is_empty())
                .ok_or_else(malformed)?;
            Ok(SumLine {
                line: number,
                hash: hash.to_ascii_lowercase(),
                name: name.to_string(),
                name_column: 67,
            })
        })
        .collect()
}

pub use crate::format::rfc3339_utc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times_like_date_does() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        // `date -u -d @1744187400 +%FT%TZ`
        assert_eq!(rfc3339_utc(1_744_187_400), "2025-04-09T08:30:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn reads_what_it_writes() {
        let hash = "a".repeat(64);
        let text = sums_text([("x.tar.gz", hash.as_str())]);
        assert_eq!(text, format!("{hash}  x.tar.gz\n"));
        let parsed = parse_sums(&format!("{text}\n{hash} *b.json\nnot a line\n"));
        assert_eq!(parsed[0].as_ref().unwrap().name, "x.tar.gz");
        assert_eq!(parsed[1].as_ref().unwrap().name, "b.json");
        assert_eq!(parsed[1].as_ref().unwrap().line, 3);
        assert_eq!(
            parsed[2],
            Err((4, "is not `<sha256 hex>  <file name>`".to_string()))
        );
    }

    #[test]
    fn archive_names_round_trip() {
        assert_eq!(
            version_of_archive_name(&archive_name("1.2.0-rc.1")),
            Some("1.2.0-rc.1")
        );
        assert_eq!(version_of_archive_name("other.tar.gz"), None);
        assert_eq!(version_of_archive_name(&csv_name("1.2.0")), None);
    }
}
