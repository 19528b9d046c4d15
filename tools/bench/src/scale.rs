//! The `scale` workload: a corpus past both 32-bit ceilings, written,
//! opened and checked.
//!
//! 1. Checks the free space of `--dir` (`df`) against the expected file
//!    size (about 4 bytes per text byte).
//! 2. Streams, one document at a time, ASCII documents of `--doc-bytes`
//!    bytes (default [`DOC_TEXT`]) until more than `--size-mb` MB of text is
//!    written (default: just over 4 GiB), uncompressed. Each document has a `byte` layer with one span
//!    per text byte, so the corpus holds more than 2^32 spans, plus a
//!    `block` layer of 16 spans and a `doc` layer with one span over the
//!    whole text. Only one document is ever in memory (the same one,
//!    rewritten: a new id and a new text prefix), and the writer keeps about
//!    32 bytes per document for its indexes, so memory stays flat.
//!    Documents stay under 64 KiB so that span starts take 2 bytes and the
//!    file stays near 4 bytes per text byte (~17 GB by default).
//!
//! `--doc-bytes` exists because `validate` costs time proportional to the
//! spans times the text length of each document (`LayerRef::text` checks
//! the whole document text as UTF-8 on every call): about 3 hours for the
//! default shape on a 2-core machine, a few minutes with 1 KiB documents.
//! 3. Opens the file and reads the last document by index and by id,
//!    checking its text and its last span, then runs `Corpus::verify`
//!    (every checksum) and `validate` (every checksum and invariant, every
//!    span decoded).
//! 4. Reports write time and throughput, file size, open time, last-document
//!    times, verify and validate times, and the peak RSS of this process
//!    (`VmHWM`) after writing and at the end. The end figure counts the
//!    file's pages that verify and validate touched through the map
//!    (`RssFile`): page cache, not heap; `RssAnon` is the heap part.
//!
//! The file is deleted at the end unless `--keep` is given.

use std::fs;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use strata_reader::{AtomicFile, Corpus, Document, Layer, Span, Value, WriterBuilder};

use crate::{dur, int, mb, row, Result, GB, MB};

/// Text bytes per document: the largest length whose offsets fit 2 bytes.
pub const DOC_TEXT: usize = 65_535;
/// Fewer text bytes per document than this are refused: the prefix must fit.
pub const MIN_DOC_TEXT: usize = 64;
/// Default text: the first whole number of MB past 4 GiB.
pub const SCALE_TEXT_MB: u64 = (1 << 32) / MB + 1;
/// `block` spans per document.
const BLOCKS: usize = 16;
/// Bytes at the start of a document's text that carry its number.
const PREFIX: usize = 12;
/// Repetitions of each lookup, for a median.
const LOOKUPS: usize = 101;

/// The document template: its text and its three layers. Only the id and
/// the first [`PREFIX`] bytes change from document to document.
fn template(len: usize) -> Document {
    const FILL: &[u8] = b"the quick brown fox jumps over the lazy dog; ";
    let text: String = FILL.iter().cycle().take(len).map(|&b| b as char).collect();
    let mut doc = Document::new(String::new(), text);
    let mut bytes = Layer::new("byte");
    bytes.spans = (0..len as u64).map(|i| Span::new(i, i + 1)).collect();
    let mut blocks = Layer::new("block");
    let block = len.div_ceil(BLOCKS);
    blocks.spans = (0..len).step_by(block).map(|s| Span::new(s as u64, (s + block).min(len) as u64)).collect();
    let mut whole = Layer::new("doc");
    whole.spans.push(Span::new(0, len as u64));
    doc.layers = vec![bytes, blocks, whole];
    doc
}

/// Turns the template into document `n`.
fn number(doc: &mut Document, n: u64) {
    doc.id = format!("scale-{n:08}");
    doc.text.replace_range(..PREFIX, &format!("{n:0width$}", width = PREFIX));
}

/// A field of `/proc/self/status`, in bytes (0 where there is none).
fn proc_status(field: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// Free bytes in the file system of `dir`, from `df`.
fn free_space(dir: &Path) -> Result<u64> {
    let out = Command::new("df").arg("-B1").arg("--output=avail").arg(dir).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("cannot read `df` output: {text}").into())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// Runs the workload with more than `text_mb` MB of text in documents of
/// `doc_text` bytes.
pub fn run(dir: &Path, text_mb: u64, doc_text: usize, keep: bool) -> Result<()> {
    if doc_text < MIN_DOC_TEXT {
        return Err(format!("--doc-bytes must be at least {MIN_DOC_TEXT}").into());
    }
    fs::create_dir_all(dir)?;
    let dir = dir.canonicalize()?;
    let docs = (text_mb * MB).div_ceil(doc_text as u64) + 1;
    let text_bytes = docs * doc_text as u64;
    // 2-byte starts (4 past 64 KiB) and 1-byte lengths per byte span, plus
    // the text.
    let expected = text_bytes * if doc_text > 1 << 16 { 6 } else { 4 };
    let free = free_space(&dir)?;
    if expected + 5 * GB > free {
        return Err(format!(
            "{} has {} free; the file needs about {} and 5 GB are kept spare",
            dir.display(),
            mb(free),
            mb(expected)
        )
        .into());
    }
    let path = dir.join("scale.strata");

    // Write.
    eprintln!("writing {} ({} documents, ~{}) ...", path.display(), int(docs), mb(expected));
    let started = Instant::now();
    let mut out = AtomicFile::create(&path)?;
    let mut wtr = WriterBuilder::new().build(&mut out)?;
    wtr.set_corpus_metadata("generator", Value::Str("strata-bench scale".into()));
    let mut doc = template(doc_text);
    let mut writer_time = Duration::ZERO;
    for n in 0..docs {
        number(&mut doc, n);
        let t = Instant::now();
        wtr.add(&doc)?;
        writer_time += t.elapsed();
        if (n + 1) % (docs / 10).max(1) == 0 {
            eprintln!(
                "  {:>3.0}% after {:.1} s, VmRSS {}",
                100.0 * (n + 1) as f64 / docs as f64,
                started.elapsed().as_secs_f64(),
                mb(proc_status("VmRSS"))
            );
        }
    }
    let schema = wtr.schema().clone();
    let t = Instant::now();
    wtr.finish()?;
    writer_time += t.elapsed();
    out.commit()?;
    let write_total = started.elapsed();
    let file_bytes = fs::metadata(&path)?.len();
    let spans: u64 = schema.layers.iter().map(|l| l.spans).sum();
    let byte_spans = schema.layers.iter().find(|l| l.name == "byte").map_or(0, |l| l.spans);
    let hwm_write = proc_status("VmHWM");
    drop(doc);

    // Open, and read the last document.
    eprintln!("opening and reading the last document ...");
    let t = Instant::now();
    // SAFETY: this program wrote the file and nothing changes it while mapped.
    let corpus = unsafe { Corpus::open(&path)? };
    let open_first = t.elapsed();
    let mut opens = Vec::with_capacity(LOOKUPS);
    for _ in 0..LOOKUPS {
        let t = Instant::now();
        // SAFETY: as above.
        let c = unsafe { Corpus::open(&path)? };
        opens.push(t.elapsed());
        drop(black_box(c));
    }
    if corpus.len() != docs || corpus.schema().text_bytes != text_bytes {
        return Err(format!("{} does not read back as written", path.display()).into());
    }
    let last = docs - 1;
    let mut expected_doc = template(doc_text);
    number(&mut expected_doc, last);
    let check_last = |d: &strata_reader::Doc<'_>| -> Result<()> {
        if d.id() != expected_doc.id || d.text()? != expected_doc.text {
            return Err("the last document does not read back as written".into());
        }
        let layer = d.layer("byte").ok_or("the last document has no byte layer")?;
        let i = layer.len() - 1;
        let span = layer.span(i)?;
        if layer.len() != doc_text || (span.start, span.end) != (i as u64, i as u64 + 1) {
            return Err(format!("last byte span: {span:?} of {}", layer.len()).into());
        }
        if layer.text(i)? != &expected_doc.text[i..] {
            return Err("the text of the last byte span is wrong".into());
        }
        let whole = d.layer("doc").ok_or("no doc layer")?.span(0)?;
        if (whole.start, whole.end) != (0, doc_text as u64) {
            return Err(format!("the doc span is {whole:?}").into());
        }
        Ok(())
    };
    let t = Instant::now();
    check_last(&corpus.doc(last)?)?;
    let by_index_first = t.elapsed();
    let t = Instant::now();
    check_last(&corpus.by_id(&expected_doc.id)?.ok_or("the last id is not found")?)?;
    let by_id_first = t.elapsed();
    let (mut by_index, mut by_id) = (Vec::new(), Vec::new());
    for _ in 0..LOOKUPS {
        let t = Instant::now();
        let d = corpus.doc(last)?;
        black_box(d.layer("byte").map(|l| l.span(doc_text - 1)));
        by_index.push(t.elapsed());
        let t = Instant::now();
        let d = corpus.by_id(&expected_doc.id)?.ok_or("the last id is not found")?;
        black_box(d.layer("byte").map(|l| l.span(doc_text - 1)));
        by_id.push(t.elapsed());
    }

    eprintln!("verify ...");
    let t = Instant::now();
    corpus.verify()?;
    let verify = t.elapsed();
    eprintln!("validate ...");
    let t = Instant::now();
    let problems = corpus.validate();
    let validate = t.elapsed();
    if let Some(p) = problems.first() {
        return Err(format!("validate found {} problems, the first: {p}", problems.len()).into());
    }
    let (hwm_end, anon_end, file_end) = (proc_status("VmHWM"), proc_status("RssAnon"), proc_status("RssFile"));
    drop(corpus);

    println!();
    println!("strata-bench scale");
    println!("file: {}", path.display());
    println!("units: 1 MB = 10^6 bytes, 1 GB = 10^9 bytes");
    println!();
    row("documents", &[int(docs)]);
    row("text bytes per document", &[int(doc_text as u64)]);
    row("text bytes", &[int(text_bytes)]);
    row("  past 2^32 by", &[int(text_bytes.saturating_sub(1 << 32))]);
    row("spans (all layers)", &[int(spans)]);
    row("  of which one per byte", &[int(byte_spans)]);
    row("  past 2^32 by", &[int(spans.saturating_sub(1 << 32))]);
    row("file bytes", &[int(file_bytes)]);
    row("file size", &[mb(file_bytes)]);
    row("writer time (add + finish)", &[dur(writer_time)]);
    row("write wall time incl. commit (fsync)", &[dur(write_total)]);
    row(
        "write MB text / s (writer time)",
        &[format!("{:.1}", text_bytes as f64 / MB as f64 / writer_time.as_secs_f64())],
    );
    row(
        "write MB file / s (wall time)",
        &[format!("{:.1}", file_bytes as f64 / MB as f64 / write_total.as_secs_f64())],
    );
    row("peak RSS after writing (VmHWM)", &[mb(hwm_write)]);
    row("Corpus::open, first", &[dur(open_first)]);
    row(&format!("Corpus::open, median of {LOOKUPS}"), &[dur(median(opens))]);
    row("last doc by index + check, first", &[dur(by_index_first)]);
    row("last doc by id + check, first", &[dur(by_id_first)]);
    row(&format!("last doc by index + last span, median of {LOOKUPS}"), &[dur(median(by_index))]);
    row(&format!("last doc by id + last span, median of {LOOKUPS}"), &[dur(median(by_id))]);
    row("Corpus::verify", &[dur(verify)]);
    row("validate", &[dur(validate)]);
    row("peak RSS at the end (VmHWM)", &[mb(hwm_end)]);
    row("  RssAnon / RssFile at the end", &[format!("{} / {}", mb(anon_end), mb(file_end))]);
    println!();
    println!(
        "  The end RSS counts the file's pages that verify and validate read through\n  \
         the map (RssFile, page cache the kernel can drop); RssAnon is the heap."
    );

    if keep {
        println!("  kept {} (--keep).", path.display());
    } else {
        fs::remove_file(&path)?;
        let _ = fs::remove_dir(&dir);
        println!("  deleted {} (use --keep to keep it).", path.display());
    }
    Ok(())
}
