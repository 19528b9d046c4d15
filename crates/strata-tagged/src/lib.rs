//! Tagged news articles (`spec/TAGGED.md`) into strata documents, losing no
//! byte.
//!
//! An input is a stream of articles. Each starts at a header line
//! (` date 2025-04-11 Headline ...`); text before the first header line is
//! an untagged article whose first non-blank line is its title. A
//! document's text is its article's bytes exactly, so writing the texts one
//! after another gives the input back.
//!
//! # Overview of types
//! - [`Splitter`] cuts a `BufRead` into [`Segment`]s, one per article,
//!   reading one article ahead at most.
//! - [`parse_header`] (nom) and [`parse_article`] find the header, title,
//!   paragraphs and sub-headings of one article's text.
//! - [`to_document`] checks a segment and makes the [`Document`], or says
//!   where and why it cannot, as a [`Problem`].
//!
//! ```
//! use strata_tagged::{to_document, Options, Splitter};
//! let input = " date 2025-04-11 Talks resume\n\nDiplomats met.\n\nMending ties\n\nMore talks.\n";
//! let segment = Splitter::new(input.as_bytes()).next().unwrap().unwrap();
//! let (doc, warnings) = to_document("a", &segment, &Options::default()).unwrap();
//! assert!(warnings.is_empty());
//! assert_eq!(doc.text, input);
//! assert_eq!(doc.layer("heading").unwrap().spans.len(), 1);
//! assert_eq!(doc.layer("paragraph").unwrap().spans.len(), 2);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod article;
mod header;
pub mod sgml;
mod split;

use std::borrow::Cow;
use std::ops::Range;

use strata_format::{Document, Layer, Span, Value};

pub use crate::article::{looks_like_heading, parse_article, Article, HEADING_MAX_CHARS, HEADING_MAX_WORDS};
pub use crate::header::{is_blank, parse_header, Header, KEYWORDS};
pub use crate::split::{is_header_line, Segment, Splitter};

/// A text encoding for inputs that are not UTF-8.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8; anything else is an error naming the byte offset.
    #[default]
    Utf8,
    /// Windows-1252 (what most "Latin-1" news archives really are).
    Windows1252,
    /// ISO 8859-1: every byte is the code point of the same value.
    Latin1,
}

/// How to convert.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The input encoding.
    pub encoding: Encoding,
    /// Treat an invalid date as an error (the article is rejected) instead
    /// of a warning (the article is kept without a date).
    pub strict: bool,
}

/// A problem at a place in the input (line and column from 1, columns in
/// characters).
pub use strata_format::Problem;

/// Line and column (1-based, the column in characters) of byte `at` of an
/// input.
pub fn line_column(input: &[u8], at: usize) -> (u64, u64) {
    position(input, at, 1)
}

/// Line and column (1-based, in characters) of byte `at` of `bytes`, whose
/// first line is input line `first_line`.
pub(crate) fn position(bytes: &[u8], at: usize, first_line: u64) -> (u64, u64) {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let line = first_line + memchr::memchr_iter(b'\n', before).count() as u64;
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() as u64 + 1;
    (line, column)
}

fn decode<'a>(seg: &'a Segment, encoding: Encoding) -> Result<Cow<'a, str>, Problem> {
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(&seg.bytes).map(Cow::Borrowed).map_err(|e| {
            let at = e.valid_up_to();
            let (line, column) = position(&seg.bytes, at, seg.line);
            Problem {
                line,
                column,
                message: format!(
                    "expected UTF-8, found the byte 0x{:02x} (byte offset {} of the input); give --encoding \
                     windows-1252 or latin1 if that is what the file is",
                    seg.bytes[at],
                    seg.offset + at as u64
                ),
            }
        }),
        Encoding::Windows1252 => Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(&seg.bytes).0),
        Encoding::Latin1 => Ok(Cow::Owned(seg.bytes.iter().map(|&b| char::from(b)).collect())),
    }
}

fn span(range: &Range<usize>) -> Span {
    Span::new(range.start as u64, range.end as u64)
}

/// Makes the document of one article: its text is the segment, its layers
/// `title`, `paragraph` and `heading`, its metadata `date` (a date), `title`
/// and any other header tags (strings). Returns the warnings with it.
///
/// # Errors
/// A [`Problem`] when the segment is not valid in its encoding, holds a NUL
/// byte, or (with `strict`) has an invalid date.
pub fn to_document(id: &str, seg: &Segment, options: &Options) -> Result<(Document, Vec<Problem>), Problem> {
    if let Some(at) = memchr::memchr(0, &seg.bytes) {
        let (line, column) = position(&seg.bytes, at, seg.line);
        return Err(Problem {
            line,
            column,
            message: format!(
                "expected text, found a NUL byte (byte offset {} of the input): is this a binary file?",
                seg.offset + at as u64
            ),
        });
    }
    let text = decode(seg, options.encoding)?;
    let article = parse_article(&text);
    let mut warnings = Vec::new();
    let mut doc = Document::new(id, String::new());
    if let Some(h) = &article.header {
        match h.date {
            Some(date) => doc.metadata.push(("date".into(), Value::Date(date))),
            None => {
                let line_start = article::lines(&text).nth(article.title_line).map_or(0, |l| l.0);
                let at = h.date_text.as_ptr() as usize - text.as_ptr() as usize;
                let column = text[line_start..at].chars().count() as u64 + 1;
                let problem = Problem {
                    line: seg.line + article.title_line as u64,
                    column,
                    message: format!(
                        "expected a calendar date YYYY-MM-DD, found {:?}; the article is kept without a date",
                        h.date_text
                    ),
                };
                if options.strict {
                    return Err(problem);
                }
                warnings.push(problem);
            }
        }
    }
    if let Some(title) = &article.title {
        doc.metadata.push(("title".into(), Value::Str(text[title.clone()].to_string())));
    }
    if let Some(h) = &article.header {
        for (k, v) in h.tags.iter().filter(|(k, _)| *k != "date") {
            doc.metadata.push((k.to_string(), Value::Str(v.to_string())));
        }
    }
    let mut title = Layer::new("title");
    title.spans.extend(article.title.iter().map(span));
    let mut paragraphs = Layer::new("paragraph");
    paragraphs.spans.extend(article.paragraphs.iter().map(span));
    let mut headings = Layer::new("heading");
    headings.spans.extend(article.headings.iter().map(span));
    doc.layers = vec![title, paragraphs, headings];
    doc.text = text.into_owned();
    Ok((doc, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(bytes: &[u8]) -> Segment {
        Segment { bytes: bytes.to_vec(), line: 10, offset: 1000 }
    }

    #[test]
    fn invalid_utf8_names_line_column_and_offset() {
        let p = to_document("x", &segment(b"date 2025-01-01 T\n\ncaf\xe9 au lait\n"), &Options::default()).unwrap_err();
        assert_eq!((p.line, p.column), (12, 4));
        assert!(p.message.contains("byte 0xe9 (byte offset 1022 of the input)"), "{}", p.message);
    }

    #[test]
    fn other_encodings_convert() {
        let options = Options { encoding: Encoding::Windows1252, ..Options::default() };
        let (doc, _) = to_document("x", &segment(b"Caf\xe9 \x93news\x94\n"), &options).unwrap();
        assert_eq!(doc.text, "Café “news”\n");
        let options = Options { encoding: Encoding::Latin1, ..Options::default() };
        let (doc, _) = to_document("x", &segment(b"Caf\xe9\n"), &options).unwrap();
        assert_eq!(doc.text, "Café\n");
    }

    #[test]
    fn nul_bytes_are_errors() {
        let p = to_document("x", &segment(b"ab\0c"), &Options::default()).unwrap_err();
        assert_eq!((p.line, p.column), (10, 3));
    }

    #[test]
    fn invalid_dates_warn_or_fail() {
        let seg = segment(b"\n  date 2025-02-30 Title\n\nBody.\n");
        let (doc, warnings) = to_document("x", &seg, &Options::default()).unwrap();
        assert!(doc.meta("date").is_none());
        assert_eq!(doc.meta("title"), Some(&Value::Str("Title".into())));
        assert_eq!((warnings[0].line, warnings[0].column), (11, 8));
        let strict = Options { strict: true, ..Options::default() };
        assert_eq!(to_document("x", &seg, &strict).unwrap_err(), warnings[0]);
    }
}
