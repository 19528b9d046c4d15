//! Prints one line per document: index, id, metadata, and the number of
//! spans in each layer.
//!
//! ```text
//! cargo run -p strata-reader --example read -- corpus.strata
//! ```

use std::process::ExitCode;

use strata_reader::{Corpus, ValueRef};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: read FILE.strata");
        return ExitCode::from(2);
    };
    match run(path.as_ref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("read: {}: {err}", path.to_string_lossy());
            ExitCode::from(1)
        }
    }
}

fn run(path: &std::path::Path) -> strata_reader::Result<()> {
    // SAFETY: this program does not change the file, and the user is told
    // not to change it while it runs.
    let corpus = unsafe { Corpus::open(path)? };
    for doc in corpus.iter() {
        let doc = doc?;
        let mut line = format!("{}\t{}", doc.index(), doc.id());
        for item in doc.metadata() {
            let (name, value) = item?;
            let value = match value {
                ValueRef::Date(d) => d.to_string(),
                ValueRef::Int(i) => i.to_string(),
                ValueRef::Str(s) => format!("{s:?}"),
                ValueRef::List(items) => {
                    format!("{:?}", items.collect::<strata_reader::Result<Vec<_>>>()?)
                }
            };
            line.push_str(&format!("\t{name}={value}"));
        }
        for layer in doc.layers() {
            line.push_str(&format!("\t{}:{}", layer.name(), layer.len()));
        }
        println!("{line}");
    }
    Ok(())
}
