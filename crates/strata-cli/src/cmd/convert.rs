//! `strata convert`: any supported format to any other, document by
//! document, with bad documents reported and skipped.

use std::fmt::Write as _;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use strata_format::{Document, Schema, Writer, WriterBuilder};
use strata_jsonl::Line;
use strata_reader::AtomicFile;

use crate::formats::{Format, Input};
use crate::Outcome;

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
  strata convert a.jsonl b.jsonl -o both.strata --compress
  cat corpus.jsonl | strata convert - --from jsonl -o corpus.strata
  strata convert corpus.strata -o - --to jsonl | head

Exit status: 0 when every document was written, 1 when some were rejected
(the others are written), 2 on a usage or fatal error (no output).")]
pub struct Args {
    /// Input files, `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file, `-` for standard output.
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
    /// Stop at the first problem and write nothing.
    #[arg(long)]
    strict: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print the summary as JSON (on standard output, or standard error when
    /// the corpus goes to standard output).
    #[arg(long)]
    json: bool,
}

/// Counts for the summary: `documents_in == written + rejected`.
#[derive(Default)]
struct Counts {
    inputs: u64,
    documents_in: u64,
    written: u64,
    rejected: u64,
    bytes_in: u64,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let to_stdout = args.output.as_os_str() == "-";
    let to = match args.to.or_else(|| Format::from_extension(&args.output)) {
        Some(f) => f,
        None if to_stdout => bail!("writing to standard output needs --to strata or --to jsonl"),
        None => bail!(
            "cannot tell the output format of {}: expected a .strata or .jsonl name; give --to",
            args.output.display()
        ),
    };
    if args.compress.is_some() && to != Format::Strata {
        bail!("--compress applies to strata output only");
    }
    if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        bail!("standard input (-) can be read only once");
    }

    // Open every input first: a missing file is a usage error, found before
    // any output exists, and the declared schemas come first in the output.
    let mut sources = Vec::with_capacity(args.inputs.len());
    for path in &args.inputs {
        sources.push(Source::open(path, args.from)?);
    }
    let mut schema = Schema::default();
    for s in &sources {
        merge_schema(&mut schema, s.declared_schema(), s.name())?;
    }

    let dest = if to_stdout {
        Dest::Stdout(BufWriter::with_capacity(1 << 20, io::stdout()))
    } else {
        let file = AtomicFile::create(&args.output)
            .with_context(|| format!("cannot create a file beside {}", args.output.display()))?;
        Dest::File(file)
    };
    let mut builder = WriterBuilder::new();
    builder.schema(schema.clone()).compression(args.compress);
    let mut sink = match to {
        Format::Strata => Sink::Strata(builder.build(dest)?),
        Format::Jsonl => {
            let mut dest = dest;
            if !schema.fields.is_empty()
                || !schema.layers.is_empty()
                || !schema.corpus_metadata.is_empty()
            {
                writeln!(dest, "{}", strata_jsonl::header_line(&schema))?;
            }
            // Documents pass through a writer to nowhere: it applies the same
            // rules (unique ids, spans inside the text, consistent types) as
            // strata output does.
            Sink::Jsonl {
                dest,
                check: builder.build(io::sink())?,
            }
        }
    };

    let mut counts = Counts::default();
    let mut stderr = io::stderr().lock();
    for source in sources {
        counts.inputs += 1;
        let mut on_item = |item: Item| -> anyhow::Result<()> {
            counts.documents_in += 1;
            let problem = match item.doc {
                Ok(doc) => match sink.add(&doc)? {
                    None => {
                        counts.written += 1;
                        return Ok(());
                    }
                    Some(why) => why,
                },
                Err(why) => why,
            };
            counts.rejected += 1;
            let message = format!("{}: {problem}", item.location);
            if args.strict {
                bail!("{message} (--strict: nothing written)");
            }
            writeln!(stderr, "{message}")?;
            Ok(())
        };
        counts.bytes_in += source.each(&mut on_item)?;
    }
    sink.finish()?;

    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        let summary = serde_json::json!({
            "inputs": counts.inputs,
            "documents_in": counts.documents_in,
            "written": counts.written,
            "rejected": counts.rejected,
            "bytes_in": counts.bytes_in,
            "seconds": seconds,
            "output": args.output.display().to_string(),
        });
        if to_stdout {
            writeln!(stderr, "{summary}")?;
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
        let _ = write!(
            line,
            "; {} read in {seconds:.2} s -> {}",
            super::human_bytes(counts.bytes_in),
            args.output.display()
        );
        writeln!(stderr, "{line}")?;
    }
    Ok(if counts.rejected > 0 {
        Outcome::Problems
    } else {
        Outcome::Ok
    })
}

/// Adds `add`'s fields, layers and metadata to `into`, in order.
fn merge_schema(into: &mut Schema, add: Schema, name: &str) -> anyhow::Result<()> {
    for f in add.fields {
        match into.field_index(&f.name).map(|i| into.fields[i].ty) {
            Some(ty) if ty != f.ty => bail!(
                "{name}: field {:?} is a {} here but a {} in an earlier input",
                f.name,
                f.ty.name(),
                ty.name()
            ),
            Some(_) => {}
            None => into.fields.push(f),
        }
    }
    for l in add.layers {
        let ix = match into.layer_index(&l.name) {
            Some(ix) => ix,
            None => {
                into.layers.push(strata_format::LayerDef {
                    attrs: Vec::new(),
                    ..l.clone()
                });
                into.layers.len() - 1
            }
        };
        let have = &mut into.layers[ix];
        for a in l.attrs {
            match have.attr_index(&a.name).map(|i| have.attrs[i].ty) {
                Some(ty) if ty != a.ty => bail!(
                    "{name}: attribute {:?} of layer {:?} is a {} here but a {} in an earlier input",
                    a.name,
                    l.name,
                    a.ty.name(),
                    ty.name()
                ),
                Some(_) => {}
                None => have.attrs.push(a),
            }
        }
    }
    for (k, v) in add.corpus_metadata {
        if !into.corpus_metadata.iter().any(|(n, _)| *n == k) {
            into.corpus_metadata.push((k, v));
        }
    }
    Ok(())
}

/// One document read from an input, or why it could not be read.
struct Item {
    location: String,
    doc: Result<Document, String>,
}

enum Source {
    Strata {
        name: String,
        corpus: Box<strata_reader::Corpus>,
    },
    Jsonl {
        input: Input,
        header: Option<Schema>,
        pending: Option<Vec<u8>>,
        first_len: u64,
    },
}

impl Source {
    fn open(path: &std::path::Path, from: Option<Format>) -> anyhow::Result<Source> {
        let mut input = Input::open(path)?;
        let name = input.name.clone();
        let head = input
            .peek()
            .with_context(|| format!("cannot read {name}"))?;
        match Format::detect(path, head, from)? {
            Format::Strata => {
                let corpus = if path.as_os_str() == "-" {
                    let bytes = input.read_all().context("cannot read standard input")?;
                    strata_reader::Corpus::from_vec(bytes).context(name.clone())?
                } else {
                    drop(input);
                    super::open_corpus(path)?
                };
                Ok(Source::Strata {
                    name,
                    corpus: Box::new(corpus),
                })
            }
            Format::Jsonl => {
                // A header, when present, is the first line; otherwise the
                // first line is a document like the others.
                let mut first = Vec::new();
                input
                    .reader
                    .read_until(b'\n', &mut first)
                    .with_context(|| format!("cannot read {}", input.name))?;
                let text = std::str::from_utf8(&first).unwrap_or_default();
                let header = match strata_jsonl::parse_line(text.trim_end_matches(['\n', '\r'])) {
                    Ok(Line::Header(schema)) => Some(schema),
                    _ => None,
                };
                let first_len = first.len() as u64;
                let pending = if header.is_some() { None } else { Some(first) };
                Ok(Source::Jsonl {
                    input,
                    header,
                    pending,
                    first_len,
                })
            }
        }
    }

    fn name(&self) -> &str {
        match self {
            Source::Strata { name, .. } => name,
            Source::Jsonl { input, .. } => &input.name,
        }
    }

    fn declared_schema(&self) -> Schema {
        match self {
            Source::Strata { corpus, .. } => corpus.schema().clone(),
            Source::Jsonl { header, .. } => header.clone().unwrap_or_default(),
        }
    }

    /// Calls `f` for each document; returns the bytes read.
    fn each(self, f: &mut dyn FnMut(Item) -> anyhow::Result<()>) -> anyhow::Result<u64> {
        match self {
            Source::Strata { name, corpus } => {
                for (i, doc) in corpus.iter().enumerate() {
                    let doc = doc.and_then(|d| d.to_owned());
                    f(Item {
                        location: format!("{name}: document {i}"),
                        doc: doc.map_err(|e| e.to_string()),
                    })?;
                }
                Ok(corpus.as_bytes().len() as u64)
            }
            Source::Jsonl {
                mut input,
                mut pending,
                first_len,
                ..
            } => {
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
                        None => input
                            .reader
                            .read_until(b'\n', &mut buf)
                            .with_context(|| format!("cannot read {}", input.name))?,
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
                    let item = match std::str::from_utf8(raw) {
                        Err(e) => {
                            let valid = &raw[..e.valid_up_to()];
                            let col = String::from_utf8_lossy(valid).chars().count() as u64 + 1;
                            Item {
                                location: at(col),
                                doc: Err(format!(
                                    "expected UTF-8, found the byte 0x{:02x} (byte offset {} of the file)",
                                    raw[e.valid_up_to()],
                                    bytes - n as u64 + e.valid_up_to() as u64
                                )),
                            }
                        }
                        Ok(text) => match strata_jsonl::parse_line(text) {
                            Ok(Line::Document(doc)) => Item { location: at(1), doc: Ok(doc) },
                            Ok(Line::Header(_)) => Item {
                                location: at(1),
                                doc: Err("expected a document, found a corpus header (only the first line may be one)".into()),
                            },
                            Err(e) => Item { location: at(e.column), doc: Err(e.message) },
                        },
                    };
                    f(item)?;
                }
                Ok(bytes)
            }
        }
    }
}

/// Where the output goes.
enum Dest {
    File(AtomicFile),
    Stdout(BufWriter<io::Stdout>),
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::File(f) => f.write(buf),
            Dest::Stdout(s) => s.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Dest::File(f) => f.write_all(buf),
            Dest::Stdout(s) => s.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::File(f) => f.flush(),
            Dest::Stdout(s) => s.flush(),
        }
    }
}

impl Dest {
    fn commit(self) -> anyhow::Result<()> {
        match self {
            Dest::File(f) => f.commit().context("cannot move the output into place"),
            Dest::Stdout(mut s) => s.flush().context("cannot write to standard output"),
        }
    }
}

enum Sink {
    Strata(Writer<Dest>),
    Jsonl { dest: Dest, check: Writer<io::Sink> },
}

impl Sink {
    /// Writes a document; `Ok(Some(why))` when it was rejected.
    fn add(&mut self, doc: &Document) -> anyhow::Result<Option<String>> {
        let wtr_result = match self {
            Sink::Strata(w) => w.add(doc),
            Sink::Jsonl { check, .. } => check.add(doc),
        };
        match wtr_result {
            Ok(_) => {}
            Err(e) if e.is_invalid_document() => return Ok(Some(e.to_string())),
            Err(e) => return Err(anyhow!(e).context("cannot write the output")),
        }
        if let Sink::Jsonl { dest, .. } = self {
            let mut line = strata_jsonl::document_line(doc);
            line.push('\n');
            dest.write_all(line.as_bytes())
                .context("cannot write the output")?;
        }
        Ok(None)
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Strata(w) => w.finish().context("cannot finish the output")?.commit(),
            Sink::Jsonl { dest, .. } => dest.commit(),
        }
    }
}
