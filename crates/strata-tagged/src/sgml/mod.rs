//! SGML-tagged newswire: LDC Gigaword and AQUAINT `<DOC id=.. type=..>`,
//! TREC and DUC `<DOC><DOCNO>...`, Reuters-21578 `<REUTERS ...>`, with MUC
//! (`<ENAMEX TYPE=..>`) and IEER (`<b_enamex type=..>..<e_enamex>`) entity
//! markup becoming an `entity` layer over the clean text.

mod build;
mod dates;
mod lexer;
mod split;
mod write;

use strata_format::Document;

pub use self::dates::{date_from_id, parse_date_field, Parsed};
pub use self::split::{split, Piece, RawDoc};
pub use self::write::write_sgml;
use crate::{position, Encoding, Options, Problem};

/// One document of an SGML input, or where and why it could not be read.
#[derive(Debug)]
pub struct Item {
    /// Byte offset of the document (or problem) in the input.
    pub offset: usize,
    /// The document with its warnings, or the problem that cost it.
    pub result: Result<(Document, Vec<Problem>), Problem>,
}

/// Parses every document of an SGML input. A bad document (invalid bytes,
/// an unclosed or stray tag, a missing end tag, no id) costs only itself.
pub fn parse_sgml(input: &[u8], options: &Options) -> Vec<Item> {
    let at = |offset: usize, message: String| {
        let (line, column) = position(input, offset, 1);
        Problem { line, column, message }
    };
    split(input)
        .into_iter()
        .map(|piece| match piece {
            Piece::Problem { offset, message } => Item { offset, result: Err(at(offset, message)) },
            Piece::Doc(raw) => {
                let result = parse_raw(input, raw, options, &at);
                Item { offset: raw.offset, result }
            }
        })
        .collect()
}

fn parse_raw(
    input: &[u8],
    raw: RawDoc<'_>,
    options: &Options,
    at: &dyn Fn(usize, String) -> Problem,
) -> Result<(Document, Vec<Problem>), Problem> {
    if let Some(i) = memchr::memchr(0, raw.bytes) {
        return Err(at(raw.offset + i, "expected text, found a NUL byte".into()));
    }
    let text: std::borrow::Cow<'_, str> = match options.encoding {
        Encoding::Utf8 => match std::str::from_utf8(raw.bytes) {
            Ok(s) => s.into(),
            Err(e) => {
                let offset = raw.offset + e.valid_up_to();
                let byte = input[offset];
                return Err(at(
                    offset,
                    format!(
                        "expected UTF-8, found the byte 0x{byte:02x} (byte offset {offset} of the input); give \
                         --encoding windows-1252 or latin1 if that is what the file is"
                    ),
                ));
            }
        },
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(raw.bytes).0,
        Encoding::Latin1 => raw.bytes.iter().map(|&b| char::from(b)).collect::<String>().into(),
    };
    // Offsets inside the document are offsets of its decoded text; for the
    // single-byte encodings, characters and bytes correspond one to one.
    let place = |doc_at: usize| -> usize {
        match options.encoding {
            Encoding::Utf8 => raw.offset + doc_at,
            _ => raw.offset + text.get(..doc_at).map_or(doc_at, |s| s.chars().count()),
        }
    };
    match build::build(&text, options.strict) {
        Ok((doc, warnings)) => {
            let warnings = warnings.into_iter().map(|(w, message)| at(place(w), message)).collect();
            Ok((doc, warnings))
        }
        Err((w, message)) => Err(at(place(w), message)),
    }
}

#[cfg(test)]
mod tests;
