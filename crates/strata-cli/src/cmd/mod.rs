//! One module per subcommand, each with `Args` and `run`.

pub mod cat;
pub mod convert;
pub mod dump;
pub mod info;
pub mod validate;

use std::path::Path;

use anyhow::Context;
use strata_reader::Corpus;

/// Opens a strata file by memory map, or reads standard input for `-`.
pub fn open_corpus(path: &Path) -> anyhow::Result<Corpus> {
    if path.as_os_str() == "-" {
        let bytes = crate::formats::Input::open(path)?.read_all().context("cannot read standard input")?;
        return Corpus::from_vec(bytes).context("<stdin>");
    }
    // SAFETY: strata never writes a file in place (it writes a new file and
    // renames it), so no strata command truncates or changes a file while
    // this map is alive; other programs doing so is the user's contract,
    // stated in the `strata_reader::Corpus::open` documentation.
    let corpus = unsafe { Corpus::open(path) };
    corpus.with_context(|| path.display().to_string())
}

/// Bytes as a short human figure: `1.5 MB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
