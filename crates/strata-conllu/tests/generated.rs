//! Generated CoNLL-U files round trip byte for byte, and arbitrary bytes
//! never make the reader panic.

use proptest::prelude::*;
use strata_conllu::{write_document, Reader};
use strata_format::{Corpus, WriterBuilder};

/// A small deterministic generator, so that one `u64` seed describes a file.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const FORMS: &[&str] = &["a", "Hi", "l'", "du", "日本", "مصر", "New York", "_", "x y z", "'s", ".", "don't", "ה_"];
const TAGS: &[&str] = &["_", "NOUN", "VERB", "X"];
const FEATS: &[&str] = &["_", "A=1", "A=1|B=2"];
const RELS: &[&str] = &["_", "root", "nsubj", "obl:arg", "punct"];
const MISC: &[&str] = &[
    "_",
    "SpaceAfter=No",
    "A=1|SpaceAfter=No",
    "SpaceAfter=No|Z=1",
    "Gloss=x",
    "Z=1|SpaceAfter=No",
    "SpacesAfter=\\n",
];

fn word_line(g: &mut Gen, id: &str, form: &str, n: usize, empty: bool) -> String {
    let lemma = if g.chance(50) { form.to_string() } else { g.pick(FORMS).to_string() };
    let head = if empty || g.chance(5) { "_".to_string() } else { g.below(n + 1).to_string() };
    let deprel = g.pick(RELS);
    let deps = match g.below(5) {
        0 => "_".to_string(),
        1 | 2 if head != "_" => format!("{head}:{deprel}"),
        3 if head != "_" => format!("{head}:{deprel}:x|{}:y", g.below(n + 1)),
        _ => format!("{}:z", g.below(n + 1)),
    };
    format!(
        "{id}\t{form}\t{lemma}\t{}\t{}\t{}\t{head}\t{deprel}\t{deps}\t{}",
        g.pick(TAGS),
        g.pick(TAGS),
        g.pick(FEATS),
        g.pick(MISC)
    )
}

/// A file of several documents and sentences, valid at level 1 (trees may
/// be broken: those are warnings).
fn generate(seed: u64) -> String {
    let mut g = Gen(seed | 1);
    let mut out = String::new();
    let sentences = 1 + g.below(6);
    for s in 0..sentences {
        // Comments, in any order.
        let mut comments = Vec::new();
        if g.chance(30) {
            comments.push(if g.chance(70) { format!("# newdoc id = d{s}") } else { "# newdoc".to_string() });
        }
        if g.chance(40) {
            comments.push(if g.chance(50) { format!("# newpar id = p{}", g.below(3)) } else { "# newpar".into() });
        }
        if g.chance(80) {
            comments.push(format!("# sent_id = s-{}", s + g.below(2)));
        }
        if g.chance(20) {
            comments.push("# a free comment = with = signs".into());
        }
        if g.chance(10) {
            comments.push("#".into());
        }
        for _ in 0..g.below(3) {
            let k = g.below(comments.len() + 1);
            let j = g.below(comments.len() + 1);
            if k < comments.len() && j < comments.len() {
                comments.swap(k, j);
            }
        }
        // Words: n integer words, grouped into tokens.
        let n = 1 + g.below(8);
        let mut lines = Vec::new();
        let mut surface = Vec::new();
        let mut i = 1;
        while i <= n {
            let parts = if i < n && g.chance(20) { 2 + g.below((n - i).min(2)) } else { 1 };
            if parts > 1 {
                let forms: Vec<&str> = (0..parts).map(|_| g.pick(FORMS)).collect();
                let token = if g.chance(50) { forms.concat() } else { g.pick(FORMS).to_string() };
                let misc = g.pick(MISC);
                lines.push(format!("{i}-{}\t{token}\t_\t_\t_\t_\t_\t_\t_\t{misc}", i + parts - 1));
                surface.push((token, misc.contains("SpaceAfter=No")));
                for (k, form) in forms.iter().enumerate() {
                    lines.push(word_line(&mut g, &(i + k).to_string(), form, n, false));
                }
                i += parts;
            } else {
                let form = g.pick(FORMS);
                let line = word_line(&mut g, &i.to_string(), form, n, false);
                surface.push((form.to_string(), line.ends_with("SpaceAfter=No") || line.contains("SpaceAfter=No|")));
                lines.push(line);
                i += 1;
            }
            for e in 1..=if g.chance(15) { 1 + g.below(2) } else { 0 } {
                let id = format!("{}.{e}", i - 1);
                let form = g.pick(FORMS);
                lines.push(word_line(&mut g, &id, form, n, true));
            }
        }
        if g.chance(70) {
            let mut text = String::new();
            for (k, (form, no_space)) in surface.iter().enumerate() {
                text.push_str(form);
                if !no_space && k + 1 < surface.len() {
                    text.push(' ');
                }
            }
            if g.chance(20) {
                text = "a differing text".into();
            }
            let at = g.below(comments.len() + 1);
            comments.insert(at, format!("# text = {text}"));
        }
        for c in comments {
            out.push_str(&c);
            out.push('\n');
        }
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

fn round_trip(input: &str) {
    let mut docs = Vec::new();
    for item in Reader::new(input.as_bytes(), "gen") {
        let p = item.unwrap_or_else(|r| panic!("rejected: {:?}\n{input}", r.errors));
        assert!(p.errors.is_empty(), "{:?}\n{input}", p.errors);
        docs.push(p.document);
    }
    let mut out = String::new();
    for doc in &docs {
        write_document(doc, &mut out).unwrap();
    }
    assert_eq!(out, input);
    let mut wtr = WriterBuilder::new().build(Vec::new()).unwrap();
    for doc in &docs {
        wtr.add(doc).unwrap();
    }
    let corpus = Corpus::from_bytes(wtr.finish().unwrap()).unwrap();
    let mut back = String::new();
    for doc in corpus.iter() {
        write_document(&doc.unwrap().to_owned().unwrap(), &mut back).unwrap();
    }
    assert_eq!(back, input);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_files_round_trip(seed in any::<u64>()) {
        round_trip(&generate(seed));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(
        prop_oneof![Just(b'\t'), Just(b'\n'), Just(b'#'), Just(b'1'), Just(b'-'), Just(b'.'), Just(b'_'), Just(b' '),
                    Just(b'\r'), any::<u8>()], 0..200)) {
        for p in Reader::new(&bytes[..], "x").flatten() {
            let mut out = String::new();
            let _ = write_document(&p.document, &mut out);
        }
    }

    #[test]
    fn damaged_files_never_panic(seed in any::<u64>(), cut in any::<usize>(), byte in any::<u8>()) {
        let mut input = generate(seed).into_bytes();
        let at = cut % input.len();
        input[at] = byte;
        for p in Reader::new(&input[..], "x").flatten() {
            let mut out = String::new();
            let _ = write_document(&p.document, &mut out);
        }
    }
}
