//! Decoding a strata file from untrusted bytes: `Corpus`, `Doc` and the
//! borrowed views of layers, spans, attributes and relations.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::arithmetic_side_effects))]

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

use zerocopy::FromBytes;

use crate::bytes::{packed_bytes, unzigzag, ByteReader, Column};
use crate::error::{Error, ErrorKind, Result};
use crate::layout::{self, BlockEntry, Footer, Header, IdEntry, SectionEntry, Version};
use crate::model::{AttrType, AttrValue, Date, Document, FieldType, Layer, Relation, Span, Value};
use crate::schema::{LayerDef, Schema};

const FILE: &str = "file";
const DOCS: &str = "docs";

/// A section as the directory describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionInfo {
    /// The `SECTION_*` kind.
    pub kind: u32,
    /// The `SECTION_FLAG_*` bits.
    pub flags: u32,
    /// Absolute offset.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// The stored CRC-32.
    pub crc: u32,
}

impl SectionInfo {
    /// The section's display name.
    pub fn name(&self) -> &'static str {
        layout::section_name(self.kind)
    }

    fn range(&self) -> Range<usize> {
        // `open` checked that every section lies inside the data, whose
        // length is a usize, so these conversions are exact.
        let start = self.offset as usize;
        start..start.saturating_add(self.len as usize)
    }
}

/// The string dictionary, borrowed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Strings<'a> {
    ends: Column<'a>,
    bytes: &'a [u8],
    base: u64,
}

impl<'a> Strings<'a> {
    fn parse(data: &'a [u8], base: u64, version: Version) -> Result<Strings<'a>> {
        let section = layout::section_name(layout::SECTION_STRINGS);
        let mut r = ByteReader::new(data, base, section);
        let count_at = r.offset();
        let count = u64::from_le_bytes(r.take(8)?.try_into().unwrap_or_default());
        let entries = count
            .checked_add(1)
            .filter(|&n| n <= data.len() as u64)
            .ok_or_else(|| r.corrupt_at(count_at, format!("{count} strings cannot fit")))?;
        let ends = r.column(usize::try_from(entries).unwrap_or(usize::MAX), 0, version.packing())?;
        let bytes_at = r.offset();
        let bytes = r.rest();
        if ends.get(0) != Some(0) || ends.get(ends.len().saturating_sub(1)) != Some(bytes.len() as u64) {
            return Err(Error::corrupt(
                section,
                bytes_at,
                "string offsets do not start at 0 and end at the length of the string bytes",
            ));
        }
        Ok(Strings { ends, bytes, base: bytes_at })
    }

    /// Number of strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len().saturating_sub(1)
    }

    /// The string with this id.
    pub(crate) fn get(&self, id: u64) -> Result<&'a str> {
        let section = layout::section_name(layout::SECTION_STRINGS);
        let i = usize::try_from(id).unwrap_or(usize::MAX);
        let (start, end) = match (self.ends.get(i), i.checked_add(1).and_then(|j| self.ends.get(j))) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                return Err(Error::corrupt(
                    section,
                    self.base,
                    format!("string id {id} is past the {} strings of the dictionary", self.len()),
                ))
            }
        };
        let bytes = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(s, e)| self.bytes.get(s..e))
            .ok_or_else(|| {
                Error::corrupt(section, self.base, format!("string {id} spans {start}..{end}, out of bounds"))
            })?;
        std::str::from_utf8(bytes)
            .map_err(|_| Error::corrupt(section, self.base.saturating_add(start), format!("string {id} is not UTF-8")))
    }
}

/// The string dictionary of a corpus, checked once as a whole
/// ([`Corpus::string_table`]): a look-up is one bounds-checked load.
#[derive(Clone, Debug)]
pub struct StringTable<'a> {
    /// Index 0 is code 0, "none"; string id `k` is at `k + 1`.
    strs: Vec<Option<&'a str>>,
}

impl<'a> StringTable<'a> {
    /// The string of a stored code (string id + 1, as labels and string
    /// attributes store them); `None` for code 0 and for a code past the
    /// dictionary.
    #[inline]
    pub fn get(&self, code: u64) -> Option<&'a str> {
        *self.strs.get(usize::try_from(code).ok()?)?
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.strs.len().saturating_sub(1)
    }

    /// Whether the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A strata corpus decoded from bytes held by `D`: a `Vec<u8>`, a `&[u8]`,
/// or a memory map.
///
/// Opening checks the header, footer, directory and schema: constant cost,
/// whatever the size of the corpus. Each document is decoded and checked
/// when it is read. [`Corpus::verify`] checks every checksum.
pub struct Corpus<D> {
    data: D,
    version: Version,
    schema: Schema,
    sections: Vec<SectionInfo>,
    docs: SectionInfo,
    doc_index: SectionInfo,
    blocks: Option<SectionInfo>,
    id_index: SectionInfo,
    strings: SectionInfo,
    /// The dictionary of a compressed file (version 3), decompressed on
    /// first use, so that opening stays constant-time; unused when the
    /// dictionary is stored plain and read in place.
    strings_unpacked: OnceLock<std::result::Result<Vec<u8>, (u64, String)>>,
    doc_count: u64,
    footer: Footer,
    /// The last block `doc` decompressed (block number, raw offset, bytes):
    /// documents next to each other share a block, so reading them in turn
    /// decompresses it once. Only tried, never waited for, so threads
    /// reading at once do not queue behind each other.
    last_block: Mutex<Option<(u64, u64, Vec<u8>)>>,
}

impl<D: AsRef<[u8]>> Corpus<D> {
    /// Decodes the header, footer, directory and schema of a strata file.
    ///
    /// Cost: constant in the number of documents; allocates the schema and
    /// the directory, never more than the bytes they occupy plus 1 MiB. A
    /// compressed file's string dictionary (version 3) is decompressed
    /// later, when a document or the dictionary is first read.
    ///
    /// # Errors
    /// [`ErrorKind::BadMagic`], [`ErrorKind::Version`],
    /// [`ErrorKind::Truncated`] or [`ErrorKind::Corrupt`] naming the byte
    /// offset, when the bytes are not a well-formed strata file.
    pub fn from_bytes(data: D) -> Result<Corpus<D>> {
        let bytes = data.as_ref();
        let len = bytes.len() as u64;
        let min = layout::HEADER_LEN.saturating_add(layout::FOOTER_LEN);
        if len < min {
            return Err(Error::truncated(FILE, 0, min));
        }
        let header = Header::read_from_prefix(bytes).map_err(|_| Error::truncated(FILE, 0, layout::HEADER_LEN))?.0;
        if header.magic != layout::MAGIC {
            return Err(Error::from(ErrorKind::BadMagic { offset: 0 }));
        }
        // Sections, header, footer and schema are the same in every version;
        // document records branch on `version` in `parse_layer` and in the
        // span, fragment, attribute and relation accessors.
        let version = match Version::try_from(header.version.get()) {
            Ok(v) => v,
            Err(got) => {
                return Err(Error::from(ErrorKind::Version {
                    oldest: layout::OLDEST_READABLE_VERSION,
                    newest: layout::FORMAT_VERSION,
                    got,
                }))
            }
        };
        if header.reserved.get() != 0 {
            return Err(Error::corrupt(FILE, 12, "reserved header field is not zero"));
        }
        let footer_at = len.saturating_sub(layout::FOOTER_LEN);
        let footer =
            Footer::read_from_suffix(bytes).map_err(|_| Error::truncated(FILE, footer_at, layout::FOOTER_LEN))?.1;
        if footer.magic != layout::MAGIC {
            return Err(Error::from(ErrorKind::BadMagic { offset: len.saturating_sub(8) }));
        }
        if footer.file_len.get() != len {
            let what = format!("the footer says the file is {} bytes; it is {len}", footer.file_len.get());
            return Err(if footer.file_len.get() > len {
                Error::truncated(FILE, len, footer.file_len.get().saturating_sub(len))
            } else {
                Error::corrupt(FILE, footer_at.saturating_add(16), what)
            });
        }
        let dir_at = footer.directory_offset.get();
        let dir_len = u64::from(footer.directory_len.get()).saturating_mul(layout::SECTION_ENTRY_LEN);
        if dir_at < layout::HEADER_LEN || dir_at.checked_add(dir_len) != Some(footer_at) {
            return Err(Error::corrupt(
                FILE,
                footer_at,
                format!(
                    "the directory ({dir_len} bytes at {dir_at}) does not end where the footer starts ({footer_at})"
                ),
            ));
        }
        let dir_bytes = usize::try_from(dir_at)
            .ok()
            .and_then(|at| bytes.get(at..usize::try_from(footer_at).ok()?))
            .ok_or_else(|| Error::truncated(FILE, dir_at, dir_len))?;
        let entries = <[SectionEntry]>::ref_from_bytes(dir_bytes)
            .map_err(|_| Error::corrupt(FILE, dir_at, "directory length is not a whole number of entries"))?;

        let mut sections: Vec<SectionInfo> = Vec::with_capacity(entries.len().min(16));
        for (i, e) in entries.iter().enumerate() {
            let at = dir_at.saturating_add((i as u64).saturating_mul(layout::SECTION_ENTRY_LEN));
            let info = SectionInfo {
                kind: e.kind.get(),
                flags: e.flags.get(),
                offset: e.offset.get(),
                len: e.len.get(),
                crc: e.crc.get(),
            };
            if !(layout::SECTION_DOCS..=layout::SECTION_SCHEMA).contains(&info.kind) {
                return Err(Error::corrupt(FILE, at, format!("unknown section kind {}", info.kind)));
            }
            if sections.iter().any(|s| s.kind == info.kind) {
                return Err(Error::corrupt(FILE, at, format!("two {} sections", info.name())));
            }
            let allowed = match (info.kind, version) {
                (layout::SECTION_DOCS, _) | (layout::SECTION_STRINGS, Version::V3) => layout::SECTION_FLAG_ZSTD,
                _ => 0,
            };
            if info.flags & !allowed != 0 || e.reserved.get() != 0 {
                return Err(Error::corrupt(FILE, at, format!("unknown flags in the {} section entry", info.name())));
            }
            if info.offset < layout::HEADER_LEN
                || info.offset % layout::SECTION_ALIGN != 0
                || info.offset.checked_add(info.len).is_none_or(|end| end > dir_at)
            {
                return Err(Error::corrupt(
                    FILE,
                    at,
                    format!(
                        "the {} section ({} bytes at {}) is not an aligned range between the header and the directory",
                        info.name(),
                        info.len,
                        info.offset
                    ),
                ));
            }
            sections.push(info);
        }
        let mut by_offset = sections.clone();
        // Empty sections sort before a section at the same offset, so they
        // never count as overlapping it.
        by_offset.sort_by_key(|s| (s.offset, s.len));
        for pair in by_offset.windows(2) {
            if let [a, b] = pair {
                if a.offset.saturating_add(a.len) > b.offset {
                    return Err(Error::corrupt(
                        FILE,
                        b.offset,
                        format!("the {} and {} sections overlap", a.name(), b.name()),
                    ));
                }
            }
        }
        let find = |kind: u32| sections.iter().find(|s| s.kind == kind).copied();
        let need = |kind: u32| {
            find(kind).ok_or_else(|| Error::corrupt(FILE, dir_at, format!("no {} section", layout::section_name(kind))))
        };
        let docs = need(layout::SECTION_DOCS)?;
        let doc_index = need(layout::SECTION_DOC_INDEX)?;
        let id_index = need(layout::SECTION_ID_INDEX)?;
        let strings = need(layout::SECTION_STRINGS)?;
        let schema_info = need(layout::SECTION_SCHEMA)?;
        let blocks = find(layout::SECTION_BLOCKS);
        let compressed = docs.flags & layout::SECTION_FLAG_ZSTD != 0;
        if compressed != blocks.is_some() {
            return Err(Error::corrupt(
                FILE,
                dir_at,
                "a blocks section goes with compressed documents, and only with them",
            ));
        }

        if doc_index.len % 8 != 0 || doc_index.len < 8 {
            return Err(Error::corrupt(doc_index.name(), doc_index.offset, "length is not a positive multiple of 8"));
        }
        let doc_count = (doc_index.len / 8).saturating_sub(1);
        if Some(id_index.len) != doc_count.checked_mul(layout::ID_ENTRY_LEN) {
            return Err(Error::corrupt(
                id_index.name(),
                id_index.offset,
                format!("{} bytes do not hold one entry for each of {doc_count} documents", id_index.len),
            ));
        }
        let schema_bytes = bytes.get(schema_info.range()).unwrap_or(&[]);
        let schema = Schema::decode(schema_bytes, schema_info.offset)?;

        let corpus = Corpus {
            data,
            version,
            schema,
            sections,
            docs,
            doc_index,
            blocks,
            id_index,
            strings,
            strings_unpacked: OnceLock::new(),
            doc_count,
            footer,
            last_block: Mutex::new(None),
        };
        if strings.flags & layout::SECTION_FLAG_ZSTD == 0 {
            corpus.strings()?;
        }
        // The record stream must start at 0 and end where the documents
        // section (or its last block) ends.
        let raw_len = match corpus.blocks {
            None => docs.len,
            Some(b) => {
                if b.len % layout::BLOCK_ENTRY_LEN != 0 || b.len < layout::BLOCK_ENTRY_LEN {
                    return Err(Error::corrupt(b.name(), b.offset, "length is not a positive multiple of 16"));
                }
                let count = b.len / layout::BLOCK_ENTRY_LEN;
                let last = corpus.block(count.saturating_sub(1))?;
                let first = corpus.block(0)?;
                if last.frame_offset.get() != docs.len
                    || (count > 1 && (first.raw_offset.get() != 0 || first.frame_offset.get() != 0))
                {
                    return Err(Error::corrupt(b.name(), b.offset, "block index does not cover the documents section"));
                }
                last.raw_offset.get()
            }
        };
        if corpus.doc_offset(0)? != 0 || corpus.doc_offset(doc_count)? != raw_len {
            return Err(Error::corrupt(
                doc_index.name(),
                doc_index.offset,
                "document offsets do not start at 0 and end at the end of the records",
            ));
        }
        Ok(corpus)
    }

    /// The bytes the corpus was decoded from.
    pub fn as_bytes(&self) -> &[u8] {
        self.data.as_ref()
    }

    /// The format version of the file.
    pub fn version(&self) -> u32 {
        self.version as u32
    }

    /// The schema: fields, layers with their attributes and totals, corpus
    /// metadata.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The sections in directory order.
    pub fn sections(&self) -> &[SectionInfo] {
        &self.sections
    }

    /// Whether document records are zstd-compressed (text is then copied
    /// out of a decompressed block, not borrowed from the file).
    pub fn is_compressed(&self) -> bool {
        self.blocks.is_some()
    }

    /// Number of documents.
    pub fn len(&self) -> u64 {
        self.doc_count
    }

    /// Whether the corpus has no documents.
    pub fn is_empty(&self) -> bool {
        self.doc_count == 0
    }

    /// The whole-file checksum stored in the footer.
    pub fn file_crc(&self) -> u32 {
        self.footer.file_crc.get()
    }

    fn section_bytes(&self, info: SectionInfo) -> &[u8] {
        self.data.as_ref().get(info.range()).unwrap_or(&[])
    }

    pub(crate) fn strings(&self) -> Result<Strings<'_>> {
        let info = self.strings;
        let bytes = if info.flags & layout::SECTION_FLAG_ZSTD == 0 {
            self.section_bytes(info)
        } else {
            match self.strings_unpacked.get_or_init(|| unpack_section(self.section_bytes(info), info.offset)) {
                Ok(bytes) => bytes,
                Err((at, what)) => return Err(Error::corrupt(info.name(), *at, what.clone())),
            }
        };
        Strings::parse(bytes, info.offset, self.version)
    }

    /// The string dictionary, checked once, for the fastest scans:
    /// [`StringTable::get`] then costs one bounds-checked load and no UTF-8
    /// check, where [`LayerRef::label`] and [`AttrRef::get`] check each
    /// string they return. Pair it with the codes of
    /// [`LayerRef::label_codes_into`], [`AttrRef::codes_into`] and
    /// [`LayerRef::relations_into`] (or, one at a time,
    /// [`LayerRef::label_code`] and [`AttrValues::next_code`]).
    ///
    /// Cost: one pass over the dictionary's bytes, and 16 bytes of memory
    /// per string.
    ///
    /// # Errors
    /// A corruption error when the dictionary is damaged or not UTF-8.
    pub fn string_table(&self) -> Result<StringTable<'_>> {
        let strings = self.strings()?;
        let text = std::str::from_utf8(strings.bytes).map_err(|e| {
            Error::corrupt(
                layout::section_name(layout::SECTION_STRINGS),
                strings.base.saturating_add(e.valid_up_to() as u64),
                "the string dictionary is not UTF-8",
            )
        })?;
        let mut ends = Vec::new();
        strings.ends.unpack_into(&mut ends);
        let mut strs = Vec::with_capacity(ends.len());
        strs.push(None);
        for (id, pair) in ends.windows(2).enumerate() {
            let (start, end) = (pair.first().copied().unwrap_or(0), pair.get(1).copied().unwrap_or(0));
            let s = usize::try_from(start).ok().zip(usize::try_from(end).ok()).and_then(|(s, e)| text.get(s..e));
            let Some(s) = s else {
                return Err(Error::corrupt(
                    layout::section_name(layout::SECTION_STRINGS),
                    strings.base.saturating_add(start),
                    format!("string {id} spans {start}..{end}: out of bounds or not on character boundaries"),
                ));
            };
            strs.push(Some(s));
        }
        Ok(StringTable { strs })
    }

    /// Number of distinct strings (labels and string attribute values).
    pub fn string_count(&self) -> usize {
        self.strings().map(|s| s.len()).unwrap_or(0)
    }

    fn u64_at(&self, info: SectionInfo, index: u64) -> Result<u64> {
        let at = index.checked_mul(8).filter(|&at| at.saturating_add(8) <= info.len);
        let abs = info.offset.saturating_add(index.saturating_mul(8));
        let bytes = at
            .and_then(|at| usize::try_from(at).ok())
            .and_then(|at| self.section_bytes(info).get(at..at.saturating_add(8)))
            .ok_or_else(|| Error::truncated(info.name(), abs, 8))?;
        Ok(u64::from_le_bytes(bytes.try_into().unwrap_or_default()))
    }

    /// Offset of record `i` in the raw record stream (`i == len()` gives
    /// the end of the last record).
    fn doc_offset(&self, i: u64) -> Result<u64> {
        self.u64_at(self.doc_index, i)
    }

    pub(crate) fn block(&self, k: u64) -> Result<BlockEntry> {
        let info = self.blocks.ok_or_else(|| Error::corrupt(FILE, 0, "no blocks section"))?;
        let at = k.saturating_mul(layout::BLOCK_ENTRY_LEN);
        usize::try_from(at)
            .ok()
            .and_then(|at| self.section_bytes(info).get(at..))
            .and_then(|b| BlockEntry::read_from_prefix(b).ok())
            .map(|(e, _)| e)
            .ok_or_else(|| Error::truncated(info.name(), info.offset.saturating_add(at), layout::BLOCK_ENTRY_LEN))
    }

    pub(crate) fn block_count(&self) -> u64 {
        self.blocks.map_or(0, |b| (b.len / layout::BLOCK_ENTRY_LEN).saturating_sub(1))
    }

    /// The block holding raw offset `raw`: the last block starting at or
    /// before it.
    fn find_block(&self, raw: u64) -> Result<u64> {
        let (mut lo, mut hi) = (0u64, self.block_count());
        while lo < hi {
            let mid = lo.saturating_add((hi.saturating_sub(lo)) / 2);
            if self.block(mid)?.raw_offset.get() <= raw {
                lo = mid.saturating_add(1);
            } else {
                hi = mid;
            }
        }
        Ok(lo.saturating_sub(1))
    }

    /// Decompresses block `k`, checking its size against the block index.
    /// Memory grows only as real output appears, so a hostile size costs
    /// nothing until the frame delivers it.
    pub(crate) fn decompress_block(&self, k: u64) -> Result<(u64, Vec<u8>)> {
        let (this, next) = (self.block(k)?, self.block(k.saturating_add(1))?);
        let name = layout::section_name(layout::SECTION_DOCS);
        let frame_at = this.frame_offset.get();
        let frame = usize::try_from(frame_at)
            .ok()
            .zip(usize::try_from(next.frame_offset.get()).ok())
            .and_then(|(s, e)| self.section_bytes(self.docs).get(s..e))
            .ok_or_else(|| Error::corrupt(name, self.docs.offset, format!("block {k} frame is out of bounds")))?;
        let abs = self.docs.offset.saturating_add(frame_at);
        let expected = next
            .raw_offset
            .get()
            .checked_sub(this.raw_offset.get())
            .ok_or_else(|| Error::corrupt(name, abs, format!("block {k} has a negative size")))?;
        // From version 3 on a block holds the streams of its records
        // (spec/FORMAT.md, "Columnar blocks"): a little more than the
        // records, by at most `max_overhead`.
        let columnar = self.version == Version::V3;
        let limit =
            if columnar { expected.saturating_add(crate::columnar::max_overhead(&self.schema)) } else { expected };
        let mut out =
            Vec::with_capacity(usize::try_from(limit.min((frame.len() as u64).saturating_mul(4))).unwrap_or(0));
        let decoder = zstd::stream::read::Decoder::with_buffer(frame)
            .map_err(|e| Error::corrupt(name, abs, format!("block {k}: {e}")))?;
        decoder
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| Error::corrupt(name, abs, format!("block {k} does not decompress: {e}")))?;
        if columnar {
            if out.len() as u64 > limit {
                return Err(Error::corrupt(name, abs, format!("block {k} decompresses to more than {limit} bytes")));
            }
            let records = crate::columnar::join(&out, &self.schema, expected, abs)
                .map_err(|e| Error::corrupt(name, abs, format!("block {k}: {e}")))?;
            return Ok((this.raw_offset.get(), records));
        }
        if out.len() as u64 != expected {
            return Err(Error::corrupt(
                name,
                abs,
                format!("block {k} decompresses to {} bytes; the index says {expected}", out.len()),
            ));
        }
        Ok((this.raw_offset.get(), out))
    }

    /// The raw range of record `i`.
    fn record_range(&self, i: u64) -> Result<(u64, u64)> {
        let (start, end) = (self.doc_offset(i)?, self.doc_offset(i.saturating_add(1))?);
        if start > end {
            return Err(Error::corrupt(
                self.doc_index.name(),
                self.doc_index.offset.saturating_add(i.saturating_mul(8)),
                format!("document {i} ends before it starts"),
            ));
        }
        Ok((start, end))
    }

    /// The size of document `i`'s record in bytes (uncompressed), from the
    /// document index, without reading the record: how much work reading
    /// it is, to share documents out by size.
    ///
    /// Cost: two index reads.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when `i >= len()`; a corruption error when
    /// the index is damaged.
    pub fn record_len(&self, i: u64) -> Result<u64> {
        if i >= self.doc_count {
            return Err(Error::from(ErrorKind::NotFound {
                what: format!("document {i} (the corpus has {})", self.doc_count),
            }));
        }
        let (start, end) = self.record_range(i)?;
        // `record_range` checked that the record does not end before it starts.
        Ok(end.saturating_sub(start))
    }

    /// Document number `i`.
    ///
    /// Cost: two index reads and a walk over the record's headers (not its
    /// spans); for a compressed file also the decompression of one block.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when `i >= len()`; a corruption error when
    /// the record is damaged.
    pub fn doc(&self, i: u64) -> Result<Doc<'_>> {
        if self.blocks.is_none() {
            return self.doc_cached(i, &mut None);
        }
        match self.last_block.try_lock() {
            Ok(mut cache) => self.doc_cached(i, &mut cache),
            // Another thread is using the cache (or panicked holding it).
            Err(_) => self.doc_cached(i, &mut None),
        }
    }

    pub(crate) fn doc_cached(&self, i: u64, cache: &mut Option<(u64, u64, Vec<u8>)>) -> Result<Doc<'_>> {
        if i >= self.doc_count {
            return Err(Error::from(ErrorKind::NotFound {
                what: format!("document {i} (the corpus has {})", self.doc_count),
            }));
        }
        let (start, end) = self.record_range(i)?;
        let strings = self.strings()?;
        if self.blocks.is_none() {
            let base = self.docs.offset.saturating_add(start);
            let record = usize::try_from(start)
                .ok()
                .zip(usize::try_from(end).ok())
                .and_then(|(s, e)| self.section_bytes(self.docs).get(s..e))
                .ok_or_else(|| Error::truncated(DOCS, base, end.saturating_sub(start)))?;
            return Doc::parse(i, Cow::Borrowed(record), base, &self.schema, strings, self.version);
        }
        let k = self.find_block(start)?;
        if cache.as_ref().is_none_or(|(ck, _, _)| *ck != k) {
            let (raw, block) = self.decompress_block(k)?;
            *cache = Some((k, raw, block));
        }
        let (_, block_raw, block) = cache.as_ref().ok_or_else(|| Error::corrupt(DOCS, 0, "no block"))?;
        let frame_abs = self.docs.offset.saturating_add(self.block(k)?.frame_offset.get());
        let record = start
            .checked_sub(*block_raw)
            .zip(end.checked_sub(*block_raw))
            .and_then(|(s, e)| block.get(usize::try_from(s).ok()?..usize::try_from(e).ok()?))
            .ok_or_else(|| Error::corrupt(DOCS, frame_abs, format!("document {i} is not inside block {k}")))?;
        Doc::parse(i, Cow::Owned(record.to_vec()), frame_abs, &self.schema, strings, self.version)
    }

    /// The document with this id, found through the id index (a binary
    /// search over hashes, no scan of documents).
    ///
    /// # Errors
    /// A corruption error when the index or a candidate document is damaged.
    pub fn by_id(&self, id: &str) -> Result<Option<Doc<'_>>> {
        let entries = self.id_entries()?;
        let hash = layout::id_hash(id);
        let first = entries.partition_point(|e| e.hash.get() < hash);
        for e in entries.get(first..).unwrap_or(&[]).iter().take_while(|e| e.hash.get() == hash) {
            let doc = self.doc(e.doc.get())?;
            if doc.id() == id {
                return Ok(Some(doc));
            }
        }
        Ok(None)
    }

    pub(crate) fn id_entries(&self) -> Result<&[IdEntry]> {
        <[IdEntry]>::ref_from_bytes(self.section_bytes(self.id_index))
            .map_err(|_| Error::corrupt(self.id_index.name(), self.id_index.offset, "not a whole number of entries"))
    }

    /// Every document in order. A compressed block is decompressed once for
    /// all the documents it holds.
    pub fn iter(&self) -> Docs<'_, D> {
        Docs { corpus: self, next: 0, cache: None }
    }

    /// Checks the whole-file checksum and every section checksum.
    ///
    /// Cost: reads every byte of the file once.
    ///
    /// # Errors
    /// [`ErrorKind::ChecksumMismatch`] naming the section.
    pub fn verify(&self) -> Result<()> {
        let bytes = self.data.as_ref();
        let footer_at = bytes.len().saturating_sub(layout::FOOTER_LEN as usize);
        let got = crc32fast::hash(bytes.get(..footer_at).unwrap_or(&[]));
        let expected = self.footer.file_crc.get();
        if got != expected {
            return Err(Error::from(ErrorKind::ChecksumMismatch { section: FILE, expected, got }));
        }
        for s in &self.sections {
            let got = crc32fast::hash(self.section_bytes(*s));
            if got != s.crc {
                return Err(Error::from(ErrorKind::ChecksumMismatch { section: s.name(), expected: s.crc, got }));
            }
        }
        Ok(())
    }
}

/// The iterator of [`Corpus::iter`]. Yields an error for a damaged document
/// and goes on with the next one.
pub struct Docs<'a, D> {
    corpus: &'a Corpus<D>,
    next: u64,
    cache: Option<(u64, u64, Vec<u8>)>,
}

impl<'a, D: AsRef<[u8]>> Iterator for Docs<'a, D> {
    type Item = Result<Doc<'a>>;

    fn next(&mut self) -> Option<Result<Doc<'a>>> {
        if self.next >= self.corpus.len() {
            return None;
        }
        let i = self.next;
        self.next = self.next.saturating_add(1);
        Some(self.corpus.doc_cached(i, &mut self.cache))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.corpus.len().saturating_sub(self.next)).unwrap_or(usize::MAX);
        (left, Some(left))
    }

    /// Skips `n` documents without reading them: `iter().skip(n)` starts
    /// at document `n` at once.
    fn nth(&mut self, n: usize) -> Option<Result<Doc<'a>>> {
        self.next = self.next.saturating_add(n as u64);
        self.next()
    }
}

/// The content of a section stored compressed: an 8-byte size, then one
/// zstd frame that decompresses to exactly that many bytes. Memory grows
/// only as real output appears.
/// Errors are (file offset, what is wrong): the caller names the section.
fn unpack_section(stored: &[u8], offset: u64) -> std::result::Result<Vec<u8>, (u64, String)> {
    let (size, frame) = stored.split_at_checked(8).ok_or((offset, "the 8-byte size is cut short".to_string()))?;
    let size = u64::from_le_bytes(size.try_into().unwrap_or_default());
    let at = offset.saturating_add(8);
    let mut out = Vec::with_capacity(usize::try_from(size.min((frame.len() as u64).saturating_mul(4))).unwrap_or(0));
    zstd::stream::read::Decoder::with_buffer(frame)
        .map_err(|e| (at, e.to_string()))?
        .take(size.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| (at, format!("does not decompress: {e}")))?;
    if out.len() as u64 != size {
        return Err((at, format!("decompresses to {} bytes, not {size}", out.len())));
    }
    Ok(out)
}

/// Where a packed column sits in a record.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ColumnAt {
    at: usize,
    bits: u8,
    pub(crate) len: usize,
}

#[derive(Clone, Debug)]
pub(crate) enum AttrAt {
    /// Dense (`index` is `None`): one code per span, 0 for none. Sparse
    /// (version 2 and later): the increasing span indices that have a value,
    /// and a nonzero code for each.
    Str {
        index: Option<ColumnAt>,
        codes: ColumnAt,
    },
    Int {
        present: Option<Range<usize>>,
        base: i64,
        values: ColumnAt,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct LayerAt {
    pub(crate) layer: usize,
    pub(crate) spans: usize,
    pub(crate) starts: ColumnAt,
    /// Span ends in version 1, span lengths from version 2 on.
    pub(crate) stops: ColumnAt,
    pub(crate) labels: ColumnAt,
    /// (fragment ends per span, fragment starts, fragment stops: ends in
    /// version 1, lengths from version 2 on).
    pub(crate) fragments: Option<(ColumnAt, ColumnAt, ColumnAt)>,
    pub(crate) attrs: Vec<(usize, AttrAt)>,
    /// (from, to, labels); from version 2 on, from and to are zigzag deltas.
    pub(crate) relations: Option<(ColumnAt, ColumnAt, ColumnAt)>,
}

/// One document, decoded lazily from its record.
pub struct Doc<'a> {
    index: u64,
    version: Version,
    record: Cow<'a, [u8]>,
    base: u64,
    schema: &'a Schema,
    strings: Strings<'a>,
    id: Range<usize>,
    text: Range<usize>,
    meta: Range<usize>,
    meta_count: usize,
    layers: Vec<LayerAt>,
}

impl<'a> Doc<'a> {
    fn parse(
        index: u64,
        record: Cow<'a, [u8]>,
        base: u64,
        schema: &'a Schema,
        strings: Strings<'a>,
        version: Version,
    ) -> Result<Doc<'a>> {
        let mut doc = Doc {
            index,
            version,
            record,
            base,
            schema,
            strings,
            id: 0..0,
            text: 0..0,
            meta: 0..0,
            meta_count: 0,
            layers: Vec::new(),
        };
        let layers = {
            let data: &[u8] = &doc.record;
            let mut r = ByteReader::new(data, base, DOCS);
            let pos = |r: &ByteReader<'_>| usize::try_from(r.offset().saturating_sub(base)).unwrap_or(usize::MAX);
            let id_at = r.offset();
            let id = r.str_bytes()?;
            if std::str::from_utf8(id).is_err() || id.is_empty() {
                return Err(r.corrupt_at(id_at, "document id is empty or not UTF-8"));
            }
            doc.id = pos(&r).saturating_sub(id.len())..pos(&r);
            let text = r.str_bytes()?;
            doc.text = pos(&r).saturating_sub(text.len())..pos(&r);
            doc.meta_count = r.count(2)?;
            let meta_first = pos(&r);
            let mut last_field: Option<u64> = None;
            for _ in 0..doc.meta_count {
                let at = r.offset();
                let f = r.varint()?;
                let ty = usize::try_from(f).ok().and_then(|f| schema.fields.get(f)).map(|d| d.ty);
                let Some(ty) = ty.filter(|_| last_field.is_none_or(|l| l < f)) else {
                    return Err(r.corrupt_at(at, format!("metadata field {f} is unknown or out of order")));
                };
                last_field = Some(f);
                skip_value(&mut r, ty)?;
            }
            doc.meta = meta_first..pos(&r);
            let layer_count = r.count(4)?;
            let mut layers = Vec::with_capacity(layer_count);
            let mut last_layer: Option<u64> = None;
            for _ in 0..layer_count {
                let at = r.offset();
                let l = r.varint()?;
                let def = usize::try_from(l).ok().and_then(|l| schema.layers.get(l));
                let Some(def) = def.filter(|_| last_layer.is_none_or(|p| p < l)) else {
                    return Err(r.corrupt_at(at, format!("layer {l} is unknown or out of order")));
                };
                last_layer = Some(l);
                layers.push(parse_layer(&mut r, usize::try_from(l).unwrap_or(0), def, base, version)?);
            }
            if !r.is_at_end() {
                return Err(r.corrupt("bytes after the last layer of the record"));
            }
            layers
        };
        doc.layers = layers;
        Ok(doc)
    }

    /// The stored text bytes (not checked as UTF-8).
    pub(crate) fn text_bytes(&self) -> &[u8] {
        self.record.get(self.text.clone()).unwrap_or(&[])
    }

    /// The corpus string dictionary.
    pub(crate) fn strings(&self) -> Strings<'a> {
        self.strings
    }

    /// The raw bytes of the record between `range` (an int attribute's
    /// presence bitmap).
    pub(crate) fn record_bytes(&self, range: Range<usize>) -> &[u8] {
        self.record.get(range).unwrap_or(&[])
    }

    /// The document number.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The absolute file offset the record (or its compressed block) starts at.
    pub fn offset(&self) -> u64 {
        self.base
    }

    /// The id (checked when the document was read).
    pub fn id(&self) -> &str {
        std::str::from_utf8(self.record.get(self.id.clone()).unwrap_or(&[])).unwrap_or("")
    }

    /// The text, borrowed from the file when it is not compressed.
    ///
    /// Cost: one UTF-8 check of the text.
    ///
    /// # Errors
    /// A corruption error when the text is not UTF-8.
    pub fn text(&self) -> Result<&str> {
        let bytes = self.record.get(self.text.clone()).unwrap_or(&[]);
        std::str::from_utf8(bytes).map_err(|e| {
            Error::corrupt(
                DOCS,
                self.base.saturating_add(self.text.start as u64).saturating_add(e.valid_up_to() as u64),
                format!("text of document {} is not UTF-8", self.index),
            )
        })
    }

    /// The text length in bytes.
    pub fn text_len(&self) -> u64 {
        self.text.len() as u64
    }

    /// The schema of the corpus this document belongs to.
    pub fn schema(&self) -> &'a Schema {
        self.schema
    }

    /// The metadata, in schema order.
    pub fn metadata(&self) -> MetaIter<'_> {
        MetaIter {
            r: ByteReader::new(
                self.record.get(self.meta.clone()).unwrap_or(&[]),
                self.base.saturating_add(self.meta.start as u64),
                DOCS,
            ),
            left: self.meta_count,
            schema: self.schema,
        }
    }

    /// The metadata value of this field, if the document has it.
    ///
    /// # Errors
    /// A corruption error when a value is damaged.
    pub fn meta(&self, name: &str) -> Result<Option<ValueRef<'_>>> {
        for item in self.metadata() {
            let (n, v) = item?;
            if n == name {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// The layers this document has spans in, in schema order.
    pub fn layers(&self) -> impl ExactSizeIterator<Item = LayerRef<'_>> {
        self.layers.iter().map(move |at| LayerRef { doc: self, at })
    }

    /// The layer of this name, if the document has spans in it.
    pub fn layer(&self, name: &str) -> Option<LayerRef<'_>> {
        let ix = self.schema.layer_index(name)?;
        self.layers.iter().find(|l| l.layer == ix).map(|at| LayerRef { doc: self, at })
    }

    pub(crate) fn column(&self, c: ColumnAt) -> Column<'_> {
        let bytes = usize::try_from(packed_bytes(c.len as u64, c.bits).unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
        let data = self.record.get(c.at..c.at.saturating_add(bytes)).unwrap_or(&[]);
        Column::from_parts(c.bits, c.len, data)
    }

    /// A copy of the whole document in the owned model.
    ///
    /// # Errors
    /// A corruption error when anything in the document is damaged.
    pub fn to_owned(&self) -> Result<Document> {
        let mut doc = Document::new(self.id(), self.text()?);
        for item in self.metadata() {
            let (name, v) = item?;
            doc.metadata.push((name.to_string(), v.to_value()?));
        }
        for layer in self.layers() {
            let mut out = Layer::new(layer.name());
            for i in 0..layer.len() {
                let span = layer.span(i)?;
                let mut s = Span::new(span.start, span.end);
                s.fragments = layer.fragments(i)?;
                s.label = layer.label(i)?.map(str::to_string);
                out.spans.push(s);
            }
            // Attribute by attribute, in schema order, so each span's
            // attributes come in that order; a sparse one costs its values,
            // not a search per span.
            for a in layer.attrs() {
                for item in a.values() {
                    let (i, v) = item?;
                    if let Some(s) = out.spans.get_mut(i) {
                        s.attrs.push((a.name().to_string(), v.to_owned()));
                    }
                }
            }
            for r in 0..layer.relation_count() {
                let rel = layer.relation(r)?;
                out.relations.push(Relation {
                    from: rel.from as u64,
                    to: rel.to as u64,
                    label: rel.label.map(str::to_string),
                });
            }
            doc.layers.push(out);
        }
        Ok(doc)
    }
}

fn skip_value(r: &mut ByteReader<'_>, ty: FieldType) -> Result<()> {
    match ty {
        FieldType::Date => {
            r.varint()?;
            r.take(2)?;
        }
        FieldType::Int => {
            r.varint()?;
        }
        FieldType::Str => {
            r.str_bytes()?;
        }
        FieldType::List => {
            let n = r.count(1)?;
            for _ in 0..n {
                r.str_bytes()?;
            }
        }
    }
    Ok(())
}

fn column_at(r: &mut ByteReader<'_>, base: u64, len: usize, min_width: u8, version: Version) -> Result<ColumnAt> {
    // The values start after the width byte.
    let at = usize::try_from(r.offset().saturating_sub(base)).unwrap_or(usize::MAX).saturating_add(1);
    let c = r.column(len, min_width, version.packing())?;
    Ok(ColumnAt { at, bits: c.bits(), len })
}

fn parse_layer(r: &mut ByteReader<'_>, layer: usize, def: &LayerDef, base: u64, version: Version) -> Result<LayerAt> {
    let at = r.offset();
    // The starts column has at least one bit (before version 3: byte) per
    // span, so a count that cannot fit fails here, before any allocation.
    let spans = r.count_items(version.packing())?;
    if spans == 0 {
        return Err(r.corrupt_at(at, format!("layer {:?} is stored with no spans", def.name)));
    }
    let starts = column_at(r, base, spans, 1, version)?;
    // Ends in version 1, lengths from version 2 on: the same column either way.
    let stops = column_at(r, base, spans, 0, version)?;
    let labels = column_at(r, base, spans, 0, version)?;
    let frag_at = r.offset();
    let fragments = match r.u8()? {
        0 => None,
        1 => {
            let offsets = column_at(r, base, spans.saturating_add(1), 0, version)?;
            let m = r.count_items(version.packing())?;
            Some((offsets, column_at(r, base, m, 1, version)?, column_at(r, base, m, 0, version)?))
        }
        b => return Err(r.corrupt_at(frag_at, format!("fragment flag {b} is not 0 or 1"))),
    };
    let attr_count = r.count(1)?;
    let mut attrs = Vec::with_capacity(attr_count.min(def.attrs.len()));
    let mut last: Option<u64> = None;
    for _ in 0..attr_count {
        let at = r.offset();
        let a = r.varint()?;
        let ty = usize::try_from(a).ok().and_then(|a| def.attrs.get(a)).map(|d| d.ty);
        let Some(ty) = ty.filter(|_| last.is_none_or(|l| l < a)) else {
            return Err(r.corrupt_at(at, format!("attribute {a} of layer {:?} is unknown or out of order", def.name)));
        };
        last = Some(a);
        let attr = match ty {
            AttrType::Str => match version {
                Version::V1 => AttrAt::Str { index: None, codes: column_at(r, base, spans, 0, version)? },
                Version::V2 | Version::V3 => parse_str_attr(r, base, spans, version)?,
            },
            AttrType::Int => {
                let flag_at = r.offset();
                let present = match r.u8()? {
                    0 => None,
                    1 => {
                        let start = usize::try_from(r.offset().saturating_sub(base)).unwrap_or(usize::MAX);
                        let n = spans.div_ceil(8);
                        r.take(n as u64)?;
                        Some(start..start.saturating_add(n))
                    }
                    b => return Err(r.corrupt_at(flag_at, format!("presence flag {b} is not 0 or 1"))),
                };
                let base_value = unzigzag(r.varint()?);
                AttrAt::Int { present, base: base_value, values: column_at(r, base, spans, 0, version)? }
            }
        };
        attrs.push((usize::try_from(a).unwrap_or(0), attr));
    }
    let rel_count = r.count_items(version.packing())?;
    let relations = if rel_count == 0 {
        None
    } else {
        let from = column_at(r, base, rel_count, 1, version)?;
        Some((from, column_at(r, base, rel_count, 0, version)?, column_at(r, base, rel_count, 0, version)?))
    };
    Ok(LayerAt { layer, spans, starts, stops, labels, fragments, attrs, relations })
}

/// A string attribute block (version 2 and later) after its index: the
/// encoding byte, then dense codes or a sparse index and codes.
fn parse_str_attr(r: &mut ByteReader<'_>, base: u64, spans: usize, version: Version) -> Result<AttrAt> {
    let at = r.offset();
    match r.u8()? {
        layout::STR_ATTR_DENSE => Ok(AttrAt::Str { index: None, codes: column_at(r, base, spans, 0, version)? }),
        layout::STR_ATTR_SPARSE => {
            let k_at = r.offset();
            // The index is a `column1`: `k` bits (version 2: bytes) at least,
            // so a count that cannot fit fails here.
            let k = r.count_items(version.packing())?;
            if k == 0 || k > spans {
                return Err(r.corrupt_at(k_at, format!("a sparse attribute has {k} values for {spans} spans")));
            }
            let index = column_at(r, base, k, 1, version)?;
            Ok(AttrAt::Str { index: Some(index), codes: column_at(r, base, k, 0, version)? })
        }
        b => Err(r.corrupt_at(at, format!("string attribute encoding {b} is not 0 (dense) or 1 (sparse)"))),
    }
}

/// The end of a span or fragment from its stored start and stop (an end
/// in version 1, a length from version 2 on); `None` when the addition
/// overflows.
#[inline]
fn end_of(version: Version, start: u64, stop: u64) -> Option<u64> {
    match version {
        Version::V1 => Some(stop),
        Version::V2 | Version::V3 => start.checked_add(stop),
    }
}

/// Relation `r`'s (from, to) from its stored columns: plain in version 1,
/// `to = r + unzigzag(to')` and `from = to + unzigzag(from')` in version
/// 2; `None` when the sum leaves 0..2^63.
#[inline]
fn relation_ends(version: Version, r: usize, from: u64, to: u64) -> Option<(u64, u64)> {
    match version {
        Version::V1 => Some((from, to)),
        Version::V2 | Version::V3 => {
            let t = i64::try_from(r).ok()?.checked_add(unzigzag(to))?;
            let f = t.checked_add(unzigzag(from))?;
            Some((u64::try_from(f).ok()?, u64::try_from(t).ok()?))
        }
    }
}

/// Iterator over a document's metadata.
pub struct MetaIter<'d> {
    r: ByteReader<'d>,
    left: usize,
    schema: &'d Schema,
}

impl<'d> Iterator for MetaIter<'d> {
    type Item = Result<(&'d str, ValueRef<'d>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left = self.left.saturating_sub(1);
        let item = self.read_one();
        if item.is_err() {
            self.left = 0;
        }
        Some(item)
    }
}

impl<'d> MetaIter<'d> {
    fn read_one(&mut self) -> Result<(&'d str, ValueRef<'d>)> {
        let r = &mut self.r;
        let at = r.offset();
        let f = r.varint()?;
        let def = usize::try_from(f)
            .ok()
            .and_then(|f| self.schema.fields.get(f))
            .ok_or_else(|| r.corrupt_at(at, format!("unknown metadata field {f}")))?;
        let value = match def.ty {
            FieldType::Date => {
                let at = r.offset();
                let year = r.varint()?;
                let md = r.take(2)?;
                let (m, d) = (md.first().copied().unwrap_or(0), md.get(1).copied().unwrap_or(0));
                let date = u16::try_from(year)
                    .ok()
                    .and_then(|y| Date::new(y, m, d))
                    .ok_or_else(|| r.corrupt_at(at, format!("{year}-{m}-{d} is not a date")))?;
                ValueRef::Date(date)
            }
            FieldType::Int => ValueRef::Int(unzigzag(r.varint()?)),
            FieldType::Str => ValueRef::Str(r.str()?),
            FieldType::List => {
                let n = r.count(1)?;
                let at = r.offset();
                for _ in 0..n {
                    r.str()?;
                }
                let len = usize::try_from(r.offset().saturating_sub(at)).unwrap_or(0);
                ValueRef::List(StrList { bytes: r.slice_at(at, len), left: n, base: at })
            }
        };
        Ok((def.name.as_str(), value))
    }
}

/// A borrowed metadata value.
#[derive(Clone, Debug)]
pub enum ValueRef<'d> {
    /// A date.
    Date(Date),
    /// An integer.
    Int(i64),
    /// A string.
    Str(&'d str),
    /// A list of strings.
    List(StrList<'d>),
}

impl ValueRef<'_> {
    /// An owned copy.
    ///
    /// # Errors
    /// A corruption error when a list item is damaged.
    pub fn to_value(&self) -> Result<Value> {
        Ok(match self {
            ValueRef::Date(d) => Value::Date(*d),
            ValueRef::Int(i) => Value::Int(*i),
            ValueRef::Str(s) => Value::Str(s.to_string()),
            ValueRef::List(l) => Value::List(l.clone().map(|s| s.map(str::to_string)).collect::<Result<_>>()?),
        })
    }
}

/// The items of a list value, borrowed.
#[derive(Clone, Debug)]
pub struct StrList<'d> {
    bytes: &'d [u8],
    left: usize,
    base: u64,
}

impl<'d> Iterator for StrList<'d> {
    type Item = Result<&'d str>;

    fn next(&mut self) -> Option<Result<&'d str>> {
        if self.left == 0 {
            return None;
        }
        self.left = self.left.saturating_sub(1);
        let mut r = ByteReader::new(self.bytes, self.base, DOCS);
        let item = r.str();
        let used = usize::try_from(r.offset().saturating_sub(self.base)).unwrap_or(0);
        self.bytes = self.bytes.get(used..).unwrap_or(&[]);
        self.base = r.offset();
        Some(item)
    }
}

/// A span's extent, as stored: offsets into the document text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanRef {
    /// Start byte offset (inclusive).
    pub start: u64,
    /// End byte offset (exclusive).
    pub end: u64,
}

/// The stored start and extent columns of a layer's spans (or of its
/// fragments), read without the checks of [`LayerRef::span`]: for scans
/// that must be fast. Version 1 files store ends, later versions lengths;
/// this type gives ends for both.
#[derive(Clone, Copy, Debug)]
pub struct SpanColumns<'d> {
    starts: Column<'d>,
    stops: Column<'d>,
    version: Version,
}

impl<'d> SpanColumns<'d> {
    /// Number of spans.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are no spans.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The raw start column.
    pub fn starts(&self) -> Column<'d> {
        self.starts
    }

    /// The raw length column (version 2 and later); `None` for version 1,
    /// which stores ends instead.
    pub fn lengths(&self) -> Option<Column<'d>> {
        match self.version {
            Version::V1 => None,
            Version::V2 | Version::V3 => Some(self.stops),
        }
    }

    /// The start of span `i`, or `None` past the end. O(1).
    #[inline]
    pub fn start(&self, i: usize) -> Option<u64> {
        self.starts.get(i)
    }

    /// The end of span `i`, or `None` past the end or when `start + length`
    /// overflows. O(1). Not checked against the start or the text.
    #[inline]
    pub fn end(&self, i: usize) -> Option<u64> {
        end_of(self.version, self.starts.get(i)?, self.stops.get(i)?)
    }

    /// Span `i` as stored, or `None` past the end or when its end
    /// overflows. O(1). Not checked against the text: a damaged file can
    /// give an end before the start or past the text.
    #[inline]
    pub fn get(&self, i: usize) -> Option<SpanRef> {
        let start = self.starts.get(i)?;
        Some(SpanRef { start, end: end_of(self.version, start, self.stops.get(i)?)? })
    }

    /// [`SpanColumns::get`] for every span in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<SpanRef>> + Clone + 'd {
        let this = *self;
        (0..self.len()).map(move |i| this.get(i))
    }
}

/// `start..end` or `start+length`, as stored, for error messages.
fn describe(version: Version, start: u64, stop: u64) -> String {
    match version {
        Version::V1 => format!("{start}..{stop}"),
        Version::V2 | Version::V3 => format!("{start}+{stop}"),
    }
}

/// A relation, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelationRef<'d> {
    /// Index of the source span.
    pub from: usize,
    /// Index of the target span.
    pub to: usize,
    /// The label, if any.
    pub label: Option<&'d str>,
}

/// One layer of one document.
#[derive(Clone, Copy)]
pub struct LayerRef<'d> {
    doc: &'d Doc<'d>,
    at: &'d LayerAt,
}

impl<'d> LayerRef<'d> {
    /// The layer name.
    pub fn name(&self) -> &'d str {
        self.def().name.as_str()
    }

    pub(crate) fn def(&self) -> &'d LayerDef {
        // `Doc::parse` checked the index against the schema.
        self.doc.schema.layers.get(self.at.layer).unwrap_or(&EMPTY_LAYER)
    }

    /// Number of spans.
    pub fn len(&self) -> usize {
        self.at.spans
    }

    /// Whether the layer has no spans (never true for a stored layer).
    pub fn is_empty(&self) -> bool {
        self.at.spans == 0
    }

    /// Where the layer's columns sit in the record.
    pub(crate) fn at(&self) -> &'d LayerAt {
        self.at
    }

    /// The document the layer belongs to.
    pub(crate) fn doc(&self) -> &'d Doc<'d> {
        self.doc
    }

    /// The fragment table: cumulative counts per span, and the fragments
    /// as span columns.
    pub(crate) fn fragment_columns(&self) -> Option<(Column<'d>, SpanColumns<'d>)> {
        let (offsets, starts, stops) = self.at.fragments?;
        let d = self.doc;
        Some((d.column(offsets), SpanColumns { starts: d.column(starts), stops: d.column(stops), version: d.version }))
    }

    /// The raw span columns, for the fastest scans: O(1) per span,
    /// without the checks of [`LayerRef::span`].
    pub fn span_columns(&self) -> SpanColumns<'d> {
        SpanColumns {
            starts: self.doc.column(self.at.starts),
            stops: self.doc.column(self.at.stops),
            version: self.doc.version,
        }
    }

    /// Span `i`'s extent.
    ///
    /// Cost: O(1): two column reads and, from version 2 on, a checked addition.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] past the end; a corruption error when the
    /// span lies outside the text, ends before it starts, or its length
    /// overflows.
    #[inline]
    pub fn span(&self, i: usize) -> Result<SpanRef> {
        let (starts, stops) = (self.doc.column(self.at.starts), self.doc.column(self.at.stops));
        let (Some(start), Some(stop)) = (starts.get(i), stops.get(i)) else {
            return Err(Error::from(ErrorKind::NotFound { what: format!("span {i} of layer {:?}", self.name()) }));
        };
        match end_of(self.doc.version, start, stop) {
            Some(end) if start <= end && end <= self.doc.text_len() => Ok(SpanRef { start, end }),
            _ => Err(self.corrupt(format!(
                "span {i} ({}) is outside the {}-byte text",
                describe(self.doc.version, start, stop),
                self.doc.text_len()
            ))),
        }
    }

    /// Every span's extent in order.
    pub fn spans(&self) -> impl ExactSizeIterator<Item = Result<SpanRef>> + 'd {
        let this = *self;
        (0..self.len()).map(move |i| this.span(i))
    }

    fn corrupt(&self, what: String) -> Error {
        Error::corrupt(DOCS, self.doc.base, format!("document {}, layer {:?}: {what}", self.doc.index, self.name()))
    }

    /// The text span `i` covers (from its start to its end, gaps of a
    /// discontinuous span included).
    ///
    /// # Errors
    /// A corruption error when the span is not on character boundaries.
    pub fn text(&self, i: usize) -> Result<&'d str> {
        let s = self.span(i)?;
        // Only the span's bytes are checked, not the whole text again: a
        // slice that starts or ends inside a character is not UTF-8.
        self.doc
            .text_bytes()
            .get(s.start as usize..s.end as usize)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .ok_or_else(|| self.corrupt(format!("span {i} is not on character boundaries")))
    }

    /// Span `i`'s stored label code (string id + 1; 0 for no label), for
    /// [`StringTable::get`]; `None` past the last span.
    #[inline]
    pub fn label_code(&self, i: usize) -> Option<u64> {
        self.doc.column(self.at.labels).get(i)
    }

    /// Span `i`'s label.
    ///
    /// # Errors
    /// A corruption error when the label id is not in the dictionary.
    pub fn label(&self, i: usize) -> Result<Option<&'d str>> {
        match self.doc.column(self.at.labels).get(i) {
            None | Some(0) => Ok(None),
            Some(code) => self.doc.strings.get(code.saturating_sub(1)).map(Some),
        }
    }

    /// The fragments of span `i`; empty for a continuous span.
    ///
    /// # Errors
    /// A corruption error when the fragment table is damaged.
    pub fn fragments(&self, i: usize) -> Result<Vec<(u64, u64)>> {
        let Some((offsets, starts, ends)) = self.at.fragments else {
            return Ok(Vec::new());
        };
        let (offsets, starts, stops) = (self.doc.column(offsets), self.doc.column(starts), self.doc.column(ends));
        let (Some(a), Some(b)) = (offsets.get(i), offsets.get(i.saturating_add(1))) else {
            return Err(self.corrupt(format!("no fragment entry for span {i}")));
        };
        if a > b || b > starts.len() as u64 {
            return Err(self.corrupt(format!("fragments {a}..{b} of span {i} are out of range")));
        }
        let mut out = Vec::with_capacity(usize::try_from(b.saturating_sub(a)).unwrap_or(0));
        for f in a..b {
            let f = usize::try_from(f).unwrap_or(usize::MAX);
            let (s, stop) = (starts.get(f), stops.get(f));
            match (s, s.zip(stop).and_then(|(s, stop)| end_of(self.doc.version, s, stop))) {
                (Some(s), Some(e)) if s <= e && e <= self.doc.text_len() => out.push((s, e)),
                _ => return Err(self.corrupt(format!("fragment {f} is outside the text"))),
            }
        }
        Ok(out)
    }

    /// The attribute columns this layer has in this document, in schema order.
    pub fn attrs(&self) -> impl Iterator<Item = AttrRef<'d>> + 'd {
        let this = *self;
        self.at.attrs.iter().map(move |(a, at)| AttrRef { layer: this, attr: *a, at })
    }

    /// The attribute column of this name, if any span here has it.
    pub fn attr(&self, name: &str) -> Option<AttrRef<'d>> {
        let a = self.def().attr_index(name)?;
        self.attrs().find(|attr| attr.attr == a)
    }

    /// Number of relations.
    pub fn relation_count(&self) -> usize {
        self.at.relations.map_or(0, |(from, _, _)| from.len)
    }

    /// Relation `r`.
    ///
    /// Cost: O(1).
    ///
    /// # Errors
    /// A corruption error when it points past the spans or its label is
    /// not in the dictionary.
    pub fn relation(&self, r: usize) -> Result<RelationRef<'d>> {
        let (f, t) = self.relation_ends(r)?;
        let labels = self.at.relations.map(|(_, _, labels)| self.doc.column(labels)).unwrap_or_default();
        let label = match labels.get(r) {
            None | Some(0) => None,
            Some(code) => Some(self.doc.strings.get(code.saturating_sub(1))?),
        };
        Ok(RelationRef { from: f as usize, to: t as usize, label })
    }

    /// Relation `r`'s (from, to), checked against the span count.
    /// Relation `r` as (from, to, label code), without looking the label
    /// up: the code goes to [`StringTable::get`] (0 for no label).
    ///
    /// # Errors
    /// As [`LayerRef::relation`], but for the label.
    #[inline]
    pub fn relation_code(&self, r: usize) -> Result<(usize, usize, u64)> {
        let (f, t) = self.relation_ends(r)?;
        let label = self.at.relations.and_then(|(_, _, labels)| self.doc.column(labels).get(r)).unwrap_or(0);
        Ok((f as usize, t as usize, label))
    }

    pub(crate) fn relation_ends(&self, r: usize) -> Result<(u64, u64)> {
        let Some((from, to, _)) = self.at.relations else {
            return Err(Error::from(ErrorKind::NotFound { what: format!("relation {r}") }));
        };
        let (from, to) = (self.doc.column(from), self.doc.column(to));
        let (Some(f), Some(t)) = (from.get(r), to.get(r)) else {
            return Err(Error::from(ErrorKind::NotFound { what: format!("relation {r}") }));
        };
        let n = self.len() as u64;
        let Some((f, t)) = relation_ends(self.doc.version, r, f, t).filter(|&(f, t)| f < n && t < n) else {
            let stored = match self.doc.version {
                Version::V1 => format!("spans {f} and {t}"),
                Version::V2 | Version::V3 => format!("from delta {} and to delta {}", unzigzag(f), unzigzag(t)),
            };
            return Err(self.corrupt(format!("relation {r} ({stored}) does not join two of the {n} spans")));
        };
        Ok((f, t))
    }

    /// Every relation in order.
    pub fn relations(&self) -> impl ExactSizeIterator<Item = Result<RelationRef<'d>>> + 'd {
        let this = *self;
        (0..self.relation_count()).map(move |r| this.relation(r))
    }
}

impl<'d> LayerRef<'d> {
    /// Every relation as [`LayerRef::relation_code`] gives it, (from, to,
    /// label code), in order, with the relation columns found once: the
    /// fastest way through them.
    ///
    /// Cost: O(1) per relation.
    pub fn relation_codes(&self) -> impl ExactSizeIterator<Item = Result<(usize, usize, u64)>> + 'd {
        let this = *self;
        let (from, to, labels) = match self.at.relations {
            Some((f, t, l)) => (self.doc.column(f), self.doc.column(t), self.doc.column(l)),
            None => Default::default(),
        };
        let (n, version) = (self.len() as u64, self.doc.version);
        (0..self.relation_count()).map(move |r| {
            let ends = from.get(r).zip(to.get(r)).and_then(|(f, t)| relation_ends(version, r, f, t));
            match ends.filter(|&(f, t)| f < n && t < n) {
                Some((f, t)) => Ok((f as usize, t as usize, labels.get(r).unwrap_or(0))),
                // Damaged: the error `relation_code` gives.
                None => this.relation_code(r),
            }
        })
    }

    /// Whether the layer has a fragment table in this document; without
    /// one, every span is continuous and [`LayerRef::fragments`] is empty.
    pub fn has_fragments(&self) -> bool {
        self.at.fragments.is_some()
    }
}

static EMPTY_LAYER: LayerDef = LayerDef { name: String::new(), attrs: Vec::new(), spans: 0, relations: 0 };

/// A borrowed attribute value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrValueRef<'d> {
    /// A string from the dictionary.
    Str(&'d str),
    /// An integer.
    Int(i64),
}

impl AttrValueRef<'_> {
    /// An owned copy.
    pub fn to_owned(self) -> AttrValue {
        match self {
            AttrValueRef::Str(s) => AttrValue::Str(s.to_string()),
            AttrValueRef::Int(i) => AttrValue::Int(i),
        }
    }
}

/// One attribute column of a layer in a document.
#[derive(Clone, Copy)]
pub struct AttrRef<'d> {
    layer: LayerRef<'d>,
    attr: usize,
    at: &'d AttrAt,
}

impl<'d> AttrRef<'d> {
    /// The attribute name.
    pub fn name(&self) -> &'d str {
        self.layer.def().attrs.get(self.attr).map_or("", |a| a.name.as_str())
    }

    /// The attribute type.
    pub fn ty(&self) -> AttrType {
        match self.at {
            AttrAt::Str { .. } => AttrType::Str,
            AttrAt::Int { .. } => AttrType::Int,
        }
    }

    /// Where the attribute's columns sit in the record.
    pub(crate) fn at(&self) -> &'d AttrAt {
        self.at
    }

    /// Whether the values are stored sparse: only the spans that have one
    /// (a version 2 string attribute).
    pub fn is_sparse(&self) -> bool {
        matches!(self.at, AttrAt::Str { index: Some(_), .. })
    }

    /// The value for span `i`, if that span has one.
    ///
    /// Cost: O(1), except for a sparse string attribute: a binary search
    /// over its `k` span indices, O(log k). To visit every value, prefer
    /// [`AttrRef::values`].
    ///
    /// # Errors
    /// A corruption error when a string id is not in the dictionary, or a
    /// sparse attribute stores code 0.
    #[inline]
    pub fn get(&self, i: usize) -> Result<Option<AttrValueRef<'d>>> {
        let doc = self.layer.doc;
        match self.at {
            AttrAt::Str { index: None, codes } => match doc.column(*codes).get(i) {
                None | Some(0) => Ok(None),
                Some(code) => doc.strings.get(code.saturating_sub(1)).map(|s| Some(AttrValueRef::Str(s))),
            },
            AttrAt::Str { index: Some(index), codes } => {
                let Some(j) = find_sorted(doc.column(*index), i as u64) else {
                    return Ok(None);
                };
                match doc.column(*codes).get(j) {
                    None => Ok(None),
                    Some(0) => Err(self.layer.corrupt(format!("attribute {:?} stores code 0", self.name()))),
                    Some(code) => doc.strings.get(code.saturating_sub(1)).map(|s| Some(AttrValueRef::Str(s))),
                }
            }
            AttrAt::Int { present, base, values } => {
                if let Some(bits) = present {
                    let byte = doc.record.get(bits.clone()).and_then(|b| b.get(i / 8)).copied().unwrap_or(0);
                    if byte & (1 << (i % 8)) == 0 {
                        return Ok(None);
                    }
                }
                Ok(doc.column(*values).get(i).map(|d| AttrValueRef::Int(base.wrapping_add(d as i64))))
            }
        }
    }
}

impl<'d> AttrRef<'d> {
    /// The stored columns of a string attribute, unchecked, for the fastest
    /// scans: `(None, codes)` when dense (one code per span, 0 for none),
    /// `(Some(spans), codes)` when sparse (the increasing indices of the
    /// spans that have a value, and a nonzero code for each). Codes go to
    /// [`StringTable::get`]. `None` for an int attribute. Nothing is
    /// checked: [`AttrValues::next_code`] says what a damaged file can hold.
    pub fn code_columns(&self) -> Option<(Option<Column<'d>>, Column<'d>)> {
        let doc = self.layer.doc;
        match self.at {
            AttrAt::Str { index, codes } => Some((index.map(|ix| doc.column(ix)), doc.column(*codes))),
            AttrAt::Int { .. } => None,
        }
    }

    /// The spans that have a value, with the value, in span order.
    ///
    /// Cost: O(1) per step: O(k) in all for a sparse string attribute with
    /// `k` values, O(n) otherwise.
    ///
    /// Yields an error, then ends, when a value is damaged: a string id
    /// not in the dictionary, or in a sparse attribute a span index that is
    /// not above the one before it and below the span count, or code 0.
    pub fn values(&self) -> AttrValues<'d> {
        AttrValues { attr: *self, next: 0, prev: None, done: false }
    }
}

/// The iterator of [`AttrRef::values`]: `(span index, value)` in span
/// order.
pub struct AttrValues<'d> {
    attr: AttrRef<'d>,
    /// The next span (dense, int) or sparse entry to read.
    next: usize,
    /// The span index of the last sparse entry read.
    prev: Option<u64>,
    done: bool,
}

impl AttrValues<'_> {
    /// The next (span index, nonzero string code) of a string attribute,
    /// checked as [`AttrRef::values`] says, without a dictionary look-up.
    /// An int attribute yields nothing.
    pub fn next_code(&mut self) -> Option<Result<(usize, u64)>> {
        if self.done {
            return None;
        }
        let doc = self.attr.layer.doc;
        let n = self.attr.layer.len();
        let item = match self.attr.at {
            AttrAt::Str { index: None, codes } => {
                let codes = doc.column(*codes);
                loop {
                    let i = self.next;
                    self.next = i.saturating_add(1);
                    match codes.get(i) {
                        Some(0) => continue,
                        Some(code) => break Ok((i, code)),
                        None => {
                            self.done = true;
                            return None;
                        }
                    }
                }
            }
            AttrAt::Str { index: Some(index), codes } => {
                let j = self.next;
                let (Some(i), Some(code)) = (doc.column(*index).get(j), doc.column(*codes).get(j)) else {
                    self.done = true;
                    return None;
                };
                self.next = j.saturating_add(1);
                let name = self.attr.name();
                if i >= n as u64 || self.prev.is_some_and(|p| p >= i) {
                    Err(self.attr.layer.corrupt(format!(
                        "entry {j} of sparse attribute {name:?} names span {i}: not above the entry before \
                         it and below the {n} spans"
                    )))
                } else if code == 0 {
                    Err(self.attr.layer.corrupt(format!("sparse attribute {name:?} stores code 0 for span {i}")))
                } else {
                    self.prev = Some(i);
                    Ok((i as usize, code))
                }
            }
            AttrAt::Int { .. } => {
                self.done = true;
                return None;
            }
        };
        if item.is_err() {
            self.done = true;
        }
        Some(item)
    }
}

impl<'d> Iterator for AttrValues<'d> {
    type Item = Result<(usize, AttrValueRef<'d>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if let AttrAt::Int { .. } = self.attr.at {
            while !self.done {
                let i = self.next;
                if i >= self.attr.layer.len() {
                    self.done = true;
                    break;
                }
                self.next = i.saturating_add(1);
                match self.attr.get(i) {
                    Ok(None) => {}
                    Ok(Some(v)) => return Some(Ok((i, v))),
                    Err(e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
            }
            return None;
        }
        let strings = self.attr.layer.doc.strings;
        let item = self.next_code()?.and_then(|(i, code)| {
            // `next_code` yields nonzero codes only.
            strings.get(code.saturating_sub(1)).map(|s| (i, AttrValueRef::Str(s)))
        });
        if item.is_err() {
            self.done = true;
        }
        Some(item)
    }
}

/// The position of `target` in a column sorted strictly ascending, by
/// binary search: O(log len). `None` when it is absent (or the column is
/// damaged and not sorted there).
fn find_sorted(col: Column<'_>, target: u64) -> Option<usize> {
    let (mut lo, mut hi) = (0usize, col.len());
    while lo < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
        if col.get(mid)? < target {
            lo = mid.saturating_add(1);
        } else {
            hi = mid;
        }
    }
    (col.get(lo)? == target).then_some(lo)
}

mod batch;
pub use batch::StoredSizes;
