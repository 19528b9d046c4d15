//! `strata validate`: every checksum and every structural invariant.

use std::path::PathBuf;

use serde_json::json;
use strata_format::ErrorKind;

use crate::Outcome;

/// Check a corpus file: every checksum, every offset, every span, every
/// dictionary reference. Exit status 0 when valid, 1 when not (each problem
/// named with its section and byte offset), 2 when the file cannot be read.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata validate corpus.strata
  strata validate corpus.strata --json")]
pub struct Args {
    /// The strata file (`-` for standard input).
    file: PathBuf,
    /// Print the report as JSON: `{"valid": bool, "problems": [...]}`.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let name = args.file.display().to_string();
    let problems: Vec<strata_format::Error> = match super::open_corpus(&args.file) {
        Ok(corpus) => corpus.validate(),
        Err(err) => match err.downcast::<strata_format::Error>() {
            // An unreadable file (missing, no permission) is not a verdict
            // on its content.
            Ok(e) if matches!(e.kind(), ErrorKind::Io(_)) => return Err(anyhow::Error::new(e).context(name)),
            Ok(e) => vec![e],
            Err(other) => return Err(other),
        },
    };
    if args.json {
        let list: Vec<_> = problems
            .iter()
            .map(|p| json!({ "section": section_of(p), "offset": p.offset(), "message": p.to_string() }))
            .collect();
        println!("{}", json!({ "file": name, "valid": problems.is_empty(), "problems": list }));
    } else if problems.is_empty() {
        println!("{name}: valid");
    } else {
        for p in &problems {
            eprintln!("{name}: {p}");
        }
        let more = if problems.len() >= strata_format::MAX_PROBLEMS { " (stopped counting)" } else { "" };
        eprintln!("{name}: invalid: {} problem{}{more}", problems.len(), if problems.len() == 1 { "" } else { "s" });
    }
    Ok(if problems.is_empty() { Outcome::Ok } else { Outcome::Problems })
}

fn section_of(e: &strata_format::Error) -> &'static str {
    match e.kind() {
        ErrorKind::Truncated { section, .. }
        | ErrorKind::ChecksumMismatch { section, .. }
        | ErrorKind::Corrupt { section, .. } => section,
        _ => "file",
    }
}
