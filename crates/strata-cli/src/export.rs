//! Strata corpora to a CoNLL-U stream, written straight from the mapped
//! file (`strata_conllu::DocWriter`) instead of through owned copies: the
//! fast path of `strata convert x.strata -o x.conllu`. With more than one
//! thread, documents are rendered on all of them and written in order.

use std::sync::atomic::Ordering;

use anyhow::bail;
use strata_conllu::DocWriter;
use strata_format::{ColumnCheck, Doc, StringTable};

use crate::progress::{BYTES_READ, INPUTS_STARTED};
use crate::sinks::Sink;
use crate::sources::{self, Item, Source};

/// What reaches the writing side: a document read (and copied) or why it
/// could not be, or a document written already.
pub enum Arrival {
    Item(Item),
    Written,
}

/// The record bytes of the documents a thread renders at a time, about
/// (whole documents; `STRATA_EXPORT_BATCH_BYTES` changes it, for tests):
/// about a megabyte of CoNLL-U, large enough that handing it over costs
/// nothing next to rendering it, small enough to keep every thread busy and
/// memory bounded (batches in flight, not documents, are counted).
fn batch_bytes() -> u64 {
    const BATCH_BYTES: u64 = 256 << 10;
    std::env::var("STRATA_EXPORT_BATCH_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(BATCH_BYTES)
}

/// Writes each document of the strata `sources` in place
/// ([`Sink::add_stored`]); only one that cannot be is copied for `on_item`
/// as the general path would hand it over, so the output, messages and
/// counts are the same as there, whatever the number of `threads`. Returns
/// the number of inputs and bytes.
pub fn export_in_place(
    sources: Vec<Source>,
    sink: &mut Sink,
    threads: usize,
    on_item: &mut dyn FnMut(&mut Sink, Arrival) -> anyhow::Result<()>,
) -> anyhow::Result<(u64, u64)> {
    let (mut inputs, mut bytes) = (0, 0);
    let budget = batch_bytes();
    for source in sources {
        inputs += 1;
        INPUTS_STARTED.fetch_add(1, Ordering::Relaxed);
        let Source::Strata { name, corpus } = source else {
            bail!("only strata inputs are written in place");
        };
        // A dictionary that is not UTF-8 as a whole: every document is
        // copied, and those whose strings are damaged are reported.
        let Ok(strings) = corpus.string_table() else {
            bytes += sources::strata_each(&corpus, &mut |i, doc| {
                on_item(sink, Arrival::Item(sources::strata_item(&name, i, doc)))
            })?;
            continue;
        };
        // A small corpus is quicker on this thread than handed out: waking
        // another thread can cost more than rendering a batch.
        if threads < 2 || corpus.as_bytes().len() as u64 <= 4 * budget {
            let writer = DocWriter::new(&strings);
            bytes += sources::strata_each(&corpus, &mut |i, doc| {
                if let Ok(d) = &doc {
                    if sink.add_stored(d, &writer)? {
                        return on_item(sink, Arrival::Written);
                    }
                }
                on_item(sink, Arrival::Item(sources::strata_item(&name, i, doc)))
            })?;
        } else {
            bytes += export_parallel(&name, &corpus, &strings, sink, threads, budget, on_item)?;
        }
    }
    Ok((inputs, bytes))
}

/// A batch rendered: the CoNLL-U of its documents one after the other, and
/// for each document the end of its text there, or `None` when it needs
/// the copy (it could not be rendered, or its columns are not whole), and
/// the document as read (the writing thread checks it again, or copies it,
/// without reading it a second time).
#[derive(Default)]
struct Rendered<'c> {
    /// The number of the first document.
    first: usize,
    text: String,
    ends: Vec<Option<usize>>,
    docs: Vec<strata_format::Result<Doc<'c>>>,
}

/// One corpus on `threads` threads: they render batches of documents (of
/// about `budget` record bytes) and check each one's columns
/// (`ColumnCheck`, the costly part of the checks); this thread takes the
/// batches in order (`in_order`), checks ids and types
/// (`Sink::admit_stored`) and writes.
fn export_parallel(
    name: &str,
    corpus: &strata_reader::Corpus,
    strings: &StringTable<'_>,
    sink: &mut Sink,
    threads: usize,
    budget: u64,
    on_item: &mut dyn FnMut(&mut Sink, Arrival) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let docs = corpus.len() as usize;
    // The documents of the next batch: from `cut` on, until their records
    // reach the budget (a damaged index counts as a small record).
    let mut cut = 0;
    let mut next_batch = || {
        let (start, mut bytes) = (cut, 0u64);
        while cut < docs && (cut == start || bytes < budget) {
            bytes = bytes.saturating_add(corpus.record_len(cut as u64).unwrap_or(0).max(64));
            cut += 1;
        }
        start..cut
    };
    // Mapped, not read: progress moves by an even share per document.
    let share = corpus.as_bytes().len() as u64 / corpus.len().max(1);
    // Batches written go back to be rendered into again.
    let mut spare: Vec<Rendered<'_>> = Vec::new();
    crate::in_order::in_order(
        threads,
        "rendering",
        &mut spare,
        |spare| {
            let range = next_batch();
            (!range.is_empty()).then(|| (range, spare.pop().unwrap_or_default()))
        },
        || (DocWriter::new(strings), ColumnCheck::new()),
        |(writer, columns), (range, mut out)| {
            render_batch(corpus, writer, columns, range, &mut out);
            Some(out)
        },
        |spare, mut batch| {
            write_batch(name, &mut batch, share, sink, on_item)?;
            spare.push(batch);
            Ok(())
        },
    )?;
    Ok(corpus.as_bytes().len() as u64)
}

/// Renders documents `range` into `out` (emptied first).
fn render_batch<'c>(
    corpus: &'c strata_reader::Corpus,
    writer: &DocWriter<'_, '_>,
    columns: &mut ColumnCheck,
    range: std::ops::Range<usize>,
    out: &mut Rendered<'c>,
) {
    out.first = range.start;
    out.text.clear();
    out.ends.clear();
    out.docs.clear();
    // An iterator of its own: a compressed block is decompressed once per
    // batch (`Corpus::doc` shares one cache between threads).
    for doc in corpus.iter().skip(range.start).take(range.len()) {
        let len = out.text.len();
        let rendered =
            doc.as_ref().is_ok_and(|doc| writer.write(doc, &mut out.text).is_ok() && columns.check(doc).is_ok());
        if !rendered {
            out.text.truncate(len);
        }
        out.ends.push(rendered.then_some(out.text.len()));
        out.docs.push(doc);
    }
}

/// Writes a rendered batch: runs of documents the sink admits go out in one
/// write each; any other document is copied for `on_item`, as the
/// one-thread path does.
fn write_batch(
    name: &str,
    batch: &mut Rendered<'_>,
    share: u64,
    sink: &mut Sink,
    on_item: &mut dyn FnMut(&mut Sink, Arrival) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    // `batch.text[from..at]` is admitted and not yet written.
    let (mut from, mut at) = (0, 0);
    for (k, (doc, &end)) in batch.docs.drain(..).zip(&batch.ends).enumerate() {
        BYTES_READ.fetch_add(share, Ordering::Relaxed);
        let i = batch.first + k;
        if let (Some(end), Ok(d)) = (end, &doc) {
            if sink.admit_stored(d) {
                at = end;
                on_item(sink, Arrival::Written)?;
                continue;
            }
        }
        sink.write_rendered(&batch.text.as_bytes()[from..at])?;
        (from, at) = (end.unwrap_or(at), end.unwrap_or(at));
        on_item(sink, Arrival::Item(sources::strata_item(name, i, doc)))?;
    }
    sink.write_rendered(&batch.text.as_bytes()[from..at])
}
