//! Arbitrary bytes as a brat pair: the `.txt` up to the first NUL byte, the
//! `.ann` after it. Whatever parses must keep the text and write back to
//! the same `.ann`, byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (txt, ann) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let (Ok(txt), Ok(ann)) = (std::str::from_utf8(txt), std::str::from_utf8(ann)) else { return };
    let Ok((doc, _)) = strata_brat::parse("f", txt, ann) else { return };
    assert_eq!(doc.text, txt);
    for layer in &doc.layers {
        for s in &layer.spans {
            assert!(doc.text.get(s.start as usize..s.end as usize).is_some(), "span off the text");
        }
    }
    let mut out = String::new();
    strata_brat::write_ann(&doc, &mut out).expect("a parsed document writes");
    assert_eq!(out, ann);
});
