//! A problem at a place in a text input: what every parser of the toolkit
//! (tagged articles, SGML, CoNLL-U, brat) reports.

use std::fmt;

/// A problem at a place in an input. Lines and columns start at 1; columns
/// count characters, not bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Line in the input.
    pub line: u64,
    /// Column in that line.
    pub column: u64,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for Problem {}
