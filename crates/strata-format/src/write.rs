//! The streaming writer: documents in, a strata file out, to any `io::Write`.

use rustc_hash::{FxHashMap, FxHashSet};
use std::io::{self, Write};

use zerocopy::IntoBytes;

mod build;
mod copy;
mod interner;

pub use self::build::{AttrId, BuiltDoc, DocBuilder, LayerId, Names, MAX_BUILDERS};
pub use self::copy::{ColumnCheck, CopyMap};
use self::interner::Interner;

use crate::bytes::{bits_for, packed_bytes, put_bytes, put_column, put_packed, put_varint, zigzag, Widths};
use crate::error::{Error, ErrorKind, Result};
use crate::layout::{self, BlockEntry, Footer, Header, IdEntry, SectionEntry};
use crate::model::{AttrType, AttrValue, Document, FieldType, Layer, Value};
use crate::schema::{AttrDef, FieldDef, LayerDef, Schema};

/// Default uncompressed size of a compressed block: big enough for zstd to
/// find repetition, small enough that reading one document stays cheap.
pub const DEFAULT_BLOCK_SIZE: usize = 256 * 1024;

/// Configures and builds a [`Writer`].
///
/// ```
/// # fn example() -> strata_format::Result<()> {
/// use strata_format::{Document, WriterBuilder};
/// let mut wtr = WriterBuilder::new().compression(Some(3)).build(Vec::new())?;
/// wtr.add(&Document::new("d1", "Hello."))?;
/// let bytes: Vec<u8> = wtr.finish()?;
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct WriterBuilder {
    compression: Option<i32>,
    block_size: usize,
    schema: Schema,
}

impl Default for WriterBuilder {
    fn default() -> WriterBuilder {
        WriterBuilder::new()
    }
}

impl WriterBuilder {
    /// An uncompressed writer with an empty schema.
    pub fn new() -> WriterBuilder {
        WriterBuilder { compression: None, block_size: DEFAULT_BLOCK_SIZE, schema: Schema::default() }
    }

    /// Stores document records in zstd blocks at this level (1 to 22), or
    /// uncompressed with `None`. Compressed files read through a block
    /// index; their text is not zero-copy.
    pub fn compression(&mut self, level: Option<i32>) -> &mut WriterBuilder {
        self.compression = level;
        self
    }

    /// The uncompressed size at which a compressed block is closed.
    pub fn block_size(&mut self, bytes: usize) -> &mut WriterBuilder {
        self.block_size = bytes.max(1);
        self
    }

    /// Starts from this schema: its fields, layers and attributes come first
    /// and in this order; its corpus metadata is kept. Totals are recomputed.
    pub fn schema(&mut self, schema: Schema) -> &mut WriterBuilder {
        self.schema = schema;
        self
    }

    /// Writes the header to `wtr` and returns the writer.
    ///
    /// # Errors
    /// When writing the header fails, or the schema declares a name twice.
    pub fn build<W: Write>(&self, wtr: W) -> Result<Writer<W>> {
        let mut schema = Schema { corpus_metadata: self.schema.corpus_metadata.clone(), ..Schema::default() };
        let mut field_ix = FxHashMap::default();
        for f in &self.schema.fields {
            declare_field(&mut schema, &mut field_ix, &f.name, f.ty)?;
        }
        let mut layer_ix = FxHashMap::default();
        for l in &self.schema.layers {
            declare_layer(&mut schema, &mut layer_ix, &l.name, &l.attrs)?;
        }
        let mut w = Writer {
            wtr: CountingWriter::new(wtr),
            compression: self.compression,
            // Compressed blocks get whole-byte columns: zstd finds more in
            // them than in bit streams, and the bytes saved on disk are
            // what a compressed file is for.
            widths: if self.compression.is_some() { Widths::Bytes } else { Widths::Tight },
            block_size: self.block_size,
            schema,
            field_ix,
            layer_ix,
            strings: Interner::new(),
            doc_offsets: Vec::new(),
            id_hashes: Vec::new(),
            ids_seen: FxHashSet::default(),
            column_check: ColumnCheck::new(),
            raw_len: 0,
            docs_start: 0,
            section_crc: crc32fast::Hasher::new(),
            block: Vec::new(),
            blocks: Vec::new(),
            record: Vec::new(),
            sections: Vec::new(),
            failed: false,
            built: Vec::new(),
        };
        let header = Header { magic: layout::MAGIC, version: layout::FORMAT_VERSION.into(), reserved: 0.into() };
        w.wtr.write_all(header.as_bytes())?;
        w.docs_start = w.wtr.pos;
        Ok(w)
    }
}

/// Writes a strata file to any `io::Write`, one document at a time, never
/// seeking.
///
/// Memory: the current document (or compressed block), the string
/// dictionary, the schema, and 32 bytes per document for the document and
/// id indexes, which can only be written once every document is known.
/// The dictionary holds each distinct string once, with 56 to 104 bytes of
/// table and index per string, and at most 2^32 - 2 distinct strings: past
/// that a writer panics (its table alone would take over 200 GB).
///
/// Dropping a writer without [`Writer::finish`] leaves a file without a
/// footer, which every reader rejects.
pub struct Writer<W: Write> {
    wtr: CountingWriter<W>,
    compression: Option<i32>,
    widths: Widths,
    block_size: usize,
    schema: Schema,
    field_ix: FxHashMap<String, usize>,
    layer_ix: FxHashMap<String, usize>,
    /// String dictionary: ids dense from 0 in order of first use, which is
    /// the order the dictionary section lists them in.
    strings: Interner,
    /// Offset of each record in the raw (uncompressed) record stream.
    doc_offsets: Vec<u64>,
    id_hashes: Vec<u64>,
    ids_seen: FxHashSet<u64>,
    raw_len: u64,
    docs_start: u64,
    section_crc: crc32fast::Hasher,
    /// Records of the open compressed block.
    block: Vec<u8>,
    /// (raw offset, frame offset) of each closed block.
    blocks: Vec<(u64, u64)>,
    record: Vec<u8>,
    sections: Vec<SectionEntry>,
    failed: bool,
    /// What [`Writer::add_built`] learned about the strings of each builder
    /// it follows, the one that handed over last at the end.
    built: Vec<build::Remap>,
    /// Buffers of the checks of stored documents.
    column_check: ColumnCheck,
}

impl<W: Write> Writer<W> {
    /// The schema so far: declared, plus what the documents added.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Number of documents written.
    pub fn len(&self) -> u64 {
        self.doc_offsets.len() as u64
    }

    /// Whether no document was written yet.
    pub fn is_empty(&self) -> bool {
        self.doc_offsets.is_empty()
    }

    /// Adds a metadata field to the schema (a no-op when it exists with the
    /// same type).
    ///
    /// # Errors
    /// When the field exists with another type.
    pub fn declare_field(&mut self, name: &str, ty: FieldType) -> Result<()> {
        declare_field(&mut self.schema, &mut self.field_ix, name, ty).map(|_| ())
    }

    /// Adds a layer, or attributes of an existing layer, to the schema.
    ///
    /// # Errors
    /// When an attribute exists with another type.
    pub fn declare_layer(&mut self, name: &str, attrs: &[AttrDef]) -> Result<()> {
        declare_layer(&mut self.schema, &mut self.layer_ix, name, attrs).map(|_| ())
    }

    /// Sets a corpus metadata value, replacing an earlier one of that name.
    pub fn set_corpus_metadata(&mut self, name: &str, value: Value) {
        match self.schema.corpus_metadata.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.schema.corpus_metadata.push((name.to_string(), value)),
        }
    }

    /// Whether a document with this id was added. Like the check in
    /// [`Writer::add`], it compares 64-bit hashes of ids.
    pub fn contains_id(&self, id: &str) -> bool {
        self.ids_seen.contains(&layout::id_hash(id))
    }

    /// Appends a document and returns its number.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidDocument`] when the document breaks a rule of the
    /// data model (a duplicate id, a span outside the text or not on a
    /// character boundary, a relation to a missing span, a type that
    /// disagrees with the schema, a name given twice). Nothing of it is
    /// written and the writer goes on. Any other error is an I/O failure
    /// and leaves the writer unusable.
    pub fn add(&mut self, doc: &Document) -> Result<u64> {
        self.ensure_usable()?;
        let hash = layout::id_hash(&doc.id);
        self.check(doc, hash)?;
        self.append(hash, |w, record| {
            w.encode(doc, record);
            Ok(())
        })
    }

    /// An error once a write has failed: the output is then incomplete.
    fn ensure_usable(&self) -> Result<()> {
        if self.failed {
            return Err(Error::from(ErrorKind::Io(io::Error::other(
                "an earlier write failed; this writer cannot go on",
            ))));
        }
        Ok(())
    }

    /// Encodes a checked document with `encode` into the reused record
    /// buffer, writes the record and notes its id. A failure leaves the
    /// writer unusable: part of the document may be in the dictionary or
    /// the output.
    fn append(&mut self, hash: u64, encode: impl FnOnce(&mut Self, &mut Vec<u8>) -> Result<()>) -> Result<u64> {
        let mut record = std::mem::take(&mut self.record);
        record.clear();
        let result = encode(self, &mut record).and_then(|()| self.put_record(&record));
        self.record = record;
        if let Err(e) = result {
            self.failed = true;
            return Err(e);
        }
        self.ids_seen.insert(hash);
        self.id_hashes.push(hash);
        Ok(self.len() - 1)
    }

    /// Checks every rule of the data model without changing anything.
    fn check(&self, doc: &Document, hash: u64) -> Result<()> {
        let bad = |what: String| Err(Error::invalid_document(&doc.id, what));
        if doc.id.is_empty() {
            return bad("the id is empty".into());
        }
        if self.ids_seen.contains(&hash) {
            // Only hashes are kept, to keep memory small: a different id with
            // the same 64-bit hash (odds ~n²/2^65) is refused too.
            return bad("the id is already in the corpus".into());
        }
        let mut new_fields: FxHashMap<&str, FieldType> = FxHashMap::default();
        for (i, (name, value)) in doc.metadata.iter().enumerate() {
            if doc.metadata[..i].iter().any(|(n, _)| n == name) {
                return bad(format!("metadata field {name:?} given twice"));
            }
            let known = match self.field_ix.get(name.as_str()) {
                Some(&ix) => Some(self.schema.fields[ix].ty),
                None => new_fields.get(name.as_str()).copied(),
            };
            if let Some(ty) = known.filter(|&ty| ty != value.field_type()) {
                return bad(format!(
                    "metadata field {name:?} is a {} in this corpus, not a {}",
                    ty.name(),
                    value.field_type().name()
                ));
            }
            new_fields.insert(name, value.field_type());
        }
        let text_len = doc.text.len() as u64;
        let on_boundary = |at: u64| at <= text_len && doc.text.is_char_boundary(at as usize);
        for (i, layer) in doc.layers.iter().enumerate() {
            let name = &layer.name;
            if name.is_empty() {
                return bad("a layer has an empty name".into());
            }
            if doc.layers[..i].iter().any(|l| &l.name == name) {
                return bad(format!("layer {name:?} given twice"));
            }
            let schema_layer = self.layer_ix.get(name).map(|&ix| &self.schema.layers[ix]);
            // Attributes this document brings that the schema lacks; a few
            // names, so a list beats hashing a name per span.
            let mut new_attrs: Vec<(&str, AttrType)> = Vec::new();
            for (s, span) in layer.spans.iter().enumerate() {
                let pieces = std::iter::once((span.start, span.end)).chain(span.fragments.iter().copied());
                for (start, end) in pieces {
                    if start > end || !on_boundary(start) || !on_boundary(end) {
                        return bad(format!(
                            "span {s} of layer {name:?} ({start}..{end}) is not a range of \
                             character boundaries inside the {text_len}-byte text"
                        ));
                    }
                }
                if span.fragments.len() == 1 {
                    return bad(format!("span {s} of layer {name:?} has one fragment; a continuous span has none"));
                }
                for (a, (attr, value)) in span.attrs.iter().enumerate() {
                    if span.attrs[..a].iter().any(|(n, _)| n == attr) {
                        return bad(format!("span {s} of layer {name:?} gives {attr:?} twice"));
                    }
                    let known = match schema_layer.and_then(|l| l.attr_index(attr)) {
                        Some(ix) => schema_layer.map(|l| l.attrs[ix].ty),
                        None => new_attrs.iter().find(|(n, _)| n == attr).map(|&(_, ty)| ty),
                    };
                    if let Some(ty) = known.filter(|&ty| ty != value.attr_type()) {
                        return bad(format!(
                            "attribute {attr:?} of layer {name:?} is a {} in this corpus, not a {}",
                            ty.name(),
                            value.attr_type().name()
                        ));
                    }
                    if known.is_none() {
                        new_attrs.push((attr, value.attr_type()));
                    }
                }
            }
            let n = layer.spans.len() as u64;
            for (r, rel) in layer.relations.iter().enumerate() {
                if rel.from >= n || rel.to >= n {
                    return bad(format!(
                        "relation {r} of layer {name:?} joins spans {} and {}, but the layer has \
                         {n} spans",
                        rel.from, rel.to
                    ));
                }
            }
        }
        Ok(())
    }

    fn intern(&mut self, s: &str) -> u64 {
        u64::from(self.strings.intern_str(s))
    }

    /// Label or string value to its stored form: 0 for none, id + 1.
    fn label_code(&mut self, label: Option<&str>) -> u64 {
        label.map_or(0, |s| self.intern(s) + 1)
    }

    /// Encodes a checked document as a record (spec/FORMAT.md, "Document
    /// record"), growing the schema and dictionary as needed.
    fn encode(&mut self, doc: &Document, out: &mut Vec<u8>) {
        put_bytes(out, doc.id.as_bytes());
        put_bytes(out, doc.text.as_bytes());
        self.schema.text_bytes += doc.text.len() as u64;
        self.encode_metadata(&doc.metadata, out);

        let mut layers: Vec<(usize, &Layer)> = Vec::new();
        for layer in doc.layers.iter().filter(|l| !l.spans.is_empty()) {
            let ix = declare_layer(&mut self.schema, &mut self.layer_ix, &layer.name, &[]).unwrap_or_default();
            layers.push((ix, layer));
        }
        layers.sort_by_key(|&(ix, _)| ix);
        put_varint(out, layers.len() as u64);
        for (ix, layer) in layers {
            self.encode_layer(ix, layer, out);
        }
    }

    /// The metadata of a checked document, growing the schema as needed.
    fn encode_metadata(&mut self, metadata: &[(String, Value)], out: &mut Vec<u8>) {
        let mut meta: Vec<(usize, &Value)> = Vec::with_capacity(metadata.len());
        for (name, value) in metadata {
            // `check` made sure the types agree, so this cannot fail.
            let ix = declare_field(&mut self.schema, &mut self.field_ix, name, value.field_type()).unwrap_or_default();
            meta.push((ix, value));
        }
        meta.sort_by_key(|&(ix, _)| ix);
        put_varint(out, meta.len() as u64);
        for (ix, value) in meta {
            put_varint(out, ix as u64);
            match value {
                Value::Date(d) => {
                    put_varint(out, u64::from(d.year()));
                    out.push(d.month());
                    out.push(d.day());
                }
                Value::Int(i) => put_varint(out, zigzag(*i)),
                Value::Str(s) => put_bytes(out, s.as_bytes()),
                Value::List(items) => {
                    put_varint(out, items.len() as u64);
                    for s in items {
                        put_bytes(out, s.as_bytes());
                    }
                }
            }
        }
    }

    fn encode_layer(&mut self, ix: usize, layer: &Layer, out: &mut Vec<u8>) {
        let spans = &layer.spans;
        put_varint(out, ix as u64);
        put_varint(out, spans.len() as u64);
        put_extents(out, spans.iter().map(|s| (s.start, s.end)), self.widths);
        let labels: Vec<u64> = spans.iter().map(|s| self.label_code(s.label.as_deref())).collect();
        put_column(out, labels.iter().copied(), self.widths);

        if spans.iter().any(|s| !s.fragments.is_empty()) {
            out.push(1);
            let mut ends = Vec::with_capacity(spans.len() + 1);
            ends.push(0u64);
            let mut total = 0u64;
            for s in spans {
                total += s.fragments.len() as u64;
                ends.push(total);
            }
            put_column(out, ends.iter().copied(), self.widths);
            put_varint(out, total);
            put_extents(out, spans.iter().flat_map(|s| s.fragments.iter().copied()), self.widths);
        } else {
            out.push(0);
        }

        // Attributes: one column per attribute any span of this layer has,
        // in schema order. Each name is resolved once per layer, not once
        // per span: a token layer has millions of cells.
        let mut names: Vec<(&str, usize)> = Vec::new();
        let mut columns: Vec<(usize, AttrColumn)> = Vec::new();
        for (s, span) in spans.iter().enumerate() {
            for (name, value) in &span.attrs {
                let slot = match names.iter().position(|(n, _)| n == name) {
                    Some(slot) => slot,
                    None => {
                        let def = [AttrDef { name: name.clone(), ty: value.attr_type() }];
                        // `check` made sure the types agree.
                        declare_layer(&mut self.schema, &mut self.layer_ix, &layer.name, &def).unwrap_or_default();
                        let a = self.schema.layers[ix].attr_index(name).unwrap_or_default();
                        names.push((name, a));
                        let column = match value {
                            AttrValue::Str(_) => AttrColumn::Str(vec![None; spans.len()]),
                            AttrValue::Int(_) => AttrColumn::Int(vec![None; spans.len()]),
                        };
                        columns.push((a, column));
                        names.len() - 1
                    }
                };
                match (&mut columns[slot].1, value) {
                    (AttrColumn::Str(strs), AttrValue::Str(v)) => strs[s] = Some(v.as_str()),
                    (AttrColumn::Int(values), AttrValue::Int(v)) => values[s] = Some(*v),
                    _ => {}
                }
            }
        }
        columns.sort_unstable_by_key(|(a, _)| *a);
        put_varint(out, columns.len() as u64);
        for (a, column) in columns {
            put_varint(out, a as u64);
            match column {
                AttrColumn::Str(strs) => {
                    // Interned column by column, in schema order: string ids
                    // follow the order spec/FORMAT.md gives writers.
                    let mut values = Vec::new();
                    for (s, v) in strs.iter().enumerate() {
                        if let Some(v) = v {
                            values.push((s as u64, self.intern(v) + 1));
                        }
                    }
                    put_str_attr(out, spans.len(), &values, self.widths);
                }
                AttrColumn::Int(values) => put_int_attr(out, &values, self.widths),
            }
        }

        let rels = &layer.relations;
        put_varint(out, rels.len() as u64);
        if !rels.is_empty() {
            put_relations(out, rels.iter().map(|r| (r.from, r.to)), self.widths);
            let labels: Vec<u64> = rels.iter().map(|r| self.label_code(r.label.as_deref())).collect();
            put_column(out, labels.iter().copied(), self.widths);
        }
        let def = &mut self.schema.layers[ix];
        def.spans += spans.len() as u64;
        def.relations += rels.len() as u64;
    }

    fn put_record(&mut self, record: &[u8]) -> Result<()> {
        self.doc_offsets.push(self.raw_len);
        self.raw_len += record.len() as u64;
        match self.compression {
            None => self.put_section_bytes(record),
            Some(_) => {
                if self.block.is_empty() {
                    self.blocks.push((self.doc_offsets[self.doc_offsets.len() - 1], 0));
                }
                self.block.extend_from_slice(record);
                if self.block.len() >= self.block_size {
                    self.close_block()?;
                }
                Ok(())
            }
        }
    }

    fn close_block(&mut self) -> Result<()> {
        if self.block.is_empty() {
            return Ok(());
        }
        let level = self.compression.unwrap_or(3);
        // Like bytes together: every column of every record of the block
        // in one run each (spec/FORMAT.md, "Columnar blocks").
        let streams = crate::columnar::split(&self.block, &self.schema)?;
        let frame = zstd::bulk::compress(&streams, level)?;
        let frame_offset = self.wtr.pos - self.docs_start;
        if let Some(last) = self.blocks.last_mut() {
            last.1 = frame_offset;
        }
        self.block.clear();
        self.put_section_bytes(&frame)
    }

    fn put_section_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.section_crc.update(bytes);
        self.wtr.write_all(bytes)?;
        Ok(())
    }

    /// Closes the section that started at `start`, then pads to the next
    /// section boundary.
    fn end_section(&mut self, kind: u32, flags: u32, start: u64) -> Result<()> {
        let crc = std::mem::take(&mut self.section_crc).finalize();
        self.sections.push(SectionEntry {
            kind: kind.into(),
            flags: flags.into(),
            offset: start.into(),
            len: (self.wtr.pos - start).into(),
            crc: crc.into(),
            reserved: 0.into(),
        });
        let pad = self.wtr.pos.next_multiple_of(layout::SECTION_ALIGN) - self.wtr.pos;
        self.wtr.write_all(&[0u8; 8][..pad as usize])?;
        Ok(())
    }

    fn section(&mut self, kind: u32, body: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        let start = self.wtr.pos;
        body(self)?;
        self.end_section(kind, 0, start)
    }

    /// Writes the indexes, dictionary, schema, directory and footer, flushes,
    /// and returns the inner writer.
    ///
    /// # Errors
    /// When writing fails; the output is then incomplete and unreadable.
    pub fn finish(mut self) -> Result<W> {
        if self.failed {
            return Err(Error::from(ErrorKind::Io(io::Error::other(
                "an earlier write failed; the output is incomplete",
            ))));
        }
        self.close_block()?;
        let flags = if self.compression.is_some() { layout::SECTION_FLAG_ZSTD } else { 0 };
        let docs_start = self.docs_start;
        let docs_len = self.wtr.pos - docs_start;
        self.end_section(layout::SECTION_DOCS, flags, docs_start)?;

        let offsets = std::mem::take(&mut self.doc_offsets);
        let raw_len = self.raw_len;
        self.section(layout::SECTION_DOC_INDEX, |w| {
            for off in offsets.iter().copied().chain([raw_len]) {
                w.put_section_bytes(&off.to_le_bytes())?;
            }
            Ok(())
        })?;
        if self.compression.is_some() {
            let blocks = std::mem::take(&mut self.blocks);
            self.section(layout::SECTION_BLOCKS, |w| {
                for (raw, frame) in blocks.into_iter().chain([(raw_len, docs_len)]) {
                    let entry = BlockEntry { raw_offset: raw.into(), frame_offset: frame.into() };
                    w.put_section_bytes(entry.as_bytes())?;
                }
                Ok(())
            })?;
        }
        drop(offsets);

        let mut ids: Vec<(u64, u64)> =
            std::mem::take(&mut self.id_hashes).into_iter().enumerate().map(|(doc, hash)| (hash, doc as u64)).collect();
        ids.sort_unstable();
        self.section(layout::SECTION_ID_INDEX, |w| {
            for (hash, doc) in ids {
                let entry = IdEntry { hash: hash.into(), doc: doc.into() };
                w.put_section_bytes(entry.as_bytes())?;
            }
            Ok(())
        })?;

        // Ids are given in order of first use, which is the arena's order.
        let strings = std::mem::replace(&mut self.strings, Interner::new());
        let mut dictionary = (strings.len() as u64).to_le_bytes().to_vec();
        let ends = std::iter::once(0).chain(strings.ends().iter().map(|&e| e as u64));
        put_column(&mut dictionary, ends, Widths::Tight);
        dictionary.extend_from_slice(strings.arena().as_bytes());
        drop(strings);
        let start = self.wtr.pos;
        match self.compression {
            None => {
                self.put_section_bytes(&dictionary)?;
                self.end_section(layout::SECTION_STRINGS, 0, start)?;
            }
            // Lemmas and feature strings compress about 2.7 to 1 (EWT).
            Some(level) => {
                let frame = zstd::bulk::compress(&dictionary, level)?;
                self.put_section_bytes(&(dictionary.len() as u64).to_le_bytes())?;
                self.put_section_bytes(&frame)?;
                self.end_section(layout::SECTION_STRINGS, layout::SECTION_FLAG_ZSTD, start)?;
            }
        }

        let schema = self.schema.encode();
        self.section(layout::SECTION_SCHEMA, |w| w.put_section_bytes(&schema))?;

        let directory_offset = self.wtr.pos;
        let sections = std::mem::take(&mut self.sections);
        for entry in &sections {
            self.wtr.write_all(entry.as_bytes())?;
        }
        let footer = Footer {
            directory_offset: directory_offset.into(),
            directory_len: (sections.len() as u32).into(),
            file_crc: self.wtr.crc.clone().finalize().into(),
            file_len: (self.wtr.pos + layout::FOOTER_LEN).into(),
            magic: layout::MAGIC,
        };
        self.wtr.write_all(footer.as_bytes())?;
        self.wtr.inner.flush()?;
        Ok(self.wtr.inner)
    }
}

/// The starts (a `column1`) and lengths of spans or fragments, each given
/// as `(start, end)` with `start <= end` (spec/FORMAT.md, "Layer block").
pub(crate) fn put_extents<I>(out: &mut Vec<u8>, extents: I, widths: Widths)
where
    I: Iterator<Item = (u64, u64)> + Clone,
{
    put_pair_columns(out, extents.map(|(start, end)| (start, end.saturating_sub(start))), widths);
}

/// Two columns of the pairs `(a, b)`, the first at least 1 bit wide: as
/// `put_column_min(a, 1)` then `put_column(b)`, with one pass to find both
/// widths (a pass costs more than the few instructions each value needs).
fn put_pair_columns<I>(out: &mut Vec<u8>, pairs: I, widths: Widths)
where
    I: Iterator<Item = (u64, u64)> + Clone,
{
    let (max_a, max_b, n) =
        pairs.clone().fold((0, 0, 0usize), |(ma, mb, n), (a, b)| (ma.max(a), mb.max(b), n.saturating_add(1)));
    put_packed(out, pairs.clone().map(|(a, _)| a), n, widths.round(bits_for(max_a).max(1)));
    put_packed(out, pairs.map(|(_, b)| b), n, widths.round(bits_for(max_b)));
}

/// The `from` (a `column1`) and `to` columns of relations given as
/// `(from, to)`: `zigzag(from - to)` and `zigzag(to - r)`, so that a tree
/// listed in word order takes a few bits per value. Span indices are below
/// the span count, a `usize`, so the i64 differences cannot overflow.
pub(crate) fn put_relations<I>(out: &mut Vec<u8>, rels: I, widths: Widths)
where
    I: Iterator<Item = (u64, u64)> + Clone,
{
    let columns = rels.enumerate().map(|(r, (from, to))| {
        (zigzag((from as i64).wrapping_sub(to as i64)), zigzag((to as i64).wrapping_sub(r as i64)))
    });
    put_pair_columns(out, columns, widths);
}

/// A string attribute block after its index, for a layer of `n` spans:
/// `values` are the (span index, nonzero code) of the spans that have a
/// value, in span order. Dense or sparse, whichever takes fewer bytes; dense
/// on a tie.
pub(crate) fn put_str_attr(out: &mut Vec<u8>, n: usize, values: &[(u64, u64)], widths: Widths) {
    let code_bits = widths.round(bits_for(values.iter().map(|&(_, c)| c).max().unwrap_or(0)));
    let k = values.len() as u64;
    // Spans increase, so the last is the largest.
    let index_bits = widths.round(bits_for(values.last().map_or(0, |&(i, _)| i)).max(1));
    let column = |len: u64, bits: u8| 1 + packed_bytes(len, bits).unwrap_or(u64::MAX / 4);
    let dense = column(n as u64, code_bits);
    let sparse = varint_len(k) + column(k, index_bits) + column(k, code_bits);
    let codes = values.iter().map(|&(_, c)| c);
    if k > 0 && sparse < dense {
        out.push(layout::STR_ATTR_SPARSE);
        put_varint(out, k);
        put_packed(out, values.iter().map(|&(i, _)| i), values.len(), index_bits);
        put_packed(out, codes, values.len(), code_bits);
    } else if values.len() == n {
        // Every span has a value.
        out.push(layout::STR_ATTR_DENSE);
        put_packed(out, codes, n, code_bits);
    } else {
        out.push(layout::STR_ATTR_DENSE);
        put_packed(out, Dense { values, next: 0, n: n as u64 }, n, code_bits);
    }
}

/// The codes of every span, 0 where `values` (increasing spans) has none.
#[derive(Clone)]
struct Dense<'a> {
    values: &'a [(u64, u64)],
    next: u64,
    n: u64,
}

impl Iterator for Dense<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.next == self.n {
            return None;
        }
        let code = match self.values.first() {
            Some(&(span, code)) if span == self.next => {
                self.values = &self.values[1..];
                code
            }
            _ => 0,
        };
        self.next += 1;
        Some(code)
    }
}

/// An int attribute block after its index: the value of each span, if any.
pub(crate) fn put_int_attr(out: &mut Vec<u8>, values: &[Option<i64>], widths: Widths) {
    if values.iter().all(Option::is_some) {
        out.push(0);
    } else {
        out.push(1);
        let mut bitmap = vec![0u8; values.len().div_ceil(8)];
        for (s, v) in values.iter().enumerate() {
            if v.is_some() {
                bitmap[s / 8] |= 1 << (s % 8);
            }
        }
        out.extend_from_slice(&bitmap);
    }
    let base = values.iter().flatten().copied().min().unwrap_or(0);
    put_varint(out, zigzag(base));
    put_column(out, values.iter().map(|v| v.map_or(0, |v| (v as u64).wrapping_sub(base as u64))), widths);
}

/// The bytes of `v` as a varint.
fn varint_len(v: u64) -> u64 {
    u64::from((64 - v.leading_zeros()).div_ceil(7).max(1))
}

fn declare_field(
    schema: &mut Schema,
    index: &mut FxHashMap<String, usize>,
    name: &str,
    ty: FieldType,
) -> Result<usize> {
    if let Some(&ix) = index.get(name) {
        let have = schema.fields[ix].ty;
        if have != ty {
            return Err(Error::from(ErrorKind::InvalidDocument {
                id: String::new(),
                what: format!("field {name:?} is a {}, not a {}", have.name(), ty.name()),
            }));
        }
        return Ok(ix);
    }
    schema.fields.push(FieldDef { name: name.to_string(), ty });
    index.insert(name.to_string(), schema.fields.len() - 1);
    Ok(schema.fields.len() - 1)
}

fn declare_layer(
    schema: &mut Schema,
    index: &mut FxHashMap<String, usize>,
    name: &str,
    attrs: &[AttrDef],
) -> Result<usize> {
    let ix = match index.get(name) {
        Some(&ix) => ix,
        None => {
            schema.layers.push(LayerDef { name: name.to_string(), attrs: Vec::new(), spans: 0, relations: 0 });
            index.insert(name.to_string(), schema.layers.len() - 1);
            schema.layers.len() - 1
        }
    };
    let layer = &mut schema.layers[ix];
    for attr in attrs {
        match layer.attr_index(&attr.name) {
            Some(a) if layer.attrs[a].ty != attr.ty => {
                return Err(Error::from(ErrorKind::InvalidDocument {
                    id: String::new(),
                    what: format!(
                        "attribute {:?} of layer {name:?} is a {}, not a {}",
                        attr.name,
                        layer.attrs[a].ty.name(),
                        attr.ty.name()
                    ),
                }))
            }
            Some(_) => {}
            None => layer.attrs.push(attr.clone()),
        }
    }
    Ok(ix)
}

/// The values of one attribute for the spans of a layer.
enum AttrColumn<'a> {
    Str(Vec<Option<&'a str>>),
    Int(Vec<Option<i64>>),
}

/// Counts the bytes written and keeps the whole-file checksum.
struct CountingWriter<W> {
    inner: W,
    pos: u64,
    crc: crc32fast::Hasher,
}

impl<W: Write> CountingWriter<W> {
    fn new(inner: W) -> CountingWriter<W> {
        CountingWriter { inner, pos: 0, crc: crc32fast::Hasher::new() }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)?;
        self.crc.update(bytes);
        self.pos += bytes.len() as u64;
        Ok(())
    }
}
