//! What the writer reads of a document, for the owned [`Document`] and the
//! borrowed [`Doc`] alike, so that both are written by one code path
//! (`write.rs`).
//!
//! The writer visits the spans of each layer in order, so an attribute is
//! read through a cursor that only moves forward: for a stored document
//! that walks the packed codes once, without a dictionary search or a UTF-8
//! check per value and without allocating (integer values, which CoNLL-U
//! documents do not have, are the exception: they are formatted).

use std::borrow::Cow;

use strata_format::{
    AttrRef, AttrType, AttrValue, AttrValueRef, AttrValues, Doc, Document, Layer, LayerRef, Span, StringTable,
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
    /// A cursor over the values of attribute `name`.
    fn attr(self, name: &'static str) -> Self::Attr;
    /// Number of relations.
    fn relation_count(self) -> usize;
    /// Relation `r` as (from, to, label).
    fn relation(self, r: usize) -> Result<(u64, u64, Option<&'d str>), WriteError>;
}

/// The values of one attribute of a layer, read in span order.
pub(crate) trait AttrCursor<'d> {
    /// The value of span `i`, if it has one. `i` never decreases from one
    /// call to the next (it may repeat).
    fn get(&mut self, i: usize) -> Result<Option<Cow<'d, str>>, WriteError>;
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

    fn attr(self, name: &'static str) -> OwnedAttr<'d> {
        // A span that gives a name twice breaks the data model; word lines
        // have always taken the last value and other lines the first.
        OwnedAttr { spans: &self.spans, name, last: self.name == names::WORD }
    }

    fn relation_count(self) -> usize {
        self.relations.len()
    }

    fn relation(self, r: usize) -> Result<(u64, u64, Option<&'d str>), WriteError> {
        let rel = &self.relations[r];
        Ok((rel.from, rel.to, rel.label.as_deref()))
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
    fn get(&mut self, i: usize) -> Result<Option<Cow<'d, str>>, WriteError> {
        let Some(span) = self.spans.get(i) else { return Ok(None) };
        let is = |(n, _): &&(String, AttrValue)| n == self.name;
        let found = if self.last { span.attrs.iter().rfind(is) } else { span.attrs.iter().find(is) };
        Ok(found.map(|(_, v)| match v {
            AttrValue::Str(s) => Cow::Borrowed(s.as_str()),
            AttrValue::Int(n) => int_value(*n),
        }))
    }
}

// A stored document, borrowed.

/// A stored document with the corpus dictionary.
#[derive(Clone, Copy)]
pub(crate) struct Stored<'d> {
    doc: &'d Doc<'d>,
    strings: StringTable<'d>,
}

impl<'d> Stored<'d> {
    pub(crate) fn new(doc: &'d Doc<'d>, strings: StringTable<'d>) -> Stored<'d> {
        Stored { doc, strings }
    }
}

fn damaged(e: impl std::fmt::Display) -> WriteError {
    WriteError::Damaged(e.to_string())
}

impl<'d> DocView<'d> for Stored<'d> {
    type Layer = StoredLayer<'d>;

    fn id(self) -> &'d str {
        self.doc.id()
    }

    fn text(self) -> Result<&'d str, WriteError> {
        self.doc.text().map_err(damaged)
    }

    fn layer(self, name: &str) -> Option<StoredLayer<'d>> {
        self.doc.layer(name).map(|layer| StoredLayer { layer, strings: self.strings, text_len: self.doc.text_len() })
    }
}

/// A layer of a stored document.
#[derive(Clone, Copy)]
pub(crate) struct StoredLayer<'d> {
    layer: LayerRef<'d>,
    strings: StringTable<'d>,
    text_len: u64,
}

impl StoredLayer<'_> {
    fn damaged(&self, what: String) -> WriteError {
        WriteError::Damaged(format!("layer {:?}: {what}", self.layer.name()))
    }
}

impl<'d> LayerView<'d> for StoredLayer<'d> {
    type Attr = StoredAttr<'d>;

    fn extents(self, out: &mut Vec<Ext>) -> Result<(), WriteError> {
        let columns = self.layer.span_columns();
        out.reserve(columns.len());
        for i in 0..columns.len() {
            // Checked as `LayerRef::span` checks it.
            match columns.get(i) {
                Some(s) if s.start <= s.end && s.end <= self.text_len => out.push(Ext { start: s.start, end: s.end }),
                _ => return Err(self.damaged(format!("span {i} is outside the {}-byte text", self.text_len))),
            }
        }
        Ok(())
    }

    fn attr(self, name: &'static str) -> StoredAttr<'d> {
        match self.layer.attr(name) {
            None => StoredAttr::Absent,
            Some(attr) if attr.ty() == AttrType::Int => StoredAttr::Int(attr),
            Some(attr) => StoredAttr::Str {
                values: attr.values(),
                next: None,
                strings: self.strings,
                layer: self.layer.name(),
                name,
            },
        }
    }

    fn relation_count(self) -> usize {
        self.layer.relation_count()
    }

    fn relation(self, r: usize) -> Result<(u64, u64, Option<&'d str>), WriteError> {
        let (from, to, code) = self.layer.relation_code(r).map_err(damaged)?;
        let label = match code {
            0 => None,
            code => {
                Some(self.strings.get(code).ok_or_else(|| self.damaged(format!("relation {r} has a bad label")))?)
            }
        };
        Ok((from as u64, to as u64, label))
    }
}

/// An attribute of a stored layer.
pub(crate) enum StoredAttr<'d> {
    /// No span of the layer has a value.
    Absent,
    /// A string attribute: its (span, code) pairs in span order, and the
    /// next one not yet passed (`usize::MAX` once they are all passed).
    Str {
        values: AttrValues<'d>,
        next: Option<(usize, u64)>,
        strings: StringTable<'d>,
        layer: &'d str,
        name: &'static str,
    },
    /// An integer attribute, read by index.
    Int(AttrRef<'d>),
}

impl<'d> AttrCursor<'d> for StoredAttr<'d> {
    #[inline]
    fn get(&mut self, i: usize) -> Result<Option<Cow<'d, str>>, WriteError> {
        match self {
            StoredAttr::Absent => Ok(None),
            StoredAttr::Str { values, next, strings, layer, name } => loop {
                if let Some((j, code)) = *next {
                    if j > i {
                        return Ok(None);
                    }
                    if j == i {
                        return match strings.get(code) {
                            Some(s) => Ok(Some(Cow::Borrowed(s))),
                            None => Err(WriteError::Damaged(format!(
                                "layer {layer:?}: attribute {name:?} of span {i} has a bad string code"
                            ))),
                        };
                    }
                }
                *next = Some(match values.next_code() {
                    Some(Ok(pair)) => pair,
                    Some(Err(e)) => return Err(damaged(e)),
                    None => (usize::MAX, 0),
                });
            },
            StoredAttr::Int(attr) => match attr.get(i).map_err(damaged)? {
                Some(AttrValueRef::Int(n)) => Ok(Some(int_value(n))),
                Some(AttrValueRef::Str(s)) => Ok(Some(Cow::Borrowed(s))),
                None => Ok(None),
            },
        }
    }
}
