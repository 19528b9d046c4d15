//! The one error type of this crate.

use std::fmt;
use std::io;

/// A specialized `Result` for strata operations.
pub type Result<T> = std::result::Result<T, Error>;

/// An error from writing, opening, reading or verifying a strata file.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing the underlying bytes failed.
    Io(io::Error),
    /// The bytes do not start (or end) with the strata magic.
    BadMagic {
        /// Absolute offset of the magic that did not match.
        offset: u64,
    },
    /// The file was written in a version this reader does not read.
    Version {
        /// The oldest version this reader reads.
        oldest: u32,
        /// The newest version this reader reads.
        newest: u32,
        /// The version the file says it is.
        got: u32,
    },
    /// A structure runs past the end of its section or file.
    Truncated {
        /// The section being read (`"file"` for the header and footer).
        section: &'static str,
        /// Absolute offset where decoding stopped.
        offset: u64,
        /// Bytes needed from that offset.
        needed: u64,
    },
    /// A checksum does not match the bytes it covers.
    ChecksumMismatch {
        /// The section (`"file"` for the whole-file checksum).
        section: &'static str,
        /// The checksum stored in the file.
        expected: u32,
        /// The checksum of the bytes as they are.
        got: u32,
    },
    /// A value breaks a rule of the format.
    Corrupt {
        /// The section being read.
        section: &'static str,
        /// Absolute offset of the bad value.
        offset: u64,
        /// What rule it breaks.
        what: String,
    },
    /// A document given to the writer breaks a rule of the data model; the
    /// writer skipped it and can go on.
    InvalidDocument {
        /// The document's id.
        id: String,
        /// What is wrong with it.
        what: String,
    },
    /// The caller asked for something that does not exist.
    NotFound {
        /// What was asked for.
        what: String,
    },
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// The absolute byte offset the error refers to, when it refers to one.
    pub fn offset(&self) -> Option<u64> {
        match *self.0 {
            ErrorKind::BadMagic { offset }
            | ErrorKind::Truncated { offset, .. }
            | ErrorKind::Corrupt { offset, .. } => Some(offset),
            _ => None,
        }
    }

    /// Whether the writer rejected one document and can go on writing.
    pub fn is_invalid_document(&self) -> bool {
        matches!(*self.0, ErrorKind::InvalidDocument { .. })
    }

    pub(crate) fn corrupt(section: &'static str, offset: u64, what: impl Into<String>) -> Error {
        Error::from(ErrorKind::Corrupt { section, offset, what: what.into() })
    }

    pub(crate) fn truncated(section: &'static str, offset: u64, needed: u64) -> Error {
        Error::from(ErrorKind::Truncated { section, offset, needed })
    }

    pub(crate) fn invalid_document(id: &str, what: impl Into<String>) -> Error {
        Error::from(ErrorKind::InvalidDocument { id: id.to_string(), what: what.into() })
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Error {
        Error::from(ErrorKind::Io(err))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Io(err) => write!(f, "I/O error: {err}"),
            ErrorKind::BadMagic { offset } => write!(
                f,
                "not a strata file: expected the strata magic at byte {offset}, found other bytes \
                 (a different file type, or a truncated strata file)"
            ),
            ErrorKind::Version { oldest, newest, got } => write!(
                f,
                "unsupported format version: expected {oldest} to {newest}, found {got} \
                 (upgrade strata to read newer files)"
            ),
            ErrorKind::Truncated { section, offset, needed } => write!(
                f,
                "truncated {section} section: expected {needed} more bytes at byte {offset}, \
                 found the end"
            ),
            ErrorKind::ChecksumMismatch { section, expected, got } => write!(
                f,
                "checksum mismatch in {section}: expected {expected:#010x}, found {got:#010x} \
                 (the file was damaged after it was written)"
            ),
            ErrorKind::Corrupt { section, offset, what } => {
                write!(f, "corrupt {section} section at byte {offset}: {what}")
            }
            ErrorKind::InvalidDocument { id, what } => {
                write!(f, "document {id:?} rejected: {what}")
            }
            ErrorKind::NotFound { what } => write!(f, "not found: {what}"),
        }
    }
}
