//! Arbitrary bytes through the SGML newswire parser; whatever parses must
//! survive writing as SGML and parsing again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_tagged::sgml::{parse_sgml, write_sgml};
use strata_tagged::Options;

fuzz_target!(|data: &[u8]| {
    for item in parse_sgml(data, &Options::default()) {
        let Ok((doc, _)) = item.result else { continue };
        for layer in &doc.layers {
            for s in &layer.spans {
                assert!(doc.text.get(s.start as usize..s.end as usize).is_some());
            }
        }
        let mut out = String::new();
        write_sgml(&doc, &mut out);
        let _ = parse_sgml(out.as_bytes(), &Options::default());
    }
});
