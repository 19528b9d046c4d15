//! Arbitrary text as a JSONL line; documents that parse must write back to
//! a line that parses to the same document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_jsonl::{document_line, parse_line, Line};

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    if let Ok(Line::Document(doc)) = parse_line(line) {
        let again = parse_line(&document_line(&doc)).expect("written lines parse");
        assert_eq!(again, Line::Document(doc));
    }
});
