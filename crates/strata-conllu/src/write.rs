//! Documents into CoNLL-U: one writer for the owned [`Document`] and the
//! borrowed [`Doc`] of a strata file, reading both through `view.rs`.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use strata_format::{Doc, Document, StringTable};

use crate::names;
use crate::rules::{
    default_template, push_decoded_deps, push_default_deps, push_derived_id, push_surface_misc, FIRST_PAR_SUFFIX,
    FIRST_SENT_SUFFIX, P_NEWDOC, P_NEWDOC_ID, P_NEWPAR, P_NEWPAR_ID, P_SENT_ID, P_TEXT,
};
use crate::view::{breaks_line, check_unread, AttrCursor, Dict, DocView, Ext, LayerView, Stored, Val};

/// Why a document cannot be written as CoNLL-U.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteError {
    /// The document lacks a layer CoNLL-U needs (`sentence`, `token`).
    MissingLayer(&'static str),
    /// A span lies outside the text or not on character boundaries.
    Span {
        /// The layer.
        layer: &'static str,
        /// The span's index in its layer.
        index: usize,
    },
    /// A value would break the line structure: it is empty or holds a tab
    /// or line feed.
    Value {
        /// The layer.
        layer: &'static str,
        /// The span's index in its layer.
        index: usize,
        /// The attribute (or `form`).
        what: String,
    },
    /// The layers do not fit together as CoNLL-U: a word outside every
    /// token or sentence, a head in another sentence, an id that cannot be
    /// derived.
    Structure {
        /// The word or sentence concerned.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// The stored document is damaged: its text, a span, a string code or
    /// a relation cannot be read ([`write_doc`] only; [`Doc::to_owned`]
    /// fails on such a document too).
    Damaged(String),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::MissingLayer(l) => write!(f, "expected a {l:?} layer, found none: CoNLL-U needs one"),
            WriteError::Span { layer, index } => {
                write!(f, "span {index} of layer {layer:?} is outside the text or not on character boundaries")
            }
            WriteError::Value { layer, index, what } => write!(
                f,
                "span {index} of layer {layer:?}: expected a {what} without tabs or line feeds and not empty, found one \
                 that would break the CoNLL-U line"
            ),
            WriteError::Structure { index, message } => write!(f, "at {index}: {message}"),
            WriteError::Damaged(what) => write!(f, "the stored document is damaged: {what}"),
        }
    }
}

impl std::error::Error for WriteError {}

/// Appends `doc` to `out` as CoNLL-U.
///
/// A document with a `word` layer is written by the rules of
/// `spec/CONLLU.md`: one that came from [`crate::Reader`] gives its input
/// back byte for byte. Any other document with `sentence` and `token` layers
/// becomes valid CoNLL-U with words = tokens: `# newdoc id`, `# newpar`,
/// `# sent_id = {id}-{n}`, `# text`, `SpaceAfter=No` from the text, the
/// token attributes `lemma`, `upos`, `xpos`, `feats` and `misc` where
/// present and `_` for everything else; tokens outside every sentence and
/// sentences without tokens are left out.
///
/// For a document read from a strata file, [`write_doc`] gives the same
/// bytes without copying the document first.
///
/// Cost: one pass over the layers, with allocations only for a few
/// per-document tables.
///
/// # Errors
/// A [`WriteError`] when the document cannot be written; `out` is then left
/// as it was.
pub fn write_document(doc: &Document, out: &mut String) -> Result<(), WriteError> {
    write_view(doc, out)
}

/// Appends a document of a strata file to `out` as CoNLL-U, reading it in
/// place: the same bytes, and the same errors, as
/// `write_document(&doc.to_owned()?, out)`, without the copy (one
/// allocation per attribute value) that `to_owned` makes.
///
/// `strings` is the dictionary of the corpus `doc` comes from
/// ([`strata_format::Corpus::string_table`], checked once per corpus).
///
/// It succeeds only when [`Doc::to_owned`] would: what the writer does not
/// read (metadata, labels, fragments, other layers and attributes) is
/// checked too, so a damaged document is never half written.
///
/// Cost: one pass over the spans and values of the document, reading the
/// values it writes in place from the dictionary; no allocation per value.
///
/// # Errors
/// The [`WriteError`] that [`write_document`] gives for the copy. For a
/// damaged document (one whose `to_owned` fails), an error:
/// [`WriteError::Damaged`] unless the writer fails first on what it read
/// before the damage. `out` is left as it was.
pub fn write_doc(doc: &Doc<'_>, strings: &StringTable<'_>, out: &mut String) -> Result<(), WriteError> {
    write_stored(doc, Dict::new(strings, &[]), out)
}

/// [`write_doc`] for the documents of one corpus in turn: the dictionary
/// strings met in one document are looked up again in the next for the
/// cost of an array read.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use strata_conllu::{DocWriter, Reader};
/// use strata_format::{Corpus, WriterBuilder};
///
/// let input = "# sent_id = 1\n# text = Hi.\n1\tHi\thi\tINTJ\t_\t_\t0\troot\t0:root\tSpaceAfter=No\n\
///     2\t.\t.\tPUNCT\t_\t_\t1\tpunct\t1:punct\t_\n\n";
/// let mut wtr = WriterBuilder::new().build(Vec::new())?;
/// for parsed in Reader::new(input.as_bytes(), "hi") {
///     wtr.add(&parsed.expect("valid").document)?;
/// }
/// let corpus = Corpus::from_bytes(wtr.finish()?)?;
/// let strings = corpus.string_table()?;
/// let writer = DocWriter::new(&strings);
/// let mut out = String::new();
/// for doc in corpus.iter() {
///     writer.write(&doc?, &mut out)?;
/// }
/// assert_eq!(out, input);
/// # Ok(()) }
/// # example().unwrap();
/// ```
pub struct DocWriter<'s, 'c> {
    strings: &'s StringTable<'c>,
    /// The strings of the first [`DocWriter::CACHED`] codes, as met.
    cache: Vec<Cell<Option<&'c str>>>,
}

impl<'s, 'c> DocWriter<'s, 'c> {
    /// How many strings are kept looked up: the first codes, which go to
    /// the strings a corpus meets first, usually its most frequent.
    const CACHED: usize = 1 << 16;

    /// A writer of the documents whose dictionary is `strings`
    /// ([`strata_format::Corpus::string_table`]).
    ///
    /// Cost: allocates 16 bytes per string of the dictionary, up to 1 MiB.
    pub fn new(strings: &'s StringTable<'c>) -> DocWriter<'s, 'c> {
        let n = strings.len().saturating_add(1).min(Self::CACHED);
        DocWriter { strings, cache: vec![Cell::new(None); n] }
    }

    /// [`write_doc`] of `doc`, which must come from the corpus of the
    /// dictionary.
    ///
    /// # Errors
    /// As [`write_doc`].
    pub fn write(&self, doc: &Doc<'_>, out: &mut String) -> Result<(), WriteError> {
        write_stored(doc, Dict::new(self.strings, &self.cache), out)
    }
}

fn write_stored(doc: &Doc<'_>, strings: Dict<'_, '_>, out: &mut String) -> Result<(), WriteError> {
    let len = out.len();
    let result = write_view(Stored::new(doc, strings), out).and_then(|()| check_unread(doc, strings, &READ));
    if result.is_err() {
        out.truncate(len);
    }
    result
}

fn write_view<'d, D: DocView<'d>>(doc: D, out: &mut String) -> Result<(), WriteError> {
    let len = out.len();
    let result = match doc.layer(names::WORD) {
        Some(words) => Writer::new(doc, words).and_then(|w| w.write(out)),
        None => write_tokens(doc, out),
    };
    if result.is_err() {
        out.truncate(len);
    }
    result
}

/// The attribute cursor type of a document view.
type AttrOf<'d, D> = <<D as DocView<'d>>::Layer as LayerView<'d>>::Attr;

fn extents<'d, L: LayerView<'d>>(layer: Option<L>) -> Result<Vec<Ext>, WriteError> {
    let mut out = Vec::new();
    if let Some(layer) = layer {
        layer.extents(&mut out)?;
    }
    Ok(out)
}

fn span_text<'a>(text: &'a str, span: Ext, layer: &'static str, index: usize) -> Result<&'a str, WriteError> {
    text.get(span.start as usize..span.end as usize).ok_or(WriteError::Span { layer, index })
}

/// Checks that a column value keeps the line intact.
#[inline]
fn check(value: &str, layer: &'static str, index: usize, what: &str) -> Result<(), WriteError> {
    if value.is_empty() || breaks_line(value) {
        return Err(WriteError::Value { layer, index, what: what.to_string() });
    }
    Ok(())
}

/// [`column`] for a value that may be known to fit already.
#[inline]
fn column_val(
    out: &mut String,
    (value, fits): &(Cow<'_, str>, bool),
    layer: &'static str,
    index: usize,
    what: &str,
) -> Result<(), WriteError> {
    if !fits {
        check(value, layer, index, what)?;
    }
    out.push_str(value);
    Ok(())
}

/// Appends the MISC of a surface token, with `SpaceAfter=No` when
/// `no_space`, checking that the stored part keeps the line intact (an
/// empty one stands for `_`).
#[inline]
fn surface_misc(
    out: &mut String,
    stored: Option<&str>,
    no_space: bool,
    layer: &'static str,
    index: usize,
) -> Result<(), WriteError> {
    if stored.is_some_and(breaks_line) {
        return Err(WriteError::Value { layer, index, what: "misc".into() });
    }
    push_surface_misc(out, stored, no_space);
    Ok(())
}

/// Appends the columns past the tenth (`extra`: values joined by tabs),
/// checking that none is empty and that none holds a line feed.
fn extra_columns(out: &mut String, extra: &str, layer: &'static str, index: usize) -> Result<(), WriteError> {
    if extra.contains('\n') || extra.split('\t').any(str::is_empty) {
        return Err(WriteError::Structure {
            index,
            message: format!(
                "span {index} of layer {layer:?}: expected extra columns joined by single tabs, none empty and \
                 without line feeds, found {extra:?}"
            ),
        });
    }
    out.push('\t');
    out.push_str(extra);
    Ok(())
}

/// Appends one column value, checking that it keeps the line intact.
#[inline]
fn column(out: &mut String, value: &str, layer: &'static str, index: usize, what: &str) -> Result<(), WriteError> {
    check(value, layer, index, what)?;
    out.push_str(value);
    Ok(())
}

#[inline(always)]
fn push_u32(out: &mut String, v: u32) {
    // Ids are small: one or two digits without a buffer.
    if v < 10 {
        out.push(char::from(b'0' + v as u8));
    } else if v < 100 {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    } else {
        push_u32_long(out, v);
    }
}

#[inline(never)]
fn push_u32_long(out: &mut String, v: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// A word's id: `(n, 0)` is `n`, `(n, k)` the empty node `n.k`.
#[inline(always)]
fn push_id(out: &mut String, (n, k): (u32, u32)) {
    push_u32(out, n);
    if k > 0 {
        out.push('.');
        push_u32(out, k);
    }
}

/// The lines of a comment template: the stored `comments` attribute, or
/// the default template.
#[derive(Clone)]
enum Template<'a> {
    Stored(std::str::Split<'a, char>),
    Default(std::slice::Iter<'static, &'static str>),
}

impl<'a> Template<'a> {
    fn new(stored: Option<&'a str>, default: &'static [&'static str]) -> Template<'a> {
        match stored {
            Some("") => Template::Default([].iter()),
            Some(c) => Template::Stored(c.split('\n')),
            None => Template::Default(default.iter()),
        }
    }
}

impl<'a> Iterator for Template<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Template::Stored(lines) => lines.next(),
            Template::Default(lines) => lines.next().copied(),
        }
    }
}

/// The last id of a series (sentences or paragraphs) and the one being
/// written, in buffers reused from one sentence to the next.
#[derive(Default)]
struct Series {
    prev: String,
    has_prev: bool,
    this: String,
}

impl Series {
    /// Puts the stored id, or the one derived from the previous one, in
    /// `this`; `false` when there is none.
    fn make(&mut self, stored: Option<&str>, doc_id: Option<&str>, first_suffix: &str) -> bool {
        self.this.clear();
        match stored {
            Some(id) => {
                self.this.push_str(id);
                true
            }
            None => {
                let prev = self.has_prev.then_some(self.prev.as_str());
                push_derived_id(&mut self.this, prev, doc_id, first_suffix)
            }
        }
    }

    /// Makes `this` the previous id (`false`: there is none).
    fn advance(&mut self, written: bool) {
        std::mem::swap(&mut self.prev, &mut self.this);
        self.has_prev = written;
    }
}

/// The attributes the writer reads, by layer. Each gets a cursor, so that
/// a stored document is read once, in order (`view.rs`);
/// [`crate::view::check_unread`] checks the others.
pub(crate) const READ: [(&str, &[&str]); 4] = [
    (names::SENTENCE, &SENTENCE_ATTRS),
    (names::PARAGRAPH, &PARAGRAPH_ATTRS),
    (names::TOKEN, &TOKEN_ATTRS),
    (names::WORD, &WORD_ATTRS),
];
const SENTENCE_ATTRS: [&str; 3] = ["comments", "sent_id", "text"];
const PARAGRAPH_ATTRS: [&str; 1] = ["id"];
/// Columns 3 to 9 of a multiword-token line, then `misc` and `extra`.
const TOKEN_ATTRS: [&str; 9] = ["lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc", "extra"];
const WORD_ATTRS: [&str; 10] = ["form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc", "extra"];

/// Cursors on the attributes of `sentence`, `paragraph` and `token`.
struct Attrs<A> {
    comments: A,
    sent_id: A,
    sent_text: A,
    /// The paragraph `id`, when there are paragraphs.
    par_id: Option<A>,
    /// Columns 3 to 9 of a multiword-token line.
    token_columns: [A; 7],
    token_misc: A,
    token_extra: A,
}

impl<A> Attrs<A> {
    fn open<'d, L: LayerView<'d, Attr = A>>(sentences: L, paragraphs: Option<L>, tokens: L) -> Attrs<A> {
        let [comments, sent_id, sent_text] = sentences.attrs(SENTENCE_ATTRS);
        let [lemma, upos, xpos, feats, head, deprel, deps, misc, extra] = tokens.attrs(TOKEN_ATTRS);
        Attrs {
            comments,
            sent_id,
            sent_text,
            par_id: paragraphs.map(|p| {
                let [id] = p.attrs(PARAGRAPH_ATTRS);
                id
            }),
            token_columns: [lemma, upos, xpos, feats, head, deprel, deps],
            token_misc: misc,
            token_extra: extra,
        }
    }

    /// Finishes every cursor: the first error.
    fn finish<'d>(&mut self) -> Result<(), WriteError>
    where
        A: AttrCursor<'d>,
    {
        let singles =
            [&mut self.comments, &mut self.sent_id, &mut self.sent_text, &mut self.token_misc, &mut self.token_extra];
        let mut all = singles.into_iter().chain(&mut self.par_id).chain(&mut self.token_columns);
        all.try_for_each(AttrCursor::finish)
    }
}

/// The word attributes a word line reads.
struct WordAttrs<A> {
    form: A,
    lemma: A,
    upos: A,
    xpos: A,
    feats: A,
    head: A,
    deprel: A,
    deps: A,
    misc: A,
    extra: A,
}

impl<A> WordAttrs<A> {
    fn open<'d, L: LayerView<'d, Attr = A>>(words: L) -> WordAttrs<A> {
        let [form, lemma, upos, xpos, feats, head, deprel, deps, misc, extra] = words.attrs(WORD_ATTRS);
        WordAttrs { form, lemma, upos, xpos, feats, head, deprel, deps, misc, extra }
    }

    /// Finishes every cursor: the first error.
    fn finish<'d>(&mut self) -> Result<(), WriteError>
    where
        A: AttrCursor<'d>,
    {
        let WordAttrs { form, lemma, upos, xpos, feats, head, deprel, deps, misc, extra } = self;
        let all = [form, lemma, upos, xpos, feats, head, deprel, deps, misc, extra];
        all.into_iter().try_for_each(AttrCursor::finish)
    }
}

/// Writes a document with a `word` layer.
struct Writer<'d, A> {
    id: &'d str,
    text: &'d str,
    sentences: Vec<Ext>,
    paragraphs: Vec<Ext>,
    tokens: Vec<Ext>,
    words: Vec<Ext>,
    /// Per word: the relation that heads it, as (head word, label).
    heads: Vec<Option<(usize, Option<Val<'d>>)>>,
    /// Per word of the current sentence: its id.
    ids: Vec<(u32, u32)>,
    /// A `HEAD` id written out, to decode `DEPS` with.
    head_buf: String,
    attrs: Attrs<A>,
    word: WordAttrs<A>,
}

impl<'d, A: AttrCursor<'d>> Writer<'d, A> {
    fn new<D>(doc: D, words: D::Layer) -> Result<Writer<'d, A>, WriteError>
    where
        D: DocView<'d>,
        D::Layer: LayerView<'d, Attr = A>,
    {
        let sentences = doc.layer(names::SENTENCE).ok_or(WriteError::MissingLayer(names::SENTENCE))?;
        let tokens = doc.layer(names::TOKEN).ok_or(WriteError::MissingLayer(names::TOKEN))?;
        let word_spans = extents(Some(words))?;
        let mut heads = vec![None; word_spans.len()];
        words.each_relation(|from, to, label| {
            let (from, to) = (from as usize, to as usize);
            if from >= heads.len() || to >= heads.len() {
                return Err(WriteError::Structure {
                    index: to,
                    message: format!("relation {from} -> {to} joins words that do not exist"),
                });
            }
            if heads[to].is_none() {
                heads[to] = Some((from, label));
            }
            Ok(())
        })?;
        let paragraphs = doc.layer(names::PARAGRAPH);
        Ok(Writer {
            id: doc.id(),
            text: doc.text()?,
            sentences: extents(Some(sentences))?,
            paragraphs: extents(paragraphs)?,
            tokens: extents(Some(tokens))?,
            words: word_spans,
            heads,
            ids: Vec::new(),
            head_buf: String::new(),
            attrs: Attrs::open(sentences, paragraphs, tokens),
            word: WordAttrs::open(words),
        })
    }

    /// Writes the document, then finishes the cursors: an error of theirs
    /// (a damaged stored document) comes first.
    fn write(mut self, out: &mut String) -> Result<(), WriteError> {
        let written = self.write_sentences(out);
        let finished = self.attrs.finish().and(self.word.finish());
        finished.and(written)
    }

    fn write_sentences(&mut self, out: &mut String) -> Result<(), WriteError> {
        out.reserve(self.text.len() * 8);
        let mut seeded = false;
        let mut sent_ids = Series::default();
        let mut par_ids = Series::default();
        let (mut p, mut t, mut w) = (0, 0, 0);
        for si in 0..self.sentences.len() {
            let s = self.sentences[si];
            let sentence_text = span_text(self.text, s, names::SENTENCE, si)?;
            while p < self.paragraphs.len() && self.paragraphs[p].start < s.start {
                p += 1;
            }
            let par = (p < self.paragraphs.len() && self.paragraphs[p].start == s.start).then_some(p);
            if par.is_some() {
                p += 1;
            }
            let stored = self.attrs.comments.get(si);
            let lines = Template::new(stored.as_deref(), default_template(si == 0, par.is_some()));
            if si == 0 {
                seeded = lines.clone().any(|line| line == P_NEWDOC_ID);
            }
            let doc_id = Some(self.id).filter(|_| seeded);
            let mut this_sent = false;
            for line in lines {
                match line {
                    P_NEWDOC_ID => {
                        out.push_str("# newdoc id = ");
                        out.push_str(self.id);
                    }
                    P_NEWDOC => out.push_str("# newdoc"),
                    P_NEWPAR_ID => {
                        let stored = match (par, &mut self.attrs.par_id) {
                            (Some(k), Some(ids)) => ids.get(k),
                            _ => None,
                        };
                        if !par_ids.make(stored.as_deref(), doc_id, FIRST_PAR_SUFFIX) {
                            return Err(WriteError::Structure {
                                index: si,
                                message: "the paragraph has no id and none can be derived".into(),
                            });
                        }
                        out.push_str("# newpar id = ");
                        out.push_str(&par_ids.this);
                        par_ids.advance(true);
                    }
                    P_NEWPAR => {
                        out.push_str("# newpar");
                        par_ids.advance(false);
                    }
                    P_SENT_ID => {
                        let stored = self.attrs.sent_id.get(si);
                        if !sent_ids.make(stored.as_deref(), doc_id, FIRST_SENT_SUFFIX) {
                            return Err(WriteError::Structure {
                                index: si,
                                message: "the sentence has no sent_id and none can be derived".into(),
                            });
                        }
                        out.push_str("# sent_id = ");
                        out.push_str(&sent_ids.this);
                        this_sent = true;
                    }
                    P_TEXT => {
                        out.push_str("# text = ");
                        match self.attrs.sent_text.get(si) {
                            Some(v) => out.push_str(&v),
                            None => out.push_str(sentence_text),
                        }
                    }
                    other if other.starts_with('#') => out.push_str(other),
                    other => {
                        return Err(WriteError::Structure {
                            index: si,
                            message: format!("the comment template has an unknown line {other:?}"),
                        })
                    }
                }
                out.push('\n');
            }
            sent_ids.advance(this_sent);

            // The words and tokens of this sentence.
            let w0 = w;
            while w < self.words.len() && self.words[w].end <= s.end {
                if self.words[w].start < s.start {
                    return Err(WriteError::Structure {
                        index: w,
                        message: "the word is outside every sentence".into(),
                    });
                }
                w += 1;
            }
            if w == w0 {
                return Err(WriteError::Structure { index: si, message: "the sentence has no words".into() });
            }
            self.ids.clear();
            let (mut n, mut k) = (0u32, 0u32);
            for word in &self.words[w0..w] {
                if word.start == word.end {
                    k += 1;
                } else {
                    n += 1;
                    k = 0;
                }
                self.ids.push((n, k));
            }
            let mut i = w0;
            while i < w {
                let word = self.words[i];
                if word.start == word.end {
                    self.word_line(out, i, w0, None)?;
                    i += 1;
                    continue;
                }
                while t < self.tokens.len() && self.tokens[t].end <= word.start {
                    t += 1;
                }
                let token = match self.tokens.get(t) {
                    Some(&tok) if tok.start <= word.start && word.end <= tok.end => tok,
                    _ => {
                        return Err(WriteError::Structure {
                            index: i,
                            message: "the word is not inside a token".into(),
                        })
                    }
                };
                // The token's words: the parts of a multiword token either
                // span the whole token or spell it part by part.
                let mut parts = 1;
                while i + parts < w && {
                    let next = self.words[i + parts];
                    next.start < next.end && next.end <= token.end
                } {
                    parts += 1;
                }
                let no_space = match self.tokens.get(t + 1) {
                    Some(next) => next.start == token.end,
                    None => token.end as usize == self.text.len(),
                };
                if parts == 1 && word.start == token.start && word.end == token.end {
                    self.word_line(out, i, w0, Some(no_space))?;
                } else {
                    self.range_line(out, t, self.ids[i - w0].0, self.ids[i + parts - 1 - w0].0, no_space)?;
                    for j in i..i + parts {
                        self.word_line(out, j, w0, None)?;
                    }
                }
                i += parts;
                t += 1;
            }
            out.push('\n');
        }
        Ok(())
    }

    /// A multiword-token line.
    fn range_line(&mut self, out: &mut String, t: usize, a: u32, b: u32, no_space: bool) -> Result<(), WriteError> {
        let token = self.tokens[t];
        const L: &str = names::TOKEN;
        push_u32(out, a);
        out.push('-');
        push_u32(out, b);
        out.push('\t');
        column(out, span_text(self.text, token, L, t)?, L, t, "form")?;
        for (name, attr) in TOKEN_ATTRS.iter().zip(&mut self.attrs.token_columns) {
            out.push('\t');
            match attr.get(t) {
                Some(v) => column(out, &v, L, t, name)?,
                None => out.push('_'),
            }
        }
        out.push('\t');
        let misc = self.attrs.token_misc.get(t);
        surface_misc(out, misc.as_deref(), no_space, L, t)?;
        if let Some(extra) = self.attrs.token_extra.get(t) {
            extra_columns(out, &extra, L, t)?;
        }
        out.push('\n');
        Ok(())
    }

    /// A word line; `surface` says whether the word is a token of its own,
    /// and if so whether no space follows it.
    fn word_line(&mut self, out: &mut String, i: usize, w0: usize, surface: Option<bool>) -> Result<(), WriteError> {
        const L: &str = names::WORD;
        let word = self.words[i];
        let a = &mut self.word;
        let form_attr = a.form.get(i);
        let lemma = a.lemma.get_val(i);
        let upos = a.upos.get_val(i);
        let xpos = a.xpos.get_val(i);
        let feats = a.feats.get_val(i);
        let head_attr = a.head.get(i);
        let deprel_attr = a.deprel.get(i);
        let deps = a.deps.get(i);
        let misc = a.misc.get(i);
        let extra = a.extra.get(i);
        push_id(out, self.ids[i - w0]);
        out.push('\t');
        let form = match &form_attr {
            Some(f) => f.as_ref(),
            None => span_text(self.text, word, L, i)?,
        };
        column(out, form, L, i, "form")?;
        out.push('\t');
        match &lemma {
            Some(lemma) => column_val(out, lemma, L, i, "lemma")?,
            // The form, checked above.
            None => out.push_str(form),
        }
        for v in [&upos, &xpos, &feats] {
            out.push('\t');
            match v {
                Some(v) => column_val(out, v, L, i, "upos, xpos or feats")?,
                None => out.push('_'),
            }
        }
        out.push('\t');
        // HEAD: the id of the word the relation comes from, or a string.
        let (head_id, head, deprel): (Option<(u32, u32)>, &str, Val<'_>) = match self.heads[i] {
            Some((from, label)) => {
                if from < w0 || from - w0 >= self.ids.len() {
                    return Err(WriteError::Structure {
                        index: i,
                        message: "the word's head is in another sentence".into(),
                    });
                }
                let id = self.ids[from - w0];
                push_id(out, id);
                (Some(id), "", label.unwrap_or(("_", true)))
            }
            None => {
                // A root when an integer word, unattached when an empty node.
                let (head, deprel) = if word.start < word.end { ("0", "root") } else { ("_", "_") };
                let head = head_attr.as_deref().unwrap_or(head);
                column(out, head, L, i, "head")?;
                // DEPS has always been built with at most the first 24 bytes
                // of HEAD (`_` when they end inside a character).
                let head = if head.len() <= 24 { head } else { head.get(..24).unwrap_or("_") };
                (None, head, (deprel_attr.as_deref().unwrap_or(deprel), false))
            }
        };
        out.push('\t');
        let (deprel, deprel_fits) = deprel;
        if !deprel_fits {
            check(deprel, L, i, "deprel")?;
        }
        out.push_str(deprel);
        out.push('\t');
        match (&deps, head_id) {
            (Some(d), _) => {
                let head = match head_id {
                    Some(id) => {
                        self.head_buf.clear();
                        push_id(&mut self.head_buf, id);
                        &self.head_buf
                    }
                    None => head,
                };
                let at = out.len();
                push_decoded_deps(out, d, head);
                check(&out[at..], L, i, "deps")?;
            }
            // `push_default_deps` for a head that is an id.
            (None, Some(id)) => {
                push_id(out, id);
                out.push(':');
                out.push_str(deprel);
            }
            (None, None) => push_default_deps(out, head, deprel),
        }
        out.push('\t');
        match surface {
            Some(no_space) => surface_misc(out, misc.as_deref(), no_space, L, i)?,
            None => match &misc {
                Some(m) => column(out, m, L, i, "misc")?,
                None => out.push('_'),
            },
        }
        if let Some(extra) = extra {
            extra_columns(out, &extra, L, i)?;
        }
        out.push('\n');
        Ok(())
    }
}

/// Writes a document without a `word` layer: words are its tokens.
fn write_tokens<'d, D: DocView<'d>>(doc: D, out: &mut String) -> Result<(), WriteError> {
    let sentence_layer = doc.layer(names::SENTENCE).ok_or(WriteError::MissingLayer(names::SENTENCE))?;
    let token_layer = doc.layer(names::TOKEN).ok_or(WriteError::MissingLayer(names::TOKEN))?;
    let paragraph_layer = doc.layer(names::PARAGRAPH);
    let mut attrs = Attrs::open(sentence_layer, paragraph_layer, token_layer);
    let written = write_token_sentences(doc, sentence_layer, token_layer, paragraph_layer, &mut attrs, out);
    attrs.finish().and(written)
}

fn write_token_sentences<'d, D: DocView<'d>>(
    doc: D,
    sentence_layer: D::Layer,
    token_layer: D::Layer,
    paragraph_layer: Option<D::Layer>,
    attrs: &mut Attrs<AttrOf<'d, D>>,
    out: &mut String,
) -> Result<(), WriteError> {
    let (sentences, tokens, paragraphs) =
        (extents(Some(sentence_layer))?, extents(Some(token_layer))?, extents(paragraph_layer)?);
    let text = doc.text()?;
    let id = doc.id();
    let (mut t, mut p, mut written) = (0, 0, 0);
    let mut forms: Vec<(&str, bool, usize)> = Vec::new();
    for (si, &s) in sentences.iter().enumerate() {
        forms.clear();
        while t < tokens.len() && tokens[t].start < s.start {
            t += 1;
        }
        while t < tokens.len() && tokens[t].end <= s.end {
            let tok = tokens[t];
            if tok.start < tok.end {
                let form = span_text(text, tok, names::TOKEN, t)?;
                let no_space = match tokens.get(t + 1) {
                    Some(next) if next.end <= s.end => next.start == tok.end,
                    _ => text[tok.end as usize..].chars().next().is_some_and(|c| !c.is_whitespace()),
                };
                forms.push((form, no_space, t));
            }
            t += 1;
        }
        if forms.is_empty() {
            continue;
        }
        written += 1;
        if written == 1 {
            out.push_str("# newdoc id = ");
            column(out, id, names::SENTENCE, si, "document id")?;
            out.push('\n');
        }
        while p < paragraphs.len() && paragraphs[p].end <= s.start && paragraphs[p].start < s.start {
            p += 1;
        }
        if let Some(par) = paragraphs.get(p) {
            if par.start <= s.start && s.start < par.end.max(par.start + 1) {
                out.push_str("# newpar");
                let stored = match &mut attrs.par_id {
                    Some(ids) => ids.get(p),
                    None => None,
                };
                if let Some(id) = stored {
                    out.push_str(" id = ");
                    column(out, &id, names::PARAGRAPH, p, "id")?;
                }
                out.push('\n');
                p += 1;
            }
        }
        out.push_str("# sent_id = ");
        match attrs.sent_id.get(si) {
            Some(sid) => column(out, &sid, names::SENTENCE, si, "sent_id")?,
            None => {
                out.push_str(id);
                out.push('-');
                push_u32(out, written);
            }
        }
        out.push_str("\n# text = ");
        for (k, (form, no_space, _)) in forms.iter().enumerate() {
            out.push_str(form);
            if !no_space && k + 1 < forms.len() {
                out.push(' ');
            }
        }
        out.push('\n');
        for (k, &(form, no_space, ti)) in forms.iter().enumerate() {
            push_u32(out, k as u32 + 1);
            out.push('\t');
            column(out, form, names::TOKEN, ti, "form")?;
            // LEMMA, UPOS, XPOS, FEATS.
            for (name, attr) in TOKEN_ATTRS.iter().zip(&mut attrs.token_columns[..4]) {
                out.push('\t');
                match attr.get(ti) {
                    Some(v) => column(out, &v, names::TOKEN, ti, name)?,
                    None => out.push('_'),
                }
            }
            out.push_str("\t_\t_\t_\t");
            let misc: Option<Cow<'d, str>> = attrs.token_misc.get(ti);
            surface_misc(out, misc.as_deref(), no_space, names::TOKEN, ti)?;
            out.push('\n');
        }
        out.push('\n');
    }
    if written == 0 {
        return Err(WriteError::Structure { index: 0, message: "no sentence has a token".into() });
    }
    Ok(())
}
