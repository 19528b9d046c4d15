//! Measures the sentence and token annotators against a UD treebank.
//!
//! ```text
//! cargo run --release -p strata-annotate --example eval_ewt -- en_ewt-ud-dev.conllu [--errors N] [--speed FILE]
//! ```
//!
//! Each `# newdoc` starts a document and each `# newpar` a paragraph; the
//! text is rebuilt from the `# text` lines, sentences joined by a space and
//! paragraphs by a blank line, with a `paragraph` layer over each paragraph.
//! Precision, recall and F1 are over exact spans (start and end both right,
//! as the CoNLL 2018 shared task scores them), for sentences, for surface
//! tokens (a multiword token such as "don't" is one) and for syntactic
//! words ("do" "n't"), and over sentence ends that are not paragraph ends
//! (the ones the annotator has to find). Speed is for tokens and sentences
//! together on the rebuilt texts, and with `--speed FILE` on that file
//! repeated to 100 MB as one text.
//!
//! The CoNLL-U reader here is the least that this needs, on purpose: the
//! example must not depend on the real reader.

use std::collections::HashSet;
use std::ops::Range;
use std::time::Instant;

use strata_annotate::{annotate, segment, Annotator};
use strata_format::{Document, Layer, Span};

/// One sentence: its text and its surface tokens, each with the syntactic
/// words of a multiword token (empty for a plain token).
struct Sentence {
    text: String,
    tokens: Vec<(String, Vec<String>)>,
}

#[derive(Default)]
struct Doc {
    paragraphs: Vec<Vec<Sentence>>,
}

fn read_conllu(input: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut sent: Option<Sentence> = None;
    let mut mwt_end = 0usize;
    let mut new_doc = true;
    let mut new_par = true;
    for line in input.lines() {
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start();
            if comment.starts_with("newdoc") {
                new_doc = true;
            } else if comment.starts_with("newpar") {
                new_par = true;
            } else if let Some(text) = comment.strip_prefix("text = ") {
                if new_doc || docs.is_empty() {
                    docs.push(Doc::default());
                    new_doc = false;
                    new_par = true;
                }
                let doc = docs.last_mut().expect("a document");
                if new_par || doc.paragraphs.is_empty() {
                    doc.paragraphs.push(Vec::new());
                    new_par = false;
                }
                sent = Some(Sentence { text: text.to_string(), tokens: Vec::new() });
            }
            continue;
        }
        if line.trim().is_empty() {
            if let Some(s) = sent.take() {
                let doc = docs.last_mut().expect("a document");
                doc.paragraphs.last_mut().expect("a paragraph").push(s);
            }
            mwt_end = 0;
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(id), Some(form)) = (cols.next(), cols.next()) else { continue };
        let Some(s) = sent.as_mut() else { continue };
        if id.contains('.') {
            continue; // An empty node.
        }
        if let Some((_, last)) = id.split_once('-') {
            mwt_end = last.parse().unwrap_or(0);
            s.tokens.push((form.to_string(), Vec::new()));
        } else if id.parse::<usize>().unwrap_or(0) <= mwt_end {
            s.tokens.last_mut().expect("a multiword token").1.push(form.to_string());
        } else {
            s.tokens.push((form.to_string(), Vec::new()));
        }
    }
    if let Some(s) = sent.take() {
        docs.last_mut().expect("a document").paragraphs.last_mut().expect("a paragraph").push(s);
    }
    docs
}

/// A rebuilt document with its gold spans.
struct Gold {
    doc: Document,
    sentences: Vec<Range<usize>>,
    /// Sentence ends that are not paragraph ends.
    inner_ends: Vec<usize>,
    tokens: Vec<Range<usize>>,
    words: Vec<Range<usize>>,
    misaligned: usize,
}

fn rebuild(id: usize, d: &Doc) -> Gold {
    let mut text = String::new();
    let mut paragraphs = Vec::new();
    let mut g = Gold {
        doc: Document::default(),
        sentences: Vec::new(),
        inner_ends: Vec::new(),
        tokens: Vec::new(),
        words: Vec::new(),
        misaligned: 0,
    };
    for (p, par) in d.paragraphs.iter().enumerate() {
        if p > 0 {
            text.push_str("\n\n");
        }
        let par_start = text.len();
        for (k, s) in par.iter().enumerate() {
            if k > 0 {
                text.push(' ');
            }
            let base = text.len();
            text.push_str(&s.text);
            g.sentences.push(base..text.len());
            if k + 1 < par.len() {
                g.inner_ends.push(text.len());
            }
            let mut at = 0;
            for (form, words) in &s.tokens {
                let rest = &s.text[at..];
                let skip = rest.len() - rest.trim_start().len();
                at += skip;
                if !s.text[at..].starts_with(form.as_str()) {
                    // A form that differs from the text: look it up further on.
                    g.misaligned += 1;
                    match s.text[at..].find(form.as_str()) {
                        Some(off) => at += off,
                        None => continue,
                    }
                }
                let tok = base + at..base + at + form.len();
                g.tokens.push(tok.clone());
                if !words.is_empty() && words.concat() == *form {
                    let mut w = tok.start;
                    for word in words {
                        g.words.push(w..w + word.len());
                        w += word.len();
                    }
                } else {
                    g.words.push(tok);
                }
                at += form.len();
            }
        }
        paragraphs.push(Span::new(par_start as u64, text.len() as u64));
    }
    g.doc = Document::new(format!("doc{id}"), text);
    g.doc.layers.push(Layer { spans: paragraphs, ..Layer::new("paragraph") });
    g
}

#[derive(Default)]
struct Score {
    gold: usize,
    got: usize,
    right: usize,
}

impl Score {
    fn add<T: std::hash::Hash + Eq + Clone>(&mut self, gold: &[T], got: &[T]) {
        let gold_set: HashSet<T> = gold.iter().cloned().collect();
        self.gold += gold.len();
        self.got += got.len();
        self.right += got.iter().filter(|x| gold_set.contains(x)).count();
    }

    fn line(&self, what: &str) -> String {
        let p = self.right as f64 / self.got.max(1) as f64;
        let r = self.right as f64 / self.gold.max(1) as f64;
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        format!(
            "{what:<34} P {:6.2}%  R {:6.2}%  F1 {:6.2}%  (gold {}, found {}, right {})",
            100.0 * p,
            100.0 * r,
            100.0 * f,
            self.gold,
            self.got,
            self.right
        )
    }
}

fn spans(doc: &Document, layer: &str) -> Vec<Range<usize>> {
    doc.layer(layer).map_or(Vec::new(), |l| l.spans.iter().map(|s| s.start as usize..s.end as usize).collect())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: eval_ewt FILE.conllu [--errors N] [--speed FILE]");
        std::process::exit(2);
    };
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let show_errors: usize = flag("--errors").and_then(|n| n.parse().ok()).unwrap_or(0);
    let input = std::fs::read_to_string(path).expect("a readable UTF-8 file");
    let docs = read_conllu(&input);
    let golds: Vec<Gold> = docs.iter().enumerate().map(|(i, d)| rebuild(i, d)).collect();

    let (mut sent, mut inner, mut tok, mut word) =
        (Score::default(), Score::default(), Score::default(), Score::default());
    let mut shown = 0;
    let mut misaligned = 0;
    for g in &golds {
        let mut doc = g.doc.clone();
        annotate(&mut doc, &[Annotator::Sentences, Annotator::Tokens]);
        let got_sents = spans(&doc, "sentence");
        let got_toks = spans(&doc, "token");
        sent.add(&g.sentences, &got_sents);
        let para_ends: HashSet<usize> = g.doc.layers[0].spans.iter().map(|s| s.end as usize).collect();
        let got_inner: Vec<usize> = got_sents.iter().map(|r| r.end).filter(|e| !para_ends.contains(e)).collect();
        inner.add(&g.inner_ends, &got_inner);
        tok.add(&g.tokens, &got_toks);
        word.add(&g.words, &got_toks);
        misaligned += g.misaligned;
        if shown < show_errors {
            let text = &g.doc.text;
            let gold_ends: HashSet<usize> = g.inner_ends.iter().copied().collect();
            let got_ends: HashSet<usize> = got_inner.iter().copied().collect();
            let ctx = |e: usize| {
                let mut a = e.saturating_sub(40);
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (e + 30).min(text.len());
                while !text.is_char_boundary(b) {
                    b += 1;
                }
                format!("{}|{}", &text[a..e], &text[e..b]).replace('\n', "¶")
            };
            for e in g.inner_ends.iter().filter(|e| !got_ends.contains(e)) {
                println!("missed sentence end: {}", ctx(*e));
            }
            for e in got_inner.iter().filter(|e| !gold_ends.contains(e)) {
                println!("wrong sentence end:  {}", ctx(*e));
            }
            let gold_set: HashSet<&Range<usize>> = g.words.iter().collect();
            for r in got_toks.iter().filter(|r| !gold_set.contains(r)) {
                println!("wrong token: {:?} in {}", &text[r.clone()], ctx(r.end).trim());
            }
            shown += 1;
        }
    }
    let bytes: usize = golds.iter().map(|g| g.doc.text.len()).sum();
    println!("{} documents, {} bytes of text, {} forms not found as is in the text", golds.len(), bytes, misaligned);
    println!("{}", sent.line("sentences (exact spans)"));
    println!("{}", inner.line("sentence ends inside paragraphs"));
    println!("{}", tok.line("tokens vs surface tokens"));
    println!("{}", word.line("tokens vs syntactic words"));

    // Speed: tokens and sentences of every document, repeated to >= 100 MB.
    let texts: Vec<&str> = golds.iter().map(|g| g.doc.text.as_str()).collect();
    let rounds = (100_000_000 / bytes.max(1)).max(1);
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for text in &texts {
            let seg = segment(text);
            n += seg.tokens.len() + seg.sentences.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "speed, segment() on the EWT texts: {:.0} MB/s ({} MB in {:.2} s, {} spans)",
        (rounds * bytes) as f64 / secs / 1e6,
        rounds * bytes / 1_000_000,
        secs,
        n
    );
    let t = Instant::now();
    for _ in 0..rounds.div_ceil(4) {
        for g in &golds {
            let mut doc = g.doc.clone();
            annotate(&mut doc, &[Annotator::Sentences, Annotator::Tokens]);
            std::hint::black_box(&doc);
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!("speed, annotate() with spans and layers: {:.0} MB/s", (rounds.div_ceil(4) * bytes) as f64 / secs / 1e6);

    if let Some(file) = flag("--speed") {
        let one = std::fs::read_to_string(&file).expect("a readable UTF-8 file");
        let mut big = String::with_capacity(100_000_000 + one.len());
        while big.len() < 100_000_000 {
            big.push_str(&one);
            big.push_str("\n\n");
        }
        let t = Instant::now();
        let seg = segment(&big);
        let secs = t.elapsed().as_secs_f64();
        println!(
            "speed, segment() on {file} repeated to {} MB: {:.0} MB/s ({} tokens, {} sentences)",
            big.len() / 1_000_000,
            big.len() as f64 / secs / 1e6,
            seg.tokens.len(),
            seg.sentences.len()
        );
    }
}
