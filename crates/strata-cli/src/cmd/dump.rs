//! `strata dump`: everything in a corpus as stable, line-oriented text, for
//! people debugging a file and for golden tests.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use strata_format::AttrValueRef;

use crate::Outcome;
use strata_format::Value;

/// Print every section, the schema and every document with all its spans,
/// labels, attributes and relations, as text.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata dump corpus.strata | less
  strata dump spec/vectors/basic.strata > basic.dump")]
pub struct Args {
    /// The strata file (`-` for standard input).
    file: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let corpus = super::open_corpus(&args.file)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let schema = corpus.schema();
    let mode = if corpus.is_compressed() { "zstd" } else { "uncompressed" };
    writeln!(
        out,
        "strata v{} {mode}, {} bytes, crc32 {:08x}",
        corpus.version(),
        corpus.as_bytes().len(),
        corpus.file_crc()
    )?;
    for s in corpus.sections() {
        writeln!(out, "section {} offset={} len={} flags={} crc32={:08x}", s.name(), s.offset, s.len, s.flags, s.crc)?;
    }
    writeln!(out, "documents {}", corpus.len())?;
    writeln!(out, "text_bytes {}", schema.text_bytes)?;
    writeln!(out, "strings {}", corpus.string_count())?;
    for f in &schema.fields {
        writeln!(out, "field {:?} {}", f.name, f.ty.name())?;
    }
    for l in &schema.layers {
        let attrs: Vec<String> = l.attrs.iter().map(|a| format!("{:?}:{}", a.name, a.ty.name())).collect();
        writeln!(out, "layer {:?} spans={} relations={} attrs=[{}]", l.name, l.spans, l.relations, attrs.join(" "))?;
    }
    for (k, v) in &schema.corpus_metadata {
        writeln!(out, "corpus_meta {k:?} {}", value_debug(v))?;
    }
    let mut problems = 0;
    for (i, doc) in corpus.iter().enumerate() {
        let doc = match doc {
            Ok(d) => d,
            Err(e) => {
                problems += 1;
                writeln!(out, "doc {i} ERROR {e}")?;
                continue;
            }
        };
        writeln!(out, "doc {} id={:?} text_bytes={}", doc.index(), doc.id(), doc.text_len())?;
        match doc.text() {
            Ok(t) => writeln!(out, "  text {t:?}")?,
            Err(e) => writeln!(out, "  text ERROR {e}")?,
        }
        for item in doc.metadata() {
            match item.and_then(|(n, v)| Ok((n, v.to_value()?))) {
                Ok((name, v)) => writeln!(out, "  meta {name:?} {}", value_debug(&v))?,
                Err(e) => writeln!(out, "  meta ERROR {e}")?,
            }
        }
        for layer in doc.layers() {
            writeln!(out, "  layer {:?} spans={} relations={}", layer.name(), layer.len(), layer.relation_count())?;
            let attrs: Vec<_> = layer.attrs().collect();
            for s in 0..layer.len() {
                let mut line = match (layer.span(s), layer.text(s)) {
                    (Ok(span), Ok(text)) => {
                        format!("    {s} [{},{}) {text:?}", span.start, span.end)
                    }
                    (Err(e), _) | (_, Err(e)) => format!("    {s} ERROR {e}"),
                };
                match layer.label(s) {
                    Ok(Some(l)) => line.push_str(&format!(" label={l:?}")),
                    Ok(None) => {}
                    Err(e) => line.push_str(&format!(" label=ERROR({e})")),
                }
                for a in &attrs {
                    match a.get(s) {
                        Ok(Some(AttrValueRef::Str(v))) => line.push_str(&format!(" {}={v:?}", a.name())),
                        Ok(Some(AttrValueRef::Int(v))) => line.push_str(&format!(" {}={v}", a.name())),
                        Ok(None) => {}
                        Err(e) => line.push_str(&format!(" {}=ERROR({e})", a.name())),
                    }
                }
                match layer.fragments(s) {
                    Ok(f) if f.is_empty() => {}
                    Ok(f) => {
                        let f: Vec<String> = f.iter().map(|(a, b)| format!("[{a},{b})")).collect();
                        line.push_str(&format!(" fragments={}", f.join(",")));
                    }
                    Err(e) => line.push_str(&format!(" fragments=ERROR({e})")),
                }
                writeln!(out, "{line}")?;
            }
            for r in layer.relations() {
                match r {
                    Ok(r) => writeln!(
                        out,
                        "    rel {} -> {}{}",
                        r.from,
                        r.to,
                        r.label.map(|l| format!(" {l:?}")).unwrap_or_default()
                    )?,
                    Err(e) => writeln!(out, "    rel ERROR {e}")?,
                }
            }
        }
    }
    out.flush()?;
    Ok(if problems == 0 { Outcome::Ok } else { Outcome::Problems })
}

/// A metadata value with its type visible: dates bare, strings quoted,
/// lists bracketed.
fn value_debug(v: &Value) -> String {
    match v {
        Value::Date(d) => format!("date {d}"),
        Value::Int(i) => format!("int {i}"),
        Value::Str(s) => format!("string {s:?}"),
        Value::List(items) => format!("list {items:?}"),
    }
}
