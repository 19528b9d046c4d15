//! Corpus formats the command line knows, how to tell them apart, and how to
//! open inputs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::ValueEnum;
use strata_format::layout::MAGIC;

/// A corpus format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The strata binary format.
    Strata,
    /// The strata JSONL interchange format (spec/JSONL.md).
    Jsonl,
    /// Tagged news articles (spec/TAGGED.md): one article or a stream.
    Tagged,
    /// SGML newswire: Gigaword, AQUAINT, TREC, Reuters-21578 (read);
    /// Gigaword-style `<DOC>` records (written).
    Sgml,
    /// Plain text, written only: each document's text, then an empty line.
    Text,
    /// brat standoff: a folder of `.txt` + `.ann` pairs (spec/BRAT.md), or
    /// one `.ann` beside its `.txt`.
    Brat,
    /// CoNLL-U (Universal Dependencies), spec/CONLLU.md.
    Conllu,
}

impl Format {
    /// The format a file name's extension names, if any; a compression
    /// extension (`news.jsonl.gz`) is looked through.
    pub fn from_extension(path: &Path) -> Option<Format> {
        match without_compression(path).extension()?.to_str()? {
            "strata" => Some(Format::Strata),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "txt" | "text" => Some(Format::Tagged),
            "sgml" | "sgm" => Some(Format::Sgml),
            "ann" => Some(Format::Brat),
            "conllu" | "conll" => Some(Format::Conllu),
            _ => None,
        }
    }

    /// The format of an input: `--from`, else its first bytes, else its
    /// extension.
    pub fn detect(path: &Path, head: &[u8], from: Option<Format>) -> anyhow::Result<Format> {
        if let Some(f) = from {
            return Ok(f);
        }
        if head.starts_with(&MAGIC) {
            return Ok(Format::Strata);
        }
        if let Some(f) = Format::from_extension(path) {
            return Ok(f);
        }
        let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
        let rest = &head[start..];
        if rest.starts_with(b"{") {
            return Ok(Format::Jsonl);
        }
        if [&b"<DOC"[..], b"<REUTERS", b"<!DOCTYPE lewis"].iter().any(|p| rest.starts_with(p)) {
            return Ok(Format::Sgml);
        }
        let first_line = head.split(|&b| b == b'\n').find(|l| !l.iter().all(u8::is_ascii_whitespace));
        if first_line.is_some_and(looks_like_conllu) {
            return Ok(Format::Conllu);
        }
        if first_line.is_some_and(strata_tagged::is_header_line) {
            return Ok(Format::Tagged);
        }
        bail!(
            "cannot tell the format of {}: expected a .strata, .jsonl, .txt, .sgml, .conllu or .ann name, or content in \
             one of those formats; give --from",
            path.display()
        )
    }
}

/// A CoNLL-U comment that starts a sentence or document, or a word line
/// (`1<TAB>...`).
fn looks_like_conllu(line: &[u8]) -> bool {
    let comments: [&[u8]; 5] = [b"# newdoc", b"# sent_id", b"# text", b"# global.columns", b"# newpar"];
    if comments.iter().any(|c| line.starts_with(c)) {
        return true;
    }
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && line.get(digits) == Some(&b'\t') && line.iter().filter(|&&b| b == b'\t').count() >= 9
}

/// `path` without a `.gz` or `.zst` extension.
pub fn without_compression(path: &Path) -> PathBuf {
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz" | "zst") => path.with_extension(""),
        _ => path.to_path_buf(),
    }
}

/// An input opened for reading: a file or standard input (`-`), gzip or
/// zstd compressed or not (told by its first bytes, not its name).
pub struct Input {
    /// The name used in messages.
    pub name: String,
    /// The buffered, decompressed bytes.
    pub reader: Box<dyn BufRead + Send>,
    /// Whether the bytes are decompressed on the fly (so the file itself
    /// cannot be memory-mapped as a corpus).
    pub compressed: bool,
}

const BUFFER: usize = 1 << 16;

impl Input {
    /// Opens a path, or standard input for `-`.
    pub fn open(path: &Path) -> anyhow::Result<Input> {
        let (name, raw): (String, Box<dyn Read + Send>) = if path.as_os_str() == "-" {
            ("<stdin>".into(), Box::new(crate::progress::Counted(io::stdin())))
        } else {
            let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            (path.display().to_string(), Box::new(crate::progress::Counted(file)))
        };
        let mut buffered = BufReader::with_capacity(BUFFER, raw);
        let head = buffered.fill_buf().with_context(|| format!("cannot read {name}"))?;
        let reader: Box<dyn BufRead + Send> = if head.starts_with(&[0x1f, 0x8b]) {
            Box::new(BufReader::with_capacity(BUFFER, flate2::bufread::MultiGzDecoder::new(buffered)))
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            let decoder = zstd::stream::read::Decoder::with_buffer(buffered)
                .with_context(|| format!("cannot start decompressing {name}"))?;
            Box::new(BufReader::with_capacity(BUFFER, decoder))
        } else {
            return Ok(Input { name, reader: Box::new(buffered), compressed: false });
        };
        Ok(Input { name, reader, compressed: true })
    }

    /// The first bytes, without consuming them.
    pub fn peek(&mut self) -> io::Result<&[u8]> {
        self.reader.fill_buf()
    }

    /// Every remaining byte.
    pub fn read_all(mut self) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.reader.read_to_end(&mut out)?;
        Ok(out)
    }
}
