//! One article's structure: its header or title line, then blocks
//! separated by blank lines, each a paragraph or a sub-heading.

use std::ops::Range;

use crate::header::{is_blank, parse_header, Header};

/// The longest line, in characters, that can be a sub-heading.
pub const HEADING_MAX_CHARS: usize = 80;
/// The most words a sub-heading can have.
pub const HEADING_MAX_WORDS: usize = 12;

/// The structure of one article. Ranges are byte offsets into its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Article<'a> {
    /// The header line, when the article has one.
    pub header: Option<Header<'a>>,
    /// 0-based line (within the article) of the header or title line.
    pub title_line: usize,
    /// The headline of the header line, or the first non-blank line of an
    /// untagged article, without surrounding blanks; `None` when empty.
    pub title: Option<Range<usize>>,
    /// Body blocks that are paragraphs, without surrounding blanks.
    pub paragraphs: Vec<Range<usize>>,
    /// Body blocks that are sub-headings.
    pub headings: Vec<Range<usize>>,
}

/// Lines of `text` as (start, end of content) byte offsets: the content
/// excludes the `\n` and a `\r` before it.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let (end, next) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (bytes.len(), bytes.len()),
        };
        let content_end = if end > start && bytes[end - 1] == b'\r' { end - 1 } else { end };
        let line = (start, content_end);
        start = next;
        Some(line)
    })
}

/// `range` without leading and trailing blanks.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start_matches(is_blank).len();
    let trail = s.len() - s.trim_end_matches(is_blank).len();
    if lead == s.len() {
        return range.start..range.start;
    }
    range.start + lead..range.end - trail
}

/// Whether a one-line block reads as a sub-heading: short, starting with a
/// capital letter or digit, and not ending like a sentence or a quotation.
/// The cheap tests come first: most one-line blocks are long paragraphs.
pub fn looks_like_heading(line: &str) -> bool {
    // 80 characters take at most 320 bytes.
    if line.len() > 4 * HEADING_MAX_CHARS {
        return false;
    }
    let (Some(first), Some(last)) = (line.chars().next(), line.chars().next_back()) else { return false };
    if matches!(last, '.' | '!' | '?' | '…' | ':' | ';' | ',' | '"' | '\'' | '”' | '’' | '»' | ')' | ']') {
        return false;
    }
    (first.is_uppercase() || first.is_ascii_digit())
        && line.chars().count() <= HEADING_MAX_CHARS
        && line.split(is_blank).filter(|w| !w.is_empty()).count() <= HEADING_MAX_WORDS
}

/// Parses one article's text (see `spec/TAGGED.md`).
pub fn parse_article(text: &str) -> Article<'_> {
    let mut article = Article::default();
    let mut seen_title = false;
    // (range, number of lines) of each body block.
    let mut blocks: Vec<(Range<usize>, usize)> = Vec::new();
    let mut open: Option<(usize, usize, usize)> = None; // start, end, lines
    for (n, (start, end)) in lines(text).enumerate() {
        let line = &text[start..end];
        let blank = line.chars().all(is_blank);
        if !seen_title {
            if blank {
                continue;
            }
            seen_title = true;
            article.title_line = n;
            let title = match parse_header(line) {
                Some(h) => {
                    let at = start + (h.headline.as_ptr() as usize - line.as_ptr() as usize);
                    article.header = Some(h);
                    let h = article.header.as_ref().map_or("", |h| h.headline);
                    at..at + h.len()
                }
                None => trim(text, start..end),
            };
            article.title = (!title.is_empty()).then_some(title);
            continue;
        }
        if blank {
            if let Some((s, e, count)) = open.take() {
                blocks.push((s..e, count));
            }
            continue;
        }
        open = Some(match open {
            None => (start, end, 1),
            Some((s, _, count)) => (s, end, count + 1),
        });
    }
    if let Some((s, e, count)) = open {
        blocks.push((s..e, count));
    }
    let last = blocks.len().saturating_sub(1);
    for (i, (range, count)) in blocks.into_iter().enumerate() {
        let range = trim(text, range);
        if count == 1 && i < last && looks_like_heading(&text[range.clone()]) {
            article.headings.push(range);
        } else {
            article.paragraphs.push(range);
        }
    }
    article
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_headings_and_titles() {
        let text = " date 2025-04-11 Talks resume\r\n\r\nFirst paragraph,\r\nstill first.\r\n\r\n\r\nMending ties\r\n\r\n\tLast one.  \r\n";
        let a = parse_article(text);
        let pieces = |rs: &[Range<usize>]| rs.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>();
        assert_eq!(&text[a.title.clone().unwrap()], "Talks resume");
        assert_eq!(pieces(&a.paragraphs), ["First paragraph,\r\nstill first.", "Last one."]);
        assert_eq!(pieces(&a.headings), ["Mending ties"]);
    }

    #[test]
    fn untagged_article_title_is_its_first_line() {
        let text = "\n\n  Storm hits coast  \nWinds of 100 km/h were measured.\n";
        let a = parse_article(text);
        assert!(a.header.is_none());
        assert_eq!(a.title_line, 2);
        assert_eq!(&text[a.title.unwrap()], "Storm hits coast");
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn a_last_short_block_is_a_paragraph() {
        let a = parse_article("date 2025-01-01 T\n\nBody text here.\n\nThe end");
        assert_eq!((a.paragraphs.len(), a.headings.len()), (2, 0));
    }

    #[test]
    fn heading_rule() {
        for h in ["Mending ties", "What comes next", "2025 in review", "Kyiv’s answer"] {
            assert!(looks_like_heading(h), "{h}");
        }
        for p in [
            "Putin will listen to it.",
            "“Trust, which is much needed”",
            "lowercase start",
            "Asked why:",
            "A very long line that has far too many words to be a heading at all in any paper",
        ] {
            assert!(!looks_like_heading(p), "{p}");
        }
    }
}
