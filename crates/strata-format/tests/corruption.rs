//! Damaged and hostile files: every flipped byte is found, every truncation
//! is refused, and nothing panics.

use proptest::prelude::*;
use strata_format::layout::{self, Footer, SectionEntry};
use strata_format::{AttrValue, Corpus, Date, Document, ErrorKind, Layer, Relation, Span, Value, WriterBuilder};
use zerocopy::{FromBytes, IntoBytes};

fn sample_docs() -> Vec<Document> {
    let mut a = Document::new("kyiv", "Kyiv – Київ. Talks resume.");
    a.metadata.push(("date".into(), Value::Date(Date::new(2025, 4, 11).unwrap())));
    a.metadata.push(("topics".into(), Value::List(vec!["world".into(), "talks".into()])));
    let mut ent = Layer::new("entity");
    ent.spans.push(Span::new(0, 4).with_label("GPE").with_attr("rank", AttrValue::Int(-3)));
    ent.spans.push(Span::new(9, 17).with_label("GPE").with_attr("kb", AttrValue::Str("Q1899".into())));
    let mut disc = Span::new(0, 17).with_label("PAIR");
    disc.fragments = vec![(0, 4), (9, 17)];
    ent.spans.push(disc);
    ent.relations.push(Relation { from: 0, to: 1, label: Some("same_as".into()) });
    a.layers.push(ent);
    let mut b = Document::new("empty", "");
    b.metadata.push(("n".into(), Value::Int(7)));
    let mut c = Document::new("tokens", "The pier will reopen.");
    let mut tok = Layer::new("token");
    for (s, e) in [(0, 3), (4, 8), (9, 13), (14, 20), (20, 21)] {
        tok.spans.push(Span::new(s, e).with_attr("head", AttrValue::Int(1)));
    }
    // One lemma in five spans: stored sparse.
    tok.spans[3].attrs.push(("lemma".into(), AttrValue::Str("reopen".into())));
    tok.relations.push(Relation { from: 3, to: 1, label: Some("nsubj".into()) });
    c.layers.push(tok);
    vec![a, b, c]
}

fn sample(compression: Option<i32>) -> Vec<u8> {
    let mut b = WriterBuilder::new();
    b.compression(compression).block_size(40);
    let mut wtr = b.build(Vec::new()).unwrap();
    for d in sample_docs() {
        wtr.add(&d).unwrap();
    }
    wtr.finish().unwrap()
}

/// Reads everything a user could read, ignoring errors: must not panic.
fn visit_everything(bytes: &[u8]) -> bool {
    let Ok(corpus) = Corpus::from_bytes(bytes) else {
        return false;
    };
    let _ = corpus.verify();
    for doc in corpus.iter() {
        let Ok(doc) = doc else { continue };
        let _ = doc.to_owned();
        let _ = doc.text();
        for m in doc.metadata() {
            let _ = m.map(|(_, v)| v.to_value());
        }
        for layer in doc.layers() {
            for i in 0..layer.len() {
                let _ = (layer.span(i), layer.text(i), layer.label(i), layer.fragments(i));
                for a in layer.attrs() {
                    let _ = a.get(i);
                }
            }
            for r in layer.relations() {
                let _ = r;
            }
        }
    }
    let _ = corpus.by_id("kyiv");
    let _ = corpus.by_id("tokens");
    true
}

/// Recomputes every checksum, so that damage reaches the decoders instead
/// of stopping at `verify`.
fn fix_checksums(bytes: &mut [u8]) {
    let len = bytes.len();
    let Ok(footer) = Footer::read_from_bytes(&bytes[len - 32..]) else {
        return;
    };
    let dir = footer.directory_offset.get() as usize;
    let count = footer.directory_len.get() as usize;
    if dir.checked_add(count * 32) != Some(len - 32) {
        return;
    }
    for k in 0..count {
        let at = dir + k * 32;
        let mut e = SectionEntry::read_from_bytes(&bytes[at..at + 32]).unwrap();
        let (off, l) = (e.offset.get() as usize, e.len.get() as usize);
        if let Some(data) = off.checked_add(l).filter(|&end| end <= dir).map(|end| &bytes[off..end]) {
            e.crc = crc32fast::hash(data).into();
            bytes[at..at + 32].copy_from_slice(e.as_bytes());
        }
    }
    let crc = crc32fast::hash(&bytes[..len - 32]);
    bytes[len - 20..len - 16].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn sample_is_valid() {
    for c in [None, Some(3)] {
        let corpus = Corpus::from_bytes(sample(c)).unwrap();
        assert!(corpus.validate().is_empty());
        assert_eq!(corpus.iter().map(|d| d.unwrap().to_owned().unwrap()).collect::<Vec<_>>(), sample_docs());
    }
}

#[test]
fn every_flipped_byte_is_reported() {
    for compression in [None, Some(3)] {
        let bytes = sample(compression);
        for i in 0..bytes.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut bad = bytes.clone();
                bad[i] ^= mask;
                visit_everything(&bad);
                if let Ok(corpus) = Corpus::from_bytes(&bad[..]) {
                    assert!(!corpus.validate().is_empty(), "flip {mask:#x} at byte {i} went unnoticed");
                }
            }
        }
    }
}

#[test]
fn damage_behind_fixed_checksums_never_panics() {
    for compression in [None, Some(3)] {
        let bytes = sample(compression);
        for i in 0..bytes.len() - 32 {
            for value in [0x00u8, 0x01, 0x7f, 0x80, 0xff, bytes[i].wrapping_add(1)] {
                let mut bad = bytes.clone();
                bad[i] = value;
                fix_checksums(&mut bad);
                if visit_everything(&bad) {
                    // The checksums match, so anything caught is structural.
                    let _ = Corpus::from_bytes(&bad[..]).unwrap().validate();
                }
            }
        }
    }
}

#[test]
fn every_truncation_is_refused() {
    for compression in [None, Some(3)] {
        let bytes = sample(compression);
        for len in 0..bytes.len() {
            assert!(Corpus::from_bytes(&bytes[..len]).is_err(), "truncated to {len} bytes was accepted");
        }
    }
}

#[test]
fn wrong_magic_names_its_offset() {
    let mut bytes = sample(None);
    bytes[0] = b'P';
    let err = Corpus::from_bytes(&bytes[..]).err().unwrap();
    assert!(matches!(err.kind(), ErrorKind::BadMagic { offset: 0 }), "{err}");
    let mut bytes = sample(None);
    let len = bytes.len();
    bytes[len - 1] ^= 1;
    let err = Corpus::from_bytes(&bytes[..]).err().unwrap();
    assert_eq!(err.offset(), Some(len as u64 - 8));
    assert!(err.to_string().contains("not a strata file"));
}

#[test]
fn every_unknown_version_is_rejected() {
    for version in [0u32, 4, 5, 255, 1 << 16, u32::MAX] {
        let mut bytes = sample(None);
        bytes[8..12].copy_from_slice(&version.to_le_bytes());
        let err = Corpus::from_bytes(&bytes[..]).err().unwrap();
        match err.kind() {
            ErrorKind::Version { oldest: 1, newest: 3, got } => assert_eq!(*got, version),
            other => panic!("version {version}: {other:?}"),
        }
    }
}

#[test]
fn short_file_is_truncated() {
    let err = Corpus::from_bytes(&b"\x89STRA\r\n\x1a"[..]).err().unwrap();
    assert!(matches!(err.kind(), ErrorKind::Truncated { offset: 0, needed: 48, .. }), "{err}");
    let bytes = sample(None);
    let mut longer = bytes.clone();
    longer.splice(100..100, [0u8; 8]);
    let err = Corpus::from_bytes(&longer[..]).err().unwrap();
    assert!(err.to_string().contains("footer says the file is"), "{err}");
}

#[test]
fn a_flipped_text_byte_is_a_checksum_mismatch_in_docs() {
    let mut bytes = sample(None);
    let at = bytes.windows(4).position(|w| w == b"pier").unwrap();
    bytes[at] = b'P';
    let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
    let err = corpus.verify().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ChecksumMismatch { section: "file", .. }), "{err}");
    let problems = corpus.validate();
    assert!(problems.iter().any(|p| matches!(p.kind(), ErrorKind::ChecksumMismatch { section: "docs", .. })));
}

/// A directory entry: kind, flags, offset, length.
type Entry = (u32, u32, u64, u64);

/// Builds a file around a hand-written directory, with correct checksums.
fn with_directory(entries: &[Entry], body_len: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&layout::MAGIC);
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.resize(16 + body_len, 0);
    let dir = bytes.len() as u64;
    for &(kind, flags, offset, len) in entries {
        let e = SectionEntry {
            kind: kind.into(),
            flags: flags.into(),
            offset: offset.into(),
            len: len.into(),
            crc: 0.into(),
            reserved: 0.into(),
        };
        bytes.extend_from_slice(e.as_bytes());
    }
    let footer = Footer {
        directory_offset: dir.into(),
        directory_len: (entries.len() as u32).into(),
        file_crc: 0.into(),
        file_len: (bytes.len() as u64 + 32).into(),
        magic: layout::MAGIC,
    };
    bytes.extend_from_slice(footer.as_bytes());
    fix_checksums(&mut bytes);
    bytes
}

#[test]
fn hostile_directories_are_refused_before_allocating() {
    let huge = u64::MAX - 7;
    let cases: Vec<(Vec<Entry>, &str)> = vec![
        (vec![(1, 0, 16, huge)], "not an aligned range"),
        (vec![(1, 0, huge, 8)], "not an aligned range"),
        (vec![(1, 0, 17, 8)], "not an aligned range"),
        (vec![(1, 0, 16, 16), (2, 0, 24, 8)], "overlap"),
        (vec![(1, 0, 16, 8), (1, 0, 24, 8)], "two docs sections"),
        (vec![(9, 0, 16, 8)], "unknown section kind 9"),
        (vec![(2, 1, 16, 8)], "unknown flags"),
        (vec![(1, 0, 16, 8)], "no doc_index section"),
    ];
    for (entries, why) in cases {
        let bytes = with_directory(&entries, 64);
        let err = Corpus::from_bytes(&bytes[..]).err().unwrap();
        assert!(err.to_string().contains(why), "expected {why:?}, got {err}");
        assert!(err.offset().is_some());
    }
    // A directory length near 2^32 entries cannot fit.
    let mut bytes = sample(None);
    let len = bytes.len();
    bytes[len - 24..len - 20].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = Corpus::from_bytes(&bytes[..]).err().unwrap();
    assert!(err.to_string().contains("does not end where the footer starts"), "{err}");
}

#[test]
fn hostile_counts_inside_records_fail_cleanly() {
    // A record claiming 2^62 metadata entries and layers.
    let docs = sample(None);
    let corpus = Corpus::from_bytes(&docs[..]).unwrap();
    let docs_at = corpus.sections().iter().find(|s| s.kind == layout::SECTION_DOCS).unwrap().offset as usize;
    let mut bad = docs.clone();
    // Record 0: id "kyiv" (1 + 4 bytes), text (1 + 31 bytes), then the
    // metadata count.
    let meta_count_at = docs_at + 5 + 1 + "Kyiv – Київ. Talks resume.".len();
    assert_eq!(bad[meta_count_at], 2);
    bad[meta_count_at] = 0xff;
    bad.splice(meta_count_at + 1..meta_count_at + 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f]);
    // The splice shifted everything: this is now garbage past the record,
    // which must simply fail.
    assert!(Corpus::from_bytes(&bad[..]).is_err() || visit_everything(&bad));
    let mut bad = docs;
    bad[meta_count_at] = 0x7f;
    fix_checksums(&mut bad);
    let corpus = Corpus::from_bytes(&bad[..]).unwrap();
    let err = corpus.doc(0).err().unwrap();
    assert!(err.to_string().contains("does not fit"), "{err}");
    assert_eq!(err.offset(), Some(meta_count_at as u64));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        visit_everything(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_header_never_panic(tail in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = layout::MAGIC.to_vec();
        bytes.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(&tail);
        visit_everything(&bytes);
    }
}
