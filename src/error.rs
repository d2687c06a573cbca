//! The error type for a run that could not happen (as opposed to a finding
//! about the data): a missing data directory, an unreadable repository, a
//! failed write. These map to exit status 2.

use std::fmt;
use std::path::PathBuf;

/// Why a command could not run.
#[derive(Debug)]
pub enum Error {
    /// An I/O operation on `path` failed.
    Io {
        /// What was being done, such as "reading".
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The command's input is not usable; the message says why and what to do.
    Usage(String),
    /// A git operation failed.
    Git(String),
    /// Anything else that stopped the run; the message says what.
    Other(String),
}

impl Error {
    /// An I/O error while doing `action` on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "{action} {}: {source}", path.display()),
            Error::Usage(m) | Error::Git(m) | Error::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The result of a command.
pub type Result<T> = std::result::Result<T, Error>;
