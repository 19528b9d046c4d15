//! One module per subcommand, each with `Args` and `run`.

pub mod annotate;
pub mod cat;
pub mod completions;
pub mod convert;
pub mod dump;
pub mod info;
pub mod merge;
pub mod validate;

use std::path::Path;

use anyhow::{bail, Context};
use strata_format::Schema;
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

/// Whether strata documents go to CoNLL-U in place (`convert`, `cat`),
/// without the copy every other output takes. The environment variable
/// `STRATA_EXPORT_COPY` turns it off, for tests and measurements: the
/// output, messages and counts are the same either way.
pub fn export_in_place() -> bool {
    std::env::var_os("STRATA_EXPORT_COPY").is_none()
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

/// Adds `add`'s fields, layers and metadata to `into`, in order.
pub fn merge_schema(into: &mut Schema, add: Schema, name: &str) -> anyhow::Result<()> {
    for f in add.fields {
        match into.field_index(&f.name).map(|i| into.fields[i].ty) {
            Some(ty) if ty != f.ty => {
                bail!("{name}: field {:?} is a {} here but a {} in an earlier input", f.name, f.ty.name(), ty.name())
            }
            Some(_) => {}
            None => into.fields.push(f),
        }
    }
    for l in add.layers {
        let ix = match into.layer_index(&l.name) {
            Some(ix) => ix,
            None => {
                into.layers.push(strata_format::LayerDef { attrs: Vec::new(), ..l.clone() });
                into.layers.len() - 1
            }
        };
        let have = &mut into.layers[ix];
        for a in l.attrs {
            match have.attr_index(&a.name).map(|i| have.attrs[i].ty) {
                Some(ty) if ty != a.ty => bail!(
                    "{name}: attribute {:?} of layer {:?} is a {} here but a {} in an earlier input",
                    a.name,
                    l.name,
                    a.ty.name(),
                    ty.name()
                ),
                Some(_) => {}
                None => have.attrs.push(a),
            }
        }
    }
    for (k, v) in add.corpus_metadata {
        if !into.corpus_metadata.iter().any(|(n, _)| *n == k) {
            into.corpus_metadata.push((k, v));
        }
    }
    Ok(())
}
