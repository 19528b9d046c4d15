//! Whole columns at once: the fastest way through a corpus.
//!
//! The per-item accessors ([`LayerRef::span`], [`AttrRef::get`],
//! [`LayerRef::relation`]) find their column, check and decode one value
//! per call. A scan that visits every span does better to decode each
//! column of a layer once into a buffer it reuses, and to look codes up in
//! a [`StringTable`](super::StringTable) checked once. The methods here do
//! the same checks as the per-item ones, a column at a time. Each takes the
//! output buffer and a `scratch` buffer, both cleared and refilled, so that
//! a scan that keeps them allocates nothing per document.

use super::{relation_ends, AttrAt, AttrRef, ColumnAt, LayerRef};
use crate::bytes::packed_bytes;
use crate::error::Result;
use crate::layout::Version;

/// The bytes a layer's columns take in one record ([`LayerRef::stored_sizes`]):
/// each column's width byte and values. Counts, varints and flag bytes are
/// left out, so the parts add up to a little less than the layer block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredSizes<'d> {
    /// Span starts and lengths.
    pub spans: u64,
    /// Span labels.
    pub labels: u64,
    /// The fragment table.
    pub fragments: u64,
    /// Relation ends and labels.
    pub relations: u64,
    /// Each attribute's columns (and int presence bitmap), by name.
    pub attrs: Vec<(&'d str, u64)>,
}

fn column_bytes(c: ColumnAt) -> u64 {
    packed_bytes(c.len as u64, c.bits).unwrap_or(u64::MAX).saturating_add(1)
}

impl<'d> LayerRef<'d> {
    /// Every span's `(start, end)` byte offsets, in span order, into `out`
    /// (cleared first).
    ///
    /// # Errors
    /// A corruption error when a span's end overflows or lies past the
    /// document's text.
    pub fn extents_into(&self, out: &mut Vec<(u64, u64)>, scratch: &mut Vec<u64>) -> Result<()> {
        let d = self.doc;
        out.clear();
        d.column(self.at.starts).unpack_into(scratch);
        out.extend(scratch.iter().map(|&s| (s, 0)));
        d.column(self.at.stops).unpack_into(scratch);
        let text_len = d.text.len() as u64;
        let from_lengths = d.version != Version::V1;
        let mut bad = None;
        for (i, (pair, &stop)) in out.iter_mut().zip(scratch.iter()).enumerate() {
            let end = if from_lengths { pair.0.checked_add(stop) } else { Some(stop) };
            match end.filter(|&e| e <= text_len && pair.0 <= e) {
                Some(e) => pair.1 = e,
                None => {
                    bad.get_or_insert((i, pair.0, stop));
                }
            }
        }
        match bad {
            None => Ok(()),
            Some((i, start, stop)) => {
                out.clear();
                Err(self
                    .corrupt(format!("span {i} ({start} and {stop} stored) is not inside the {text_len}-byte text")))
            }
        }
    }

    /// Every span's label code (0 for no label), in span order, into `out`
    /// (cleared first); [`StringTable::get`](super::StringTable::get) gives
    /// the strings.
    pub fn label_codes_into(&self, out: &mut Vec<u64>) {
        self.doc.column(self.at.labels).unpack_into(out);
    }

    /// Every relation as `(from, to, label code)`, in order, into `out`
    /// (cleared first). The label code is 0 for no label.
    ///
    /// # Errors
    /// As [`LayerRef::relation`]: a relation that does not join two spans
    /// of the layer.
    pub fn relations_into(&self, out: &mut Vec<(usize, usize, u64)>, scratch: &mut Vec<u64>) -> Result<()> {
        self.relation_ends_into(out, scratch)?;
        if let Some((_, _, labels)) = self.at.relations {
            self.doc.column(labels).unpack_into(scratch);
            for (rel, &label) in out.iter_mut().zip(scratch.iter()) {
                rel.2 = label;
            }
        }
        Ok(())
    }

    /// [`LayerRef::relations_into`] without the labels (all 0): what a check
    /// of the ends needs.
    pub(crate) fn relation_ends_into(&self, out: &mut Vec<(usize, usize, u64)>, scratch: &mut Vec<u64>) -> Result<()> {
        out.clear();
        let Some((from, to, _)) = self.at.relations else {
            return Ok(());
        };
        let d = self.doc;
        d.column(from).unpack_into(scratch);
        out.extend(scratch.iter().map(|&f| (f as usize, 0, 0)));
        d.column(to).unpack_into(scratch);
        let n = self.len() as u64;
        let mut bad = None;
        for (r, (rel, &t)) in out.iter_mut().zip(scratch.iter()).enumerate() {
            match relation_ends(d.version, r, rel.0 as u64, t).filter(|&(f, t)| f < n && t < n) {
                Some((f, t)) => (rel.0, rel.1) = (f as usize, t as usize),
                None => {
                    bad.get_or_insert(r);
                }
            }
        }
        if let Some(r) = bad {
            out.clear();
            // The per-item accessor words the error.
            self.relation_ends(r)?;
            return Err(self.corrupt(format!("relation {r} is damaged")));
        }
        Ok(())
    }
}

impl<'d> LayerRef<'d> {
    /// What each part of this layer takes in the record: for reports of
    /// bytes per layer and column.
    pub fn stored_sizes(&self) -> StoredSizes<'d> {
        let at = self.at;
        let three = |c: Option<(ColumnAt, ColumnAt, ColumnAt)>| {
            c.map_or(0, |(a, b, c)| column_bytes(a).saturating_add(column_bytes(b)).saturating_add(column_bytes(c)))
        };
        let attrs = self
            .attrs()
            .map(|attr| {
                let bytes = match attr.at {
                    AttrAt::Str { index, codes } => index.map_or(0, column_bytes).saturating_add(column_bytes(*codes)),
                    AttrAt::Int { present, values, .. } => {
                        present.as_ref().map_or(0, |p| p.len() as u64).saturating_add(column_bytes(*values))
                    }
                };
                (attr.name(), bytes)
            })
            .collect();
        StoredSizes {
            spans: column_bytes(at.starts).saturating_add(column_bytes(at.stops)),
            labels: column_bytes(at.labels),
            fragments: three(at.fragments),
            relations: three(at.relations),
            attrs,
        }
    }
}

impl AttrRef<'_> {
    /// Whether this is a string attribute stored sparse: the one kind whose
    /// columns [`AttrRef::codes_into`] checks.
    pub(crate) fn is_sparse_str(&self) -> bool {
        matches!(self.at, AttrAt::Str { index: Some(_), .. })
    }

    /// The string code of every span's value (0 for no value), in span
    /// order, into `out` (cleared first); dense and sparse storage give the
    /// same result. An int attribute gives all zeros.
    ///
    /// # Errors
    /// A sparse attribute whose span indices do not increase or reach past
    /// the spans, or that stores code 0.
    pub fn codes_into(&self, out: &mut Vec<u64>, scratch: &mut Vec<u64>) -> Result<()> {
        let d = self.layer.doc;
        let n = self.layer.len();
        match self.at {
            AttrAt::Str { index: None, codes } => {
                d.column(*codes).unpack_into(out);
                Ok(())
            }
            AttrAt::Str { index: Some(index), codes } => {
                out.clear();
                out.resize(n, 0);
                d.column(*index).unpack_into(scratch);
                let codes = d.column(*codes);
                let mut prev = None;
                for (j, &i) in scratch.iter().enumerate() {
                    let code = codes.get(j).unwrap_or(0);
                    let slot = usize::try_from(i).ok().filter(|_| prev.is_none_or(|p| p < i));
                    match (slot.and_then(|i| out.get_mut(i)), code) {
                        (Some(slot), 1..) => *slot = code,
                        _ => {
                            out.clear();
                            // The iterator words the error.
                            let mut values = self.values();
                            while let Some(v) = values.next_code() {
                                v?;
                            }
                            return Err(self.layer.corrupt(format!("sparse attribute {:?} is damaged", self.name())));
                        }
                    }
                    prev = Some(i);
                }
                Ok(())
            }
            AttrAt::Int { .. } => {
                out.clear();
                out.resize(n, 0);
                Ok(())
            }
        }
    }
}
