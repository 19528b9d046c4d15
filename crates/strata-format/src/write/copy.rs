//! Copying documents from another corpus column by column: what `strata
//! merge` does instead of decoding every span into owned strings.
//!
//! A copied document is encoded exactly as [`Writer::add`] would encode
//! `doc.to_owned()`: the same checks, the same record bytes, the same order
//! of first use for the dictionary. Only string ids change (a source id is
//! looked up once per corpus, then remapped through a table), so a merged
//! file is identical to one written from the owned documents.

use std::io::Write;

use super::{declare_field, declare_layer, put_extents, put_relations, put_str_attr, Writer};
use crate::bytes::{put_bytes, put_column, put_varint, zigzag};
use crate::error::{Error, Result};
use crate::layout;
use crate::model::FieldType;
use crate::read::{AttrAt, AttrRef, Doc, LayerRef, SpanRef, Strings, ValueRef};
use crate::schema::AttrDef;

/// What a [`Writer`] has learned about one source corpus while copying from
/// it: the writer's id for each source string id seen so far.
///
/// Use one map per source corpus, for all the documents copied from it; a
/// map used with another corpus would remap strings wrongly.
#[derive(Debug, Default)]
pub struct CopyMap {
    /// Source string id to writer string id + 1; 0 while not yet seen.
    strings: Vec<u64>,
}

impl CopyMap {
    /// A map for a corpus not yet copied from.
    pub fn new() -> CopyMap {
        CopyMap::default()
    }
}

impl<W: Write> Writer<W> {
    /// Appends a document of another corpus and returns its number, without
    /// decoding its spans and attributes into owned values.
    ///
    /// The result is the same as `add(&doc.to_owned()?)`, byte for byte,
    /// when the writer's schema already declares the source's fields, layers
    /// and attributes (declare them with [`crate::WriterBuilder::schema`]):
    /// new names are otherwise declared in the source's schema order, which
    /// can differ from the order `add` meets them in.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidDocument`](crate::ErrorKind::InvalidDocument) as for [`Writer::add`] (a duplicate
    /// id, a type that disagrees with the schema); nothing is written and
    /// the writer goes on. A corruption error when the source document is
    /// damaged: when found before anything is written the writer goes on,
    /// otherwise (a damaged string dictionary) it is unusable, as after an
    /// I/O error.
    pub fn add_copy(&mut self, doc: &Doc<'_>, map: &mut CopyMap) -> Result<u64> {
        self.ensure_usable()?;
        let hash = layout::id_hash(doc.id());
        self.check_copy(doc, hash)?;
        self.append(hash, |w, record| w.encode_copy(doc, map, record))
    }

    /// Checks a stored document as [`Writer::add_copy`] would and counts
    /// its id as in the corpus, writing nothing: for an output that writes
    /// the document itself (a CoNLL-U export straight from the reader) and
    /// keeps a writer to check what it writes.
    ///
    /// # Errors
    /// As [`Writer::add_copy`]; the id is then not counted.
    pub fn check_stored(&mut self, doc: &Doc<'_>) -> Result<()> {
        self.ensure_usable()?;
        let hash = layout::id_hash(doc.id());
        self.check_copy(doc, hash)?;
        self.ids_seen.insert(hash);
        Ok(())
    }

    /// [`Writer::check_stored`] of a document that passed
    /// [`ColumnCheck::check`] already: only the checks against what this
    /// writer has taken (the id, the types the schema gives names), which
    /// are cheap and must run in document order. The costly checks of the
    /// document alone can so run on other threads, as a parallel export
    /// does.
    ///
    /// # Errors
    /// As [`Writer::check_stored`], but a document whose columns are not
    /// whole may pass: run [`ColumnCheck::check`] on it first.
    pub fn check_stored_names(&mut self, doc: &Doc<'_>) -> Result<()> {
        self.ensure_usable()?;
        let hash = layout::id_hash(doc.id());
        self.check_copy_names(doc, hash)?;
        self.ids_seen.insert(hash);
        Ok(())
    }

    /// The checks of `Writer::check`, on a borrowed document, plus the
    /// checks that the source's columns are whole.
    fn check_copy(&mut self, doc: &Doc<'_>, hash: u64) -> Result<()> {
        self.check_copy_names(doc, hash)?;
        self.column_check.check(doc)
    }

    /// The checks of `check_copy` that depend on what the writer has taken:
    /// the id, and the types of metadata fields and attributes.
    fn check_copy_names(&self, doc: &Doc<'_>, hash: u64) -> Result<()> {
        let bad = |what: String| Err(Error::invalid_document(doc.id(), what));
        if self.ids_seen.contains(&hash) {
            return bad("the id is already in the corpus".into());
        }
        for item in doc.metadata() {
            let (name, value) = item?;
            let ty = value_type(&value);
            if let Some(known) = self.field_ix.get(name).map(|&ix| self.schema.fields[ix].ty) {
                if known != ty {
                    return bad(format!(
                        "metadata field {name:?} is a {} in this corpus, not a {}",
                        known.name(),
                        ty.name()
                    ));
                }
            }
        }
        for layer in doc.layers() {
            let name = layer.name();
            let known = self.layer_ix.get(name).map(|&ix| &self.schema.layers[ix]);
            for attr in layer.attrs() {
                let ty = known.and_then(|l| l.attr_index(attr.name())).and_then(|a| known.map(|l| l.attrs[a].ty));
                if let Some(ty) = ty.filter(|&ty| ty != attr.ty()) {
                    return bad(format!(
                        "attribute {:?} of layer {name:?} is a {} in this corpus, not a {}",
                        attr.name(),
                        ty.name(),
                        attr.ty().name()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The writer's string id + 1 for source string id `code - 1` (0 for
    /// none), interning it on first use.
    fn remap(&mut self, map: &mut CopyMap, strings: &Strings<'_>, code: u64) -> Result<u64> {
        if code == 0 {
            return Ok(0);
        }
        let source = code - 1;
        let slot = usize::try_from(source).unwrap_or(usize::MAX);
        if let Some(&mapped) = map.strings.get(slot).filter(|&&m| m != 0) {
            return Ok(mapped);
        }
        // `get` fails for an id past the dictionary, so the table grows
        // only up to the dictionary's size, never past the file's.
        let s = strings.get(source)?;
        let mapped = self.intern(s) + 1;
        if map.strings.len() <= slot {
            map.strings.resize(slot + 1, 0);
        }
        map.strings[slot] = mapped;
        Ok(mapped)
    }

    fn remap_column(
        &mut self,
        map: &mut CopyMap,
        strings: &Strings<'_>,
        codes: impl Iterator<Item = u64>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let codes = codes.map(|c| self.remap(map, strings, c)).collect::<Result<Vec<u64>>>()?;
        put_column(out, codes.iter().copied(), self.widths);
        Ok(())
    }

    /// `Writer::encode`, reading columns instead of owned spans.
    fn encode_copy(&mut self, doc: &Doc<'_>, map: &mut CopyMap, out: &mut Vec<u8>) -> Result<()> {
        put_bytes(out, doc.id().as_bytes());
        put_bytes(out, doc.text_bytes());
        self.schema.text_bytes += doc.text_len();

        let mut meta = Vec::new();
        for item in doc.metadata() {
            let (name, value) = item?;
            let ix = declare_field(&mut self.schema, &mut self.field_ix, name, value_type(&value)).unwrap_or_default();
            meta.push((ix, value));
        }
        meta.sort_by_key(|(ix, _)| *ix);
        put_varint(out, meta.len() as u64);
        for (ix, value) in meta {
            put_varint(out, ix as u64);
            match value {
                ValueRef::Date(d) => {
                    put_varint(out, u64::from(d.year()));
                    out.push(d.month());
                    out.push(d.day());
                }
                ValueRef::Int(i) => put_varint(out, zigzag(i)),
                ValueRef::Str(s) => put_bytes(out, s.as_bytes()),
                ValueRef::List(items) => {
                    let items = items.collect::<Result<Vec<&str>>>()?;
                    put_varint(out, items.len() as u64);
                    for s in items {
                        put_bytes(out, s.as_bytes());
                    }
                }
            }
        }

        let mut layers: Vec<(usize, LayerRef<'_>)> = Vec::new();
        for layer in doc.layers() {
            // Only the attributes this document has, as `encode` declares.
            let defs: Vec<AttrDef> =
                layer.attrs().map(|a| AttrDef { name: a.name().to_string(), ty: a.ty() }).collect();
            let ix = declare_layer(&mut self.schema, &mut self.layer_ix, layer.name(), &defs).unwrap_or_default();
            layers.push((ix, layer));
        }
        layers.sort_by_key(|(ix, _)| *ix);
        put_varint(out, layers.len() as u64);
        let strings = doc.strings();
        for (ix, layer) in layers {
            self.encode_layer_copy(ix, &layer, &strings, map, out)?;
        }
        Ok(())
    }

    fn encode_layer_copy(
        &mut self,
        ix: usize,
        layer: &LayerRef<'_>,
        strings: &Strings<'_>,
        map: &mut CopyMap,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let at = layer.at();
        let d = layer.doc();
        let n = at.spans;
        put_varint(out, ix as u64);
        put_varint(out, n as u64);
        // `check_copy` made sure that every span and fragment ends, after
        // its start.
        let extent = |s: Option<SpanRef>| s.map_or((0, 0), |s| (s.start, s.end));
        put_extents(out, layer.span_columns().iter().map(extent), self.widths);
        self.remap_column(map, strings, d.column(at.labels).iter(), out)?;

        match layer.fragment_columns() {
            None => out.push(0),
            Some((offsets, frags)) => {
                out.push(1);
                put_column(out, offsets.iter(), self.widths);
                put_varint(out, frags.len() as u64);
                put_extents(out, frags.iter().map(extent), self.widths);
            }
        }

        // Attribute blocks in the writer's attribute order, as `encode`
        // writes (and interns) them.
        let def = &self.schema.layers[ix];
        let mut attrs: Vec<(usize, AttrRef<'_>)> = Vec::with_capacity(at.attrs.len());
        for attr in layer.attrs() {
            attrs.push((def.attr_index(attr.name()).unwrap_or_default(), attr));
        }
        attrs.sort_by_key(|(a, _)| *a);
        put_varint(out, attrs.len() as u64);
        for (a, attr) in attrs {
            put_varint(out, a as u64);
            match attr.at() {
                AttrAt::Str { .. } => {
                    // Remapped in span order, as `encode` interns them.
                    let mut values = Vec::new();
                    let mut codes = attr.values();
                    while let Some(item) = codes.next_code() {
                        let (i, code) = item?;
                        values.push((i as u64, self.remap(map, strings, code)?));
                    }
                    put_str_attr(out, n, &values, self.widths);
                }
                AttrAt::Int { present, base, values } => {
                    match present {
                        None => out.push(0),
                        Some(bits) => {
                            out.push(1);
                            out.extend_from_slice(d.record_bytes(bits.clone()));
                        }
                    }
                    put_varint(out, zigzag(*base));
                    put_column(out, d.column(*values).iter(), self.widths);
                }
            }
        }

        let rels = layer.relation_count();
        put_varint(out, rels as u64);
        if let Some((_, _, labels)) = at.relations {
            let ends = (0..rels).map(|r| layer.relation_ends(r)).collect::<Result<Vec<(u64, u64)>>>()?;
            put_relations(out, ends.iter().copied(), self.widths);
            self.remap_column(map, strings, d.column(labels).iter(), out)?;
        }
        let def = &mut self.schema.layers[ix];
        def.spans += n as u64;
        def.relations += rels as u64;
        Ok(())
    }
}

fn value_type(v: &ValueRef<'_>) -> FieldType {
    match v {
        ValueRef::Date(_) => FieldType::Date,
        ValueRef::Int(_) => FieldType::Int,
        ValueRef::Str(_) => FieldType::Str,
        ValueRef::List(_) => FieldType::List,
    }
}

fn corrupt(layer: &LayerRef<'_>, what: String) -> Error {
    let doc = layer.doc();
    Error::corrupt(
        layout::section_name(layout::SECTION_DOCS),
        doc.offset(),
        format!("document {}, layer {:?}: {what}", doc.index(), layer.name()),
    )
}

/// The checks of [`Writer::check_stored`] that depend on the document alone:
/// that its columns are whole (every code, index and relation in range) and
/// that every span and fragment is a range of character boundaries inside
/// the text. Any thread can run them; [`Writer::check_stored_names`] then
/// does the rest.
///
/// Keep one per thread and check every document with it: its buffers are
/// reused from one document to the next.
#[derive(Debug, Default)]
pub struct ColumnCheck {
    extents: Vec<(u64, u64)>,
    rels: Vec<(usize, usize, u64)>,
    codes: Vec<u64>,
    scratch: Vec<u64>,
}

impl ColumnCheck {
    /// A check with empty buffers.
    pub fn new() -> ColumnCheck {
        ColumnCheck::default()
    }

    /// Checks `doc`.
    ///
    /// # Errors
    /// As [`Writer::check_stored`], for what does not depend on the writer.
    pub fn check(&mut self, doc: &Doc<'_>) -> Result<()> {
        let ColumnCheck { extents, rels, codes, scratch } = self;
        let bad = |what: String| Err(Error::invalid_document(doc.id(), what));
        let text = doc.text()?;
        let text_len = text.len() as u64;
        let on_boundary = |at: u64| at <= text_len && text.is_char_boundary(at as usize);
        // Whole columns first (read/batch.rs): in ASCII text every offset is
        // a character boundary. The span-by-span loops below run only to
        // word a problem.
        let ascii = text.is_ascii();
        for layer in doc.layers() {
            let name = layer.name();
            if name.is_empty() {
                return bad("a layer has an empty name".into());
            }
            // An end that overflows (a damaged version 2 length) reads as
            // u64::MAX, which no text reaches.
            let spans = layer.span_columns();
            let whole = layer.extents_into(extents, scratch).is_ok()
                && (ascii || extents.iter().all(|&(start, end)| on_boundary(start) && on_boundary(end)));
            for s in (0..spans.len()).filter(|_| !whole) {
                let (start, end) = (spans.start(s).unwrap_or(0), spans.end(s).unwrap_or(u64::MAX));
                if start > end || !on_boundary(start) || !on_boundary(end) {
                    return bad(format!(
                        "span {s} of layer {name:?} ({start}..{end}) is not a range of character \
                         boundaries inside the {text_len}-byte text"
                    ));
                }
            }
            if let Some((offsets, frags)) = layer.fragment_columns() {
                let mut prev = 0;
                for (s, next) in offsets.iter().skip(1).enumerate() {
                    if next < prev || next > frags.len() as u64 {
                        return Err(corrupt(&layer, format!("fragments of span {s} are out of range")));
                    }
                    if next - prev == 1 {
                        return bad(format!("span {s} of layer {name:?} has one fragment; a continuous span has none"));
                    }
                    prev = next;
                }
                if offsets.get(0) != Some(0) || prev != frags.len() as u64 {
                    return Err(corrupt(&layer, "the fragment table does not cover the fragments".into()));
                }
                for f in 0..frags.len() {
                    let (start, end) = (frags.start(f).unwrap_or(0), frags.end(f).unwrap_or(u64::MAX));
                    if start > end || !on_boundary(start) || !on_boundary(end) {
                        return bad(format!("fragment {f} of layer {name:?} ({start}..{end}) is not inside the text"));
                    }
                }
            }
            // Checks the ends against the span count (labels are checked
            // when they are copied).
            layer.relation_ends_into(rels, scratch)?;
            // Checks sparse indices and codes before anything is interned (a
            // dense column has nothing to check but its codes, checked then).
            for attr in layer.attrs().filter(|a| a.is_sparse_str()) {
                attr.codes_into(codes, scratch)?;
            }
        }
        Ok(())
    }
}
