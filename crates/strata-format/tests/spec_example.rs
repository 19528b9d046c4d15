//! The worked example of `spec/FORMAT.md` section 9, byte for byte.

use strata_format::{AttrValue, Corpus, Date, Document, Layer, Relation, Span, Value, WriterBuilder};

#[test]
fn the_record_of_the_spec_example() {
    let mut doc = Document::new("d1", "Hé ho.");
    doc.metadata.push(("date".into(), Value::Date(Date::new(2025, 5, 15).unwrap())));
    doc.metadata.push(("n".into(), Value::Int(-3)));
    let mut tok = Layer::new("tok");
    tok.spans.push(Span::new(0, 3).with_label("X").with_attr("i", AttrValue::Int(5)));
    tok.spans.push(Span::new(4, 7).with_attr("s", AttrValue::Str("v".into())));
    let mut both = Span::new(0, 7);
    both.fragments = vec![(0, 3), (4, 7)];
    tok.spans.push(both);
    tok.relations.push(Relation { from: 0, to: 1, label: Some("r".into()) });
    doc.layers.push(tok);
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    wtr.set_corpus_metadata("src", Value::Str("t".into()));
    wtr.add(&doc).unwrap();
    let bytes = wtr.finish().unwrap();

    #[rustfmt::skip]
    let record: &[u8] = &[
        0x02, 0x64, 0x31,
        0x07, 0x48, 0xc3, 0xa9, 0x20, 0x68, 0x6f, 0x2e,
        0x02,
        0x00, 0xe9, 0x0f, 0x05, 0x0f,
        0x01, 0x05,
        0x01,
        0x00, 0x03,
        0x03, 0x20, 0x00,
        0x03, 0xdb, 0x01,
        0x01, 0x01,
        0x01,
        0x02, 0x80,
        0x02, 0x03, 0x20, 0x02, 0x0f,
        0x02,
        0x00, 0x01, 0x01, 0x0a, 0x00,
        0x01, 0x00, 0x02, 0x08,
        0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x03,
    ];
    assert_eq!(&bytes[16..16 + record.len()], record);
    let corpus = Corpus::from_bytes(&bytes[..]).unwrap();
    let docs = corpus.sections().iter().find(|s| s.name() == "docs").unwrap();
    assert_eq!(docs.len, record.len() as u64);
    #[rustfmt::skip]
    let schema: &[u8] = &[
        0x02, 0x04, 0x64, 0x61, 0x74, 0x65, 0x00, 0x01, 0x6e, 0x01,
        0x01, 0x03, 0x74, 0x6f, 0x6b,
        0x02, 0x01, 0x69, 0x01, 0x01, 0x73, 0x00, 0x03, 0x01,
        0x01, 0x03, 0x73, 0x72, 0x63, 0x02, 0x01, 0x74,
        0x07,
    ];
    let s = corpus.sections().iter().find(|s| s.name() == "schema").unwrap();
    assert_eq!(&bytes[s.offset as usize..(s.offset + s.len) as usize], schema);
    assert_eq!(corpus.doc(0).unwrap().to_owned().unwrap(), doc);
}
