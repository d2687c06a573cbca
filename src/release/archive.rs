//! The deterministic `.tar.gz` writer.
//!
//! The archive must be the same bytes for the same commit on any machine, so
//! nothing in it comes from the local file system: entries are given as
//! (path, bytes), folders are derived from the paths, entries are sorted
//! folder before content, every entry is a ustar header with the commit time
//! as mtime, uid and gid 0, empty owner names and fixed modes (0755 folders,
//! 0644 files), and the gzip header carries neither a time nor a file name.

use std::collections::BTreeSet;
use std::io::Write;

use flate2::{Compression, GzBuilder};

use crate::error::{Error, Result};

/// Mode of every folder entry.
pub const DIR_MODE: u32 = 0o755;
/// Mode of every file entry.
pub const FILE_MODE: u32 = 0o644;

/// The gzip-compressed tar archive of `files` (paths with `/` separators,
/// relative, without `.` or `..`), every entry dated `mtime`.
pub fn build(files: &[(String, Vec<u8>)], mtime: u64) -> Result<Vec<u8>> {
    let mut entries: Vec<(Vec<&str>, Option<&[u8]>)> = Vec::new();
    let mut folders = BTreeSet::new();
    for (path, bytes) in files {
        let parts: Vec<&str> = path.split('/').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == "..")
        {
            return Err(Error::Other(format!(
                "`{path}` cannot go into a release archive: it is not a plain relative path"
            )));
        }
        for depth in 1..parts.len() {
            folders.insert(parts[..depth].to_vec());
        }
        entries.push((parts, Some(bytes.as_slice())));
    }
    entries.extend(folders.into_iter().map(|f| (f, None)));
    // Comparing component lists puts a folder right before its contents.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(pair) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::Other(format!(
            "`{}` would appear twice in the release archive",
            pair[0].0.join("/")
        )));
    }

    let gzip = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::default());
    let mut tar = tar::Builder::new(gzip);
    for (parts, content) in &entries {
        let path = parts.join("/");
        let header = header(&path, content.map(<[u8]>::len), mtime)?;
        tar.append(&header, content.unwrap_or_default())
            .map_err(|e| Error::Other(format!("writing `{path}` into the archive: {e}")))?;
    }
    let mut gzip = tar
        .into_inner()
        .map_err(|e| Error::Other(format!("finishing the archive: {e}")))?;
    gzip.flush()
        .map_err(|e| Error::Other(format!("compressing the archive: {e}")))?;
    gzip.finish()
        .map_err(|e| Error::Other(format!("compressing the archive: {e}")))
}

/// The ustar header of one entry: a file of `size` bytes, or a folder when `size` is `None`.
fn header(path: &str, size: Option<usize>, mtime: u64) -> Result<tar::Header> {
    let mut header = tar::Header::new_ustar();
    let too_long =
        |e: std::io::Error| Error::Other(format!("`{path}` cannot go into a ustar archive: {e}"));
    header.set_path(path).map_err(too_long)?;
    match size {
        Some(size) => {
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(FILE_MODE);
            header.set_size(size as u64);
        }
        None => {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(DIR_MODE);
            header.set_size(0);
            mark_as_folder(&mut header);
        }
    }
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    header.set_username("").map_err(too_long)?;
    header.set_groupname("").map_err(too_long)?;
    header.set_device_major(0).map_err(too_long)?;
    header.set_device_minor(0).map_err(too_long)?;
    header.set_cksum();
    Ok(header)
}

/// Folder names end in `/` in the archive, as `tar` itself writes them.
fn mark_as_folder(header: &mut tar::Header) {
    if let Some(ustar) = header.as_ustar_mut() {
        let len = ustar
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(ustar.name.len());
        if len > 0 && len < ustar.name.len() && ustar.name[len - 1] != b'/' {
            ustar.name[len] = b'/';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn listing(archive: &[u8]) -> Vec<(String, u64, u32, u64, u64)> {
        let mut out = Vec::new();
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
        for entry in tar.entries().unwrap() {
            let mut entry = entry.unwrap();
            let h = entry.header().clone();
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            out.push((
                String::from_utf8(h.path_bytes().to_vec()).unwrap(),
                h.mtime().unwrap(),
                h.mode().unwrap(),
                h.uid().unwrap(),
                body.len() as u64,
            ));
        }
        out
    }

    #[test]
    fn sorted_with_folders_first_and_fixed_metadata() {
        let files = vec![
            ("schema/labs.schema.json".to_string(), b"{}".to_vec()),
            ("data/labs/b.json".to_string(), b"{}\n".to_vec()),
            ("manifest.json".to_string(), b"{}".to_vec()),
            ("data/labs/a.json".to_string(), b"{}\n".to_vec()),
        ];
        let archive = build(&files, 1_700_000_000).unwrap();
        let names: Vec<String> = listing(&archive).into_iter().map(|e| e.0).collect();
        assert_eq!(
            names,
            [
                "data/",
                "data/labs/",
                "data/labs/a.json",
                "data/labs/b.json",
                "manifest.json",
                "schema/",
                "schema/labs.schema.json"
            ]
        );
        for (name, mtime, mode, uid, _) in listing(&archive) {
            assert_eq!(mtime, 1_700_000_000);
            assert_eq!(uid, 0);
            assert_eq!(
                mode,
                if name.ends_with('/') { 0o755 } else { 0o644 },
                "{name}"
            );
        }
        // gzip header: no name flag, no time.
        assert_eq!(archive[3], 0);
        assert_eq!(&archive[4..8], &[0, 0, 0, 0]);
        assert_eq!(build(&files, 1_700_000_000).unwrap(), archive);
    }

    #[test]
    fn long_paths_use_the_ustar_prefix() {
        let id = "a".repeat(80);
        let path = format!("data/talent-programs/{id}.json");
        let archive = build(&[(path.clone(), b"x".to_vec())], 0).unwrap();
        assert_eq!(listing(&archive).last().unwrap().0, path);
    }

    #[test]
    fn refuses_unsafe_or_repeated_paths() {
        assert!(build(&[("../x".to_string(), Vec::new())], 0).is_err());
        assert!(build(&[("/x".to_string(), Vec::new())], 0).is_err());
        let twice = vec![("a".to_string(), Vec::new()), ("a".to_string(), Vec::new())];
        assert!(build(&twice, 0).is_err());
    }
}
