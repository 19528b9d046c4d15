//! Temporary outputs removed when the user interrupts a run.
//!
//! Outputs are written under temporary names and renamed into place when
//! complete (`strata_reader::AtomicFile`). Dropping one removes it, but
//! Ctrl-C (SIGINT) or SIGTERM end the process without running destructors,
//! so live temporary paths are listed here and the signal handler removes
//! them before exiting with status 130. SIGKILL cannot be caught: its
//! leftovers are named `.NAME.strata-tmp-XXXXXX` so a user knows them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use anyhow::Context;
use strata_reader::AtomicFile;

static LIVE: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(Mutex::default);

/// Installs the handler. Called once, before any output is created.
pub fn install() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        // A poisoned lock still holds the list.
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        for path in live.iter() {
            let _ = std::fs::remove_file(path);
        }
        // Not `eprintln!`: the interrupted thread may hold the lock on
        // standard error for the whole run, and this thread would wait for
        // it forever. A fresh handle on the same stream needs no lock.
        if let Ok(mut err) = std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
            let _ = std::io::Write::write_all(&mut err, b"\nstrata: interrupted; no output was written\n");
        }
        std::process::exit(130);
    })
    .context("cannot install the Ctrl-C handler")
}

/// An [`AtomicFile`] whose temporary file the signal handler removes.
pub struct Tracked {
    /// `None` once committed.
    file: Option<AtomicFile>,
    tmp: PathBuf,
}

impl Tracked {
    /// Creates the temporary file beside `dest` and lists it.
    pub fn create(dest: &Path) -> std::io::Result<Tracked> {
        // Created under the lock, so the handler cannot run between the
        // file's creation and its listing.
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        let file = AtomicFile::create(dest)?;
        let tmp = file.temp_path().to_path_buf();
        live.insert(tmp.clone());
        drop(live);
        Ok(Tracked { file: Some(file), tmp })
    }

    /// Renames the file into place and unlists it.
    pub fn commit(mut self) -> std::io::Result<()> {
        // The rename happens under the lock, so the handler runs wholly
        // before it (and removes the temporary file) or wholly after it
        // (and removes the destination, when a folder output listed it).
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        let result = self.file.take().map_or(Ok(()), AtomicFile::commit);
        live.remove(&self.tmp);
        result
    }
}

impl std::io::Write for Tracked {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("the file is already committed")),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(buf),
            None => Err(std::io::Error::other("the file is already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |f| f.flush())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        forget(&self.tmp);
    }
}

/// Lists a complete file of a folder output, removed too if the run is
/// interrupted before [`forget`] says the run is done with it.
pub fn remove_if_interrupted(path: &Path) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf());
}

/// Unlists a path.
pub fn forget(path: &Path) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).remove(path);
}
