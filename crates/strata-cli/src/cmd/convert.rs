//! `strata convert`: any supported format to any other, document by
//! document, with bad documents reported and skipped.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use clap::ValueEnum;
use strata_annotate::Annotator;
use strata_format::Schema;

use crate::export::{export_in_place, Arrival};
use crate::formats::Format;
use crate::sinks::Sink;
use crate::sources::{self, Doc, Item, Recycle, Source};
use crate::Outcome;

/// Inputs smaller than this, in all, are converted on one thread unless `-j`
/// says otherwise.
const SMALL_INPUT_BYTES: u64 = 4 << 20;

/// Convert corpora between formats, losslessly.
///
/// Inputs are read in order and their documents written in that order. A
/// document that cannot be read or breaks the data model is reported as
/// `path:line:column: what was expected, what was found` and skipped; the
/// rest are written, and the exit status is 1. The output appears only once
/// complete (written to a temporary file beside it, then renamed).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata convert corpus.jsonl -o corpus.strata
  strata convert corpus.strata -o corpus.jsonl
  strata convert article.txt -o article.strata       tagged news articles
  strata convert articles/ -o news.strata             a folder, recursively
  strata convert news.strata -o out/                  one .txt file per document
  strata convert reut2-000.sgm afp_eng_2005.sgml -o newswire.strata
  strata convert newswire.strata -o newswire.sgml     Gigaword-style <DOC> records
  strata convert a.jsonl b.jsonl -o both.strata --compress
  strata convert en_ewt-ud-dev.conllu -o ewt.strata   CoNLL-U, back byte for byte
  strata convert ann/ -o ann.strata                   a folder of brat .txt + .ann pairs
  strata convert news.strata -o news.conllu --annotate sentences,tokens
  strata convert ann.strata -o ann-out/ --to brat
  cat corpus.jsonl | strata convert - --from jsonl -o corpus.strata
  strata convert corpus.strata -o - --to jsonl | head

Exit status: 0 when every document was written, 1 when some were rejected
(the others are written), 2 on a usage or fatal error (no output).")]
pub struct Args {
    /// Input files or folders (read recursively), `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file, `-` for standard output, or a folder (`out/`: one
    /// tagged text file per document, named by its id).
    #[arg(short, long, value_name = "OUTPUT")]
    output: PathBuf,
    /// Input format (default: from the content, then the extension).
    #[arg(long, value_enum)]
    from: Option<Format>,
    /// Output format (default: from the output's extension).
    #[arg(long, value_enum)]
    to: Option<Format>,
    /// Compress strata output with zstd, at LEVEL 1 to 22 (3 when no level is
    /// given). Text is then read through a block index instead of in place.
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "3",
          value_parser = clap::value_parser!(i32).range(1..=22))]
    compress: Option<i32>,
    /// Stop at the first problem and write nothing; invalid dates in tagged
    /// articles become errors instead of warnings.
    #[arg(long)]
    strict: bool,
    /// The encoding of tagged-article and SGML inputs that are not UTF-8.
    #[arg(long, value_enum, default_value_t = InputEncoding::Utf8)]
    encoding: InputEncoding,
    /// Add layers made by the built-in annotators, comma-separated:
    /// `sentences`, `tokens`, `quotes`, or `all`. A layer of the same name
    /// that the input has is replaced.
    #[arg(long, value_name = "LIST", value_parser = parse_annotators)]
    annotate: Option<Annotators>,
    /// Threads to use (default: all cores; one for inputs under 4 MB in
    /// all, unless annotating). The output is the same bytes whatever the
    /// number. CoNLL-U to strata reads a file on all of them
    /// (in chunks of whole documents), strata to CoNLL-U renders documents
    /// on all of them; other inputs are read on one thread while another
    /// writes (and the rest annotate).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print the summary as JSON (on standard output, or standard error when
    /// the corpus goes to standard output).
    #[arg(long)]
    json: bool,
}

/// The annotators `--annotate` names.
#[derive(Clone, Debug)]
pub struct Annotators(pub Vec<Annotator>);

pub fn parse_annotators(list: &str) -> Result<Annotators, String> {
    Annotator::parse_list(list).map(Annotators).map_err(|e| e.to_string())
}

/// Counts for the summary: `documents_in == written + rejected`.
#[derive(Default)]
struct Counts {
    inputs: u64,
    documents_in: u64,
    written: u64,
    rejected: u64,
    /// Parts left out of written documents (CoNLL-U sentences).
    parts_rejected: u64,
    bytes_in: u64,
}

/// Text encodings `--encoding` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum InputEncoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
}

/// What `strata annotate` runs: a strata file through the annotators into
/// a new strata file.
pub fn annotate(
    input: PathBuf,
    output: PathBuf,
    annotators: Annotators,
    compress: Option<i32>,
    jobs: Option<usize>,
    quiet: bool,
    json: bool,
) -> anyhow::Result<Outcome> {
    run(Args {
        inputs: vec![input],
        output,
        from: Some(Format::Strata),
        to: Some(Format::Strata),
        compress,
        strict: false,
        encoding: InputEncoding::Utf8,
        annotate: Some(annotators),
        jobs,
        quiet,
        json,
    })
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let to_stdout = args.output.as_os_str() == "-";
    let folder = args.output.is_dir()
        || args.output.as_os_str().to_string_lossy().ends_with('/')
        || (args.to == Some(Format::Brat) && !to_stdout);
    let to = match args.to.or_else(|| Format::from_extension(&args.output)) {
        Some(f) => f,
        None if folder => Format::Tagged,
        None if to_stdout => {
            bail!("writing to standard output needs --to (strata, jsonl, tagged, sgml, conllu or text)")
        }
        None => bail!(
            "cannot tell the output format of {}: expected a .strata, .jsonl, .txt, .sgml or .conllu name, or a \
             folder (ending in /); give --to",
            args.output.display()
        ),
    };
    if args.compress.is_some() && to != Format::Strata {
        bail!("--compress applies to strata output only");
    }
    if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        bail!("standard input (-) can be read only once");
    }
    let tagged = strata_tagged::Options {
        encoding: match args.encoding {
            InputEncoding::Utf8 => strata_tagged::Encoding::Utf8,
            InputEncoding::Windows1252 => strata_tagged::Encoding::Windows1252,
            InputEncoding::Latin1 => strata_tagged::Encoding::Latin1,
        },
        strict: args.strict,
    };

    // Open every input first: a missing file is a usage error, found before
    // any output exists, and the declared schemas come first in the output.
    let mut opened = Vec::new();
    let files = sources::expand(&args.inputs, args.from)?;
    // The bar's total: every input's size on disk (brat: both files), unless
    // one comes from standard input.
    let total = files
        .iter()
        .map(|f| {
            let size = |p: &std::path::Path| std::fs::metadata(p).ok().map(|m| m.len());
            match f.format {
                Some(Format::Brat) => Some(
                    size(&f.path.with_extension("txt")).unwrap_or(0) + size(&f.path.with_extension("ann")).unwrap_or(0),
                ),
                _ if f.path.as_os_str() == "-" => None,
                _ => size(&f.path),
            }
        })
        .sum::<Option<u64>>();
    let progress = crate::progress::Progress::new(!args.quiet, total, files.len() as u64);
    for file in files {
        opened.push(Source::open(&file, args.from, &tagged)?);
    }
    let mut schema = Schema::default();
    for s in &opened {
        super::merge_schema(&mut schema, s.declared_schema(), s.name())?;
    }
    let mut sink = Sink::create(&args.output, to, folder, &schema, args.compress)?;

    // By default all cores, but one for small inputs to convert as they
    // are: handing documents between threads costs more than it saves there
    // (and waking another core can take milliseconds on a busy machine).
    let small = args.annotate.is_none() && total.is_some_and(|bytes| bytes < SMALL_INPUT_BYTES);
    let all_cores = || if small { 1 } else { std::thread::available_parallelism().map_or(1, usize::from) };
    let jobs = args.jobs.unwrap_or_else(all_cores).max(1);
    // Without annotators, a strata output takes documents built column by
    // column (CoNLL-U), the same bytes as owned ones, faster.
    let recycle = Recycle::default();
    let built = (to == Format::Strata && args.annotate.is_none()).then_some(&recycle);
    let mut counts = Counts::default();
    // Strata corpora to CoNLL-U: documents are written in place, not
    // copied first (`export_in_place`).
    let in_place = super::export_in_place()
        && to == Format::Conllu
        && !folder
        && args.annotate.is_none()
        && opened.iter().all(|s| matches!(s, Source::Strata { .. }));
    let mut on_item = |sink: &mut Sink, arrival: Arrival| -> anyhow::Result<()> {
        counts.documents_in += 1;
        progress.update(counts.documents_in);
        let item = match arrival {
            Arrival::Written => {
                counts.written += 1;
                return Ok(());
            }
            Arrival::Item(item) => item,
        };
        for w in &item.warnings {
            progress.println(w);
        }
        for e in &item.errors {
            if args.strict {
                bail!("{e} (--strict: nothing written)");
            }
            counts.parts_rejected += 1;
            progress.println(e);
        }
        let added = match item.doc {
            Ok(Doc::Owned(doc)) => sink.add(&doc)?,
            Ok(Doc::Built(doc)) => {
                let added = sink.add_built(&doc)?;
                recycle.give(*doc);
                added
            }
            Err(why) => Some(why),
        };
        let Some(problem) = added else {
            counts.written += 1;
            return Ok(());
        };
        counts.rejected += 1;
        let message = format!("{}: {problem}", item.location);
        if args.strict {
            bail!("{message} (--strict: nothing written)");
        }
        progress.println(&message);
        Ok(())
    };
    let annotators = args.annotate.as_ref().map_or(&[][..], |a| &a.0[..]);
    // Besides the reading and the writing thread, the rest annotate.
    let annotating_threads = jobs.saturating_sub(2).max(1);
    let mut take =
        |sink: &mut Sink, batch: Vec<Item>| batch.into_iter().try_for_each(|item| on_item(sink, Arrival::Item(item)));
    let read = if in_place {
        export_in_place(opened, &mut sink, jobs, &mut on_item)
    } else if jobs == 1 {
        // One document at a time: on one thread a batch only keeps the
        // documents' memory from going back to the reader, which then
        // builds in cold memory and names its layers again.
        read_all(opened, annotators, 1, built, 1, 1, &mut |batch| take(&mut sink, batch))
    } else {
        // Two stages: one thread reads and parses, this one checks, encodes
        // and writes. Batches pass in input order through a bounded channel,
        // so the output is the same bytes as with -j 1 and memory stays
        // bounded: a batch in the channel keeps both threads busy, and a batch
        // is small (see `read_all`). Handing over documents one by one
        // instead costs a thread wake-up each, more than parsing a news
        // article. CoNLL-U into built documents is parsed on `jobs` more
        // threads (`sources::conllu_each_parallel`), in order all the same.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(1);
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                read_all(opened, annotators, annotating_threads, built, jobs, BATCH, &mut |batch| Ok(tx.send(batch)?))
            });
            let written: anyhow::Result<()> = rx.into_iter().try_for_each(|batch| take(&mut sink, batch));
            // The receiver is gone now: when writing failed, the reader
            // stops at its next send instead of waiting forever.
            let read = reader.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the reading thread panicked")));
            written.and(read)
        })
    };
    let (inputs, bytes_in) = match read {
        Ok(totals) => totals,
        Err(e) => {
            progress.finish();
            sink.abort();
            return Err(e);
        }
    };
    progress.finish();
    counts.inputs = inputs;
    counts.bytes_in = bytes_in;
    sink.finish()?;

    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        let summary = serde_json::json!({
            "inputs": counts.inputs,
            "documents_in": counts.documents_in,
            "written": counts.written,
            "rejected": counts.rejected,
            "parts_rejected": counts.parts_rejected,
            "bytes_in": counts.bytes_in,
            "seconds": seconds,
            "output": args.output.display().to_string(),
        });
        if to_stdout {
            writeln!(io::stderr(), "{summary}")?;
        } else {
            println!("{summary}");
        }
    } else if !args.quiet {
        let mut line = format!(
            "strata: {} input{}, {} documents in, {} written, {} rejected",
            counts.inputs,
            if counts.inputs == 1 { "" } else { "s" },
            counts.documents_in,
            counts.written,
            counts.rejected
        );
        if counts.parts_rejected > 0 {
            let _ = write!(line, " ({} sentences left out of written documents)", counts.parts_rejected);
        }
        let _ = write!(
            line,
            "; {} read in {seconds:.2} s -> {}",
            super::human_bytes(counts.bytes_in),
            args.output.display()
        );
        writeln!(io::stderr(), "{line}")?;
    }
    Ok(if counts.rejected + counts.parts_rejected > 0 { Outcome::Problems } else { Outcome::Ok })
}

/// Documents in a batch between the reading and the writing thread, at
/// most: a batch ends at 64 documents or about 8 MB of memory, whichever
/// comes first, so that memory stays bounded for long documents too.
const BATCH: usize = 64;

/// Reads every source in order, annotating each document when asked, and
/// hands the documents to `f` in batches of up to `batch_docs`, in input
/// order; returns the number of inputs and bytes.
///
/// With annotators and more than one thread, each batch is split across the
/// threads for annotation, so the output does not depend on the number of
/// threads.
fn read_all(
    sources: Vec<Source>,
    annotators: &[Annotator],
    threads: usize,
    built: Option<&Recycle>,
    reading_threads: usize,
    batch_docs: usize,
    f: &mut dyn FnMut(Vec<Item>) -> anyhow::Result<()>,
) -> anyhow::Result<(u64, u64)> {
    const BATCH_BYTES: usize = 8 << 20;
    let mut batch_bytes = 0;
    let (mut inputs, mut bytes) = (0, 0);
    let mut batch: Vec<Item> = Vec::with_capacity(batch_docs);
    let flush = |batch: &mut Vec<Item>, f: &mut dyn FnMut(Vec<Item>) -> anyhow::Result<()>| -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        annotate_batch(batch, annotators, threads);
        f(std::mem::replace(batch, Vec::with_capacity(batch_docs)))
    };
    for source in sources {
        inputs += 1;
        crate::progress::INPUTS_STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bytes += source.each(built, reading_threads, &mut |item| {
            batch_bytes += item.doc.as_ref().map_or(0, memory_estimate);
            batch.push(item);
            if batch.len() >= batch_docs || batch_bytes >= BATCH_BYTES {
                batch_bytes = 0;
                flush(&mut batch, f)?;
            }
            Ok(())
        })?;
    }
    flush(&mut batch, f)?;
    Ok((inputs, bytes))
}

/// Roughly the heap a parsed document holds: a treebank word with its ten
/// attributes takes several hundred bytes, far more than its text.
fn memory_estimate(doc: &Doc) -> usize {
    let doc = match doc {
        Doc::Owned(doc) => doc,
        Doc::Built(doc) => return doc.heap_size(),
    };
    let spans: usize = doc.layers.iter().flat_map(|l| &l.spans).map(|s| 96 + 64 * s.attrs.len()).sum();
    doc.text.len() + spans
}

fn annotate_batch(batch: &mut [Item], annotators: &[Annotator], threads: usize) {
    if annotators.is_empty() {
        return;
    }
    let annotate = |items: &mut [Item]| {
        for item in items {
            if let Ok(Doc::Owned(doc)) = &mut item.doc {
                strata_annotate::annotate(doc, annotators);
            }
        }
    };
    if threads <= 1 || batch.len() < 2 {
        return annotate(batch);
    }
    let chunk = batch.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for part in batch.chunks_mut(chunk) {
            scope.spawn(move || annotate(part));
        }
    });
}
