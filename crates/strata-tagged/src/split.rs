//! Splitting a stream of tagged articles at header lines, without reading
//! more than one article ahead.

use std::io::{self, BufRead};
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::header::{is_blank, parse_header};

/// One article's bytes, exactly as they appear in the input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// The bytes, line ends included; not yet checked to be UTF-8.
    pub bytes: Vec<u8>,
    /// 1-based line number of the first line in the input.
    pub line: u64,
    /// Byte offset of the first byte in the input.
    pub offset: u64,
}

/// Splits a stream into [`Segment`]s: a new one starts at every header line,
/// except that blank lines before the first header line stay with it.
/// Concatenating the segments gives the input back, byte for byte.
pub struct Splitter<R> {
    rdr: R,
    current: Segment,
    has_content: bool,
    next_line: u64,
    next_offset: u64,
    line: Vec<u8>,
}

impl<R: BufRead> Splitter<R> {
    /// A splitter over `rdr`.
    pub fn new(rdr: R) -> Splitter<R> {
        Splitter {
            rdr,
            current: Segment { bytes: Vec::new(), line: 1, offset: 0 },
            has_content: false,
            next_line: 1,
            next_offset: 0,
            line: Vec::new(),
        }
    }
}

/// The line's content without its line end.
fn content(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether a line starts an article. Cheap for the common case: a line
/// without `date` in it cannot be a header. Bytes that are not UTF-8 (a
/// headline in another encoding) do not stop a line from being a header:
/// the tags are ASCII, and the article's own check reports the bytes.
pub fn is_header_line(line: &[u8]) -> bool {
    static DATE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("date"));
    let line = content(line);
    DATE.find(line).is_some() && parse_header(&String::from_utf8_lossy(line)).is_some()
}

fn is_blank_line(line: &[u8]) -> bool {
    let line = content(line);
    match line.iter().find(|b| !matches!(b, b' ' | b'\t')) {
        None => true,
        // A printable ASCII byte is not a blank; for the rest, ask Unicode.
        Some(b) if b.is_ascii_graphic() => false,
        Some(_) => std::str::from_utf8(line).is_ok_and(|s| s.chars().all(is_blank)),
    }
}

impl<R: BufRead> Iterator for Splitter<R> {
    type Item = io::Result<Segment>;

    fn next(&mut self) -> Option<io::Result<Segment>> {
        loop {
            self.line.clear();
            let n = match self.rdr.read_until(b'\n', &mut self.line) {
                Ok(n) => n,
                Err(e) => return Some(Err(e)),
            };
            if n == 0 {
                if self.current.bytes.is_empty() {
                    return None;
                }
                self.has_content = false;
                let next = Segment { bytes: Vec::new(), line: self.next_line, offset: self.next_offset };
                return Some(Ok(std::mem::replace(&mut self.current, next)));
            }
            let header = is_header_line(&self.line);
            let done = if header && self.has_content {
                let next = Segment {
                    bytes: Vec::with_capacity(self.current.bytes.len()),
                    line: self.next_line,
                    offset: self.next_offset,
                };
                Some(std::mem::replace(&mut self.current, next))
            } else {
                None
            };
            self.has_content |= header || !is_blank_line(&self.line);
            self.current.bytes.extend_from_slice(&self.line);
            self.next_line += 1;
            self.next_offset += n as u64;
            if let Some(segment) = done {
                return Some(Ok(segment));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> Vec<(String, u64, u64)> {
        Splitter::new(input.as_bytes())
            .map(|s| s.unwrap())
            .map(|s| (String::from_utf8(s.bytes).unwrap(), s.line, s.offset))
            .collect()
    }

    #[test]
    fn streams_split_at_headers_and_lose_nothing() {
        let input = "\n date 2025-04-11 One\n\nBody.\n\n date 2025-04-12 Two\nBody two.\n\ndate 2025-04-13 Three";
        let parts = split(input);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], ("\n date 2025-04-11 One\n\nBody.\n\n".into(), 1, 0));
        assert_eq!(parts[1].1, 6);
        assert_eq!(parts[2].0, "date 2025-04-13 Three");
        assert_eq!(parts.iter().map(|p| p.0.as_str()).collect::<String>(), input);
    }

    #[test]
    fn text_before_the_first_header_is_its_own_article() {
        let parts = split("Untagged title\nText.\ndate 2025-04-11 Tagged\n");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].0, "date 2025-04-11 Tagged\n");
    }

    #[test]
    fn headers_in_another_encoding_still_split() {
        let input = b"date 2025-01-02 One\n\nText.\ndate 2025-01-03 Caf\xe9\n";
        let parts: Vec<Segment> = Splitter::new(&input[..]).map(|s| s.unwrap()).collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].line, 4);
    }

    #[test]
    fn empty_input_has_no_segments() {
        assert!(split("").is_empty());
        assert_eq!(split("\n\n").len(), 1);
    }
}
