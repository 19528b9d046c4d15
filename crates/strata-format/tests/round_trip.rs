//! Random corpora survive a write and a read unchanged, compressed or not.

use proptest::prelude::*;
use strata_format::{
    AttrDef, AttrType, AttrValue, AttrValueRef, BuiltDoc, ColumnCheck, CopyMap, Corpus, Date, DocBuilder, Document,
    FieldDef, FieldType, Layer, LayerDef, Relation, Schema, Span, Value, WriterBuilder,
};

const LAYERS: [&str; 5] = ["paragraph", "token", "entity", "sentence", "a-layer-with-quite-a-long-name-ü"];

fn schema() -> Schema {
    let attr = |name: &str, ty| AttrDef { name: name.into(), ty };
    let layer = |name: &str, attrs| LayerDef { name: name.into(), attrs, spans: 0, relations: 0 };
    Schema {
        fields: vec![
            FieldDef { name: "date".into(), ty: FieldType::Date },
            FieldDef { name: "n".into(), ty: FieldType::Int },
            FieldDef { name: "title".into(), ty: FieldType::Str },
            FieldDef { name: "topics".into(), ty: FieldType::List },
        ],
        layers: vec![
            layer(LAYERS[0], vec![]),
            layer(
                LAYERS[1],
                vec![attr("upos", AttrType::Str), attr("head", AttrType::Int), attr("lemma", AttrType::Str)],
            ),
            layer(LAYERS[2], vec![attr("kb_id", AttrType::Str)]),
            layer(LAYERS[3], vec![]),
            layer(LAYERS[4], vec![attr("score", AttrType::Int)]),
        ],
        corpus_metadata: vec![("source".into(), Value::Str("proptest".into()))],
        text_bytes: 0,
    }
}

fn label() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        3 => "[A-Z]{1,6}".prop_map(Some),
        1 => Just(Some("Ω-λ 😀".to_string())),
        1 => Just(Some("L".repeat(700))),
    ]
}

/// Raw choices for one span; mapped onto the text's character boundaries.
type RawSpan = (usize, usize, Option<String>, Vec<Option<i64>>, Vec<Option<String>>, Option<Vec<usize>>);

fn raw_span() -> impl Strategy<Value = RawSpan> {
    (
        any::<usize>(),
        any::<usize>(),
        label(),
        prop::collection::vec(prop::option::of(any::<i64>()), 2),
        prop::collection::vec(prop::option::of("[a-z]{0,4}|ü+|NOUN"), 2),
        prop::option::weighted(0.2, prop::collection::vec(any::<usize>(), 2..5)),
    )
}

type RawLayer = (Vec<RawSpan>, Vec<(usize, usize, Option<String>)>);

fn raw_layer() -> impl Strategy<Value = RawLayer> {
    (prop::collection::vec(raw_span(), 0..12), prop::collection::vec((any::<usize>(), any::<usize>(), label()), 0..6))
}

fn document() -> impl Strategy<Value = Document> {
    (
        "[a-zé€😀 \n]{0,60}",
        prop::collection::vec(prop::option::of(raw_layer()), LAYERS.len()),
        (
            prop::option::of((0u16..=9999, 1u8..=12, 1u8..=28)),
            prop::option::of(any::<i64>()),
            prop::option::of(".{0,20}"),
            prop::option::of(prop::collection::vec("[a-z]{0,5}", 0..4)),
        ),
    )
        .prop_map(|(text, layers, (date, n, title, topics))| build(text, layers, date, n, title, topics))
}

fn build(
    text: String,
    layers: Vec<Option<RawLayer>>,
    date: Option<(u16, u8, u8)>,
    n: Option<i64>,
    title: Option<String>,
    topics: Option<Vec<String>>,
) -> Document {
    let bounds: Vec<u64> = text.char_indices().map(|(i, _)| i as u64).chain([text.len() as u64]).collect();
    let at = |k: usize| bounds[k % bounds.len()];
    let mut doc = Document::new(String::new(), text.clone());
    if let Some((y, m, d)) = date {
        doc.metadata.push(("date".into(), Value::Date(Date::new(y, m, d).unwrap())));
    }
    if let Some(n) = n {
        doc.metadata.push(("n".into(), Value::Int(n)));
    }
    if let Some(t) = title {
        doc.metadata.push(("title".into(), Value::Str(t)));
    }
    if let Some(t) = topics {
        doc.metadata.push(("topics".into(), Value::List(t)));
    }
    let schema = schema();
    for (l, raw) in layers.into_iter().enumerate() {
        let Some((spans, rels)) = raw else { continue };
        let def = &schema.layers[l];
        let mut layer = Layer::new(def.name.clone());
        for (a, b, label, ints, strs, frags) in spans {
            let (mut a, mut b) = (at(a), at(b));
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            let mut span = Span::new(a, b);
            span.label = label;
            if let Some(frags) = frags {
                let mut points: Vec<u64> = frags.iter().map(|&k| at(k)).collect();
                points.sort_unstable();
                span.fragments = points.windows(2).map(|w| (w[0], w[1])).collect();
                if span.fragments.len() < 2 {
                    span.fragments.clear();
                }
            }
            let (mut ints, mut strs) = (ints.into_iter(), strs.into_iter());
            for attr in &def.attrs {
                let value = match attr.ty {
                    AttrType::Int => ints.next().flatten().map(AttrValue::Int),
                    AttrType::Str => strs.next().flatten().map(AttrValue::Str),
                };
                if let Some(v) = value {
                    span.attrs.push((attr.name.clone(), v));
                }
            }
            layer.spans.push(span);
        }
        let n = layer.spans.len();
        if n > 0 {
            for (from, to, label) in rels {
                layer.relations.push(Relation { from: (from % n) as u64, to: (to % n) as u64, label });
            }
            doc.layers.push(layer);
        }
    }
    doc
}

fn corpus() -> impl Strategy<Value = Vec<Document>> {
    prop::collection::vec(document(), 0..12).prop_map(|mut docs| {
        for (i, d) in docs.iter_mut().enumerate() {
            d.id = format!("doc-{i}-ü");
        }
        docs
    })
}

fn write(docs: &[Document], compression: Option<i32>, block_size: usize) -> Vec<u8> {
    let mut b = WriterBuilder::new();
    b.schema(schema()).compression(compression).block_size(block_size);
    let mut wtr = b.build(Vec::new()).unwrap();
    for d in docs {
        wtr.add(d).unwrap();
    }
    wtr.finish().unwrap()
}

fn check(docs: &[Document], bytes: Vec<u8>) {
    let corpus = Corpus::from_bytes(bytes).unwrap();
    assert_eq!(corpus.len(), docs.len() as u64);
    assert!(corpus.validate().is_empty(), "{:?}", corpus.validate());
    corpus.verify().unwrap();
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(&corpus.doc(i as u64).unwrap().to_owned().unwrap(), d);
        assert_eq!(corpus.by_id(&d.id).unwrap().unwrap().index(), i as u64);
    }
    let read: Vec<Document> = corpus.iter().map(|d| d.unwrap().to_owned().unwrap()).collect();
    assert_eq!(read, docs);
    // The fast paths (string table, codes, whole columns) agree with the
    // checked ones.
    let table = corpus.string_table().unwrap();
    let (mut extents, mut codes, mut rels, mut scratch) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for doc in corpus.iter() {
        let doc = doc.unwrap();
        for layer in doc.layers() {
            layer.extents_into(&mut extents, &mut scratch).unwrap();
            let spans: Vec<(u64, u64)> = layer.spans().map(|s| s.unwrap()).map(|s| (s.start, s.end)).collect();
            assert_eq!(extents, spans);
            layer.label_codes_into(&mut codes);
            let labels: Vec<Option<&str>> = codes.iter().map(|&c| table.get(c)).collect();
            assert_eq!(labels, (0..layer.len()).map(|i| layer.label(i).unwrap()).collect::<Vec<_>>());
            layer.relations_into(&mut rels, &mut scratch).unwrap();
            let expected: Vec<_> = layer.relations().map(|r| r.unwrap()).map(|r| (r.from, r.to, r.label)).collect();
            assert_eq!(rels.iter().map(|&(f, t, l)| (f, t, table.get(l))).collect::<Vec<_>>(), expected);
            for attr in layer.attrs().filter(|a| a.ty() == AttrType::Str) {
                attr.codes_into(&mut codes, &mut scratch).unwrap();
                assert_eq!(codes.len(), layer.len());
                for (i, &code) in codes.iter().enumerate() {
                    assert_eq!(table.get(code).map(AttrValueRef::Str), attr.get(i).unwrap());
                }
            }
            for i in 0..layer.len() {
                assert_eq!(table.get(layer.label_code(i).unwrap()), layer.label(i).unwrap());
            }
            for r in 0..layer.relation_count() {
                let (from, to, label) = layer.relation_code(r).unwrap();
                let rel = layer.relation(r).unwrap();
                assert_eq!((from, to, table.get(label)), (rel.from, rel.to, rel.label));
            }
            for attr in layer.attrs().filter(|a| a.ty() == AttrType::Str) {
                let mut codes = attr.values();
                while let Some(item) = codes.next_code() {
                    let (i, code) = item.unwrap();
                    assert_eq!(table.get(code).map(AttrValueRef::Str), attr.get(i).unwrap());
                }
            }
        }
    }
    // The stored sizes of the columns and the texts fit in the records.
    let mut stored = 0u64;
    for doc in corpus.iter() {
        let doc = doc.unwrap();
        stored += doc.text().unwrap().len() as u64;
        for layer in doc.layers() {
            let s = layer.stored_sizes();
            assert!(s.spans >= 2 && s.labels >= 1);
            assert_eq!(s.attrs.len(), layer.attrs().count());
            stored += s.spans + s.labels + s.fragments + s.relations + s.attrs.iter().map(|a| a.1).sum::<u64>();
        }
    }
    if !corpus.is_compressed() {
        assert!(stored <= corpus.sections().iter().find(|s| s.name() == "docs").unwrap().len);
    }
    assert!(corpus.by_id("no such id").unwrap().is_none());
    let text_bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    assert_eq!(corpus.schema().text_bytes, text_bytes);
    for (l, def) in corpus.schema().layers.iter().enumerate() {
        let spans: usize = docs.iter().filter_map(|d| d.layer(LAYERS[l])).map(|layer| layer.spans.len()).sum();
        assert_eq!(def.spans, spans as u64);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn uncompressed_round_trip(docs in corpus()) {
        check(&docs, write(&docs, None, 1));
    }

    #[test]
    fn compressed_round_trip(docs in corpus(), block_size in 1usize..3000) {
        check(&docs, write(&docs, Some(1), block_size));
    }

    #[test]
    fn writing_is_deterministic(docs in corpus()) {
        prop_assert_eq!(write(&docs, None, 1), write(&docs, None, 1));
    }

    /// Copying the documents of two corpora column by column gives the same
    /// bytes as writing all their documents, and a writer without a
    /// declared schema gets the same documents back.
    #[test]
    fn copied_documents_are_written_as_added_ones(
        docs in corpus(),
        cut in 0usize..12,
        compressed in any::<bool>(),
    ) {
        let cut = cut.min(docs.len());
        let compression = compressed.then_some(1);
        let parts = [write(&docs[..cut], compression, 200), write(&docs[cut..], None, 1)];
        let parts: Vec<Corpus<Vec<u8>>> = parts.into_iter().map(|b| Corpus::from_bytes(b).unwrap()).collect();
        let copy = |declared: bool| {
            let mut b = WriterBuilder::new();
            if declared {
                b.schema(schema());
            }
            let mut wtr = b.build(Vec::new()).unwrap();
            for part in &parts {
                let mut map = CopyMap::new();
                for doc in part.iter() {
                    wtr.add_copy(&doc.unwrap(), &mut map).unwrap();
                }
            }
            wtr.finish().unwrap()
        };
        prop_assert_eq!(copy(true), write(&docs, None, 1));
        let undeclared = Corpus::from_bytes(copy(false)).unwrap();
        prop_assert!(undeclared.validate().is_empty());
        // Without a declared schema, names are numbered in the order they
        // come, so metadata, layers and attributes read back in that order.
        let normal = |mut d: Document| {
            d.metadata.sort_by(|a, b| a.0.cmp(&b.0));
            d.layers.retain(|l| !l.spans.is_empty());
            d.layers.sort_by(|a, b| a.name.cmp(&b.name));
            for l in &mut d.layers {
                for s in &mut l.spans {
                    s.attrs.sort_by(|a, b| a.0.cmp(&b.0));
                }
            }
            d
        };
        let read: Vec<Document> = undeclared.iter().map(|d| normal(d.unwrap().to_owned().unwrap())).collect();
        prop_assert_eq!(read, docs.into_iter().map(normal).collect::<Vec<_>>());
    }
}

#[test]
fn a_copied_duplicate_is_refused_and_the_writer_goes_on() {
    let source = {
        let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
        wtr.add(&Document::new("a", "one")).unwrap();
        wtr.add(&Document::new("b", "two")).unwrap();
        Corpus::from_bytes(wtr.finish().unwrap()).unwrap()
    };
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    wtr.add(&Document::new("b", "already here")).unwrap();
    let mut map = CopyMap::new();
    wtr.add_copy(&source.doc(0).unwrap(), &mut map).unwrap();
    let err = wtr.add_copy(&source.doc(1).unwrap(), &mut map).unwrap_err();
    assert!(err.is_invalid_document(), "{err}");
    let merged = Corpus::from_bytes(wtr.finish().unwrap()).unwrap();
    let ids: Vec<String> = merged.iter().map(|d| d.unwrap().id().to_string()).collect();
    assert_eq!(ids, ["b", "a"]);
}

/// `check_stored` is `ColumnCheck::check` (the document alone, on any
/// thread) and then `check_stored_names` (the id and the types, in order).
#[test]
fn stored_checks_split_into_columns_and_names() {
    let source = {
        let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
        let mut a = Document::new("a", "one two");
        let mut layer = Layer::new("token");
        layer.spans.push(Span::new(0, 3).with_label("NUM"));
        layer.spans.push(Span::new(4, 7));
        layer.relations.push(Relation { from: 1, to: 0, label: Some("nummod".into()) });
        a.layers.push(layer);
        wtr.add(&a).unwrap();
        let mut b = Document::new("b", "two");
        b.metadata.push(("n".into(), Value::Str("2".into())));
        wtr.add(&b).unwrap();
        wtr.add(&Document::new("c", "three")).unwrap();
        Corpus::from_bytes(wtr.finish().unwrap()).unwrap()
    };
    let mut check = WriterBuilder::new().build(std::io::sink()).unwrap();
    let mut n = Document::new("c", "already here");
    n.metadata.push(("n".into(), Value::Int(1)));
    check.add(&n).unwrap();
    let mut columns = ColumnCheck::new();
    for i in 0..3 {
        columns.check(&source.doc(i).unwrap()).unwrap();
    }
    check.check_stored_names(&source.doc(0).unwrap()).unwrap();
    // Counted: the same id again is refused, by either check.
    assert!(check.check_stored_names(&source.doc(0).unwrap()).unwrap_err().is_invalid_document());
    assert!(check.check_stored(&source.doc(0).unwrap()).unwrap_err().is_invalid_document());
    // "n" is an integer in this corpus; "c" is in it already.
    for i in 1..3 {
        let err = check.check_stored_names(&source.doc(i).unwrap()).unwrap_err();
        assert!(err.is_invalid_document(), "{err}");
        assert_eq!(err.to_string(), check.check_stored(&source.doc(i).unwrap()).unwrap_err().to_string());
    }
}

/// `iter().skip(k)` starts at document `k` (without reading the ones
/// before), plain and compressed in small blocks; `record_len` gives the
/// records' sizes from the index.
#[test]
fn skipped_iteration_starts_at_the_document() {
    for level in [None, Some(3)] {
        let mut b = WriterBuilder::new();
        b.compression(level).block_size(64);
        let mut wtr = b.build(Vec::new()).unwrap();
        for i in 0..40 {
            wtr.add(&Document::new(format!("d{i}"), "text ".repeat(i % 7 + 1))).unwrap();
        }
        let corpus = Corpus::from_bytes(wtr.finish().unwrap()).unwrap();
        // Ids of one length: the record is the text plus the same overhead.
        let overhead: Vec<u64> =
            (0..10).map(|i| corpus.record_len(i).unwrap() - corpus.doc(i).unwrap().text_len()).collect();
        assert!(overhead.iter().all(|&o| o == overhead[0] && o > 2), "{overhead:?}");
        assert!(corpus.record_len(40).is_err());
        for k in [0, 1, 13, 39, 40, 41, usize::MAX] {
            let ids: Vec<String> = corpus.iter().skip(k).take(5).map(|d| d.unwrap().id().to_string()).collect();
            let expected: Vec<String> = (k.min(40)..k.saturating_add(5).min(40)).map(|i| format!("d{i}")).collect();
            assert_eq!(ids, expected, "{level:?}, skip {k}");
        }
    }
}

#[test]
fn rejected_documents_leave_no_trace() {
    let good = Document::new("a", "text");
    let mut bad_span = Document::new("b", "héllo");
    let mut layer = Layer::new("token");
    layer.spans.push(Span::new(0, 2)); // inside "é"
    bad_span.layers.push(layer);
    let mut bad_rel = Document::new("c", "abc");
    let mut layer = Layer::new("fresh-layer");
    layer.spans.push(Span::new(0, 1).with_label("never-interned"));
    layer.relations.push(Relation { from: 0, to: 1, label: None });
    bad_rel.layers.push(layer);
    let mut bad_type = Document::new("d", "abc");
    bad_type.metadata.push(("date".into(), Value::Str("2025-01-01".into())));
    let mut bad_frag = Document::new("f", "abc");
    let mut layer = Layer::new("entity");
    let mut span = Span::new(0, 3);
    span.fragments = vec![(0, 1)];
    layer.spans.push(span);
    bad_frag.layers.push(layer);

    let mut b = WriterBuilder::new();
    b.schema(schema());
    let mut wtr = b.build(Vec::new()).unwrap();
    wtr.add(&good).unwrap();
    for (doc, why) in [
        (&good, "already in the corpus"),
        (&bad_span, "character boundaries"),
        (&bad_rel, "the layer has 1 spans"),
        (&bad_type, "is a date in this corpus, not a string"),
        (&bad_frag, "one fragment"),
        (&Document::new("", "x"), "id is empty"),
    ] {
        let err = wtr.add(doc).unwrap_err();
        assert!(err.is_invalid_document());
        assert!(err.to_string().contains(why), "{err}");
    }
    let clean = {
        let mut b = WriterBuilder::new();
        b.schema(schema());
        let mut w = b.build(Vec::new()).unwrap();
        w.add(&good).unwrap();
        w.finish().unwrap()
    };
    assert_eq!(wtr.finish().unwrap(), clean);
}

#[test]
fn undeclared_layers_and_fields_are_added_in_order_of_appearance() {
    let mut doc = Document::new("x", "Mending ties");
    doc.metadata.push(("zeta".into(), Value::Int(1)));
    doc.metadata.push(("alpha".into(), Value::Str("a".into())));
    let mut l = Layer::new("heading");
    l.spans.push(Span::new(0, 12).with_attr("level", AttrValue::Int(2)));
    doc.layers.push(l);
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    wtr.add(&doc).unwrap();
    let corpus = Corpus::from_bytes(wtr.finish().unwrap()).unwrap();
    let names: Vec<&str> = corpus.schema().fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha"]);
    assert_eq!(corpus.schema().layers[0].attrs[0].ty, AttrType::Int);
    assert_eq!(corpus.doc(0).unwrap().to_owned().unwrap(), doc);
}

/// Fills a builder with a document: layers, spans and attributes in the
/// order the document gives them.
fn fill(b: &mut DocBuilder, doc: &Document) {
    b.clear();
    b.set_id(&doc.id);
    b.text_mut().push_str(&doc.text);
    b.metadata_mut().extend(doc.metadata.iter().cloned());
    for layer in &doc.layers {
        let l = b.layer(&layer.name);
        for span in &layer.spans {
            let s = b.push_span(l, span.start, span.end);
            for &(start, end) in &span.fragments {
                b.push_fragment(l, start, end);
            }
            if let Some(label) = &span.label {
                b.set_label(l, s, label);
            }
            for (name, value) in &span.attrs {
                match value {
                    AttrValue::Str(v) => {
                        let a = b.attr(l, name, AttrType::Str);
                        b.set_str(a, s, v);
                    }
                    AttrValue::Int(v) => {
                        let a = b.attr(l, name, AttrType::Int);
                        b.set_int(a, s, *v);
                    }
                }
            }
        }
        for rel in &layer.relations {
            b.push_relation(l, rel.from, rel.to, rel.label.as_deref());
        }
    }
}

/// How a document goes into a writer in `built_documents_are_written_as_added_ones`.
#[derive(Clone, Copy, Debug)]
enum Path {
    Add,
    ToDocument,
    Built,
    HandedOver,
    /// `hand_over_copy` into a document that held the ones before.
    CopiedOver,
    /// Copies and swaps in turn, into the same document: the builder then
    /// builds in memory a copy went into.
    CopiedAndSwapped,
}

/// Writes `docs` one way, with or without the declared schema; gives the
/// bytes and each document's result.
fn write_by(docs: &[Document], path: Path, declared: bool, compression: Option<i32>) -> (Vec<u8>, Vec<String>) {
    let mut wb = WriterBuilder::new();
    if declared {
        wb.schema(schema());
    }
    wb.compression(compression).block_size(300);
    let mut wtr = wb.build(Vec::new()).unwrap();
    let mut b = DocBuilder::new();
    let mut handed = BuiltDoc::new();
    let mut results = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let result = match path {
            Path::Add => wtr.add(doc),
            Path::ToDocument => {
                fill(&mut b, doc);
                wtr.add(&b.to_document())
            }
            Path::Built => {
                fill(&mut b, doc);
                wtr.add_built(&b)
            }
            Path::HandedOver => {
                fill(&mut b, doc);
                b.hand_over(&mut handed);
                wtr.add_built_doc(&handed)
            }
            Path::CopiedOver => {
                fill(&mut b, doc);
                b.hand_over_copy(&mut handed);
                wtr.add_built_doc(&handed)
            }
            Path::CopiedAndSwapped => {
                fill(&mut b, doc);
                if i % 2 == 0 {
                    b.hand_over_copy(&mut handed);
                } else {
                    b.hand_over(&mut handed);
                }
                wtr.add_built_doc(&handed)
            }
        };
        results.push(match result {
            Ok(n) => n.to_string(),
            Err(e) => {
                assert!(e.is_invalid_document(), "{e}");
                e.to_string()
            }
        });
    }
    (wtr.finish().unwrap(), results)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// A document built column by column is written exactly as the owned
    /// one, errors included: duplicate ids, spans outside the text, bad
    /// relations, attribute types that disagree with the schema.
    #[test]
    fn built_documents_are_written_as_added_ones(
        mut docs in corpus(),
        damage in prop::collection::vec((0usize..6, any::<usize>()), 0..4),
        declared in any::<bool>(),
        compressed in any::<bool>(),
    ) {
        for (kind, at) in damage {
            if docs.is_empty() {
                break;
            }
            let i = at % docs.len();
            let other = docs[(i + 1) % docs.len()].id.clone();
            let doc = &mut docs[i];
            match kind {
                0 => doc.id = other,
                1 => doc.id.clear(),
                2 => {
                    if let Some(s) = doc.layers.first_mut().and_then(|l| l.spans.first_mut()) {
                        s.end = doc.text.len() as u64 + 1;
                    }
                }
                3 => {
                    if let Some(l) = doc.layers.first_mut() {
                        l.relations.push(Relation { from: l.spans.len() as u64, to: 0, label: None });
                    }
                }
                4 => {
                    if let Some(s) = doc.layers.iter_mut().find(|l| l.name == "token").and_then(|l| l.spans.last_mut()) {
                        s.attrs.push(("upos".into(), AttrValue::Int(at as i64)));
                    }
                }
                _ => doc.metadata.push(("n".into(), Value::Str("not an int".into()))),
            }
        }
        let compression = compressed.then_some(1);
        let added = write_by(&docs, Path::Add, declared, compression);
        for path in [Path::ToDocument, Path::Built, Path::HandedOver, Path::CopiedOver, Path::CopiedAndSwapped] {
            let (bytes, results) = write_by(&docs, path, declared, compression);
            prop_assert_eq!(&results, &added.1, "{:?}", path);
            prop_assert!(bytes == added.0, "{:?}: the bytes differ", path);
        }
    }
}

#[test]
fn a_handed_over_document_has_the_size_it_had_in_its_builder() {
    let mut b = DocBuilder::new();
    for (i, copy) in [false, true, false, true].into_iter().enumerate() {
        let mut out = BuiltDoc::new();
        b.set_id("a");
        b.text_mut().push_str("Hi there.");
        let l = b.layer("token");
        for (start, end) in [(0, 2), (3, 8)] {
            let s = b.push_span(l, start, end);
            let upos = b.attr(l, "upos", AttrType::Str);
            b.set_str(upos, s, "X");
        }
        let size = b.heap_size();
        assert!(size > 0);
        if copy {
            b.hand_over_copy(&mut out);
        } else {
            b.hand_over(&mut out);
        }
        // The first hand-over brings the one string learned, "X": a byte
        // and where it ends.
        let strings = if i == 0 { 1 + 8 } else { 0 };
        assert_eq!(out.heap_size(), size + strings, "hand-over {i}, copy: {copy}");
    }
}

#[test]
fn handed_over_documents_must_come_in_order() {
    let mut b = DocBuilder::new();
    let mut first = BuiltDoc::new();
    let mut second = BuiltDoc::new();
    for (id, out) in [("a", &mut first), ("b", &mut second)] {
        b.set_id(id);
        b.text_mut().push_str(id);
        let l = b.layer("token");
        let s = b.push_span(l, 0, 1);
        b.set_label(l, s, id);
        b.hand_over(out);
    }
    assert_eq!(first.id(), "a");
    assert!(b.id().is_empty() && b.text().is_empty());
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    let err = wtr.add_built_doc(&second).unwrap_err();
    assert!(err.is_invalid_document(), "{err}");
    wtr.add_built_doc(&first).unwrap();
    wtr.add_built_doc(&second).unwrap();
    let corpus = Corpus::from_bytes(wtr.finish().unwrap()).unwrap();
    let doc = corpus.by_id("b").unwrap().unwrap().to_owned().unwrap();
    assert_eq!(doc.layers[0].spans[0].label.as_deref(), Some("b"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Documents of several builders (threads), interleaved, some builders
    /// forgetting their strings on the way, handed over by swap or by copy,
    /// are written as added ones.
    #[test]
    fn documents_of_several_builders_interleave(
        docs in corpus(),
        plan in prop::collection::vec((0usize..3, any::<bool>(), any::<bool>()), 64),
    ) {
        let (expected, _) = write_by(&docs, Path::Add, false, None);
        let mut wtr = WriterBuilder::new().block_size(300).build(Vec::new()).unwrap();
        let mut builders: Vec<DocBuilder> = (0..3).map(|_| DocBuilder::new()).collect();
        let mut out = BuiltDoc::new();
        for (doc, &(k, forget, copy)) in docs.iter().zip(plan.iter().cycle()) {
            if forget {
                builders[k].clear_with_strings();
            }
            fill(&mut builders[k], doc);
            if copy {
                builders[k].hand_over_copy(&mut out);
            } else {
                builders[k].hand_over(&mut out);
            }
            wtr.add_built_doc(&out).unwrap();
        }
        prop_assert!(wtr.finish().unwrap() == expected, "the bytes differ");
    }
}

/// Builds a one-span document labelled with its id and hands it over.
fn doc(b: &mut DocBuilder, id: &str, out: &mut BuiltDoc) {
    b.clear();
    b.set_id(id);
    b.text_mut().push('x');
    let l = b.layer("token");
    let s = b.push_span(l, 0, 1);
    b.set_label(l, s, id);
    b.hand_over(out);
}

#[test]
fn a_writer_follows_the_builders_that_handed_over_last() {
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    let mut builders: Vec<DocBuilder> = (0..=strata_format::MAX_BUILDERS).map(|_| DocBuilder::new()).collect();
    let mut out = BuiltDoc::new();
    for (i, b) in builders.iter_mut().enumerate() {
        doc(b, &format!("first-{i}"), &mut out);
        wtr.add_built_doc(&out).unwrap();
    }
    // The first builder has been dropped: its next strings are unknown.
    doc(&mut builders[0], "again-0", &mut out);
    let err = wtr.add_built_doc(&out).unwrap_err();
    assert!(err.is_invalid_document() && err.to_string().contains("has not seen"), "{err}");
    // The others are still followed.
    for (i, b) in builders.iter_mut().enumerate().skip(1) {
        doc(b, &format!("again-{i}"), &mut out);
        wtr.add_built_doc(&out).unwrap();
    }
}

#[test]
fn a_builder_that_forgets_its_strings_twice_frees_both_copies() {
    // Sixteen builders are followed; one forgets its strings twice between
    // two hand-overs: the writer drops both of its old copies, so that the
    // new code space does not push out another builder.
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    let mut builders: Vec<DocBuilder> = (0..strata_format::MAX_BUILDERS).map(|_| DocBuilder::new()).collect();
    let mut out = BuiltDoc::new();
    // Builder 1 first, so that it is the one a stale copy would push out.
    let mut order: Vec<usize> = (0..builders.len()).collect();
    order.swap(0, 1);
    for i in order {
        doc(&mut builders[i], &format!("first-{i}"), &mut out);
        wtr.add_built_doc(&out).unwrap();
    }
    builders[0].clear_with_strings();
    builders[0].clear_with_strings();
    doc(&mut builders[0], "again-0", &mut out);
    wtr.add_built_doc(&out).unwrap();
    for (i, b) in builders.iter_mut().enumerate().skip(1) {
        doc(b, &format!("again-{i}"), &mut out);
        wtr.add_built_doc(&out).unwrap();
    }
}

/// A builder that keeps its layers and attributes named from document to
/// document (as a parser does, with `clear_values`) is written as its
/// owned documents are, errors included, while the writer looks the names
/// up once per naming: the same names again, a name added, a type that
/// disagrees with the declared schema, a name given twice, a new naming.
#[test]
fn documents_named_alike_are_written_as_added_ones() {
    fn plain(b: &mut DocBuilder) {
        b.text_mut().push_str("Hi there");
        let token = b.layer("token");
        let upos = b.attr(token, "upos", AttrType::Str);
        let n = b.attr(token, "n", AttrType::Int);
        for (start, end) in [(0, 2), (3, 8)] {
            let s = b.push_span(token, start, end);
            b.set_str(upos, s, if start == 0 { "INTJ" } else { "ADV" });
            b.set_int(n, s, start as i64);
        }
        let sentence = b.layer("sentence");
        b.push_span(sentence, 0, 8);
    }
    // The same names in another order.
    fn sentence_first(b: &mut DocBuilder) {
        let sentence = b.layer("sentence");
        b.push_span(sentence, 0, 8);
        plain(b);
    }
    fn more(b: &mut DocBuilder) {
        plain(b);
        let token = b.layer("token");
        let lemma = b.attr(token, "lemma", AttrType::Str);
        b.set_str(lemma, 1, "there");
    }
    // The declared schema has `head` as an int.
    fn wrong_type(b: &mut DocBuilder) {
        plain(b);
        let token = b.layer("token");
        let head = b.attr(token, "head", AttrType::Str);
        b.set_str(head, 0, "two");
    }
    fn twice(b: &mut DocBuilder) {
        plain(b);
        let token = b.layer("token");
        let upos = b.attr(token, "upos", AttrType::Int);
        b.set_int(upos, 0, 1);
    }
    type Fill = fn(&mut DocBuilder);
    let steps: [(&str, bool, Fill); 9] = [
        ("a", false, plain),
        ("b", true, sentence_first),
        ("c", false, more),
        ("d", false, plain),
        ("e", false, wrong_type),
        ("f", false, more),
        ("g", true, twice),
        ("h", true, more),
        ("h", false, more),
    ];
    // Handed over by swap, the builder takes turns with the memory of the
    // documents before, each with its names (as `strata convert` does).
    for (declared, swap) in [(false, false), (true, false), (false, true), (true, true)] {
        let build = || {
            let mut wb = WriterBuilder::new();
            if declared {
                wb.schema(schema());
            }
            wb.build(Vec::new()).unwrap()
        };
        let (mut owned, mut built) = (build(), build());
        let mut b = DocBuilder::new();
        let mut handed = BuiltDoc::new();
        let mut refused = 0;
        // The first steps again, under new ids.
        let again = steps[..4].iter().map(|&(id, rename, fill)| (format!("{id}2"), rename, fill));
        for (id, rename, fill) in steps.iter().map(|&(id, rename, fill)| (id.to_string(), rename, fill)).chain(again) {
            if rename {
                b.clear();
            } else {
                b.clear_values();
            }
            b.set_id(&id);
            fill(&mut b);
            let expected = owned.add(&b.to_document()).map_err(|e| e.to_string());
            refused += usize::from(expected.is_err());
            let result = if swap {
                b.hand_over(&mut handed);
                built.add_built_doc(&handed)
            } else {
                built.add_built(&b)
            };
            assert_eq!(result.map_err(|e| e.to_string()), expected, "document {id}, swap: {swap}");
        }
        // `twice`, the second `h`, and `wrong_type` where `head` is declared.
        assert_eq!(refused, 2 + usize::from(declared), "declared: {declared}");
        assert!(built.finish().unwrap() == owned.finish().unwrap(), "declared: {declared}, swap: {swap}");
    }
}
