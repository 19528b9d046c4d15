//! Full validation: every checksum and every structural invariant.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::arithmetic_side_effects))]

use crate::error::{Error, ErrorKind};
use crate::layout;
use crate::read::{Corpus, Doc};

/// Validation stops collecting after this many problems: a badly damaged
/// file would otherwise report one problem per document.
pub const MAX_PROBLEMS: usize = 100;

impl<D: AsRef<[u8]>> Corpus<D> {
    /// Checks every checksum and every structural invariant: records decode,
    /// offsets are in bounds and on UTF-8 boundaries, spans and fragments
    /// lie inside their document (a version 2 length does not overflow),
    /// string ids are in the dictionary, sparse attributes list increasing
    /// span indices with nonzero codes, relations join existing spans, the id index lists each document once under the hash of its
    /// id, and the schema totals match the documents.
    ///
    /// Returns the problems found (at most [`MAX_PROBLEMS`]); empty means
    /// valid.
    ///
    /// Cost: reads and decodes the whole file; allocates one bit per
    /// document and one decompressed block at a time.
    pub fn validate(&self) -> Vec<Error> {
        let mut problems = Vec::new();
        let mut push = |e: Error| {
            if problems.len() < MAX_PROBLEMS {
                problems.push(e);
            }
        };
        self.check_checksums(&mut push);
        self.check_strings(&mut push);
        self.check_blocks(&mut push);
        self.check_documents(&mut push);
        self.check_id_index(&mut push);
        problems
    }

    fn check_checksums(&self, push: &mut impl FnMut(Error)) {
        let bytes = self.as_bytes();
        let footer_at = bytes.len().saturating_sub(layout::FOOTER_LEN as usize);
        let got = crc32fast::hash(bytes.get(..footer_at).unwrap_or(&[]));
        if got != self.file_crc() {
            push(Error::from(ErrorKind::ChecksumMismatch { section: "file", expected: self.file_crc(), got }));
        }
        for s in self.sections() {
            let start = s.offset as usize;
            let data = bytes.get(start..start.saturating_add(s.len as usize)).unwrap_or(&[]);
            let got = crc32fast::hash(data);
            if got != s.crc {
                push(Error::from(ErrorKind::ChecksumMismatch { section: s.name(), expected: s.crc, got }));
            }
        }
    }

    fn check_strings(&self, push: &mut impl FnMut(Error)) {
        match self.strings() {
            Err(e) => push(e),
            Ok(strings) => {
                for id in 0..strings.len() {
                    if let Err(e) = strings.get(id as u64) {
                        push(e);
                    }
                }
            }
        }
    }

    fn check_blocks(&self, push: &mut impl FnMut(Error)) {
        for k in 0..self.block_count() {
            if let Err(e) = self.decompress_block(k) {
                push(e);
            }
        }
    }

    fn check_documents(&self, push: &mut impl FnMut(Error)) {
        let schema = self.schema();
        let mut spans = vec![0u64; schema.layers.len()];
        let mut relations = vec![0u64; schema.layers.len()];
        let mut text_bytes = 0u64;
        let mut cache = None;
        for i in 0..self.len() {
            match self.doc_cached(i, &mut cache) {
                Err(e) => push(e),
                Ok(doc) => {
                    text_bytes = text_bytes.saturating_add(doc.text_len());
                    if let Err(e) = check_document(&doc, &mut spans, &mut relations) {
                        push(e);
                    }
                }
            }
        }
        let schema_at = self.sections().iter().find(|s| s.kind == layout::SECTION_SCHEMA).map_or(0, |s| s.offset);
        let total = |what: String| Error::corrupt("schema", schema_at, what);
        if text_bytes != schema.text_bytes {
            push(total(format!("the schema counts {} text bytes; the documents hold {text_bytes}", schema.text_bytes)));
        }
        for (l, def) in schema.layers.iter().enumerate() {
            let (s, r) = (spans.get(l).copied(), relations.get(l).copied());
            if s != Some(def.spans) || r != Some(def.relations) {
                push(total(format!(
                    "layer {:?} counts {} spans and {} relations; the documents hold {} and {}",
                    def.name,
                    def.spans,
                    def.relations,
                    s.unwrap_or(0),
                    r.unwrap_or(0)
                )));
            }
        }
    }

    fn check_id_index(&self, push: &mut impl FnMut(Error)) {
        let entries = match self.id_entries() {
            Ok(e) => e,
            Err(e) => return push(e),
        };
        let info = self.sections().iter().find(|s| s.kind == layout::SECTION_ID_INDEX).copied();
        let base = info.map_or(0, |s| s.offset);
        let at = |k: usize| base.saturating_add((k as u64).saturating_mul(layout::ID_ENTRY_LEN));
        let mut seen = vec![false; entries.len()];
        let mut previous: Option<(u64, u64)> = None;
        for (k, e) in entries.iter().enumerate() {
            let key = (e.hash.get(), e.doc.get());
            if previous.is_some_and(|p| p >= key) {
                push(Error::corrupt("id_index", at(k), "entries are not sorted by hash and document"));
            }
            previous = Some(key);
            let slot = usize::try_from(key.1).ok().and_then(|d| seen.get_mut(d));
            match slot {
                None => push(Error::corrupt("id_index", at(k), format!("document {} does not exist", key.1))),
                Some(true) => push(Error::corrupt("id_index", at(k), format!("document {} listed twice", key.1))),
                Some(slot) => {
                    *slot = true;
                    if let Ok(doc) = self.doc(key.1) {
                        if layout::id_hash(doc.id()) != key.0 {
                            push(Error::corrupt(
                                "id_index",
                                at(k),
                                format!("hash of document {} is not the hash of its id {:?}", key.1, doc.id()),
                            ));
                        }
                    }
                }
            }
        }
        // Equal hashes are where equal ids would hide: compare every pair
        // within each run of equal hashes (runs are tiny in practice).
        let mut run_start = 0;
        for k in 1..=entries.len() {
            let same = match (entries.get(k), entries.get(run_start)) {
                (Some(e), Some(first)) => e.hash.get() == first.hash.get(),
                _ => false,
            };
            if same {
                continue;
            }
            let run = entries.get(run_start..k).unwrap_or(&[]);
            for (x, a) in run.iter().enumerate() {
                for b in run.iter().skip(x.saturating_add(1)) {
                    if let (Ok(p), Ok(q)) = (self.doc(a.doc.get()), self.doc(b.doc.get())) {
                        if p.id() == q.id() {
                            push(Error::corrupt(
                                "id_index",
                                at(run_start),
                                format!("documents {} and {} share the id {:?}", p.index(), q.index(), p.id()),
                            ));
                        }
                    }
                }
            }
            run_start = k;
        }
    }
}

/// Checks one document's text, metadata and layers, adding its totals.
fn check_document(doc: &Doc<'_>, spans: &mut [u64], relations: &mut [u64]) -> crate::Result<()> {
    let text = doc.text()?;
    for item in doc.metadata() {
        item?.1.to_value()?;
    }
    for (l, layer) in doc.layers().enumerate() {
        let ix = doc.schema().layer_index(layer.name()).unwrap_or(l);
        if let Some(n) = spans.get_mut(ix) {
            *n = n.saturating_add(layer.len() as u64);
        }
        if let Some(n) = relations.get_mut(ix) {
            *n = n.saturating_add(layer.relation_count() as u64);
        }
        for i in 0..layer.len() {
            layer.text(i)?;
            layer.label(i)?;
            for (start, end) in layer.fragments(i)? {
                if text.get(start as usize..end as usize).is_none() {
                    return Err(Error::corrupt(
                        "docs",
                        doc.offset(),
                        format!(
                            "document {}, layer {:?}: fragment {start}..{end} of span {i} is not on \
                             character boundaries",
                            doc.index(),
                            layer.name()
                        ),
                    ));
                }
            }
        }
        // Every value in order: string ids in the dictionary and, in a
        // sparse attribute, span indices strictly increasing below the span
        // count and codes nonzero.
        for a in layer.attrs() {
            for v in a.values() {
                v?;
            }
        }
        for r in layer.relations() {
            r?;
        }
    }
    Ok(())
}
