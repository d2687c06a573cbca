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
    // On disk before it takes its name: a crash never leaves a final name
    // on a truncated artifact.
    file.as_file()
        .sync_all()
        .map_err(|e| Error::io("writing", &path, e))?;
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
