//! `strata merge`: strata corpora joined into one without re-parsing any
//! text: columns are copied and string ids remapped
//! (`strata_format::Writer::add_copy`).

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use clap::ValueEnum;
use strata_format::{CopyMap, Schema, WriterBuilder};

use crate::sinks::Dest;
use crate::Outcome;

/// Join strata corpora into one, in the order given.
///
/// Documents are copied column by column: no text is parsed again and no
/// span is decoded, so merging runs at close to disk speed. The result is
/// the same file `strata convert A.strata B.strata -o C.strata` writes. It
/// appears only once complete.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata merge jan.strata feb.strata mar.strata -o q1.strata
  strata merge old.strata new.strata -o all.strata --on-duplicate skip
  strata merge a.strata b.strata -o ab.strata --on-duplicate rename --compress

Exit status: 0 when every document was written (renamed or skipped
duplicates included), 1 when some were rejected, 2 on a usage or fatal
error (no output).")]
pub struct Args {
    /// The strata files to join.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// The merged strata file.
    #[arg(short, long, value_name = "OUTPUT")]
    output: PathBuf,
    /// What to do with a document whose id an earlier document has: stop
    /// and write nothing (error), leave it out (skip), or keep it as
    /// `ID~2`, `ID~3`... (rename).
    #[arg(long, value_enum, default_value_t = OnDuplicate::Error)]
    on_duplicate: OnDuplicate,
    /// Compress the output with zstd, at LEVEL 1 to 22 (3 when no level is
    /// given).
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "3",
          value_parser = clap::value_parser!(i32).range(1..=22))]
    compress: Option<i32>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OnDuplicate {
    Error,
    Skip,
    Rename,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    if args.inputs.contains(&args.output) {
        bail!("the output {} is also an input; write the merged corpus elsewhere", args.output.display());
    }
    let mut corpora = Vec::with_capacity(args.inputs.len());
    let mut schema = Schema::default();
    for path in &args.inputs {
        let corpus = super::open_corpus(path)?;
        super::merge_schema(&mut schema, corpus.schema().clone(), &path.display().to_string())?;
        corpora.push(corpus);
    }
    let dest = Dest::create(&args.output)?;
    let mut builder = WriterBuilder::new();
    builder.schema(schema).compression(args.compress);
    let mut writer = builder.build(dest)?;

    let (mut documents_in, mut written, mut skipped, mut renamed, mut rejected, mut bytes_in) = (0u64, 0, 0, 0, 0, 0);
    let mut stderr = io::stderr().lock();
    for (path, corpus) in args.inputs.iter().zip(&corpora) {
        bytes_in += corpus.as_bytes().len() as u64;
        let mut map = CopyMap::new();
        for (i, doc) in corpus.iter().enumerate() {
            let at = || format!("{}: document {i}", path.display());
            let doc = doc.with_context(at)?;
            documents_in += 1;
            let result = if writer.contains_id(doc.id()) {
                match args.on_duplicate {
                    OnDuplicate::Error => bail!(
                        "{}: the id {:?} is already in an earlier document; give --on-duplicate skip or rename \
                         (nothing written)",
                        at(),
                        doc.id()
                    ),
                    OnDuplicate::Skip => {
                        skipped += 1;
                        continue;
                    }
                    OnDuplicate::Rename => {
                        let mut owned = doc.to_owned().with_context(at)?;
                        owned.id = (2u64..)
                            .map(|n| format!("{}~{n}", owned.id))
                            .find(|id| !writer.contains_id(id))
                            .unwrap_or_default();
                        writeln!(stderr, "{}: id {:?} renamed {:?}", at(), doc.id(), owned.id)?;
                        renamed += 1;
                        writer.add(&owned)
                    }
                }
            } else {
                writer.add_copy(&doc, &mut map)
            };
            match result {
                Ok(_) => written += 1,
                Err(e) if e.is_invalid_document() => {
                    rejected += 1;
                    writeln!(stderr, "{}: {e}", at())?;
                }
                Err(e) => return Err(anyhow!(e).context(format!("{}: cannot merge", at()))),
            }
        }
    }
    writer.finish().context("cannot finish the output")?.commit()?;

    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        let summary = serde_json::json!({
            "inputs": args.inputs.len(),
            "documents_in": documents_in,
            "written": written,
            "skipped": skipped,
            "renamed": renamed,
            "rejected": rejected,
            "bytes_in": bytes_in,
            "seconds": seconds,
            "output": args.output.display().to_string(),
        });
        println!("{summary}");
    } else if !args.quiet {
        writeln!(
            stderr,
            "strata: {} inputs, {documents_in} documents in, {written} written ({renamed} renamed), {skipped} \
             duplicates skipped, {rejected} rejected; {} read in {seconds:.2} s -> {}",
            args.inputs.len(),
            super::human_bytes(bytes_in),
            args.output.display()
        )?;
    }
    Ok(if rejected > 0 { Outcome::Problems } else { Outcome::Ok })
}
