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

/// The number of bits needed to hold `max`: 0 for 0, 64 for `u64::MAX`.
pub(crate) fn bits_for(max: u64) -> u8 {
    64u32.wrapping_sub(max.leading_zeros()) as u8
}

/// The bytes that `len` values of `bits` bits take, or `None` when that
/// overflows.
pub(crate) fn packed_bytes(len: u64, bits: u8) -> Option<u64> {
    Some(len.checked_mul(u64::from(bits))?.div_ceil(8))
}

/// The widths a writer gives its packed columns. Both are valid version 3
/// columns; which to use is the writer's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Widths {
    /// The fewest bits that hold the largest value: the smallest files.
    Tight,
    /// Rounded up to 8, 16, 32 or 64 bits: values on byte boundaries,
    /// which zstd compresses better (EWT: 12.0 against 13.3 bytes per
    /// word at level 19).
    Bytes,
}

impl Widths {
    /// The width a column gets whose values need `bits` bits.
    pub(crate) fn round(self, bits: u8) -> u8 {
        match (self, bits) {
            (Widths::Tight, _) | (Widths::Bytes, 0) => bits,
            (Widths::Bytes, 1..=8) => 8,
            (Widths::Bytes, 9..=16) => 16,
            (Widths::Bytes, 17..=32) => 32,
            (Widths::Bytes, _) => 64,
        }
    }
}

/// Appends a packed column: one byte giving the width in bits, then the
/// values as a little-endian bit stream (spec/FORMAT.md, "Packed column").
pub(crate) fn put_column<I>(buf: &mut Vec<u8>, values: I, widths: Widths)
where
    I: IntoIterator<Item = u64>,
    I::IntoIter: Clone,
{
    put_column_min(buf, values, 0, widths);
}

/// [`put_column`] with a width of at least `min_bits` bits.
pub(crate) fn put_column_min<I>(buf: &mut Vec<u8>, values: I, min_bits: u8, widths: Widths)
where
    I: IntoIterator<Item = u64>,
    I::IntoIter: Clone,
{
    let values = values.into_iter();
    let (max, n) = values.clone().fold((0, 0usize), |(max, n), v| (max.max(v), n.saturating_add(1)));
    put_packed(buf, values, n, widths.round(bits_for(max).max(min_bits)));
}

/// Appends a packed column of `n` values, each of which fits in `bits` bits
/// (the caller knows the width: [`put_column`] without its pass to find
/// the largest value).
pub(crate) fn put_packed(buf: &mut Vec<u8>, values: impl Iterator<Item = u64>, n: usize, bits: u8) {
    buf.push(bits);
    if bits == 0 {
        return;
    }
    buf.reserve(n.saturating_mul(usize::from(bits)).div_ceil(8).saturating_add(8));
    // Values go into a word low bits first; a full word leaves as soon as
    // it is complete, and the bits of the value that did not fit start the
    // next one (none when the value filled a word exactly).
    let bits = u32::from(bits);
    let mask = u64::MAX >> 64u32.wrapping_sub(bits);
    let (mut acc, mut filled) = (0u64, 0u32);
    for v in values {
        let v = v & mask;
        acc |= v.wrapping_shl(filled);
        let total = filled.wrapping_add(bits);
        if total >= 64 {
            buf.extend_from_slice(&acc.to_le_bytes());
            acc = v.checked_shr(64u32.wrapping_sub(filled)).unwrap_or(0);
            filled = total.wrapping_sub(64);
        } else {
            filled = total;
        }
    }
    buf.extend(acc.to_le_bytes().iter().take(filled.div_ceil(8) as usize));
}

/// How the values of a packed column are laid out: whole bytes in versions
/// 1 and 2, bits from version 3 on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Packing {
    /// The width byte counts bytes: 0, 1, 2, 4 or 8.
    Bytes,
    /// The width byte counts bits: 0 to 64.
    Bits,
}

/// A packed integer column borrowed from a record: O(1) access by index.
#[derive(Clone, Copy, Debug, Default)]
pub struct Column<'a> {
    bits: u8,
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
        Some(self.value_at(i))
    }

    /// The value at `i < len`. The decoder checked that `data` holds
    /// `len * bits` bits; a shorter slice reads as zero bits past its end,
    /// never out of bounds.
    #[inline(always)]
    fn value_at(&self, i: usize) -> u64 {
        let bits = u32::from(self.bits);
        if bits == 0 {
            return 0;
        }
        let bit = (i as u64).wrapping_mul(u64::from(bits));
        let (byte, shift) = ((bit >> 3) as usize, (bit & 7) as u32);
        let mask = u64::MAX >> 64u32.wrapping_sub(bits);
        // Fast path: eight bytes are there and hold the value (every width
        // up to 57 bits fits in them after a shift of at most 7).
        if let Some(b) = self.data.get(byte..byte.wrapping_add(8)) {
            if shift.wrapping_add(bits) <= 64 {
                let mut w = [0u8; 8];
                w.copy_from_slice(b);
                return (u64::from_le_bytes(w) >> shift) & mask;
            }
        }
        let mut w = [0u8; 16];
        let tail = self.data.get(byte..).unwrap_or(&[]);
        let n = tail.len().min(16);
        if let (Some(dst), Some(src)) = (w.get_mut(..n), tail.get(..n)) {
            dst.copy_from_slice(src);
        }
        ((u128::from_le_bytes(w) >> shift) as u64) & mask
    }

    /// All values in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = u64> + Clone + '_ {
        (0..self.len).map(|i| self.value_at(i))
    }

    /// Every value, in order, into `out` (cleared first): the fastest way
    /// through a column, about a nanosecond per value.
    pub fn unpack_into(&self, out: &mut Vec<u64>) {
        out.clear();
        out.reserve(self.len);
        let bits = u32::from(self.bits);
        // Whole-byte widths (versions 1 and 2, compressed files) are plain
        // little-endian arrays.
        let whole = usize::from(self.bits / 8);
        let complete = self.data.len().checked_div(whole.max(1)).unwrap_or(0) >= self.len;
        match (bits, complete) {
            (0, _) => out.resize(self.len, 0),
            (8, true) => out.extend(self.data.iter().take(self.len).map(|&b| u64::from(b))),
            (16, true) => out.extend(self.data.chunks_exact(2).take(self.len).map(|c| {
                let c: [u8; 2] = c.try_into().unwrap_or_default();
                u64::from(u16::from_le_bytes(c))
            })),
            (32, true) => out.extend(self.data.chunks_exact(4).take(self.len).map(|c| {
                let c: [u8; 4] = c.try_into().unwrap_or_default();
                u64::from(u32::from_le_bytes(c))
            })),
            (64, true) => out.extend(self.data.chunks_exact(8).take(self.len).map(|c| {
                let c: [u8; 8] = c.try_into().unwrap_or_default();
                u64::from_le_bytes(c)
            })),
            (1..=16, _) => {
                // Eight values fill `bits` whole bytes: unpack those groups
                // with the width known at compile time, the rest one by one.
                let done = match bits {
                    1 => unpack_groups::<1>(self.data, self.len, out),
                    2 => unpack_groups::<2>(self.data, self.len, out),
                    3 => unpack_groups::<3>(self.data, self.len, out),
                    4 => unpack_groups::<4>(self.data, self.len, out),
                    5 => unpack_groups::<5>(self.data, self.len, out),
                    6 => unpack_groups::<6>(self.data, self.len, out),
                    7 => unpack_groups::<7>(self.data, self.len, out),
                    8 => unpack_groups::<8>(self.data, self.len, out),
                    9 => unpack_groups::<9>(self.data, self.len, out),
                    10 => unpack_groups::<10>(self.data, self.len, out),
                    11 => unpack_groups::<11>(self.data, self.len, out),
                    12 => unpack_groups::<12>(self.data, self.len, out),
                    13 => unpack_groups::<13>(self.data, self.len, out),
                    14 => unpack_groups::<14>(self.data, self.len, out),
                    15 => unpack_groups::<15>(self.data, self.len, out),
                    _ => unpack_groups::<16>(self.data, self.len, out),
                };
                out.extend((done..self.len).map(|i| self.value_at(i)));
            }
            (17..=57, _) => {
                let mask = u64::MAX >> 64u32.wrapping_sub(bits);
                let mut bit = 0u64;
                for i in 0..self.len {
                    let byte = (bit >> 3) as usize;
                    let v = match self.data.get(byte..byte.wrapping_add(8)) {
                        Some(b) => {
                            let mut w = [0u8; 8];
                            w.copy_from_slice(b);
                            (u64::from_le_bytes(w) >> (bit & 7)) & mask
                        }
                        None => self.value_at(i),
                    };
                    out.push(v);
                    bit = bit.wrapping_add(u64::from(bits));
                }
            }
            _ => out.extend((0..self.len).map(|i| self.value_at(i))),
        }
    }

    /// The width in bits of each value (a multiple of 8 in versions 1 and
    /// 2).
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// A column over `data`, which the caller checked holds `len * bits`
    /// bits (a shorter one reads zeros past its end).
    pub(crate) fn from_parts(bits: u8, len: usize, data: &'a [u8]) -> Column<'a> {
        Column { bits, len, data }
    }
}

/// Unpacks `len` values of `BITS` bits (at most 16) from the start of
/// `data` onto `out`, eight at a time: eight values fill `BITS` whole bytes.
/// Missing bytes read as zeros. Returns how many values that was (`len`,
/// unless `data` is far too short).
#[inline(always)]
fn unpack_groups<const BITS: usize>(data: &[u8], len: usize, out: &mut Vec<u64>) -> usize {
    let mask = u128::MAX >> 128usize.wrapping_sub(BITS);
    let unpack = |chunk: &[u8]| {
        let mut w = [0u8; 16];
        if let Some(dst) = w.get_mut(..chunk.len()) {
            dst.copy_from_slice(chunk);
        }
        let w = u128::from_le_bytes(w);
        let mut group = [0u64; 8];
        for (j, v) in group.iter_mut().enumerate() {
            *v = ((w >> j.wrapping_mul(BITS)) & mask) as u64;
        }
        group
    };
    let groups = (len / 8).min(data.len().checked_div(BITS).unwrap_or(0));
    for chunk in data.chunks_exact(BITS).take(groups) {
        out.extend_from_slice(&unpack(chunk));
    }
    let done = groups.wrapping_mul(8);
    // The last, partial group: its bytes end the column.
    let left = len.wrapping_sub(done);
    if left > 0 && left < 8 {
        let rest = data.get(groups.wrapping_mul(BITS)..).unwrap_or(&[]);
        let group = unpack(rest.get(..BITS.min(rest.len())).unwrap_or(&[]));
        out.extend_from_slice(group.get(..left).unwrap_or(&[]));
        return len;
    }
    done
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

    #[inline]
    pub(crate) fn u8(&mut self) -> Result<u8> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos = self.pos.saturating_add(1);
                Ok(b)
            }
            None => Err(Error::truncated(self.section, self.offset(), 1)),
        }
    }

    /// A LEB128 varint. Most are one byte (counts, indices, short
    /// lengths): that case is a load and a compare.
    #[inline]
    pub(crate) fn varint(&mut self) -> Result<u64> {
        match self.data.get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos = self.pos.saturating_add(1);
                Ok(u64::from(b))
            }
            _ => self.varint_long(),
        }
    }

    fn varint_long(&mut self) -> Result<u64> {
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
    /// that bound a count: their `len` bits (versions 1 and 2: bytes) at
    /// least must be present, so a hostile count fails at once instead of
    /// describing 2^64 zeros.
    pub(crate) fn column(&mut self, len: usize, min_width: u8, packing: Packing) -> Result<Column<'a>> {
        let at = self.offset();
        let width = self.u8()?;
        let bits = match packing {
            Packing::Bytes if crate::layout::COLUMN_WIDTHS.contains(&width) && width >= min_width => {
                width.wrapping_mul(8)
            }
            Packing::Bytes => {
                return Err(
                    self.corrupt_at(at, format!("column width {width} is not one of 1, 2, 4, 8 (or 0 where allowed)"))
                );
            }
            Packing::Bits if width <= 64 && width >= min_width => width,
            Packing::Bits => {
                return Err(self.corrupt_at(at, format!("column width {width} bits is not in {min_width}..=64")));
            }
        };
        let bytes = packed_bytes(len as u64, bits).unwrap_or(u64::MAX);
        let data = self.take(bytes)?;
        Ok(Column { bits, len, data })
    }

    /// A count of items that each take at least one bit of what is left
    /// (`Packing::Bits`) or one byte (`Packing::Bytes`).
    pub(crate) fn count_items(&mut self, packing: Packing) -> Result<usize> {
        match packing {
            Packing::Bytes => self.count(1),
            Packing::Bits => {
                let at = self.offset();
                let n = self.varint()?;
                let left = self.data.len().saturating_sub(self.pos) as u64;
                if n > left.saturating_mul(8) {
                    return Err(self.corrupt_at(at, format!("count {n} does not fit in the {left} bytes left")));
                }
                usize::try_from(n).map_err(|_| self.corrupt_at(at, "count exceeds the address space"))
            }
        }
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
        for (values, bits) in [
            (vec![0, 0], 0),
            (vec![1, 1, 0], 1),
            (vec![1, 255], 8),
            (vec![256], 9),
            (vec![70_000, 5, 9, 1], 17),
            (vec![(1 << 57) - 1, 3], 57),
            (vec![1 << 57, 3, 1 << 60], 61),
            (vec![u64::MAX, 3, u64::MAX - 1], 64),
        ] {
            let mut buf = Vec::new();
            put_column(&mut buf, values.iter().copied(), Widths::Tight);
            assert_eq!(buf.len() as u64, 1 + packed_bytes(values.len() as u64, bits).unwrap());
            let mut r = ByteReader::new(&buf, 0, "test");
            let col = r.column(values.len(), 0, Packing::Bits).unwrap();
            assert!(r.is_at_end());
            assert_eq!(col.bits(), bits);
            assert_eq!(col.iter().collect::<Vec<_>>(), values);
            let mut unpacked = vec![99];
            col.unpack_into(&mut unpacked);
            assert_eq!(unpacked, values);
            assert_eq!(col.get(values.len()), None);
        }
    }

    #[test]
    fn bad_width_and_short_column_are_errors() {
        let bytes = Packing::Bytes;
        let err = ByteReader::new(&[3, 0, 0, 0], 8, "docs").column(1, 0, bytes).unwrap_err();
        assert_eq!(err.offset(), Some(8));
        let err = ByteReader::new(&[0], 8, "docs").column(1, 1, bytes).unwrap_err();
        assert_eq!(err.offset(), Some(8));
        let err = ByteReader::new(&[2, 0], 8, "docs").column(1, 0, bytes).unwrap_err();
        assert!(matches!(err.kind(), crate::ErrorKind::Truncated { offset: 9, needed: 2, .. }));
        // Bits: any width up to 64; 65 is not one, 0 is not a `column1`.
        assert!(ByteReader::new(&[3, 0], 8, "docs").column(2, 0, Packing::Bits).is_ok());
        let err = ByteReader::new(&[65, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8, "docs").column(1, 0, Packing::Bits).unwrap_err();
        assert_eq!(err.offset(), Some(8));
        assert!(ByteReader::new(&[0], 8, "docs").column(1, 1, Packing::Bits).is_err());
        // Three values of 3 bits need two bytes.
        let err = ByteReader::new(&[3, 0], 8, "docs").column(3, 0, Packing::Bits).unwrap_err();
        assert!(matches!(err.kind(), crate::ErrorKind::Truncated { offset: 9, needed: 2, .. }));
    }

    #[test]
    fn byte_widths_round_up() {
        let mut buf = Vec::new();
        put_column(&mut buf, [3u64, 300, 7], Widths::Bytes);
        assert_eq!(buf, [16, 3, 0, 0x2c, 1, 7, 0]);
        let mut buf = Vec::new();
        put_column(&mut buf, [0u64, 0], Widths::Bytes);
        assert_eq!(buf, [0]);
    }

    #[test]
    fn version_2_widths_read_as_whole_bytes() {
        let data = [2, 0x34, 0x12, 0xff, 0xff];
        let col = ByteReader::new(&data, 0, "docs").column(2, 0, Packing::Bytes).unwrap();
        assert_eq!((col.bits(), col.iter().collect::<Vec<_>>()), (16, vec![0x1234, 0xffff]));
        for (values, widths) in [(vec![1u64, 255, 0], 1), (vec![300, 2], 2), (vec![70_000], 4), (vec![u64::MAX, 1], 8)]
        {
            let mut data = vec![widths];
            for v in &values {
                data.extend_from_slice(&v.to_le_bytes()[..usize::from(widths)]);
            }
            let col = ByteReader::new(&data, 0, "docs").column(values.len(), 0, Packing::Bytes).unwrap();
            let mut out = Vec::new();
            col.unpack_into(&mut out);
            assert_eq!(out, values);
        }
    }

    #[test]
    fn every_width_unpacks_as_it_reads_one_by_one() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for bits in 0..=64u32 {
            for len in [0usize, 1, 7, 8, 9, 16, 17, 63, 64, 65, 200] {
                let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
                let values: Vec<u64> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        seed & mask
                    })
                    .collect();
                let mut buf = Vec::new();
                put_column_min(&mut buf, values.iter().copied(), bits as u8, Widths::Tight);
                let col = ByteReader::new(&buf, 0, "t").column(len, 0, Packing::Bits).unwrap();
                let mut out = Vec::new();
                col.unpack_into(&mut out);
                assert_eq!(out, values, "{bits} bits, {len} values");
                assert_eq!(col.iter().collect::<Vec<_>>(), values);
            }
        }
    }

    #[test]
    fn unpacking_a_short_column_reads_zeros_not_out_of_bounds() {
        for bits in [3u8, 8, 12, 16, 20, 60] {
            let col = Column::from_parts(bits, 10, &[0xff, 0xff]);
            let mut out = Vec::new();
            col.unpack_into(&mut out);
            assert_eq!(out.len(), 10);
            assert_eq!(out, col.iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn bit_counts_allow_eight_items_per_byte() {
        let mut buf = Vec::new();
        put_varint(&mut buf, 16);
        buf.extend([0, 0]);
        assert_eq!(ByteReader::new(&buf, 0, "docs").count_items(Packing::Bits).unwrap(), 16);
        assert!(ByteReader::new(&buf, 0, "docs").count_items(Packing::Bytes).is_err());
        buf[0] = 17;
        assert!(ByteReader::new(&buf, 0, "docs").count_items(Packing::Bits).is_err());
    }

    #[test]
    fn hostile_counts_fail_before_allocating() {
        let mut buf = Vec::new();
        put_varint(&mut buf, u64::MAX);
        assert!(ByteReader::new(&buf, 0, "docs").count(1).is_err());
    }
}
