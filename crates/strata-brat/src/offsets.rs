//! Character offsets (what brat counts) to UTF-8 byte offsets (what strata
//! stores) and back.

/// How a document's characters are counted.
///
/// brat's server reads the `.txt` with Python's universal newlines, so in a
/// CRLF file it counts `\r\n` as one character; tools that read the file
/// as it is count two. `spec/BRAT.md` names the first "lf" counting.
pub(crate) struct Offsets {
    /// Byte offset of character `i`, then the text length; `None` when
    /// characters and bytes coincide (ASCII, plain counting).
    bounds: Option<Vec<u64>>,
    len_bytes: u64,
}

impl Offsets {
    /// The counting of `text`; `lf` counts `\r\n` as one character.
    pub(crate) fn new(text: &str, lf: bool) -> Offsets {
        let len_bytes = text.len() as u64;
        if text.is_ascii() && !(lf && text.contains("\r\n")) {
            return Offsets { bounds: None, len_bytes };
        }
        let bytes = text.as_bytes();
        let mut bounds = Vec::with_capacity(text.len() + 1);
        for (i, _) in text.char_indices() {
            // The `\n` of a `\r\n` pair starts no character of its own.
            if lf && i > 0 && bytes[i] == b'\n' && bytes[i - 1] == b'\r' {
                continue;
            }
            bounds.push(i as u64);
        }
        bounds.push(len_bytes);
        Offsets { bounds: Some(bounds), len_bytes }
    }

    /// The number of characters.
    pub(crate) fn len_chars(&self) -> u64 {
        match &self.bounds {
            None => self.len_bytes,
            Some(b) => b.len() as u64 - 1,
        }
    }

    /// The byte offset of character offset `c`, if `c <= len_chars()`.
    pub(crate) fn to_byte(&self, c: u64) -> Option<u64> {
        match &self.bounds {
            None => (c <= self.len_bytes).then_some(c),
            Some(b) => usize::try_from(c).ok().and_then(|c| b.get(c)).copied(),
        }
    }

    /// The character offset of byte offset `b`, if a character starts (or
    /// the text ends) there.
    pub(crate) fn to_char(&self, b: u64) -> Option<u64> {
        match &self.bounds {
            None => (b <= self.len_bytes).then_some(b),
            Some(bounds) => bounds.binary_search(&b).ok().map(|c| c as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_and_bytes() {
        let o = Offsets::new("aé€😀b", false);
        assert_eq!(o.len_chars(), 5);
        assert_eq!((0..=5).map(|c| o.to_byte(c).unwrap()).collect::<Vec<_>>(), vec![0, 1, 3, 6, 10, 11]);
        assert_eq!(o.to_byte(6), None);
        assert_eq!(o.to_char(6), Some(3));
        assert_eq!(o.to_char(2), None);
    }

    #[test]
    fn lf_counting_skips_the_lf_of_crlf() {
        let o = Offsets::new("a\r\nb", true);
        assert_eq!(o.len_chars(), 3);
        assert_eq!(o.to_byte(2), Some(3));
        assert_eq!(o.to_char(2), None);
        let plain = Offsets::new("a\r\nb", false);
        assert_eq!(plain.len_chars(), 4);
        assert_eq!(plain.to_byte(2), Some(2));
    }
}
