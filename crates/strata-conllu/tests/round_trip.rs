//! Every fixture under `tests/data/` round trips byte for byte, in memory and
//! through the strata binary format.

use std::path::{Path, PathBuf};

use strata_conllu::{write_document, Parsed, Reader, STRING_MEMORY};
use strata_format::{Corpus, Document, WriterBuilder};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conllu"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "fixtures missing: {paths:?}");
    paths
}

fn read_all(input: &[u8], stem: &str) -> Vec<Parsed> {
    Reader::new(input, stem)
        .map(|item| {
            let p = item.unwrap_or_else(|r| panic!("rejected {}: {:?}", r.id, r.errors));
            assert!(p.errors.is_empty(), "{stem}: {:?}", p.errors);
            assert!(p.warnings.is_empty(), "{stem}: {:?}", p.warnings);
            p
        })
        .collect()
}

fn write_all<'a>(docs: impl IntoIterator<Item = &'a Document>) -> String {
    let mut out = String::new();
    for doc in docs {
        write_document(doc, &mut out).unwrap();
    }
    out
}

fn through_strata(docs: &[Document]) -> Vec<Document> {
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    for doc in docs {
        wtr.add(doc).unwrap();
    }
    let bytes = wtr.finish().unwrap();
    let corpus = Corpus::from_bytes(bytes).unwrap();
    corpus.iter().map(|d| d.unwrap().to_owned().unwrap()).collect()
}

#[test]
fn fixtures_round_trip_byte_for_byte() {
    for path in fixtures() {
        let input = std::fs::read_to_string(&path).unwrap();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let parsed = read_all(input.as_bytes(), stem);
        let docs: Vec<Document> = parsed.into_iter().map(|p| p.document).collect();
        assert_eq!(write_all(&docs), input, "{}", path.display());
        let back = through_strata(&docs);
        assert_eq!(write_all(&back), input, "{} through strata", path.display());
    }
}

#[test]
fn documents_follow_newdoc() {
    let input =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fr_gsd_mwt.conllu")).unwrap();
    let parsed = read_all(input.as_bytes(), "fr");
    let ids: Vec<&str> = parsed.iter().map(|p| p.document.id.as_str()).collect();
    assert_eq!(ids, ["fr-ud-dev-doc1", "fr-ud-dev-doc2"]);
    assert_eq!(parsed[0].lines, 1..27);
    assert_eq!(parsed[1].lines, 27..37);
    let d = &parsed[0].document;
    assert_eq!(d.text, "Il vient du marché au bord de l'eau.\nDes enfants jouent.\n");
    let tokens = d.layer("token").unwrap();
    let words = d.layer("word").unwrap();
    assert_eq!(tokens.spans.len(), 10 + 4);
    assert_eq!(words.spans.len(), 12 + 4);
    // `du` = `de` + `le`: both parts span the token.
    assert_eq!(&d.text[words.spans[2].start as usize..words.spans[2].end as usize], "du");
    assert_eq!(d.layer("paragraph").unwrap().spans.len(), 1);
    assert_eq!(d.layer("paragraph").unwrap().spans[0].end as usize, d.text.len() - 1);
    // One relation per non-root word, labelled with DEPREL.
    assert_eq!(words.relations.len(), 12 - 1 + 4 - 1);
    let r = &words.relations[0];
    assert_eq!((r.from, r.to, r.label.as_deref()), (1, 0, Some("nsubj")));
}

#[test]
fn spelled_parts_get_their_own_spans() {
    let input =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/de_gsd_mwt.conllu")).unwrap();
    let parsed = read_all(input.as_bytes(), "de");
    assert_eq!(parsed.len(), 1);
    let d = &parsed[0].document;
    assert_eq!(d.id, "de");
    let words = d.layer("word").unwrap();
    let text = |i: usize| &d.text[words.spans[i].start as usize..words.spans[i].end as usize];
    // `war's` = `war` + `'s`
    let second = d.layer("sentence").unwrap().spans[1].start;
    let w = words.spans.iter().position(|s| s.start >= second).unwrap();
    assert_eq!((text(w + 1), text(w + 2)), ("war", "'s"));
    // `zum` = `zu` + `dem` is not spelled out: both span `zum`.
    assert_eq!((text(2), text(3)), ("zum", "zum"));
}

#[test]
fn files_without_newdoc_are_one_document_named_by_the_caller() {
    let input =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/no_newdoc.conllu")).unwrap();
    let parsed = read_all(input.as_bytes(), "stem");
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].document.id, "stem");
    assert_eq!(parsed[0].document.text, "A small file.\nNo heads here\nWithout comments");
}

#[test]
fn documents_without_id_are_numbered() {
    let input = "# newdoc\n1\ta\t_\t_\t_\t_\t_\t_\t_\t_\n\n# newdoc\n1\tb\t_\t_\t_\t_\t_\t_\t_\t_\n\n";
    let parsed = read_all(input.as_bytes(), "f");
    let ids: Vec<&str> = parsed.iter().map(|p| p.document.id.as_str()).collect();
    assert_eq!(ids, ["f-1", "f-2"]);
    assert_eq!(write_all(parsed.iter().map(|p| &p.document)), input);
}

#[test]
fn derivable_values_are_not_stored() {
    let input =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/en_ewt_empty.conllu")).unwrap();
    let parsed = read_all(input.as_bytes(), "en");
    let d = &parsed[0].document;
    // sent_id and newpar id follow the document id: nothing stored.
    let sentences = d.layer("sentence").unwrap();
    assert!(sentences.spans.iter().all(|s| s.attrs.iter().all(|(n, _)| n == "comments")), "{sentences:?}");
    assert!(d.layer("paragraph").unwrap().spans.iter().all(|s| s.attrs.is_empty()));
    let words = d.layer("word").unwrap();
    // `recommend`: lemma = form, deps = HEAD:DEPREL, root: nothing but tags.
    let names: Vec<&str> = words.spans[2].attrs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["upos", "xpos", "feats"]);
    // The empty node 7.1 is a zero-length span after `did`.
    let empty = &words.spans[7];
    assert_eq!(empty.start, empty.end);
    assert_eq!(&d.text[..empty.start as usize], "I'd recommend them and they did");
    // SpaceAfter=No lives in the text only.
    assert!(words
        .spans
        .iter()
        .flat_map(|s| &s.attrs)
        .all(|(n, v)| n != "misc" || !matches!(v, strata_format::AttrValue::Str(s) if s.contains("SpaceAfter"))));
}

#[test]
fn mismatched_text_comment_is_kept() {
    let input =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/comments_free.conllu")).unwrap();
    let parsed = read_all(input.as_bytes(), "c");
    let s = &parsed[0].document.layer("sentence").unwrap().spans[1];
    let text = s.attrs.iter().find(|(n, _)| n == "text").map(|(_, v)| v.clone());
    assert_eq!(text, Some(strata_format::AttrValue::Str("This text differs from the forms".into())));
}

#[test]
fn other_documents_export_valid_conllu() {
    use strata_format::{AttrValue, Layer, Span};
    let mut doc = Document::new("news-1", "Talks resume.\n\nDiplomats met in Oslo, again.");
    let mut sentences = Layer::new("sentence");
    sentences.spans = vec![Span::new(0, 13), Span::new(15, 44)];
    let mut paragraphs = Layer::new("paragraph");
    paragraphs.spans = vec![Span::new(0, 13), Span::new(15, 44)];
    let mut tokens = Layer::new("token");
    for (s, e) in [(0, 5), (6, 12), (12, 13), (15, 24), (25, 28), (29, 31), (32, 36), (36, 37), (38, 43), (43, 44)] {
        tokens.spans.push(Span::new(s, e));
    }
    tokens.spans[0].attrs.push(("upos".into(), AttrValue::Str("NOUN".into())));
    doc.layers = vec![sentences, paragraphs, tokens];
    let mut out = String::new();
    write_document(&doc, &mut out).unwrap();
    let expected = "# newdoc id = news-1\n# newpar\n# sent_id = news-1-1\n# text = Talks resume.\n\
        1\tTalks\t_\tNOUN\t_\t_\t_\t_\t_\t_\n2\tresume\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n3\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n\
        # newpar\n# sent_id = news-1-2\n# text = Diplomats met in Oslo, again.\n\
        1\tDiplomats\t_\t_\t_\t_\t_\t_\t_\t_\n2\tmet\t_\t_\t_\t_\t_\t_\t_\t_\n3\tin\t_\t_\t_\t_\t_\t_\t_\t_\n\
        4\tOslo\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n5\t,\t_\t_\t_\t_\t_\t_\t_\t_\n\
        6\tagain\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n7\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n";
    assert_eq!(out, expected);
    // And it reads back without problems.
    let parsed = read_all(out.as_bytes(), "x");
    assert_eq!(parsed[0].document.id, "news-1");
}

#[test]
fn write_errors_leave_the_output_alone() {
    let doc = Document::new("d", "text");
    let mut out = String::from("kept");
    assert!(write_document(&doc, &mut out).is_err());
    assert_eq!(out, "kept");
}

/// Writes every document of `input` into a strata file three ways: the
/// owned documents with `add`, the reader's builder with `add_built`, and
/// handed-over documents with `add_built_doc`. Gives the three files and
/// what each reader said.
fn three_ways(input: &[u8], stem: &str) -> [(Vec<u8>, String); 3] {
    use strata_format::BuiltDoc;
    let mut out = Vec::new();
    for way in 0..3 {
        let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
        let mut said = String::new();
        let mut reader = Reader::new(input, stem);
        let mut handed = BuiltDoc::new();
        loop {
            let report = if way == 0 {
                match reader.next() {
                    None => break,
                    Some(Ok(p)) => {
                        wtr.add(&p.document).unwrap();
                        Ok((p.errors, p.warnings, p.lines))
                    }
                    Some(Err(r)) => Err(r),
                }
            } else {
                match reader.next_built() {
                    None => break,
                    Some(Ok(r)) => {
                        if way == 1 {
                            wtr.add_built(reader.builder()).unwrap();
                        } else {
                            reader.builder_mut().hand_over(&mut handed);
                            wtr.add_built_doc(&handed).unwrap();
                        }
                        Ok((r.errors, r.warnings, r.lines))
                    }
                    Some(Err(r)) => Err(r),
                }
            };
            said += &match report {
                Ok(r) => format!("{r:?}\n"),
                Err(r) => format!("rejected {} {:?} {:?}\n", r.id, r.errors, r.lines),
            };
        }
        out.push((wtr.finish().unwrap(), said));
    }
    out.try_into().unwrap()
}

#[test]
fn the_fast_path_writes_the_same_bytes() {
    // Sentences with errors and warnings, a document whose only sentence
    // fails, then all fixtures in one input (ids repeat; after the fixture
    // with `# global.columns`, many lines lack a column).
    let mut all = Vec::new();
    all.extend_from_slice(b"1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n2\tb\t_\t_\t_\t_\t0\troot\t_\t_\n\n");
    all.extend_from_slice(b"1\ta\t_\t_\t_\t_\t1\tdep\t_\t_\n\n1\tbad\n\n\n");
    all.extend_from_slice(b"# newdoc id = broken\n1\ttoo\tfew\n\n# newdoc\n1\tlast\t_\t_\t_\t_\t0\troot\t_\t_\n\n");
    for path in fixtures() {
        let input = std::fs::read(&path).unwrap();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let [added, built, handed] = three_ways(&input, stem);
        assert!(added.0 == built.0, "{}: add_built differs", path.display());
        assert!(added.0 == handed.0, "{}: add_built_doc differs", path.display());
        assert_eq!(added.1, built.1);
        assert_eq!(added.1, handed.1);
        all.extend_from_slice(&input);
    }
    let [added, built, handed] = three_ways(&all, "all");
    assert!(added.1.contains("rejected broken"), "{}", added.1);
    assert!(added.1.contains("expected one root"), "{}", added.1);
    assert!(added.1.contains("a column is missing"), "{}", added.1);
    assert!(added.0 == built.0 && added.0 == handed.0, "all fixtures: the bytes differ");
    assert_eq!(added.1, built.1);
    assert_eq!(added.1, handed.1);
}

/// A reader's dictionary of strings stays bounded on an input whose
/// vocabulary outgrows it (unique 4 KB MISC values, 16 MB in all): the
/// builder starts over between documents, a writer follows it, and the
/// three ways to write still give the same bytes.
#[test]
fn the_builder_forgets_strings_past_its_bound() {
    let value = |i: usize| format!("Note={i:06}{}", "x".repeat(4096));
    let mut input = String::new();
    for d in 0..80 {
        input += &format!("# newdoc id = d{d}\n");
        for s in 0..10 {
            let i = d * 50 + s * 5;
            input += &format!("# sent_id = d{d}-{s}\n# text = a b c d e\n");
            for w in 0..5 {
                let (head, rel) = if w == 0 { (0, "root") } else { (1, "dep") };
                input += &format!(
                    "{}\t{}\t_\tX\t_\t_\t{head}\t{rel}\t_\t{}\n",
                    w + 1,
                    ["a", "b", "c", "d", "e"][w],
                    value(i + w)
                );
            }
            input += "\n";
        }
    }
    assert!(input.len() > STRING_MEMORY + (STRING_MEMORY >> 1));
    let mut reader = Reader::new(input.as_bytes(), "big");
    let mut most = 0;
    while let Some(item) = reader.next_built() {
        assert!(item.unwrap().errors.is_empty());
        most = most.max(reader.builder().dictionary_bytes());
    }
    // At most the bound, plus what one document (50 values) brings and the
    // slack of growing buffers.
    assert!(most < 2 * STRING_MEMORY, "{most}");
    let [added, built, handed] = three_ways(input.as_bytes(), "big");
    assert!(added.0 == built.0 && added.0 == handed.0, "the bytes differ once the builder starts over");
    let corpus = Corpus::from_bytes(handed.0).unwrap();
    let docs: Vec<Document> = corpus.iter().map(|d| d.unwrap().to_owned().unwrap()).collect();
    assert_eq!(write_all(&docs), input);
}
