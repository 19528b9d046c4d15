//! Prints the dependency tree of a sentence of a corpus converted from
//! CoNLL-U (spec/CONLLU.md): words are the `word` layer, arcs its relations
//! (head -> dependent, labelled with DEPREL), and a word without an arc is
//! a root (integer word) or an unattached empty node.
//!
//! ```text
//! cargo run -p strata-reader --example tree -- corpus.strata [DOC [SENTENCE]]
//! ```
//!
//! `DOC` is a document index or id (default 0), `SENTENCE` a 1-based
//! sentence number within it (default 1). Everything is read zero-copy
//! from the memory map: spans, attribute columns and relations.

use std::io::Write;
use std::process::ExitCode;

use strata_reader::{AttrValueRef, Corpus, Doc, LayerRef};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: tree FILE.strata [DOC [SENTENCE]]");
        return ExitCode::from(2);
    };
    match run(path, args.get(1).map(String::as_str), args.get(2).map(String::as_str)) {
        Ok(()) => ExitCode::SUCCESS,
        // `tree ... | head` closes the pipe early: not an error.
        Err(err)
            if err.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("tree: {path}: {err}");
            ExitCode::from(1)
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn run(path: &str, doc: Option<&str>, sentence: Option<&str>) -> Result<()> {
    // SAFETY: this program does not change the file, and the user is told
    // not to change it while it runs.
    let corpus = unsafe { Corpus::open(path)? };
    let doc = match doc {
        None => corpus.doc(0)?,
        Some(d) => match d.parse::<u64>() {
            Ok(i) => corpus.doc(i)?,
            Err(_) => corpus.by_id(d)?.ok_or_else(|| format!("no document with id {d:?}"))?,
        },
    };
    let number: usize = sentence.map_or(Ok(1), str::parse)?;
    print_sentence(&doc, number)
}

/// A string attribute of span `i`, if it has one.
fn attr<'d>(layer: &LayerRef<'d>, name: &str, i: usize) -> Result<Option<&'d str>> {
    let Some(a) = layer.attr(name) else { return Ok(None) };
    Ok(match a.get(i)? {
        Some(AttrValueRef::Str(s)) => Some(s),
        _ => None,
    })
}

fn print_sentence(doc: &Doc<'_>, number: usize) -> Result<()> {
    let sentences = doc.layer("sentence").ok_or("the document has no sentence layer")?;
    let words = doc.layer("word").ok_or("the document has no word layer (was it converted from CoNLL-U?)")?;
    let s = number.checked_sub(1).filter(|&s| s < sentences.len()).ok_or_else(|| {
        format!("sentence {number} does not exist: document {} has {} sentences", doc.id(), sentences.len())
    })?;
    let span = sentences.span(s)?;
    // The sentence's words: the spans inside it, in order (zero-length
    // spans at its end are its trailing empty nodes).
    let cols = words.span_columns();
    let first = (0..words.len()).position(|i| cols.start(i).is_some_and(|st| st >= span.start)).unwrap_or(words.len());
    let mut last = first;
    while last < words.len() && cols.end(last).is_some_and(|e| e <= span.end) {
        last += 1;
    }
    let range = first..last;

    // Heads from the relations; roots are the integer words without one.
    let mut head: Vec<Option<(usize, Option<&str>)>> = vec![None; range.len()];
    for r in words.relations() {
        let r = r?;
        if range.contains(&r.to) && range.contains(&r.from) && head[r.to - first].is_none() {
            head[r.to - first] = Some((r.from - first, r.label));
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); range.len()];
    let mut roots = Vec::new();
    let mut ids = Vec::with_capacity(range.len());
    let (mut n, mut k) = (0, 0);
    for i in range.clone() {
        let w = words.span(i)?;
        let empty = w.start == w.end;
        if empty {
            k += 1;
            ids.push(format!("{n}.{k}"));
        } else {
            n += 1;
            k = 0;
            ids.push(n.to_string());
        }
        match head[i - first] {
            Some((h, _)) => children[h].push(i - first),
            None if !empty => roots.push(i - first),
            None => {}
        }
    }

    let mut out = std::io::stdout().lock();
    let sent_id = attr(&sentences, "sent_id", s)?;
    writeln!(
        out,
        "# document {} ({}), sentence {number}{}",
        doc.index(),
        doc.id(),
        sent_id.map_or(String::new(), |id| format!(", sent_id {id}"))
    )?;
    writeln!(out, "# {}", sentences.text(s)?)?;
    let mut seen = vec![false; range.len()];
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 0)).collect();
    while let Some((w, depth)) = stack.pop() {
        let i = first + w;
        let form = match attr(&words, "form", i)? {
            Some(f) => f,
            None => words.text(i)?,
        };
        let label = match head[w] {
            Some((_, label)) => label.unwrap_or("_"),
            None => attr(&words, "deprel", i)?.unwrap_or("root"),
        };
        let upos = attr(&words, "upos", i)?.unwrap_or("_");
        writeln!(out, "{:indent$}{label} -> {} {form} ({upos})", "", ids[w], indent = 2 * depth)?;
        if std::mem::replace(&mut seen[w], true) {
            writeln!(out, "{:indent$}  (cycle)", "", indent = 2 * depth)?;
            continue;
        }
        for &c in children[w].iter().rev() {
            stack.push((c, depth + 1));
        }
    }
    let unreached: Vec<&str> = (0..range.len())
        .filter(|&w| !seen[w] && words.span(first + w).is_ok_and(|s| s.start < s.end))
        .map(|w| ids[w].as_str())
        .collect();
    let mut empty = Vec::new();
    for (w, id) in ids.iter().enumerate() {
        let i = first + w;
        let span = words.span(i)?;
        if span.start == span.end {
            empty.push(format!("{id} {}", attr(&words, "form", i)?.unwrap_or("_")));
        }
    }
    if !empty.is_empty() {
        writeln!(out, "# empty nodes (enhanced graph only): {}", empty.join(", "))?;
    }
    if !unreached.is_empty() {
        writeln!(out, "# not reached from a root (a cycle): {}", unreached.join(" "))?;
    }
    Ok(())
}
