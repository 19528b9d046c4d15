//! Finding the documents of an SGML newswire file: `<DOC ...>...</DOC>` or
//! `<REUTERS ...>...</REUTERS>` records, with or without a root element.

use memchr::memmem;

/// One document's bytes, from its start tag to the end of its end tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawDoc<'a> {
    /// The bytes.
    pub bytes: &'a [u8],
    /// Byte offset in the input.
    pub offset: usize,
}

/// What the splitter finds: a document, or input that belongs to none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A complete document.
    Doc(RawDoc<'a>),
    /// A problem at a byte offset of the input: stray text or tags between
    /// documents, or a document without its end tag (which it costs).
    Problem {
        /// Byte offset in the input.
        offset: usize,
        /// What was expected and what was found.
        message: String,
    },
}

/// The record elements of the families: name and end tag.
const RECORDS: [(&[u8], &[u8]); 2] = [(b"<DOC", b"</DOC>"), (b"<REUTERS", b"</REUTERS>")];

/// The record element a start tag at `at` opens, if any.
fn record_at(input: &[u8], at: usize) -> Option<(&'static [u8], &'static [u8])> {
    RECORDS.into_iter().find(|(open, _)| {
        input[at..].starts_with(open)
            && input.get(at + open.len()).is_some_and(|&b| b == b'>' || b.is_ascii_whitespace())
    })
}

/// The next record start tag at or after `from`.
fn next_record(input: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = memchr::memchr(b'<', &input[at..]) {
        if record_at(input, at + i).is_some() {
            return Some(at + i);
        }
        at += i + 1;
    }
    None
}

/// Splits an input into documents and problems, in order.
pub fn split(input: &[u8]) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let Some(lt) = memchr::memchr(b'<', &input[pos..]).map(|i| pos + i) else {
            stray_text(input, pos, input.len(), &mut out);
            break;
        };
        stray_text(input, pos, lt, &mut out);
        let rest = &input[lt..];
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            // A declaration, comment or processing instruction.
            let end = if rest.starts_with(b"<!--") {
                memmem::find(rest, b"-->").map(|i| i + 3)
            } else {
                memchr::memchr(b'>', rest).map(|i| i + 1)
            };
            pos = lt + end.unwrap_or(rest.len());
            continue;
        }
        let Some((open, close)) = record_at(input, lt) else {
            let end = memchr::memchr(b'>', rest).map_or(rest.len(), |i| i + 1);
            let tag = String::from_utf8_lossy(&rest[..end.min(40)]);
            out.push(Piece::Problem {
                offset: lt,
                message: format!("expected <DOC> or <REUTERS>, found the stray tag {tag} outside any document"),
            });
            pos = lt + end;
            continue;
        };
        let after_open = lt + open.len();
        let end = memmem::find(&input[after_open..], close).map(|i| after_open + i);
        let next = next_record(input, after_open);
        let name = String::from_utf8_lossy(&open[1..]);
        match (end, next) {
            (Some(e), n) if n.is_none_or(|n| e < n) => {
                let stop = e + close.len();
                out.push(Piece::Doc(RawDoc { bytes: &input[lt..stop], offset: lt }));
                pos = stop;
            }
            (_, Some(n)) => {
                out.push(Piece::Problem {
                    offset: lt,
                    message: format!("expected </{name}> before the next <{name}>, found none"),
                });
                pos = n;
            }
            (_, None) => {
                out.push(Piece::Problem {
                    offset: lt,
                    message: format!("expected </{name}>, found the end of the file"),
                });
                pos = input.len();
            }
        }
    }
    out
}

fn stray_text<'a>(input: &'a [u8], from: usize, to: usize, out: &mut Vec<Piece<'a>>) {
    if let Some(i) = input[from..to].iter().position(|b| !b.is_ascii_whitespace()) {
        let snippet = String::from_utf8_lossy(&input[from + i..to.min(from + i + 30)]).into_owned();
        out.push(Piece::Problem {
            offset: from + i,
            message: format!("expected <DOC> or <REUTERS>, found text outside any document: {snippet:?}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &[u8]) -> Vec<String> {
        split(input)
            .into_iter()
            .map(|p| match p {
                Piece::Doc(d) => format!("doc@{}", d.offset),
                Piece::Problem { offset, message } => format!("problem@{offset}: {message}"),
            })
            .collect()
    }

    #[test]
    fn documents_without_a_root() {
        let input = b"<DOC id=\"a\">\nx\n</DOC>\n<DOC>\n<DOCNO> b </DOCNO>\n</DOC>\n";
        assert_eq!(kinds(input), ["doc@0", "doc@22"]);
    }

    #[test]
    fn reuters_with_a_doctype() {
        let input =
            b"<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n<REUTERS NEWID=\"1\">\n<BODY>a <CHL> b</BODY>\n</REUTERS>\n";
        assert_eq!(kinds(input), ["doc@36"]);
    }

    #[test]
    fn a_missing_end_tag_costs_one_document() {
        let input = b"<DOC>\nfirst\n<DOC>\nsecond\n</DOC>\n<DOC>\nthird";
        let k = kinds(input);
        assert_eq!(k.len(), 3);
        assert_eq!(k[0], "problem@0: expected </DOC> before the next <DOC>, found none");
        assert_eq!(k[1], "doc@12");
        assert_eq!(k[2], "problem@32: expected </DOC>, found the end of the file");
    }

    #[test]
    fn stray_text_and_tags_are_reported() {
        let k = kinds(b"junk\n<P>x</P>\n<DOC></DOC>");
        assert!(k[0].starts_with("problem@0: expected <DOC> or <REUTERS>, found text"), "{k:?}");
        assert!(k[1].starts_with("problem@5: expected <DOC> or <REUTERS>, found the stray tag <P>"), "{k:?}");
        assert_eq!(k.last().unwrap(), "doc@14");
    }
}
