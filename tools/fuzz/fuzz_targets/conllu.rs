//! Arbitrary bytes through the CoNLL-U reader. Every parsed document must
//! write as CoNLL-U; one read without errors must write back to its input
//! lines byte for byte (spec/CONLLU.md section 6), except for the known
//! limit there (an empty node `0.M` after `SpaceAfter=No`), where reading
//! the output again must give the same document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_conllu::{write_document, Reader};

/// Byte offset of the start of each line, 0-based, plus the end.
fn line_starts(data: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(data.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1));
    if *starts.last().unwrap() != data.len() {
        starts.push(data.len());
    }
    starts
}

fuzz_target!(|data: &[u8]| {
    let starts = line_starts(data);
    for item in Reader::new(data, "f") {
        let Ok(parsed) = item else { continue };
        let doc = &parsed.document;
        for layer in &doc.layers {
            for s in &layer.spans {
                assert!(doc.text.get(s.start as usize..s.end as usize).is_some(), "span off the text");
            }
        }
        let mut out = String::new();
        let written = write_document(doc, &mut out);
        if !parsed.errors.is_empty() {
            continue;
        }
        written.expect("a document read without errors writes");
        let (a, b) = (parsed.lines.start as usize - 1, parsed.lines.end as usize - 1);
        let input = &data[starts[a]..starts[b.min(starts.len() - 1)]];
        if out.as_bytes() != input {
            // The one known limit: an empty node `0.M` moves to the end of
            // the previous sentence. The document must still survive.
            let known_limit = input.split(|&c| c == b'\n').any(|l| l.starts_with(b"0."));
            assert!(
                known_limit,
                "round trip differs\n--- input ---\n{}\n--- output ---\n{}",
                String::from_utf8_lossy(input),
                out
            );
            let again: Vec<_> = Reader::new(out.as_bytes(), &doc.id).collect();
            assert_eq!(again.len(), 1, "output {out:?}");
            let again = again.into_iter().next().unwrap().expect("the output reads");
            assert!(again.errors.is_empty(), "{:?}", again.errors);
            assert_eq!(again.document.text, doc.text);
        }
    }
});
