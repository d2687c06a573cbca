//! How a release writes its artifacts: each into a temporary file beside
//! its name, hashed as it is written, put in place only once every
//! artifact is complete.

use std::io::{BufWriter, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::Artifact;
use super::archive::Counting;
use crate::error::{Error, Result};
use crate::evidence;
use crate::format;

/// An artifact written to a temporary file, not yet in place.
pub struct Pending {
    /// Its name, size and SHA-256.
    pub artifact: Artifact,
    /// The temporary file beside its name.
    pub file: tempfile::NamedTempFile,
}

/// Writes the artifact `name` in the folder `out` with `fill`, hashing it
/// on the way.
pub fn write(
    out: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<Pending> {
    let path = out.join(name);
    let mut file = format::temporary_beside(&path)?;
    // Hashing takes the buffered writes in large pieces.
    let (hasher, bytes) = {
        let mut buffered = BufWriter::with_capacity(
            1 << 16,
            Hashing {
                inner: Counting {
                    inner: file.as_file_mut(),
                    bytes: 0,
                },
                hasher: Sha256::new(),
            },
        );
        fill(&mut buffered)?;
        let hashing = buffered
            .into_inner()
            .map_err(|e| Error::io("writing", &path, e.into_error()))?;
        (hashing.hasher, hashing.inner.bytes)
    };
    synced(name, file, bytes, hasher)
}

/// A temporary file beside the artifact `name` in the folder `out`, for a
/// writer that writes by path (SQLite), to be taken in by `adopt`.
#[cfg(feature = "sqlite")]
pub fn temporary(out: &Path, name: &str) -> Result<tempfile::NamedTempFile> {
    format::temporary_beside(&out.join(name))
}

/// The artifact `name`, already written to `file` (from `temporary`):
/// hashed by reading it back, and synced.
#[cfg(feature = "sqlite")]
pub fn adopt(out: &Path, name: &str, file: tempfile::NamedTempFile) -> Result<Pending> {
    let path = out.join(name);
    let mut reader = file.reopen().map_err(|e| Error::io("reading", &path, e))?;
    let mut hashing = Hashing {
        inner: std::io::sink(),
        hasher: Sha256::new(),
    };
    let bytes =
        std::io::copy(&mut reader, &mut hashing).map_err(|e| Error::io("reading", &path, e))?;
    let bytes = usize::try_from(bytes)
        .map_err(|_| Error::Other(format!("`{name}` is too large for this machine")))?;
    synced(name, file, bytes, hashing.hasher)
}

/// The artifact `name`, `bytes` long and hashed by `hasher`, once `file`
/// is on disk: a crash never leaves a final name on a truncated artifact.
fn synced(
    name: &str,
    file: tempfile::NamedTempFile,
    bytes: usize,
    hasher: Sha256,
) -> Result<Pending> {
    file.as_file()
        .sync_all()
        .map_err(|e| Error::io("writing", file.path(), e))?;
    Ok(Pending {
        artifact: Artifact {
            name: name.to_string(),
            bytes,
            sha256: evidence::hex(&hasher.finalize()),
        },
        file,
    })
}

/// Writes the artifact `name` holding `bytes` in the folder `out`.
pub fn write_bytes(out: &Path, name: &str, bytes: &[u8]) -> Result<Pending> {
    write(out, name, |w| {
        w.write_all(bytes)
            .map_err(|e| Error::io("writing", out.join(name), e))
    })
}

/// A writer that hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use std::io::Write;

    use super::{adopt, temporary, write_bytes};

    #[test]
    fn an_adopted_file_is_named_sized_and_hashed_as_one_written_through() {
        let out = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..200_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let written = write_bytes(out.path(), "a.bin", &bytes).unwrap();
        let mut file = temporary(out.path(), "b.bin").unwrap();
        assert_eq!(file.path().parent(), Some(out.path()));
        file.write_all(&bytes).unwrap();
        let adopted = adopt(out.path(), "b.bin", file).unwrap();
        assert_eq!(adopted.artifact.name, "b.bin");
        assert_eq!(adopted.artifact.bytes, bytes.len());
        assert_eq!(adopted.artifact.sha256, written.artifact.sha256);
        assert_eq!(std::fs::read(adopted.file.path()).unwrap(), bytes);
    }
}
