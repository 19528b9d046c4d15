//! Arbitrary bytes through the tagged-article splitter and parser: no
//! panic, no byte lost, every span inside its text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_tagged::{to_document, Encoding, Options, Splitter};

fuzz_target!(|data: &[u8]| {
    let mut joined = Vec::with_capacity(data.len());
    for segment in Splitter::new(data) {
        let segment = segment.expect("reading a slice cannot fail");
        joined.extend_from_slice(&segment.bytes);
        for encoding in [Encoding::Utf8, Encoding::Windows1252] {
            let options = Options { encoding, strict: false };
            if let Ok((doc, _)) = to_document("f", &segment, &options) {
                for layer in &doc.layers {
                    for s in &layer.spans {
                        assert!(doc.text.get(s.start as usize..s.end as usize).is_some());
                    }
                }
                if encoding == Encoding::Utf8 {
                    assert_eq!(doc.text.as_bytes(), &segment.bytes[..]);
                }
            }
        }
    }
    assert_eq!(joined, data);
});
