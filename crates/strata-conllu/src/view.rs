//! What the writer reads of a document, for the owned [`Document`] and the
//! borrowed [`Doc`] alike, so that both are written by one code path
//! (`write.rs`).
//!
//! The writer visits the spans of each layer in order, so an attribute is
//! read through a cursor that only moves forward. For a stored document the
//! cursor reads the attribute's code columns in place and each value is
//! checked once, as `Doc::to_owned` checks it; a dictionary string is looked
//! up, and checked to fit in a CoNLL-U column, once per [`crate::DocWriter`]
//! ([`Dict`]). Nothing is allocated per value (integer values, which
//! CoNLL-U documents do not have, are the exception: they are formatted).

use std::borrow::Cow;
use std::cell::Cell;

use strata_format::{
    AttrRef, AttrValue, AttrValueRef, Column, Doc, Document, Layer, LayerRef, Span, StringTable, ValueRef,
};

use crate::names;
use crate::write::WriteError;

/// A span's extent in the document text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ext {
    pub(crate) start: u64,
    pub(crate) end: u64,
}

/// A document as the writer reads it.
pub(crate) trait DocView<'d>: Copy {
    type Layer: LayerView<'d>;
    /// The document id.
    fn id(self) -> &'d str;
    /// The whole text.
    fn text(self) -> Result<&'d str, WriteError>;
    /// The layer of this name, if the document has it.
    fn layer(self, name: &str) -> Option<Self::Layer>;
}

/// One layer as the writer reads it.
pub(crate) trait LayerView<'d>: Copy {
    type Attr: AttrCursor<'d>;
    /// Appends the extent of every span, in order.
    fn extents(self, out: &mut Vec<Ext>) -> Result<(), WriteError>;
    /// Cursors over the values of the attributes `names`.
    fn attrs<const N: usize>(self, names: [&'static str; N]) -> [Self::Attr; N];
    /// Calls `f` with each relation, in order, as (from, to, label).
    fn each_relation(
        self,
        f: impl FnMut(u64, u64, Option<Val<'d>>) -> Result<(), WriteError>,
    ) -> Result<(), WriteError>;
}

/// A string value, and whether it is known to fit in a CoNLL-U column (not
/// empty, without tab or line feed): the strings of a dictionary are
/// checked once, not at each use.
pub(crate) type Val<'d> = (&'d str, bool);

/// Whether `value` holds a tab or a line feed.
#[inline]
pub(crate) fn breaks_line(value: &str) -> bool {
    // Most values are a few bytes: a loop without early exit (which the
    // compiler vectorizes) beats setting up memchr.
    value.bytes().fold(false, |found, b| found | (b == b'\t') | (b == b'\n'))
}

/// The values of one attribute of a layer, read in span order.
pub(crate) trait AttrCursor<'d> {
    /// The value of span `i`, if it has one. `i` never decreases from one
    /// call to the next (it may repeat). A value that cannot be read gives
    /// `None` here and an error from [`AttrCursor::finish`].
    fn get(&mut self, i: usize) -> Option<Cow<'d, str>>;
    /// [`AttrCursor::get`], and whether the value is known to fit in a
    /// column.
    fn get_val(&mut self, i: usize) -> Option<(Cow<'d, str>, bool)> {
        self.get(i).map(|v| (v, false))
    }
    /// Reads the values after the last one asked for; an error when any
    /// value could not be read.
    fn finish(&mut self) -> Result<(), WriteError>;
}

fn int_value<'d>(i: i64) -> Cow<'d, str> {
    Cow::Owned(i.to_string())
}

// The owned model.

impl<'d> DocView<'d> for &'d Document {
    type Layer = &'d Layer;

    fn id(self) -> &'d str {
        &self.id
    }

    fn text(self) -> Result<&'d str, WriteError> {
        Ok(&self.text)
    }

    fn layer(self, name: &str) -> Option<&'d Layer> {
        Document::layer(self, name)
    }
}

impl<'d> LayerView<'d> for &'d Layer {
    type Attr = OwnedAttr<'d>;

    fn extents(self, out: &mut Vec<Ext>) -> Result<(), WriteError> {
        out.extend(self.spans.iter().map(|s| Ext { start: s.start, end: s.end }));
        Ok(())
    }

    fn attrs<const N: usize>(self, names: [&'static str; N]) -> [OwnedAttr<'d>; N] {
        // A span that gives a name twice breaks the data model; word lines
        // have always taken the last value and other lines the first.
        let last = self.name == names::WORD;
        names.map(|name| OwnedAttr { spans: &self.spans, name, last })
    }

    fn each_relation(
        self,
        mut f: impl FnMut(u64, u64, Option<Val<'d>>) -> Result<(), WriteError>,
    ) -> Result<(), WriteError> {
        for rel in &self.relations {
            f(rel.from, rel.to, rel.label.as_deref().map(|l| (l, false)))?;
        }
        Ok(())
    }
}

/// An attribute of an owned layer: looked up by name in each span.
pub(crate) struct OwnedAttr<'d> {
    spans: &'d [Span],
    name: &'static str,
    last: bool,
}

impl<'d> AttrCursor<'d> for OwnedAttr<'d> {
    #[inline]
    fn get(&mut self, i: usize) -> Option<Cow<'d, str>> {
        let span = self.spans.get(i)?;
        let is = |(n, _): &&(String, AttrValue)| n == self.name;
        let found = if self.last { span.attrs.iter().rfind(is) } else { span.attrs.iter().find(is) };
        found.map(|(_, v)| match v {
            AttrValue::Str(s) => Cow::Borrowed(s.as_str()),
            AttrValue::Int(n) => int_value(*n),
        })
    }

    fn finish(&mut self) -> Result<(), WriteError> {
        Ok(())
    }
}

// A stored document, borrowed.

/// The dictionary of a corpus (`'c`), with the strings already met: a
/// string is looked up in the [`StringTable`] once, then read from `cache`
/// (which may be empty), so that the values of an attribute cost a column
/// read each.
#[derive(Clone, Copy)]
pub(crate) struct Dict<'d, 'c> {
    table: &'d StringTable<'c>,
    cache: &'d [Cell<Option<&'c str>>],
}

impl<'d, 'c> Dict<'d, 'c> {
    pub(crate) fn new(table: &'d StringTable<'c>, cache: &'d [Cell<Option<&'c str>>]) -> Dict<'d, 'c> {
        Dict { table, cache }
    }

    /// The string of a stored code, as [`StringTable::get`].
    #[inline]
    pub(crate) fn get(self, code: u64) -> Option<&'c str> {
        self.get_val(code).map(|(s, _)| s)
    }

    /// [`Dict::get`], and whether the string fits in a column (only the
    /// strings that do are kept in the cache).
    #[inline(always)]
    pub(crate) fn get_val(self, code: u64) -> Option<(&'c str, bool)> {
        let slot = usize::try_from(code).ok().and_then(|c| self.cache.get(c));
        if let Some(s) = slot.and_then(Cell::get) {
            return Some((s, true));
        }
        let s = self.table.get(code)?;
        let fits = !s.is_empty() && !breaks_line(s);
        if let Some(slot) = slot.filter(|_| fits) {
            slot.set(Some(s));
        }
        Some((s, fits))
    }
}

/// A stored document with the corpus dictionary.
#[derive(Clone, Copy)]
pub(crate) struct Stored<'d, 'c> {
    doc: &'d Doc<'d>,
    strings: Dict<'d, 'c>,
}

impl<'d, 'c> Stored<'d, 'c> {
    pub(crate) fn new(doc: &'d Doc<'d>, strings: Dict<'d, 'c>) -> Stored<'d, 'c> {
        Stored { doc, strings }
    }
}

fn damaged(e: impl std::fmt::Display) -> WriteError {
    WriteError::Damaged(e.to_string())
}

impl<'d, 'c: 'd> DocView<'d> for Stored<'d, 'c> {
    type Layer = StoredLayer<'d, 'c>;

    fn id(self) -> &'d str {
        self.doc.id()
    }

    fn text(self) -> Result<&'d str, WriteError> {
        self.doc.text().map_err(damaged)
    }

    fn layer(self, name: &str) -> Option<StoredLayer<'d, 'c>> {
        self.doc.layer(name).map(|layer| StoredLayer { layer, strings: self.strings })
    }
}

/// A layer of a stored document.
#[derive(Clone, Copy)]
pub(crate) struct StoredLayer<'d, 'c> {
    layer: LayerRef<'d>,
    strings: Dict<'d, 'c>,
}

impl StoredLayer<'_, '_> {
    fn damaged(&self, what: String) -> WriteError {
        WriteError::Damaged(format!("layer {:?}: {what}", self.layer.name()))
    }
}

impl<'d, 'c: 'd> LayerView<'d> for StoredLayer<'d, 'c> {
    type Attr = StoredAttr<'d, 'c>;

    fn extents(self, out: &mut Vec<Ext>) -> Result<(), WriteError> {
        // Whole columns at a time, checked as `LayerRef::span` checks a span.
        let (mut pairs, mut scratch) = (Vec::new(), Vec::new());
        self.layer.extents_into(&mut pairs, &mut scratch).map_err(damaged)?;
        out.extend(pairs.iter().map(|&(start, end)| Ext { start, end }));
        Ok(())
    }

    fn attrs<const N: usize>(self, names: [&'static str; N]) -> [StoredAttr<'d, 'c>; N] {
        let mut out = [(); N].map(|()| StoredAttr {
            kind: Kind::Absent,
            strings: self.strings,
            spans: self.layer.len(),
            codes: Vec::new(),
            pos: 0,
            next: usize::MAX,
            value: ("", false),
            damage: None,
        });
        // One pass over the columns the layer has.
        for attr in self.layer.attrs() {
            let Some(k) = names.iter().position(|&n| n == attr.name()) else { continue };
            out[k].kind = match attr.code_columns() {
                None => Kind::Int(attr),
                Some((None, codes)) => {
                    codes.unpack_into(&mut out[k].codes);
                    Kind::Dense
                }
                Some((Some(index), codes)) => Kind::Sparse { index, codes },
            };
            out[k].arrive();
        }
        out
    }

    fn each_relation(
        self,
        mut f: impl FnMut(u64, u64, Option<Val<'d>>) -> Result<(), WriteError>,
    ) -> Result<(), WriteError> {
        let (mut relations, mut scratch) = (Vec::new(), Vec::new());
        self.layer.relations_into(&mut relations, &mut scratch).map_err(damaged)?;
        for (r, &(from, to, code)) in relations.iter().enumerate() {
            let label = match code {
                0 => None,
                code => match self.strings.get_val(code) {
                    Some(label) => Some(label),
                    None => return Err(self.damaged(format!("relation {r} has a bad label"))),
                },
            };
            f(from as u64, to as u64, label)?;
        }
        Ok(())
    }
}

/// An attribute of a stored layer, read straight from its code columns.
///
/// Every value is checked once, as [`strata_format::AttrValues`] checks it,
/// whether it is asked for or passed over ([`AttrCursor::finish`] checks
/// the rest), so that a damaged value is always noticed.
pub(crate) struct StoredAttr<'d, 'c> {
    kind: Kind<'d>,
    strings: Dict<'d, 'c>,
    /// The number of spans of the layer.
    spans: usize,
    /// Dense: the code of every span, unpacked (and checked) on arrival.
    codes: Vec<u64>,
    /// Sparse: the entry at hand.
    pos: usize,
    /// Sparse: the span of the entry at hand (`usize::MAX` past the last
    /// one or after damage), and its value.
    next: usize,
    value: (&'c str, bool),
    /// The first damaged value.
    damage: Option<Box<WriteError>>,
}

enum Kind<'d> {
    /// No span of the layer has a value.
    Absent,
    /// One code per span, 0 for none (in `StoredAttr::codes`).
    Dense,
    /// The spans that have a value, in increasing order, and their codes.
    Sparse { index: Column<'d>, codes: Column<'d> },
    /// An integer attribute, read by index.
    Int(AttrRef<'d>),
}

impl<'d, 'c: 'd> StoredAttr<'d, 'c> {
    #[cold]
    fn damaged(&mut self, what: String) {
        self.damage.get_or_insert_with(|| Box::new(WriteError::Damaged(what)));
        self.next = usize::MAX;
    }

    #[cold]
    #[inline(never)]
    fn bad_code(&mut self, i: usize, code: u64) {
        self.damaged(format!("span {i} has the string code {code}, not in the dictionary"));
    }

    /// The value of span `i` of an integer attribute.
    #[inline(never)]
    fn int(&mut self, attr: AttrRef<'d>, i: usize) -> Option<Cow<'d, str>> {
        match attr.get(i) {
            Ok(Some(AttrValueRef::Int(n))) => Some(int_value(n)),
            Ok(Some(AttrValueRef::Str(s))) => Some(Cow::Borrowed(s)),
            Ok(None) => None,
            Err(e) => {
                self.damaged(e.to_string());
                None
            }
        }
    }

    /// Sparse: passes the entries before span `i`.
    #[inline(never)]
    fn pass(&mut self, i: usize) {
        while self.next < i {
            self.pos += 1;
            self.arrive();
        }
    }

    /// Checks what arrives: a dense column all at once (`check_dense`); a
    /// sparse one's entry at `pos`, which it reads, as
    /// [`strata_format::AttrValues::next_code`] would.
    fn arrive(&mut self) {
        if let Kind::Dense = self.kind {
            return self.check_dense();
        }
        let Kind::Sparse { index, codes } = self.kind else { return };
        let (Some(i), Some(code)) = (index.get(self.pos), codes.get(self.pos)) else {
            self.next = usize::MAX;
            return;
        };
        // The span of the entry before, which was checked on arrival.
        let prev = (self.pos > 0).then_some(self.next as u64);
        let what = if i >= self.spans as u64 || prev.is_some_and(|p| p >= i) {
            format!(
                "entry {} of a sparse attribute names span {i}, not above the one before and below {}",
                self.pos, self.spans
            )
        } else {
            match self.strings.get_val(code) {
                Some(value) => {
                    (self.next, self.value) = (i as usize, value);
                    return;
                }
                None => return self.bad_code(i as usize, code),
            }
        };
        self.damaged(what);
    }

    /// Dense: checks every code at once, noting the first that is not in
    /// the dictionary. Codes run from 1 to the dictionary's size, so the
    /// largest is checked, and the others only when it is bad.
    fn check_dense(&mut self) {
        let largest = self.codes.iter().copied().max().unwrap_or(0);
        if largest == 0 || self.strings.get(largest).is_some() {
            return;
        }
        let strings = self.strings;
        if let Some((i, code)) =
            self.codes.iter().copied().enumerate().find(|&(_, code)| code != 0 && strings.get(code).is_none())
        {
            self.bad_code(i, code);
        }
    }
}

impl<'d, 'c: 'd> AttrCursor<'d> for StoredAttr<'d, 'c> {
    #[inline(always)]
    fn get(&mut self, i: usize) -> Option<Cow<'d, str>> {
        self.get_val(i).map(|(v, _)| v)
    }

    // Inlined at each call site, so that the branches on the kind of column
    // and its width are predicted per attribute.
    #[inline(always)]
    fn get_val(&mut self, i: usize) -> Option<(Cow<'d, str>, bool)> {
        match self.kind {
            Kind::Absent => None,
            // A bad code was noted on arrival.
            Kind::Dense => match self.codes.get(i) {
                None | Some(0) => None,
                Some(&code) => self.strings.get_val(code).map(|(value, fits)| (Cow::Borrowed(value), fits)),
            },
            Kind::Sparse { .. } => {
                if self.next < i {
                    self.pass(i);
                }
                (self.next == i).then_some((Cow::Borrowed(self.value.0), self.value.1))
            }
            Kind::Int(attr) => self.int(attr, i).map(|v| (v, false)),
        }
    }

    fn finish(&mut self) -> Result<(), WriteError> {
        if let Kind::Sparse { .. } = self.kind {
            while self.next != usize::MAX {
                self.pos += 1;
                self.arrive();
            }
        }
        match self.damage.take() {
            Some(e) => Err(*e),
            None => Ok(()),
        }
    }
}

/// Checks what of a stored document the writer does not read, so that
/// [`crate::write_doc`] succeeds only on documents that [`Doc::to_owned`]
/// reads: the metadata, the labels and fragments of every layer, the
/// layers other than those CoNLL-U uses, and the attributes of those
/// layers that the writer has no cursor on (`opened` names them per
/// layer).
pub(crate) fn check_unread(doc: &Doc<'_>, strings: Dict<'_, '_>, opened: &[(&str, &[&str])]) -> Result<(), WriteError> {
    for item in doc.metadata() {
        if let (_, ValueRef::List(items)) = item.map_err(damaged)? {
            for item in items {
                item.map_err(damaged)?;
            }
        }
    }
    for layer in doc.layers() {
        let read = opened.iter().find(|(name, _)| *name == layer.name()).map(|(_, attrs)| *attrs);
        let bad = |what: String| WriteError::Damaged(format!("layer {:?}: {what}", layer.name()));
        for i in 0..layer.len() {
            if read.is_none() {
                layer.span(i).map_err(damaged)?;
            }
            match layer.label_code(i) {
                None | Some(0) => {}
                Some(code) => {
                    strings.get(code).ok_or_else(|| bad(format!("span {i} has a bad label")))?;
                }
            }
        }
        if layer.has_fragments() {
            for i in 0..layer.len() {
                layer.fragments(i).map_err(damaged)?;
            }
        }
        for attr in layer.attrs() {
            if read.is_some_and(|names| names.contains(&attr.name())) {
                continue;
            }
            let mut values = attr.values();
            while let Some(item) = values.next_code() {
                let (i, code) = item.map_err(damaged)?;
                strings.get(code).ok_or_else(|| bad(format!("span {i} has a bad string code")))?;
            }
        }
        // The writer reads the relations of `word`, and of no other layer.
        if read.is_none() || layer.name() != names::WORD {
            for (r, rel) in layer.relation_codes().enumerate() {
                let (_, _, code) = rel.map_err(damaged)?;
                if code != 0 {
                    strings.get(code).ok_or_else(|| bad(format!("relation {r} has a bad label")))?;
                }
            }
        }
    }
    Ok(())
}
