//! Read strata corpus files at memory speed, and write them safely.
//!
//! [`Corpus::open`] maps a file into memory and checks its header, footer
//! and directory: constant cost for 1 MB or 50 GB. Documents are decoded on
//! demand, and an uncompressed file's text is handed out as `&str` straight
//! from the map. [`AtomicFile`] writes a new corpus under a temporary name
//! and renames it into place, so a reader never sees half a file.
//!
//! # Overview of types
//! - [`Corpus`]: an opened file (a memory-mapped [`strata_format::Corpus`]).
//! - [`Doc`], [`LayerRef`], [`AttrRef`], [`SpanRef`]: borrowed views.
//! - [`WriterBuilder`], [`Writer`]: the streaming writer.
//! - [`AtomicFile`]: an output file that appears whole or not at all.
//!
//! # Example
//! ```no_run
//! # fn example() -> strata_reader::Result<()> {
//! // SAFETY: nothing truncates or rewrites the file while it is mapped.
//! let corpus = unsafe { strata_reader::Corpus::open("news.strata")? };
//! for doc in corpus.iter() {
//!     let doc = doc?;
//!     let paragraphs = doc.layer("paragraph").map_or(0, |l| l.len());
//!     println!("{}\t{}\t{paragraphs}", doc.index(), doc.id());
//! }
//! # Ok(()) }
//! ```
//!
//! # The fastest scans
//! The per-item accessors ([`LayerRef::span`], [`AttrRef::get`],
//! [`LayerRef::relation`]) check and decode one value per call. To visit
//! every word of a corpus, check the string dictionary once
//! ([`strata_format::Corpus::string_table`]) and decode each column of a
//! layer at once into buffers kept across documents: on the EWT treebank
//! this reads every word with its ten CoNLL-U columns at ~28 million words
//! per second on one core.
//!
//! ```no_run
//! # fn example() -> strata_reader::Result<()> {
//! // SAFETY: nothing truncates or rewrites the file while it is mapped.
//! let corpus = unsafe { strata_reader::Corpus::open("ewt.strata")? };
//! let table = corpus.string_table()?;
//! let (mut upos, mut heads, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
//! let mut nouns = 0;
//! for doc in corpus.iter() {
//!     let doc = doc?;
//!     let Some(words) = doc.layer("word") else { continue };
//!     if let Some(attr) = words.attr("upos") {
//!         attr.codes_into(&mut upos, &mut scratch)?;
//!         nouns += upos.iter().filter(|&&c| table.get(c) == Some("NOUN")).count();
//!     }
//!     // (from, to, label code): from is the head, to the dependent.
//!     words.relations_into(&mut heads, &mut scratch)?;
//! }
//! println!("{nouns} nouns");
//! # Ok(()) }
//! ```
//!
//! # Changing a mapped file
//! The map shows the file as it is on disk, not as it was when opened. If
//! another process truncates the file while it is mapped, reading the lost
//! pages raises `SIGBUS`; if it rewrites bytes in place, reads return the
//! new bytes, which may fail their checks (an error, not undefined
//! behaviour in this crate's code, but no longer the corpus you opened).
//! The `strata` tools never write in place: they write a new file and
//! rename it, which leaves existing maps on the old file intact.
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod atomic;

use std::fs::File;
use std::ops::Deref;
use std::path::Path;

pub use strata_format::{
    layout, AttrDef, AttrRef, AttrType, AttrValue, AttrValueRef, AttrValues, Column, CopyMap, Date, Doc, Docs,
    Document, Error, ErrorKind, FieldDef, FieldType, Layer, LayerDef, LayerRef, MetaIter, Relation, RelationRef,
    Result, Schema, SectionInfo, Span, SpanColumns, SpanRef, StrList, StringTable, Value, ValueRef, Writer,
    WriterBuilder,
};

pub use crate::atomic::AtomicFile;

/// Where a corpus's bytes live: a memory map of a file, or memory (bytes
/// read from standard input, or an empty file, which cannot be mapped).
pub enum Bytes {
    /// A read-only map of the whole file.
    Map(memmap2::Mmap),
    /// Bytes in memory.
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Map(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// A memory-mapped strata corpus. Dereferences to
/// [`strata_format::Corpus`], where the reading methods live: `len`, `doc`,
/// `by_id`, `iter`, `schema`, `verify`, `validate`.
///
/// `Corpus` is `Send + Sync`: any number of threads may read one at once.
pub struct Corpus {
    inner: strata_format::Corpus<Bytes>,
}

impl Corpus {
    /// Maps the file at `path` and checks its header, footer, directory and
    /// schema.
    ///
    /// Cost: one `open`, one `mmap` and a few page reads, the same for any
    /// file size; checksums are only checked by `verify`/`validate`.
    ///
    /// # Safety
    /// The file must not be truncated or modified while the corpus (or any
    /// view borrowed from it) is alive. Breaking this is undefined
    /// behaviour, and this is what it looks like in practice: if the file is
    /// truncated, reading a page past the new end raises `SIGBUS` and kills
    /// the process (no error can be returned); if it is rewritten in place,
    /// `&str` and other views already handed out change under their holders,
    /// and later reads see a mix of old and new bytes, which the checks may
    /// or may not catch. The `strata` tools never write a file in place: they
    /// write a new file and rename it over the old name, and a map of the
    /// old file keeps the old content until it is dropped. Other programs
    /// (an editor, `cp` or `>` over the file) must do the same.
    ///
    /// # Errors
    /// When the file cannot be opened or mapped, or is not a well-formed
    /// strata file.
    pub unsafe fn open(path: impl AsRef<Path>) -> Result<Corpus> {
        let file = File::open(path.as_ref())?;
        let len = file.metadata()?.len();
        let data = if len == 0 {
            Bytes::Owned(Vec::new())
        } else {
            // SAFETY: the caller promises that the file stays unchanged while
            // mapped, which is what `Mmap::map` requires.
            Bytes::Map(unsafe { memmap2::Mmap::map(&file)? })
        };
        Ok(Corpus { inner: strata_format::Corpus::from_bytes(data)? })
    }

    /// Decodes a corpus held in memory, such as one read from standard
    /// input. Same checks and cost as [`Corpus::open`].
    ///
    /// # Errors
    /// When the bytes are not a well-formed strata file.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Corpus> {
        Ok(Corpus { inner: strata_format::Corpus::from_bytes(Bytes::Owned(bytes))? })
    }
}

impl Deref for Corpus {
    type Target = strata_format::Corpus<Bytes>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn corpus_is_send_and_sync() {
        assert_send_sync::<Corpus>();
    }

    #[test]
    fn opens_a_written_file_and_rejects_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.strata");
        let mut out = AtomicFile::create(&path).unwrap();
        let mut wtr = WriterBuilder::new().build(&mut out).unwrap();
        let mut doc = Document::new("a", "Mending ties");
        doc.metadata.push(("title".into(), Value::Str("Mending ties".into())));
        wtr.add(&doc).unwrap();
        wtr.finish().unwrap();
        out.commit().unwrap();

        // SAFETY: the test owns the file and does not change it.
        let corpus = unsafe { Corpus::open(&path) }.unwrap();
        assert_eq!(corpus.len(), 1);
        assert_eq!(corpus.doc(0).unwrap().text().unwrap(), "Mending ties");
        assert!(corpus.validate().is_empty());

        let empty = dir.path().join("empty.strata");
        std::fs::write(&empty, b"").unwrap();
        // SAFETY: as above.
        let err = unsafe { Corpus::open(&empty) }.err().unwrap();
        assert!(matches!(err.kind(), ErrorKind::Truncated { .. }));
    }
}
