//! SGML tokens, parsed with nom: start and end tags with attributes,
//! character references, comments and declarations, and text between them.
//! Whether a tag is markup or text (Reuters writes tickers as `<CHL>`) is
//! decided later, by name.

use std::borrow::Cow;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_till1, take_until, take_while, take_while1};
use nom::character::complete::{char, digit1, hex_digit1};
use nom::combinator::{map, map_opt, opt, recognize};
use nom::error::{context, ContextError, ParseError};
use nom::multi::many0;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

/// One token of an SGML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// Text up to the next `<` or `&`.
    Text(&'a str),
    /// `<NAME attr="value" ...>`; `raw` is the whole tag as written.
    Start { name: &'a str, attrs: Vec<(&'a str, Cow<'a, str>)>, raw: &'a str },
    /// `</NAME>`; `raw` as written.
    End { name: &'a str, raw: &'a str },
    /// A character reference, decoded: `&#5;`, `&#x1F;`, `&amp;`.
    Char(char),
    /// A comment `<!-- -->`, declaration `<!DOCTYPE ...>` or processing
    /// instruction `<? ?>`: skipped.
    Skip,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

fn ws<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    take_while(|c: char| c.is_ascii_whitespace()).parse(i)
}

fn name<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    recognize((take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'), take_while(is_name_char))).parse(i)
}

/// An attribute value: double-quoted, single-quoted, or bare.
fn attr_value<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, &'a str, E> {
    alt((
        delimited(char('"'), take_till(|c| c == '"'), char('"')),
        delimited(char('\''), take_till(|c| c == '\''), char('\'')),
        take_while1(|c: char| !c.is_ascii_whitespace() && c != '>' && c != '<'),
    ))
    .parse(i)
}

fn attribute<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, (&'a str, Cow<'a, str>), E> {
    let (i, n) = preceded(ws, name).parse(i)?;
    let (i, v) = opt(preceded((ws, char('='), ws), attr_value)).parse(i)?;
    Ok((i, (n, v.map_or(Cow::Borrowed(""), decode_refs))))
}

fn start_tag<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, Token<'a>, E> {
    let start = i;
    let (i, (n, attrs)) =
        context("start tag", delimited(char('<'), (name, many0(attribute)), (ws, opt(char('/')), char('>'))))
            .parse(i)?;
    let raw = &start[..start.len() - i.len()];
    Ok((i, Token::Start { name: n, attrs, raw }))
}

fn end_tag<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, Token<'a>, E> {
    let start = i;
    let (i, n) = context("end tag", delimited(tag("</"), name, (ws, char('>')))).parse(i)?;
    Ok((i, Token::End { name: n, raw: &start[..start.len() - i.len()] }))
}

fn skipped<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, Token<'a>, E> {
    alt((
        map(delimited(tag("<!--"), take_until("-->"), tag("-->")), |_| Token::Skip),
        map(delimited(tag("<!"), take_till(|c| c == '>'), char('>')), |_| Token::Skip),
        map(delimited(tag("<?"), take_till(|c| c == '>'), char('>')), |_| Token::Skip),
    ))
    .parse(i)
}

/// The named references SGML newswire uses.
fn named(n: &str) -> Option<char> {
    Some(match n {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

fn char_ref<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, Token<'a>, E> {
    let numeric = |radix: u32| move |d: &str| u32::from_str_radix(d, radix).ok().and_then(char::from_u32);
    map(
        alt((
            map_opt(delimited(tag("&#x"), hex_digit1, char(';')), numeric(16)),
            map_opt(delimited(tag("&#X"), hex_digit1, char(';')), numeric(16)),
            map_opt(delimited(tag("&#"), digit1, char(';')), numeric(10)),
            map_opt(delimited(char('&'), take_while1(|c: char| c.is_ascii_alphabetic()), char(';')), named),
        )),
        Token::Char,
    )
    .parse(i)
}

fn text<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, Token<'a>, E> {
    map(take_till1(|c| c == '<' || c == '&'), Token::Text).parse(i)
}

/// A `<` or `&` that starts no tag or reference is text.
fn lone<'a, E: ParseError<&'a str>>(i: &'a str) -> IResult<&'a str, Token<'a>, E> {
    map(recognize(alt((char('<'), char('&')))), Token::Text).parse(i)
}

/// The next token. Never fails on non-empty input: anything that is not
/// markup is text.
pub fn token<'a, E: ParseError<&'a str> + ContextError<&'a str>>(i: &'a str) -> IResult<&'a str, Token<'a>, E> {
    alt((text, skipped, end_tag, start_tag, char_ref, lone)).parse(i)
}

/// `s` with its character references decoded.
pub fn decode_refs(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        match char_ref::<nom::error::Error<&str>>(rest) {
            Ok((r, Token::Char(c))) => {
                out.push(c);
                rest = r;
            }
            _ => {
                let mut chars = rest.chars();
                out.extend(chars.next());
                rest = chars.as_str();
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(mut s: &str) -> Vec<Token<'_>> {
        let mut out = Vec::new();
        while !s.is_empty() {
            let (rest, t) = token::<nom::error::Error<&str>>(s).unwrap();
            out.push(t);
            s = rest;
        }
        out
    }

    #[test]
    fn tags_refs_and_text() {
        let t = tokens(r#"<DOC id="AFP_ENG_1" type=story><P>A &amp; B &#5;<CHL></P><!-- c --><e_enamex>"#);
        assert!(matches!(&t[0], Token::Start { name: "DOC", attrs, .. } if attrs.len() == 2 && attrs[1].1 == "story"));
        assert!(matches!(t[1], Token::Start { name: "P", .. }));
        assert_eq!(t[2], Token::Text("A "));
        assert_eq!(t[3], Token::Char('&'));
        assert_eq!(t[5], Token::Char('\u{5}'));
        assert!(matches!(t[6], Token::Start { name: "CHL", raw: "<CHL>", .. }));
        assert!(matches!(t[7], Token::End { name: "P", .. }));
        assert_eq!(t[8], Token::Skip);
        assert!(matches!(t[9], Token::Start { name: "e_enamex", .. }));
    }

    #[test]
    fn lone_markup_characters_are_text() {
        let t = tokens("a < b && c &unknown; <1> </");
        let joined: String = t
            .iter()
            .map(|t| match t {
                Token::Text(s) => s.to_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(joined, "a < b && c &unknown; <1> </");
    }

    #[test]
    fn references_in_attributes_are_decoded() {
        assert_eq!(decode_refs("AT&amp;T &#x41;&"), "AT&T A&");
    }
}
