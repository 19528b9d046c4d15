//! The primitive encodings of document records: LEB128 varints, zigzag and
//! width-packed integer columns. Encoding appends to a `Vec<u8>`; decoding
//! reads untrusted bytes and never panics.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::arithmetic_side_effects))]

use crate::error::{Error, Result};

/// Appends `v` as an unsigned LEB128 varint (at most 10 bytes).
pub(crate) fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

/// Maps signed to unsigned so that small magnitudes stay small.
pub(crate) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// The inverse of [`zigzag`].
pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ ((v & 1) as i64).wrapping_neg()
}

/// Appends a length-prefixed byte string.
pub(crate) fn put_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

/// The narrowest column width (0, 1, 2, 4 or 8 bytes) that holds `max`.
pub(crate) fn width_for(max: u64) -> u8 {
    match max {
        0 => 0,
        1..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    }
}

/// Appends a packed column: one width byte, then each value in that many
/// little-endian bytes.
pub(crate) fn put_column<I>(buf: &mut Vec<u8>, values: I)
where
    I: IntoIterator<Item = u64>,
    I::IntoIter: Clone,
{
    put_column_min(buf, values, 0);
}

/// [`put_column`] with a width of at least `min_width` bytes.
pub(crate) fn put_column_min<I>(buf: &mut Vec<u8>, values: I, min_width: u8)
where
    I: IntoIterator<Item = u64>,
    I::IntoIter: Clone,
{
    let values = values.into_iter();
    let width = width_for(values.clone().max().unwrap_or(0)).max(min_width);
    buf.push(width);
    for v in values {
        let bytes = v.to_le_bytes();
        buf.extend_from_slice(bytes.get(..usize::from(width)).unwrap_or(&bytes));
    }
}

/// A packed integer column borrowed from a record: O(1) access by index.
#[derive(Clone, Copy, Debug, Default)]
pub struct Column<'a> {
    width: u8,
    len: usize,
    data: &'a [u8],
}

impl<'a> Column<'a> {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value at `i`, or `None` past the end.
    #[inline]
    pub fn get(&self, i: usize) -> Option<u64> {
        if i >= self.len {
            return None;
        }
        // The decoder checked `data.len() == len * width`, so the slices
        // below are in bounds; `get` keeps that a checked fact, not a hope.
        let w = usize::from(self.width);
        let at = i.checked_mul(w)?;
        let b = self.data.get(at..at.checked_add(w)?)?;
        Some(match *b {
            [] => 0,
            [a] => u64::from(a),
            [a, b] => u64::from(u16::from_le_bytes([a, b])),
            [a, b, c, d] => u64::from(u32::from_le_bytes([a, b, c, d])),
            [a, b, c, d, e, f, g, h] => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
            _ => return None,
        })
    }

    /// All values in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = u64> + Clone + '_ {
        (0..self.len).map(|i| self.get(i).unwrap_or(0))
    }

    /// The width in bytes of each value.
    pub fn width(&self) -> u8 {
        self.width
    }

    /// A column over `data`, which the caller checked holds `len * width`
    /// bytes (a shorter one reads as `None` past its end).
    pub(crate) fn from_parts(width: u8, len: usize, data: &'a [u8]) -> Column<'a> {
        Column { width, len, data }
    }
}

/// A bounds-checked cursor over untrusted bytes. Offsets in errors are
/// absolute: `base` is the file offset of `data[0]`.
pub(crate) struct ByteReader<'a> {
    data: &'a [u8],
    pos: usize,
    base: u64,
    section: &'static str,
}

impl<'a> ByteReader<'a> {
    pub(crate) fn new(data: &'a [u8], base: u64, section: &'static str) -> ByteReader<'a> {
        ByteReader { data, pos: 0, base, section }
    }

    /// The absolute offset of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    pub(crate) fn is_at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn corrupt(&self, what: impl Into<String>) -> Error {
        Error::corrupt(self.section, self.offset(), what)
    }

    pub(crate) fn corrupt_at(&self, offset: u64, what: impl Into<String>) -> Error {
        Error::corrupt(self.section, offset, what)
    }

    pub(crate) fn take(&mut self, n: u64) -> Result<&'a [u8]> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        let n_usize = usize::try_from(n)
            .ok()
            .filter(|&n| n <= rest.len())
            .ok_or_else(|| Error::truncated(self.section, self.offset(), n))?;
        let (head, _) = rest.split_at(n_usize);
        self.pos = self.pos.saturating_add(n_usize);
        Ok(head)
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        let b = self.take(1)?;
        Ok(b.first().copied().unwrap_or(0))
    }

    pub(crate) fn varint(&mut self) -> Result<u64> {
        let start = self.offset();
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let low = u64::from(b & 0x7f);
            // The tenth byte may only carry the top bit of a u64.
            if shift == 63 && low > 1 {
                return Err(self.corrupt_at(start, "varint overflows 64 bits"));
            }
            v |= low << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.corrupt_at(start, "varint longer than 10 bytes"))
    }

    /// A varint that counts items each taking at least `min_bytes` bytes of
    /// what is left, so a hostile count fails before anything is allocated.
    pub(crate) fn count(&mut self, min_bytes: u64) -> Result<usize> {
        let at = self.offset();
        let n = self.varint()?;
        let left = self.data.len().saturating_sub(self.pos) as u64;
        if n.saturating_mul(min_bytes) > left {
            return Err(self.corrupt_at(at, format!("count {n} does not fit in the {left} bytes left")));
        }
        usize::try_from(n).map_err(|_| self.corrupt_at(at, "count exceeds the address space"))
    }

    pub(crate) fn str_bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.varint()?;
        self.take(n)
    }

    pub(crate) fn str(&mut self) -> Result<&'a str> {
        let at = self.offset();
        let b = self.str_bytes()?;
        std::str::from_utf8(b)
            .map_err(|e| self.corrupt_at(at, format!("invalid UTF-8 at byte {} of a string", e.valid_up_to())))
    }

    /// The bytes not read yet; reading ends.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        self.pos = self.data.len();
        rest
    }

    /// `len` bytes at absolute offset `abs`, or nothing when out of range.
    pub(crate) fn slice_at(&self, abs: u64, len: usize) -> &'a [u8] {
        let start = usize::try_from(abs.saturating_sub(self.base)).unwrap_or(usize::MAX);
        self.data.get(start..start.saturating_add(len)).unwrap_or(&[])
    }

    /// A packed column of `len` values. `min_width` 1 marks the columns
    /// that bound a count: their `len` bytes at least must be present, so
    /// a hostile count fails at once instead of describing 2^64 zeros.
    pub(crate) fn column(&mut self, len: usize, min_width: u8) -> Result<Column<'a>> {
        let at = self.offset();
        let width = self.u8()?;
        if !crate::layout::COLUMN_WIDTHS.contains(&width) || width < min_width {
            return Err(
                self.corrupt_at(at, format!("column width {width} is not one of 1, 2, 4, 8 (or 0 where allowed)"))
            );
        }
        let bytes = (len as u64).saturating_mul(u64::from(width));
        let data = self.take(bytes)?;
        Ok(Column { width, len, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX - 1, u64::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, v);
            let mut r = ByteReader::new(&buf, 0, "test");
            assert_eq!(r.varint().unwrap(), v);
            assert!(r.is_at_end());
        }
        for v in [0, 1, -1, i64::MIN, i64::MAX, -300] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    #[test]
    fn overlong_varint_is_an_error_with_offset() {
        let buf = [0xff; 11];
        let err = ByteReader::new(&buf, 100, "docs").varint().unwrap_err();
        assert_eq!(err.offset(), Some(100));
        let buf = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(ByteReader::new(&buf, 0, "docs").varint().is_err());
    }

    #[test]
    fn columns_pick_the_narrowest_width() {
        for (values, width) in
            [(vec![0, 0], 0), (vec![1, 255], 1), (vec![256], 2), (vec![70_000], 4), (vec![u64::MAX, 3], 8)]
        {
            let mut buf = Vec::new();
            put_column(&mut buf, values.iter().copied());
            let mut r = ByteReader::new(&buf, 0, "test");
            let col = r.column(values.len(), 0).unwrap();
            assert_eq!(col.width(), width);
            assert_eq!(col.iter().collect::<Vec<_>>(), values);
            assert_eq!(col.get(values.len()), None);
        }
    }

    #[test]
    fn bad_width_and_short_column_are_errors() {
        let err = ByteReader::new(&[3, 0, 0, 0], 8, "docs").column(1, 0).unwrap_err();
        assert_eq!(err.offset(), Some(8));
        let err = ByteReader::new(&[0], 8, "docs").column(1, 1).unwrap_err();
        assert_eq!(err.offset(), Some(8));
        let err = ByteReader::new(&[2, 0], 8, "docs").column(1, 0).unwrap_err();
        assert!(matches!(err.kind(), crate::ErrorKind::Truncated { offset: 9, needed: 2, .. }));
    }

    #[test]
    fn hostile_counts_fail_before_allocating() {
        let mut buf = Vec::new();
        put_varint(&mut buf, u64::MAX);
        assert!(ByteReader::new(&buf, 0, "docs").count(1).is_err());
    }
}
