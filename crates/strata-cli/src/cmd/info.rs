//! `strata info`: what a corpus holds. Reads the header, directory and
//! schema only, so it takes the same time for any corpus size.

use std::path::PathBuf;

use serde_json::{json, Map, Value as Json};
use strata_format::Value;

use crate::Outcome;

/// Show what a corpus holds: documents, text, layers with span counts,
/// metadata fields and section sizes.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata info corpus.strata
  strata info corpus.strata --json | jq .layers")]
pub struct Args {
    /// The strata file (`-` for standard input).
    file: PathBuf,
    /// Print JSON: keys `documents`, `text_bytes`, `file_bytes`, `version`,
    /// `compressed`, `strings`, `layers` (name to span count), `relations`,
    /// `attributes`, `fields`, `corpus_metadata`, `sections`.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let corpus = super::open_corpus(&args.file)?;
    let schema = corpus.schema();
    let file_bytes = corpus.as_bytes().len() as u64;
    if args.json {
        let layers: Map<String, Json> = schema.layers.iter().map(|l| (l.name.clone(), json!(l.spans))).collect();
        let relations: Map<String, Json> = schema.layers.iter().map(|l| (l.name.clone(), json!(l.relations))).collect();
        let attributes: Map<String, Json> = schema
            .layers
            .iter()
            .map(|l| {
                let attrs: Map<String, Json> = l.attrs.iter().map(|a| (a.name.clone(), json!(a.ty.name()))).collect();
                (l.name.clone(), Json::Object(attrs))
            })
            .collect();
        let fields: Map<String, Json> = schema.fields.iter().map(|f| (f.name.clone(), json!(f.ty.name()))).collect();
        let corpus_metadata: Map<String, Json> =
            schema.corpus_metadata.iter().map(|(k, v)| (k.clone(), json!(value_text(v)))).collect();
        let sections: Map<String, Json> = corpus
            .sections()
            .iter()
            .map(|s| (s.name().to_string(), json!({ "offset": s.offset, "bytes": s.len, "crc32": s.crc })))
            .collect();
        let out = json!({
            "file": args.file.display().to_string(),
            "version": corpus.version(),
            "compressed": corpus.is_compressed(),
            "documents": corpus.len(),
            "text_bytes": schema.text_bytes,
            "file_bytes": file_bytes,
            "strings": corpus.string_count(),
            "layers": layers,
            "relations": relations,
            "attributes": attributes,
            "fields": fields,
            "corpus_metadata": corpus_metadata,
            "sections": sections,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(Outcome::Ok);
    }

    let human = super::human_bytes;
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("file        {}", args.file.display()));
    line(format!(
        "format      strata v{}, {}",
        corpus.version(),
        if corpus.is_compressed() { "zstd blocks" } else { "uncompressed" }
    ));
    line(format!("documents   {}", corpus.len()));
    line(format!("text        {} ({} bytes)", human(schema.text_bytes), schema.text_bytes));
    line(format!("file size   {} ({} bytes)", human(file_bytes), file_bytes));
    line(format!("strings     {} distinct labels and attribute values", corpus.string_count()));
    if !schema.layers.is_empty() {
        line(String::new());
        let width = schema.layers.iter().map(|l| l.name.len()).max().unwrap_or(0).max(5);
        line(format!("{:width$}  {:>12}  {:>12}  attributes", "layer", "spans", "relations"));
        for l in &schema.layers {
            let attrs: Vec<String> = l.attrs.iter().map(|a| format!("{}:{}", a.name, a.ty.name())).collect();
            let row = format!("{:width$}  {:>12}  {:>12}  {}", l.name, l.spans, l.relations, attrs.join(" "));
            line(row.trim_end().to_string());
        }
    }
    if !schema.fields.is_empty() {
        line(String::new());
        let width = schema.fields.iter().map(|f| f.name.len()).max().unwrap_or(0).max(14);
        line(format!("{:width$}  type", "metadata field"));
        for f in &schema.fields {
            line(format!("{:width$}  {}", f.name, f.ty.name()));
        }
    }
    if !schema.corpus_metadata.is_empty() {
        line(String::new());
        line("corpus metadata".into());
        for (k, v) in &schema.corpus_metadata {
            line(format!("  {k} = {}", value_text(v)));
        }
    }
    line(String::new());
    line(format!("{:10}  {:>14}  {:>14}  crc32", "section", "offset", "bytes"));
    for s in corpus.sections() {
        line(format!("{:10}  {:>14}  {:>14}  {:08x}", s.name(), s.offset, s.len, s.crc));
    }
    print!("{out}");
    Ok(Outcome::Ok)
}

/// A metadata value as text: dates in ISO form, lists comma-separated.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Date(d) => d.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => s.clone(),
        Value::List(items) => items.join(", "),
    }
}
