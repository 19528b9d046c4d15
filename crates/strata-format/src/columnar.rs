//! Columnar blocks (spec/FORMAT.md, "Columnar blocks"): before a version 3
//! writer compresses a block, it regroups the block's records so that like
//! bytes sit together, and a reader puts them back after decompressing.
//!
//! A record interleaves a little structure (varints, flags, widths), the
//! text, and the values of many small columns. zstd finds far more in one
//! long run of every document's `upos` codes than in the same codes cut
//! into pieces between texts and other columns. So [`split`] walks the
//! records and appends each byte to one *stream*: the structure, the text,
//! or the column it belongs to, keyed by layer and column slot. [`join`]
//! walks the same grammar the other way, taking each byte from its stream,
//! and rebuilds the records byte for byte. Span starts are also stored as
//! the gap after the previous span's end (mod 2^bits, the same width), so a
//! token layer's starts become a stream of zeros and ones.
//!
//! One walker ([`walk`]) serves both directions through the [`Route`]
//! trait, so the grammar is written once.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::arithmetic_side_effects))]

use std::collections::BTreeMap;
use std::ops::Range;

use crate::bytes::{packed_bytes, put_column_min, put_varint, ByteReader, Column, Widths};
use crate::error::{Error, Result};
use crate::model::{AttrType, FieldType};
use crate::schema::Schema;

const SECTION: &str = "docs";

/// The column slots of a layer block. Attribute `a` has slots
/// `ATTR + 3a` (dense codes or int deltas), `ATTR + 3a + 1` (sparse index
/// or int bitmap) and `ATTR + 3a + 2` (sparse codes).
mod slot {
    pub const STARTS: u64 = 0;
    pub const LENGTHS: u64 = 1;
    pub const LABELS: u64 = 2;
    pub const FRAG_ENDS: u64 = 3;
    pub const FRAG_STARTS: u64 = 4;
    pub const FRAG_LENGTHS: u64 = 5;
    pub const REL_FROM: u64 = 6;
    pub const REL_TO: u64 = 7;
    pub const REL_LABELS: u64 = 8;
    pub const ATTR: u64 = 9;
}

/// The stream a byte of a record belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Structure,
    Text,
    Column { layer: u64, slot: u64 },
}

fn col(layer: u64, slot: u64) -> Class {
    Class::Column { layer, slot }
}

/// Moves bytes from a source to a destination, class by class.
trait Route {
    /// Moves the next `n` bytes of class `c`; returns where they now are
    /// in [`Route::dest`]`(c)`.
    fn take(&mut self, c: Class, n: u64) -> Result<Range<usize>>;
    /// The destination buffer of class `c`.
    fn dest(&mut self, c: Class) -> &mut Vec<u8>;
    /// Whether the records are all there: the source is used up
    /// (splitting), or the output has its expected size (joining).
    fn done(&self) -> bool;
    /// Whether the destination holds gaps that become starts (joining),
    /// not starts that become gaps (splitting).
    fn joining(&self) -> bool;
}

/// Splits a block's records (version 3) into streams: the bytes that
/// [`join`] turns back into the same records.
pub(crate) fn split(records: &[u8], schema: &Schema) -> Result<Vec<u8>> {
    let mut s = Splitter { src: records, pos: 0, structure: Vec::new(), text: Vec::new(), streams: BTreeMap::new() };
    walk(&mut s, schema)?;
    let (mut structure, text) = (s.structure, s.text);
    let mut out = Vec::with_capacity(records.len().saturating_add(64));
    put_varint(&mut out, s.streams.len() as u64);
    for (class, bytes) in &s.streams {
        if let Class::Column { layer, slot } = class {
            put_varint(&mut out, *layer);
            put_varint(&mut out, *slot);
            put_varint(&mut out, bytes.len() as u64);
        }
    }
    put_varint(&mut out, structure.len() as u64);
    put_varint(&mut out, text.len() as u64);
    out.append(&mut structure);
    out.extend_from_slice(&text);
    for bytes in s.streams.values() {
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

/// Rebuilds the `expected` bytes of records from the streams of a block
/// that [`split`] made. `base` is the file offset errors name.
pub(crate) fn join(block: &[u8], schema: &Schema, expected: u64, base: u64) -> Result<Vec<u8>> {
    let mut r = ByteReader::new(block, base, SECTION);
    let count = r.count(3)?;
    let mut heads = Vec::with_capacity(count);
    for _ in 0..count {
        let at = r.offset();
        let (layer, slot, len) = (r.varint()?, r.varint()?, r.varint()?);
        if heads.last().is_some_and(|&(c, _)| c >= col(layer, slot)) {
            return Err(r.corrupt_at(at, "columnar block streams are not in order"));
        }
        heads.push((col(layer, slot), len));
    }
    let (structure, text) = (r.varint()?, r.varint()?);
    let (structure, text) = ((r.take(structure)?, 0usize), (r.take(text)?, 0usize));
    let mut streams = BTreeMap::new();
    for (class, len) in heads {
        streams.insert(class, (r.take(len)?, 0usize));
    }
    if !r.is_at_end() {
        return Err(r.corrupt("bytes after the last stream of a columnar block"));
    }
    let expected = usize::try_from(expected).map_err(|_| r.corrupt("block size exceeds the address space"))?;
    let out = Vec::with_capacity(expected.min(block.len().saturating_mul(2)));
    let mut j = Joiner { structure, text, streams, out, expected, base };
    walk(&mut j, schema)?;
    let used_up = |(bytes, pos): &(&[u8], usize)| *pos == bytes.len();
    if j.out.len() != expected || !used_up(&j.structure) || !used_up(&j.text) || !j.streams.values().all(used_up) {
        return Err(Error::corrupt(SECTION, base, "a columnar block's streams do not make its records exactly"));
    }
    Ok(j.out)
}

/// The most bytes the stream table of a block can add to its records: a
/// bound on the decompressed size a reader accepts.
pub(crate) fn max_overhead(schema: &Schema) -> u64 {
    let slots = schema
        .layers
        .iter()
        .map(|l| slot::ATTR.saturating_add(3u64.saturating_mul(l.attrs.len() as u64)))
        .fold(0u64, u64::saturating_add);
    // Three varints of at most 10 bytes per column stream, two lengths and
    // the count.
    slots.saturating_mul(30).saturating_add(30)
}

struct Splitter<'a> {
    src: &'a [u8],
    pos: usize,
    // Structure and text apart from the map: they are taken a few bytes
    // at a time, far more often than any column.
    structure: Vec<u8>,
    text: Vec<u8>,
    streams: BTreeMap<Class, Vec<u8>>,
}

impl Route for Splitter<'_> {
    fn take(&mut self, c: Class, n: u64) -> Result<Range<usize>> {
        let bytes = usize::try_from(n)
            .ok()
            .and_then(|n| self.src.get(self.pos..self.pos.checked_add(n)?))
            .ok_or_else(|| Error::truncated(SECTION, self.pos as u64, n))?;
        self.pos = self.pos.saturating_add(bytes.len());
        let dest = self.dest(c);
        let at = dest.len();
        dest.extend_from_slice(bytes);
        Ok(at..dest.len())
    }

    fn dest(&mut self, c: Class) -> &mut Vec<u8> {
        match c {
            Class::Structure => &mut self.structure,
            Class::Text => &mut self.text,
            Class::Column { .. } => self.streams.entry(c).or_default(),
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn joining(&self) -> bool {
        false
    }
}

struct Joiner<'a> {
    structure: (&'a [u8], usize),
    text: (&'a [u8], usize),
    streams: BTreeMap<Class, (&'a [u8], usize)>,
    out: Vec<u8>,
    expected: usize,
    base: u64,
}

impl Route for Joiner<'_> {
    fn take(&mut self, c: Class, n: u64) -> Result<Range<usize>> {
        let base = self.base;
        let (bytes, pos) = match c {
            Class::Structure => &mut self.structure,
            Class::Text => &mut self.text,
            Class::Column { .. } => self
                .streams
                .get_mut(&c)
                .ok_or_else(|| Error::corrupt(SECTION, base, format!("a columnar block has no stream for {c:?}")))?,
        };
        let got = usize::try_from(n)
            .ok()
            .and_then(|n| bytes.get(*pos..pos.checked_add(n)?))
            .filter(|got| got.len() <= self.expected.saturating_sub(self.out.len()))
            .ok_or_else(|| Error::corrupt(SECTION, base, format!("the {c:?} stream of a columnar block ends early")))?;
        *pos = pos.saturating_add(got.len());
        let at = self.out.len();
        self.out.extend_from_slice(got);
        Ok(at..self.out.len())
    }

    fn dest(&mut self, _: Class) -> &mut Vec<u8> {
        &mut self.out
    }

    fn done(&self) -> bool {
        self.out.len() >= self.expected
    }

    fn joining(&self) -> bool {
        true
    }
}

fn byte(io: &mut impl Route, c: Class) -> Result<u8> {
    let at = io.take(c, 1)?;
    Ok(io.dest(c).get(at.start).copied().unwrap_or(0))
}

fn varint(io: &mut impl Route) -> Result<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = byte(io, Class::Structure)?;
        v |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(Error::corrupt(SECTION, 0, "varint longer than 10 bytes in a columnar block"))
}

/// A packed column of `len` values: the width byte is structure, the values
/// go to `c`. Returns the width and where the values landed.
fn column(io: &mut impl Route, c: Class, len: u64) -> Result<(u8, Range<usize>)> {
    let bits = byte(io, Class::Structure)?;
    if bits > 64 {
        return Err(Error::corrupt(SECTION, 0, format!("column width {bits} in a columnar block")));
    }
    let n = packed_bytes(len, bits).ok_or_else(|| Error::corrupt(SECTION, 0, "column size overflows"))?;
    Ok((bits, io.take(c, n)?))
}

/// Rewrites span (or fragment) starts as gaps after the previous span's
/// end, or gaps back as starts, in place and in the same width.
fn gaps(io: &mut impl Route, starts: (u8, Range<usize>, Class), lengths: (u8, Range<usize>, Class), n: u64) {
    let (bits, range, class) = starts;
    if bits == 0 || n == 0 {
        return;
    }
    let n = usize::try_from(n).unwrap_or(0);
    let joining = io.joining();
    let mut lens = Vec::new();
    Column::from_parts(lengths.0, n, io.dest(lengths.2).get(lengths.1).unwrap_or(&[])).unpack_into(&mut lens);
    let dest = io.dest(class);
    let Some(stored) = dest.get_mut(range) else {
        return;
    };
    let mut values = Vec::new();
    Column::from_parts(bits, n, stored).unpack_into(&mut values);
    let mask = u64::MAX >> 64u32.wrapping_sub(u32::from(bits));
    let mut end = 0u64;
    for (v, len) in values.iter_mut().zip(&lens) {
        let start = if joining { v.wrapping_add(end) & mask } else { *v };
        *v = if joining { start } else { v.wrapping_sub(end) & mask };
        end = start.wrapping_add(*len);
    }
    let mut packed = Vec::with_capacity(stored.len().saturating_add(1));
    put_column_min(&mut packed, values, bits, Widths::Tight);
    if let Some(p) = packed.get(1..).filter(|p| p.len() == stored.len()) {
        stored.copy_from_slice(p);
    }
}

/// Walks records in the version 3 grammar (spec/FORMAT.md section 4),
/// moving every byte through `io`.
fn walk(io: &mut impl Route, schema: &Schema) -> Result<()> {
    let unknown = |what: String| Error::corrupt(SECTION, 0, format!("{what} in a columnar block"));
    while !io.done() {
        let n = varint(io)?;
        io.take(Class::Structure, n)?;
        let n = varint(io)?;
        io.take(Class::Text, n)?;
        for _ in 0..varint(io)? {
            let f = varint(io)?;
            let ty = usize::try_from(f).ok().and_then(|f| schema.fields.get(f)).map(|d| d.ty);
            match ty.ok_or_else(|| unknown(format!("metadata field {f}")))? {
                FieldType::Date => {
                    varint(io)?;
                    io.take(Class::Structure, 2)?;
                }
                FieldType::Int => {
                    varint(io)?;
                }
                FieldType::Str => {
                    let n = varint(io)?;
                    io.take(Class::Structure, n)?;
                }
                FieldType::List => {
                    for _ in 0..varint(io)? {
                        let n = varint(io)?;
                        io.take(Class::Structure, n)?;
                    }
                }
            }
        }
        for _ in 0..varint(io)? {
            let l = varint(io)?;
            let def = usize::try_from(l).ok().and_then(|l| schema.layers.get(l));
            let def = def.ok_or_else(|| unknown(format!("layer {l}")))?;
            let n = varint(io)?;
            let (s, l_) = (col(l, slot::STARTS), col(l, slot::LENGTHS));
            let (sb, sr) = column(io, s, n)?;
            let (lb, lr) = column(io, l_, n)?;
            gaps(io, (sb, sr, s), (lb, lr, l_), n);
            column(io, col(l, slot::LABELS), n)?;
            match byte(io, Class::Structure)? {
                0 => {}
                1 => {
                    column(io, col(l, slot::FRAG_ENDS), n.saturating_add(1))?;
                    let m = varint(io)?;
                    let (s, l_) = (col(l, slot::FRAG_STARTS), col(l, slot::FRAG_LENGTHS));
                    let (sb, sr) = column(io, s, m)?;
                    let (lb, lr) = column(io, l_, m)?;
                    gaps(io, (sb, sr, s), (lb, lr, l_), m);
                }
                b => return Err(unknown(format!("fragment flag {b}"))),
            }
            for _ in 0..varint(io)? {
                let a = varint(io)?;
                let ty = usize::try_from(a).ok().and_then(|a| def.attrs.get(a)).map(|d| d.ty);
                let first = a.saturating_mul(3).saturating_add(slot::ATTR);
                match ty.ok_or_else(|| unknown(format!("attribute {a}")))? {
                    AttrType::Str => match byte(io, Class::Structure)? {
                        0 => {
                            column(io, col(l, first), n)?;
                        }
                        1 => {
                            let k = varint(io)?;
                            column(io, col(l, first.saturating_add(1)), k)?;
                            column(io, col(l, first.saturating_add(2)), k)?;
                        }
                        b => return Err(unknown(format!("string attribute encoding {b}"))),
                    },
                    AttrType::Int => {
                        match byte(io, Class::Structure)? {
                            0 => {}
                            1 => {
                                io.take(col(l, first.saturating_add(1)), n.div_ceil(8))?;
                            }
                            b => return Err(unknown(format!("presence flag {b}"))),
                        }
                        varint(io)?;
                        column(io, col(l, first), n)?;
                    }
                }
            }
            let rels = varint(io)?;
            if rels > 0 {
                column(io, col(l, slot::REL_FROM), rels)?;
                column(io, col(l, slot::REL_TO), rels)?;
                column(io, col(l, slot::REL_LABELS), rels)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttrValue, Date, Document, Layer, Relation, Span, Value};
    use crate::write::WriterBuilder;
    use crate::Corpus;

    /// Records as the writer makes them, and its schema: two documents
    /// with every kind of field, fragments, dense, sparse and int
    /// attributes, and relations.
    fn records() -> (Vec<u8>, Schema) {
        let mut docs = Vec::new();
        for d in 0..2u64 {
            let text = "The cat sat on the mat. It purred.";
            let mut doc = Document::new(format!("d{d}"), text);
            doc.metadata.push(("date".into(), Value::Date(Date::new(2024, 2, 29).unwrap())));
            doc.metadata.push(("n".into(), Value::Int(-7)));
            doc.metadata.push(("src".into(), Value::Str("wire".into())));
            doc.metadata.push(("tags".into(), Value::List(vec!["a".into(), "b".into()])));
            let mut tok = Layer::new("token");
            let mut start = 0;
            for (i, w) in text.split(' ').enumerate() {
                let mut span = Span::new(start, start + w.len() as u64).with_attr("upos", AttrValue::Str("X".into()));
                if i % 5 == d as usize {
                    span = span.with_attr("ner", AttrValue::Str("ORG".into()));
                }
                if i % 2 == 0 {
                    span = span.with_attr("n", AttrValue::Int(i as i64 - 3));
                }
                tok.spans.push(span);
                start += w.len() as u64 + 1;
            }
            for to in 1..tok.spans.len() as u64 {
                tok.relations.push(Relation { from: to - 1, to, label: Some("dep".into()) });
            }
            let mut ent = Layer::new("entity");
            let mut both = Span::new(4, 22).with_label("PAIR");
            both.fragments = vec![(4, 7), (19, 22)];
            ent.spans.push(both);
            doc.layers.push(tok);
            doc.layers.push(ent);
            docs.push(doc);
        }
        let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
        for doc in &docs {
            wtr.add(doc).unwrap();
        }
        let bytes = wtr.finish().unwrap();
        let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
        let docs = corpus.sections().iter().find(|s| s.name() == "docs").unwrap();
        let records = bytes[docs.offset as usize..(docs.offset + docs.len) as usize].to_vec();
        (records, corpus.schema().clone())
    }

    #[test]
    fn split_then_join_gives_the_records_back() {
        let (records, schema) = records();
        let streams = split(&records, &schema).unwrap();
        assert!(streams.len() as u64 <= records.len() as u64 + max_overhead(&schema));
        assert_eq!(join(&streams, &schema, records.len() as u64, 0).unwrap(), records);
        // A record cut short, or one byte too many, is an error.
        assert!(split(&records[..records.len() - 1], &schema).is_err());
        assert!(join(&streams, &schema, records.len() as u64 - 1, 0).is_err());
        assert!(join(&streams, &schema, records.len() as u64 + 1, 0).is_err());
    }

    #[test]
    fn token_starts_become_gaps_of_one() {
        let (records, schema) = records();
        let mut s =
            Splitter { src: &records, pos: 0, structure: Vec::new(), text: Vec::new(), streams: BTreeMap::new() };
        walk(&mut s, &schema).unwrap();
        let layer = schema.layer_index("token").unwrap() as u64;
        let starts = &s.streams[&col(layer, slot::STARTS)];
        // Two documents of eight tokens in 5-bit columns: the first start
        // is 0, every other one a space after the token before.
        let mut values = Vec::new();
        Column::from_parts(5, 8, &starts[..5]).unpack_into(&mut values);
        assert_eq!(starts.len(), 10);
        assert_eq!(values, [0, 1, 1, 1, 1, 1, 1, 1], "{starts:?}");
    }

    #[test]
    fn damaged_streams_are_errors_not_panics() {
        let (records, schema) = records();
        let streams = split(&records, &schema).unwrap();
        let expected = records.len() as u64;
        for i in 0..streams.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = streams.clone();
                bad[i] ^= flip;
                if let Ok(out) = join(&bad, &schema, expected, 0) {
                    assert_eq!(out.len() as u64, expected);
                }
            }
            assert!(join(&streams[..i], &schema, expected, 0).is_err());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_join_without_panicking(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300), expected in 0u64..400) {
            let (_, schema) = records();
            let _ = join(&bytes, &schema, expected, 0);
            let _ = split(&bytes, &schema);
        }
    }
}
