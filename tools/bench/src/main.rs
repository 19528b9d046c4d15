//! Benchmarks of the strata format: how big a corpus file is, how fast the
//! streaming writer is, how long opening a file takes as files grow, and how
//! fast `strata convert` turns tagged news articles into a strata file.
//!
//! Run from the workspace root:
//!
//! ```text
//! cargo run --release -p strata-bench                 # format workload (writes a ~1 GB file)
//! cargo run --release -p strata-bench -- --quick      # ~64 MB instead of ~1 GB
//! cargo run --release -p strata-bench -- --dir /tmp/x # where to put the files
//! cargo run --release -p strata-bench -- tagged       # tagged workload (200 MB of articles)
//! cargo run --release -p strata-bench -- tagged --size-mb 50
//! cargo run --release -p strata-bench -- merge        # merge vs conversion, cat cost
//! cargo run --release -p strata-bench -- scale        # past 4 GiB of text and 2^32 spans (~17 GB)
//! ```
//!
//! There are two workloads. `format` (the default, also when no workload is
//! named) measures the format itself, in process; `tagged` (see the
//! [`tagged`] module) times the `strata` binary converting tagged articles,
//! against `wc -l` and `cat` on the same file.
//!
//! What `format` measures:
//!
//! 1. **Size.** A synthetic news corpus (seeded, so every run writes the
//!    same bytes) of about 20 MB of text: paragraphs, sentences, tokens with
//!    `upos`/`lemma`/`head` attributes and dependency relations, entities;
//!    date, title and topics metadata. It is written twice, uncompressed and
//!    with zstd level 3, and the table gives documents, spans, file bytes,
//!    bytes per document, span and token, the share of the file that is
//!    text, and the writer's throughput in MB of text per second (time spent
//!    in `Writer::add` and `Writer::finish` only, not in generating the
//!    documents; 1 MB = 10^6 bytes).
//! 2. **Open time.** A ~1 MB and a ~1 GB uncompressed file (~64 MB with
//!    `--quick`), generated document by document so the corpus is never in
//!    memory. `strata_reader::Corpus::open` is timed 200 times on each
//!    (median and p99), then reading the last document by index (`doc` plus
//!    `text`) and finding it by id (`by_id`), 2000 times each.
//!
//! All read figures are warm: the files were just written and are read
//! again and again, so they are in the OS page cache. Cold-cache opens are
//! not measured. The generated files are deleted at the end unless `--keep`
//! is given. The default directory is `target/bench-data` of the workspace.

mod gen;
mod merge;
mod scale;
mod tagged;

use std::cell::Cell;
use std::error::Error;
use std::fs;
use std::hint::black_box;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use strata_reader::{AtomicFile, Corpus, Value, WriterBuilder};

use crate::gen::Generator;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The seed of every generated corpus.
const SEED: u64 = 0x5157_4a7a_2025_0001;
const MB: u64 = 1_000_000;
const GB: u64 = 1_000_000_000;
/// Text in the size corpus.
const SIZE_TEXT_BYTES: u64 = 20 * MB;
const OPENS: usize = 200;
const LOOKUPS: usize = 2000;
const ZSTD_LEVEL: i32 = 3;

/// Default size of the tagged workload's input, in MB.
const TAGGED_SIZE_MB: u64 = 200;

const USAGE: &str = "\
usage: strata-bench [format] [--quick] [--dir DIR] [--keep]
       strata-bench tagged [--size-mb N] [--dir DIR] [--keep]
       strata-bench merge [--size-mb N] [--dir DIR] [--keep]
       strata-bench scale [--size-mb N] [--doc-bytes N] [--dir DIR] [--keep]

workloads:
  format        (the default) file size per document and span, writer throughput,
                open time of a ~1 MB and a ~1 GB file
  tagged        throughput of `strata convert` on a stream of tagged news articles,
                compared with `wc -l` and `cat`; builds the release strata binary first
  merge         `strata merge` of strata files against converting the same documents
                from JSONL, and `strata cat` of one document from a small and a large file
  scale         a corpus past 4 GiB of text and 2^32 spans (~17 GB file, checks free space),
                streamed; open, last document, verify and validate times, peak RSS

options:
  --quick       format: open-time files of ~1 MB and ~64 MB instead of ~1 MB and ~1 GB
  --size-mb N   tagged: generate N MB (10^6 bytes) of articles (default: 200);
                merge: N MB of JSONL in 4 parts (default: 200);
                scale: more than N MB of text (default: 4295, just over 4 GiB)
  --doc-bytes N scale: text bytes per document (default: 65535; validate time grows
                with the square of it)
  --dir DIR     where to write the generated files (default: target/bench-data)
  --keep        keep the generated files instead of deleting them at the end";

/// Which workload to run, with its own options.
enum Workload {
    Format { quick: bool },
    Tagged { size_mb: u64 },
    Merge { size_mb: u64 },
    Scale { size_mb: u64, doc_bytes: usize },
}

struct Options {
    workload: Workload,
    dir: PathBuf,
    keep: bool,
}

fn parse_args() -> Result<Options> {
    let mut args = std::env::args().skip(1).peekable();
    // The workload is the first argument, when it names one.
    let mut workload = match args.peek().map(String::as_str) {
        Some("tagged") => {
            args.next();
            Workload::Tagged { size_mb: TAGGED_SIZE_MB }
        }
        Some("merge") => {
            args.next();
            Workload::Merge { size_mb: TAGGED_SIZE_MB }
        }
        Some("scale") => {
            args.next();
            Workload::Scale { size_mb: scale::SCALE_TEXT_MB, doc_bytes: scale::DOC_TEXT }
        }
        Some("format") => {
            args.next();
            Workload::Format { quick: false }
        }
        _ => Workload::Format { quick: false },
    };
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    let mut keep = false;
    while let Some(arg) = args.next() {
        match (arg.as_str(), &mut workload) {
            ("--keep", _) => keep = true,
            ("--dir", _) => dir = args.next().ok_or("--dir needs a value")?.into(),
            ("--quick", Workload::Format { quick }) => *quick = true,
            (
                "--size-mb",
                Workload::Tagged { size_mb } | Workload::Merge { size_mb } | Workload::Scale { size_mb, .. },
            ) => {
                let value = args.next().ok_or("--size-mb needs a value")?;
                *size_mb = value.parse().ok().filter(|&n| n > 0).ok_or("--size-mb needs a whole number above 0")?;
            }
            ("--doc-bytes", Workload::Scale { doc_bytes, .. }) => {
                let value = args.next().ok_or("--doc-bytes needs a value")?;
                *doc_bytes = value.parse().map_err(|_| "--doc-bytes needs a whole number")?;
            }
            ("-h" | "--help", _) => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            (other, _) => return Err(format!("unknown argument {other:?} for this workload\n{USAGE}").into()),
        }
    }
    Ok(Options { workload, dir, keep })
}

/// When to stop adding documents.
#[derive(Clone, Copy)]
enum Budget {
    /// Once this much text is written.
    TextBytes(u64),
    /// Once the file (records plus the per-document indexes) reaches this.
    FileBytes(u64),
}

impl Budget {
    fn target(self) -> u64 {
        match self {
            Budget::TextBytes(n) | Budget::FileBytes(n) => n,
        }
    }
}

/// What writing one corpus produced.
struct Written {
    path: PathBuf,
    docs: u64,
    spans: u64,
    tokens: u64,
    relations: u64,
    text_bytes: u64,
    file_bytes: u64,
    /// Time inside `Writer::add` and `Writer::finish`.
    writer_time: Duration,
    /// Wall time of the whole run, generation and the fsync of commit included.
    total_time: Duration,
}

/// Counts the bytes passing through to the file, in a counter the caller
/// can read while the writer owns the stream.
struct Counting<W> {
    inner: W,
    bytes: Rc<Cell<u64>>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Generates documents one at a time and streams them to `path`; only the
/// current document is ever in memory.
fn write_corpus(path: &Path, compression: Option<i32>, budget: Budget) -> Result<Written> {
    let started = Instant::now();
    let bytes = Rc::new(Cell::new(0));
    let out = Counting { inner: AtomicFile::create(path)?, bytes: Rc::clone(&bytes) };
    let mut wtr = WriterBuilder::new().compression(compression).build(out)?;
    wtr.set_corpus_metadata("generator", Value::Str(format!("strata-bench, seed {SEED:#x}")));
    let mut generator = Generator::new(SEED);
    let mut writer_time = Duration::ZERO;
    let mut text_bytes = 0u64;
    let mut progress = Progress::new(path, budget);
    loop {
        // The document and id indexes add 32 bytes per document at the end.
        let reached = match budget {
            Budget::TextBytes(_) => text_bytes,
            Budget::FileBytes(_) => bytes.get() + 32 * wtr.len(),
        };
        progress.update(reached);
        if reached >= budget.target() {
            break;
        }
        let doc = generator.document(wtr.len());
        text_bytes += doc.text.len() as u64;
        let t = Instant::now();
        wtr.add(&doc)?;
        writer_time += t.elapsed();
    }
    let schema = wtr.schema().clone();
    let docs = wtr.len();
    let t = Instant::now();
    let out = wtr.finish()?;
    writer_time += t.elapsed();
    out.inner.commit()?;
    progress.done();

    let tokens = schema.layers.iter().find(|l| l.name == "token").map_or(0, |l| l.spans);
    Ok(Written {
        path: path.to_path_buf(),
        docs,
        spans: schema.layers.iter().map(|l| l.spans).sum(),
        tokens,
        relations: schema.layers.iter().map(|l| l.relations).sum(),
        text_bytes: schema.text_bytes,
        file_bytes: bytes.get(),
        writer_time,
        total_time: started.elapsed(),
    })
}

/// Progress on standard error for long writes (every tenth of the budget).
struct Progress<'a> {
    path: &'a Path,
    target: u64,
    next: u64,
    started: Instant,
}

impl<'a> Progress<'a> {
    fn new(path: &'a Path, budget: Budget) -> Progress<'a> {
        let target = budget.target();
        eprintln!("writing {} ...", path.display());
        Progress {
            path,
            target,
            // Small files get no progress lines.
            next: if target >= 100 * MB { target / 10 } else { u64::MAX },
            started: Instant::now(),
        }
    }

    fn update(&mut self, reached: u64) {
        if reached >= self.next && reached < self.target {
            eprintln!(
                "  {:>3.0}% after {:.1} s",
                100.0 * reached as f64 / self.target as f64,
                self.started.elapsed().as_secs_f64()
            );
            self.next += self.target / 10;
        }
    }

    fn done(&self) {
        eprintln!("  done: {} in {:.1} s", self.path.display(), self.started.elapsed().as_secs_f64());
    }
}

/// Reads a written corpus back: document count, text total, checksums.
fn check(w: &Written) -> Result<()> {
    // SAFETY: this program wrote the file and nothing changes it while mapped.
    let corpus = unsafe { Corpus::open(&w.path)? };
    corpus.verify()?;
    if corpus.len() != w.docs || corpus.schema().text_bytes != w.text_bytes {
        return Err(format!("{} does not read back as written", w.path.display()).into());
    }
    if fs::metadata(&w.path)?.len() != w.file_bytes {
        return Err(format!("{} has an unexpected length", w.path.display()).into());
    }
    Ok(())
}

/// Median and 99th percentile (nearest rank).
#[derive(Clone, Copy)]
struct Summary {
    median: Duration,
    p99: Duration,
}

fn summarize(mut times: Vec<Duration>) -> Summary {
    times.sort_unstable();
    let rank = |q: f64| times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    Summary { median: rank(0.5), p99: rank(0.99) }
}

/// Warm read timings of one file.
struct ReadTimes {
    open: Summary,
    by_index: Summary,
    by_id: Summary,
}

fn time_reads(path: &Path) -> Result<ReadTimes> {
    let open = || -> Result<Corpus> {
        // SAFETY: this program wrote the file and nothing changes it while
        // it is mapped.
        Ok(unsafe { Corpus::open(path)? })
    };
    for _ in 0..10 {
        drop(black_box(open()?));
    }
    let mut opens = Vec::with_capacity(OPENS);
    for _ in 0..OPENS {
        let t = Instant::now();
        let corpus = open()?;
        opens.push(t.elapsed());
        // Unmapping is not part of the open time.
        drop(black_box(corpus));
    }

    let corpus = open()?;
    let last = corpus.len().checked_sub(1).ok_or("the corpus is empty")?;
    let id = corpus.doc(last)?.id().to_string();
    let mut by_index = Vec::with_capacity(LOOKUPS);
    let mut by_id = Vec::with_capacity(LOOKUPS);
    for _ in 0..LOOKUPS {
        let t = Instant::now();
        let doc = corpus.doc(last)?;
        black_box(doc.text()?);
        by_index.push(t.elapsed());

        let t = Instant::now();
        let doc = corpus.by_id(&id)?.ok_or("the last id is not found")?;
        black_box(doc.text()?);
        by_id.push(t.elapsed());
    }
    Ok(ReadTimes { open: summarize(opens), by_index: summarize(by_index), by_id: summarize(by_id) })
}

/// `1234567` as `1,234,567`.
fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / MB as f64)
}

fn ratio(num: u64, den: u64) -> f64 {
    num as f64 / den.max(1) as f64
}

fn dur(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// A table row: a label and right-aligned cells.
fn row(label: &str, cells: &[String]) {
    let mut line = format!("  {label:<38}");
    for c in cells {
        line.push_str(&format!("{c:>18}"));
    }
    println!("{}", line.trim_end());
}

fn print_size_table(plain: &Written, zstd: &Written) {
    println!("Size: synthetic news corpus, ~{} of text (seed {SEED:#x})", mb(SIZE_TEXT_BYTES));
    let both = |f: &dyn Fn(&Written) -> String| [f(plain), f(zstd)];
    row("", &["uncompressed".into(), format!("zstd level {ZSTD_LEVEL}")]);
    row("documents", &both(&|w| int(w.docs)));
    row("spans (all layers)", &both(&|w| int(w.spans)));
    row("  of which tokens", &both(&|w| int(w.tokens)));
    row("relations", &both(&|w| int(w.relations)));
    row("text bytes", &both(&|w| int(w.text_bytes)));
    row("file bytes", &both(&|w| int(w.file_bytes)));
    row("file size", &both(&|w| mb(w.file_bytes)));
    row("bytes per document", &both(&|w| int(ratio(w.file_bytes, w.docs).round() as u64)));
    row("bytes per span (file / all spans)", &both(&|w| format!("{:.2}", ratio(w.file_bytes, w.spans))));
    row("bytes per token (file / tokens)", &both(&|w| format!("{:.2}", ratio(w.file_bytes, w.tokens))));
    row(
        "text share (text bytes / file bytes)",
        &both(&|w| format!("{:.1} %", 100.0 * ratio(w.text_bytes, w.file_bytes))),
    );
    row("file size / text size", &both(&|w| format!("{:.2}x", ratio(w.file_bytes, w.text_bytes))));
    row("writer time (add + finish)", &both(&|w| dur(w.writer_time)));
    row(
        "writer throughput (MB text / s)",
        &both(&|w| format!("{:.1}", w.text_bytes as f64 / MB as f64 / w.writer_time.as_secs_f64())),
    );
    row("wall time incl. generation, fsync", &both(&|w| dur(w.total_time)));
}

fn print_open_table(files: [(&Written, &ReadTimes); 2]) {
    println!("Open and lookup: uncompressed files, warm page cache");
    let both = |f: &dyn Fn(&Written, &ReadTimes) -> String| files.map(|(w, t)| f(w, t));
    let label = |w: &Written| {
        let name = if w.file_bytes >= GB / 2 {
            format!("~{:.0} GB file", w.file_bytes as f64 / GB as f64)
        } else {
            format!("~{:.0} MB file", w.file_bytes as f64 / MB as f64)
        };
        name
    };
    row("", &files.map(|(w, _)| label(w)));
    row("file bytes", &both(&|w, _| int(w.file_bytes)));
    row("documents", &both(&|w, _| int(w.docs)));
    row("spans (all layers)", &both(&|w, _| int(w.spans)));
    row(&format!("Corpus::open, median of {OPENS}"), &both(&|_, t| dur(t.open.median)));
    row(&format!("Corpus::open, p99 of {OPENS}"), &both(&|_, t| dur(t.open.p99)));
    row(&format!("last doc by index, median of {LOOKUPS}"), &both(&|_, t| dur(t.by_index.median)));
    row(&format!("last doc by index, p99 of {LOOKUPS}"), &both(&|_, t| dur(t.by_index.p99)));
    row(&format!("last doc by id, median of {LOOKUPS}"), &both(&|_, t| dur(t.by_id.median)));
    row(&format!("last doc by id, p99 of {LOOKUPS}"), &both(&|_, t| dur(t.by_id.p99)));
    let [(small_w, small), (big_w, big)] = files;
    println!();
    println!(
        "  open({}) / open({}), medians: {:.2}x  (the files differ {:.0}x in size)",
        label(big_w).trim_end_matches(" file"),
        label(small_w).trim_end_matches(" file"),
        big.open.median.as_secs_f64() / small.open.median.as_secs_f64(),
        ratio(big_w.file_bytes, small_w.file_bytes),
    );
}

fn run() -> Result<()> {
    let opts = parse_args()?;
    match opts.workload {
        Workload::Format { quick } => run_format(&opts.dir, quick, opts.keep),
        Workload::Tagged { size_mb } => tagged::run(&opts.dir, size_mb, opts.keep),
        Workload::Merge { size_mb } => merge::run(&opts.dir, size_mb, opts.keep),
        Workload::Scale { size_mb, doc_bytes } => scale::run(&opts.dir, size_mb, doc_bytes, opts.keep),
    }
}

/// The `format` workload: size, writer throughput, open and lookup times.
fn run_format(dir: &Path, quick: bool, keep: bool) -> Result<()> {
    fs::create_dir_all(dir)?;
    let dir = dir.canonicalize()?;
    let (big_bytes, big_name) = if quick { (64 * MB, "open-64mb.strata") } else { (GB, "open-1gb.strata") };
    let path = |name: &str| dir.join(name);
    let mut created = Vec::new();

    let plain = write_corpus(&path("size-plain.strata"), None, Budget::TextBytes(SIZE_TEXT_BYTES))?;
    created.push(plain.path.clone());
    let zstd = write_corpus(&path("size-zstd3.strata"), Some(ZSTD_LEVEL), Budget::TextBytes(SIZE_TEXT_BYTES))?;
    created.push(zstd.path.clone());
    check(&plain)?;
    check(&zstd)?;

    let small = write_corpus(&path("open-1mb.strata"), None, Budget::FileBytes(MB))?;
    created.push(small.path.clone());
    let big = write_corpus(&path(big_name), None, Budget::FileBytes(big_bytes))?;
    created.push(big.path.clone());
    check(&small)?;
    eprintln!("timing opens and lookups ...");
    let small_times = time_reads(&small.path)?;
    let big_times = time_reads(&big.path)?;

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!();
    println!("strata-bench{}", if quick { " --quick" } else { "" });
    println!(
        "machine: {cores} cores (std::thread::available_parallelism), {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    println!("files in: {}", dir.display());
    println!("units: 1 MB = 10^6 bytes, 1 GB = 10^9 bytes");
    println!();
    print_size_table(&plain, &zstd);
    println!();
    print_open_table([(&small, &small_times), (&big, &big_times)]);
    println!();
    println!(
        "  All read figures are warm: each file was just written and is read repeatedly,\n  \
         so it sits in the OS page cache. Cold-cache (first open after boot or\n  \
         drop_caches) times are not measured."
    );

    if keep {
        println!("  kept the generated files (--keep).");
    } else {
        for p in &created {
            fs::remove_file(p)?;
        }
        // Only succeeds when the folder holds nothing else.
        let _ = fs::remove_dir(&dir);
        println!("  deleted the generated files (use --keep to keep them).");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("strata-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
