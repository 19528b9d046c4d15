//! CoNLL-U (Universal Dependencies v2) into strata documents and back, byte
//! for byte (`spec/CONLLU.md`).
//!
//! A `.conllu` file becomes one document per `# newdoc` (or one document
//! when it has none). The document text is rebuilt from the word forms and
//! `SpaceAfter=No`, one sentence per line; layers `sentence`, `paragraph`,
//! `token` (surface tokens: a multiword token is one span) and `word`
//! (syntactic words, multiword parts and empty nodes included) hold the
//! rest, with dependency arcs as relations of `word`. Only what cannot be
//! derived is stored, so a corpus stays small: see the spec for the rules.
//!
//! # Overview of types
//! - [`Reader`] reads documents one at a time from any `BufRead`, holding
//!   one document and one sentence of input, never the whole file, and at
//!   most [`STRING_MEMORY`] bytes of the strings it has seen. It yields
//!   a [`Parsed`] document (with the sentences that had errors left out and
//!   reported) or a [`Rejected`] one. [`Reader::next_built`] is the fast
//!   path to a strata file: it leaves the document in a
//!   [`strata_format::DocBuilder`] (columns and interned strings, no
//!   allocation per value) for `Writer::add_built`, with a [`Report`] of its
//!   problems; the iterator derives its documents from the same builder.
//! - [`Chunker`] cuts input into [`Chunk`]s of whole documents, to read on
//!   several threads: a chunk's reader gives what a reader of the whole
//!   input gives for those documents, ids and line numbers included.
//! - [`write_document`] writes a document as CoNLL-U: the original bytes for
//!   a document that came from CoNLL-U, valid CoNLL-U (words = tokens) for
//!   any other document with `sentence` and `token` layers.
//! - [`write_doc`] writes a document of a strata file the same way, reading
//!   it in place (no `to_owned` copy): the fast path of an export;
//!   [`DocWriter`] does it for the documents of a corpus in turn.
//! - [`Problem`]: an error or warning at a line and column of the input.
//!
//! ```
//! use strata_conllu::{write_document, Reader};
//! let input = "# sent_id = 1\n# text = Hi there.\n\
//!     1\tHi\thi\tINTJ\tUH\t_\t0\troot\t0:root\t_\n\
//!     2\tthere\tthere\tADV\tRB\t_\t1\tadvmod\t1:advmod\tSpaceAfter=No\n\
//!     3\t.\t.\tPUNCT\t.\t_\t1\tpunct\t1:punct\t_\n\n";
//! let mut reader = Reader::new(input.as_bytes(), "example");
//! let parsed = reader.next().unwrap().unwrap();
//! assert!(parsed.errors.is_empty() && parsed.warnings.is_empty());
//! assert_eq!(parsed.document.id, "example");
//! assert_eq!(parsed.document.text, "Hi there.\n");
//! let mut out = String::new();
//! write_document(&parsed.document, &mut out).unwrap();
//! assert_eq!(out, input);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod chunk;
mod read;
mod rules;
mod view;
mod write;

pub use crate::chunk::{Chunk, ChunkInput, Chunker};
pub use crate::read::{Parsed, Reader, Rejected, Report, STRING_MEMORY};
pub use crate::write::{write_doc, write_document, DocWriter, WriteError};

/// Layer names (spec/CONLLU.md section 3).
pub mod names {
    /// Sentences: spans over each sentence's text.
    pub const SENTENCE: &str = "sentence";
    /// Paragraphs, from `# newpar`.
    pub const PARAGRAPH: &str = "paragraph";
    /// Surface tokens: a multiword token is one span.
    pub const TOKEN: &str = "token";
    /// Syntactic words: multiword-token parts and empty nodes included.
    pub const WORD: &str = "word";
}

/// A problem at a place in the input (line and column from 1, columns in
/// characters).
pub use strata_format::Problem;
