//! The deterministic `.tar.gz` writer.
//!
//! The archive must be the same bytes for the same commit on any machine, so
//! nothing in it comes from the local file system: entries are given as
//! (path, bytes), folders are derived from the paths, entries are sorted
//! folder before content (`order`; a `Writer` takes them one by one in that
//! order, so their bytes can be made as they are written), every entry is a
//! ustar header with the commit time as mtime, uid and gid 0, empty owner
//! names and fixed modes (0755 folders, 0644 files), and the gzip header
//! carries neither a time nor a file name.
//!
//! The tar stream is compressed as it is written, in blocks of a fixed size
//! compressed in parallel (as `pigz` does): each block is an independent
//! deflate stream ended by a sync flush, the blocks are written in order and
//! closed by one final empty block, in one gzip member whose checksum
//! combines the blocks'. Every gzip reader reads it as one member, and the
//! bytes depend only on the input and the block size, never on how many
//! threads compressed it or in which order they finished.

use std::collections::BTreeSet;
use std::io::Write;

use flate2::{Compress, Compression, Crc, FlushCompress};
use rayon::prelude::*;

use crate::error::{Error, Result};

/// Mode of every folder entry.
pub const DIR_MODE: u32 = 0o755;
/// Mode of every file entry.
pub const FILE_MODE: u32 = 0o644;

/// The gzip-compressed tar archive of `files` (paths with `/` separators,
/// relative, without `.` or `..`), every entry dated `mtime`.
pub fn build(files: &[(String, Vec<u8>)], mtime: u64) -> Result<Vec<u8>> {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    write(&borrowed, mtime, Vec::new())
}

/// Writes the gzip-compressed tar archive of `files` into `out` as it is
/// built, and returns `out`; see `build`.
pub fn write<W: Write>(files: &[(&str, &[u8])], mtime: u64, out: W) -> Result<W> {
    let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    let mut writer = Writer::new(out, mtime)?;
    for (path, file) in order(&paths)? {
        match file {
            None => writer.folder(&path)?,
            Some(i) => writer.file(&path, files[i].1)?,
        }
    }
    writer.finish()
}

/// A `.tar.gz` written entry by entry, in the order `order` gives: for an
/// archive whose bodies are made as it is written, never all held at once.
pub struct Writer<W: Write> {
    tar: tar::Builder<BlockGz<W>>,
    mtime: u64,
}

impl<W: Write> Writer<W> {
    /// An archive into `out`, every entry dated `mtime`.
    pub fn new(out: W, mtime: u64) -> Result<Writer<W>> {
        let gzip = BlockGz::new(out, BLOCK).map_err(compressing)?;
        Ok(Writer {
            tar: tar::Builder::new(gzip),
            mtime,
        })
    }

    /// Adds the folder `path`.
    pub fn folder(&mut self, path: &str) -> Result<()> {
        let header = header(path, None, self.mtime)?;
        self.tar
            .append(&header, &[][..])
            .map_err(|e| Error::Other(format!("writing `{path}` into the archive: {e}")))
    }

    /// Adds the file `path` holding `bytes`.
    pub fn file(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let header = header(path, Some(bytes.len()), self.mtime)?;
        self.tar
            .append(&header, bytes)
            .map_err(|e| Error::Other(format!("writing `{path}` into the archive: {e}")))
    }

    /// Adds the file `path` of `len` bytes, written by `fill` straight into
    /// the archive: an error when `fill` writes any other number of bytes.
    pub fn file_with(
        &mut self,
        path: &str,
        len: usize,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let header = header(path, Some(len), self.mtime)?;
        let failed =
            |e: std::io::Error| Error::Other(format!("writing `{path}` into the archive: {e}"));
        let out = self.tar.get_mut();
        out.write_all(header.as_bytes()).map_err(failed)?;
        let mut counted = Counting {
            inner: &mut *out,
            bytes: 0,
        };
        fill(&mut counted)?;
        if counted.bytes != len {
            return Err(Error::Other(format!(
                "writing `{path}` into the archive: {} bytes came where its header says {len}",
                counted.bytes
            )));
        }
        // A file's bytes are padded to whole blocks of 512, as `tar` pads them.
        let padding = (512 - len % 512) % 512;
        out.write_all(&[0u8; 512][..padding]).map_err(failed)
    }

    /// Ends the archive and returns `out`.
    pub fn finish(self) -> Result<W> {
        let gzip = self
            .tar
            .into_inner()
            .map_err(|e| Error::Other(format!("finishing the archive: {e}")))?;
        gzip.finish().map_err(compressing)
    }
}

/// A writer counting what passes through it.
pub struct Counting<W: Write> {
    /// Where the bytes go.
    pub inner: W,
    /// How many went.
    pub bytes: usize,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn compressing(e: std::io::Error) -> Error {
    Error::Other(format!("compressing the archive: {e}"))
}

/// The entries of an archive of the files `paths`, with every folder above
/// them, sorted folder before content: each entry's path and the index of
/// its file in `paths` (`None` for a folder). An error for a path that is
/// not plain or that repeats.
pub fn order(paths: &[&str]) -> Result<Vec<(String, Option<usize>)>> {
    let mut entries: Vec<(Vec<&str>, Option<usize>)> = Vec::new();
    let mut folders = BTreeSet::new();
    for (i, path) in paths.iter().enumerate() {
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
        entries.push((parts, Some(i)));
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
    Ok(entries
        .into_iter()
        .map(|(parts, file)| (parts.join("/"), file))
        .collect())
}

/// The size of the blocks compressed independently: large enough that the
/// compression lost at block boundaries is negligible, small enough that a
/// few of them keep every core busy.
pub const BLOCK: usize = 1 << 20;

/// How many blocks are gathered before they are compressed together; the
/// memory a compression holds is about twice this many blocks.
const BATCH: usize = 8;

/// The gzip header: no file name, no time, no extra flags, unknown system
/// (what `flate2::GzBuilder` writes with `mtime(0)` at the default level).
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// A final, empty deflate block with fixed codes: the end of the stream.
const FINAL_BLOCK: [u8; 2] = [0x03, 0x00];

/// A gzip writer that compresses fixed-size blocks of its input in parallel
/// and writes them in order into `out`; `finish` closes the stream.
pub struct BlockGz<W: Write> {
    out: W,
    block: usize,
    pending: Vec<u8>,
    batch: Vec<Vec<u8>>,
    crc: Crc,
    total: u64,
}

impl<W: Write> BlockGz<W> {
    /// A writer into `out` compressing blocks of `block` bytes; the gzip
    /// header is written at once.
    pub fn new(mut out: W, block: usize) -> std::io::Result<BlockGz<W>> {
        out.write_all(&GZIP_HEADER)?;
        Ok(BlockGz {
            out,
            block: block.max(1),
            pending: Vec::new(),
            batch: Vec::new(),
            crc: Crc::new(),
            total: 0,
        })
    }

    /// Compresses the gathered blocks in parallel and writes them in order.
    fn drain(&mut self) -> std::io::Result<()> {
        let batch = std::mem::take(&mut self.batch);
        let compressed: Vec<(std::io::Result<Vec<u8>>, Crc)> = batch
            .par_iter()
            .map(|block| {
                let mut crc = Crc::new();
                crc.update(block);
                (deflate_block(block), crc)
            })
            .collect();
        for (bytes, crc) in compressed {
            self.out.write_all(&bytes?)?;
            self.crc.combine(&crc);
        }
        Ok(())
    }

    /// Compresses what is left, ends the stream with the checksum and the
    /// length, and returns `out`.
    pub fn finish(mut self) -> std::io::Result<W> {
        if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            self.batch.push(last);
        }
        self.drain()?;
        self.out.write_all(&FINAL_BLOCK)?;
        self.out.write_all(&self.crc.sum().to_le_bytes())?;
        // ISIZE is the length modulo 2^32.
        self.out.write_all(&(self.total as u32).to_le_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for BlockGz<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pending.capacity() == 0 {
            self.pending.reserve_exact(self.block);
        }
        let take = buf.len().min(self.block - self.pending.len());
        self.pending.extend_from_slice(&buf[..take]);
        self.total += take as u64;
        if self.pending.len() == self.block {
            let full = std::mem::take(&mut self.pending);
            self.batch.push(full);
            if self.batch.len() == BATCH {
                self.drain()?;
            }
        }
        Ok(take)
    }

    /// Blocks are cut by size only, so a flush writes nothing early.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `block` as a raw deflate stream ended by a sync flush, not final: such
/// streams concatenate into one. The compressor writes into a scratch
/// buffer of a fixed size, so the bytes never depend on how the output
/// vector grows.
fn deflate_block(block: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut compress = Compress::new(Compression::default(), false);
    let mut out = Vec::with_capacity(block.len() / 2 + 1024);
    let mut scratch = vec![0u8; 64 * 1024];
    loop {
        let read = usize::try_from(compress.total_in()).unwrap_or(usize::MAX);
        let before = compress.total_out();
        compress
            .compress(
                &block[read.min(block.len())..],
                &mut scratch,
                FlushCompress::Sync,
            )
            .map_err(std::io::Error::other)?;
        let written = usize::try_from(compress.total_out() - before).unwrap_or(scratch.len());
        out.extend_from_slice(&scratch[..written]);
        let done = usize::try_from(compress.total_in()).unwrap_or(usize::MAX) == block.len();
        // The flush is complete once it leaves room in the scratch buffer.
        if done && written < scratch.len() {
            return Ok(out);
        }
    }
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

    /// Bytes that compress somewhat, like records do, but not to nothing.
    fn sample(len: usize) -> Vec<u8> {
        let mut state = 7u32;
        (0..len)
            .map(|i| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                if i % 3 == 0 {
                    (state >> 24) as u8
                } else {
                    b"{\"id\": "[i % 7]
                }
            })
            .collect()
    }

    fn block_gz(input: &[u8], block: usize, chunk: usize) -> Vec<u8> {
        let mut gz = BlockGz::new(Vec::new(), block).unwrap();
        for piece in input.chunks(chunk.max(1)) {
            gz.write_all(piece).unwrap();
        }
        gz.finish().unwrap()
    }

    #[test]
    fn blocks_make_one_gzip_member_holding_exactly_the_input() {
        for (len, block) in [
            (0, 16),
            (1, 16),
            (16, 16),
            (17, 16),
            (100_000, 4096),
            (50_000, 1 << 20),
        ] {
            let input = sample(len);
            let gz = block_gz(&input, block, 1000);
            // A reader of the first member only sees everything: one member.
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(gz.as_slice())
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, input, "{len} bytes in blocks of {block}");
            assert_eq!(&gz[..10], &GZIP_HEADER);
            assert_eq!(&gz[gz.len() - 4..], &(len as u32).to_le_bytes());
        }
    }

    #[test]
    fn blocks_are_cut_by_size_whatever_the_writes_and_threads() {
        let input = sample(300_000);
        let reference = block_gz(&input, 8192, 300_000);
        for chunk in [1, 511, 8192, 70_000] {
            assert_eq!(
                block_gz(&input, 8192, chunk),
                reference,
                "writes of {chunk}"
            );
        }
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(
                pool.install(|| block_gz(&input, 8192, 4096)),
                reference,
                "{threads} threads"
            );
        }
        // And it still compresses.
        assert!(reference.len() < input.len() * 3 / 4);
    }

    #[test]
    fn an_archive_of_many_blocks_holds_the_tar_of_its_entries() {
        let files: Vec<(String, Vec<u8>)> = (0..40)
            .map(|i| (format!("data/labs/l{i:02}.json"), sample(100_000 + i)))
            .collect();
        let archive = build(&files, 5).unwrap();
        let listed = listing(&archive);
        assert_eq!(listed.len(), 42);
        assert_eq!(listed[2].0, "data/labs/l00.json");
        assert_eq!(listed[41].4, 100_039);
        // The tar inside is what the tar crate writes for the same entries.
        let mut tar = Vec::new();
        flate2::read::GzDecoder::new(archive.as_slice())
            .read_to_end(&mut tar)
            .unwrap();
        let mut plain = tar::Builder::new(Vec::new());
        let borrowed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        let paths: Vec<&str> = borrowed.iter().map(|(p, _)| *p).collect();
        for (path, file) in order(&paths).unwrap() {
            let bytes = file.map_or(&[][..], |i| borrowed[i].1);
            let h = header(&path, file.map(|i| borrowed[i].1.len()), 5).unwrap();
            plain.append(&h, bytes).unwrap();
        }
        assert_eq!(tar, plain.into_inner().unwrap());
    }

    #[test]
    fn a_file_written_in_place_is_the_file_given_whole() {
        let body = sample(70_000);
        let whole = build(&[("d/f.json".to_string(), body.clone())], 7).unwrap();
        let in_place = |len: usize| {
            let mut writer = Writer::new(Vec::new(), 7).unwrap();
            writer.folder("d").unwrap();
            writer
                .file_with("d/f.json", len, |w| {
                    w.write_all(&body).map_err(|e| Error::Other(e.to_string()))
                })
                .and_then(|()| writer.finish())
        };
        assert_eq!(in_place(body.len()).unwrap(), whole);
        // A length other than what is written is refused, not archived.
        assert!(in_place(body.len() + 1).is_err());
        assert!(in_place(body.len() - 1).is_err());
    }

    #[test]
    fn refuses_unsafe_or_repeated_paths() {
        assert!(build(&[("../x".to_string(), Vec::new())], 0).is_err());
        assert!(build(&[("/x".to_string(), Vec::new())], 0).is_err());
        let twice = vec![("a".to_string(), Vec::new()), ("a".to_string(), Vec::new())];
        assert!(build(&twice, 0).is_err());
    }
}
