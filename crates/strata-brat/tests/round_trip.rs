//! brat fixtures in the shapes of real corpora round trip byte for byte,
//! also through a strata file; bad input is reported at its line and
//! column; generated files round trip.

use std::path::Path;

use proptest::prelude::*;
use strata_brat::{find_pairs, parse, write_ann, write_ann_with, Problem, WriteOptions};
use strata_format::{AttrValue, Corpus, Document, Layer, Relation, Span, WriterBuilder};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn ann_of(doc: &Document) -> String {
    let mut out = String::new();
    write_ann(doc, &mut out).unwrap();
    out
}

/// Writes documents to a strata file in memory and reads them back.
fn through_strata(docs: &[Document]) -> Vec<Document> {
    let mut builder = WriterBuilder::new();
    builder.schema(strata_brat::schema());
    let mut wtr = builder.build(Vec::new()).unwrap();
    for d in docs {
        wtr.add(d).unwrap();
    }
    let corpus = Corpus::from_bytes(wtr.finish().unwrap()).unwrap();
    corpus.iter().map(|d| d.unwrap().to_owned().unwrap()).collect()
}

fn fixtures() -> Vec<(String, String, String)> {
    find_pairs(Path::new(DATA))
        .unwrap()
        .into_iter()
        .map(|p| {
            let txt = std::fs::read_to_string(p.txt.unwrap()).unwrap();
            let ann = std::fs::read_to_string(p.ann.unwrap()).unwrap();
            (p.id, txt, ann)
        })
        .collect()
}

#[test]
fn fixtures_round_trip_byte_for_byte_also_through_strata() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 5);
    let mut docs = Vec::new();
    for (id, txt, ann) in &fixtures {
        let (doc, warnings) = parse(id, txt, ann).unwrap_or_else(|p| panic!("{id}: {p}"));
        if id != "messy" {
            assert!(warnings.is_empty(), "{id}: {warnings:?}");
        }
        assert!(doc.meta("brat-ann").is_none(), "{id}: fell back to the whole file");
        assert_eq!(doc.text, *txt);
        assert_eq!(ann_of(&doc), *ann, "{id}");
        docs.push(doc);
    }
    let read = through_strata(&docs);
    assert_eq!(read, docs);
    for (doc, (id, _, ann)) in read.iter().zip(&fixtures) {
        assert_eq!(ann_of(doc), *ann, "{id} after strata");
    }
}

fn fixture(name: &str) -> Document {
    let (_, txt, ann) = fixtures().into_iter().find(|f| f.0 == name).unwrap();
    parse(name, &txt, &ann).unwrap().0
}

fn attr<'a>(span: &'a Span, name: &str) -> Option<&'a str> {
    span.attrs.iter().find(|(n, _)| n == name).and_then(|(_, v)| match v {
        AttrValue::Str(s) => Some(s.as_str()),
        AttrValue::Int(_) => None,
    })
}

#[test]
fn entities_relations_and_the_rest_land_where_the_spec_says() {
    let doc = fixture("news");
    // The file lists `*`, `N`, `A`, `#` lines in an order of its own.
    assert_eq!(doc.metadata, [("brat-order".to_string(), strata_format::Value::Str("T6 R2 *2 N2 A1 #1".into()))]);
    let brat = doc.layer("brat").unwrap();
    assert_eq!(brat.spans.len(), 6);
    let mayor = &brat.spans[3];
    assert_eq!(mayor.fragments, vec![(35, 53), (55, 67)]);
    assert_eq!((mayor.start, mayor.end), (35, 67));
    assert_eq!(attr(&brat.spans[5], "id"), Some("T7"));
    assert_eq!(&doc.text[brat.spans[5].start as usize..brat.spans[5].end as usize], "Hôtel de Ville");
    assert_eq!(brat.relations[1], Relation { from: 3, to: 4, label: Some("Head_of".into()) });
    let equiv = doc.layer("brat-equiv").unwrap();
    assert_eq!(attr(&equiv.spans[1], "members"), Some("T1 T3"));
    assert_eq!((equiv.spans[1].start, equiv.spans[1].end), (0, 30));
    let norm = &doc.layer("brat-normalization").unwrap().spans[0];
    assert_eq!(
        (norm.label.as_deref(), attr(norm, "ref"), attr(norm, "text")),
        (Some("Reference"), Some("Wikipedia:534366"), Some("Barack Obama"))
    );
    let note = &doc.layer("brat-note").unwrap().spans[0];
    assert_eq!(attr(note, "text"), Some("discontinuous:\tcomma skipped"));
    assert_eq!(note.fragments, mayor.fragments);
    let negated = &doc.layer("brat-attribute").unwrap().spans[0];
    assert_eq!((attr(negated, "target"), negated.start, negated.end), (Some("R1"), 0, 26));
}

#[test]
fn events_cover_their_triggers() {
    let doc = fixture("events");
    let events = doc.layer("brat-event").unwrap();
    let e1 = &events.spans[0];
    assert_eq!((e1.label.as_deref(), e1.start, e1.end), (Some("Phosphorylation"), 12, 26));
    assert_eq!((attr(e1, "trigger"), attr(e1, "args")), (Some("T3"), Some("Theme:T2 Cause:T1")));
    assert!(attr(&events.spans[2], "line").is_none());
    assert!(
        attr(&events.spans[3], "line").is_none(),
        "brat writes a space after the trigger of an event without arguments"
    );
    let relation = &doc.layer("brat-relation").unwrap().spans[0];
    assert_eq!(attr(relation, "args"), Some("Arg1:E1 Arg2:E2"));
    let attrs = doc.layer("brat-attribute").unwrap();
    assert_eq!(attr(&attrs.spans[1], "id"), Some("M2"));
    assert_eq!(attr(&attrs.spans[2], "id"), Some("A3"), "M3 would follow M2");
    assert_eq!(attr(&attrs.spans[2], "value"), Some("High"));
    assert!(doc.meta("brat-order").is_some(), "R1 comes after the attributes");
}

#[test]
fn code_points_become_bytes() {
    let doc = fixture("unicode");
    let brat = doc.layer("brat").unwrap();
    let text_of = |s: &Span| &doc.text[s.start as usize..s.end as usize];
    assert_eq!(text_of(&brat.spans[1]), "東京都");
    assert_eq!(text_of(&brat.spans[3]), "😀🎉");
    assert_eq!(
        brat.spans[4].fragments.iter().map(|&(s, e)| &doc.text[s as usize..e as usize]).collect::<Vec<_>>(),
        ["Café", "Léon"]
    );
    assert_eq!(attr(&brat.spans[1], "id"), Some("T3"));
    assert_eq!(attr(&brat.spans[2], "id"), Some("T10"));
    assert_eq!(attr(&brat.spans[3], "id"), None);
    assert_eq!(brat.relations.len(), 3);
}

#[test]
fn crlf_texts_use_brat_counting() {
    let doc = fixture("crlf");
    assert_eq!(doc.meta("brat-offsets"), Some(&strata_format::Value::Str("lf".into())));
    let group = &doc.layer("brat").unwrap().spans[2];
    assert_eq!(&doc.text[group.start as usize..group.end as usize], "Bob and\r\nCarol");
}

#[test]
fn messy_files_keep_every_byte_and_warn() {
    let (_, txt, ann) = fixtures().into_iter().find(|f| f.0 == "messy").unwrap();
    let (doc, warnings) = parse("messy", &txt, &ann).unwrap();
    let at: Vec<(u64, u64)> = warnings.iter().map(|w| (w.line, w.column)).collect();
    assert_eq!(at, [(1, 1), (4, 18)], "{warnings:?}");
    assert!(warnings[1].message.contains("\"FEVER\""), "{}", warnings[1].message);
    assert_eq!(attr(&doc.layer("brat").unwrap().spans[1], "text"), Some("FEVER"));
}

fn error(txt: &str, ann: &str) -> Problem {
    parse("bad", txt, ann).unwrap_err()
}

#[test]
fn each_error_names_its_line_and_column() {
    let txt = "Zoë met 東京 today.";
    let good = "T1\tPerson 0 3\tZoë\n";
    let cases: &[(&str, (u64, u64), &str)] = &[
        ("T1 Person 0 3 Zoë\n", (2, 3), "expected a tab after the id"),
        ("Tx\tPerson 0 3\tZoë\n", (2, 1), "expected an annotation id"),
        ("T2\tPerson 0 3\tZoë\nT2\tPerson 0 3\tZoë\n", (3, 1), "found \"T2\" again (first on line 2)"),
        ("T2\tPerson 8 99\t東京\n", (2, 13), "expected an offset within the text (17 characters), found 99"),
        ("T2\tPerson 10 8\t東京\n", (2, 11), "no greater than the end 8, found 10"),
        ("T2\tPerson 8 x\t東京\n", (2, 13), "expected an offset"),
        ("T2\tPerson 8\t東京\n", (2, 11), "expected offsets START END"),
        ("T2\tPerson\t東京\n", (2, 10), "expected offsets START END"),
        ("R1\tKnows Arg1:T1 Arg2:T9\n", (2, 23), "found \"T9\""),
        ("R1\tKnows Arg1:T1\n", (2, 17), "three fields"),
        ("R1\tKnows Arg1:T1 Arg2:T1 Arg3:T1\n", (2, 26), "three fields"),
        ("E1\tMeet T1\n", (2, 4), "TYPE:TRIGGER"),
        ("E1\tMeet:R1\nR1\tX Arg1:T1 Arg2:T1\n", (2, 9), "as trigger"),
        ("A1\tNegation\n", (2, 12), "two or three fields"),
        ("A1\tNegation T5\n", (2, 13), "found \"T5\""),
        ("N1\tReference T1 534366\n", (2, 17), "DB:ID"),
        ("#1\tAnnotatorNotes\tx\n", (2, 18), "two fields"),
        ("*\tEquiv\n", (2, 8), "at least one member"),
        ("*\tEquiv T1 T4\n", (2, 12), "found \"T4\""),
    ];
    for (bad, (line, column), message) in cases {
        let p = error(txt, &format!("{good}{bad}"));
        assert_eq!((p.line, p.column), (*line, *column), "{bad:?}: {p}");
        assert!(p.message.contains(message), "{bad:?}: {p}");
    }
    // Columns count characters, not bytes.
    let p = error(txt, "T1\tPersön 0 3\tZoë\nT2\tÖrt 8 x\t東京\n");
    assert_eq!((p.line, p.column), (2, 10));
}

#[test]
fn documents_from_elsewhere_export_their_entities() {
    let mut doc = Document::new("sgml-1", "Kyiv – Київ talks\nin Geneva");
    let mut entity = Layer::new("entity");
    entity.spans.push(Span::new(0, 4).with_label("GPE"));
    entity.spans.push(Span::new(9, 17).with_label("GPE").with_attr("lang", AttrValue::Str("uk".into())));
    entity.spans.push(Span::new(9, 26).with_attr("rank", AttrValue::Int(2)));
    entity.relations.push(Relation { from: 0, to: 1, label: Some("same as".into()) });
    doc.layers.push(entity);
    let ann = ann_of(&doc);
    assert_eq!(
        ann,
        "T1\tGPE 0 4\tKyiv\nT2\tGPE 7 11\tКиїв\nT3\tentity 7 20\tКиїв talks in\nR1\tsame_as Arg1:T1 Arg2:T2\n\
         A1\tlang T2 uk\nA2\trank T3 2\n"
    );
    let (back, warnings) = parse("sgml-1", &doc.text, &ann).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(back.layer("brat").unwrap().spans[1], Span::new(9, 17).with_label("GPE"));
    let options = WriteOptions { layers: vec!["nothing".into()] };
    let mut out = String::new();
    write_ann_with(&doc, &options, &mut out).unwrap();
    assert_eq!(out, "");
}

#[test]
fn edited_documents_are_written_canonically() {
    let mut doc = fixture("unicode");
    let brat = doc.layers.iter_mut().find(|l| l.name == "brat").unwrap();
    brat.spans[0].start = 1; // "oë": the kept id stays, the line is rebuilt
    brat.spans[0].attrs.push(("line".into(), AttrValue::Str("T1\tPerson 0 3\tZoë".into())));
    let ann = ann_of(&doc);
    assert!(ann.starts_with("T1\tPerson 1 3\toë\r\nT3\tGPE 13 16\t東京都\r\n"), "{ann}");
    let mut bad = doc.clone();
    bad.layers.iter_mut().find(|l| l.name == "brat").unwrap().spans[0].start = 3; // inside "ë"
    assert!(write_ann(&bad, &mut String::new()).unwrap_err().message.contains("whole characters"));
}

// ---- generated files ----

const TEXTS: [&str; 4] = ["Zoë met Renée in 東京 😀.\nThen café.", "plain ascii text here", "a\r\nb\r\nc d e", ""];

#[derive(Clone, Debug)]
enum Gen {
    T(usize, usize, Option<(usize, usize)>, bool),
    R(usize, usize, bool),
    E(usize, Vec<usize>),
    A(usize, Option<u8>),
    N(usize),
    Note(usize, String),
    Equiv(Vec<usize>),
    Blank,
}

fn gen_line() -> impl Strategy<Value = Gen> {
    let n = any::<usize>;
    prop_oneof![
        4 => (n(), n(), prop::option::weighted(0.2, (n(), n())), prop::bool::weighted(0.1))
            .prop_map(|(a, b, f, odd)| Gen::T(a, b, f, odd)),
        2 => (n(), n(), any::<bool>()).prop_map(|(a, b, odd)| Gen::R(a, b, odd)),
        1 => (n(), prop::collection::vec(n(), 0..3)).prop_map(|(t, a)| Gen::E(t, a)),
        1 => (n(), prop::option::of(0u8..3)).prop_map(|(t, v)| Gen::A(t, v)),
        1 => n().prop_map(Gen::N),
        1 => (n(), "[a-zé\t 😀]{0,8}").prop_map(|(t, s)| Gen::Note(t, s)),
        1 => prop::collection::vec(n(), 1..4).prop_map(Gen::Equiv),
        1 => Just(Gen::Blank),
    ]
}

/// Renders generated lines as an `.ann` over `text`; references pick among
/// the annotations made so far (all references resolve).
fn render(text: &str, lines: &[Gen], ids: (u64, bool), eol: &str, last_eol: bool) -> String {
    let n = text.chars().count();
    let chars: Vec<char> = text.chars().collect();
    let cover = |a: usize, b: usize| chars[a..b].iter().collect::<String>().replace(['\r', '\n'], " ");
    let (step, gaps) = ids;
    let mut ts: Vec<String> = Vec::new();
    let mut es: Vec<String> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let mut counter = 0u64;
    let mut next = |p: &str| {
        counter += if gaps { step } else { 1 };
        format!("{p}{counter}")
    };
    for g in lines {
        let line = match g {
            Gen::T(a, b, frag, odd) => {
                let (mut a, mut b) = (a % (n + 1), b % (n + 1));
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                let id = next("T");
                let mut offsets = format!("{a} {b}");
                let mut covered = cover(a, b);
                if let Some((c, d)) = frag {
                    let (c, d) = (b + c % (n + 1 - b), b + d % (n + 1 - b));
                    let (c, d) = (c.min(d), c.max(d));
                    offsets.push_str(&format!(";{c} {d}"));
                    covered = format!("{covered} {}", cover(c, d));
                }
                if *odd {
                    covered.push('!');
                }
                ts.push(id.clone());
                all.push(id.clone());
                format!("{id}\tType {offsets}\t{covered}")
            }
            _ if ts.is_empty() => continue,
            Gen::R(a, b, odd) => {
                let id = next("R");
                let (a, b) = (ts[a % ts.len()].clone(), all[b % all.len()].clone());
                let sep = if *odd { "\t" } else { " " };
                all.push(id.clone());
                format!("{id}\tRel Arg1:{a}{sep}Arg2:{b}")
            }
            Gen::E(t, args) => {
                let id = next("E");
                let mut line = format!("{id}\tEv:{}", ts[t % ts.len()]);
                for (k, a) in args.iter().enumerate() {
                    let pool = if k % 2 == 0 || es.is_empty() { &ts } else { &es };
                    line.push_str(&format!(" Theme{k}:{}", pool[a % pool.len()]));
                }
                es.push(id.clone());
                all.push(id.clone());
                line
            }
            Gen::A(t, v) => {
                let id = next(if v.is_some() { "A" } else { "M" });
                let v = v.map(|v| format!(" V{v}")).unwrap_or_default();
                format!("{id}\tFlag {}{v}", all[t % all.len()])
            }
            Gen::N(t) => format!("{}\tReference {} Wiki:1\tName", next("N"), ts[t % ts.len()]),
            Gen::Note(t, s) => format!("{}\tAnnotatorNotes {}\t{s}", next("#"), all[t % all.len()]),
            Gen::Equiv(m) => {
                format!("*\tEquiv {}", m.iter().map(|k| ts[k % ts.len()].clone()).collect::<Vec<_>>().join(" "))
            }
            Gen::Blank => String::new(),
        };
        out.push(line);
    }
    let mut s = out.join(eol);
    if last_eol && !out.is_empty() {
        s.push_str(eol);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_files_round_trip(
        t in 0..TEXTS.len(),
        lines in prop::collection::vec(gen_line(), 0..20),
        ids in (1u64..3, any::<bool>()),
        crlf in any::<bool>(),
        last_eol in any::<bool>(),
    ) {
        let text = TEXTS[t];
        let ann = render(text, &lines, ids, if crlf { "\r\n" } else { "\n" }, last_eol);
        let (doc, _) = parse("g", text, &ann).unwrap_or_else(|p| panic!("{p}\n{ann:?}"));
        prop_assert!(doc.meta("brat-ann").is_none());
        prop_assert_eq!(&ann_of(&doc), &ann);
        let read = through_strata(std::slice::from_ref(&doc));
        prop_assert_eq!(&read[0], &doc);
        prop_assert_eq!(ann_of(&read[0]), ann);
    }

    #[test]
    fn the_parser_never_panics(text in "[a-zé😀\r\n ]{0,12}", ann in "([TREAMN#*]?[0-9]?[\t :;a-z0-9]{0,12}\r?\n?){0,6}") {
        if let Ok((doc, _)) = parse("x", &text, &ann) {
            prop_assert_eq!(ann_of(&doc), ann);
        }
    }
}
