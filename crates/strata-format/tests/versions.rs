//! What format versions 2 and 3 changed: span lengths, relation deltas,
//! dense or sparse string attributes (2), columns packed in bits (3); and
//! files of older versions still read.

use strata_format::layout::{Footer, SectionEntry};
use strata_format::{AttrValue, AttrValueRef, Corpus, Document, ErrorKind, Layer, Relation, Span, WriterBuilder};
use zerocopy::{FromBytes, IntoBytes};

fn write(docs: &[Document]) -> Vec<u8> {
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    for d in docs {
        wtr.add(d).unwrap();
    }
    wtr.finish().unwrap()
}

/// A document with `n` one-byte tokens; token `i` has attribute `x` when
/// `has(i)`.
fn tokens(n: usize, has: impl Fn(usize) -> bool) -> Document {
    let mut doc = Document::new("d", "a".repeat(n));
    let mut layer = Layer::new("tok");
    for i in 0..n {
        let mut span = Span::new(i as u64, i as u64 + 1);
        if has(i) {
            span.attrs.push(("x".into(), AttrValue::Str(format!("v{}", i % 3))));
        }
        layer.spans.push(span);
    }
    doc.layers.push(layer);
    doc
}

/// Recomputes every checksum, so that a patch reaches the decoders.
fn fix_checksums(bytes: &mut [u8]) {
    let len = bytes.len();
    let footer = Footer::read_from_bytes(&bytes[len - 32..]).unwrap();
    let dir = footer.directory_offset.get() as usize;
    for k in 0..footer.directory_len.get() as usize {
        let at = dir + k * 32;
        let mut e = SectionEntry::read_from_bytes(&bytes[at..at + 32]).unwrap();
        let (off, l) = (e.offset.get() as usize, e.len.get() as usize);
        e.crc = crc32fast::hash(&bytes[off..off + l]).into();
        bytes[at..at + 32].copy_from_slice(e.as_bytes());
    }
    let crc = crc32fast::hash(&bytes[..len - 32]);
    bytes[len - 20..len - 16].copy_from_slice(&crc.to_le_bytes());
}

fn problems(bytes: &[u8]) -> Vec<String> {
    Corpus::from_bytes(bytes).unwrap().validate().iter().map(|e| e.to_string()).collect()
}

#[test]
fn the_writer_picks_the_smaller_of_dense_and_sparse() {
    // n spans, k values, c-bit codes, i-bit indices: dense is
    // 1 + ceil(n * c / 8) bytes, sparse 1 (k) + 1 + ceil(k * i / 8) + 1 +
    // ceil(k * c / 8), the encoding byte apart.
    for (n, has, sparse) in [
        (20, vec![7], false), // 1-bit codes: 4 bytes dense, 5 sparse
        (32, vec![5], false), // 5 bytes either way: a tie is dense
        (33, vec![5], true),  // 6 against 5
        (6, vec![0, 1, 2, 3, 4, 5], false),
        (300, vec![0, 299], true), // 2-bit codes, 9-bit indices: 76 against 7
        (10, vec![0, 2, 4, 6, 8], false),
    ] {
        let doc = tokens(n, |i| has.contains(&i));
        let bytes = write(std::slice::from_ref(&doc));
        let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
        assert!(corpus.validate().is_empty());
        let d = corpus.doc(0).unwrap();
        let layer = d.layer("tok").unwrap();
        let x = layer.attr("x").unwrap();
        assert_eq!(x.is_sparse(), sparse, "n {n}, values at {has:?}");
        for i in 0..n {
            let expected = has.contains(&i).then(|| format!("v{}", i % 3));
            let got = x.get(i).unwrap().map(|v| match v {
                AttrValueRef::Str(s) => s.to_string(),
                AttrValueRef::Int(_) => unreachable!(),
            });
            assert_eq!(got, expected, "span {i}");
        }
        let listed: Vec<usize> = x.values().map(|v| v.unwrap().0).collect();
        assert_eq!(listed, has);
        assert_eq!(x.get(n).unwrap(), None);
        assert_eq!(d.to_owned().unwrap(), doc);
    }
}

#[test]
fn relation_deltas_round_trip_in_both_directions() {
    let mut doc = tokens(300, |_| false);
    let layer = &mut doc.layers[0];
    for (from, to) in [(299, 0), (0, 299), (5, 4), (4, 5), (0, 0), (299, 299), (150, 2), (1, 298)] {
        layer.relations.push(Relation { from, to, label: None });
    }
    let bytes = write(std::slice::from_ref(&doc));
    let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
    assert!(corpus.validate().is_empty());
    assert_eq!(corpus.doc(0).unwrap().to_owned().unwrap(), doc);
}

#[test]
fn a_tree_in_word_order_takes_few_bits_per_relation_value() {
    // Heads at most 60 words away, dependents in word order: every `from`
    // delta fits in 7 bits and every `to` delta in 2, though the span
    // indices need 10.
    let mut doc = tokens(1000, |_| false);
    let layer = &mut doc.layers[0];
    for to in 1..1000u64 {
        layer.relations.push(Relation { from: to - to % 60, to, label: None });
    }
    let mut far = doc.clone();
    for r in &mut far.layers[0].relations {
        r.from = 999 - r.from;
    }
    let (near, far) = (write(&[doc]), write(&[far]));
    // The `from` column of `far` needs 11 bits per value: 1374 bytes
    // instead of 875, less at most 7 of section padding.
    assert!(far.len() >= near.len() + 492, "{} vs {}", near.len(), far.len());
    assert!(Corpus::from_bytes(&near[..]).unwrap().validate().is_empty());
}

#[test]
fn a_length_that_overflows_is_reported() {
    // The writer's record, `01 'd' | L text | 00 | 01 | 00 01 | 01 s | 01 l
    // | 00 | 00 | 00 | 00`, patched to 64-bit starts and lengths with a text
    // 14 bytes shorter, so the record keeps its length.
    let mut doc = Document::new("d", "a".repeat(40));
    let mut layer = Layer::new("tok");
    layer.spans.push(Span::new(0, 1));
    doc.layers.push(layer);
    let mut bytes = write(&[doc]);
    let mut record = vec![1, b'd', 26];
    record.extend_from_slice(&[b'a'; 26]);
    record.extend_from_slice(&[0, 1, 0, 1]);
    record.push(64);
    record.extend_from_slice(&(u64::MAX - 1).to_le_bytes());
    record.push(64);
    record.extend_from_slice(&5u64.to_le_bytes());
    record.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(record.len(), 40 + 15);
    assert_eq!(&bytes[16..19], &[1, b'd', 40]);
    bytes[16..16 + record.len()].copy_from_slice(&record);
    fix_checksums(&mut bytes);

    let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
    let doc = corpus.doc(0).unwrap();
    let layer = doc.layer("tok").unwrap();
    let err = layer.span(0).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Corrupt { offset: 16, .. }), "{err}");
    assert!(err.to_string().contains("18446744073709551614+5"), "{err}");
    assert_eq!(layer.span_columns().get(0), None);
    assert_eq!(layer.span_columns().start(0), Some(u64::MAX - 1));
    let err = layer.extents_into(&mut Vec::new(), &mut Vec::new()).unwrap_err();
    assert!(err.to_string().contains("not inside the 26-byte text"), "{err}");
    let found = problems(&bytes);
    assert!(found.iter().any(|p| p.contains("is outside the 26-byte text")), "{found:?}");
}

#[test]
fn damaged_sparse_attributes_are_reported() {
    // 40 spans, `x` on spans 3 and 37 only: stored sparse as `01`
    // (sparse), `02` (k), the index 3 and 37 in 6 bits (`06 43 09`: 3 |
    // 37 << 6), the codes 1 and 2 in 2 bits (`02 09`: 1 | 2 << 2).
    let doc = tokens(40, |i| i == 3 || i == 37);
    let bytes = write(&[doc]);
    let at = bytes.windows(5).position(|w| w == [1, 2, 6, 0x43, 0x09]).expect("a sparse block") + 2;
    assert_eq!(bytes[at + 3..at + 5], [2, 0x09]);
    for (patch, why) in [
        (vec![(at + 1, 0xe5), (at + 2, 0)], "not above the entry before"), // 37, 3
        (vec![(at + 1, 0xc3), (at + 2, 0)], "not above the entry before"), // 3, 3
        (vec![(at + 1, 0x03), (at + 2, 0x0a)], "below the 40 spans"),      // 3, 40
        (vec![(at + 4, 0x08)], "code 0"),                                  // 0, 2
        (vec![(at + 4, 0x0b)], "past the"),                                // 3, 2
        (vec![(at - 1, 0)], "sparse attribute has 0 values"),
        (vec![(at - 2, 2)], "string attribute encoding 2"),
    ] {
        let mut bad = bytes.clone();
        for &(i, b) in &patch {
            bad[i] = b;
        }
        fix_checksums(&mut bad);
        let found = problems(&bad);
        assert!(found.iter().any(|p| p.contains(why)), "{patch:?}: expected {why:?} in {found:?}");
        // The whole-column path reports the same damage (a code past the
        // dictionary is the string table's to find: it gives `None`).
        if let (Ok(doc), false) = (Corpus::from_bytes(&bad[..]).unwrap().doc(0), why == "past the") {
            let attr = doc.layer("tok").unwrap().attr("x").unwrap();
            let err = attr.codes_into(&mut Vec::new(), &mut Vec::new()).unwrap_err();
            assert!(err.to_string().contains(why), "{patch:?}: {err}");
        }
    }
}

/// The golden vectors of versions 1 and 2, written by the writers of their
/// time, read and validate, and give the same documents as the current
/// vectors written from the same source.
#[test]
fn older_vectors_still_read() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/vectors");
    let read = |name: &str| Corpus::from_bytes(std::fs::read(dir.join(name)).unwrap()).unwrap();
    for (old, new, version) in [
        ("basic-v1.strata", "basic.strata", 1),
        ("compressed-v1.strata", "basic.strata", 1),
        ("sparse-v1.strata", "sparse.strata", 1),
        ("basic-v2.strata", "basic.strata", 2),
        ("compressed-v2.strata", "compressed.strata", 2),
        ("sparse-v2.strata", "sparse.strata", 2),
    ] {
        let (old, new) = (read(old), read(new));
        assert_eq!((old.version(), new.version()), (version, 3));
        assert!(old.validate().is_empty(), "{:?}", old.validate());
        assert!(new.validate().is_empty(), "{:?}", new.validate());
        let docs = |c: &Corpus<Vec<u8>>| c.iter().map(|d| d.unwrap().to_owned().unwrap()).collect::<Vec<_>>();
        assert_eq!(docs(&old), docs(&new));
        // Copying a version 1 document writes what adding it writes.
        let mut copied = WriterBuilder::new();
        copied.schema(old.schema().clone());
        let mut copied = copied.build(Vec::new()).unwrap();
        let mut map = strata_format::CopyMap::new();
        for d in old.iter() {
            copied.add_copy(&d.unwrap(), &mut map).unwrap();
        }
        let mut added = WriterBuilder::new();
        added.schema(old.schema().clone());
        let mut added = added.build(Vec::new()).unwrap();
        for d in docs(&old) {
            added.add(&d).unwrap();
        }
        assert_eq!(copied.finish().unwrap(), added.finish().unwrap());
    }
    let sparse = read("sparse.strata");
    let doc = sparse.doc(0).unwrap();
    assert!(doc.layer("token").unwrap().attr("ent").unwrap().is_sparse());
}

/// Version 3 counts spans against the *bits* left: 1000 empty spans at 0
/// take a 1-bit start and a 0-bit length each, 126 bytes for 1000 spans,
/// and still read.
#[test]
fn a_thousand_spans_in_fewer_bytes_read() {
    let mut doc = Document::new("d", "abc");
    let mut layer = Layer::new("tok");
    layer.spans = vec![Span::new(0, 0); 1000];
    doc.layers.push(layer);
    let bytes = write(std::slice::from_ref(&doc));
    let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
    assert_eq!(corpus.version(), 3);
    assert!(corpus.validate().is_empty(), "{:?}", corpus.validate());
    let d = corpus.doc(0).unwrap();
    let starts = d.layer("tok").unwrap().span_columns().starts();
    assert_eq!((starts.bits(), starts.len()), (1, 1000));
    assert!(corpus.sections().iter().find(|s| s.name() == "docs").unwrap().len < 1000);
    assert_eq!(d.to_owned().unwrap(), doc);
}

/// Uncompressed files get the fewest bits; compressed ones whole bytes,
/// which zstd compresses better. Both read back the same.
#[test]
fn compressed_files_use_whole_byte_widths() {
    let doc = tokens(300, |i| i % 7 == 0);
    let tight = write(std::slice::from_ref(&doc));
    let mut wtr = WriterBuilder::new().compression(Some(3)).build(Vec::new()).unwrap();
    wtr.add(&doc).unwrap();
    let bytes = wtr.finish().unwrap();
    for (bytes, start_bits, length_bits) in [(tight, 9, 1), (bytes, 16, 8)] {
        let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
        assert!(corpus.validate().is_empty());
        let d = corpus.doc(0).unwrap();
        let spans = d.layer("tok").unwrap().span_columns();
        assert_eq!((spans.starts().bits(), spans.lengths().unwrap().bits()), (start_bits, length_bits));
        assert_eq!(d.to_owned().unwrap(), doc);
    }
}

/// A compressed dictionary (version 3) is decompressed on first use: a
/// damaged one does not stop the file from opening, and is reported by the
/// first read that needs it and by `validate`.
#[test]
fn a_damaged_compressed_dictionary_is_found_when_used() {
    let doc = tokens(50, |i| i % 3 == 0);
    let mut wtr = WriterBuilder::new().compression(Some(3)).build(Vec::new()).unwrap();
    wtr.add(&doc).unwrap();
    let good = wtr.finish().unwrap();
    let corpus = Corpus::from_bytes(&good[..]).unwrap();
    let strings = *corpus.sections().iter().find(|s| s.name() == "strings").unwrap();
    assert_eq!(strings.flags, 1, "the dictionary of a compressed file is compressed");
    assert_eq!(corpus.doc(0).unwrap().to_owned().unwrap(), doc);
    // The stated size, one more than the frame gives.
    let mut bad = good.clone();
    bad[strings.offset as usize] ^= 1;
    fix_checksums(&mut bad);
    let corpus = Corpus::from_bytes(&bad[..]).unwrap();
    let err = corpus.doc(0).err().unwrap();
    assert!(err.to_string().contains("strings"), "{err}");
    assert!(corpus.string_table().is_err());
    assert!(problems(&bad).iter().any(|p| p.contains("decompresses to")), "{:?}", problems(&bad));
}
