//! Inputs of `strata convert`: each yields its documents in order, or says
//! where and why one could not be read.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context};
use strata_format::{BuiltDoc, Document, Problem, Schema};
use strata_jsonl::Line;
use strata_tagged::{Segment, Splitter};

use crate::formats::{without_compression, Format, Input};

/// One document read from an input, or why it could not be read.
pub struct Item {
    /// `path:line:column` (or `path: document N` for binary inputs).
    pub location: String,
    /// The document, or what is wrong with it.
    pub doc: Result<Doc, String>,
    /// Problems that did not cost the document, each with its location.
    pub warnings: Vec<String>,
    /// Errors that cost a part of the document (a CoNLL-U sentence), each
    /// with its location: the rest of the document is written.
    pub errors: Vec<String>,
}

/// A document read from an input.
pub enum Doc {
    Owned(Document),
    /// Built column by column, for a strata output without annotators
    /// (CoNLL-U): written with `Writer::add_built_doc`, then recycled.
    Built(Box<BuiltDoc>),
}

/// Built documents go back to their reader once written, so that their
/// memory (and the names of their layers and attributes) serves the next
/// ones instead of being allocated again.
#[derive(Clone, Default)]
pub struct Recycle(Arc<Mutex<Vec<BuiltDoc>>>);

impl Recycle {
    /// The most documents kept: more than a few batches of documents in
    /// flight between the reader and the writer hold. Documents past that
    /// are freed, so that the memory kept stays bounded (each keeps the
    /// memory of the largest document it held).
    const KEEP: usize = 256;

    fn take(&self) -> Box<BuiltDoc> {
        Box::new(self.0.lock().ok().and_then(|mut docs| docs.pop()).unwrap_or_default())
    }

    pub fn give(&self, doc: BuiltDoc) {
        if let Ok(mut docs) = self.0.lock() {
            if docs.len() < Self::KEEP {
                docs.push(doc);
            }
        }
    }
}

impl Item {
    /// The item for a parser's result: the document (found at `line` of
    /// input `name`) with its warnings, or the problem that cost it, each
    /// placed as `name:line:column`.
    fn parsed(name: &str, line: u64, result: Result<(Document, Vec<Problem>), Problem>) -> Item {
        let at = |p: &Problem| format!("{name}:{}:{}", p.line, p.column);
        match result {
            Ok((doc, warnings)) => Item {
                location: format!("{name}:{line}:1"),
                doc: Ok(Doc::Owned(doc)),
                warnings: warnings.iter().map(|w| format!("{}: warning: {}", at(w), w.message)).collect(),
                errors: Vec::new(),
            },
            Err(p) => Item { location: at(&p), doc: Err(p.message), warnings: Vec::new(), errors: Vec::new() },
        }
    }
}

/// A file to read, and the id its documents get when the format has none.
pub struct InputFile {
    /// The path (`-` for standard input).
    pub path: PathBuf,
    /// The id of a one-article file; articles of a stream get `.1`, `.2`...
    pub id: String,
    /// The format, when the way the file was found tells it (the `.txt` of
    /// a brat pair).
    pub format: Option<Format>,
}

/// Expands the command-line inputs: folders into their files (recursively,
/// sorted by path, hidden files skipped), with ids relative to the folder.
/// A folder holding `.ann` files (or any folder with `--from brat`) is a
/// brat corpus: one input per `.txt` + `.ann` pair.
pub fn expand(inputs: &[PathBuf], from: Option<Format>) -> anyhow::Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for path in inputs {
        if path.as_os_str() == "-" {
            out.push(InputFile { path: path.clone(), id: "stdin".into(), format: None });
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files).with_context(|| format!("cannot list {}", path.display()))?;
            let brat = match from {
                Some(f) => f == Format::Brat,
                None => files.iter().any(|f| f.extension().is_some_and(|e| e == "ann")),
            };
            if brat {
                let pairs = strata_brat::find_pairs(path).with_context(|| format!("cannot list {}", path.display()))?;
                for pair in pairs {
                    // A pair is read from its `.ann`; a `.txt` alone has no
                    // annotations.
                    let Some(file) = pair.ann.or(pair.txt) else { continue };
                    out.push(InputFile { path: file, id: pair.id, format: Some(Format::Brat) });
                }
                continue;
            }
            files.sort();
            for file in files {
                let rel = without_compression(file.strip_prefix(path).unwrap_or(&file)).with_extension("");
                let id = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                out.push(InputFile { path: file, id, format: None });
            }
        } else {
            let id =
                without_compression(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            out.push(InputFile { path: path.clone(), id, format: None });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// An opened input.
pub enum Source {
    Strata { name: String, corpus: Box<strata_reader::Corpus> },
    Jsonl { input: Input, header: Option<Schema>, pending: Option<Vec<u8>>, first_len: u64 },
    Tagged { input: Input, id: String, options: strata_tagged::Options },
    Sgml { input: Input, options: strata_tagged::Options },
    Brat { id: String, txt: PathBuf, ann: PathBuf },
    Conllu { input: Input, id: String },
}

impl Source {
    /// Opens an input and reads what comes before its documents: the
    /// strata header, or a JSONL corpus header.
    pub fn open(file: &InputFile, from: Option<Format>, tagged: &strata_tagged::Options) -> anyhow::Result<Source> {
        let path = &file.path;
        let mut input = Input::open(path)?;
        let name = input.name.clone();
        let head = input.peek().with_context(|| format!("cannot read {name}"))?;
        match Format::detect(path, head, file.format.or(from))? {
            Format::Strata => {
                let corpus = if path.as_os_str() == "-" || input.compressed {
                    let bytes = input.read_all().with_context(|| format!("cannot read {name}"))?;
                    strata_reader::Corpus::from_vec(bytes).context(name.clone())?
                } else {
                    drop(input);
                    crate::cmd::open_corpus(path)?
                };
                Ok(Source::Strata { name, corpus: Box::new(corpus) })
            }
            Format::Jsonl => {
                // A header, when present, is the first line; otherwise the
                // first line is a document like the others.
                let mut first = Vec::new();
                input.reader.read_until(b'\n', &mut first).with_context(|| format!("cannot read {name}"))?;
                let text = std::str::from_utf8(&first).unwrap_or_default();
                let header = match strata_jsonl::parse_line(text.trim_end_matches(['\n', '\r'])) {
                    Ok(Line::Header(schema)) => Some(schema),
                    _ => None,
                };
                let first_len = first.len() as u64;
                let pending = if header.is_some() { None } else { Some(first) };
                Ok(Source::Jsonl { input, header, pending, first_len })
            }
            Format::Tagged => Ok(Source::Tagged { input, id: file.id.clone(), options: tagged.clone() }),
            Format::Sgml => Ok(Source::Sgml { input, options: tagged.clone() }),
            Format::Brat => {
                if path.as_os_str() == "-" {
                    bail!("brat input is a .txt and a .ann file; it cannot come from standard input");
                }
                Ok(Source::Brat {
                    id: file.id.clone(),
                    txt: path.with_extension("txt"),
                    ann: path.with_extension("ann"),
                })
            }
            Format::Conllu => Ok(Source::Conllu { input, id: file.id.clone() }),
            Format::Text => {
                bail!("{name}: text is an output format; read plain text files as tagged articles (--from tagged)")
            }
        }
    }

    /// The name used in messages.
    pub fn name(&self) -> &str {
        match self {
            Source::Strata { name, .. } => name,
            Source::Jsonl { input, .. }
            | Source::Tagged { input, .. }
            | Source::Sgml { input, .. }
            | Source::Conllu { input, .. } => &input.name,
            Source::Brat { ann, .. } => ann.to_str().unwrap_or("<brat>"),
        }
    }

    /// The schema the input declares before its documents.
    pub fn declared_schema(&self) -> Schema {
        match self {
            Source::Strata { corpus, .. } => corpus.schema().clone(),
            Source::Jsonl { header, .. } => header.clone().unwrap_or_default(),
            Source::Tagged { .. } | Source::Sgml { .. } | Source::Conllu { .. } => Schema::default(),
            Source::Brat { .. } => strata_brat::schema(),
        }
    }

    /// Calls `f` for each document in order; returns the bytes read. With
    /// `built`, inputs that can give built documents (CoNLL-U) do, taking
    /// their memory from there, on `threads` threads when more than one.
    pub fn each(
        self,
        built: Option<&Recycle>,
        threads: usize,
        f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        match self {
            Source::Strata { name, corpus } => strata_each(&corpus, &mut |i, doc| f(strata_item(&name, i, doc))),
            Source::Jsonl { input, pending, first_len, .. } => jsonl_each(input, pending, first_len, f),
            Source::Tagged { input, id, options } => tagged_each(input, &id, &options, f),
            Source::Sgml { input, options } => sgml_each(input, &options, f),
            Source::Brat { id, txt, ann } => brat_each(&id, &txt, &ann, f),
            Source::Conllu { input, id } => match built {
                Some(recycle) if threads > 1 => conllu_each_parallel(input, &id, recycle, threads, f),
                _ => conllu_each(input, &id, built, f),
            },
        }
    }
}

/// Calls `f` with each document of a strata corpus in turn, borrowed, and
/// its number; returns the bytes read.
pub fn strata_each(
    corpus: &strata_reader::Corpus,
    f: &mut dyn FnMut(usize, strata_format::Result<strata_format::Doc<'_>>) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    // Mapped, not read: progress moves by an even share per document.
    let share = corpus.as_bytes().len() as u64 / corpus.len().max(1);
    for (i, doc) in corpus.iter().enumerate() {
        crate::progress::BYTES_READ.fetch_add(share, std::sync::atomic::Ordering::Relaxed);
        f(i, doc)?;
    }
    Ok(corpus.as_bytes().len() as u64)
}

/// The item for document `i` of strata input `name`: a copy of it, or why
/// it cannot be read.
pub fn strata_item(name: &str, i: usize, doc: strata_format::Result<strata_format::Doc<'_>>) -> Item {
    Item {
        location: format!("{name}: document {i}"),
        doc: doc.and_then(|d| d.to_owned()).map(Doc::Owned).map_err(|e| e.to_string()),
        warnings: Vec::new(),
        errors: Vec::new(),
    }
}

fn jsonl_each(
    mut input: Input,
    mut pending: Option<Vec<u8>>,
    first_len: u64,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    // `open` read line 1: the header, or a document in `pending`.
    let mut line_no = if pending.is_some() { 0 } else { 1 };
    let mut bytes = if pending.is_some() { 0 } else { first_len };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = match pending.take() {
            Some(first) => {
                buf = first;
                buf.len()
            }
            None => input.reader.read_until(b'\n', &mut buf).with_context(|| format!("cannot read {}", input.name))?,
        };
        if n == 0 {
            break;
        }
        bytes += n as u64;
        line_no += 1;
        let raw = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = |col: u64| format!("{}:{line_no}:{col}", input.name);
        let (location, doc) = match std::str::from_utf8(raw) {
            Err(e) => {
                let valid = &raw[..e.valid_up_to()];
                let col = String::from_utf8_lossy(valid).chars().count() as u64 + 1;
                let offset = bytes - n as u64 + e.valid_up_to() as u64;
                let byte = raw[e.valid_up_to()];
                (
                    at(col),
                    Err(format!("expected UTF-8, found the byte 0x{byte:02x} (byte offset {offset} of the file)")),
                )
            }
            Ok(text) => match strata_jsonl::parse_line(text) {
                Ok(Line::Document(doc)) => (at(1), Ok(doc)),
                Ok(Line::Header(_)) => {
                    (at(1), Err("expected a document, found a corpus header (only the first line may be one)".into()))
                }
                Err(e) => (at(e.column), Err(e.message)),
            },
        };
        f(Item { location, doc: doc.map(Doc::Owned), warnings: Vec::new(), errors: Vec::new() })?;
    }
    Ok(bytes)
}

fn tagged_each(
    input: Input,
    id: &str,
    options: &strata_tagged::Options,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let name = input.name.clone();
    let mut splitter = Splitter::new(input.reader);
    let read = |s: Option<std::io::Result<Segment>>| s.transpose().with_context(|| format!("cannot read {name}"));
    // A one-article file is named by its id; the articles of a stream get
    // their position too, so one article must be read ahead.
    let Some(first) = read(splitter.next())? else {
        return Ok(0);
    };
    let second = read(splitter.next())?;
    let single = second.is_none();
    let mut bytes = 0;
    let mut n = 0;
    let mut emit = |seg: Segment| -> anyhow::Result<()> {
        n += 1;
        bytes += seg.bytes.len() as u64;
        let doc_id = if single { id.to_string() } else { format!("{id}.{n}") };
        f(Item::parsed(&name, seg.line, strata_tagged::to_document(&doc_id, &seg, options)))
    };
    emit(first)?;
    if let Some(seg) = second {
        emit(seg)?;
    }
    while let Some(seg) = read(splitter.next())? {
        emit(seg)?;
    }
    Ok(bytes)
}

/// SGML files are read whole: a record's end tag can be anywhere, and the
/// files of the families are megabytes, not gigabytes.
fn sgml_each(
    input: Input,
    options: &strata_tagged::Options,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let name = input.name.clone();
    let bytes = input.read_all().with_context(|| format!("cannot read {name}"))?;
    for item in strata_tagged::sgml::parse_sgml(&bytes, options) {
        let (line, _) = strata_tagged::line_column(&bytes, item.offset);
        f(Item::parsed(&name, line, item.result))?;
    }
    Ok(bytes.len() as u64)
}

/// One brat document from its `.txt` and `.ann` (a missing `.ann` is an
/// empty one; a missing `.txt` costs the document).
fn brat_each(id: &str, txt: &Path, ann: &Path, f: &mut dyn FnMut(Item) -> anyhow::Result<()>) -> anyhow::Result<u64> {
    let (txt_name, ann_name) = (txt.display().to_string(), ann.display().to_string());
    // Err holds (location, why).
    let read = |path: &Path, name: &str| -> Result<(String, u64), (String, String)> {
        let bytes = std::fs::read(path).map_err(|e| (name.to_string(), format!("cannot read the file: {e}")))?;
        let len = bytes.len() as u64;
        String::from_utf8(bytes).map(|s| (s, len)).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let (line, column) = strata_tagged::line_column(e.as_bytes(), at);
            let byte = e.as_bytes()[at];
            (
                format!("{name}:{line}:{column}"),
                format!("expected UTF-8, found the byte 0x{byte:02x} (byte offset {at})"),
            )
        })
    };
    let fail =
        |(location, why): (String, String)| Item { location, doc: Err(why), warnings: Vec::new(), errors: Vec::new() };
    let (text, text_len) = match read(txt, &txt_name) {
        Ok(t) => t,
        Err(e) => {
            f(fail(e))?;
            return Ok(0);
        }
    };
    let (annotations, ann_len) = if ann.exists() {
        match read(ann, &ann_name) {
            Ok(a) => a,
            Err(e) => {
                f(fail(e))?;
                return Ok(text_len);
            }
        }
    } else {
        (String::new(), 0)
    };
    crate::progress::BYTES_READ.fetch_add(text_len + ann_len, std::sync::atomic::Ordering::Relaxed);
    f(Item::parsed(&ann_name, 1, strata_brat::parse(id, &text, &annotations)))?;
    Ok(text_len + ann_len)
}

/// CoNLL-U, one document at a time. A sentence with an error is left out
/// of its document and reported; the rest of the document is written.
fn conllu_each(
    input: Input,
    id: &str,
    built: Option<&Recycle>,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let name = input.name.clone();
    let counted = CountingReader { inner: input.reader, bytes: 0 };
    let mut reader = strata_conllu::Reader::new(counted, id);
    loop {
        // One reader, two ways: the built document, or the owned one. One
        // reading thread is `convert -j 1`, which writes on this thread too.
        let result = match built {
            Some(recycle) => match next_built(&mut reader, HandOver::Here(recycle)) {
                None => break,
                Some(result) => result,
            },
            None => match reader.next() {
                None => break,
                Some(Ok(p)) => Ok((
                    Doc::Owned(p.document),
                    strata_conllu::Report { errors: p.errors, warnings: p.warnings, lines: p.lines },
                )),
                Some(Err(rejected)) => Err(rejected),
            },
        };
        f(conllu_item(&name, result))?;
    }
    Ok(reader.into_inner().bytes)
}

/// The item for what a CoNLL-U reader gave.
fn conllu_item(name: &str, result: Result<(Doc, strata_conllu::Report), strata_conllu::Rejected>) -> Item {
    let at = |p: &Problem| format!("{name}:{}:{}", p.line, p.column);
    match result {
        Ok((doc, parsed)) => Item {
            location: format!("{name}:{}:1", parsed.lines.start),
            doc: Ok(doc),
            warnings: parsed.warnings.iter().map(|w| format!("{}: warning: {}", at(w), w.message)).collect(),
            errors: parsed.errors.iter().map(|e| format!("{}: {} (sentence left out)", at(e), e.message)).collect(),
        },
        Err(rejected) => {
            let first = rejected.errors.first();
            let location = first.map_or_else(|| format!("{name}:{}:1", rejected.lines.start), at);
            let why = first.map_or("no sentence could be read", |p| p.message.as_str());
            Item {
                location,
                doc: Err(format!("{why} (document {:?} rejected: none of its sentences could be read)", rejected.id)),
                warnings: Vec::new(),
                errors: rejected.errors.iter().skip(1).map(|e| format!("{}: {}", at(e), e.message)).collect(),
            }
        }
    }
}

/// The bytes of CoNLL-U input read on one thread at a time, about; the
/// `STRATA_CHUNK_BYTES` environment variable changes it (for tests, which
/// need many chunks from small files).
fn chunk_bytes() -> usize {
    const CHUNK_BYTES: usize = 512 << 10;
    std::env::var("STRATA_CHUNK_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(CHUNK_BYTES)
}

/// The most chunks an input read on one thread has: with the default chunk
/// size, inputs under about 2 MB.
const SMALL_INPUT_CHUNKS: usize = 4;

/// `conllu_each` into built documents on `threads` threads: this one cuts
/// the input into chunks of whole documents (`strata_conllu::Chunker`),
/// each thread reads chunks into a builder of its own, and the items come
/// out here in input order. They are the items `conllu_each` gives, line
/// numbers and document names included (the chunk readers resume where a
/// reader of the whole input would be), and a writer takes the documents
/// of the threads' builders interleaved (`Writer::add_built_doc`). An input
/// of a few chunks (a small file) is read on this thread.
fn conllu_each_parallel(
    input: Input,
    id: &str,
    recycle: &Recycle,
    threads: usize,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let name = input.name.as_str();
    let threads = threads.min(strata_format::MAX_BUILDERS);
    let mut chunker = strata_conllu::Chunker::new(CountingReader { inner: input.reader, bytes: 0 }, chunk_bytes());
    // An input of a few chunks (a small file) is read on this thread:
    // waking other threads would cost more than they save.
    let mut first = Vec::new();
    while first.len() < SMALL_INPUT_CHUNKS {
        let Some(chunk) = chunker.next() else { break };
        let last = chunk.is_last();
        first.push(chunk);
        if last {
            break;
        }
    }
    if first.last().is_none_or(strata_conllu::Chunk::is_last) {
        let mut builder = strata_format::DocBuilder::new();
        for chunk in first {
            let (bytes, b) = read_chunk(chunk, name, id, HandOver::Elsewhere(recycle), builder, f)?;
            chunker.reuse(bytes);
            builder = b;
        }
        return Ok(chunker.into_inner().bytes);
    }
    let mut first = first.into_iter();
    crate::in_order::in_order(
        threads,
        "reading",
        &mut chunker,
        |chunker| first.next().or_else(|| chunker.next()),
        || Some(strata_format::DocBuilder::new()),
        |builder, chunk| {
            let mut items = Vec::new();
            let b = builder.take().unwrap_or_default();
            let push = &mut |item| {
                items.push(item);
                Ok(())
            };
            let (bytes, mut b) = read_chunk(chunk, name, id, HandOver::Elsewhere(recycle), b, push).ok()?;
            // The threads' dictionaries (and the writer's copy of each)
            // share one bound between them.
            if b.dictionary_bytes() > strata_conllu::STRING_MEMORY / threads {
                b.clear_with_strings();
            }
            *builder = Some(b);
            Some((items, bytes))
        },
        |chunker, (items, bytes)| {
            chunker.reuse(bytes);
            items.into_iter().try_for_each(&mut *f)
        },
    )?;
    Ok(chunker.into_inner().bytes)
}

/// Reads a chunk's documents into `builder`, giving each item to `f`;
/// returns the chunk's buffer and the builder, to serve again.
fn read_chunk(
    chunk: strata_conllu::Chunk,
    name: &str,
    id: &str,
    how: HandOver<'_>,
    builder: strata_format::DocBuilder,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<(Vec<u8>, strata_format::DocBuilder)> {
    let mut reader = chunk.reader(id, builder);
    while let Some(result) = next_built(&mut reader, how) {
        f(conllu_item(name, result))?;
    }
    let (input, builder) = reader.into_parts();
    Ok((input.into_bytes(), builder))
}

/// Where built documents are written, which decides how they leave their
/// builder for a recycled document.
#[derive(Clone, Copy)]
enum HandOver<'a> {
    /// On the builder's thread: swapped with the recycled document, as both
    /// memories stay warm.
    Here(&'a Recycle),
    /// On another thread: copied into the recycled document when small
    /// (`DocBuilder::hand_over_copy`), so that the builder keeps its own
    /// memory, warm in its thread's cache; swapped when large, as copying a
    /// document that does not fit in the cache costs more than the builder
    /// gains.
    Elsewhere(&'a Recycle),
}

/// The largest document (`DocBuilder::heap_size`) that `HandOver::Elsewhere`
/// copies: a couple of hundred words, well inside a core's cache. A treebank's
/// documents are mostly smaller (UD EWT: 80 words on average), generated
/// news articles larger (about 400).
const COPY_BYTES: usize = 32 << 10;

/// The next document `reader` builds, handed over as `how` says.
fn next_built<R: BufRead>(
    reader: &mut strata_conllu::Reader<R>,
    how: HandOver<'_>,
) -> Option<Result<(Doc, strata_conllu::Report), strata_conllu::Rejected>> {
    let result = reader.next_built()?;
    Some(result.map(|report| {
        let (HandOver::Here(recycle) | HandOver::Elsewhere(recycle)) = how;
        let mut doc = recycle.take();
        let builder = reader.builder_mut();
        match how {
            HandOver::Elsewhere(_) if builder.heap_size() <= COPY_BYTES => builder.hand_over_copy(&mut doc),
            _ => builder.hand_over(&mut doc),
        }
        (Doc::Built(doc), report)
    }))
}

/// Counts the bytes a reader hands out.
struct CountingReader<R> {
    inner: R,
    bytes: u64,
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.bytes += amt as u64;
        self.inner.consume(amt);
    }
}
