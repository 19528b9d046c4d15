//! `strata completions`: shell completion scripts, generated from the same
//! definitions that parse the command line.

use std::io;

use clap_complete::Shell;

use crate::Outcome;

/// Print a completion script for a shell.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  strata completions bash > ~/.local/share/bash-completion/completions/strata
  strata completions zsh > ~/.zfunc/_strata        (with fpath+=~/.zfunc in ~/.zshrc)
  strata completions fish > ~/.config/fish/completions/strata.fish")]
pub struct Args {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: Args, mut command: clap::Command) -> anyhow::Result<Outcome> {
    clap_complete::generate(args.shell, &mut command, "strata", &mut io::stdout());
    Ok(Outcome::Ok)
}
