//! `write_doc` (a stored document read in place) gives the same bytes and
//! the same errors as `write_document` of its `to_owned` copy: on every
//! fixture, on generated files, on documents with only `sentence` and
//! `token` layers, and on documents that cannot be written.

use std::path::Path;

use proptest::prelude::*;
use strata_conllu::{write_doc, write_document, DocWriter, Reader, WriteError};
use strata_format::{AttrValue, Corpus, Document, Layer, Relation, Span, WriterBuilder};

/// The documents through a strata file in memory, plain or compressed.
fn store(docs: &[Document], compressed: bool) -> Corpus<Vec<u8>> {
    let mut builder = WriterBuilder::new();
    if compressed {
        builder.compression(Some(3)).block_size(512);
    }
    let mut wtr = builder.build(Vec::new()).unwrap();
    for doc in docs {
        wtr.add(doc).unwrap();
    }
    Corpus::from_bytes(wtr.finish().unwrap()).unwrap()
}

/// For every stored document: the borrowed writers (`write_doc`, and one
/// `DocWriter` for all the documents) and the owned one agree on the bytes
/// or the error, and an error leaves the output as it was. Returns what
/// each document gave.
fn both_ways(corpus: &Corpus<Vec<u8>>) -> Vec<Result<String, WriteError>> {
    let strings = corpus.string_table().unwrap();
    let writer = DocWriter::new(&strings);
    corpus
        .iter()
        .map(|doc| {
            let doc = doc.unwrap();
            let (mut borrowed, mut owned) = (String::from("kept"), String::from("kept"));
            let b = write_doc(&doc, &strings, &mut borrowed);
            let o = write_document(&doc.to_owned().unwrap(), &mut owned);
            assert_eq!(b, o, "document {:?}", doc.id());
            assert_eq!(borrowed, owned, "document {:?}", doc.id());
            let mut cached = String::from("kept");
            assert_eq!(writer.write(&doc, &mut cached), b, "document {:?}", doc.id());
            assert_eq!(cached, owned, "document {:?}", doc.id());
            b.map(|()| borrowed["kept".len()..].to_string())
        })
        .collect()
}

/// Reads `input`, stores it, and checks that both writers give it back.
fn check_round_trip(input: &str, stem: &str) {
    let docs: Vec<Document> = Reader::new(input.as_bytes(), stem).map(|p| p.unwrap().document).collect();
    for compressed in [false, true] {
        let corpus = store(&docs, compressed);
        let out: String = both_ways(&corpus).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(out, input, "{stem} (compressed: {compressed})");
    }
}

#[test]
fn fixtures_give_the_same_bytes_both_ways() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "conllu") {
            let input = std::fs::read_to_string(&path).unwrap();
            check_round_trip(&input, path.file_stem().unwrap().to_str().unwrap());
            n += 1;
        }
    }
    assert!(n >= 10);
}

/// Tagged articles with an annotator: sentences, paragraphs, tokens.
fn tagged_like() -> Document {
    let mut doc = Document::new("news-1", "Talks resume.\n\nDiplomats met in Oslo, again.\n\nLast words");
    let mut sentences = Layer::new("sentence");
    sentences.spans = vec![Span::new(0, 13), Span::new(15, 44), Span::new(46, 50)];
    sentences.spans[1].attrs.push(("sent_id".into(), AttrValue::Str("s2".into())));
    let mut paragraphs = Layer::new("paragraph");
    paragraphs.spans = vec![Span::new(0, 13), Span::new(15, 44), Span::new(46, 56)];
    paragraphs.spans[1].attrs.push(("id".into(), AttrValue::Str("p-2".into())));
    let mut tokens = Layer::new("token");
    for (s, e) in [(0, 5), (6, 12), (12, 13), (15, 24), (25, 28), (29, 31), (32, 36), (36, 37), (38, 43), (43, 44)] {
        tokens.spans.push(Span::new(s, e));
    }
    // A token outside every sentence, and an empty one.
    tokens.spans.push(Span::new(51, 56));
    tokens.spans.insert(3, Span::new(14, 14));
    tokens.spans[0].attrs.push(("upos".into(), AttrValue::Str("NOUN".into())));
    tokens.spans[0].attrs.push(("lemma".into(), AttrValue::Str("talk".into())));
    tokens.spans[2].attrs.push(("misc".into(), AttrValue::Str("Gloss=x".into())));
    tokens.spans[5].attrs.push(("misc".into(), AttrValue::Str("A=1".into())));
    tokens.spans[7].attrs.push(("feats".into(), AttrValue::Str("Number=Sing".into())));
    let mut sizes = Layer::new("size");
    sizes.spans = vec![Span::new(0, 5).with_attr("n", AttrValue::Int(-3))];
    doc.layers = vec![sentences, paragraphs, tokens, sizes];
    doc
}

#[test]
fn documents_with_sentences_and_tokens_only() {
    let doc = tagged_like();
    let mut expected = String::new();
    write_document(&doc, &mut expected).unwrap();
    assert!(expected.starts_with("# newdoc id = news-1\n# newpar\n# sent_id = news-1-1\n"), "{expected}");
    assert!(expected.contains("# newpar id = p-2\n# sent_id = s2\n"), "{expected}");
    for compressed in [false, true] {
        let got = both_ways(&store(std::slice::from_ref(&doc), compressed));
        assert_eq!(got, [Ok(expected.clone())]);
    }
}

#[test]
fn integer_attributes_are_written_as_numbers() {
    let input = "1\tHi\thi\tINTJ\t_\t_\t0\troot\t0:root\t_\n2\tyou\tyou\tPRON\t_\t_\t1\tvocative\t1:vocative\t_\n\n";
    let mut doc = Reader::new(input.as_bytes(), "ints").next().unwrap().unwrap().document;
    let words = doc.layers.iter_mut().find(|l| l.name == "word").unwrap();
    // `head` stored as an integer: word 2 loses its relation.
    words.relations.clear();
    words.spans[1].attrs.push(("head".into(), AttrValue::Int(1)));
    words.spans[1].attrs.push(("deprel".into(), AttrValue::Str("vocative".into())));
    let got = both_ways(&store(&[doc], false));
    assert_eq!(got, [Ok(input.to_string())]);
}

/// A document `f` breaks in some way, written both ways.
fn broken(f: impl FnOnce(&mut Document)) -> WriteError {
    let input = "# sent_id = a1\n# text = Hi you.\n1\tHi\thi\tINTJ\t_\t_\t0\troot\t0:root\t_\n\
        2\tyou\tyou\tPRON\t_\t_\t1\tvocative\t1:vocative\tSpaceAfter=No\n3\t.\t.\tPUNCT\t_\t_\t1\tpunct\t1:punct\t_\n\n\
        # sent_id = a2\n1\tBye\tbye\tINTJ\t_\t_\t0\troot\t0:root\t_\n\n";
    let mut doc = Reader::new(input.as_bytes(), "e").next().unwrap().unwrap().document;
    check_round_trip(input, "e");
    f(&mut doc);
    let got = both_ways(&store(&[doc], false));
    got.into_iter().next().unwrap().unwrap_err()
}

fn layer<'a>(doc: &'a mut Document, name: &str) -> &'a mut Layer {
    doc.layers.iter_mut().find(|l| l.name == name).unwrap()
}

fn set(doc: &mut Document, name: &str, span: usize, attr: &str, value: &str) {
    let attrs = &mut layer(doc, name).spans[span].attrs;
    attrs.retain(|(n, _)| n != attr);
    attrs.push((attr.into(), AttrValue::Str(value.into())));
}

#[test]
fn errors_are_the_same_both_ways() {
    let missing = |name: &'static str| move |d: &mut Document| d.layers.retain(|l| l.name != name);
    assert_eq!(broken(missing("sentence")), WriteError::MissingLayer("sentence"));
    assert_eq!(broken(missing("token")), WriteError::MissingLayer("token"));
    let value = |what: &str| WriteError::Value { layer: "word", index: 1, what: what.into() };
    assert_eq!(broken(|d| set(d, "word", 1, "lemma", "a\tb")), value("lemma"));
    assert_eq!(broken(|d| set(d, "word", 1, "upos", "")), value("upos, xpos or feats"));
    assert_eq!(broken(|d| set(d, "word", 1, "deps", "\t")), value("deps"));
    assert_eq!(broken(|d| set(d, "word", 1, "form", "")), value("form"));
    // MISC and extra columns of a word that is a token of its own, and of
    // a multiword token.
    assert_eq!(broken(|d| set(d, "word", 1, "misc", "a\tb")), value("misc"));
    assert_eq!(
        broken(|d| set(d, "word", 0, "misc", "a\nb")),
        WriteError::Value { layer: "word", index: 0, what: "misc".into() }
    );
    for bad in ["", "a\t", "\ta", "a\t\tb", "a\nb"] {
        let (i, m) = match broken(|d| set(d, "word", 1, "extra", bad)) {
            WriteError::Structure { index, message } => (index, message),
            other => panic!("{bad:?}: {other:?}"),
        };
        assert!(i == 1 && m.contains("extra columns"), "{bad:?}: {m}");
    }
    let with_mwt = |f: fn(&mut Document)| {
        broken(move |d| {
            // Words 0 and 1 ("Hi you") become the parts of one token.
            let tokens = layer(d, "token");
            tokens.spans[0].end = tokens.spans[1].end;
            tokens.spans.remove(1);
            f(d)
        })
    };
    assert_eq!(
        with_mwt(|d| set(d, "token", 0, "misc", "x\ty")),
        WriteError::Value { layer: "token", index: 0, what: "misc".into() }
    );
    assert!(matches!(with_mwt(|d| set(d, "token", 0, "extra", "x\n")), WriteError::Structure { index: 0, .. }));
    let structure = |e: WriteError| match e {
        WriteError::Structure { index, message } => (index, message),
        other => panic!("{other:?}"),
    };
    // Word 1 ("you") pushed out of its token, or its sentence.
    let (_, m) = structure(broken(|d| {
        layer(d, "token").spans.remove(1);
    }));
    assert_eq!(m, "the word is not inside a token");
    let (_, m) = structure(broken(|d| layer(d, "sentence").spans[0].end = 5));
    assert_eq!(m, "the word is outside every sentence");
    let (i, m) = structure(broken(|d| {
        let words = layer(d, "word");
        words.spans.retain(|s| s.start < 8);
        words.relations.clear();
    }));
    assert_eq!((i, m.as_str()), (1, "the sentence has no words"));
    let (_, m) = structure(broken(|d| layer(d, "word").relations.push(Relation { from: 3, to: 0, label: None })));
    assert_eq!(m, "the word's head is in another sentence");
    let (_, m) = structure(broken(|d| set(d, "sentence", 0, "comments", "sent_id\nbogus")));
    assert!(m.contains("unknown line"), "{m}");
    let (i, m) = structure(broken(|d| set(d, "sentence", 0, "sent_id", "no-digits")));
    assert_eq!((i, m.as_str()), (1, "the sentence has no sent_id and none can be derived"));
    let (_, m) = structure(broken(|d| set(d, "sentence", 1, "comments", "newpar id")));
    assert_eq!(m, "the paragraph has no id and none can be derived");
    // Without a word layer: words are tokens, and their values are checked
    // too.
    let tokens_only = |f: fn(&mut Document)| {
        broken(move |d| {
            d.layers.retain(|l| l.name != "word");
            f(d)
        })
    };
    assert_eq!(
        tokens_only(|d| set(d, "token", 0, "lemma", "")),
        WriteError::Value { layer: "token", index: 0, what: "lemma".into() }
    );
    assert_eq!(
        tokens_only(|d| set(d, "token", 2, "misc", "x\ty")),
        WriteError::Value { layer: "token", index: 2, what: "misc".into() }
    );
    assert_eq!(
        tokens_only(|d| set(d, "sentence", 1, "sent_id", "a\nb")),
        WriteError::Value { layer: "sentence", index: 1, what: "sent_id".into() }
    );
    let (_, m) = structure(tokens_only(|d| {
        for s in &mut layer(d, "sentence").spans {
            (s.start, s.end) = (7, 7);
        }
    }));
    assert_eq!(m, "no sentence has a token");
}

/// The generator of `generated.rs` is not shared; these files are simpler
/// but take every path: multiword tokens spelled or not, empty nodes,
/// comments, paragraphs, `SpaceAfter=No`, extra columns.
fn generate(seed: u64) -> String {
    let mut state = seed | 1;
    let mut next = move |n: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    };
    let forms = ["a", "Hi", "du", "日本", "New York", "_", "don't", "'s", "."];
    let tags = ["_", "NOUN", "VERB"];
    let miscs = ["_", "SpaceAfter=No", "A=1|SpaceAfter=No", "Z=1|SpaceAfter=No", "Gloss=x"];
    let mut out = String::new();
    let plus = next(4) == 0;
    if plus {
        out.push_str("# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC X:EXTRA\n");
    }
    for s in 0..1 + next(5) {
        if s > 0 || !plus {
            match next(4) {
                0 => out.push_str(&format!("# newdoc id = d{s}\n")),
                1 => out.push_str("# newpar\n"),
                2 => out.push_str(&format!("# newpar id = p{}\n", next(3))),
                _ => {}
            }
        }
        if next(3) > 0 {
            out.push_str(&format!("# sent_id = s-{}\n", s + next(2)));
        }
        if next(4) == 0 {
            out.push_str("# a comment\n");
        }
        let n = 1 + next(6);
        let mut i = 1;
        let word = |next: &mut dyn FnMut(usize) -> usize, id: String, form: &str, empty: bool| {
            let head = if empty { "_".to_string() } else { next(n + 1).to_string() };
            let deps = if head == "_" || next(2) == 0 { "_".to_string() } else { format!("{head}:x") };
            let mut line = format!(
                "{id}\t{form}\t{}\t{}\t_\t_\t{head}\t{}\t{deps}\t{}",
                if next(2) == 0 { form } else { "lem" },
                tags[next(3)],
                if next(3) == 0 { "_" } else { "dep" },
                miscs[next(miscs.len())]
            );
            if plus {
                line.push_str(if next(2) == 0 { "\t_" } else { "\tE" });
            }
            line.push('\n');
            line
        };
        while i <= n {
            if i < n && next(4) == 0 {
                let (a, b) = (forms[next(forms.len())], forms[next(forms.len())]);
                let token = if next(2) == 0 { format!("{a}{b}") } else { "zum".to_string() };
                let mut line = format!("{i}-{}\t{token}\t_\t_\t_\t_\t_\t_\t_\t{}", i + 1, miscs[next(miscs.len())]);
                if plus {
                    line.push_str("\t_");
                }
                out.push_str(&line);
                out.push('\n');
                out.push_str(&word(&mut next, i.to_string(), a, false));
                out.push_str(&word(&mut next, (i + 1).to_string(), b, false));
                i += 2;
            } else {
                let form = forms[next(forms.len())];
                out.push_str(&word(&mut next, i.to_string(), form, false));
                i += 1;
            }
            if next(6) == 0 {
                out.push_str(&word(&mut next, format!("{}.1", i - 1), "e", true));
            }
        }
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_files_give_the_same_bytes_both_ways(seed in any::<u64>()) {
        let input = generate(seed);
        let mut docs = Vec::new();
        for item in Reader::new(input.as_bytes(), "gen") {
            let p = item.unwrap_or_else(|r| panic!("rejected: {:?}\n{input}", r.errors));
            prop_assert!(p.errors.is_empty(), "{:?}\n{}", p.errors, input);
            docs.push(p.document);
        }
        for compressed in [false, true] {
            let out: String = both_ways(&store(&docs, compressed)).into_iter().map(|r| r.unwrap()).collect();
            prop_assert_eq!(&out, &input);
        }
    }

    /// Damaged input gives documents of every shape, some of which cannot
    /// be written: both ways agree on each.
    #[test]
    fn damaged_files_agree_both_ways(seed in any::<u64>(), cut in any::<usize>(), byte in any::<u8>()) {
        let mut input = generate(seed).into_bytes();
        let at = cut % input.len();
        input[at] = byte;
        let docs: Vec<Document> = Reader::new(&input[..], "x").flatten().map(|p| p.document).collect();
        let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
        for doc in &docs {
            let _ = wtr.add(doc);
        }
        both_ways(&Corpus::from_bytes(wtr.finish().unwrap()).unwrap());
    }

    /// A damaged strata file: `write_doc` succeeds only on documents that
    /// `to_owned` reads, and then writes what `write_document` writes of
    /// them.
    #[test]
    fn damaged_records_are_never_written(seed in any::<u64>(), hits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
        let input = generate(seed);
        let docs: Vec<Document> = Reader::new(input.as_bytes(), "d").map(|p| p.unwrap().document).collect();
        let mut bytes = store(&docs, false).as_bytes().to_vec();
        // Only the records: the header, directory and dictionary are
        // checked when the file is opened.
        let records = 16..bytes.len() / 2;
        for (at, byte) in hits {
            bytes[records.start + at % records.len()] = byte;
        }
        let Ok(corpus) = Corpus::from_bytes(bytes) else { return Ok(()) };
        let Ok(strings) = corpus.string_table() else { return Ok(()) };
        let writer = DocWriter::new(&strings);
        for doc in corpus.iter().flatten() {
            let mut out = String::new();
            let written = writer.write(&doc, &mut out);
            match doc.to_owned() {
                Ok(owned) => {
                    let mut expected = String::new();
                    let result = write_document(&owned, &mut expected);
                    prop_assert_eq!(written, result);
                    prop_assert_eq!(out, expected);
                }
                Err(_) => {
                    prop_assert!(written.is_err());
                    prop_assert!(out.is_empty());
                }
            }
        }
    }

    /// Documents of tokens with attributes moved around and some layers
    /// shifted: both ways agree, whatever the outcome.
    #[test]
    fn shuffled_token_documents_agree_both_ways(seed in any::<u64>()) {
        let mut state = seed | 1;
        let mut next = move |n: u64| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
        };
        let mut doc = tagged_like();
        let len = doc.text.len() as u64;
        for l in doc.layers.iter_mut().filter(|l| l.name != "size") {
            for s in &mut l.spans {
                if next(8) == 0 {
                    let (a, b) = (next(len + 1), next(len + 1));
                    (s.start, s.end) = (a.min(b), a.max(b));
                }
                if next(6) == 0 {
                    let values = ["", "x", "a b", "tab\there", "SpaceAfter=No", "Z=1"];
                    let names = ["lemma", "upos", "misc", "sent_id", "id", "feats"];
                    let name = names[next(names.len() as u64) as usize];
                    s.attrs.retain(|(n, _)| n != name);
                    s.attrs.push((name.into(), AttrValue::Str(values[next(values.len() as u64) as usize].into())));
                }
            }
            l.spans.sort_by_key(|s| (s.start, s.end));
        }
        let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
        if wtr.add(&doc).is_ok() {
            both_ways(&Corpus::from_bytes(wtr.finish().unwrap()).unwrap());
        }
    }
}
