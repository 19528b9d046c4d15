//! The `strata` command line. `main` only parses and dispatches; each
//! subcommand lives in its own module under `cmd/`.

mod cleanup;
mod cmd;
mod export;
mod formats;
mod in_order;
mod progress;
mod render;
mod sinks;
mod sources;

use std::io;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Build, inspect and check annotated corpora in the strata format.
#[derive(Parser)]
#[command(name = "strata", version, about, long_about = None)]
#[command(after_help = "Examples:
  strata convert news.jsonl -o news.strata      JSONL to strata
  strata convert news.strata -o news.jsonl      and back, losslessly
  strata info news.strata                        what a corpus holds
  strata cat news.strata 0                       read a document
  strata merge a.strata b.strata -o ab.strata    join corpora
  strata annotate news.strata -o n2.strata --add sentences,tokens
  strata convert ewt.conllu -o ewt.strata        CoNLL-U, brat, SGML, tagged, JSONL
  strata validate news.strata                    check every byte")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Convert(cmd::convert::Args),
    Cat(cmd::cat::Args),
    Merge(cmd::merge::Args),
    Annotate(cmd::annotate::Args),
    Completions(cmd::completions::Args),
    Info(cmd::info::Args),
    Validate(cmd::validate::Args),
    Dump(cmd::dump::Args),
}

/// What a command reports back to `main`: success, or "done, but some
/// input was rejected" (exit status 1). Fatal errors are `Err`.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// The command finished, but found problems it has reported.
    Problems,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = cleanup::install() {
        eprintln!("strata: warning: {err:#}");
    }
    let result = match cli.command {
        Command::Convert(args) => cmd::convert::run(args),
        Command::Cat(args) => cmd::cat::run(args),
        Command::Merge(args) => cmd::merge::run(args),
        Command::Annotate(args) => cmd::annotate::run(args),
        Command::Completions(args) => cmd::completions::run(args, Cli::command()),
        Command::Info(args) => cmd::info::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Dump(args) => cmd::dump::run(args),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(err) => {
            // A closed pipe (`strata dump x | head`) is not a failure.
            let broken_pipe = err
                .chain()
                .filter_map(|e| e.downcast_ref::<io::Error>())
                .any(|e| e.kind() == io::ErrorKind::BrokenPipe);
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("strata: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

// Parsing builds many small strings per document (a treebank word has up to
// ten attributes); mimalloc makes those allocations about twice as cheap as
// the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
