//! The string interner of builders and writers: strings get dense codes
//! in the order they are first met, kept one after the other in an arena
//! (which is what a strata dictionary stores, in that order).

/// An append-only string interner: codes are dense from 0.
///
/// An open-addressing table, at most half full, over the strings in one
/// arena. Each slot holds its string's [`key`]: for a string of at most 16
/// bytes (almost every CoNLL-U value) that is the string itself, so a lookup
/// reads the string once, as two words, and compares it with a candidate
/// without touching the arena. Longer strings are compared in the arena.
#[derive(Debug)]
pub(crate) struct Interner {
    arena: String,
    /// Where each string ends in `arena`.
    ends: Vec<usize>,
    slots: Vec<Slot>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    key: (u64, u64),
    len: u32,
    /// code + 1; 0 for an empty slot.
    code: u32,
}

impl Interner {
    pub(crate) fn new() -> Interner {
        Interner { arena: String::new(), ends: Vec::new(), slots: vec![Slot::default(); 1 << 10] }
    }

    /// The code of a string, given as its bytes: UTF-8 is checked only when
    /// the string is new (see `DocBuilder::set_utf8`).
    ///
    /// # Panics
    /// When `b` is new and not UTF-8.
    #[inline(always)]
    pub(crate) fn intern(&mut self, b: &[u8]) -> u32 {
        match self.find(b) {
            Ok(code) => code,
            Err((slot, i)) => {
                let s = std::str::from_utf8(b).expect("a string value is UTF-8");
                self.insert(s, slot, i)
            }
        }
    }

    /// The code of a string (a writer's: known to be UTF-8).
    #[inline(always)]
    pub(crate) fn intern_str(&mut self, s: &str) -> u32 {
        match self.find(s.as_bytes()) {
            Ok(code) => code,
            Err((slot, i)) => self.insert(s, slot, i),
        }
    }

    /// The code of a string in the table, or the slot to give it and where.
    #[inline(always)]
    fn find(&self, b: &[u8]) -> Result<u32, (Slot, usize)> {
        let key = key(b);
        let len = b.len() as u32;
        let mask = self.slots.len() - 1;
        let mut i = hash(b, key) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.code == 0 {
                return Err((Slot { key, len, code: 0 }, i));
            }
            if slot.key == key && slot.len == len && (b.len() <= 16 || same_middle(self.bytes(slot.code - 1), b)) {
                return Ok(slot.code - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a string that is not in the table, at the empty slot `i`.
    #[cold]
    #[inline(never)]
    fn insert(&mut self, s: &str, slot: Slot, i: usize) -> u32 {
        let code = u32::try_from(self.ends.len()).ok().filter(|&c| c < u32::MAX - 1);
        let code = code.expect("fewer than 2^32 - 1 distinct strings");
        self.arena.push_str(s);
        self.ends.push(self.arena.len());
        self.slots[i] = Slot { code: code + 1, ..slot };
        if self.ends.len() * 2 > self.slots.len() {
            self.grow();
        }
        code
    }

    fn grow(&mut self) {
        let mut slots = vec![Slot::default(); self.slots.len() * 2];
        let mask = slots.len() - 1;
        for slot in self.slots.iter().filter(|s| s.code != 0) {
            let b = self.bytes(slot.code - 1);
            let mut i = hash(b, slot.key) as usize & mask;
            while slots[i].code != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = *slot;
        }
        self.slots = slots;
    }

    pub(crate) fn get(&self, code: u32) -> &str {
        string_at(&self.arena, &self.ends, code as usize)
    }

    /// The number of strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The strings, one after the other, in code order.
    pub(crate) fn arena(&self) -> &str {
        &self.arena
    }

    /// Where each string ends in [`Interner::arena`], in code order.
    pub(crate) fn ends(&self) -> &[usize] {
        &self.ends
    }

    /// The memory the strings and the table take, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    #[inline]
    fn bytes(&self, code: u32) -> &[u8] {
        let i = code as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.arena.as_bytes()[start..self.ends[i]]
    }
}

#[inline(always)]
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

#[inline(always)]
fn u32_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u64::from(u32::from_le_bytes(w))
}

/// A string as two words, read as overlapping loads without a copy loop:
/// with the length, its exact bytes when it is at most 16 bytes long; its
/// first and last 8 bytes when it is longer.
#[inline(always)]
fn key(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    match n {
        8.. => (u64_at(b, 0), u64_at(b, n - 8)),
        4..=7 => (u32_at(b, 0) | u32_at(b, n - 4) << 32, 0),
        1..=3 => (u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16, 0),
        0 => (0, 0),
    }
}

/// Whether two strings of the same length, over 16 bytes, with the same
/// [`key`] (so the same first and last 8 bytes) are equal: their middles
/// compared a word at a time, inline (most are FEATS values of a few
/// dozen bytes, for which a call to `memcmp` costs more than the compare).
#[inline(never)]
fn same_middle(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() || n <= 16 {
        return a == b;
    }
    // The last word read ends at `n - 8`: overlapping, not past.
    let mut at = 8;
    while at < n - 8 {
        let word = at.min(n - 16);
        if u64_at(a, word) != u64_at(b, word) {
            return false;
        }
        at += 8;
    }
    true
}

/// A fast hash of a string and its [`key`]: one folded multiply of the key
/// (as foldhash does) for a string of at most 16 bytes; the bytes between
/// the key's words are mixed in, a word at a time, for a longer one.
#[inline(always)]
fn hash(b: &[u8], (lo, hi): (u64, u64)) -> u64 {
    const K1: u64 = 0x243f_6a88_85a3_08d3;
    const K2: u64 = 0x1319_8a2e_0370_7344;
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let n = b.len();
    let mut middle = n as u64;
    if n > 16 {
        // Whole words, the last one overlapping the one before it rather
        // than reaching into the key's last word (as `same_middle` reads).
        let mut at = 8;
        while at < n - 8 {
            middle = (middle.rotate_left(26) ^ u64_at(b, at.min(n - 16))).wrapping_mul(K);
            at += 8;
        }
    }
    let product = u128::from(lo ^ K1) * u128::from(hi ^ middle ^ K2);
    (product as u64) ^ (product >> 64) as u64
}

pub(crate) fn string_at<'a>(arena: &'a str, ends: &[usize], i: usize) -> &'a str {
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &arena[start..ends[i]]
}

#[cfg(test)]
mod tests {
    use super::Interner;

    /// Strings of every length around the key's cases (0, 1 to 3, 4 to 7,
    /// 8 to 16, longer), many sharing their first and last bytes, so that
    /// long ones share their whole key and differ only in the middle.
    fn strings() -> Vec<String> {
        let mut out = Vec::new();
        for len in 0..40 {
            for fill in ['a', 'b', 'é'] {
                let mut s: String = std::iter::repeat_n('x', len).collect();
                if len >= 3 {
                    let mid = len / 2;
                    s.replace_range(mid..mid + 1, "");
                    s.insert(mid, fill);
                }
                out.push(s);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn each_string_has_one_code_through_growth() {
        let strings = strings();
        let mut interner = Interner::new();
        let mut codes = Vec::new();
        // Enough strings that the table grows several times.
        for round in 0..40 {
            for s in &strings {
                let s = format!("{s}{round}");
                codes.push((interner.intern(s.as_bytes()), s));
            }
        }
        for (code, s) in &codes {
            assert_eq!(interner.intern(s.as_bytes()), *code, "{s:?}");
            assert_eq!(interner.get(*code), s);
        }
        let distinct: std::collections::HashSet<_> = codes.iter().map(|(c, _)| c).collect();
        assert_eq!(distinct.len(), codes.len());
        assert_eq!(interner.ends.len(), codes.len());
    }
}
