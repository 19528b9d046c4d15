//! The Rust side of the benchmark suite (`tools/bench/suite/run.sh`): seeded
//! input generators and in-process reader workloads, each printing one JSON
//! object on standard output for `suite.py` to collect.
//!
//! ```text
//! strata-suite gen-tagged --size-mb N -o FILE       tagged news articles (spec/TAGGED.md)
//! strata-suite gen-conllu --size-mb N -o FILE       CoNLL-U with all ten columns
//! strata-suite open FILE [--n 200]                  Corpus::open, median and tail
//! strata-suite access FILE [--picks 5000]           one random document: by index, by id
//! strata-suite breakdown FILE                       bytes of the file by part: text, each layer's columns, indexes
//! strata-suite scan FILE [--threads N] [--reps R] [--layer L]
//!                                                   every span of every layer with its attributes;
//!                                                   with --layer, the spans of that layer only, text included
//! strata-suite conllu-import FILE [--reps R] [--ways owned,built,written]
//!                                                   CoNLL-U to documents, built, and into strata, in memory
//! strata-suite conllu-export FILE.strata [--reps R] [--owned false]
//!                                                   every document to CoNLL-U in memory, in place and via to_owned
//! strata-suite annotate FILE [--reps R]             sentences and tokens of tagged articles
//! ```
//!
//! Times are wall clock (`std::time::Instant`) in seconds; all reads are warm
//! (the files sit in the page cache). Generators are deterministic: the same
//! seed and size give the same bytes on every machine.

#[allow(dead_code)]
#[path = "../gen.rs"]
mod gen;

use std::error::Error;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::hint::black_box;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use strata_annotate::Annotator;
use strata_format::{AttrValue, Document};
use strata_reader::{AttrType, AttrValueRef, Corpus, Doc};

use crate::gen::{Generator, SplitMix64};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The default seed of the generated inputs (the one `strata-bench` uses).
const SEED: u64 = 0x5157_4a7a_2025_0001;
const MB: u64 = 1_000_000;

const USAGE: &str = "\
usage: strata-suite gen-tagged --size-mb N -o FILE [--seed S]
       strata-suite gen-conllu --size-mb N -o FILE [--seed S]
       strata-suite open FILE [--n N]
       strata-suite access FILE [--picks N] [--seed S]
       strata-suite breakdown FILE
       strata-suite scan FILE [--threads N] [--reps R] [--layer L]
       strata-suite conllu-import FILE [--reps R] [--ways owned,built,written]
       strata-suite conllu-export FILE.strata [--reps R] [--owned false]
       strata-suite annotate FILE [--reps R]";

/// Parsed command line: the command, its positional arguments and options.
struct Args {
    command: String,
    positional: Vec<String>,
    options: Vec<(String, String)>,
}

impl Args {
    fn parse() -> Result<Args> {
        let mut it = std::env::args().skip(1);
        let command = it.next().ok_or(USAGE)?;
        let (mut positional, mut options) = (Vec::new(), Vec::new());
        while let Some(a) = it.next() {
            if a == "-h" || a == "--help" {
                println!("{USAGE}");
                std::process::exit(0);
            }
            if let Some(name) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) {
                let value = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                options.push((name.to_string(), value));
            } else {
                positional.push(a);
            }
        }
        Ok(Args { command, positional, options })
    }

    fn opt<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T> {
        match self.options.iter().rev().find(|(n, _)| n == name) {
            None => Ok(default),
            Some((_, v)) => v.parse().map_err(|_| format!("--{name}: cannot read {v:?}").into()),
        }
    }

    fn out(&self) -> Result<PathBuf> {
        Ok(self
            .options
            .iter()
            .rev()
            .find(|(n, _)| n == "o" || n == "output")
            .ok_or("-o FILE is needed")?
            .1
            .clone()
            .into())
    }

    fn file(&self) -> Result<&str> {
        self.positional.first().map(String::as_str).ok_or_else(|| format!("a FILE is needed\n{USAGE}").into())
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("strata-suite: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<Json> {
    let args = Args::parse()?;
    match args.command.as_str() {
        "gen-tagged" => gen_tagged(&args.out()?, args.opt("size-mb", 10u64)?, args.opt("seed", SEED)?),
        "gen-conllu" => gen_conllu(&args.out()?, args.opt("size-mb", 10u64)?, args.opt("seed", SEED)?),
        "open" => open(args.file()?, args.opt("n", 200usize)?),
        "access" => access(args.file()?, args.opt("picks", 5000usize)?, args.opt("seed", SEED)?),
        "breakdown" => breakdown(args.file()?),
        "scan" => scan(
            args.file()?,
            args.opt("threads", 1usize)?,
            args.opt("reps", 3usize)?,
            Some(args.opt("layer", String::new())?).filter(|l| !l.is_empty()),
        ),
        "conllu-import" => {
            conllu_import(args.file()?, args.opt("reps", 3usize)?, &args.opt("ways", "all".to_string())?)
        }
        "conllu-export" => conllu_export(args.file()?, args.opt("reps", 3usize)?, args.opt("owned", true)?),
        "annotate" => annotate(args.file()?, args.opt("reps", 3usize)?),
        other => Err(format!("unknown command {other:?}\n{USAGE}").into()),
    }
}

/// Median, 99th and 99.9th percentile (nearest rank), minimum and maximum,
/// in seconds.
fn summary(mut times: Vec<Duration>) -> Json {
    times.sort_unstable();
    let n = times.len().max(1);
    let rank = |q: f64| times.get(((q * n as f64).ceil() as usize).clamp(1, n) - 1).map_or(0.0, Duration::as_secs_f64);
    json!({
        "n": times.len(),
        "median": rank(0.5),
        "p99": rank(0.99),
        "p999": rank(0.999),
        "min": times.first().map_or(0.0, Duration::as_secs_f64),
        "max": times.last().map_or(0.0, Duration::as_secs_f64),
    })
}

fn secs(times: &[Duration]) -> Json {
    json!(times.iter().map(Duration::as_secs_f64).collect::<Vec<_>>())
}

// ---------------------------------------------------------------------------
// Generators

/// Tagged articles until the file holds at least `size_mb` MB.
fn gen_tagged(path: &Path, size_mb: u64, seed: u64) -> Result<Json> {
    let target = size_mb.saturating_mul(MB);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut g = Generator::new(seed);
    let (mut bytes, mut articles, mut lines) = (0u64, 0u64, 0u64);
    let mut buf = String::new();
    while bytes < target {
        buf.clear();
        lines += g.tagged_article(&mut buf);
        out.write_all(buf.as_bytes())?;
        bytes += buf.len() as u64;
        articles += 1;
    }
    out.flush()?;
    Ok(json!({"path": path, "seed": seed, "bytes": bytes, "articles": articles, "lines": lines}))
}

/// Part-of-speech tags (Penn) by universal tag, for the XPOS column.
fn xpos(upos: &str, form: &str) -> &'static str {
    let plural = form.ends_with('s');
    match upos {
        "NOUN" if plural => "NNS",
        "NOUN" => "NN",
        "PROPN" => "NNP",
        "VERB" if form.ends_with("ed") => "VBD",
        "VERB" if plural => "VBZ",
        "VERB" => "VB",
        "ADJ" => "JJ",
        "ADP" => "IN",
        "DET" => "DT",
        "PRON" => "PRP",
        "ADV" => "RB",
        "AUX" => "MD",
        "CCONJ" => "CC",
        "NUM" => "CD",
        "PART" => "RP",
        _ => ".",
    }
}

/// Morphological features by universal tag; the same word always gets the
/// same features (picked by a hash of its form), as in a real lexicon.
fn feats(upos: &str, form: &str) -> &'static str {
    let h = form.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let pick = |items: &[&'static str]| items[(h % items.len() as u64) as usize];
    match upos {
        "NOUN" if form.ends_with('s') => "Number=Plur",
        "NOUN" | "PROPN" => "Number=Sing",
        "VERB" => pick(&[
            "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin",
            "Mood=Ind|Tense=Past|VerbForm=Fin",
            "VerbForm=Inf",
            "Tense=Past|VerbForm=Part",
            "VerbForm=Ger",
        ]),
        "AUX" => pick(&["Mood=Ind|Tense=Pres|VerbForm=Fin", "VerbForm=Fin"]),
        "DET" => pick(&["Definite=Def|PronType=Art", "Definite=Ind|PronType=Art", "Number=Sing|PronType=Dem"]),
        "PRON" => pick(&[
            "Case=Nom|Number=Sing|Person=3|PronType=Prs",
            "Case=Acc|Number=Plur|Person=1|PronType=Prs",
            "Number=Sing|Person=1|Poss=Yes|PronType=Prs",
        ]),
        "ADJ" => pick(&["Degree=Pos", "Degree=Pos", "Degree=Cmp", "Degree=Sup"]),
        "NUM" => "NumForm=Digit|NumType=Card",
        _ => "_",
    }
}

/// One CoNLL-U word line in the making.
struct Word<'a> {
    form: &'a str,
    lemma: &'a str,
    upos: &'a str,
    /// 1-based index into the sentence's *tokens* (0: root), before
    /// punctuation is inserted.
    head: usize,
    deprel: &'a str,
    space_after: bool,
    /// Punctuation attaches to the root.
    punct: bool,
}

/// Appends document `doc` (from [`Generator::document`]) as CoNLL-U in the
/// style of UD English EWT: `# newdoc id`, `# newpar id` per paragraph,
/// `# sent_id`, `# text`, all ten columns; the commas, full stops and
/// question marks of the text become `PUNCT` words attached to the root.
/// Returns (sentences, words).
fn conllu_document(doc: &Document, out: &mut String) -> (u64, u64) {
    let layer = |name: &str| doc.layer(name).map_or(&[][..], |l| &l.spans[..]);
    let (paragraphs, sentences) = (layer("paragraph"), layer("sentence"));
    let tokens = doc.layer("token").expect("generated documents have tokens");
    let mut deprels = vec!["root"; tokens.spans.len()];
    for r in &tokens.relations {
        deprels[r.to as usize] = r.label.as_deref().unwrap_or("dep");
    }
    let text = doc.text.as_str();
    let str_attr = |span: &strata_format::Span, name: &str| -> String {
        match span.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v) {
            Some(AttrValue::Str(s)) => s.clone(),
            Some(AttrValue::Int(i)) => i.to_string(),
            None => "_".to_string(),
        }
    };
    let (mut t, mut p, mut nsent, mut nwords) = (0usize, 0usize, 0u64, 0u64);
    for sent in sentences {
        nsent += 1;
        let first = t;
        while t < tokens.spans.len() && tokens.spans[t].end <= sent.end {
            t += 1;
        }
        let (mut lemmas, mut upos) = (Vec::new(), Vec::new());
        for span in &tokens.spans[first..t] {
            lemmas.push(str_attr(span, "lemma"));
            upos.push(str_attr(span, "upos"));
        }
        let mut words: Vec<Word> = Vec::new();
        let mut root = 0;
        for (k, span) in tokens.spans[first..t].iter().enumerate() {
            let head = match span.attrs.iter().find(|(n, _)| n == "head") {
                Some((_, AttrValue::Int(h))) => *h as usize,
                _ => 0,
            };
            if head == 0 {
                root = k + 1;
            }
            let (s, e) = (span.start as usize, span.end as usize);
            let next = if first + k + 1 < t { tokens.spans[first + k + 1].start as usize } else { sent.end as usize };
            let gap = &text[e..next];
            let punct = gap.chars().next().filter(|c| matches!(c, ',' | '.' | '?'));
            words.push(Word {
                form: &text[s..e],
                lemma: &lemmas[k],
                upos: &upos[k],
                head,
                deprel: deprels[first + k],
                space_after: punct.is_none(),
                punct: false,
            });
            if let Some(c) = punct {
                let at = e + c.len_utf8();
                let space_after = at < text.len() && at < next;
                words.push(Word {
                    form: &text[e..at],
                    lemma: &text[e..at],
                    upos: "PUNCT",
                    head: 0,
                    deprel: "punct",
                    space_after,
                    punct: true,
                });
            }
        }
        // New ids: token k (1-based) is word `ids[k]`.
        let mut ids = vec![0usize];
        for (i, w) in words.iter().enumerate() {
            if !w.punct {
                ids.push(i + 1);
            }
        }
        let root_id = ids[root];

        if nsent == 1 {
            let _ = writeln!(out, "# newdoc id = {}", doc.id);
        }
        let _ = writeln!(out, "# sent_id = {}-{:04}", doc.id, nsent);
        if paragraphs.get(p).is_some_and(|par| par.start == sent.start) {
            p += 1;
            let _ = writeln!(out, "# newpar id = {}-p{:04}", doc.id, p);
        }
        out.push_str("# text = ");
        for (i, w) in words.iter().enumerate() {
            out.push_str(w.form);
            if w.space_after && i + 1 < words.len() {
                out.push(' ');
            }
        }
        out.push('\n');
        for (i, w) in words.iter().enumerate() {
            let (head, deprel) = if w.punct {
                (root_id, "punct")
            } else if w.head == 0 {
                (0, "root")
            } else {
                (ids[w.head], w.deprel)
            };
            let misc = if w.space_after || i + 1 == words.len() { "_" } else { "SpaceAfter=No" };
            let tag = if w.punct { w.form } else { xpos(w.upos, w.form) };
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}:{}\t{}",
                i + 1,
                w.form,
                w.lemma,
                w.upos,
                tag,
                feats(w.upos, w.form),
                head,
                deprel,
                head,
                deprel,
                misc
            );
        }
        out.push('\n');
        nwords += words.len() as u64;
    }
    (nsent, nwords)
}

/// Generated documents as CoNLL-U until the file holds at least `size_mb` MB.
fn gen_conllu(path: &Path, size_mb: u64, seed: u64) -> Result<Json> {
    let target = size_mb.saturating_mul(MB);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut g = Generator::new(seed);
    let (mut bytes, mut docs, mut sentences, mut words) = (0u64, 0u64, 0u64, 0u64);
    let mut buf = String::new();
    while bytes < target {
        let mut doc = g.document(docs);
        doc.id = format!("gen-{docs:08}");
        buf.clear();
        let (s, w) = conllu_document(&doc, &mut buf);
        out.write_all(buf.as_bytes())?;
        bytes += buf.len() as u64;
        docs += 1;
        sentences += s;
        words += w;
    }
    out.flush()?;
    Ok(json!({"path": path, "seed": seed, "bytes": bytes, "docs": docs, "sentences": sentences, "words": words}))
}

// ---------------------------------------------------------------------------
// Reader workloads

fn open_corpus(path: &str) -> Result<Corpus> {
    // SAFETY: the suite does not change its files while they are read.
    Ok(unsafe { Corpus::open(path)? })
}

/// `Corpus::open` `n` times (after 10 untimed), unmapping untimed.
fn open(path: &str, n: usize) -> Result<Json> {
    for _ in 0..10 {
        drop(black_box(open_corpus(path)?));
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let c = open_corpus(path)?;
        times.push(t.elapsed());
        drop(black_box(c));
    }
    let c = open_corpus(path)?;
    Ok(json!({
        "file": path,
        "file_bytes": fs::metadata(path)?.len(),
        "docs": c.len(),
        "open": summary(times),
    }))
}

/// Reads everything of one document: its text, and every span, label,
/// attribute value and relation of every layer. Returns a checksum.
fn touch(doc: &Doc<'_>) -> Result<u64> {
    let mut sum = doc.text()?.len() as u64;
    for layer in doc.layers() {
        for span in layer.spans() {
            let span = span?;
            sum = sum.wrapping_add(span.start ^ span.end);
        }
        for i in 0..layer.len() {
            if let Some(l) = layer.label(i)? {
                sum = sum.wrapping_add(l.len() as u64);
            }
        }
        for attr in layer.attrs() {
            for i in 0..layer.len() {
                match attr.get(i)? {
                    Some(AttrValueRef::Str(s)) => sum = sum.wrapping_add(s.len() as u64),
                    Some(AttrValueRef::Int(v)) => sum = sum.wrapping_add(v as u64),
                    None => {}
                }
            }
        }
        for r in 0..layer.relation_count() {
            let rel = layer.relation(r)?;
            sum = sum.wrapping_add((rel.from ^ rel.to) as u64 + rel.label.map_or(0, |l| l.len() as u64));
        }
    }
    Ok(sum)
}

/// `picks` random documents (seeded), each read whole ([`touch`]), found
/// by index and then by id.
fn access(path: &str, picks: usize, seed: u64) -> Result<Json> {
    let c = open_corpus(path)?;
    let n = c.len();
    if n == 0 {
        return Err("the corpus is empty".into());
    }
    let mut rng = SplitMix64::new(seed);
    let chosen: Vec<u64> = (0..picks).map(|_| rng.below(n as usize) as u64).collect();
    let ids: Vec<String> = chosen.iter().map(|&i| Ok(c.doc(i)?.id().to_string())).collect::<Result<_>>()?;
    let mut check = 0u64;
    // Warm-up: one pass over the picks, untimed.
    for &i in &chosen {
        check = check.wrapping_add(touch(&c.doc(i)?)?);
    }
    let (mut by_index, mut by_id, mut text_only) = (Vec::new(), Vec::new(), Vec::new());
    for (&i, id) in chosen.iter().zip(&ids) {
        let t = Instant::now();
        let doc = c.doc(i)?;
        black_box(doc.text()?);
        text_only.push(t.elapsed());

        let t = Instant::now();
        let doc = c.doc(i)?;
        check = check.wrapping_add(touch(&doc)?);
        by_index.push(t.elapsed());

        let t = Instant::now();
        let doc = c.by_id(id)?.ok_or("an id is not found")?;
        check = check.wrapping_add(touch(&doc)?);
        by_id.push(t.elapsed());
    }
    Ok(json!({
        "file": path,
        "file_bytes": fs::metadata(path)?.len(),
        "docs": n,
        "picks": picks,
        "text_by_index": summary(text_only),
        "by_index": summary(by_index),
        "by_id": summary(by_id),
        "checksum": check,
    }))
}

/// Where the bytes of a file go: the text, each layer's columns (spans,
/// labels, fragments, relations, each attribute), the rest of the records
/// (ids, counts, varints), and the indexes, dictionary and schema; with the
/// words (spans of `word`, else `token`) to divide by.
fn breakdown(path: &str) -> Result<Json> {
    let c = open_corpus(path)?;
    let mut text = 0u64;
    let mut words = 0u64;
    let mut layers: std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>> = Default::default();
    for doc in c.iter() {
        let doc = doc?;
        text += doc.text()?.len() as u64;
        let words_layer = if doc.layer("word").is_some() { "word" } else { "token" };
        for layer in doc.layers() {
            if layer.name() == words_layer {
                words += layer.len() as u64;
            }
            let sizes = layer.stored_sizes();
            let parts = layers.entry(layer.name().to_string()).or_default();
            for (part, bytes) in [
                ("spans", sizes.spans),
                ("labels", sizes.labels),
                ("fragments", sizes.fragments),
                ("relations", sizes.relations),
            ] {
                *parts.entry(part.to_string()).or_default() += bytes;
            }
            for (name, bytes) in sizes.attrs {
                *parts.entry(format!("attr {name}")).or_default() += bytes;
            }
        }
    }
    let section = |name: &str| c.sections().iter().find(|s| s.name() == name).map_or(0, |s| s.len);
    let columns: u64 = layers.values().flat_map(|p| p.values()).sum();
    Ok(json!({
        "file": path,
        "file_bytes": fs::metadata(path)?.len(),
        "compressed": c.is_compressed(),
        "words": words,
        "text": text,
        "layers": layers,
        "records_other": section("docs").saturating_sub(text + columns),
        "doc_index": section("doc_index") + section("blocks"),
        "id_index": section("id_index"),
        "strings": section("strings"),
        "schema": section("schema"),
    }))
}

/// Counts of one scan.
#[derive(Default, Clone, Copy)]
struct Counts {
    docs: u64,
    spans: u64,
    words: u64,
    attr_values: u64,
    relations: u64,
    checksum: u64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.docs += o.docs;
        self.spans += o.spans;
        self.words += o.words;
        self.attr_values += o.attr_values;
        self.relations += o.relations;
        self.checksum = self.checksum.wrapping_add(o.checksum);
    }
}

/// With `only`, the spans of that layer alone, each with its text (a
/// word's form), its label, attribute values and relations.
fn scan_range(c: &Corpus, from: u64, to: u64, only: Option<&str>) -> Result<Counts> {
    // The fastest way through: the dictionary checked once, then each
    // column of a layer decoded at once into buffers kept across documents
    // (strata_format's read/batch.rs), codes looked up in the table.
    let table = c.string_table()?;
    let mut k = Counts::default();
    let (mut extents, mut codes, mut rels, mut scratch) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in from..to {
        let doc = c.doc(i)?;
        k.docs += 1;
        let text = doc.text()?;
        k.checksum = k.checksum.wrapping_add(text.len() as u64);
        let words_layer = if doc.layer("word").is_some() { "word" } else { "token" };
        for layer in doc.layers() {
            if only.is_some_and(|name| name != layer.name()) {
                continue;
            }
            let n = layer.len();
            k.spans += n as u64;
            if layer.name() == words_layer {
                k.words += n as u64;
            }
            layer.extents_into(&mut extents, &mut scratch)?;
            layer.label_codes_into(&mut codes);
            for (&(start, end), &label) in extents.iter().zip(&codes) {
                let label = table.get(label).map_or(0, str::len) as u64;
                k.checksum = k.checksum.wrapping_add((start ^ end) + label);
            }
            if only.is_some() {
                for &(start, end) in &extents {
                    let form = text.get(start as usize..end as usize).ok_or("a span is not on character boundaries")?;
                    k.checksum = k.checksum.wrapping_add(form.len() as u64);
                }
            }
            for attr in layer.attrs() {
                if attr.ty() == AttrType::Str {
                    attr.codes_into(&mut codes, &mut scratch)?;
                    for &code in &codes {
                        if let Some(s) = table.get(code) {
                            k.attr_values += 1;
                            k.checksum = k.checksum.wrapping_add(s.len() as u64);
                        }
                    }
                } else {
                    for v in attr.values() {
                        if let (_, AttrValueRef::Int(v)) = v? {
                            k.attr_values += 1;
                            k.checksum = k.checksum.wrapping_add(v as u64);
                        }
                    }
                }
            }
            layer.relations_into(&mut rels, &mut scratch)?;
            for &(from, to, label) in &rels {
                k.relations += 1;
                k.checksum = k.checksum.wrapping_add((from ^ to) as u64 + table.get(label).map_or(0, str::len) as u64);
            }
        }
    }
    Ok(k)
}

/// Every document, every span of every layer with its text offsets, label,
/// attribute values and relations, on `threads` threads (contiguous ranges
/// of documents), `reps` times after one untimed pass.
fn scan(path: &str, threads: usize, reps: usize, only: Option<String>) -> Result<Json> {
    let only = only.as_deref();
    let c = open_corpus(path)?;
    let n = c.len();
    let threads = threads.max(1) as u64;
    let once = || -> Result<Counts> {
        let mut total = Counts::default();
        if threads == 1 {
            total = scan_range(&c, 0, n, only)?;
        } else {
            let parts: Vec<Counts> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let c = &c;
                        s.spawn(move || {
                            scan_range(c, n * t / threads, n * (t + 1) / threads, only).map_err(|e| e.to_string())
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("scan thread panicked"))
                    .collect::<std::result::Result<_, _>>()
            })?;
            for p in parts {
                total.add(p);
            }
        }
        Ok(total)
    };
    let counts = once()?;
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        black_box(once()?);
        times.push(t.elapsed());
    }
    Ok(json!({
        "file": path,
        "file_bytes": fs::metadata(path)?.len(),
        "threads": threads,
        "layer": only,
        "docs": counts.docs,
        "spans": counts.spans,
        "words": counts.words,
        "attr_values": counts.attr_values,
        "relations": counts.relations,
        "seconds": secs(&times),
    }))
}

/// CoNLL-U text to strata in memory, `reps` times each way: owned
/// documents (`Reader` as an iterator), documents built column by column
/// (`Reader::next_built`), and built documents encoded into a strata file
/// in a `Vec` (`Writer::add_built`), the work of `strata convert -j1`
/// without the file system.
fn conllu_import(path: &str, reps: usize, ways: &str) -> Result<Json> {
    let way = |name: &str| ways == "all" || ways.split(',').any(|w| w == name);
    let input = fs::read(path)?;
    let stem = Path::new(path).file_stem().map_or("doc".into(), |s| s.to_string_lossy().into_owned());
    let (mut docs, mut words, mut rejected) = (0u64, 0u64, 0u64);
    let mut times = Vec::with_capacity(reps);
    for _ in 0..if way("owned") { reps.max(1) } else { 0 } {
        let t = Instant::now();
        let (mut d, mut w, mut r) = (0u64, 0u64, 0u64);
        for item in strata_conllu::Reader::new(&input[..], &stem) {
            match item {
                Ok(p) => {
                    d += 1;
                    w += p.document.layer("word").map_or(0, |l| l.spans.iter().filter(|s| s.start < s.end).count())
                        as u64;
                    black_box(&p.document);
                }
                Err(_) => r += 1,
            }
        }
        times.push(t.elapsed());
        (docs, words, rejected) = (d, w, r);
    }
    let mut built_times = Vec::with_capacity(reps);
    for _ in 0..if way("built") { reps.max(1) } else { 0 } {
        let t = Instant::now();
        let mut reader = strata_conllu::Reader::new(&input[..], &stem);
        while let Some(item) = reader.next_built() {
            black_box((item.is_ok(), reader.builder().text().len()));
        }
        built_times.push(t.elapsed());
    }
    let mut write_times = Vec::with_capacity(reps);
    let mut out_bytes = 0;
    for _ in 0..if way("written") { reps.max(1) } else { 0 } {
        let t = Instant::now();
        let mut reader = strata_conllu::Reader::new(&input[..], &stem);
        let mut wtr = strata_format::WriterBuilder::new().build(Vec::new())?;
        while let Some(item) = reader.next_built() {
            if item.is_ok() {
                wtr.add_built(reader.builder())?;
            }
        }
        out_bytes = black_box(wtr.finish()?).len();
        write_times.push(t.elapsed());
    }
    Ok(json!({
        "file": path,
        "bytes": input.len(),
        "docs": docs,
        "words": words,
        "rejected": rejected,
        "seconds": secs(&times),
        "built_seconds": secs(&built_times),
        "built_and_written_seconds": secs(&write_times),
        "strata_bytes": out_bytes,
    }))
}

/// Every document of a strata file to CoNLL-U in a `String` (cleared per
/// document), `reps` times each way: in place (`strata_conllu::DocWriter`)
/// and through an owned copy (`Doc::to_owned` + `write_document`, the path
/// before `write_doc`; skipped with `--owned false`, for profiling). Words
/// are the nonempty spans of the `word` layers.
fn conllu_export(path: &str, reps: usize, owned: bool) -> Result<Json> {
    let corpus = open_corpus(path)?;
    let strings = corpus.string_table()?;
    let words: u64 = corpus
        .iter()
        .map(|d| -> Result<u64> {
            let d = d?;
            let Some(layer) = d.layer("word") else { return Ok(0) };
            Ok(layer.span_columns().iter().flatten().filter(|s| s.start < s.end).count() as u64)
        })
        .sum::<Result<u64>>()?;
    let writer = strata_conllu::DocWriter::new(&strings);
    let mut buf = String::new();
    let mut time = |borrowed: bool| -> Result<(Vec<Duration>, u64)> {
        let mut times = Vec::with_capacity(reps);
        let mut bytes = 0u64;
        for _ in 0..reps.max(1) {
            let t = Instant::now();
            bytes = 0;
            for doc in corpus.iter() {
                let doc = doc?;
                buf.clear();
                if borrowed {
                    writer.write(&doc, &mut buf)?;
                } else {
                    strata_conllu::write_document(&doc.to_owned()?, &mut buf)?;
                }
                bytes += buf.len() as u64;
                black_box(&buf);
            }
            times.push(t.elapsed());
        }
        Ok((times, bytes))
    };
    let (in_place, bytes) = time(true)?;
    let (owned, owned_bytes) = if owned { time(false)? } else { (Vec::new(), bytes) };
    if bytes != owned_bytes {
        return Err(format!("in place wrote {bytes} bytes, through to_owned {owned_bytes}").into());
    }
    let best = |t: &[Duration]| t.iter().min().map_or(0.0, Duration::as_secs_f64);
    let rate = |t: &[Duration]| if t.is_empty() { 0.0 } else { words as f64 / best(t).max(1e-9) };
    Ok(json!({
        "file": path,
        "docs": corpus.len(),
        "words": words,
        "bytes_out": bytes,
        "seconds": secs(&in_place),
        "words_per_second": rate(&in_place),
        "to_owned_seconds": secs(&owned),
        "to_owned_words_per_second": rate(&owned),
    }))
}

/// Tagged articles are parsed (untimed), then the sentence and token
/// annotators run over every document (`strata_annotate::annotate`), `reps`
/// times.
fn annotate(path: &str, reps: usize) -> Result<Json> {
    let options = strata_tagged::Options::default();
    let mut docs = Vec::new();
    let mut text_bytes = 0u64;
    for (n, seg) in strata_tagged::Splitter::new(BufReader::new(File::open(path)?)).enumerate() {
        let (doc, _) = strata_tagged::to_document(&n.to_string(), &seg?, &options).map_err(|p| p.to_string())?;
        text_bytes += doc.text.len() as u64;
        docs.push(doc);
    }
    let which = [Annotator::Sentences, Annotator::Tokens];
    let mut times = Vec::with_capacity(reps);
    let (mut tokens, mut sentences) = (0u64, 0u64);
    for _ in 0..reps.max(1) {
        let mut work = docs.clone();
        let t = Instant::now();
        for doc in &mut work {
            strata_annotate::annotate(doc, &which);
        }
        times.push(t.elapsed());
        let count = |name: &str| work.iter().filter_map(|d| d.layer(name)).map(|l| l.spans.len() as u64).sum();
        (tokens, sentences) = (count("token"), count("sentence"));
    }
    Ok(json!({
        "file": path,
        "docs": docs.len(),
        "text_bytes": text_bytes,
        "tokens": tokens,
        "sentences": sentences,
        "seconds": secs(&times),
    }))
}
