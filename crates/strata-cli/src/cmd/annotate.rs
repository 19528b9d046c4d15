//! `strata annotate`: layers from the built-in annotators added to an
//! existing corpus, without its sources.

use std::path::PathBuf;

use super::convert::{parse_annotators, Annotators};
use crate::Outcome;

/// Add sentence, token or quote layers to a strata corpus.
///
/// Sentences and tokens follow Unicode segmentation (UAX #29) with the
/// abbreviations of English news ("U.S.", "Mr.", "Feb.", initials); quotes
/// are quoted speech in curly or straight marks, nested ones too. A layer
/// the corpus already has under the same name is replaced. The input is
/// read through its memory map; the output appears only once complete.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata annotate news.strata -o news-annotated.strata --add sentences,tokens
  strata annotate news.strata -o news-quotes.strata --add quotes
  strata annotate news.strata -o news-all.strata --add all --compress

The same as: strata convert IN.strata -o OUT.strata --annotate LIST")]
pub struct Args {
    /// The strata file to annotate.
    input: PathBuf,
    /// The annotated strata file (a new file; the input is not changed).
    #[arg(short, long, value_name = "OUTPUT")]
    output: PathBuf,
    /// Annotators, comma-separated: sentences, tokens, quotes, or all.
    #[arg(long, value_name = "LIST", value_parser = parse_annotators)]
    add: Annotators,
    /// Compress the output with zstd, at LEVEL 1 to 22 (3 when no level is
    /// given).
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "3",
          value_parser = clap::value_parser!(i32).range(1..=22))]
    compress: Option<i32>,
    /// Threads to use (default: all cores); the output is the same bytes.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if args.input == args.output {
        anyhow::bail!("the output {} is the input; write the annotated corpus to a new file", args.output.display());
    }
    super::convert::annotate(args.input, args.output, args.add, args.compress, args.jobs, args.quiet, args.json)
}
