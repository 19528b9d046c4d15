//! Arbitrary bytes as a strata file: open, visit every document, layer,
//! span, attribute and relation, and validate. Errors are fine; panics,
//! hangs and out-of-bounds reads are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_format::Corpus;

fuzz_target!(|data: &[u8]| {
    let Ok(corpus) = Corpus::from_bytes(data) else { return };
    let _ = corpus.verify();
    let table = corpus.string_table().ok();
    let (mut extents, mut codes, mut rels, mut scratch) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for doc in corpus.iter() {
        let Ok(doc) = doc else { continue };
        let _ = doc.to_owned();
        for m in doc.metadata() {
            let _ = m.map(|(_, v)| v.to_value());
        }
        for layer in doc.layers() {
            // The whole-column paths (read/batch.rs).
            let _ = layer.extents_into(&mut extents, &mut scratch);
            layer.label_codes_into(&mut codes);
            let _ = layer.relations_into(&mut rels, &mut scratch);
            let _ = layer.stored_sizes();
            for a in layer.attrs() {
                if a.codes_into(&mut codes, &mut scratch).is_ok() {
                    if let Some(t) = &table {
                        codes.iter().for_each(|&c| drop(t.get(c)));
                    }
                }
            }
            for i in 0..layer.len() {
                let _ = (layer.span(i), layer.text(i), layer.label(i), layer.fragments(i));
                for a in layer.attrs() {
                    let _ = a.get(i);
                }
            }
            for r in layer.relations() {
                let _ = r;
            }
        }
        let _ = corpus.by_id(doc.id());
    }
    let _ = corpus.validate();
});
