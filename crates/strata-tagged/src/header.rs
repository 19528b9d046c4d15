//! The header line of a tagged article, parsed with nom:
//! `  date 2025-04-11 The Kremlin says ...`.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1, take_while_m_n};
use nom::character::complete::char;
use nom::combinator::{recognize, verify};
use nom::error::{context, ContextError, ParseError};
use nom::multi::many1;
use nom::sequence::{preceded, terminated};
use nom::{IResult, Parser};
use strata_format::Date;

/// The tag keywords a header line may carry. `date` is required; the others
/// are optional, each at most once, and become string metadata fields.
pub const KEYWORDS: [&str; 5] = ["date", "source", "lang", "section", "id"];

/// A parsed header line. Everything borrows from the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// The tags in order, `date` among them: `(keyword, value)`.
    pub tags: Vec<(&'a str, &'a str)>,
    /// The date, or `None` when the `date` value is shaped like a date but
    /// names no calendar day (`2025-02-30`).
    pub date: Option<Date>,
    /// The `date` value as written.
    pub date_text: &'a str,
    /// The headline: the rest of the line, without surrounding blanks; may
    /// be empty.
    pub headline: &'a str,
}

/// Whether `c` is a blank for the grammar: any Unicode white space (so tabs
/// and no-break spaces count) or a byte-order mark.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn blanks<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    take_while(is_blank).parse(i)
}

fn blanks1<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    take_while1(is_blank).parse(i)
}

fn keyword<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    context("tag keyword", alt((tag("date"), tag("source"), tag("lang"), tag("section"), tag("id")))).parse(i)
}

/// `dddd-dd-dd`: the shape of a date; whether it is a real day is decided
/// later, so that `2025-02-30` is a header with a bad date (a warning), not
/// a paragraph.
fn date_shaped<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    let digits = |n| take_while_m_n(n, n, |c: char| c.is_ascii_digit());
    context("date YYYY-MM-DD", recognize((digits(4), char('-'), digits(2), char('-'), digits(2)))).parse(i)
}

fn value<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    context("tag value", take_while1(|c: char| !is_blank(c))).parse(i)
}

/// One `keyword value` pair; the value ends at a blank or the end of line.
fn tag_pair<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, (&'a str, &'a str), E> {
    let (rest, kw) = keyword(i)?;
    let (rest, _) = blanks1(rest)?;
    let (rest, v) = if kw == "date" { verify(date_shaped, |_: &str| true).parse(rest)? } else { value(rest)? };
    // A value runs to the next blank: `date 2025-04-11x` is not a tag.
    if rest.chars().next().is_some_and(|c| !is_blank(c)) {
        return Err(nom::Err::Error(E::from_error_kind(rest, nom::error::ErrorKind::Verify)));
    }
    Ok((rest, (kw, v)))
}

/// `(keyword, value)` pairs in order.
type Tags<'a> = Vec<(&'a str, &'a str)>;

/// The tags and the rest of the line.
fn header<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, (Tags<'a>, &'a str), E> {
    let (rest, tags) = preceded(blanks, many1(terminated(tag_pair, blanks))).parse(i)?;
    Ok(("", (tags, rest)))
}

/// Parses a line (without its line end) as a header line: optional blanks,
/// one or more tags (`date` among them, each keyword at most once), then
/// the headline. `None` when the line is not a header line.
pub fn parse_header(line: &str) -> Option<Header<'_>> {
    let (_, (tags, rest)) = header::<nom::error::Error<&str>>(line).ok()?;
    let date_text = tags.iter().find(|(k, _)| *k == "date")?.1;
    for (n, (k, _)) in tags.iter().enumerate() {
        if tags[..n].iter().any(|(other, _)| other == k) {
            return None;
        }
    }
    Some(Header { date: Date::parse_iso(date_text), date_text, headline: rest.trim_end_matches(is_blank), tags })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_header() {
        let h = parse_header(" date 2025-04-11 The Kremlin says Witkoff ‘will bring something’").unwrap();
        assert_eq!(h.date, Date::new(2025, 4, 11));
        assert_eq!(h.tags, [("date", "2025-04-11")]);
        assert_eq!(h.headline, "The Kremlin says Witkoff ‘will bring something’");
    }

    #[test]
    fn tags_blanks_and_empty_headlines() {
        let h = parse_header("\u{feff}\t date\u{a0}2025-04-11  source  AFP lang en  Talks  \r").unwrap();
        assert_eq!(h.tags, [("date", "2025-04-11"), ("source", "AFP"), ("lang", "en")]);
        assert_eq!(h.headline, "Talks");
        let h = parse_header("date 2024-02-29").unwrap();
        assert_eq!((h.headline, h.date.is_some()), ("", true));
        // Lowercase words after the tags that are not keywords start the
        // headline.
        let h = parse_header("date 2024-02-29 dates announced").unwrap();
        assert_eq!(h.headline, "dates announced");
    }

    #[test]
    fn invalid_dates_still_make_a_header() {
        let h = parse_header("date 2025-02-30 Headline").unwrap();
        assert_eq!((h.date, h.date_text), (None, "2025-02-30"));
    }

    #[test]
    fn not_headers() {
        for line in [
            "",
            "   ",
            "Mending ties",
            "The date 2025-04-11 was set.",
            "Date 2025-04-11 Capitalised keyword",
            "source AFP no date here",
            "date 2025-4-11 Short month",
            "date 2025-04-11x glued",
            "dates 2025-04-11 Plural",
            "date 2025-04-11 date 2025-04-12 twice",
        ] {
            assert_eq!(parse_header(line), None, "{line:?}");
        }
    }
}
