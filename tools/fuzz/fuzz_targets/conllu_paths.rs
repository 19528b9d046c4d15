//! Arbitrary bytes through every way `strata convert` reads CoNLL-U and
//! `strata export` writes it, against the plain one: owned documents from
//! the reader as an iterator, written with `Writer::add`.
//!
//! - built column by column (`Reader::next_built`, `Writer::add_built`):
//!   the same documents, reports and file bytes;
//! - cut into chunks read by two builders in turn, each document handed
//!   over by swap or by copy into memory recycled from either builder
//!   (`Chunker`, `DocBuilder::hand_over`, `Writer::add_built_doc`), as
//!   `convert -j N` does: the same reports and file bytes;
//! - written back from the file in place (`DocWriter`): what
//!   `write_document` gives for the owned document.
//!
//! The first byte chooses the chunk size and the hand-overs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_conllu::{write_document, Chunker, DocWriter, Parsed, Reader, Rejected, Report};
use strata_format::{BuiltDoc, Corpus, DocBuilder, Document, WriterBuilder};

/// What the reader said of one document, whichever way it was read.
#[derive(Debug, PartialEq)]
enum Said {
    Read(Vec<strata_format::Problem>, Vec<strata_format::Problem>, std::ops::Range<u64>),
    Rejected(String, Vec<strata_format::Problem>, std::ops::Range<u64>),
}

fn said(result: &Result<Report, Rejected>) -> Said {
    match result {
        Ok(r) => Said::Read(r.errors.clone(), r.warnings.clone(), r.lines.clone()),
        Err(r) => Said::Rejected(r.id.clone(), r.errors.clone(), r.lines.clone()),
    }
}

fn said_owned(result: &Result<Parsed, Rejected>) -> Said {
    match result {
        Ok(p) => Said::Read(p.errors.clone(), p.warnings.clone(), p.lines.clone()),
        Err(r) => Said::Rejected(r.id.clone(), r.errors.clone(), r.lines.clone()),
    }
}

/// The owned document of a builder, as the reader's iterator gives it.
fn document(b: &DocBuilder) -> Document {
    let mut doc = b.to_document();
    doc.layers.retain(|l| !l.spans.is_empty());
    doc
}

/// The document with its layers, and each span's attributes, sorted by
/// name.
fn by_name(mut doc: Document) -> Document {
    doc.layers.sort_by(|a, b| a.name.cmp(&b.name));
    for layer in &mut doc.layers {
        for span in &mut layer.spans {
            span.attrs.sort_by(|a, b| a.0.cmp(&b.0));
        }
    }
    doc
}

fuzz_target!(|input: &[u8]| {
    let Some((&knobs, data)) = input.split_first() else { return };

    // The plain way.
    let owned: Vec<Result<Parsed, Rejected>> = Reader::new(data, "f").collect();
    let mut plain = WriterBuilder::new().build(Vec::new()).unwrap();
    let added: Vec<bool> = owned.iter().map(|r| r.as_ref().is_ok_and(|p| plain.add(&p.document).is_ok())).collect();
    let Ok(plain) = plain.finish() else { return };

    // Built column by column.
    let mut reader = Reader::new(data, "f");
    let mut built = WriterBuilder::new().build(Vec::new()).unwrap();
    let mut i = 0;
    while let Some(result) = reader.next_built() {
        assert_eq!(said(&result), said_owned(&owned[i]), "document {i}");
        if let Ok(parsed) = &owned[i] {
            assert_eq!(document(reader.builder()), parsed.document, "document {i}");
            assert_eq!(built.add_built(reader.builder()).is_ok(), added[i], "document {i}");
        }
        i += 1;
    }
    assert_eq!(i, owned.len());
    assert_eq!(built.finish().unwrap(), plain, "built file");

    // In chunks, by two builders, handed over into recycled memory.
    let target = 1 + usize::from(knobs & 0x0f) * 24;
    let mut choices = knobs >> 4;
    let mut builders = [DocBuilder::new(), DocBuilder::new()];
    let mut recycled: Vec<BuiltDoc> = Vec::new();
    let mut handed = WriterBuilder::new().build(Vec::new()).unwrap();
    let mut i = 0;
    for (c, chunk) in Chunker::new(data, target).enumerate() {
        let mut reader = chunk.reader("f", std::mem::take(&mut builders[c % 2]));
        while let Some(result) = reader.next_built() {
            assert_eq!(said(&result), said_owned(&owned[i]), "document {i} in chunk {c}");
            if result.is_ok() {
                let mut doc = recycled.pop().unwrap_or_default();
                choices = choices.rotate_right(1);
                if choices & 1 == 0 {
                    reader.builder_mut().hand_over(&mut doc);
                } else {
                    reader.builder_mut().hand_over_copy(&mut doc);
                }
                assert_eq!(handed.add_built_doc(&doc).is_ok(), added[i], "document {i} in chunk {c}");
                // Back to the other end of the pool: the next hand-over of
                // either builder may get memory the other one filled.
                recycled.insert(0, doc);
            }
            i += 1;
        }
        builders[c % 2] = reader.into_parts().1;
    }
    assert_eq!(i, owned.len());
    assert_eq!(handed.finish().unwrap(), plain, "file from chunks");

    // Written back in place.
    let corpus = Corpus::from_bytes(&plain[..]).expect("the file opens");
    let strings = corpus.string_table().expect("the strings read");
    let writer = DocWriter::new(&strings);
    let mut docs = corpus.iter();
    for (parsed, _) in owned.iter().zip(&added).filter(|(_, &a)| a) {
        let parsed = parsed.as_ref().unwrap();
        let doc = docs.next().expect("each document added is in the file").expect("the document reads");
        // Layers and a span's attributes come back in the order of the
        // file's schema.
        assert_eq!(by_name(doc.to_owned().expect("the document reads")), by_name(parsed.document.clone()));
        let (mut in_place, mut from_owned) = (String::new(), String::new());
        let a = writer.write(&doc, &mut in_place).map_err(|e| e.to_string());
        let b = write_document(&parsed.document, &mut from_owned).map_err(|e| e.to_string());
        assert_eq!(a.is_ok(), b.is_ok(), "{a:?} {b:?}");
        if a.is_ok() {
            assert_eq!(in_place, from_owned);
        }
    }
    assert!(docs.next().is_none());
});
