//! The on-disk layout of `spec/FORMAT.md` in Rust: constants and fixed-size
//! structs, no logic. Every integer is little-endian; every struct has
//! alignment 1 so that a cast never depends on where it lands.

use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The eight bytes a strata file starts and ends with. The high first byte
/// and the CR LF pair catch transfers that mangle binary files, as PNG's do.
pub const MAGIC: [u8; 8] = *b"\x89STRA\r\n\x1a";

/// The format version this crate writes.
///
/// Policy: a change that an older reader would misread bumps this number,
/// updates `spec/FORMAT.md` and adds a golden file of the old version under
/// `spec/vectors/`. Readers accept every version from
/// [`OLDEST_READABLE_VERSION`] to [`FORMAT_VERSION`] and reject all others.
///
/// Version 2 stores span and fragment lengths instead of ends, relations as
/// zigzag deltas, and string attributes dense or sparse (`spec/FORMAT.md`,
/// section 8).
pub const FORMAT_VERSION: u32 = 3;

/// The oldest format version this crate reads. See [`FORMAT_VERSION`].
pub const OLDEST_READABLE_VERSION: u32 = 1;

/// The format versions this crate reads, one variant each. Decoding
/// branches on this enum, so a new version cannot be read by accident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Version {
    /// The first version: span ends, plain relation ends, dense string
    /// attributes.
    V1 = 1,
    /// Span and fragment lengths, relations as zigzag deltas, string
    /// attributes dense or sparse: see `spec/FORMAT.md`.
    V2 = 2,
    /// Packed columns count bits, not bytes: see `spec/FORMAT.md`.
    V3 = 3,
}

impl Version {
    /// How the values of this version's packed columns are laid out.
    pub(crate) fn packing(self) -> crate::bytes::Packing {
        match self {
            Version::V1 | Version::V2 => crate::bytes::Packing::Bytes,
            Version::V3 => crate::bytes::Packing::Bits,
        }
    }
}

impl TryFrom<u32> for Version {
    type Error = u32;

    /// Strict: every code but a known version's is rejected.
    fn try_from(code: u32) -> Result<Version, u32> {
        match code {
            1 => Ok(Version::V1),
            2 => Ok(Version::V2),
            3 => Ok(Version::V3),
            other => Err(other),
        }
    }
}

/// Sections start at multiples of this many bytes; the gaps are zero bytes.
pub const SECTION_ALIGN: u64 = 8;

/// The header at offset 0.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct Header {
    /// [`MAGIC`].
    pub magic: [u8; 8],
    /// The format version the file was written in.
    pub version: U32,
    /// Reserved, zero.
    pub reserved: U32,
}

/// Size of [`Header`] in bytes.
pub const HEADER_LEN: u64 = 16;

/// The footer in the last [`FOOTER_LEN`] bytes.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct Footer {
    /// Absolute offset of the section directory.
    pub directory_offset: U64,
    /// Number of entries in the section directory.
    pub directory_len: U32,
    /// CRC-32 (ISO-HDLC, as zlib) of every byte before the footer.
    pub file_crc: U32,
    /// Length of the whole file, footer included.
    pub file_len: U64,
    /// [`MAGIC`] again: a truncated file does not end with it.
    pub magic: [u8; 8],
}

/// Size of [`Footer`] in bytes.
pub const FOOTER_LEN: u64 = 32;

/// One entry of the section directory.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct SectionEntry {
    /// What the section holds: one of the `SECTION_*` constants.
    pub kind: U32,
    /// `SECTION_FLAG_*` bits.
    pub flags: U32,
    /// Absolute offset of the first byte.
    pub offset: U64,
    /// Length in bytes.
    pub len: U64,
    /// CRC-32 (ISO-HDLC) of the section's bytes.
    pub crc: U32,
    /// Reserved, zero.
    pub reserved: U32,
}

/// Size of [`SectionEntry`] in bytes.
pub const SECTION_ENTRY_LEN: u64 = 32;

/// Document records, one after another (zstd frames when compressed).
pub const SECTION_DOCS: u32 = 1;
/// `documents + 1` little-endian u64 record offsets.
pub const SECTION_DOC_INDEX: u32 = 2;
/// `blocks + 1` [`BlockEntry`]s; only in compressed files.
pub const SECTION_BLOCKS: u32 = 3;
/// `documents` [`IdEntry`]s sorted by hash, then document number.
pub const SECTION_ID_INDEX: u32 = 4;
/// The string dictionary: labels and string attribute values.
pub const SECTION_STRINGS: u32 = 5;
/// The schema and corpus metadata, bincode 2.
pub const SECTION_SCHEMA: u32 = 6;

/// Flag of [`SECTION_DOCS`]: records are stored in zstd frames.
pub const SECTION_FLAG_ZSTD: u32 = 1;

/// The display name of a section kind.
pub fn section_name(kind: u32) -> &'static str {
    match kind {
        SECTION_DOCS => "docs",
        SECTION_DOC_INDEX => "doc_index",
        SECTION_BLOCKS => "blocks",
        SECTION_ID_INDEX => "id_index",
        SECTION_STRINGS => "strings",
        SECTION_SCHEMA => "schema",
        _ => "unknown",
    }
}

/// One entry of the block index of a compressed file.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct BlockEntry {
    /// Offset of the block's first record in the uncompressed record stream.
    pub raw_offset: U64,
    /// Offset of the block's zstd frame from the start of the docs section.
    pub frame_offset: U64,
}

/// Size of [`BlockEntry`] in bytes.
pub const BLOCK_ENTRY_LEN: u64 = 16;

/// One entry of the id index.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct IdEntry {
    /// XXH3-64 (seed 0) of the id's UTF-8 bytes.
    pub hash: U64,
    /// Document number.
    pub doc: U64,
}

/// Size of [`IdEntry`] in bytes.
pub const ID_ENTRY_LEN: u64 = 16;

/// The hash of a document id used by the id index.
pub fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// The encoding byte of a dense string attribute block (version 2 and later): one
/// code per span, 0 for no value.
pub const STR_ATTR_DENSE: u8 = 0;
/// The encoding byte of a sparse string attribute block (version 2 and later): the
/// indices of the spans that have a value, then their codes.
pub const STR_ATTR_SPARSE: u8 = 1;

/// Column widths in bytes that a packed integer column may use.
pub const COLUMN_WIDTHS: [u8; 5] = [0, 1, 2, 4, 8];

/// The bincode 2 configuration of the schema section: little-endian,
/// variable-length integers (bincode's `standard()`).
pub fn bincode_config() -> bincode::config::Configuration {
    bincode::config::standard()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_versions_convert() {
        assert_eq!(Version::try_from(FORMAT_VERSION), Ok(Version::V3));
        assert_eq!(Version::try_from(1), Ok(Version::V1));
        for code in [0, 4, 5, 1000, u32::MAX] {
            assert_eq!(Version::try_from(code), Err(code));
        }
        for code in OLDEST_READABLE_VERSION..=FORMAT_VERSION {
            assert!(Version::try_from(code).is_ok());
        }
    }

    #[test]
    fn struct_sizes_match_the_spec() {
        assert_eq!(std::mem::size_of::<Header>() as u64, HEADER_LEN);
        assert_eq!(std::mem::size_of::<Footer>() as u64, FOOTER_LEN);
        assert_eq!(std::mem::size_of::<SectionEntry>() as u64, SECTION_ENTRY_LEN);
        assert_eq!(std::mem::size_of::<BlockEntry>() as u64, BLOCK_ENTRY_LEN);
        assert_eq!(std::mem::size_of::<IdEntry>() as u64, ID_ENTRY_LEN);
    }
}
