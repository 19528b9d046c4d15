//! A folder of `.txt` + `.ann` pairs as a corpus.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// One document of a folder: its id and its two files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The path relative to the folder, without extension, `/`-separated:
    /// `news/0001` for `news/0001.txt` and `news/0001.ann`.
    pub id: String,
    /// The `.txt`, if there is one (a `.ann` without it is an error for the
    /// caller to report).
    pub txt: Option<PathBuf>,
    /// The `.ann`, if there is one (a `.txt` without it has no
    /// annotations: parse it with an empty `.ann`).
    pub ann: Option<PathBuf>,
}

/// Lists the `.txt` and `.ann` files under `dir`, recursively, paired by
/// path without extension, sorted by id (byte order) so that a corpus is
/// built the same way on every machine. Hidden entries (names starting with
/// `.`) are skipped; other files are ignored.
///
/// # Errors
/// The first I/O error reading a directory.
pub fn find_pairs(dir: &Path) -> io::Result<Vec<Pair>> {
    let mut found: BTreeMap<String, Pair> = BTreeMap::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&path)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let full = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push((full, format!("{prefix}{name}/")));
                continue;
            }
            let Some((stem, ext)) = name.rsplit_once('.') else { continue };
            if ext != "txt" && ext != "ann" {
                continue;
            }
            let id = format!("{prefix}{stem}");
            let pair = found.entry(id.clone()).or_insert(Pair { id, txt: None, ann: None });
            if ext == "txt" {
                pair.txt = Some(full);
            } else {
                pair.ann = Some(full);
            }
        }
    }
    Ok(found.into_values().collect())
}
