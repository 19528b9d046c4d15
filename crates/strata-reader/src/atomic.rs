//! Output files that appear whole or not at all.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file written under a temporary name in the destination's folder and
/// renamed over the destination by [`AtomicFile::commit`], after an fsync.
///
/// Until then the destination keeps its previous content (or stays absent).
/// Dropping an uncommitted `AtomicFile` deletes the temporary file; after a
/// crash or `SIGKILL`, a leftover is named `.<name>.strata-tmp-XXXXXX` so a
/// user can tell what it was.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile<BufWriter<File>>,
    dest: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file beside `dest`.
    ///
    /// # Errors
    /// When the folder does not exist or is not writable.
    pub fn create(dest: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let dest = dest.as_ref().to_path_buf();
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.strata-tmp-"))
            .make_in(&dir, |path| File::create_new(path).map(|f| BufWriter::with_capacity(1 << 20, f)))?;
        Ok(AtomicFile { tmp, dest })
    }

    /// The temporary file's path, for a signal handler that must remove it
    /// (a killed process runs no destructors).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Flushes, fsyncs, and renames the file to its destination.
    ///
    /// # Errors
    /// When flushing, syncing or renaming fails; the destination is then
    /// unchanged.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.tmp.as_file_mut();
        file.flush()?;
        file.get_ref().sync_all()?;
        let dest = self.dest.clone();
        self.tmp.persist(&dest).map_err(|e| e.error)?;
        // Make the rename itself durable where the platform allows it.
        if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Writes go to the temporary file, through a 1 MiB buffer.
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.as_file_mut().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.as_file_mut().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.as_file_mut().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.strata");
        std::fs::write(&dest, b"previous").unwrap();
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"new content").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"previous");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"new content");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropping_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.strata");
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
