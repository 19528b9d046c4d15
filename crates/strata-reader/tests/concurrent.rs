//! Eight threads read one memory-mapped corpus at once, random documents by
//! index and by id, every layer, span, label, fragment, attribute and
//! relation, and see exactly what one thread sees, for an uncompressed and
//! a zstd-compressed file.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use strata_reader::{
    AtomicFile, AttrValue, Corpus, Date, Doc, Document, Layer, Relation, Span, Value, ValueRef, WriterBuilder,
};

const DOCS: u64 = 300;
const THREADS: u64 = 8;
const READS_PER_THREAD: usize = 500;

/// xorshift64*: seeded, so every run reads the same documents.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 12] =
    ["talks", "Ōsaka", "go", "on", "naïve", "ministers", "said", "the", "Zürich", "accord", "won't", "hold"];

/// A document of a few sentences with tokens (attributes, relations),
/// entities (labels, some discontinuous) and typed metadata.
fn document(i: u64, rng: &mut Rng) -> Document {
    let mut text = String::new();
    let mut sentences = Layer::new("sentence");
    let mut tokens = Layer::new("token");
    for _ in 0..1 + rng.below(6) {
        let start = text.len() as u64;
        for w in 0..2 + rng.below(12) {
            if w > 0 {
                text.push(' ');
            }
            let from = text.len() as u64;
            let word = WORDS[rng.below(WORDS.len() as u64) as usize];
            text.push_str(word);
            let mut span = Span::new(from, text.len() as u64);
            span.attrs.push(("lemma".into(), AttrValue::Str(word.to_lowercase())));
            if rng.below(3) > 0 {
                span.attrs.push(("n".into(), AttrValue::Int(rng.below(1000) as i64 - 500)));
            }
            tokens.spans.push(span);
        }
        text.push_str(".\n");
        sentences.spans.push(Span::new(start, text.len() as u64));
    }
    // Heads: each token but the first of the document points at an earlier one.
    for t in 1..tokens.spans.len() as u64 {
        let label = ["nsubj", "obj", "punct"][rng.below(3) as usize];
        tokens.relations.push(Relation { from: rng.below(t), to: t, label: Some(label.into()) });
    }
    let mut entities = Layer::new("entity");
    for _ in 0..rng.below(4) {
        let a = rng.below(tokens.spans.len() as u64) as usize;
        let b = (a + 1 + rng.below(3) as usize).min(tokens.spans.len() - 1);
        let mut span = Span::new(tokens.spans[a].start, tokens.spans[b].end);
        span.label = Some(["PER", "LOC", "ORG"][rng.below(3) as usize].into());
        if b > a + 1 && rng.below(2) == 0 {
            span.fragments =
                vec![(tokens.spans[a].start, tokens.spans[a].end), (tokens.spans[b].start, tokens.spans[b].end)];
        }
        entities.spans.push(span);
    }
    entities.spans.sort_by_key(|s| (s.start, s.end));
    let mut doc = Document::new(format!("doc-{i:05}"), text);
    doc.metadata.push(("date".into(), Value::Date(Date::new(2020 + (i % 5) as u16, 1 + (i % 12) as u8, 1).unwrap())));
    doc.metadata.push(("title".into(), Value::Str(format!("Title {i}"))));
    doc.metadata.push(("rank".into(), Value::Int(i as i64 * 7)));
    doc.metadata.push(("topics".into(), Value::List(vec!["a".into(), format!("t{}", i % 3)])));
    doc.layers.push(sentences);
    doc.layers.push(tokens);
    if !entities.spans.is_empty() {
        doc.layers.push(entities);
    }
    doc
}

fn write_corpus(path: &Path, compressed: bool) {
    let mut out = AtomicFile::create(path).unwrap();
    let mut builder = WriterBuilder::new();
    if compressed {
        // Small blocks so that documents spread over many of them.
        builder.compression(Some(3)).block_size(4096);
    }
    let mut wtr = builder.build(&mut out).unwrap();
    let mut rng = Rng(0x5eed_0000_0000_0001);
    for i in 0..DOCS {
        wtr.add(&document(i, &mut rng)).unwrap();
    }
    wtr.finish().unwrap();
    out.commit().unwrap();
}

/// Everything a reader can see of a document, through the borrowed views,
/// as text.
fn render(doc: &Doc<'_>) -> String {
    let mut s = String::new();
    writeln!(s, "{} {} {:?}", doc.index(), doc.id(), doc.text().unwrap()).unwrap();
    for m in doc.metadata() {
        let (name, value) = m.unwrap();
        let value = match value {
            ValueRef::List(list) => format!("{:?}", list.collect::<Vec<_>>()),
            other => format!("{:?}", other.to_value().unwrap()),
        };
        writeln!(s, "meta {name} {value}").unwrap();
    }
    for layer in doc.layers() {
        writeln!(s, "layer {} {}", layer.name(), layer.len()).unwrap();
        for i in 0..layer.len() {
            let span = layer.span(i).unwrap();
            write!(s, "{}..{} {:?} {:?}", span.start, span.end, layer.text(i).unwrap(), layer.label(i).unwrap())
                .unwrap();
            write!(s, " {:?}", layer.fragments(i).unwrap()).unwrap();
            for a in layer.attrs() {
                write!(s, " {}={:?}", a.name(), a.get(i).unwrap()).unwrap();
            }
            s.push('\n');
        }
        for r in layer.relations() {
            let r = r.unwrap();
            writeln!(s, "rel {} {} {:?}", r.from, r.to, r.label).unwrap();
        }
    }
    // The owned copy must agree with the views too.
    writeln!(s, "{:?}", doc.to_owned().unwrap()).unwrap();
    s
}

fn check(compressed: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.strata");
    write_corpus(&path, compressed);
    // SAFETY: the test owns the file and does not change it while mapped.
    let corpus = Arc::new(unsafe { Corpus::open(&path) }.unwrap());
    assert_eq!(corpus.len(), DOCS);
    assert_eq!(corpus.is_compressed(), compressed);

    // One thread: the expected answers, and a check against what was written.
    let mut rng = Rng(0x5eed_0000_0000_0001);
    let expected: Vec<String> = (0..DOCS)
        .map(|i| {
            let doc = corpus.doc(i).unwrap();
            assert_eq!(doc.to_owned().unwrap(), document(i, &mut rng));
            render(&doc)
        })
        .collect();
    let expected = Arc::new(expected);

    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let corpus = Arc::clone(&corpus);
            let expected = Arc::clone(&expected);
            std::thread::spawn(move || {
                let mut rng = Rng(0x1234_5678 + t * 0x9e37_79b9);
                for n in 0..READS_PER_THREAD {
                    let i = rng.below(DOCS);
                    let got = if rng.below(2) == 0 {
                        render(&corpus.doc(i).unwrap())
                    } else {
                        render(&corpus.by_id(&format!("doc-{i:05}")).unwrap().expect("every id was written"))
                    };
                    assert_eq!(got, expected[i as usize], "thread {t}, read {n}, document {i}");
                    if n % 500 == 0 {
                        assert!(corpus.by_id("no-such-doc").unwrap().is_none());
                    }
                }
                // And one full pass in order, as `iter` gives it.
                for (i, doc) in corpus.iter().enumerate() {
                    assert_eq!(render(&doc.unwrap()), expected[i], "thread {t}, iter, document {i}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a reading thread panicked");
    }

    // Shared by plain reference too, with the checks running at the same time.
    std::thread::scope(|scope| {
        let corpus: &Corpus = &corpus;
        scope.spawn(move || corpus.verify().unwrap());
        scope.spawn(move || assert!(corpus.validate().is_empty()));
        for t in 0..THREADS - 2 {
            let expected = &expected;
            scope.spawn(move || {
                let mut rng = Rng(0xabcd + t);
                for _ in 0..READS_PER_THREAD / 3 {
                    let i = rng.below(DOCS);
                    assert_eq!(render(&corpus.doc(i).unwrap()), expected[i as usize]);
                }
            });
        }
    });
}

#[test]
fn eight_threads_read_an_uncompressed_corpus_like_one() {
    check(false);
}

#[test]
fn eight_threads_read_a_compressed_corpus_like_one() {
    check(true);
}
