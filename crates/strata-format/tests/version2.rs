//! What format version 2 changed: span lengths, relation deltas, dense or
//! sparse string attributes; and version 1 files still read.

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
    // n spans, k values, 1-byte codes and indices: dense is 1 + n bytes,
    // sparse 1 + 1 + k + 1 + k (encoding byte apart).
    for (n, has, sparse) in [
        (20, vec![7], true),
        (5, vec![1], true),
        (4, vec![1], false), // 5 bytes either way: a tie is dense
        (6, vec![0, 1, 2, 3, 4, 5], false),
        (300, vec![0, 299], true), // 2-byte indices: 3 + 2 * 2 + 2 < 301
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
fn a_tree_in_word_order_takes_a_byte_per_relation_value() {
    // Heads at most 60 words away, dependents in word order: every delta
    // fits in a byte, though the span indices need two.
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
    // The `from` column of `far` needs 2 bytes per value: 999 more record
    // bytes, less at most 7 of section padding.
    assert!(far.len() >= near.len() + 992, "{} vs {}", near.len(), far.len());
    assert!(Corpus::from_bytes(&near[..]).unwrap().validate().is_empty());
}

#[test]
fn a_length_that_overflows_is_reported() {
    // The writer's record, `01 'd' | L text | 00 | 01 | 00 01 | 01 s | 01 l
    // | 00 | 00 | 00 | 00`, patched to 8-byte starts and lengths with a text
    // 14 bytes shorter, so the record keeps its length.
    let mut doc = Document::new("d", "a".repeat(40));
    let mut layer = Layer::new("tok");
    layer.spans.push(Span::new(0, 1));
    doc.layers.push(layer);
    let mut bytes = write(&[doc]);
    let mut record = vec![1, b'd', 26];
    record.extend_from_slice(&[b'a'; 26]);
    record.extend_from_slice(&[0, 1, 0, 1]);
    record.push(8);
    record.extend_from_slice(&(u64::MAX - 1).to_le_bytes());
    record.push(8);
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
    let found = problems(&bytes);
    assert!(found.iter().any(|p| p.contains("is outside the 26-byte text")), "{found:?}");
}

#[test]
fn damaged_sparse_attributes_are_reported() {
    // 10 spans, `x` on spans 3 and 7 only: stored sparse as `01` (sparse),
    // `02` (k), index `01 03 07`, codes `01 c c`.
    let doc = tokens(10, |i| i == 3 || i == 7);
    let bytes = write(&[doc]);
    let at = bytes.windows(5).position(|w| w == [1, 2, 1, 3, 7]).expect("a sparse block") + 2;
    for (patch, why) in [
        (vec![(at + 1, 7), (at + 2, 3)], "not above the entry before"),
        (vec![(at + 2, 3)], "not above the entry before"),
        (vec![(at + 2, 10)], "below the 10 spans"),
        (vec![(at + 4, 0)], "code 0"),
        (vec![(at + 4, 99)], "past the"),
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
    }
}

/// The golden vectors of version 1, written by the version 1 writer, read
/// and validate, and give the same documents as the version 2 vectors
/// written from the same source.
#[test]
fn version_1_vectors_still_read() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/vectors");
    let read = |name: &str| Corpus::from_bytes(std::fs::read(dir.join(name)).unwrap()).unwrap();
    for (old, new) in [
        ("basic-v1.strata", "basic.strata"),
        ("compressed-v1.strata", "basic.strata"),
        ("sparse-v1.strata", "sparse.strata"),
    ] {
        let (old, new) = (read(old), read(new));
        assert_eq!((old.version(), new.version()), (1, 2));
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
