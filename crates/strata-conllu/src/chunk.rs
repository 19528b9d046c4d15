//! CoNLL-U input cut into chunks of whole documents, to read on several
//! threads: a [`Reader`] of each chunk, in turn, gives what one reader of the
//! whole input gives (documents, ids, errors, warnings, line numbers).
//!
//! A chunk may end only after the empty line that ends a sentence block,
//! when the next block starts a document (a `# newdoc` line among its
//! leading comment lines) and has been read whole: stray empty lines
//! between them go with the next chunk, as a whole-input reader reports
//! them with the next document.
//! Besides the bytes, three things carry from one chunk to the next, and the
//! [`Chunker`] follows them line by line as the reader does: the line
//! number, the number of documents started, and the column count of the
//! last valid `# global.columns` line.

use std::io::{BufRead, ErrorKind, Read};

use strata_format::DocBuilder;

use crate::read::{blank_line, declared_columns, find_line_feed, newdoc_line, plain_lines, Start};
use crate::Reader;

/// Cuts CoNLL-U input into [`Chunk`]s of about `target` bytes or more,
/// each ending where a document ends.
///
/// ```
/// use strata_conllu::Chunker;
/// let doc = |id: &str| format!("# newdoc id = {id}\n1\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_\n\n");
/// let input = doc("a") + &doc("b");
/// let mut ids = Vec::new();
/// for chunk in Chunker::new(input.as_bytes(), 1) {
///     let mut reader = chunk.reader("x", strata_format::DocBuilder::new());
///     while let Some(Ok(_)) = reader.next_built() {
///         ids.push(reader.builder().id().to_string());
///     }
/// }
/// assert_eq!(ids, ["a", "b"]);
/// ```
pub struct Chunker<R> {
    rdr: R,
    target: usize,
    /// The bytes of the chunk being cut.
    buf: Vec<u8>,
    /// The whole lines of `buf` looked at so far.
    scanned: usize,
    /// Where the chunk being cut starts.
    start: Start,
    /// Where a reader is after the lines looked at.
    now: Start,
    /// The lines looked at are inside a block (not blank).
    in_block: bool,
    /// ... and only comment lines of the block so far.
    leading: bool,
    /// The block has been counted as starting a document.
    counted: bool,
    /// The end of the last block's closing line, and where a reader is
    /// then: the place the chunk may end.
    cut: Option<(usize, Start)>,
    /// The cut before the block being read, which starts a document: made
    /// once the block is whole, as a reader of the whole input finishes a
    /// document only then (an input error before costs that document too).
    ready: Option<(usize, Start)>,
    done: bool,
    /// Buffers of chunks read, to cut the next chunks into: fresh memory
    /// costs more than filling it (the kernel clears every page).
    spare: Vec<Vec<u8>>,
}

/// Whole documents of CoNLL-U input, with where a reader of the whole input
/// would be at their start; see [`Chunker`].
#[derive(Debug)]
pub struct Chunk {
    bytes: Vec<u8>,
    start: Start,
    last: bool,
    /// The input error that ended the input after `bytes`.
    error: Option<std::io::Error>,
}

impl<R: BufRead> Chunker<R> {
    /// Chunks of `rdr`, each of at least `target` bytes where the input
    /// allows (a long document makes a long chunk; the last one may be
    /// shorter).
    pub fn new(rdr: R, target: usize) -> Chunker<R> {
        Chunker {
            rdr,
            target,
            buf: Vec::new(),
            scanned: 0,
            start: Start::INPUT,
            now: Start::INPUT,
            in_block: false,
            leading: false,
            counted: false,
            cut: None,
            ready: None,
            done: false,
            spare: Vec::new(),
        }
    }

    /// The underlying reader, for what it knows (such as bytes read).
    pub fn into_inner(self) -> R {
        self.rdr
    }

    /// Takes back the buffer of a chunk read ([`ChunkInput::into_bytes`]),
    /// to cut a later chunk into.
    pub fn reuse(&mut self, mut bytes: Vec<u8>) {
        if self.spare.len() < 16 {
            bytes.clear();
            self.spare.push(bytes);
        }
    }

    /// Follows the line `buf[from..to]` (with its line feed); gives the
    /// chunk that ends before it, when one does.
    fn look(&mut self, from: usize, to: usize) -> Option<Chunk> {
        let line = &self.buf[from..to - 1];
        self.now.line += 1;
        // As the reader tells a line that ends a block from one of a block.
        if blank_line(line) {
            if !self.in_block {
                return None;
            }
            self.in_block = false;
            let chunk = self.ready.take().map(|(at, start)| self.split(at, start));
            let removed = chunk.as_ref().map_or(0, Chunk::len);
            self.cut = Some((to - removed, self.now));
            return chunk;
        }
        if !self.in_block {
            self.in_block = true;
            self.leading = true;
            // The first block of the input starts a document, `# newdoc` or not.
            self.counted = self.now.docs == 0;
            self.now.docs += u64::from(self.counted);
        }
        if line[0] != b'#' {
            self.leading = false;
            return None;
        }
        if let Some(n) = declared_columns(line) {
            self.now.columns = n;
        }
        if !self.leading || self.counted || newdoc_line(line).is_none() {
            return None;
        }
        self.counted = true;
        self.now.docs += 1;
        self.ready = self.cut.take().filter(|&(at, _)| at >= self.target);
        None
    }

    /// Ends the chunk at `at`; the next one starts there, at `start`.
    fn split(&mut self, at: usize, start: Start) -> Chunk {
        let mut rest = self.spare.pop().unwrap_or_default();
        rest.reserve(self.target.saturating_add(1 << 16).min(1 << 24));
        rest.extend_from_slice(&self.buf[at..]);
        let mut bytes = std::mem::replace(&mut self.buf, rest);
        bytes.truncate(at);
        self.scanned -= at;
        let chunk = Chunk { bytes, start: self.start, last: false, error: None };
        self.start = start;
        chunk
    }

    /// The rest of the input as the last chunk.
    fn last(&mut self, error: Option<std::io::Error>) -> Option<Chunk> {
        self.done = true;
        if self.buf.is_empty() && error.is_none() {
            return None;
        }
        Some(Chunk { bytes: std::mem::take(&mut self.buf), start: self.start, last: true, error })
    }
}

impl<R: BufRead> Iterator for Chunker<R> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        if self.done {
            return None;
        }
        loop {
            loop {
                if self.in_block && !self.leading {
                    // Word lines change nothing but the line count: they are
                    // counted, not looked at one by one.
                    let (bytes, lines) = plain_lines(&self.buf[self.scanned..]);
                    self.scanned += bytes;
                    self.now.line += lines;
                }
                let Some(nl) = find_line_feed(&self.buf[self.scanned..]) else { break };
                let from = self.scanned;
                self.scanned += nl + 1;
                if let Some(chunk) = self.look(from, self.scanned) {
                    return Some(chunk);
                }
            }
            let n = match self.rdr.fill_buf() {
                Ok(available) => {
                    self.buf.extend_from_slice(available);
                    available.len()
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return self.last(Some(e)),
            };
            if n == 0 {
                return self.last(None);
            }
            self.rdr.consume(n);
        }
    }
}

impl Chunk {
    /// The size of the chunk in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the chunk has no bytes (only an input error).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Whether the chunk ends the input.
    pub fn is_last(&self) -> bool {
        self.last
    }

    /// The input line the chunk starts at, 1-based.
    pub fn first_line(&self) -> u64 {
        self.start.line + 1
    }

    /// A reader of the chunk's documents, building them in `builder`
    /// ([`Reader::with_builder`]); documents without an id are named after
    /// `default_id` as by a reader of the whole input.
    pub fn reader(self, default_id: &str, builder: DocBuilder) -> Reader<ChunkInput> {
        let input = ChunkInput { bytes: self.bytes, at: 0, error: self.error };
        Reader::resume(input, default_id, builder, self.start, self.last)
    }
}

/// The bytes of a [`Chunk`] to read, then the input error that ended the
/// input there, if one did.
#[derive(Debug)]
pub struct ChunkInput {
    bytes: Vec<u8>,
    at: usize,
    error: Option<std::io::Error>,
}

impl ChunkInput {
    /// The chunk's buffer, for [`Chunker::reuse`].
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl Read for ChunkInput {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.read(out)?;
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChunkInput {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at == self.bytes.len() {
            if let Some(e) = self.error.take() {
                return Err(e);
            }
        }
        Ok(&self.bytes[self.at..])
    }

    fn consume(&mut self, amt: usize) {
        self.at = (self.at + amt).min(self.bytes.len());
    }
}
