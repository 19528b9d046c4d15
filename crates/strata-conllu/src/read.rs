//! CoNLL-U into documents: a streaming [`Reader`].
//!
//! Input is read one sentence block (comment and word lines up to an empty
//! line) at a time. A block is checked completely before anything of it
//! goes into the document (`scan`), so a sentence with an error is left out
//! whole and the rest of its document is kept (`build`).

use std::io::BufRead;
use std::ops::Range;

use strata_format::{AttrId, AttrType, DocBuilder, Document, LayerId, Names};

use crate::names;
use crate::rules::{
    default_template, deps_is_default, push_derived_id, push_encoded_deps, same, split_surface_misc, FIRST_PAR_SUFFIX,
    FIRST_SENT_SUFFIX, P_NEWDOC, P_NEWDOC_ID, P_NEWPAR, P_NEWPAR_ID, P_SENT_ID, P_TEXT,
};
use crate::Problem;

/// The ten CoNLL-U columns, in order.
pub(crate) const COLUMNS: [&str; 10] =
    ["ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC"];

/// One document read from CoNLL-U.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The document, without the sentences listed in `errors`.
    pub document: Document,
    /// Errors, one per sentence that was left out of the document (a CoNLL-U
    /// level-1 problem: columns, ids, line endings, comments, empty lines),
    /// and problems between sentences (an extra empty line). When this is
    /// empty, writing the document gives its input lines back byte for byte.
    pub errors: Vec<Problem>,
    /// Tree problems (several roots, a head out of range, a cycle); the
    /// sentence is kept as it is.
    pub warnings: Vec<Problem>,
    /// The input lines of the document, 1-based, end exclusive.
    pub lines: Range<u64>,
}

/// What [`Reader::next_built`] says of the document it built (which
/// [`Reader::builder`] holds): as [`Parsed`], without the document.
#[derive(Clone, Debug)]
pub struct Report {
    /// Errors, as in [`Parsed::errors`].
    pub errors: Vec<Problem>,
    /// Warnings, as in [`Parsed::warnings`].
    pub warnings: Vec<Problem>,
    /// The input lines of the document, 1-based, end exclusive.
    pub lines: Range<u64>,
}

/// A document none of whose sentences could be read, or the input error
/// that ended reading.
#[derive(Clone, Debug)]
pub struct Rejected {
    /// The id the document would have had.
    pub id: String,
    /// Why: at least one problem.
    pub errors: Vec<Problem>,
    /// The input lines of the document, 1-based, end exclusive.
    pub lines: Range<u64>,
}

/// Reads CoNLL-U documents one at a time.
///
/// A document starts at a sentence with a `# newdoc` comment (`# newdoc id =
/// X` gives it the id `X`) and runs to the next one; a file without any is
/// one document. A document without an id is named after `default_id`: the
/// id itself when it is the only document of the input, `{default_id}-{n}`
/// (`n` counting documents from 1) otherwise.
///
/// The reader holds the document being built and one sentence of input,
/// never the whole file, and a dictionary of the strings it has seen, which
/// it empties between documents once it passes [`STRING_MEMORY`]. Each item is a [`Parsed`] document or, when every
/// sentence of it had an error (or the input could not be read), a
/// [`Rejected`] one; after an input error the iterator ends.
pub struct Reader<R> {
    rdr: R,
    default_id: String,
    /// Lines read so far.
    line: u64,
    /// The current sentence block: its lines, each with its line feed,
    /// unless `in_place` says it is in the input's buffer.
    buf: Vec<u8>,
    /// The length of the current block when it is the start of the input's
    /// buffer (`BufRead::fill_buf`), not consumed until it is parsed; 0
    /// when it is in `buf`.
    in_place: usize,
    /// Where each line of the block starts.
    starts: Vec<usize>,
    /// The input line of the block's first line.
    block_line: u64,
    /// A problem with how the block ended (no empty line, CR LF).
    block_problem: Option<Problem>,
    /// The block read ahead (in `buf` or in place) starts the next
    /// document.
    pending: bool,
    done: bool,
    /// Documents started so far.
    docs: u64,
    /// Columns per word line: 10, more after `# global.columns`.
    columns: usize,
    /// Input follows this reader's (it reads a [`crate::Chunk`] that is not
    /// the last), so its only document is not the only one of the input.
    more_follows: bool,
    cur: Option<DocState>,
    /// Problems between sentences, for the next document.
    stray: Vec<Problem>,
    scratch: Scratch,
    /// The document being built, or the last one built.
    builder: DocBuilder,
    /// The builder's layers and attributes, named once: documents are
    /// emptied with `DocBuilder::clear_values`, which keeps them.
    ids: Ids,
    /// Builder names under which `ids` hold, the last few seen: a builder
    /// whose documents are handed over by swap (`DocBuilder::hand_over`)
    /// takes turns with the memory of the documents it made before, each
    /// with names of its own but the same slots.
    named: [Option<Names>; 4],
    /// `builder_mut` was called since the builder was named, so the names
    /// may have changed (a hand-over can give the builder another's).
    lent: bool,
}

/// The layers and attributes of a document, named in the order of
/// spec/CONLLU.md, which is the order of each span's attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Ids {
    sentence: LayerId,
    paragraph: LayerId,
    token: LayerId,
    word: LayerId,
    sent_id: AttrId,
    sent_text: AttrId,
    comments: AttrId,
    par_id: AttrId,
    /// lemma, upos, xpos, feats, head, deprel, deps (columns 2 to 8).
    tok_cols: [AttrId; 7],
    tok_misc: AttrId,
    tok_extra: AttrId,
    form: AttrId,
    misc: AttrId,
    lemma: AttrId,
    /// upos, xpos, feats (columns 3 to 5).
    word_cols: [AttrId; 3],
    deps: AttrId,
    extra: AttrId,
    head: AttrId,
    deprel: AttrId,
}

impl Ids {
    /// Names the layers and attributes in a cleared builder.
    fn new(b: &mut DocBuilder) -> Ids {
        let sentence = b.layer(names::SENTENCE);
        let paragraph = b.layer(names::PARAGRAPH);
        let token = b.layer(names::TOKEN);
        let word = b.layer(names::WORD);
        let mut attr = |layer, name| b.attr(layer, name, AttrType::Str);
        Ids {
            sentence,
            paragraph,
            token,
            word,
            sent_id: attr(sentence, "sent_id"),
            sent_text: attr(sentence, "text"),
            comments: attr(sentence, "comments"),
            par_id: attr(paragraph, "id"),
            tok_cols: ["lemma", "upos", "xpos", "feats", "head", "deprel", "deps"].map(|n| attr(token, n)),
            tok_misc: attr(token, "misc"),
            tok_extra: attr(token, "extra"),
            form: attr(word, "form"),
            misc: attr(word, "misc"),
            lemma: attr(word, "lemma"),
            word_cols: ["upos", "xpos", "feats"].map(|n| attr(word, n)),
            deps: attr(word, "deps"),
            extra: attr(word, "extra"),
            head: attr(word, "head"),
            deprel: attr(word, "deprel"),
        }
    }
}

/// A document being built.
#[derive(Default)]
struct DocState {
    /// From `# newdoc id = X`.
    id: Option<String>,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
    first_line: u64,
    last_line: u64,
    /// The last sentence's id, `None` when it had none.
    prev_sent_id: Option<String>,
    /// The last paragraph's id, `None` when it had none.
    prev_par_id: Option<String>,
    par_open: bool,
    /// Whether the first sentence has `# newdoc id`, so that the document
    /// id seeds the derived sentence and paragraph ids.
    seeded: bool,
}

/// What `scan` finds in a block, reused from block to block.
#[derive(Default)]
struct Scratch {
    comments: Vec<Range<usize>>,
    words: Vec<WordLine>,
    /// Per integer word (by id - 1): how many words (integer words and
    /// empty nodes) come before it in the sentence, which gives its span.
    int_pos: Vec<u32>,
    /// Per integer word: its head (id - 1), `u32::MAX` for none.
    heads: Vec<u32>,
    /// Per integer word: the walk of the cycle check that reached it first.
    marks: Vec<u32>,
    /// The id a sentence or paragraph would get without one (`follows`).
    derived: String,
    /// A word's `DEPS` as stored.
    deps: String,
    /// The sentence's comment lines, as the `comments` attribute has them.
    template: Vec<TemplateLine>,
    /// The template's lines joined, when it is not the default one.
    joined: String,
}

/// A line of a sentence's comment template: a placeholder for a comment
/// the reader turned into a value, or comment line `i` of the block as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TemplateLine {
    Placeholder(&'static str),
    Comment(usize),
}

#[derive(Clone, Copy)]
enum Kind {
    Word(u32),
    /// A multiword token ending at this word.
    Range(u32),
    Empty,
}

/// Where a reader of a whole input is when a [`crate::Chunk`] starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Start {
    /// Lines before the chunk.
    pub line: u64,
    /// Documents started before the chunk.
    pub docs: u64,
    /// Columns per word line.
    pub columns: usize,
}

impl Start {
    /// The start of an input.
    pub const INPUT: Start = Start { line: 0, docs: 0, columns: 10 };
}

/// A checked word line: byte ranges of its fields within the block, as
/// 32 bits (a block is at most [`MAX_BLOCK`] bytes), so that a sentence's
/// lines stay small.
struct WordLine {
    /// Index of the line in the block.
    index: usize,
    kind: Kind,
    /// HEAD as a number; 0 for `0` and `_`.
    head: u32,
    /// The ten columns; the eleventh slot took the columns past the tenth
    /// while the line was split, and is not read.
    fields: [(u32, u32); 11],
    /// Columns past the tenth (after `# global.columns`), tab-joined.
    extra: (u32, u32),
}

impl WordLine {
    /// Column `k` (0 to 9) of the line, in `block`.
    #[inline(always)]
    fn field<'b>(&self, block: &'b [u8], k: usize) -> &'b [u8] {
        let (s, e) = self.fields[k];
        &block[s as usize..e as usize]
    }

    /// Column `k` as text, for a value that becomes text or is split.
    #[inline(always)]
    fn field_text<'b>(&self, block: &'b str, k: usize) -> &'b str {
        let (s, e) = self.fields[k];
        &block[s as usize..e as usize]
    }

    /// The columns past the tenth, tab-joined; empty when there are none.
    fn extra<'b>(&self, block: &'b [u8]) -> &'b [u8] {
        &block[self.extra.0 as usize..self.extra.1 as usize]
    }
}

/// A checked block, for `build`.
#[derive(Clone, Copy)]
struct Block<'a> {
    text: &'a str,
    /// `text` and [`SCAN_PADDING`] zero bytes.
    padded: &'a [u8],
    /// Where each line starts.
    starts: &'a [usize],
    /// The input line of the first line.
    first_line: u64,
}

/// Which of the 16 bytes at `a` and at `b` of `padded` (fields' starts:
/// the padding keeps both windows inside) are equal, as the low 16 bits.
#[inline(always)]
fn equal_bytes16(padded: &[u8], a: u32, b: u32) -> u32 {
    let window = |at: u32| -> &[u8; 16] { padded[at as usize..at as usize + 16].try_into().unwrap_or(&[0; 16]) };
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return {
        use safe_arch::{cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
        let eq = cmp_eq_mask_i8_m128i(load_unaligned_m128i(window(a)), load_unaligned_m128i(window(b)));
        move_mask_i8_m128i(eq) as u32 & 0xffff
    };
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return equal_bytes16_words(window(a), window(b));
}

/// `equal_bytes16` without vector instructions (tested against the vector
/// one where there is one).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2", not(test)), allow(dead_code))]
#[inline(always)]
fn equal_bytes16_words(a: &[u8; 16], b: &[u8; 16]) -> u32 {
    let half = |at: usize| zero_byte_bits(word_at(a, at) ^ word_at(b, at));
    (half(0) | half(8) << 8) as u32
}

/// The low `len` bits (all 16 from 16 on).
#[inline(always)]
fn low_bits(len: u32) -> u32 {
    (1u32 << len.min(16)) - 1
}

/// Whether two fields of the padded block hold the same bytes: for fields
/// of at most 16 bytes (almost all), one compare of two windows, with no
/// loop whose length depends on the field.
#[inline(always)]
fn same_field(padded: &[u8], a: (u32, u32), b: (u32, u32)) -> bool {
    let len = a.1 - a.0;
    if len != b.1 - b.0 {
        return false;
    }
    if len <= 16 {
        return equal_bytes16(padded, a.0, b.0) & low_bits(len) == low_bits(len);
    }
    padded[a.0 as usize..a.1 as usize] == padded[b.0 as usize..b.1 as usize]
}

/// [`deps_is_default`] of a word line: `DEPS` is `HEAD:DEPREL`, which is
/// the line's `HEAD<tab>DEPREL` with a colon for the tab; so for a value of
/// at most 16 bytes, one compare of two windows (equal but at the tab).
#[inline(always)]
fn default_deps(padded: &[u8], w: &WordLine) -> bool {
    let (head, deprel, deps) = (w.fields[6], w.fields[7], w.fields[8]);
    let len = deps.1 - deps.0;
    if head.1 - head.0 == 1 && padded[head.0 as usize] == b'_' || len > 16 {
        let f = |(s, e): (u32, u32)| &padded[s as usize..e as usize];
        return deps_is_default(f(deps), f(head), f(deprel));
    }
    let tab = head.1 - head.0;
    len == deprel.1 - head.0
        && equal_bytes16(padded, deps.0, head.0) & low_bits(len) == low_bits(len) & !(1 << tab)
        && padded[(deps.0 + tab) as usize] == b':'
}

/// Bytes after a block that `scan` may read (as part of a window, not as
/// input): what [`nine_tabs`] reads past a line's start.
const SCAN_PADDING: usize = 128;

/// The longest sentence block, in bytes: 4 GiB, so that offsets within a
/// block fit in 32 bits.
const MAX_BLOCK: usize = u32::MAX as usize;

impl<R: BufRead> Reader<R> {
    /// A reader of `rdr`, naming documents without an id after `default_id`
    /// (such as the file stem).
    pub fn new(rdr: R, default_id: &str) -> Reader<R> {
        Reader::with_builder(rdr, default_id, DocBuilder::new())
    }

    /// As [`Reader::new`], building documents in `builder` (emptied first;
    /// its dictionary is kept), which [`Reader::into_parts`] gives back:
    /// one builder can serve the readers of many inputs in turn.
    pub fn with_builder(rdr: R, default_id: &str, mut builder: DocBuilder) -> Reader<R> {
        builder.clear();
        Reader {
            rdr,
            default_id: default_id.to_string(),
            line: 0,
            buf: Vec::with_capacity(1 << 12),
            in_place: 0,
            starts: Vec::new(),
            block_line: 1,
            block_problem: None,
            pending: false,
            done: false,
            docs: 0,
            columns: 10,
            more_follows: false,
            cur: None,
            stray: Vec::new(),
            scratch: Scratch::default(),
            ids: Ids::new(&mut builder),
            named: [Some(builder.names()), None, None, None],
            builder,
            lent: false,
        }
    }

    /// The document [`Reader::next_built`] built last.
    pub fn builder(&self) -> &DocBuilder {
        &self.builder
    }

    /// The document [`Reader::next_built`] built last, to hand over (the
    /// next call clears it anyway).
    pub fn builder_mut(&mut self) -> &mut DocBuilder {
        self.lent = true;
        &mut self.builder
    }

    /// Reads the next document into [`Reader::builder`], the fast path for
    /// writing it with `Writer::add_built`: as [`Iterator::next`], with the
    /// document left in the builder. The builder keeps its dictionary from
    /// document to document (up to [`STRING_MEMORY`] bytes, then it starts
    /// over), so after the first documents building one allocates almost
    /// nothing.
    pub fn next_built(&mut self) -> Option<Result<Report, Rejected>> {
        self.next_report()
    }

    /// The underlying reader, for what it knows (such as bytes read).
    pub fn into_inner(self) -> R {
        self.rdr
    }

    /// The underlying reader and the builder, to serve another reader
    /// ([`Reader::with_builder`]).
    pub fn into_parts(self) -> (R, DocBuilder) {
        (self.rdr, self.builder)
    }

    /// A reader that resumes where `start` says a reader of the whole input
    /// would be (`crate::Chunk::reader`).
    pub(crate) fn resume(rdr: R, default_id: &str, builder: DocBuilder, start: Start, last: bool) -> Reader<R> {
        let mut reader = Reader::with_builder(rdr, default_id, builder);
        reader.line = start.line;
        reader.docs = start.docs;
        reader.columns = start.columns;
        reader.more_follows = !last;
        reader
    }

    /// Reads the next sentence block: in place when it can, into `buf`
    /// otherwise. `Ok(false)` at the end of the input.
    fn read_block(&mut self) -> std::io::Result<bool> {
        self.starts.clear();
        self.block_problem = None;
        if self.block_in_place()? {
            return Ok(true);
        }
        self.buf.clear();
        loop {
            self.read_plain_lines()?;
            let start = self.buf.len();
            let n = read_line(&mut self.rdr, &mut self.buf)?;
            if n == 0 {
                if start == 0 {
                    return Ok(false);
                }
                self.block_problem = Some(Problem {
                    line: self.line + 1,
                    column: 1,
                    message: "expected an empty line after the last sentence, found the end of the file".into(),
                });
                return Ok(true);
            }
            self.line += 1;
            let line = &self.buf[start..];
            let has_lf = line.last() == Some(&b'\n');
            let content = if has_lf { &line[..line.len() - 1] } else { line };
            if blank_line(content) {
                let problem = if content == b"\r" {
                    Some("expected an empty line ending in LF, found CR LF (a Windows line ending): convert the file to LF line endings")
                } else if !content.is_empty() {
                    Some("expected an empty line, found a line of whitespace")
                } else if !has_lf {
                    None
                } else if start == 0 {
                    Some("expected a sentence, found an extra empty line: sentences are separated by exactly one empty line")
                } else {
                    None
                };
                let problem = problem.map(|m| Problem { line: self.line, column: 1, message: m.to_string() });
                self.buf.truncate(start);
                if start == 0 {
                    self.stray.extend(problem);
                    if !has_lf {
                        return Ok(false);
                    }
                    continue;
                }
                self.block_problem = problem;
                return Ok(true);
            }
            if self.starts.is_empty() {
                self.block_line = self.line;
            }
            self.starts.push(start);
            if !has_lf {
                let column = String::from_utf8_lossy(content).chars().count() as u64 + 1;
                self.block_problem = Some(Problem {
                    line: self.line,
                    column,
                    message:
                        "expected a line feed and an empty line after the last sentence, found the end of the file"
                            .into(),
                });
                return Ok(true);
            }
        }
    }

    /// Takes the next block where it lies, in the input's buffer, when the
    /// buffer holds all of it: its lines (none of them blank), the empty
    /// line after it, and [`SCAN_PADDING`] bytes from the block's end. That
    /// is every block of an input in memory but its last, and most blocks
    /// of a file read through a buffer; they are parsed without a copy.
    /// Any other block (one that starts with blank lines, or does not end
    /// in a plain empty line, or runs past the buffer) is left to
    /// `read_block`.
    fn block_in_place(&mut self) -> std::io::Result<bool> {
        let available = match self.rdr.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(false),
            Err(e) => return Err(e),
        };
        let (mut used, mut lines) = (0, 0);
        for nl in LineFeeds::new(available) {
            if matches!(available[used], b' ' | b'\t' | b'\r' | b'\n') {
                break;
            }
            self.starts.push(used);
            used = nl + 1;
            lines += 1;
        }
        if used == 0 || available.get(used) != Some(&b'\n') || available.len() < used + SCAN_PADDING {
            self.starts.clear();
            return Ok(false);
        }
        self.block_line = self.line + 1;
        self.line += lines + 1;
        self.in_place = used;
        Ok(true)
    }

    /// Appends the whole lines in the reader's buffer that start with
    /// neither a space, a tab nor a CR (so are not blank) to the block, with
    /// one copy; `read_block` takes any other line itself.
    fn read_plain_lines(&mut self) -> std::io::Result<()> {
        let available = match self.rdr.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e),
        };
        let base = self.buf.len();
        let mut used = 0;
        for nl in LineFeeds::new(available) {
            match available[used] {
                b' ' | b'\t' | b'\r' | b'\n' => break,
                _ => {}
            }
            self.line += 1;
            if self.starts.is_empty() {
                self.block_line = self.line;
            }
            self.starts.push(base + used);
            used = nl + 1;
        }
        self.buf.extend_from_slice(&available[..used]);
        self.rdr.consume(used);
        Ok(())
    }

    /// Ends the current document.
    fn finish(&mut self, at_end: bool) -> Option<Result<Report, Rejected>> {
        let mut doc = self.cur.take()?;
        let id = match doc.id.take() {
            Some(id) => id,
            None if at_end && !self.more_follows && self.docs == 1 => self.default_id.clone(),
            None => format!("{}-{}", self.default_id, self.docs),
        };
        let lines = doc.first_line..doc.last_line + 1;
        if self.builder.span_count(self.ids.sentence) == 0 {
            return Some(Err(Rejected { id, errors: doc.errors, lines }));
        }
        self.builder.set_id(&id);
        Some(Ok(Report { errors: doc.errors, warnings: doc.warnings, lines }))
    }

    /// Adds the current block to the current document, and consumes it
    /// from the input when it is parsed there. A valid `# global.columns`
    /// line of the block holds for the next blocks even when the block has
    /// an error, so that where the count changes depends on the lines alone
    /// (`crate::Chunker` relies on it).
    fn parse_block(&mut self) {
        let in_place = std::mem::take(&mut self.in_place);
        let Reader {
            rdr,
            buf,
            starts,
            block_line,
            line,
            block_problem,
            columns,
            cur,
            stray,
            scratch,
            builder,
            ids,
            ..
        } = self;
        let (padded, block_len) = if in_place > 0 {
            match block_bytes(rdr, in_place) {
                Ok(padded) => (padded, in_place),
                Err(e) => {
                    let doc = cur.get_or_insert_with(DocState::default);
                    doc.errors.push(Problem {
                        line: *block_line,
                        column: 1,
                        message: format!("cannot read the input: {e}"),
                    });
                    return;
                }
            }
        } else {
            // `scan` reads whole windows past a line's end: zeros after the
            // block, left there until the next block is read.
            let block_len = buf.len();
            buf.resize(block_len + SCAN_PADDING, 0);
            (&buf[..], block_len)
        };
        let block = &padded[..block_len];
        for (i, &s) in starts.iter().enumerate() {
            if block[s] == b'#' {
                let end = starts.get(i + 1).map_or(block_len, |&e| e);
                let line = &block[s..end];
                if let Some(n) = declared_columns(line.strip_suffix(b"\n").unwrap_or(line)) {
                    *columns = n;
                }
            }
        }
        if let Some(doc) = cur.as_mut() {
            if doc.first_line == 0 {
                doc.first_line = *block_line;
            }
            doc.last_line = *line;
            doc.errors.append(stray);
            let checked = check_block(block, starts, *block_line, block_problem.take());
            match checked.and_then(|text| scan(text, padded, starts, *block_line, *columns, scratch).map(|()| text)) {
                Err(p) => doc.errors.push(p),
                Ok(text) => {
                    let block = Block { text, padded, starts, first_line: *block_line };
                    build(doc, builder, ids, &block, scratch)
                }
            }
        }
        if in_place > 0 {
            // The block and the empty line after it.
            rdr.consume(in_place + 1);
        }
    }
}

/// The first `len` bytes of the input's buffer, which `Reader::block_in_place`
/// found there, and the [`SCAN_PADDING`] bytes after them. A `BufRead` gives
/// back what it gave until it is consumed; one that does not gets an error,
/// not a wrong parse.
fn block_bytes<R: BufRead>(rdr: &mut R, len: usize) -> std::io::Result<&[u8]> {
    let available = rdr.fill_buf()?;
    if available.len() < len + SCAN_PADDING {
        return Err(std::io::Error::other("the input's buffer shrank before its sentence was read"));
    }
    Ok(available)
}

/// The block as text, checked before it is scanned: UTF-8 (a vector check
/// first, as most blocks are valid; the standard one says where a block is
/// not), the problem with how it ended, and its size.
fn check_block<'b>(
    block: &'b [u8],
    starts: &[usize],
    block_line: u64,
    ended_badly: Option<Problem>,
) -> Result<&'b str, Problem> {
    let text = match simdutf8::basic::from_utf8(block).or_else(|_| std::str::from_utf8(block)) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let i = starts.partition_point(|&s| s <= at).saturating_sub(1);
            let start = starts.get(i).copied().unwrap_or(0);
            let column = String::from_utf8_lossy(&block[start..at]).chars().count() as u64 + 1;
            return Err(Problem {
                line: block_line + i as u64,
                column,
                message: format!("expected UTF-8, found the byte 0x{:02x}", block[at]),
            });
        }
    };
    if let Some(p) = ended_badly {
        return Err(p);
    }
    if text.len() > MAX_BLOCK {
        return Err(Problem {
            line: block_line,
            column: 1,
            message: format!("expected a sentence of at most 4 GiB, found one of {} bytes", text.len()),
        });
    }
    Ok(text)
}

/// Appends a surface token's form to the text, after a space when the
/// token before it had one; returns where the form is.
fn push_surface(text: &mut String, form: &str, pending_space: bool) -> (usize, usize) {
    if pending_space {
        text.push(' ');
    }
    let start = text.len();
    text.push_str(form);
    (start, text.len())
}

/// The most memory the builder's dictionary of strings keeps between
/// documents: a reader holds one document and one sentence of input, and
/// this much of the strings it has seen.
pub const STRING_MEMORY: usize = 8 << 20;

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Parsed, Rejected>;

    fn next(&mut self) -> Option<Self::Item> {
        let report = self.next_report()?;
        Some(report.map(|r| {
            let mut document = self.builder.to_document();
            document.layers.retain(|l| !l.spans.is_empty());
            Parsed { document, errors: r.errors, warnings: r.warnings, lines: r.lines }
        }))
    }
}

impl<R: BufRead> Reader<R> {
    fn next_report(&mut self) -> Option<Result<Report, Rejected>> {
        if self.done {
            return None;
        }
        loop {
            if !self.pending {
                match self.read_block() {
                    Err(e) => {
                        self.done = true;
                        let problem =
                            Problem { line: self.line + 1, column: 1, message: format!("cannot read the input: {e}") };
                        let mut doc = self.cur.take().unwrap_or_default();
                        doc.errors.push(problem);
                        let id = doc.id.unwrap_or_else(|| format!("{}-{}", self.default_id, self.docs.max(1)));
                        let lines = doc.first_line.max(1)..self.line + 1;
                        return Some(Err(Rejected { id, errors: doc.errors, lines }));
                    }
                    Ok(false) => {
                        self.done = true;
                        if self.cur.is_none() && !self.stray.is_empty() {
                            let errors = std::mem::take(&mut self.stray);
                            let lines = errors[0].line..self.line + 1;
                            let id = format!("{}-{}", self.default_id, self.docs + 1);
                            return Some(Err(Rejected { id, errors, lines }));
                        }
                        if let Some(doc) = self.cur.as_mut() {
                            doc.errors.append(&mut self.stray);
                        }
                        return self.finish(true);
                    }
                    Ok(true) => {}
                }
            }
            self.pending = false;
            // The id is wanted (as a `String`) only to start a document:
            // one that ends the current document is read again after.
            let want_id = self.cur.is_none();
            let block = match self.in_place {
                0 => Some(&self.buf[..]),
                len => block_bytes(&mut self.rdr, len).ok().map(|b| &b[..len]),
            };
            let newdoc = block.and_then(|b| find_newdoc(b, &self.starts)).map(|v| v.filter(|_| want_id).map(id_string));
            if newdoc.is_some() && self.cur.is_some() {
                self.pending = true;
                return self.finish(false);
            }
            if self.cur.is_none() {
                self.docs += 1;
                self.cur = Some(DocState { id: newdoc.flatten(), ..DocState::default() });
                // The builder's strings save allocations from document to
                // document, but must not grow with the whole input.
                if self.builder.dictionary_bytes() > STRING_MEMORY {
                    self.builder.clear_with_strings();
                    self.name_again();
                } else if self.lent && !self.named.contains(&Some(self.builder.names())) {
                    // Handed over with names of another document, or
                    // changed by the caller: named again.
                    self.builder.clear();
                    self.name_again();
                } else {
                    self.builder.clear_values();
                }
                self.lent = false;
            }
            self.parse_block();
        }
    }
}

impl<R> Reader<R> {
    /// Names the layers and attributes of the cleared builder. Names under
    /// which the ids come out as before join those known; other ids replace
    /// them all.
    fn name_again(&mut self) {
        let ids = Ids::new(&mut self.builder);
        let names = Some(self.builder.names());
        if ids == self.ids {
            self.named.rotate_right(1);
            self.named[0] = names;
        } else {
            self.ids = ids;
            self.named = [names, None, None, None];
        }
    }
}

/// `BufRead::read_until(b'\n')`, with a vector search for the line feed
/// (the standard one searches a word at a time, slower on long lines).
fn read_line<R: BufRead>(rdr: &mut R, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut n = 0;
    loop {
        let available = match rdr.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (done, used) = match memchr::memchr(b'\n', available) {
            Some(i) => (true, i + 1),
            None => (available.is_empty(), available.len()),
        };
        buf.extend_from_slice(&available[..used]);
        rdr.consume(used);
        n += used;
        if done {
            return Ok(n);
        }
    }
}

/// Whether a line (without its line feed) ends a sentence block: empty, or
/// only spaces, tabs and CRs. A word or comment line starts with none of
/// them, so this costs one comparison for such a line.
pub(crate) fn blank_line(line: &[u8]) -> bool {
    line.iter().all(|&c| matches!(c, b' ' | b'\t' | b'\r'))
}

const GLOBAL_COLUMNS: &str = "# global.columns = ";

/// The number of columns a `# global.columns` line (without its line feed)
/// declares, when it is one and valid: it names at least the ten CoNLL-U
/// columns, in order, and does not end in whitespace (an error of its own).
pub(crate) fn declared_columns(line: &[u8]) -> Option<usize> {
    let rest = line.strip_prefix(GLOBAL_COLUMNS.as_bytes())?;
    if matches!(rest.last(), Some(b' ' | b'\t' | b'\r')) {
        return None;
    }
    let mut n = 0;
    for name in rest.split(|&c| c == b' ') {
        if n < COLUMNS.len() && name != COLUMNS[n].as_bytes() {
            return None;
        }
        n += 1;
    }
    (n >= COLUMNS.len()).then_some(n)
}

/// The value of `# newdoc id = X` lines, and whether the line is `# newdoc`.
pub(crate) fn newdoc_line(line: &[u8]) -> Option<Option<&[u8]>> {
    if line == b"# newdoc" {
        return Some(None);
    }
    line.strip_prefix(b"# newdoc id = ").filter(|v| !v.is_empty()).map(Some)
}

/// Whether a raw block starts a document: `Some(id)` when one of its
/// comment lines is a `# newdoc` line. Looks at raw bytes so that a block
/// with errors still starts its document.
fn find_newdoc<'b>(buf: &'b [u8], starts: &[usize]) -> Option<Option<&'b [u8]>> {
    for (i, &s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(buf.len(), |&e| e);
        let line = &buf[s..end];
        if line.first() != Some(&b'#') {
            break;
        }
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        if let Some(v) = newdoc_line(line) {
            return Some(v);
        }
    }
    None
}

/// A document id from raw bytes: a block with bad UTF-8 (an error of its
/// own) still names its document. The UTF-8 check first, as ids are valid
/// but for such errors (the lossy conversion is slower).
fn id_string(v: &[u8]) -> String {
    match std::str::from_utf8(v) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(v).into_owned(),
    }
}

/// Calls `f` with the offset of each tab of `line` until it returns true,
/// and gives that offset, and whether the line may have an empty field: a
/// tab first or two tabs in a row (a tab last is trailing whitespace, an
/// error of its own). Tabs are found a word at a time (fields are a few
/// bytes long, too short for a vector search to pay off per field), into
/// one mask per 64 bytes, so that a line costs one loop over its tabs, and
/// the masks tell of empty fields without a test per tab.
#[inline(always)]
fn for_each_tab(line: &[u8], mut f: impl FnMut(usize) -> bool) -> (Option<usize>, bool) {
    // The tabs of 8 bytes as 8 bits.
    let tabs = |bytes: &[u8]| zero_byte_bits(word_at(bytes, 0) ^ 0x0909_0909_0909_0909);
    let mut base = 0;
    // Bit 0: a tab just before the window (as if one before the line, so
    // that a tab first counts).
    let mut before = 1u64;
    let mut empty = false;
    for window in line.chunks(64) {
        let mut mask = 0u64;
        let mut words = window.chunks_exact(8);
        for (k, word) in (&mut words).enumerate() {
            mask |= tabs(word) << (8 * k);
        }
        let rest = words.remainder().len();
        if rest > 0 {
            // The last bytes as part of the window's last 8 (read again),
            // or one at a time in a window shorter than a word.
            let at = window.len() - rest;
            if window.len() >= 8 {
                mask |= (tabs(&window[window.len() - 8..]) >> (8 - rest)) << at;
            } else {
                for (i, &c) in words.remainder().iter().enumerate() {
                    mask |= u64::from(c == b'\t') << (at + i);
                }
            }
        }
        empty |= mask & (mask << 1 | before) != 0;
        before = mask >> 63;
        while mask != 0 {
            let tab = base + mask.trailing_zeros() as usize;
            if f(tab) {
                return (Some(tab), empty);
            }
            mask &= mask - 1;
        }
        base += 64;
    }
    (None, empty)
}

/// Splits the line `block[ls..le]` into its first nine fields, when it is
/// the usual word line: under 128 bytes with exactly nine tabs (ten
/// columns); and says whether it may have an empty field (as
/// [`for_each_tab`] does). The 128 bytes from the line's start are read
/// whatever the line's length (the bits past it masked off), and nine tabs
/// are taken out of the mask before the count is checked (a line with
/// fewer has a tab past its end, one with more has tabs left), so that no
/// loop depends on the line and no bits are counted (a software popcount
/// on baseline x86-64). `None` (and `fields` to be written over) for any
/// other line, or when `block` (the block and its padding) ends less than
/// 128 bytes after the line starts.
#[inline(always)]
fn nine_tabs(block: &[u8], ls: usize, le: usize, fields: &mut [(u32, u32); 11]) -> Option<bool> {
    let len = le - ls;
    let window = block.get(ls..ls + 128).filter(|_| len < 128)?;
    let mut mask = byte_mask128(window.try_into().ok()?, b'\t');
    mask &= (1u128 << len) - 1;
    let empty = mask & (mask << 1 | 1) != 0;
    let mut from = ls;
    for field in &mut fields[..9] {
        // 128 past the last tab: beyond the line.
        let tab = ls + mask.trailing_zeros() as usize;
        *field = (from as u32, tab as u32);
        from = tab + 1;
        mask &= mask.wrapping_sub(1);
    }
    (mask == 0 && from <= le).then_some(empty)
}

/// Where `byte` is in a window of 128 bytes, as bits.
#[inline(always)]
fn byte_mask128(window: &[u8; 128], byte: u8) -> u128 {
    let (low, high) = window.split_at(64);
    let half = |h: &[u8]| byte_mask64(h.try_into().unwrap_or(&[0; 64]), byte);
    u128::from(half(low)) | u128::from(half(high)) << 64
}

/// Where `byte` is in a window of 64 bytes, as bits: sixteen bytes at a
/// time with SSE2 (in every x86-64 processor), a word at a time elsewhere.
#[inline(always)]
fn byte_mask64(window: &[u8; 64], byte: u8) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return byte_mask64_sse2(window, byte);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return byte_mask64_words(window, byte);
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn byte_mask64_sse2(window: &[u8; 64], byte: u8) -> u64 {
    use safe_arch::{cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i};
    let needle = set_splat_i8_m128i(byte as i8);
    let bits = |k: usize| {
        let chunk: &[u8; 16] = window[16 * k..16 * k + 16].try_into().unwrap_or(&[0; 16]);
        u64::from(move_mask_i8_m128i(cmp_eq_mask_i8_m128i(load_unaligned_m128i(chunk), needle)) as u16)
    };
    bits(0) | bits(1) << 16 | bits(2) << 32 | bits(3) << 48
}

/// `byte_mask64` without vector instructions (tested against the vector
/// one where there is one).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2", not(test)), allow(dead_code))]
#[inline(always)]
fn byte_mask64_words(window: &[u8; 64], byte: u8) -> u64 {
    let pattern = u64::from(byte) * 0x0101_0101_0101_0101;
    let mut mask = 0;
    for at in (0..64).step_by(8) {
        mask |= zero_byte_bits(word_at(window, at) ^ pattern) << at;
    }
    mask
}

/// The offset of the first line feed of `hay`, found as [`LineFeeds`]
/// finds them: for a search that starts again after each line.
#[inline]
pub(crate) fn find_line_feed(hay: &[u8]) -> Option<usize> {
    LineFeeds::new(hay).next()
}

/// The whole lines at the start of `hay` that begin with a byte other than
/// a line feed, `#`, a space, a tab or a carriage return (the word lines of
/// a sentence, which neither end a block nor are comments): their length
/// in bytes and their number. A line not ended in `hay` is not counted.
pub(crate) fn plain_lines(hay: &[u8]) -> (usize, u64) {
    let plain = |at: usize| hay.get(at).is_some_and(|&c| !matches!(c, b'\n' | b'#' | b' ' | b'\t' | b'\r'));
    let (mut end, mut lines) = (0, 0);
    if !plain(0) {
        return (0, 0);
    }
    for feed in LineFeeds::new(hay) {
        end = feed + 1;
        lines += 1;
        if !plain(end) {
            break;
        }
    }
    (end, lines)
}

/// The offsets of the line feeds of a buffer, in order, found 64 bytes at
/// a time: lines are a few dozen bytes long, too short for a call to a
/// vector search per line to pay off.
struct LineFeeds<'a> {
    hay: &'a [u8],
    /// Where the window of `mask` starts.
    base: usize,
    /// The line feeds of the window not given yet.
    mask: u64,
}

impl<'a> LineFeeds<'a> {
    #[inline(always)]
    fn new(hay: &'a [u8]) -> LineFeeds<'a> {
        let mut feeds = LineFeeds { hay, base: 0, mask: 0 };
        feeds.mask = feeds.window_mask();
        feeds
    }

    /// The line feeds of the window at `base` (zeros past the end).
    #[inline(always)]
    fn window_mask(&self) -> u64 {
        match self.hay.get(self.base..self.base + 64) {
            Some(w) => byte_mask64(w.try_into().unwrap_or(&[0; 64]), b'\n'),
            None => {
                let mut w = [0u8; 64];
                let rest = self.hay.get(self.base..).unwrap_or_default();
                w[..rest.len()].copy_from_slice(rest);
                byte_mask64(&w, b'\n')
            }
        }
    }
}

impl Iterator for LineFeeds<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.hay.len() {
                return None;
            }
            self.mask = self.window_mask();
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// Whether `b` holds a `|`: most `DEPS` values are one item, so a word at a
/// time (overlapping reads, no loop over bytes) settles it.
#[inline(always)]
fn has_pipe(b: &[u8]) -> bool {
    const PIPES: u64 = 0x7c7c_7c7c_7c7c_7c7c;
    let word = |at: usize| zero_bytes(word_at(b, at) ^ PIPES) != 0;
    match b.len() {
        0..4 => b.contains(&b'|'),
        n @ 4..8 => {
            let mut w = [0u8; 8];
            w[..4].copy_from_slice(&b[..4]);
            w[4..].copy_from_slice(&b[n - 4..]);
            zero_bytes(u64::from_le_bytes(w) ^ PIPES) != 0
        }
        n => (0..n - 8).step_by(8).any(word) || word(n - 8),
    }
}

/// The 8 bytes of `b` at `at`, as a little-endian word.
#[inline(always)]
fn word_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// One bit per byte of `x`, in byte order, set for each zero byte: the
/// high bits of [`zero_bytes`] gathered into the low 8 bits by a multiply.
#[inline(always)]
fn zero_byte_bits(x: u64) -> u64 {
    (zero_bytes(x) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The high bit of each zero byte of `x`, and no other bit: exact, as no
/// carry crosses from one byte to the next.
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// 1-based character column of byte `at` of `line`.
fn column(line: &str, at: usize) -> u64 {
    line.get(..at).map_or(at, |s| s.chars().count()) as u64 + 1
}

/// A decimal number without a leading zero (but `0` itself).
fn number(b: &[u8]) -> Option<u32> {
    // One and two digits (most ids and heads) without a loop.
    let digit = |c: u8| u32::from(c.wrapping_sub(b'0'));
    match *b {
        [c] if c.is_ascii_digit() => return Some(digit(c)),
        [a, c] if (b'1'..=b'9').contains(&a) && c.is_ascii_digit() => return Some(digit(a) * 10 + digit(c)),
        _ => {}
    }
    if b.is_empty() || b.len() > 9 || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// Checks a block (comment lines, then word lines) and records its word
/// lines in `sc`. Nothing is added to a document here, so an error costs
/// exactly this sentence.
fn scan(
    text: &str,
    padded: &[u8],
    starts: &[usize],
    first_line: u64,
    mut columns: usize,
    sc: &mut Scratch,
) -> Result<(), Problem> {
    sc.comments.clear();
    sc.words.clear();
    sc.int_pos.clear();
    // Words (integer words and empty nodes) so far.
    let mut words = 0;
    let bytes = text.as_bytes();
    let mut next: u32 = 1;
    let mut range_end: u32 = 0;
    let mut range_line = 0;
    let mut last_empty: u32 = 0;
    for (i, &ls) in starts.iter().enumerate() {
        let mut le = starts.get(i + 1).copied().unwrap_or(bytes.len());
        if le > ls && bytes[le - 1] == b'\n' {
            le -= 1;
        }
        let line = &bytes[ls..le];
        let lno = first_line + i as u64;
        let err = |at: usize, message: String| Problem { line: lno, column: column(&text[ls..le], at), message };
        match line.last() {
            Some(b'\r') => {
                return Err(err(
                    line.len() - 1,
                    "expected a line ending in LF, found CR LF (a Windows line ending): convert the file to LF \
                     line endings"
                        .into(),
                ))
            }
            Some(c @ (b' ' | b'\t')) => {
                let what = if *c == b' ' { "a space" } else { "a tab" };
                return Err(err(
                    line.len() - 1,
                    format!("expected no whitespace at the end of the line, found {what}"),
                ));
            }
            _ => {}
        }
        if i == 0 && first_line == 1 && line.starts_with("\u{feff}".as_bytes()) {
            return Err(err(0, "expected text, found a byte order mark (U+FEFF): remove it".into()));
        }
        if line.first() == Some(&b'#') {
            if !sc.words.is_empty() {
                return Err(err(
                    0,
                    "expected a word line, found a comment line: comments go before the first word line of a \
                     sentence"
                        .into(),
                ));
            }
            if let Some(rest) = text[ls..le].strip_prefix(GLOBAL_COLUMNS) {
                let Some(n) = declared_columns(line) else {
                    return Err(err(
                        19,
                        format!(
                            "expected the columns to start with the ten CoNLL-U columns {}, found {rest:?}",
                            COLUMNS.join(" ")
                        ),
                    ));
                };
                columns = n;
            }
            sc.comments.push(ls..le);
            continue;
        }
        // A word line: split it at tabs. `fields[10]` takes the fields
        // past the tenth, so that the loop does not branch on them.
        let mut fields = [(0u32, 0u32); 11];
        let mut tabs = 0;
        let mut from = ls;
        let max = columns;
        let ten = if columns == 10 { nine_tabs(padded, ls, le, &mut fields) } else { None };
        let (too_many, empty_field) = match ten {
            Some(empty) => {
                tabs = 9;
                from = fields[8].1 as usize + 1;
                (None, empty)
            }
            None => for_each_tab(&bytes[ls..le], |tab| {
                let tab = ls + tab;
                fields[tabs.min(10)] = (from as u32, tab as u32);
                tabs += 1;
                from = tab + 1;
                tabs >= max
            }),
        };
        if let Some(tab) = too_many {
            return Err(err(tab, format!("expected {columns} tab-separated columns, found more (a tab here)")));
        }
        let extra = if tabs >= 10 { (fields[9].1 as usize + 1, le) } else { (le, le) };
        if tabs < 10 {
            fields[tabs] = (from as u32, le as u32);
        }
        let n = tabs + 1;
        if n != columns {
            return Err(err(
                le - ls,
                format!("expected {columns} tab-separated columns, found {n}: a column is missing"),
            ));
        }
        // An empty field follows a tab (or starts the line, or ends it,
        // which is trailing whitespace, found above).
        if empty_field {
            for (k, &(s, e)) in fields[..10].iter().enumerate() {
                if s == e {
                    return Err(err(
                        s as usize - ls,
                        format!(
                            "expected a value in column {}, found nothing: write _ for an unknown value",
                            COLUMNS[k]
                        ),
                    ));
                }
            }
        }
        if extra.0 < le {
            let mut s = extra.0;
            for part in text[extra.0..le].split('\t') {
                if part.is_empty() {
                    return Err(err(s - ls, "expected a value in an extra column, found nothing".into()));
                }
                s += part.len() + 1;
            }
        }
        // Fields as bytes (they end at tabs); as text only for messages.
        let f = |k: usize| &bytes[fields[k].0 as usize..fields[k].1 as usize];
        let f_text = |k: usize| &text[fields[k].0 as usize..fields[k].1 as usize];
        let id = f(0);
        // A word id first: most lines have one, and then it holds neither
        // `-` nor `.`, which need not be looked for.
        let kind = if let Some(k) = number(id) {
            if k != next {
                return Err(err(0, format!("expected word id {next}, found {:?}", f_text(0))));
            }
            next += 1;
            last_empty = 0;
            sc.int_pos.push(words);
            words += 1;
            if range_end == k {
                range_end = 0;
            }
            Kind::Word(k)
        } else if let Some(dash) = id.iter().position(|&c| c == b'-') {
            let (Some(a), Some(b)) = (number(&id[..dash]), number(&id[dash + 1..])) else {
                return Err(err(0, format!("expected a multiword-token range such as 1-2, found {:?}", f_text(0))));
            };
            if range_end != 0 {
                return Err(err(
                    0,
                    format!(
                        "expected word {next} of the multiword token ending at {range_end}, found the range {}",
                        f_text(0)
                    ),
                ));
            }
            if a != next || b <= a {
                return Err(err(
                    0,
                    format!("expected a multiword-token range {next}-N with N > {next}, found {}", f_text(0)),
                ));
            }
            range_end = b;
            range_line = i;
            Kind::Range(b)
        } else if let Some(dot) = id.iter().position(|&c| c == b'.') {
            let (Some(major), Some(minor)) = (number(&id[..dot]), number(&id[dot + 1..])) else {
                return Err(err(0, format!("expected an empty-node id such as 1.1, found {:?}", f_text(0))));
            };
            if range_end != 0 {
                return Err(err(
                    0,
                    format!(
                        "expected word {next} of the multiword token ending at {range_end}, found the empty node {}: \
                         empty nodes go after the last word of a multiword token",
                        f_text(0)
                    ),
                ));
            }
            if major != next - 1 || minor != last_empty + 1 {
                return Err(err(
                    0,
                    format!("expected empty node {}.{} or word {next}, found {}", next - 1, last_empty + 1, f_text(0)),
                ));
            }
            last_empty = minor;
            words += 1;
            Kind::Empty
        } else {
            return Err(err(0, format!("expected word id {next}, found {:?}", f_text(0))));
        };
        let head = match number(f(6)) {
            Some(k) => k,
            None if f(6) == b"_" => 0,
            None => {
                return Err(err(
                    fields[6].0 as usize - ls,
                    format!("expected HEAD to be a word id or _, found {:?}", f_text(6)),
                ))
            }
        };
        let deps = f(8);
        if deps.starts_with(b":") || (has_pipe(deps) && deps.windows(2).any(|w| w == b"|:")) {
            return Err(err(
                fields[8].0 as usize - ls,
                format!("expected DEPS items head:relation, found {:?}", f_text(8)),
            ));
        }
        let extra = (extra.0 as u32, extra.1 as u32);
        sc.words.push(WordLine { index: i, kind, head, fields, extra });
    }
    if range_end != 0 {
        return Err(Problem {
            line: first_line + range_line as u64,
            column: 1,
            message: format!(
                "expected words up to {range_end} after the multiword token, found the end of the sentence at word {}",
                next - 1
            ),
        });
    }
    if sc.words.is_empty() {
        return Err(Problem {
            line: first_line,
            column: 1,
            message: "expected word lines after the comments, found an empty line: a sentence needs at least one word"
                .into(),
        });
    }
    Ok(())
}

/// Adds a checked block to the document.
fn build(doc: &mut DocState, b: &mut DocBuilder, ids: &Ids, block: &Block<'_>, sc: &mut Scratch) {
    let Block { text, padded, starts, first_line } = *block;
    // Comments: known lines become placeholders of the template.
    let first_in_doc = b.span_count(ids.sentence) == 0;
    sc.template.clear();
    let (mut seen_doc, mut seen_par, mut seen_sent, mut seen_text) = (false, false, false, false);
    let mut par: Option<Option<&str>> = None;
    let mut sent_id: Option<&str> = None;
    let mut text_value: Option<&str> = None;
    for (i, r) in sc.comments.iter().enumerate() {
        let c = &text[r.clone()];
        let placeholder = if !seen_doc && first_in_doc && newdoc_line(c.as_bytes()).is_some() {
            seen_doc = true;
            if c == "# newdoc" {
                P_NEWDOC
            } else {
                P_NEWDOC_ID
            }
        } else if !seen_par && c == "# newpar" {
            seen_par = true;
            par = Some(None);
            P_NEWPAR
        } else if let Some(v) = c.strip_prefix("# newpar id = ").filter(|v| !seen_par && !v.is_empty()) {
            seen_par = true;
            par = Some(Some(v));
            P_NEWPAR_ID
        } else if let Some(v) = c.strip_prefix("# sent_id = ").filter(|v| !seen_sent && !v.is_empty()) {
            seen_sent = true;
            sent_id = Some(v);
            P_SENT_ID
        } else if let Some(v) = c.strip_prefix("# text = ").filter(|v| !seen_text && !v.is_empty()) {
            seen_text = true;
            text_value = Some(v);
            P_TEXT
        } else {
            sc.template.push(TemplateLine::Comment(i));
            continue;
        };
        sc.template.push(TemplateLine::Placeholder(placeholder));
    }

    // Words.
    let sent_start = b.text().len();
    let mut last_tok_end = sent_start;
    let mut pending_space = false;
    // The multiword token being read: its span, its last word, and where
    // the next part starts when the parts spell the token (`None` when they
    // do not, and every part spans the whole token).
    let mut range: Option<(usize, usize, u32, Option<usize>)> = None;
    // Heads: relations, or attributes where no relation can say it. A
    // word's head is known by its id, and the span of that word from
    // `int_pos`, so relations go in as the words are read.
    let first_word = b.span_count(ids.word);
    let n = sc.int_pos.len();
    sc.heads.clear();
    sc.heads.resize(n, u32::MAX);
    let mut roots = 0;
    let line_of = |w: &WordLine| {
        let s = starts[w.index];
        let e = starts.get(w.index + 1).map_or(text.len(), |&e| e - 1);
        (&text[s..e], s)
    };
    let mut warn = |w: &WordLine, k: usize, message: String| {
        let (line, s) = line_of(w);
        doc.warnings.push(Problem {
            line: first_line + w.index as u64,
            column: column(line, w.fields[k].0 as usize - s),
            message,
        });
    };
    let bytes = text.as_bytes();
    for (wi, w) in sc.words.iter().enumerate() {
        // Fields as bytes: the block is UTF-8 and they end at tabs, so only
        // the ones that become text or are split are sliced as `str`.
        let f = |k: usize| w.field(bytes, k);
        let (form, lemma, misc) = (w.field_text(text, 1), f(2), w.field_text(text, 9));
        match w.kind {
            Kind::Range(last) => {
                let parts = match sc.words.get(wi + 1).map(|p| p.kind) {
                    Some(Kind::Word(a)) => (last - a + 1) as usize,
                    _ => 0,
                };
                // `scan` checked that the parts follow the range line.
                let mut rest = form.as_bytes();
                let spelled = sc.words[wi + 1..wi + 1 + parts].iter().all(|p| {
                    let part = p.field(bytes, 1);
                    match rest.strip_prefix(part) {
                        Some(r) => {
                            rest = r;
                            true
                        }
                        None => false,
                    }
                }) && rest.is_empty();
                let (s, e) = push_surface(b.text_mut(), form, pending_space);
                let (no_space, stored) = split_surface_misc(misc);
                let span = b.push_span(ids.token, s as u64, e as u64);
                for (k, &attr) in (2..9).zip(&ids.tok_cols) {
                    if f(k) != b"_" {
                        b.set_utf8(attr, span, f(k));
                    }
                }
                if let Some(m) = stored {
                    b.set_str(ids.tok_misc, span, &m);
                }
                if w.extra.0 < w.extra.1 {
                    b.set_utf8(ids.tok_extra, span, w.extra(bytes));
                }
                pending_space = !no_space;
                last_tok_end = e;
                range = Some((s, e, last, spelled.then_some(s)));
                continue;
            }
            Kind::Word(k) => {
                if let Some((s, e, last, at)) = range.as_mut() {
                    let (s, e) = match at {
                        Some(at) => {
                            *at += form.len();
                            (*at - form.len(), *at)
                        }
                        None => (*s, *e),
                    };
                    let span = b.push_span(ids.word, s as u64, e as u64);
                    if !same(form.as_bytes(), &b.text().as_bytes()[s..e]) {
                        b.set_str(ids.form, span, form);
                    }
                    if k == *last {
                        range = None;
                    }
                    if misc != "_" {
                        b.set_str(ids.misc, span, misc);
                    }
                } else {
                    let (s, e) = push_surface(b.text_mut(), form, pending_space);
                    let (no_space, stored) = split_surface_misc(misc);
                    b.push_span(ids.token, s as u64, e as u64);
                    let span = b.push_span(ids.word, s as u64, e as u64);
                    if let Some(m) = stored {
                        b.set_str(ids.misc, span, &m);
                    }
                    pending_space = !no_space;
                    last_tok_end = e;
                }
            }
            Kind::Empty => {
                let span = b.push_span(ids.word, last_tok_end as u64, last_tok_end as u64);
                b.set_str(ids.form, span, form);
                if misc != "_" {
                    b.set_str(ids.misc, span, misc);
                }
            }
        }
        let span = b.span_count(ids.word) - 1;
        if !same_field(padded, w.fields[2], w.fields[1]) {
            b.set_utf8(ids.lemma, span, lemma);
        }
        for (k, &attr) in (3..6).zip(&ids.word_cols) {
            if f(k) != b"_" {
                b.set_utf8(attr, span, f(k));
            }
        }
        let (head, deprel) = (f(6), f(7));
        if !default_deps(padded, w) {
            sc.deps.clear();
            let (head, deps) = (w.field_text(text, 6), w.field_text(text, 8));
            push_encoded_deps(&mut sc.deps, deps, head);
            b.set_str(ids.deps, span, &sc.deps);
        }
        if w.extra.0 < w.extra.1 {
            b.set_utf8(ids.extra, span, w.extra(bytes));
        }
        let own = match w.kind {
            Kind::Word(id) => Some(id),
            _ => None,
        };
        let k = w.head;
        if k >= 1 && (k as usize) <= n {
            let label = (deprel != b"_").then_some(deprel);
            let from = first_word + sc.int_pos[k as usize - 1] as usize;
            b.push_relation_utf8(ids.word, from as u64, span as u64, label);
            if let Some(id) = own {
                sc.heads[id as usize - 1] = k - 1;
            }
            continue;
        }
        // Without a relation a word is a root (`0`, `root`) when it is an
        // integer word, and unattached (`_`, `_`) when it is an empty node.
        let (default_head, default_deprel): (&[u8], &[u8]) = if own.is_some() { (b"0", b"root") } else { (b"_", b"_") };
        if head != default_head {
            b.set_utf8(ids.head, span, head);
        }
        if deprel != default_deprel {
            b.set_utf8(ids.deprel, span, deprel);
        }
        if head == b"0" && own.is_some() {
            roots += 1;
            if roots == 2 {
                warn(w, 6, "expected one root (HEAD 0) per sentence, found a second one".into());
            }
        } else if head != b"0" && head != b"_" {
            let head = String::from_utf8_lossy(head);
            warn(w, 6, format!("expected HEAD to be 0 or a word of the sentence (1 to {n}), found {head}"));
        }
    }
    let sent_end = last_tok_end;

    // Cycles: follow heads from each word, marking the words of the walk
    // with its number (i + 1), until a word without a head or one marked
    // before. A word marked by this walk is on a cycle; one marked by an
    // earlier walk leads where that walk led, without a cycle. Each word
    // is walked through once.
    sc.marks.clear();
    sc.marks.resize(n, 0);
    'words: for i in 0..n {
        let walk = i as u32 + 1;
        let mut j = i;
        while sc.marks[j] == 0 {
            sc.marks[j] = walk;
            match sc.heads[j] {
                u32::MAX => break,
                h => j = h as usize,
            }
        }
        if sc.marks[j] == walk && sc.heads[j] != u32::MAX {
            let w = sc.words.iter().find(|w| matches!(w.kind, Kind::Word(id) if id as usize == j + 1));
            if let Some(w) = w {
                warn(w, 6, format!("expected a tree, found a cycle through word {}", j + 1));
            }
            break 'words;
        }
    }

    // The sentence, its paragraph, its id.
    if pending_space {
        b.text_mut().push('\n');
    }
    if first_in_doc {
        doc.seeded = sc.template.contains(&TemplateLine::Placeholder(P_NEWDOC_ID));
    }
    let sentence = b.push_span(ids.sentence, sent_start as u64, sent_end as u64);
    // The document id seeds derivation only when its first sentence says
    // `# newdoc id = ..`, as the writer can tell.
    let doc_id = doc.id.as_deref().filter(|_| doc.seeded);
    if let Some(v) = sent_id {
        if !follows(doc.prev_sent_id.as_deref(), doc_id, FIRST_SENT_SUFFIX, v, &mut sc.derived) {
            b.set_str(ids.sent_id, sentence, v);
        }
    }
    set_prev(&mut doc.prev_sent_id, sent_id);
    if let Some(v) = text_value {
        if v != &b.text()[sent_start..sent_end] {
            b.set_str(ids.sent_text, sentence, v);
        }
    }
    let starts_par = par.is_some();
    let default = default_template(first_in_doc, starts_par);
    let is_default = sc.template.len() == default.len()
        && sc.template.iter().zip(default).all(|(t, d)| *t == TemplateLine::Placeholder(d));
    if !is_default {
        sc.joined.clear();
        for (k, t) in sc.template.iter().enumerate() {
            if k > 0 {
                sc.joined.push('\n');
            }
            sc.joined.push_str(match *t {
                TemplateLine::Placeholder(p) => p,
                TemplateLine::Comment(i) => &text[sc.comments[i].clone()],
            });
        }
        b.set_str(ids.comments, sentence, &sc.joined);
    }
    match par {
        Some(id) => {
            let span = b.push_span(ids.paragraph, sent_start as u64, sent_end as u64);
            if let Some(v) = id {
                if !follows(doc.prev_par_id.as_deref(), doc_id, FIRST_PAR_SUFFIX, v, &mut sc.derived) {
                    b.set_str(ids.par_id, span, v);
                }
            }
            set_prev(&mut doc.prev_par_id, id);
            doc.par_open = true;
        }
        None if doc.par_open => {
            let last = b.span_count(ids.paragraph) - 1;
            b.set_span_end(ids.paragraph, last, sent_end as u64);
        }
        None => {}
    }
}

/// Whether `id` is the one derived from the previous id (or the document
/// id), so that it need not be stored. `derived` is a buffer, reused so
/// that checking allocates nothing.
fn follows(prev: Option<&str>, doc_id: Option<&str>, first_suffix: &str, id: &str, derived: &mut String) -> bool {
    derived.clear();
    push_derived_id(derived, prev, doc_id, first_suffix) && derived == id
}

/// Remembers the last id, reusing the string.
fn set_prev(prev: &mut Option<String>, id: Option<&str>) {
    match (prev.as_mut(), id) {
        (Some(p), Some(id)) => {
            p.clear();
            p.push_str(id);
        }
        (_, id) => *prev = id.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::{
        byte_mask128, byte_mask64, byte_mask64_words, default_deps, deps_is_default, equal_bytes16,
        equal_bytes16_words, find_line_feed, for_each_tab, has_pipe, nine_tabs, number, plain_lines, same_field, Kind,
        LineFeeds, Reader, WordLine, SCAN_PADDING,
    };
    use std::io::BufRead;

    /// A reader of bytes in memory that records what is consumed.
    struct Consumes<'a> {
        rest: &'a [u8],
        consumed: Vec<usize>,
    }

    impl std::io::Read for Consumes<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = std::io::Read::read(&mut self.rest, out)?;
            self.consumed.push(n);
            Ok(n)
        }
    }

    impl BufRead for Consumes<'_> {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            Ok(self.rest)
        }

        fn consume(&mut self, amt: usize) {
            self.rest = &self.rest[amt..];
            self.consumed.push(amt);
        }
    }

    #[test]
    fn sentences_in_the_input_buffer_are_taken_in_place_whole() {
        let sentence = |id: &str| format!("# sent_id = {id}\n1\tHi\thi\tINTJ\t_\t_\t0\troot\t0:root\t_\n\n");
        let (a, b) = (sentence("a"), sentence("b"));
        // Long enough that the padding after `a` and `b` is in the buffer.
        let c = sentence(&"c".repeat(SCAN_PADDING));
        let input = format!("{a}{b}{c}");
        let mut reader = Reader::new(Consumes { rest: input.as_bytes(), consumed: Vec::new() }, "doc");
        let item = reader.next().unwrap().unwrap();
        assert!(item.errors.is_empty() && item.document.layer("sentence").unwrap().spans.len() == 3);
        let consumed = reader.into_inner().consumed;
        // Each of the first two at once, with its empty line, after it was
        // parsed; the last (too close to the end) line by line.
        assert_eq!(consumed[..2], [a.len(), b.len()]);
        assert!(consumed.len() > 3);
        assert_eq!(consumed.iter().sum::<usize>(), input.len());
    }

    /// Lines of every length up to two windows of the tab search, with the
    /// byte at every position (and next to the ends) set.
    fn lines(byte: u8) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for len in 0..140 {
            out.push(vec![b'a'; len]);
            for at in 0..len {
                let mut line = vec![b'a'; len];
                line[at] = byte;
                line[len - 1 - at / 2] = byte;
                out.push(line);
            }
        }
        out
    }

    #[test]
    fn the_fast_split_agrees_with_the_general_one() {
        // Lines of ten columns and other counts, of every length around 128
        // bytes, in blocks that end right after them or go on.
        for len in 9..140 {
            for tabs in [8, 9, 10] {
                for shift in 0..3 {
                    let mut line = vec![b'x'; len];
                    for k in 0..tabs {
                        let at = (k * (len - 1) / tabs + shift).min(len - 1);
                        line[at] = b'\t';
                    }
                    for tail in [0, 200] {
                        let mut block = line.clone();
                        block.extend(std::iter::repeat_n(b'\t', tail));
                        let mut general = Vec::new();
                        let (_, empty) = for_each_tab(&line, |tab| {
                            general.push(tab);
                            false
                        });
                        let mut fields = [(0, 0); 11];
                        let fast = nine_tabs(&block, 0, len, &mut fields)
                            .map(|empty| (fields[..9].iter().map(|&(_, tab)| tab as usize).collect::<Vec<_>>(), empty));
                        let expected = (len < 128 && tail > 0 && general.len() == 9).then_some((general, empty));
                        assert_eq!(fast, expected, "{:?}", String::from_utf8_lossy(&line));
                    }
                }
            }
        }
    }

    /// A word line of `fields` in a block padded as `parse_block` pads it.
    fn padded_line(fields: &[&str]) -> (Vec<u8>, WordLine) {
        let mut block = fields.join("\t").into_bytes();
        let mut ranges = [(0u32, 0u32); 11];
        let mut at = 0;
        for (k, f) in fields.iter().enumerate() {
            ranges[k] = (at, at + f.len() as u32);
            at += f.len() as u32 + 1;
        }
        block.extend([0; SCAN_PADDING]);
        (block, WordLine { index: 0, kind: Kind::Word(1), head: 0, fields: ranges, extra: (0, 0) })
    }

    #[test]
    fn window_compares_agree_with_byte_compares() {
        let values = [
            "",
            "_",
            "a",
            ":",
            "4",
            "12",
            "obl",
            "root",
            "4:obl",
            "12:nmod:poss",
            "nmod:poss",
            "0:root",
            "4:obl:from",
            "sixteen-bytes-xx",
            "seventeen-bytes-x",
            "4:obl|7:nsubj",
            "12:nmod:poss:of-16",
            "é",
            "4:é",
        ];
        let f = |block: &[u8], (s, e): (u32, u32)| block[s as usize..e as usize].to_vec();
        for head in ["_", "0", "4", "12", "123"] {
            for deprel in values {
                for deps in values {
                    let fields = ["1", deps, deprel, "X", "X", "_", head, deprel, deps, "_"];
                    let (block, w) = padded_line(&fields);
                    let expected = deps_is_default(deps.as_bytes(), head.as_bytes(), deprel.as_bytes());
                    assert_eq!(default_deps(&block, &w), expected, "{head} {deprel} {deps}");
                    let same = f(&block, w.fields[1]) == f(&block, w.fields[2]);
                    assert_eq!(same_field(&block, w.fields[1], w.fields[2]), same, "{deps} {deprel}");
                    let (a, b) = (w.fields[1].0, w.fields[6].0);
                    let window = |at: u32| -> [u8; 16] { block[at as usize..at as usize + 16].try_into().unwrap() };
                    assert_eq!(equal_bytes16(&block, a, b), equal_bytes16_words(&window(a), &window(b)));
                }
            }
        }
    }

    #[test]
    fn numbers_are_decimal_without_leading_zeros() {
        let reference = |s: &str| {
            let ok = !s.is_empty()
                && s.len() <= 9
                && s.bytes().all(|c| c.is_ascii_digit())
                && !(s.len() > 1 && s.starts_with('0'));
            ok.then(|| s.parse::<u32>().unwrap())
        };
        let chars = ["0", "1", "5", "9", "a", "-", ".", "/", ":", "é"];
        let mut inputs = vec![String::new(), "123456789".into(), "1234567890".into(), "999999999".into()];
        for a in chars {
            inputs.push(a.into());
            for b in chars {
                inputs.push(format!("{a}{b}"));
                for c in chars {
                    inputs.push(format!("{a}{b}{c}"));
                }
            }
        }
        for s in inputs {
            assert_eq!(number(s.as_bytes()), reference(&s), "{s:?}");
        }
    }

    #[test]
    fn a_pipe_is_found_wherever_it_is() {
        for line in lines(b'|') {
            assert_eq!(has_pipe(&line), line.contains(&b'|'), "{:?}", String::from_utf8_lossy(&line));
        }
    }

    #[test]
    fn every_line_feed_is_found_in_order() {
        // Buffers past two windows, with line feeds anywhere (among bytes
        // with the high bit set, which a signed compare could confuse).
        for buf in lines(b'\n').into_iter().chain(lines(b'\n').into_iter().map(|mut l| {
            l.iter_mut().filter(|c| **c == b'a').for_each(|c| *c = 0x8a);
            l
        })) {
            let expected: Vec<usize> = memchr::memchr_iter(b'\n', &buf).collect();
            assert_eq!(LineFeeds::new(&buf).collect::<Vec<_>>(), expected, "{buf:?}");
            assert_eq!(find_line_feed(&buf), expected.first().copied());
        }
    }

    #[test]
    fn plain_lines_stop_before_a_line_that_ends_a_block_or_comments() {
        let long = "1\t".to_string() + &"x".repeat(150) + "\n";
        let cases: [(String, usize, u64); 8] = [
            ("1\ta\n2\tb\n\n".into(), 8, 2),
            ("1\ta\n# c\n2\tb\n".into(), 4, 1),
            ("1\ta\n \n".into(), 4, 1),
            ("1\ta\n\t\n".into(), 4, 1),
            ("1\ta\n\r\n".into(), 4, 1),
            ("# c\n1\ta\n".into(), 0, 0),
            // A line not ended yet is left for later.
            ("1\ta\n2\tb".into(), 4, 1),
            (long.repeat(3) + "\n", 3 * long.len(), 3),
        ];
        for (hay, bytes, lines) in cases {
            assert_eq!(plain_lines(hay.as_bytes()), (bytes, lines), "{hay:?}");
        }
    }

    #[test]
    fn a_byte_mask_has_the_bits_of_that_byte() {
        for line in lines(b'\t') {
            let mut window = [0x89u8; 128];
            let n = line.len().min(128);
            window[..n].copy_from_slice(&line[..n]);
            let expected = (0..128).filter(|&i| window[i] == b'\t').fold(0u128, |m, i| m | 1 << i);
            assert_eq!(byte_mask128(&window, b'\t'), expected);
            for half in window.chunks_exact(64) {
                let half: &[u8; 64] = half.try_into().unwrap();
                for byte in [b'\t', 0x89, b'a', 0] {
                    assert_eq!(byte_mask64(half, byte), byte_mask64_words(half, byte));
                }
            }
        }
    }

    #[test]
    fn every_tab_is_found_in_order() {
        for line in lines(b'\t') {
            let mut found = Vec::new();
            let (stopped, empty) = for_each_tab(&line, |tab| {
                found.push(tab);
                false
            });
            assert_eq!(stopped, None);
            let expected: Vec<usize> = (0..line.len()).filter(|&i| line[i] == b'\t').collect();
            assert_eq!(found, expected);
            let adjacent = expected.first() == Some(&0) || expected.windows(2).any(|w| w[1] == w[0] + 1);
            assert_eq!(empty, adjacent, "{:?}", String::from_utf8_lossy(&line));
        }
    }
}
