//! `strata cat`: chosen documents of a corpus, for a person or a pipe.
//!
//! Selectors name documents by index, range or id and are looked up
//! directly (the document index and the id index), so showing one document
//! of a large corpus reads only that document. Filters (`--date`, `--has`)
//! are checked on the borrowed document before anything is copied.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::ValueEnum;
use strata_conllu::DocWriter;
use strata_format::{Date, ValueRef};
use strata_reader::Doc;

use crate::render::{self, HumanStyle};
use crate::Outcome;

/// Show documents of a corpus: all of them, or those the selectors name,
/// kept when they pass the filters.
///
/// Selectors: `42` (the document at index 42, counting from 0), `10..20`
/// (10 to 19), `10..=20` (10 to 20), `10..` (10 to the end), `..5` (the
/// first five), `id:NAME` (the document with that id). Documents come out
/// in the order the selectors give.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata cat news.strata 0                       the first document, layers marked
  strata cat news.strata id:afp.12 --format tagged > afp.12.txt
  strata cat news.strata 100..200 --has entity --format json
  strata cat news.strata --date 2025-04-01..2025-04-30 --format ids
  strata cat news.strata 5 --mark sentence,entity | less -R

Formats: human (the default on a terminal: a header with id and metadata,
then the text with titles, headings, entities and quotes marked inline),
text (the default in a pipe: each text followed by an empty line), tagged
(each text exactly as stored), json (JSONL lines), sgml (<DOC> records),
conllu (documents with sentence and token layers), brat (the .ann of each
document), ids (one id per line).

Exit status: 0 when every selector named a document, 1 when some did not
(the others are shown), 2 on a usage or fatal error.")]
pub struct Args {
    /// The strata file (`-` for standard input).
    file: PathBuf,
    /// Documents to show (default: all): `42`, `10..20`, `10..=20`, `10..`,
    /// `..5`, `id:NAME`.
    #[arg(value_name = "SELECTOR")]
    selectors: Vec<String>,
    /// Keep documents whose `date` is in this range, both ends included:
    /// `2025-04-01..2025-04-30`, `2025-04-01..`, `..2025-04-30` or one day.
    #[arg(long, value_name = "FROM..TO")]
    date: Option<String>,
    /// Keep documents with at least one span in this layer (repeatable: all
    /// must hold).
    #[arg(long = "has", value_name = "LAYER")]
    has: Vec<String>,
    /// Output format (default: human on a terminal, text otherwise).
    #[arg(long, short = 'f', value_enum)]
    format: Option<CatFormat>,
    /// Layers the human view marks inline, comma-separated (default:
    /// title,heading,dateline,entity,quote,brat).
    #[arg(long, value_name = "LAYERS", value_delimiter = ',')]
    mark: Option<Vec<String>>,
    /// Colour in the human view.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// What `cat` prints for each document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CatFormat {
    Human,
    Text,
    Tagged,
    Json,
    Sgml,
    Conllu,
    Brat,
    Ids,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Which documents a selector names.
#[derive(Debug, PartialEq, Eq)]
enum Selector {
    /// Indices `start..end` (end exclusive; `None` for the end of the corpus).
    Range(u64, Option<u64>),
    /// One id.
    Id(String),
}

fn parse_selector(s: &str) -> anyhow::Result<Selector> {
    let index = |t: &str| -> anyhow::Result<u64> {
        t.parse().with_context(|| format!("selector {s:?}: expected a document index (0, 1, 2...), found {t:?}"))
    };
    if let Some(id) = s.strip_prefix("id:") {
        return Ok(Selector::Id(id.to_string()));
    }
    if let Some((a, b)) = s.split_once("..") {
        let start = if a.is_empty() { 0 } else { index(a)? };
        let end = match b.strip_prefix('=') {
            Some(b) => Some(index(b)?.saturating_add(1)),
            None if b.is_empty() => None,
            None => Some(index(b)?),
        };
        return Ok(Selector::Range(start, end));
    }
    let i = index(s)?;
    Ok(Selector::Range(i, Some(i.saturating_add(1))))
}

/// An inclusive date range; `None` ends are open.
#[derive(Debug, PartialEq, Eq)]
struct DateRange(Option<Date>, Option<Date>);

fn parse_date_range(s: &str) -> anyhow::Result<DateRange> {
    let date = |t: &str| -> anyhow::Result<Option<Date>> {
        if t.is_empty() {
            return Ok(None);
        }
        match Date::parse_iso(t) {
            Some(d) => Ok(Some(d)),
            None => bail!("--date {s:?}: expected a calendar date YYYY-MM-DD, found {t:?}"),
        }
    };
    match s.split_once("..") {
        Some((a, b)) => Ok(DateRange(date(a)?, date(b)?)),
        None => {
            let d = date(s)?;
            if d.is_none() {
                bail!("--date: expected a date or a range FROM..TO");
            }
            Ok(DateRange(d, d))
        }
    }
}

impl DateRange {
    fn contains(&self, d: Date) -> bool {
        self.0.is_none_or(|from| d >= from) && self.1.is_none_or(|to| d <= to)
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let selectors = args.selectors.iter().map(|s| parse_selector(s)).collect::<anyhow::Result<Vec<_>>>()?;
    let dates = args.date.as_deref().map(parse_date_range).transpose()?;
    let corpus = super::open_corpus(&args.file)?;
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let format = args.format.unwrap_or(if terminal { CatFormat::Human } else { CatFormat::Text });
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal && std::env::var_os("NO_COLOR").is_none() && std::env::var("TERM").ok().as_deref() != Some("dumb")
        }
    };
    let marked: Vec<String> =
        args.mark.clone().unwrap_or_else(|| render::DEFAULT_MARKED.iter().map(|s| s.to_string()).collect());
    let style = HumanStyle { color, marked: &marked };
    // CoNLL-U is written from the documents in place (a dictionary that is
    // not UTF-8 as a whole leaves every document to be copied first).
    let in_place = format == CatFormat::Conllu && super::export_in_place();
    let strings = if in_place { corpus.string_table().ok() } else { None };
    let conllu = strings.as_ref().map(DocWriter::new);
    let mut printer =
        Printer { out: BufWriter::new(stdout.lock()), format, style, shown: 0, buf: String::new(), conllu };
    let filters = Filters { dates, has: &args.has };

    let mut missing = 0;
    if selectors.is_empty() {
        for doc in corpus.iter() {
            let doc = doc.context("cannot read the corpus")?;
            if filters.keep(&doc)? {
                printer.show(&doc)?;
            }
        }
    }
    for selector in &selectors {
        match selector {
            Selector::Id(id) => match corpus.by_id(id).context("cannot read the corpus")? {
                Some(doc) => {
                    if filters.keep(&doc)? {
                        printer.show(&doc)?;
                    }
                }
                None => {
                    missing += 1;
                    eprintln!("strata: no document has the id {id:?}");
                }
            },
            Selector::Range(start, end) => {
                let len = corpus.len();
                let end = end.unwrap_or(len);
                if *start >= len || end > len {
                    missing += 1;
                    let last = end.saturating_sub(1).max(*start);
                    eprintln!(
                        "strata: there is no document {last}: the corpus has {len} (indices 0 to {})",
                        len.saturating_sub(1)
                    );
                }
                for i in *start..end.min(len) {
                    let doc = corpus.doc(i).with_context(|| format!("cannot read document {i}"))?;
                    if filters.keep(&doc)? {
                        printer.show(&doc)?;
                    }
                }
            }
        }
    }
    printer.out.flush()?;
    Ok(if missing > 0 { Outcome::Problems } else { Outcome::Ok })
}

struct Filters<'a> {
    dates: Option<DateRange>,
    has: &'a [String],
}

impl Filters<'_> {
    /// Whether a document passes, looking only at its metadata and layer
    /// headers (no text, no spans copied).
    fn keep(&self, doc: &Doc<'_>) -> anyhow::Result<bool> {
        if let Some(range) = &self.dates {
            match doc.meta("date").with_context(|| format!("cannot read document {}", doc.index()))? {
                Some(ValueRef::Date(d)) if range.contains(d) => {}
                _ => return Ok(false),
            }
        }
        Ok(self.has.iter().all(|name| doc.layer(name).is_some_and(|l| !l.is_empty())))
    }
}

struct Printer<'a, W: Write> {
    out: W,
    format: CatFormat,
    style: HumanStyle<'a>,
    shown: u64,
    buf: String,
    /// Writes CoNLL-U in place, for `--format conllu`.
    conllu: Option<DocWriter<'a, 'a>>,
}

impl<W: Write> Printer<'_, W> {
    fn show(&mut self, doc: &Doc<'_>) -> anyhow::Result<()> {
        self.buf.clear();
        if self.format == CatFormat::Ids {
            self.buf.push_str(doc.id());
            self.buf.push('\n');
        } else if self.conllu.as_ref().is_some_and(|w| w.write(doc, &mut self.buf).is_ok()) {
            // Written in place: `write_doc` succeeds only where the copy
            // below would give the same bytes. Otherwise the copy gives the
            // error it always has.
        } else {
            let owned = doc.to_owned().with_context(|| format!("cannot read document {}", doc.index()))?;
            match self.format {
                CatFormat::Human => {
                    if self.shown > 0 {
                        self.buf.push('\n');
                    }
                    render::human(doc.index(), &owned, &self.style, &mut self.buf);
                }
                CatFormat::Text => render::text(&owned, &mut self.buf),
                CatFormat::Tagged => self.buf.push_str(&owned.text),
                CatFormat::Json => render::json(&owned, &mut self.buf),
                CatFormat::Sgml => render::sgml(&owned, &mut self.buf),
                CatFormat::Conllu => {
                    if let Err(e) = strata_conllu::write_document(&owned, &mut self.buf) {
                        anyhow::bail!("document {} ({:?}) cannot be shown as CoNLL-U: {e}", doc.index(), doc.id());
                    }
                }
                CatFormat::Brat => {
                    if let Err(e) = strata_brat::write_ann(&owned, &mut self.buf) {
                        anyhow::bail!("document {} ({:?}) cannot be shown as brat: {e}", doc.index(), doc.id());
                    }
                }
                CatFormat::Ids => unreachable!("handled above"),
            }
        }
        self.shown += 1;
        self.out.write_all(self.buf.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!(parse_selector("42").unwrap(), Selector::Range(42, Some(43)));
        assert_eq!(parse_selector("10..20").unwrap(), Selector::Range(10, Some(20)));
        assert_eq!(parse_selector("10..=20").unwrap(), Selector::Range(10, Some(21)));
        assert_eq!(parse_selector("10..").unwrap(), Selector::Range(10, None));
        assert_eq!(parse_selector("..5").unwrap(), Selector::Range(0, Some(5)));
        assert_eq!(parse_selector("id:a..b").unwrap(), Selector::Id("a..b".into()));
        assert!(parse_selector("x").is_err());
        assert!(parse_selector("1..x").is_err());
    }

    #[test]
    fn date_ranges_include_both_ends() {
        let r = parse_date_range("2025-04-01..2025-04-30").unwrap();
        assert!(r.contains(Date::new(2025, 4, 1).unwrap()));
        assert!(r.contains(Date::new(2025, 4, 30).unwrap()));
        assert!(!r.contains(Date::new(2025, 5, 1).unwrap()));
        let open = parse_date_range("2025-04-01..").unwrap();
        assert!(open.contains(Date::new(2099, 1, 1).unwrap()));
        let one = parse_date_range("2025-04-11").unwrap();
        assert!(one.contains(Date::new(2025, 4, 11).unwrap()) && !one.contains(Date::new(2025, 4, 12).unwrap()));
        assert!(parse_date_range("2025-02-30").is_err());
        assert!(parse_date_range("..").is_ok());
    }
}
