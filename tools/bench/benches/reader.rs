//! Criterion micro-benchmarks of the reader: open, document lookup by index
//! and by id, span iteration and attribute access.
//!
//! ```text
//! cargo bench -p strata-bench --bench reader
//! cargo bench -p strata-bench --bench reader -- open      # only the open benchmarks
//! ```
//!
//! The corpus is 2,000 seeded synthetic news documents (tools/bench/src/gen.rs:
//! paragraphs, sentences, tokens with `upos`, `lemma` and `head`,
//! dependency relations, entities), written once to Cargo's temporary folder
//! for benchmarks, uncompressed and with zstd level 3.

#[allow(dead_code, unused_imports)]
#[path = "../src/gen.rs"]
mod gen;

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use strata_reader::{AttrValueRef, Corpus, WriterBuilder};

const SEED: u64 = 0x5157_4a7a_2025_0001;
const DOCS: u64 = 2000;

/// Writes the corpus (once per run) and returns its path.
fn corpus_file(compression: Option<i32>) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let name = match compression {
        None => "reader-bench.strata".to_string(),
        Some(l) => format!("reader-bench-zstd{l}.strata"),
    };
    let path = dir.join(name);
    let mut wtr = WriterBuilder::new().compression(compression).build(Vec::new()).expect("writer");
    let mut g = gen::Generator::new(SEED);
    for n in 0..DOCS {
        wtr.add(&g.document(n)).expect("add");
    }
    std::fs::write(&path, wtr.finish().expect("finish")).expect("write the corpus");
    path
}

fn open(path: &Path) -> Corpus {
    // SAFETY: the benchmark wrote the file and nothing changes it while mapped.
    unsafe { Corpus::open(path).expect("open") }
}

fn benches(c: &mut Criterion) {
    for (label, compression) in [("plain", None), ("zstd3", Some(3))] {
        let path = corpus_file(compression);
        let corpus = open(&path);
        let n = corpus.len();
        let ids: Vec<String> = (0..n).map(|i| corpus.doc(i).expect("doc").id().to_string()).collect();

        let mut g = c.benchmark_group(format!("reader/{label}"));
        g.bench_function("open", |b| b.iter(|| black_box(open(black_box(&path)))));

        let mut i = 0u64;
        g.bench_function("doc_by_index", |b| {
            b.iter(|| {
                i = (i + 7919) % n;
                black_box(corpus.doc(black_box(i)).expect("doc").id().len())
            })
        });
        let mut i = 0usize;
        g.bench_function("doc_by_id", |b| {
            b.iter(|| {
                i = (i + 7919) % ids.len();
                black_box(corpus.by_id(black_box(&ids[i])).expect("by_id").expect("found").index())
            })
        });
        let mut i = 0u64;
        g.bench_function("doc_text", |b| {
            b.iter(|| {
                i = (i + 7919) % n;
                black_box(corpus.doc(i).expect("doc").text().expect("text").len())
            })
        });

        // Span iteration and attribute access within one document.
        let doc = corpus.doc(n / 2).expect("doc");
        let tokens = doc.layer("token").expect("token layer");
        g.throughput(Throughput::Elements(tokens.len() as u64));
        g.bench_with_input(BenchmarkId::new("token_spans", tokens.len()), &tokens, |b, t| {
            b.iter(|| t.spans().map(|s| s.expect("span")).fold(0u64, |acc, s| acc ^ s.start ^ s.end))
        });
        g.bench_with_input(BenchmarkId::new("token_text", tokens.len()), &tokens, |b, t| {
            b.iter(|| (0..t.len()).map(|i| t.text(i).expect("text").len()).sum::<usize>())
        });
        let upos = tokens.attr("upos").expect("upos");
        g.bench_with_input(BenchmarkId::new("attr_upos", tokens.len()), &tokens, |b, t| {
            b.iter(|| {
                (0..t.len())
                    .filter(|&i| matches!(upos.get(i).expect("attr"), Some(AttrValueRef::Str(s)) if s == "NOUN"))
                    .count()
            })
        });
        let head = tokens.attr("head").expect("head");
        g.bench_with_input(BenchmarkId::new("attr_head", tokens.len()), &tokens, |b, t| {
            b.iter(|| {
                (0..t.len())
                    .map(|i| match head.get(i).expect("attr") {
                        Some(AttrValueRef::Int(h)) => h,
                        _ => 0,
                    })
                    .sum::<i64>()
            })
        });
        g.bench_with_input(BenchmarkId::new("relations", tokens.relation_count()), &tokens, |b, t| {
            b.iter(|| {
                t.relations()
                    .map(|r| r.expect("relation"))
                    .fold(0usize, |acc, r| acc ^ r.from ^ r.to ^ r.label.map_or(0, str::len))
            })
        });
        g.finish();
    }
}

criterion_group!(reader, benches);
criterion_main!(reader);
