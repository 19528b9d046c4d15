//! Building a document column by column: what a parser fills instead of an
//! owned [`Document`] whose every attribute is two allocations.
//!
//! A [`DocBuilder`] holds one document as columns (span starts and ends,
//! label codes, one column per attribute, relations) and a string interner
//! that it keeps from document to document, so that once its vocabulary is
//! known, building a document allocates nothing per value. It is cleared
//! and refilled for each document.
//!
//! [`Writer::add_built`] encodes it exactly as [`Writer::add`] would encode
//! [`DocBuilder::to_document`]: the same checks, the same errors, the same
//! record bytes and the same order of first use for the dictionary. The
//! builder's string codes are mapped to the writer's through a table, as
//! `add_copy` does, so a string is hashed once (when the builder interns
//! it), not once per writer.
//!
//! To build on one thread and write on another, [`DocBuilder::hand_over`]
//! moves the document into a [`BuiltDoc`] (or [`DocBuilder::hand_over_copy`]
//! copies it there, for a builder that keeps its own memory), with the
//! strings the builder learned since the last hand-over;
//! [`Writer::add_built_doc`] takes them in the order they were handed over.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use super::interner::{string_at, Interner};
use super::{declare_layer, put_extents, put_int_attr, put_relations, put_str_attr, Writer};
use crate::bytes::{put_bytes, put_column, put_varint};
use crate::error::{Error, Result};
use crate::layout;
use crate::model::{AttrType, AttrValue, Document, Layer, Relation, Span, Value};
use crate::schema::{AttrDef, LayerDef};

/// Numbers the string code spaces of builders, so that a writer never maps
/// the codes of one builder through the table of another.
static STREAMS: AtomicU64 = AtomicU64::new(1);

/// Numbers the states of the names of documents' columns ([`Names`]).
static NAMINGS: AtomicU64 = AtomicU64::new(1);

/// A layer of a [`DocBuilder`], valid until [`DocBuilder::clear`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerId(usize);

/// Which layers and attributes a [`DocBuilder`] has named, and in which
/// slots, as a number ([`DocBuilder::names`]): ids taken while the builder
/// had some `Names` are valid whenever it has them again. A hand-over can
/// give the builder the memory of another document, and with it that
/// document's names; a reader that finds its own `Names` there (the
/// document was its own) keeps its ids instead of naming every layer and
/// attribute again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Names(u64);

/// An attribute of a layer of a [`DocBuilder`], valid until
/// [`DocBuilder::clear`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrId {
    layer: usize,
    attr: usize,
}

/// One document as columns. Slots past `used` (layers, attributes) keep
/// their allocations for the next documents.
#[derive(Debug, Default)]
struct Columns {
    id: String,
    text: String,
    metadata: Vec<(String, Value)>,
    layers: Vec<LayerCols>,
    used: usize,
    /// The state of the names of the slots and of `used` (and of each
    /// layer's `used_attrs`): a new number at each change, copied with the
    /// names ([`Names`]; 0 for none named).
    naming: u64,
}

#[derive(Debug, Default)]
struct LayerCols {
    name: String,
    /// Each span's start and end: one push per span (two columns would
    /// take two).
    extents: Vec<(u64, u64)>,
    /// String code + 1 of each span's label, 0 for none; spans past the
    /// end have none (most layers have no labels: nothing is stored).
    labels: Vec<u32>,
    /// Fragments of spans `..=s`, for each span `s`; spans past the end
    /// have all the fragments (none when the layer has none).
    frag_ends: Vec<u64>,
    frags: Vec<(u64, u64)>,
    attrs: Vec<AttrCol>,
    used_attrs: usize,
    /// Each relation's from, to, and the string code + 1 of its label (0
    /// for none).
    rels: Vec<(u64, u64, u32)>,
}

#[derive(Debug)]
struct AttrCol {
    name: String,
    ty: AttrType,
    /// The spans that have a value, increasing, each with its value: the
    /// string code + 1, or the bits of an int.
    values: Vec<(u32, u64)>,
}

impl Columns {
    fn clear(&mut self) {
        self.clear_values();
        for layer in &mut self.layers[..self.used] {
            layer.used_attrs = 0;
        }
        self.used = 0;
        self.renamed();
    }

    /// Notes a change of the names of the slots or of how many are used.
    fn renamed(&mut self) {
        self.naming = NAMINGS.fetch_add(1, Ordering::Relaxed);
    }

    /// Empties the document, keeping its layers and attributes named.
    fn clear_values(&mut self) {
        self.id.clear();
        self.text.clear();
        self.metadata.clear();
        for layer in &mut self.layers[..self.used] {
            layer.extents.clear();
            layer.labels.clear();
            layer.frag_ends.clear();
            layer.frags.clear();
            for attr in &mut layer.attrs[..layer.used_attrs] {
                attr.values.clear();
            }
            layer.rels.clear();
        }
    }

    fn layers(&self) -> &[LayerCols] {
        &self.layers[..self.used]
    }

    /// Makes `out` a copy of this document, in `out`'s memory where it is
    /// large enough. Slots `out` had past this document's are dropped: the
    /// builder that gets `out`'s memory later ([`DocBuilder::hand_over`])
    /// relies on each name being in one slot only. The names are copied
    /// only when `out` has others (a document recycled to the builder it
    /// came from has the same).
    fn copy_to(&self, out: &mut Columns) {
        out.id.clone_from(&self.id);
        out.text.clone_from(&self.text);
        out.metadata.clone_from(&self.metadata);
        if out.naming != self.naming || self.naming == 0 {
            self.copy_names_to(out);
        }
        for (l, o) in self.layers().iter().zip(&mut out.layers) {
            o.extents.clone_from(&l.extents);
            o.labels.clone_from(&l.labels);
            o.frag_ends.clone_from(&l.frag_ends);
            o.frags.clone_from(&l.frags);
            o.rels.clone_from(&l.rels);
            for (a, to) in l.attrs().iter().zip(&mut o.attrs) {
                to.values.clone_from(&a.values);
            }
        }
    }

    /// Gives `out` the slots of this document, named as here.
    fn copy_names_to(&self, out: &mut Columns) {
        out.layers.truncate(self.used);
        out.layers.resize_with(self.used, LayerCols::default);
        for (l, o) in self.layers().iter().zip(&mut out.layers) {
            o.name.clone_from(&l.name);
            o.attrs.truncate(l.used_attrs);
            for (i, a) in l.attrs().iter().enumerate() {
                if i == o.attrs.len() {
                    o.attrs.push(AttrCol { name: String::new(), ty: a.ty, values: Vec::new() });
                }
                let to = &mut o.attrs[i];
                to.name.clone_from(&a.name);
                to.ty = a.ty;
            }
            o.used_attrs = l.used_attrs;
        }
        out.used = self.used;
        out.naming = self.naming;
    }

    /// The document, with string codes resolved by `get`.
    fn to_document<'s>(&self, get: impl Fn(u32) -> &'s str) -> Document {
        let label = |code: u32| (code != 0).then(|| get(code - 1).to_string());
        let mut doc = Document::new(self.id.clone(), self.text.clone());
        doc.metadata = self.metadata.clone();
        for l in self.layers() {
            let mut layer = Layer::new(l.name.clone());
            let mut prev = 0;
            for (s, &(start, end)) in l.extents.iter().enumerate() {
                let mut span = Span::new(start, end);
                span.label = label(l.label(s));
                span.fragments = l.frags[prev as usize..l.frag_end(s) as usize].to_vec();
                prev = l.frag_end(s);
                layer.spans.push(span);
            }
            for a in l.attrs() {
                for &(s, v) in &a.values {
                    let value = match a.ty {
                        AttrType::Str => AttrValue::Str(get(v as u32 - 1).to_string()),
                        AttrType::Int => AttrValue::Int(v as i64),
                    };
                    layer.spans[s as usize].attrs.push((a.name.clone(), value));
                }
            }
            for &(from, to, code) in &l.rels {
                layer.relations.push(Relation { from, to, label: label(code) });
            }
            doc.layers.push(layer);
        }
        doc
    }
}

impl LayerCols {
    fn attrs(&self) -> &[AttrCol] {
        &self.attrs[..self.used_attrs]
    }

    fn label(&self, span: usize) -> u32 {
        self.labels.get(span).copied().unwrap_or(0)
    }

    fn frag_end(&self, span: usize) -> u64 {
        self.frag_ends.get(span).copied().unwrap_or(self.frags.len() as u64)
    }
}

/// A document built column by column, for [`Writer::add_built`].
///
/// Layers and attributes are named once per document ([`DocBuilder::layer`],
/// [`DocBuilder::attr`]), then spans, values and relations are added by
/// index. String values and labels are interned in a dictionary the builder
/// keeps across documents (its memory grows with the distinct strings seen).
///
/// [`DocBuilder::to_document`] gives the owned document: its layers in the
/// order they were named, and the attributes of each span in the order the
/// attributes were named.
///
/// ```
/// # fn example() -> strata_format::Result<()> {
/// use strata_format::{AttrType, DocBuilder, WriterBuilder};
/// let mut b = DocBuilder::new();
/// b.set_id("d1");
/// b.text_mut().push_str("Hi there.");
/// let token = b.layer("token");
/// let upos = b.attr(token, "upos", AttrType::Str);
/// let hi = b.push_span(token, 0, 2);
/// b.set_str(upos, hi, "INTJ");
/// let mut wtr = WriterBuilder::new().build(Vec::new())?;
/// wtr.add_built(&b)?;
/// let mut other = WriterBuilder::new().build(Vec::new())?;
/// other.add(&b.to_document())?;
/// assert_eq!(wtr.finish()?, other.finish()?);
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Debug)]
pub struct DocBuilder {
    cols: Columns,
    strings: Interner,
    /// The code space of `strings` ([`STREAMS`]).
    stream: u64,
    /// Strings `..handed` went out with an earlier [`BuiltDoc`].
    handed: usize,
    /// The code spaces the builder left when it forgot its strings since
    /// the last hand-over: the next one tells the writer, which drops its
    /// copies.
    retired: Vec<u64>,
}

impl Default for DocBuilder {
    fn default() -> DocBuilder {
        DocBuilder::new()
    }
}

impl DocBuilder {
    /// An empty builder with an empty dictionary.
    pub fn new() -> DocBuilder {
        DocBuilder {
            cols: Columns::default(),
            strings: Interner::new(),
            stream: STREAMS.fetch_add(1, Ordering::Relaxed),
            handed: 0,
            retired: Vec::new(),
        }
    }

    /// Empties the document (id, text, metadata, layers), keeping the
    /// dictionary and the memory. Ids of layers and attributes become
    /// invalid.
    pub fn clear(&mut self) {
        self.cols.clear();
    }

    /// Empties the document (id, text, metadata, spans, values, relations)
    /// but keeps its layers and attributes named, so that the ids taken
    /// before stay valid: for a parser that names the same layers for every
    /// document. Layers and attributes left without spans or values are not
    /// written, as if never named.
    pub fn clear_values(&mut self) {
        self.cols.clear_values();
    }

    /// As [`DocBuilder::clear`], and forgets the strings learned so far,
    /// which a builder otherwise keeps for its whole life: a reader calls
    /// it when [`DocBuilder::dictionary_bytes`] passes a bound, so that its
    /// memory does not grow with the vocabulary of its input. The next
    /// hand-over starts a new code space, which a writer follows.
    pub fn clear_with_strings(&mut self) {
        self.cols.clear();
        self.retired.push(self.stream);
        self.strings = Interner::new();
        self.stream = STREAMS.fetch_add(1, Ordering::Relaxed);
        self.handed = 0;
    }

    /// The layers and attributes named, as they are now: ids taken now are
    /// valid whenever the builder has these [`Names`] again.
    pub fn names(&self) -> Names {
        Names(self.cols.naming)
    }

    /// The memory the dictionary of learned strings takes, in bytes.
    pub fn dictionary_bytes(&self) -> usize {
        self.strings.heap_bytes()
    }

    /// The document id.
    pub fn id(&self) -> &str {
        &self.cols.id
    }

    /// Sets the document id.
    pub fn set_id(&mut self, id: &str) {
        self.cols.id.clear();
        self.cols.id.push_str(id);
    }

    /// The document text.
    pub fn text(&self) -> &str {
        &self.cols.text
    }

    /// The document text, to append to. Span offsets are byte offsets into it.
    pub fn text_mut(&mut self) -> &mut String {
        &mut self.cols.text
    }

    /// The document metadata, by field name; each name at most once.
    pub fn metadata_mut(&mut self) -> &mut Vec<(String, Value)> {
        &mut self.cols.metadata
    }

    /// The layer of this name, added (after the others) when new.
    pub fn layer(&mut self, name: &str) -> LayerId {
        let cols = &mut self.cols;
        let at = cols.used;
        // A name is in one slot at most, so when the next slot has it (the
        // layers of the last document, named in the same order), no
        // earlier one does.
        if cols.layers.get(at).is_some_and(|l| l.name == name) {
            cols.used += 1;
            cols.renamed();
            return LayerId(at);
        }
        if let Some(i) = cols.layers().iter().position(|l| l.name == name) {
            return LayerId(i);
        }
        // A slot that had this name keeps the attribute columns it had.
        match cols.layers[at..].iter().position(|l| l.name == name) {
            Some(k) => cols.layers.swap(at, at + k),
            None if at < cols.layers.len() => {
                let slot = &mut cols.layers[at];
                slot.name.clear();
                slot.name.push_str(name);
            }
            None => cols.layers.push(LayerCols { name: name.to_string(), ..LayerCols::default() }),
        }
        cols.used += 1;
        cols.renamed();
        LayerId(at)
    }

    /// The attribute of this name and type of a layer, added (after the
    /// others) when new. The same name with two types is two attributes,
    /// and a span with both is refused by the writer.
    pub fn attr(&mut self, layer: LayerId, name: &str, ty: AttrType) -> AttrId {
        let l = &mut self.cols.layers[layer.0];
        let same = |a: &AttrCol| a.name == name && a.ty == ty;
        let at = l.used_attrs;
        // As for layers: the next slot first.
        if l.attrs.get(at).is_some_and(same) {
            l.used_attrs += 1;
            self.cols.renamed();
            return AttrId { layer: layer.0, attr: at };
        }
        if let Some(i) = l.attrs().iter().position(same) {
            return AttrId { layer: layer.0, attr: i };
        }
        match l.attrs[at..].iter().position(same) {
            Some(k) => l.attrs.swap(at, at + k),
            None => {
                let col = AttrCol { name: name.to_string(), ty, values: Vec::new() };
                l.attrs.push(col);
                let last = l.attrs.len() - 1;
                l.attrs.swap(at, last);
            }
        }
        l.used_attrs += 1;
        self.cols.renamed();
        AttrId { layer: layer.0, attr: at }
    }

    /// Appends a continuous span `[start, end)` (byte offsets into the
    /// text) and returns its index in the layer.
    #[inline]
    pub fn push_span(&mut self, layer: LayerId, start: u64, end: u64) -> usize {
        let l = &mut self.cols.layers[layer.0];
        l.extents.push((start, end));
        l.extents.len() - 1
    }

    /// Adds a fragment to the last span of the layer, making it a
    /// discontinuous span (one with two fragments or more).
    ///
    /// # Panics
    /// When the layer has no span.
    pub fn push_fragment(&mut self, layer: LayerId, start: u64, end: u64) {
        let l = &mut self.cols.layers[layer.0];
        let n = l.extents.len();
        assert!(n > 0, "push_fragment needs a span");
        l.frag_ends.resize(n, l.frags.len() as u64);
        l.frags.push((start, end));
        l.frag_ends[n - 1] += 1;
    }

    /// The number of spans of a layer.
    pub fn span_count(&self, layer: LayerId) -> usize {
        self.cols.layers[layer.0].extents.len()
    }

    /// Changes the end of a span.
    pub fn set_span_end(&mut self, layer: LayerId, span: usize, end: u64) {
        self.cols.layers[layer.0].extents[span].1 = end;
    }

    /// Sets the label of a span.
    pub fn set_label(&mut self, layer: LayerId, span: usize, label: &str) {
        let code = self.strings.intern(label.as_bytes()) + 1;
        let l = &mut self.cols.layers[layer.0];
        assert!(span < l.extents.len(), "span {span} of layer {:?} does not exist", l.name);
        if l.labels.len() <= span {
            l.labels.resize(span + 1, 0);
        }
        l.labels[span] = code;
    }

    /// Sets a string attribute of a span, replacing an earlier value.
    ///
    /// # Panics
    /// When the attribute is an int one, or the span does not exist.
    #[inline]
    pub fn set_str(&mut self, attr: AttrId, span: usize, value: &str) {
        self.set_utf8(attr, span, value.as_bytes());
    }

    /// As [`DocBuilder::set_str`], with the value as bytes that must be
    /// UTF-8: for a parser that has checked its whole input, so that
    /// slicing values out of it need not check them one by one. The bytes
    /// are checked when the builder meets a value for the first time, which
    /// costs nothing for the values it has seen before.
    ///
    /// # Panics
    /// As [`DocBuilder::set_str`], and when `value` is not UTF-8.
    #[inline]
    pub fn set_utf8(&mut self, attr: AttrId, span: usize, value: &[u8]) {
        let code = self.strings.intern(value) + 1;
        self.set(attr, span, AttrType::Str, u64::from(code));
    }

    /// Sets an int attribute of a span, replacing an earlier value.
    ///
    /// # Panics
    /// When the attribute is a string one, or the span does not exist.
    pub fn set_int(&mut self, attr: AttrId, span: usize, value: i64) {
        self.set(attr, span, AttrType::Int, value as u64);
    }

    #[inline(always)]
    fn set(&mut self, attr: AttrId, span: usize, ty: AttrType, value: u64) {
        let l = &mut self.cols.layers[attr.layer];
        assert!(span < l.extents.len(), "span {span} of layer {:?} does not exist", l.name);
        let a = &mut l.attrs[attr.attr];
        assert!(a.ty == ty, "attribute {:?} is a {}, not a {}", a.name, a.ty.name(), ty.name());
        let span = u32::try_from(span).expect("a layer of a document holds fewer than 2^32 spans");
        match a.values.last() {
            Some(&(last, _)) if last >= span => match a.values.binary_search_by_key(&span, |&(s, _)| s) {
                Ok(i) => a.values[i].1 = value,
                Err(i) => a.values.insert(i, (span, value)),
            },
            _ => a.values.push((span, value)),
        }
    }

    /// Appends a relation between spans `from` and `to` of the layer.
    pub fn push_relation(&mut self, layer: LayerId, from: u64, to: u64, label: Option<&str>) {
        self.push_relation_utf8(layer, from, to, label.map(str::as_bytes));
    }

    /// As [`DocBuilder::push_relation`], with the label as bytes that must
    /// be UTF-8 (see [`DocBuilder::set_utf8`]).
    ///
    /// # Panics
    /// When `label` is not UTF-8.
    #[inline]
    pub fn push_relation_utf8(&mut self, layer: LayerId, from: u64, to: u64, label: Option<&[u8]>) {
        let code = label.map_or(0, |s| self.strings.intern(s) + 1);
        self.cols.layers[layer.0].rels.push((from, to, code));
    }

    /// The owned document.
    pub fn to_document(&self) -> Document {
        self.cols.to_document(|code| self.strings.get(code))
    }

    /// Roughly the heap bytes the document takes (not the dictionary).
    pub fn heap_size(&self) -> usize {
        self.cols.heap_size()
    }

    /// Moves the document into `out`, with the strings learned since the
    /// last hand-over, and empties this builder, which takes `out`'s memory
    /// and the layers and attributes `out` had named: ids taken before are
    /// valid when [`DocBuilder::names`] is as it was then (`out` held a
    /// document of this builder), and otherwise taken again after
    /// [`DocBuilder::clear`]. Hand the results to one writer in this order.
    pub fn hand_over(&mut self, out: &mut BuiltDoc) {
        out.cols_size = self.cols.heap_size();
        std::mem::swap(&mut self.cols, &mut out.cols);
        self.cols.clear_values();
        self.hand_over_strings(out);
    }

    /// As [`DocBuilder::hand_over`], but copies the document into `out`'s
    /// memory (growing it where it is too small) and keeps the builder's
    /// own: for documents written on another thread. There a hand-over by
    /// swap would leave the builder the memory of a document another thread
    /// wrote, cold in this thread's cache and sized for that document; with
    /// a copy the builder's memory stays warm and grown.
    ///
    /// The builder keeps its names too, so that ids taken before stay valid.
    pub fn hand_over_copy(&mut self, out: &mut BuiltDoc) {
        out.cols_size = self.cols.heap_size();
        self.cols.copy_to(&mut out.cols);
        self.cols.clear_values();
        self.hand_over_strings(out);
    }

    /// The strings learned since the last hand-over, into `out`.
    fn hand_over_strings(&mut self, out: &mut BuiltDoc) {
        let strings = &self.strings;
        let from = if self.handed == 0 { 0 } else { strings.ends()[self.handed - 1] };
        out.stream = self.stream;
        out.retired.clear();
        out.retired.append(&mut self.retired);
        out.base = self.handed;
        out.arena.clear();
        out.arena.push_str(&strings.arena()[from..]);
        out.ends.clear();
        out.ends.extend(strings.ends()[self.handed..].iter().map(|&e| e - from));
        self.handed = strings.len();
    }

    fn view(&self) -> View<'_> {
        View {
            cols: &self.cols,
            stream: self.stream,
            retired: &self.retired,
            base: 0,
            arena: self.strings.arena(),
            ends: self.strings.ends(),
        }
    }
}

impl Columns {
    fn heap_size(&self) -> usize {
        let mut n = self.text.len() + self.id.len();
        for l in self.layers() {
            n += l.extents.len() * 36 + l.frags.len() * 16 + l.rels.len() * 24;
            n += l.attrs().iter().map(|a| a.values.len() * 16).sum::<usize>();
        }
        n
    }
}

/// A document handed over by a [`DocBuilder`], to be written on another
/// thread with [`Writer::add_built_doc`].
#[derive(Debug, Default)]
pub struct BuiltDoc {
    cols: Columns,
    stream: u64,
    /// As [`DocBuilder`]'s.
    retired: Vec<u64>,
    /// The code of the first string in `arena`.
    base: usize,
    /// The strings the builder learned since the previous hand-over.
    arena: String,
    ends: Vec<usize>,
    /// `cols.heap_size()`, counted at the hand-over: there the columns are
    /// in the cache, while a writer on another thread would fetch them.
    cols_size: usize,
}

impl BuiltDoc {
    /// An empty document, to hand over into.
    pub fn new() -> BuiltDoc {
        BuiltDoc::default()
    }

    /// The document id.
    pub fn id(&self) -> &str {
        &self.cols.id
    }

    /// The document text.
    pub fn text(&self) -> &str {
        &self.cols.text
    }

    /// Roughly the heap bytes the document takes.
    pub fn heap_size(&self) -> usize {
        self.cols_size + self.arena.len() + self.ends.len() * 8
    }

    fn view(&self) -> View<'_> {
        View {
            cols: &self.cols,
            stream: self.stream,
            retired: &self.retired,
            base: self.base,
            arena: &self.arena,
            ends: &self.ends,
        }
    }
}

/// A built document and the strings it brings: codes `base..` are in
/// `arena`, the earlier ones were seen before.
struct View<'a> {
    cols: &'a Columns,
    stream: u64,
    /// Code spaces the builder has left.
    retired: &'a [u64],
    base: usize,
    arena: &'a str,
    ends: &'a [usize],
}

/// The most builders whose strings a writer follows at once
/// ([`Writer::add_built_doc`]).
pub const MAX_BUILDERS: usize = 16;

/// `Remap::ids` of a code the writer has not met yet.
const UNSEEN: u32 = u32::MAX;

/// The writer's side of the builder codes: a copy of the builder's
/// dictionary and, by code + 1, the writer's id + 1 of each string
/// ([`UNSEEN`] while not used yet; 0 for no string).
#[derive(Debug, Default)]
pub(crate) struct Remap {
    stream: u64,
    arena: String,
    ends: Vec<usize>,
    ids: Vec<u32>,
    /// The placement of the current document's names, and of the names
    /// met before it, the latest first (up to [`EARLIER_PLACEMENTS`]): a
    /// builder that hands its documents over by swap takes turns with the
    /// memory of the documents before, each with names of its own.
    placement: Placement,
    earlier_placements: Vec<Placement>,
    /// Reused buffers.
    codes: Vec<u64>,
    values: Vec<(u64, u64)>,
    /// Schema index and slot of each layer to encode, and of each
    /// attribute of one.
    layer_order: Vec<(usize, usize)>,
    attr_order: Vec<(usize, usize)>,
}

/// Where the layers and attributes of a builder's documents go in the
/// writer's schema, learned for one state of the builder's names
/// ([`Columns::naming`]): a reader names its documents' layers and
/// attributes alike, so they are looked up by name once, not in each
/// document (on UD EWT, whose documents are small, the lookups took 1% of
/// the import). The schema only grows, so an index once found holds.
#[derive(Debug, Default)]
struct Placement {
    /// The names this is for; 0 for none yet.
    naming: u64,
    /// Every layer name is nonempty and given once, and every attribute
    /// name once in its layer: no document named so breaks those rules.
    distinct: bool,
    /// By layer slot: the schema's index of the layer, once it has it.
    layers: Vec<Option<usize>>,
    /// By layer slot and attribute slot: the schema's index of the
    /// attribute, once it has it with the slot's type.
    attrs: Vec<Vec<Option<usize>>>,
}

/// How many placements a writer keeps for a builder besides the current
/// one: `strata convert` hands documents over among two memories when it
/// writes on the reading thread.
const EARLIER_PLACEMENTS: usize = 3;

impl Placement {
    /// Whether this is for the names of `cols`.
    fn is_for(&self, cols: &Columns) -> bool {
        self.naming == cols.naming && cols.naming != 0
    }

    /// Starts over for the names of `cols`.
    fn follow(&mut self, cols: &Columns) {
        let layers = cols.layers();
        self.naming = cols.naming;
        self.distinct = layers.iter().enumerate().all(|(i, l)| {
            let attrs = l.attrs();
            !l.name.is_empty()
                && layers[..i].iter().all(|o| o.name != l.name)
                && attrs.iter().enumerate().all(|(a, attr)| attrs[..a].iter().all(|o| o.name != attr.name))
        });
        self.layers.clear();
        self.layers.resize(layers.len(), None);
        self.attrs.resize_with(layers.len(), Vec::new);
        for (slots, l) in self.attrs.iter_mut().zip(layers) {
            slots.clear();
            slots.resize(l.attrs().len(), None);
        }
    }

    /// The schema's index of layer slot `i`, looked up when not known yet.
    #[inline]
    fn layer(&mut self, schema: &FxHashMap<String, usize>, i: usize, name: &str) -> Option<usize> {
        if self.layers[i].is_none() {
            self.layers[i] = schema.get(name).copied();
        }
        self.layers[i]
    }

    /// The schema's index of attribute slot `a` of layer slot `i` (whose
    /// schema layer is `layer`) when the schema has it with the slot's
    /// type; `Err` when it has it with another type.
    #[inline]
    fn attr(&mut self, layer: &LayerDef, i: usize, a: usize, attr: &AttrCol) -> std::result::Result<Option<usize>, ()> {
        if self.attrs[i][a].is_none() {
            match layer.attr_index(&attr.name) {
                Some(ix) if layer.attrs[ix].ty == attr.ty => self.attrs[i][a] = Some(ix),
                Some(_) => return Err(()),
                None => {}
            }
        }
        Ok(self.attrs[i][a])
    }
}

impl Remap {
    /// Makes `placement` the one for the names of `cols`: the current one,
    /// or one met before, or the oldest started over.
    fn place(&mut self, cols: &Columns) {
        if self.placement.is_for(cols) {
            return;
        }
        let earlier = &mut self.earlier_placements;
        if let Some(k) = earlier.iter().position(|p| p.is_for(cols)) {
            std::mem::swap(&mut self.placement, &mut earlier[k]);
            earlier[..=k].rotate_right(1);
            return;
        }
        if earlier.len() < EARLIER_PLACEMENTS {
            earlier.push(Placement::default());
        }
        earlier.rotate_right(1);
        std::mem::swap(&mut self.placement, &mut earlier[0]);
        self.placement.follow(cols);
    }

    /// Learns the strings the view brings.
    fn absorb(&mut self, view: &View<'_>) -> std::result::Result<(), String> {
        if self.stream != view.stream {
            *self = Remap { stream: view.stream, ..Remap::default() };
        }
        let have = self.ends.len();
        if view.base > have {
            return Err(format!(
                "built with strings {have} to {} of its builder, which the writer has not seen: add built \
                 documents in the order they were handed over, from at most {MAX_BUILDERS} builders at a time",
                view.base
            ));
        }
        for c in have..view.base + view.ends.len() {
            self.arena.push_str(string_at(view.arena, view.ends, c - view.base));
            self.ends.push(self.arena.len());
        }
        if self.ids.is_empty() {
            self.ids.push(0);
        }
        self.ids.resize(self.ends.len() + 1, UNSEEN);
        Ok(())
    }
}

impl<W: Write> Writer<W> {
    /// Appends a built document and returns its number. The result is the
    /// same as `add(&doc.to_document())`, byte for byte, errors included.
    ///
    /// # Errors
    /// As for [`Writer::add`].
    pub fn add_built(&mut self, doc: &DocBuilder) -> Result<u64> {
        self.add_view(&doc.view())
    }

    /// Appends a document handed over by a builder. The documents of one
    /// builder must come in the order they were handed over (a document
    /// refused for breaking the data model counts as seen); those of
    /// several builders (on several threads) may come interleaved. The
    /// writer follows the strings of the [`MAX_BUILDERS`] builders that
    /// handed over last: a document of one it has dropped since fails.
    ///
    /// # Errors
    /// As for [`Writer::add`]; [`crate::ErrorKind::InvalidDocument`] too
    /// when a document of the builder was skipped.
    pub fn add_built_doc(&mut self, doc: &BuiltDoc) -> Result<u64> {
        self.add_view(&doc.view())
    }

    fn add_view(&mut self, view: &View<'_>) -> Result<u64> {
        self.ensure_usable()?;
        if !view.retired.is_empty() {
            self.built.retain(|r| !view.retired.contains(&r.stream));
        }
        // Most recent last.
        let found = self.built.iter().rposition(|r| r.stream == view.stream);
        let mut remap = found.map_or_else(Remap::default, |i| self.built.remove(i));
        let result = self.add_view_with(view, &mut remap);
        // A builder met for the first time with a document it cannot follow
        // (no strings learned) does not push out one the writer follows.
        if found.is_some() || !remap.ends.is_empty() {
            self.built.push(remap);
        }
        if self.built.len() > MAX_BUILDERS {
            self.built.remove(0);
        }
        result
    }

    fn add_view_with(&mut self, view: &View<'_>, remap: &mut Remap) -> Result<u64> {
        let cols = view.cols;
        remap.absorb(view).map_err(|what| Error::invalid_document(&cols.id, what))?;
        let hash = layout::id_hash(&cols.id);
        remap.place(cols);
        if !self.surely_valid(cols, hash, &mut remap.placement) {
            // Rare: the owned check finds the problem and words it as `add`.
            let doc = cols.to_document(|code| string_at(&remap.arena, &remap.ends, code as usize));
            self.check(&doc, hash)?;
        }
        self.append(hash, |w, record| {
            w.encode_built(cols, remap, record);
            Ok(())
        })
    }

    /// Whether `Writer::check` passes on the document: `false` when it may
    /// not (then the owned check decides).
    fn surely_valid(&self, cols: &Columns, hash: u64, placement: &mut Placement) -> bool {
        if cols.id.is_empty() || self.ids_seen.contains(&hash) {
            return false;
        }
        for (i, (name, value)) in cols.metadata.iter().enumerate() {
            if cols.metadata[..i].iter().any(|(n, _)| n == name) {
                return false;
            }
            if self.field_ix.get(name.as_str()).is_some_and(|&ix| self.schema.fields[ix].ty != value.field_type()) {
                return false;
            }
        }
        let text = cols.text.as_str();
        let text_len = text.len() as u64;
        // In ASCII text (most documents, checked a word at a time) every
        // offset up to the length is a character boundary.
        let ascii = text.is_ascii();
        let inside = |(start, end): (u64, u64)| {
            start <= end
                && end <= text_len
                && (ascii || text.is_char_boundary(start as usize) && text.is_char_boundary(end as usize))
        };
        let layers = cols.layers();
        for (i, l) in layers.iter().enumerate() {
            if !placement.distinct && (l.name.is_empty() || layers[..i].iter().any(|o| o.name == l.name)) {
                return false;
            }
            if !l.extents.iter().all(|&e| inside(e)) {
                return false;
            }
            if !l.frags.is_empty() {
                let mut prev = 0;
                for end in (0..l.extents.len()).map(|s| l.frag_end(s)) {
                    if end - prev == 1 {
                        return false;
                    }
                    prev = end;
                }
                if !l.frags.iter().all(|&f| inside(f)) {
                    return false;
                }
            }
            let schema_layer = placement.layer(&self.layer_ix, i, &l.name).map(|ix| &self.schema.layers[ix]);
            let attrs = l.attrs();
            for (a, attr) in attrs.iter().enumerate() {
                if attr.values.is_empty() {
                    continue;
                }
                if !placement.distinct && attrs[..a].iter().any(|o| o.name == attr.name && !o.values.is_empty()) {
                    return false;
                }
                if schema_layer.is_some_and(|sl| placement.attr(sl, i, a, attr).is_err()) {
                    return false;
                }
            }
            let n = l.extents.len() as u64;
            if !l.rels.iter().all(|&(from, to, _)| from < n && to < n) {
                return false;
            }
        }
        true
    }

    /// The writer's string id + 1 of builder code `code - 1`, 0 for none.
    #[inline(always)]
    fn remap_built(&mut self, remap: &mut Remap, code: u64) -> u64 {
        // 32-bit entries: the table is read at random, so its size counts.
        match remap.ids[code as usize] {
            UNSEEN => self.remap_first(remap, code),
            id => u64::from(id),
        }
    }

    /// `remap_built` of a code not used before: interned now.
    #[cold]
    #[inline(never)]
    fn remap_first(&mut self, remap: &mut Remap, code: u64) -> u64 {
        let id = self.intern(string_at(&remap.arena, &remap.ends, code as usize - 1)) + 1;
        // An id past 32 bits (never in practice) is looked up every time.
        if let Ok(short) = u32::try_from(id) {
            remap.ids[code as usize] = short;
        }
        id
    }

    /// `Writer::encode`, reading columns instead of owned spans.
    fn encode_built(&mut self, cols: &Columns, remap: &mut Remap, out: &mut Vec<u8>) {
        put_bytes(out, cols.id.as_bytes());
        put_bytes(out, cols.text.as_bytes());
        self.schema.text_bytes += cols.text.len() as u64;
        self.encode_metadata(&cols.metadata, out);

        let mut layers = std::mem::take(&mut remap.layer_order);
        layers.clear();
        for (i, layer) in cols.layers().iter().enumerate().filter(|(_, l)| !l.extents.is_empty()) {
            let ix = match remap.placement.layers[i] {
                Some(ix) => ix,
                None => {
                    let ix = declare_layer(&mut self.schema, &mut self.layer_ix, &layer.name, &[]).unwrap_or_default();
                    remap.placement.layers[i] = Some(ix);
                    ix
                }
            };
            layers.push((ix, i));
        }
        layers.sort_unstable();
        put_varint(out, layers.len() as u64);
        for &(ix, i) in &layers {
            self.encode_layer_built(ix, i, &cols.layers[i], remap, out);
        }
        remap.layer_order = layers;
    }

    /// Encodes layer slot `i`, the schema's layer `ix`.
    fn encode_layer_built(&mut self, ix: usize, i: usize, l: &LayerCols, remap: &mut Remap, out: &mut Vec<u8>) {
        let n = l.extents.len();
        put_varint(out, ix as u64);
        put_varint(out, n as u64);
        put_extents(out, l.extents.iter().copied(), self.widths);
        let mut codes = std::mem::take(&mut remap.codes);
        codes.clear();
        if !l.labels.is_empty() {
            for s in 0..n {
                codes.push(self.remap_built(remap, u64::from(l.label(s))));
            }
        }
        put_column(out, codes.iter().copied().chain(std::iter::repeat_n(0, n - codes.len())), self.widths);

        let total = l.frags.len() as u64;
        if total > 0 {
            out.push(1);
            put_column(out, std::iter::once(0).chain((0..n).map(|s| l.frag_end(s))), self.widths);
            put_varint(out, total);
            put_extents(out, l.frags.iter().copied(), self.widths);
        } else {
            out.push(0);
        }

        // Attributes are declared in the order `encode` meets them: by the
        // first span that has one, then in the order of a span's attributes.
        let mut columns = std::mem::take(&mut remap.attr_order);
        columns.clear();
        columns
            .extend(l.attrs().iter().enumerate().filter_map(|(k, a)| a.values.first().map(|&(s, _)| (s as usize, k))));
        columns.sort_unstable();
        for column in &mut columns {
            let (k, attr) = (column.1, &l.attrs[column.1]);
            let known = remap.placement.attr(&self.schema.layers[ix], i, k, attr);
            let a = match known {
                Ok(Some(a)) => a,
                _ => {
                    let def = [AttrDef { name: attr.name.clone(), ty: attr.ty }];
                    // `check` made sure the types agree.
                    declare_layer(&mut self.schema, &mut self.layer_ix, &l.name, &def).unwrap_or_default();
                    let layer = &self.schema.layers[ix];
                    let a = layer.attr_index(&attr.name).unwrap_or_default();
                    if layer.attrs.get(a).is_some_and(|d| d.ty == attr.ty) {
                        remap.placement.attrs[i][k] = Some(a);
                    }
                    a
                }
            };
            *column = (a, k);
        }
        columns.sort_unstable();
        put_varint(out, columns.len() as u64);
        let mut values = std::mem::take(&mut remap.values);
        for &(a, k) in &columns {
            let attr = &l.attrs[k];
            put_varint(out, a as u64);
            match attr.ty {
                AttrType::Str => {
                    // Interned in span order, as `encode` does.
                    values.clear();
                    values.extend(attr.values.iter().map(|&(s, code)| (u64::from(s), self.remap_built(remap, code))));
                    put_str_attr(out, n, &values, self.widths);
                }
                AttrType::Int => {
                    let mut ints = vec![None; n];
                    for &(s, v) in &attr.values {
                        ints[s as usize] = Some(v as i64);
                    }
                    put_int_attr(out, &ints, self.widths);
                }
            }
        }
        remap.values = values;
        remap.attr_order = columns;

        put_varint(out, l.rels.len() as u64);
        if !l.rels.is_empty() {
            put_relations(out, l.rels.iter().map(|&(from, to, _)| (from, to)), self.widths);
            codes.clear();
            for &(_, _, c) in &l.rels {
                codes.push(self.remap_built(remap, u64::from(c)));
            }
            put_column(out, codes.iter().copied(), self.widths);
        }
        remap.codes = codes;
        let def = &mut self.schema.layers[ix];
        def.spans += n as u64;
        def.relations += l.rels.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::{AttrId, DocBuilder, LayerId};
    use crate::AttrType;

    /// Layers, each with its attributes, in the order they are named.
    type Names<'a> = &'a [(&'a str, &'a [(&'a str, AttrType)])];

    /// Names layers and attributes in `order`, sets one value of each, and
    /// gives (layer, attribute, value) as the owned document has them.
    fn declare(b: &mut DocBuilder, order: Names<'_>) -> Vec<(String, String, String)> {
        b.clear();
        b.text_mut().push_str("text");
        for (layer, attrs) in order {
            let l = b.layer(layer);
            let span = b.push_span(l, 0, 4);
            for (name, ty) in attrs.iter() {
                let a = b.attr(l, name, *ty);
                assert_eq!(b.attr(l, name, *ty), a, "{layer}.{name} named twice");
                match ty {
                    AttrType::Str => b.set_str(a, span, &format!("{layer}.{name}")),
                    AttrType::Int => b.set_int(a, span, name.len() as i64),
                }
            }
            assert_eq!(b.layer(layer), l);
        }
        let mut out = Vec::new();
        for l in b.to_document().layers {
            for (name, value) in &l.spans[0].attrs {
                out.push((l.name.clone(), name.clone(), format!("{value:?}")));
            }
        }
        out
    }

    #[test]
    fn names_find_their_slots_whatever_the_order_of_the_last_document() {
        use AttrType::{Int, Str};
        let orders: [Names<'_>; 5] = [
            &[("word", &[("lemma", Str), ("upos", Str)]), ("sentence", &[("id", Str)])],
            &[("word", &[("lemma", Str), ("upos", Str)]), ("sentence", &[("id", Str)])],
            &[("sentence", &[("id", Str), ("n", Int)]), ("word", &[("upos", Str), ("lemma", Str)])],
            &[("word", &[("upos", Int), ("upos", Str), ("feats", Str)])],
            &[("token", &[]), ("word", &[("lemma", Str), ("upos", Str)]), ("sentence", &[("id", Str)])],
        ];
        let mut reused = DocBuilder::new();
        for order in orders.iter().chain(orders.iter().rev()) {
            let fresh = declare(&mut DocBuilder::new(), order);
            assert_eq!(declare(&mut reused, order), fresh);
        }
    }

    #[test]
    fn a_document_after_clear_values_is_the_one_a_new_builder_gives() {
        use crate::WriterBuilder;
        // Names every layer and attribute, fills only some: the second
        // document leaves a layer and an attribute empty.
        let fill = |b: &mut DocBuilder, ids: (LayerId, LayerId, AttrId, AttrId), text: &str, full: bool| {
            let (word, sentence, lemma, upos) = ids;
            b.set_id(text);
            b.text_mut().push_str(text);
            let w = b.push_span(word, 0, 2);
            b.set_str(upos, w, "NOUN");
            if full {
                b.set_str(lemma, w, "lemma");
                b.push_span(sentence, 0, 2);
                b.push_relation(word, 0, 0, Some("root"));
            }
        };
        let name = |b: &mut DocBuilder| {
            let (word, sentence) = (b.layer("word"), b.layer("sentence"));
            (word, sentence, b.attr(word, "lemma", AttrType::Str), b.attr(word, "upos", AttrType::Str))
        };
        let mut reused = DocBuilder::new();
        let ids = name(&mut reused);
        fill(&mut reused, ids, "first", true);
        reused.clear_values();
        fill(&mut reused, ids, "second", false);
        let mut fresh = DocBuilder::new();
        let fresh_ids = name(&mut fresh);
        fill(&mut fresh, fresh_ids, "second", false);
        assert_eq!(reused.to_document(), fresh.to_document());
        let write = |b: &DocBuilder| {
            let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
            wtr.add_built(b).unwrap();
            wtr.finish().unwrap()
        };
        assert_eq!(write(&reused), write(&fresh));
    }

    #[test]
    fn ids_hold_wherever_the_builder_has_the_names_they_were_taken_under() {
        use super::BuiltDoc;
        use crate::WriterBuilder;
        let name = |b: &mut DocBuilder| {
            let word = b.layer("word");
            (word, b.attr(word, "upos", AttrType::Str))
        };
        let fill = |b: &mut DocBuilder, (word, upos): (LayerId, AttrId), text: &str| {
            b.set_id(text);
            b.text_mut().push_str(text);
            let w = b.push_span(word, 0, 2);
            b.set_str(upos, w, text);
        };
        // What a builder named afresh for each document writes.
        let expected = |texts: &[&str]| {
            let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
            for text in texts {
                let mut b = DocBuilder::new();
                let ids = name(&mut b);
                fill(&mut b, ids, text);
                wtr.add_built(&b).unwrap();
            }
            wtr.finish().unwrap()
        };

        let mut b = DocBuilder::new();
        let ids = name(&mut b);
        let names = b.names();
        let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
        let mut doc = BuiltDoc::new();
        fill(&mut b, ids, "one");
        // A copy leaves the builder its names, and gives them to `doc`.
        b.hand_over_copy(&mut doc);
        assert_eq!(b.names(), names);
        wtr.add_built_doc(&doc).unwrap();
        fill(&mut b, ids, "two");
        // A swap gives the builder `doc`'s memory: the same names.
        b.hand_over(&mut doc);
        assert_eq!(b.names(), names);
        wtr.add_built_doc(&doc).unwrap();
        fill(&mut b, ids, "three");
        // A new document has none: the ids no longer hold.
        let mut fresh = BuiltDoc::new();
        b.hand_over(&mut fresh);
        assert_ne!(b.names(), names);
        wtr.add_built_doc(&fresh).unwrap();
        b.clear();
        let ids = name(&mut b);
        assert_ne!(b.names(), names, "names taken again are new names");
        fill(&mut b, ids, "four");
        wtr.add_built(&b).unwrap();
        assert_eq!(wtr.finish().unwrap(), expected(&["one", "two", "three", "four"]));

        // Naming anything more changes the names.
        let before = b.names();
        b.layer("sentence");
        assert_ne!(b.names(), before);
        let before = b.names();
        b.attr(ids.0, "lemma", AttrType::Str);
        assert_ne!(b.names(), before);
    }

    #[test]
    fn values_given_as_utf8_bytes_are_the_values_given_as_str() {
        let build = |as_bytes: bool| {
            let mut b = DocBuilder::new();
            b.text_mut().push_str("Zürich is big");
            let l = b.layer("word");
            let a = b.attr(l, "lemma", AttrType::Str);
            b.push_span(l, 0, 7);
            b.push_span(l, 8, 10);
            if as_bytes {
                b.set_utf8(a, 0, "Zürich".as_bytes());
                b.push_relation_utf8(l, 1, 0, Some(b"nsubj"));
            } else {
                b.set_str(a, 0, "Zürich");
                b.push_relation(l, 1, 0, Some("nsubj"));
            }
            b.to_document()
        };
        assert_eq!(build(true), build(false));
    }

    #[test]
    #[should_panic(expected = "UTF-8")]
    fn a_value_that_is_not_utf8_is_refused() {
        let mut b = DocBuilder::new();
        b.text_mut().push_str("ab");
        let l = b.layer("word");
        let a = b.attr(l, "lemma", AttrType::Str);
        b.push_span(l, 0, 2);
        b.set_utf8(a, 0, b"\xff");
    }
}
