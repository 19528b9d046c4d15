//! Conversion between code-point offsets (JSONL) and UTF-8 byte offsets
//! (strata).

/// The code-point/byte correspondence of one text. ASCII text needs no
/// table: both offsets are the same.
pub(crate) struct Offsets {
    /// Byte offset of each code point, plus the text length at the end;
    /// empty for ASCII text.
    starts: Vec<u64>,
    len: u64,
}

impl Offsets {
    pub(crate) fn new(text: &str) -> Offsets {
        let len = text.len() as u64;
        if text.is_ascii() {
            return Offsets { starts: Vec::new(), len };
        }
        let mut starts: Vec<u64> = text.char_indices().map(|(b, _)| b as u64).collect();
        starts.push(len);
        Offsets { starts, len }
    }

    /// Number of code points.
    pub(crate) fn chars(&self) -> u64 {
        if self.starts.is_empty() {
            self.len
        } else {
            self.starts.len() as u64 - 1
        }
    }

    /// The byte offset of code point `cp`, or `None` past the end.
    pub(crate) fn to_byte(&self, cp: u64) -> Option<u64> {
        if self.starts.is_empty() {
            return (cp <= self.len).then_some(cp);
        }
        usize::try_from(cp).ok().and_then(|i| self.starts.get(i)).copied()
    }

    /// The code point at byte offset `b` (rounded down to a boundary).
    pub(crate) fn to_char(&self, b: u64) -> u64 {
        if self.starts.is_empty() {
            return b;
        }
        match self.starts.binary_search(&b) {
            Ok(i) => i as u64,
            Err(i) => i.saturating_sub(1) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_multibyte() {
        let o = Offsets::new("abc");
        assert_eq!((o.to_byte(3), o.to_byte(4), o.to_char(2)), (Some(3), None, 2));
        let o = Offsets::new("a€😀b");
        assert_eq!(o.chars(), 4);
        let bytes: Vec<_> = (0..=5).map(|c| o.to_byte(c)).collect();
        assert_eq!(bytes, [Some(0), Some(1), Some(4), Some(8), Some(9), None]);
        assert_eq!((0..=4).map(|c| o.to_char(o.to_byte(c).unwrap())).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    }
}
