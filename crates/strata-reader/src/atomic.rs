//! Output files that appear whole or not at all.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// A file written under a temporary name in the destination's folder and
/// renamed over the destination by [`AtomicFile::commit`], after an fsync.
///
/// Until then the destination keeps its previous content (or stays absent).
/// Dropping an uncommitted `AtomicFile` deletes the temporary file; after a
/// crash or `SIGKILL`, a leftover is named `.<name>.strata-tmp-XXXXXX` so a
/// user can tell what it was.
///
/// A large file is written back to disk while it is being written: every
/// [`WRITE_BACK_EVERY`] bytes, a thread of its own syncs what has been
/// written so far, so that the fsync of `commit` waits only for the last
/// bytes, not for the whole file (the disk works while the caller does).
pub struct AtomicFile {
    /// Dropped first: the thread and its handle go before the file.
    write_back: Option<WriteBack>,
    tmp: tempfile::NamedTempFile<BufWriter<File>>,
    dest: PathBuf,
    /// Bytes written since write-back was last asked for.
    unsynced: u64,
}

/// How many bytes are written between two requests to write the file back.
pub const WRITE_BACK_EVERY: u64 = 8 << 20;

/// The thread that syncs the file on request. Requests that come while it
/// syncs are merged into the next sync; the first error is kept for
/// `commit` (after a failed fsync, a later one may succeed although data
/// was lost).
struct WriteBack {
    /// `None` once finished.
    requests: Option<mpsc::SyncSender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl WriteBack {
    fn start(file: File) -> io::Result<WriteBack> {
        let (requests, received) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new().name("write-back".into()).spawn(move || {
            let mut result = Ok(());
            for () in received {
                if result.is_ok() {
                    result = file.sync_data();
                }
            }
            result
        })?;
        Ok(WriteBack { requests: Some(requests), thread: Some(thread) })
    }

    /// Asks for a sync; when one is pending already, it covers these bytes.
    fn request(&self) {
        if let Some(requests) = &self.requests {
            let _ = requests.try_send(());
        }
    }

    /// Stops the thread once its sync (if any) is done, with its result.
    fn finish(&mut self) -> io::Result<()> {
        self.requests = None;
        match self.thread.take() {
            Some(thread) => thread.join().unwrap_or_else(|_| Err(io::Error::other("the write-back thread panicked"))),
            None => Ok(()),
        }
    }
}

/// An uncommitted file stops its thread before the temporary file goes.
impl Drop for WriteBack {
    fn drop(&mut self) {
        let _ = self.finish();
    }
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
        Ok(AtomicFile { write_back: None, tmp, dest, unsynced: 0 })
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
        if let Some(mut write_back) = self.write_back.take() {
            write_back.finish()?;
        }
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

    /// Counts written bytes, and asks for write-back every
    /// [`WRITE_BACK_EVERY`] of them (starting the thread the first time).
    /// Write-back only saves time: when the thread cannot start (no file
    /// handle or thread to spare), writing goes on without it and `commit`
    /// syncs everything, as it always does.
    fn wrote(&mut self, n: usize) {
        self.unsynced += n as u64;
        if self.unsynced < WRITE_BACK_EVERY {
            return;
        }
        self.unsynced = 0;
        if self.write_back.is_none() {
            let file = self.tmp.as_file().get_ref().try_clone();
            self.write_back = file.and_then(WriteBack::start).ok();
        }
        if let Some(write_back) = &self.write_back {
            write_back.request();
        }
    }
}

/// Writes go to the temporary file, through a 1 MiB buffer.
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.tmp.as_file_mut().write(buf)?;
        self.wrote(n);
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.as_file_mut().write_all(buf)?;
        self.wrote(buf.len());
        Ok(())
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
    fn a_large_file_written_back_as_it_grows_commits_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.strata");
        let mut f = AtomicFile::create(&dest).unwrap();
        let block: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        // Past the write-back threshold a few times, in uneven writes.
        let mut expected = Vec::new();
        for k in 0..((3 * WRITE_BACK_EVERY as usize) >> 20) + 1 {
            let part = &block[..block.len() - k];
            f.write_all(part).unwrap();
            expected.extend_from_slice(part);
        }
        assert!(f.write_back.is_some(), "write-back started");
        assert!(!dest.exists());
        f.commit().unwrap();
        assert!(std::fs::read(&dest).unwrap() == expected);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropping_a_large_file_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.strata");
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(&vec![7u8; WRITE_BACK_EVERY as usize + 1]).unwrap();
        assert!(f.write_back.is_some());
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
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
