//! Documents into CoNLL-U.

use std::borrow::Cow;
use std::fmt;

use strata_format::{AttrValue, Document, Layer, Span};

use crate::names;
use crate::rules::{
    default_template, derived_id, push_decoded_deps, push_default_deps, push_surface_misc, FIRST_PAR_SUFFIX,
    FIRST_SENT_SUFFIX, P_NEWDOC, P_NEWDOC_ID, P_NEWPAR, P_NEWPAR_ID, P_SENT_ID, P_TEXT,
};

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
/// Cost: one pass over the layers, with allocations only for a few
/// per-document tables.
///
/// # Errors
/// A [`WriteError`] when the document cannot be written; `out` is then left
/// as it was.
pub fn write_document(doc: &Document, out: &mut String) -> Result<(), WriteError> {
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

fn str_attr<'a>(span: &'a Span, name: &str) -> Option<Cow<'a, str>> {
    span.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| match v {
        AttrValue::Str(s) => Cow::Borrowed(s.as_str()),
        AttrValue::Int(i) => Cow::Owned(i.to_string()),
    })
}

fn span_text<'a>(text: &'a str, span: &Span, layer: &'static str, index: usize) -> Result<&'a str, WriteError> {
    text.get(span.start as usize..span.end as usize).ok_or(WriteError::Span { layer, index })
}

/// Appends one column value, checking that it keeps the line intact.
#[inline]
fn column(out: &mut String, value: &str, layer: &'static str, index: usize, what: &str) -> Result<(), WriteError> {
    if value.is_empty() || memchr::memchr2(b'\t', b'\n', value.as_bytes()).is_some() {
        return Err(WriteError::Value { layer, index, what: what.to_string() });
    }
    out.push_str(value);
    Ok(())
}

fn push_u32(out: &mut String, v: u32) {
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
fn push_id(out: &mut String, (n, k): (u32, u32)) {
    push_u32(out, n);
    if k > 0 {
        out.push('.');
        push_u32(out, k);
    }
}

/// Writes a document with a `word` layer.
struct Writer<'d> {
    doc: &'d Document,
    text: &'d str,
    sentences: &'d [Span],
    paragraphs: &'d [Span],
    tokens: &'d [Span],
    words: &'d [Span],
    /// Per word: the relation that heads it, as (head word, label).
    heads: Vec<Option<(usize, Option<&'d str>)>>,
    /// Per word of the current sentence: its id.
    ids: Vec<(u32, u32)>,
}

impl<'d> Writer<'d> {
    fn new(doc: &'d Document, words: &'d Layer) -> Result<Writer<'d>, WriteError> {
        let sentences = doc.layer(names::SENTENCE).ok_or(WriteError::MissingLayer(names::SENTENCE))?;
        let tokens = doc.layer(names::TOKEN).ok_or(WriteError::MissingLayer(names::TOKEN))?;
        let mut heads = vec![None; words.spans.len()];
        for r in &words.relations {
            let (from, to) = (r.from as usize, r.to as usize);
            if from >= heads.len() || to >= heads.len() {
                return Err(WriteError::Structure {
                    index: to,
                    message: format!("relation {from} -> {to} joins words that do not exist"),
                });
            }
            if heads[to].is_none() {
                heads[to] = Some((from, r.label.as_deref()));
            }
        }
        Ok(Writer {
            doc,
            text: &doc.text,
            sentences: &sentences.spans,
            paragraphs: doc.layer(names::PARAGRAPH).map_or(&[], |l| &l.spans),
            tokens: &tokens.spans,
            words: &words.spans,
            heads,
            ids: Vec::new(),
        })
    }

    fn write(mut self, out: &mut String) -> Result<(), WriteError> {
        out.reserve(self.text.len() * 8);
        let mut seeded = false;
        let mut prev_sent: Option<String> = None;
        let mut prev_par: Option<String> = None;
        let (mut p, mut t, mut w) = (0, 0, 0);
        for (si, s) in self.sentences.iter().enumerate() {
            let sentence_text = span_text(self.text, s, names::SENTENCE, si)?;
            while p < self.paragraphs.len() && self.paragraphs[p].start < s.start {
                p += 1;
            }
            let par = self.paragraphs.get(p).filter(|par| par.start == s.start);
            if par.is_some() {
                p += 1;
            }
            let stored = str_attr(s, "comments");
            let default = default_template(si == 0, par.is_some());
            let lines: Vec<&str> = match &stored {
                Some(c) if c.is_empty() => Vec::new(),
                Some(c) => c.split('\n').collect(),
                None => default.to_vec(),
            };
            if si == 0 {
                seeded = lines.contains(&P_NEWDOC_ID);
            }
            let doc_id = Some(self.doc.id.as_str()).filter(|_| seeded);
            let mut this_sent = None;
            for line in lines {
                match line {
                    P_NEWDOC_ID => {
                        out.push_str("# newdoc id = ");
                        out.push_str(&self.doc.id);
                    }
                    P_NEWDOC => out.push_str("# newdoc"),
                    P_NEWPAR_ID => {
                        let id = match par.and_then(|par| str_attr(par, "id")) {
                            Some(id) => id.into_owned(),
                            None => derived_id(prev_par.as_deref(), doc_id, FIRST_PAR_SUFFIX).ok_or_else(|| {
                                WriteError::Structure {
                                    index: si,
                                    message: "the paragraph has no id and none can be derived".into(),
                                }
                            })?,
                        };
                        out.push_str("# newpar id = ");
                        out.push_str(&id);
                        prev_par = Some(id);
                    }
                    P_NEWPAR => {
                        out.push_str("# newpar");
                        prev_par = None;
                    }
                    P_SENT_ID => {
                        let id = match str_attr(s, "sent_id") {
                            Some(id) => id.into_owned(),
                            None => derived_id(prev_sent.as_deref(), doc_id, FIRST_SENT_SUFFIX).ok_or_else(|| {
                                WriteError::Structure {
                                    index: si,
                                    message: "the sentence has no sent_id and none can be derived".into(),
                                }
                            })?,
                        };
                        out.push_str("# sent_id = ");
                        out.push_str(&id);
                        this_sent = Some(id);
                    }
                    P_TEXT => {
                        out.push_str("# text = ");
                        match str_attr(s, "text") {
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
            prev_sent = this_sent;

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
                let word = &self.words[i];
                if word.start == word.end {
                    self.word_line(out, i, w0, None)?;
                    i += 1;
                    continue;
                }
                while t < self.tokens.len() && self.tokens[t].end <= word.start {
                    t += 1;
                }
                let token = match self.tokens.get(t) {
                    Some(tok) if tok.start <= word.start && word.end <= tok.end => tok,
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
                    let next = &self.words[i + parts];
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
    fn range_line(&self, out: &mut String, t: usize, a: u32, b: u32, no_space: bool) -> Result<(), WriteError> {
        let token = &self.tokens[t];
        const L: &str = names::TOKEN;
        push_u32(out, a);
        out.push('-');
        push_u32(out, b);
        out.push('\t');
        column(out, span_text(self.text, token, L, t)?, L, t, "form")?;
        for name in ["lemma", "upos", "xpos", "feats", "head", "deprel", "deps"] {
            out.push('\t');
            match str_attr(token, name) {
                Some(v) => column(out, &v, L, t, name)?,
                None => out.push('_'),
            }
        }
        out.push('\t');
        let misc = str_attr(token, "misc");
        push_surface_misc(out, misc.as_deref(), no_space);
        if let Some(extra) = str_attr(token, "extra") {
            out.push('\t');
            out.push_str(&extra);
        }
        out.push('\n');
        Ok(())
    }

    /// A word line; `surface` says whether the word is a token of its own,
    /// and if so whether no space follows it.
    fn word_line(&self, out: &mut String, i: usize, w0: usize, surface: Option<bool>) -> Result<(), WriteError> {
        const L: &str = names::WORD;
        let word = &self.words[i];
        let mut form_attr = None;
        let mut lemma = None;
        let mut upos = None;
        let mut xpos = None;
        let mut feats = None;
        let mut head_attr = None;
        let mut deprel_attr = None;
        let mut deps = None;
        let mut misc = None;
        let mut extra = None;
        for (name, value) in &word.attrs {
            let v = match value {
                AttrValue::Str(s) => Cow::Borrowed(s.as_str()),
                AttrValue::Int(n) => Cow::Owned(n.to_string()),
            };
            match name.as_str() {
                "form" => form_attr = Some(v),
                "lemma" => lemma = Some(v),
                "upos" => upos = Some(v),
                "xpos" => xpos = Some(v),
                "feats" => feats = Some(v),
                "head" => head_attr = Some(v),
                "deprel" => deprel_attr = Some(v),
                "deps" => deps = Some(v),
                "misc" => misc = Some(v),
                "extra" => extra = Some(v),
                _ => {}
            }
        }
        push_id(out, self.ids[i - w0]);
        out.push('\t');
        let form = match &form_attr {
            Some(f) => f.as_ref(),
            None => span_text(self.text, word, L, i)?,
        };
        column(out, form, L, i, "form")?;
        out.push('\t');
        column(out, lemma.as_deref().unwrap_or(form), L, i, "lemma")?;
        for v in [&upos, &xpos, &feats] {
            out.push('\t');
            match v {
                Some(v) => column(out, v, L, i, "upos, xpos or feats")?,
                None => out.push('_'),
            }
        }
        out.push('\t');
        let head_at = out.len();
        let deprel: &str = match self.heads[i] {
            Some((from, label)) => {
                if from < w0 || from - w0 >= self.ids.len() {
                    return Err(WriteError::Structure {
                        index: i,
                        message: "the word's head is in another sentence".into(),
                    });
                }
                push_id(out, self.ids[from - w0]);
                label.unwrap_or("_")
            }
            None => {
                // A root when an integer word, unattached when an empty node.
                let (head, deprel) = if word.start < word.end { ("0", "root") } else { ("_", "_") };
                column(out, head_attr.as_deref().unwrap_or(head), L, i, "head")?;
                deprel_attr.as_deref().unwrap_or(deprel)
            }
        };
        // The head as written, for DEPS; copied because `out` grows.
        let mut head_buf = [0u8; 24];
        let head_len = (out.len() - head_at).min(head_buf.len());
        head_buf[..head_len].copy_from_slice(&out.as_bytes()[head_at..head_at + head_len]);
        let head = std::str::from_utf8(&head_buf[..head_len]).unwrap_or("_");
        out.push('\t');
        column(out, deprel, L, i, "deprel")?;
        out.push('\t');
        match &deps {
            Some(d) => {
                let at = out.len();
                push_decoded_deps(out, d, head);
                column(&mut String::new(), &out[at..], L, i, "deps")?;
            }
            None => push_default_deps(out, head, deprel),
        }
        out.push('\t');
        match surface {
            Some(no_space) => push_surface_misc(out, misc.as_deref(), no_space),
            None => match &misc {
                Some(m) => column(out, m, L, i, "misc")?,
                None => out.push('_'),
            },
        }
        if let Some(extra) = extra {
            out.push('\t');
            out.push_str(&extra);
        }
        out.push('\n');
        Ok(())
    }
}

/// Writes a document without a `word` layer: words are its tokens.
fn write_tokens(doc: &Document, out: &mut String) -> Result<(), WriteError> {
    let sentences = doc.layer(names::SENTENCE).ok_or(WriteError::MissingLayer(names::SENTENCE))?;
    let tokens = &doc.layer(names::TOKEN).ok_or(WriteError::MissingLayer(names::TOKEN))?.spans;
    let paragraphs = doc.layer(names::PARAGRAPH).map_or(&[][..], |l| &l.spans);
    let text = doc.text.as_str();
    let (mut t, mut p, mut written) = (0, 0, 0);
    let mut forms: Vec<(&str, bool, usize)> = Vec::new();
    for (si, s) in sentences.spans.iter().enumerate() {
        forms.clear();
        while t < tokens.len() && tokens[t].start < s.start {
            t += 1;
        }
        while t < tokens.len() && tokens[t].end <= s.end {
            let tok = &tokens[t];
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
            column(out, &doc.id, names::SENTENCE, si, "document id")?;
            out.push('\n');
        }
        while p < paragraphs.len() && paragraphs[p].end <= s.start && paragraphs[p].start < s.start {
            p += 1;
        }
        if let Some(par) = paragraphs.get(p) {
            if par.start <= s.start && s.start < par.end.max(par.start + 1) {
                out.push_str("# newpar");
                if let Some(id) = str_attr(par, "id") {
                    out.push_str(" id = ");
                    column(out, &id, names::PARAGRAPH, p, "id")?;
                }
                out.push('\n');
                p += 1;
            }
        }
        out.push_str("# sent_id = ");
        match str_attr(s, "sent_id") {
            Some(id) => column(out, &id, names::SENTENCE, si, "sent_id")?,
            None => {
                out.push_str(&doc.id);
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
        for (k, (form, no_space, ti)) in forms.iter().enumerate() {
            let tok = &tokens[*ti];
            push_u32(out, k as u32 + 1);
            out.push('\t');
            column(out, form, names::TOKEN, *ti, "form")?;
            for name in ["lemma", "upos", "xpos", "feats"] {
                out.push('\t');
                match str_attr(tok, name) {
                    Some(v) => column(out, &v, names::TOKEN, *ti, name)?,
                    None => out.push('_'),
                }
            }
            out.push_str("\t_\t_\t_\t");
            let misc = str_attr(tok, "misc");
            if let Some(m) = &misc {
                if memchr::memchr2(b'\t', b'\n', m.as_bytes()).is_some() {
                    return Err(WriteError::Value { layer: names::TOKEN, index: *ti, what: "misc".into() });
                }
            }
            push_surface_misc(out, misc.as_deref(), *no_space);
            out.push('\n');
        }
        out.push('\n');
    }
    if written == 0 {
        return Err(WriteError::Structure { index: 0, message: "no sentence has a token".into() });
    }
    Ok(())
}
