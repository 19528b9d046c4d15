//! Converts a `.conllu` file to strata in memory and reports: whether the
//! round trip gives the file back byte for byte (also through the binary
//! format), bytes per word of the uncompressed `.strata` file (in total and
//! per layer, estimated by writing the corpus again without each layer),
//! and import and export speed in words per second.
//!
//! ```text
//! cargo run --release -p strata-conllu --example measure -- FILE.conllu [OUT.strata]
//! ```

use std::process::ExitCode;
use std::time::Instant;

use strata_conllu::{write_document, Reader};
use strata_format::{Corpus, Document, WriterBuilder};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: measure FILE.conllu [OUT.strata]");
        return ExitCode::from(2);
    };
    let out_path = args.next();
    match run(&path, out_path.as_deref()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("measure: {path}: {e}");
            ExitCode::from(2)
        }
    }
}

fn words(docs: &[Document]) -> usize {
    docs.iter().filter_map(|d| d.layer("word")).map(|l| l.spans.iter().filter(|s| s.start < s.end).count()).sum()
}

/// The corpus as strata bytes, without layer `skip` or, given as
/// `layer.attr`, without that attribute (`layer.relations`: relations).
fn strata_bytes(docs: &[Document], skip: Option<&str>) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut wtr = WriterBuilder::new().build(Vec::new())?;
    for doc in docs {
        let Some(skip) = skip else {
            wtr.add(doc)?;
            continue;
        };
        let mut d = doc.clone();
        match skip.split_once('.') {
            None => d.layers.retain(|l| l.name != skip),
            Some((layer, attr)) => {
                for l in d.layers.iter_mut().filter(|l| l.name == layer) {
                    if attr == "relations" {
                        l.relations.clear();
                    }
                    for s in &mut l.spans {
                        s.attrs.retain(|(n, _)| n != attr);
                    }
                }
            }
        }
        wtr.add(&d)?;
    }
    Ok(wtr.finish()?)
}

fn run(path: &str, out_path: Option<&str>) -> Result<bool, Box<dyn std::error::Error>> {
    let input = std::fs::read(path)?;
    let stem = std::path::Path::new(path).file_stem().map_or("doc".into(), |s| s.to_string_lossy().into_owned());

    // Import, several times for a stable figure.
    let mut docs = Vec::new();
    let mut problems = 0;
    let rounds = 5;
    let t = Instant::now();
    for round in 0..rounds {
        docs.clear();
        for item in Reader::new(&input[..], &stem) {
            match item {
                Ok(p) => {
                    if round == 0 {
                        for e in p.errors.iter().chain(&p.warnings) {
                            eprintln!("{path}:{e}");
                            problems += 1;
                        }
                    }
                    docs.push(p.document);
                }
                Err(r) => {
                    for e in &r.errors {
                        eprintln!("{path}:{e} (document {} rejected)", r.id);
                    }
                    problems += 1;
                }
            }
        }
    }
    let import = t.elapsed().as_secs_f64() / rounds as f64;
    let nwords = words(&docs);

    // Export.
    let mut out = String::with_capacity(input.len());
    let t = Instant::now();
    for _ in 0..rounds {
        out.clear();
        for doc in &docs {
            write_document(doc, &mut out)?;
        }
    }
    let export = t.elapsed().as_secs_f64() / rounds as f64;
    let same = out.as_bytes() == input.as_slice();

    // Through the binary format.
    let bytes = strata_bytes(&docs, None)?;
    let corpus = Corpus::from_bytes(&bytes[..])?;
    let mut back = String::with_capacity(input.len());
    for doc in corpus.iter() {
        write_document(&doc?.to_owned()?, &mut back)?;
    }
    let same_binary = back.as_bytes() == input.as_slice();
    if let Some(o) = out_path {
        std::fs::write(o, &bytes)?;
    }

    println!("{path}: {} documents, {nwords} words, {} bytes, {problems} problems", docs.len(), input.len());
    println!("round trip (in memory):     {}", if same { "byte-identical" } else { "DIFFERS" });
    println!("round trip (through strata): {}", if same_binary { "byte-identical" } else { "DIFFERS" });
    if !same {
        let at = out.bytes().zip(input.iter()).position(|(a, b)| a != *b).unwrap_or(out.len().min(input.len()));
        let line = input[..at.min(input.len())].iter().filter(|&&b| b == b'\n').count() + 1;
        println!("first difference at byte {at}, line {line}");
    }
    let per = |b: usize| b as f64 / nwords as f64;
    println!(
        "conllu: {:.1} bytes/word; strata (uncompressed): {} bytes, {:.2} bytes/word",
        per(input.len()),
        bytes.len(),
        per(bytes.len())
    );
    let text: usize = docs.iter().map(|d| d.text.len()).sum();
    println!("  text: {:.2} bytes/word", per(text));
    for layer in ["sentence", "paragraph", "token", "word"] {
        let without = strata_bytes(&docs, Some(layer))?;
        println!("  layer {layer:<9} ~{:.2} bytes/word", per(bytes.len().saturating_sub(without.len())));
        let mut attrs: Vec<&str> = docs
            .iter()
            .filter_map(|d| d.layer(layer))
            .flat_map(|l| l.spans.iter().flat_map(|s| s.attrs.iter().map(|(n, _)| n.as_str())))
            .collect();
        attrs.sort_unstable();
        attrs.dedup();
        if layer == "word" {
            attrs.push("relations");
        }
        for attr in attrs {
            let without = strata_bytes(&docs, Some(&format!("{layer}.{attr}")))?;
            println!("    {attr:<10} ~{:.2} bytes/word", per(bytes.len().saturating_sub(without.len())));
        }
    }
    println!(
        "import: {:.2} M words/s ({:.0} MB/s); export: {:.2} M words/s ({:.0} MB/s)",
        nwords as f64 / import / 1e6,
        input.len() as f64 / import / 1e6,
        nwords as f64 / export / 1e6,
        input.len() as f64 / export / 1e6
    );
    Ok(same && same_binary)
}
