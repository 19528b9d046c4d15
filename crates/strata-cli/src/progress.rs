//! The progress bar of long runs: on standard error when it is a terminal,
//! never otherwise (so logs and pipes stay clean), silenced by `-q`.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Bytes read from every input so far, by whichever thread reads.
pub static BYTES_READ: AtomicU64 = AtomicU64::new(0);
/// Inputs started so far.
pub static INPUTS_STARTED: AtomicU64 = AtomicU64::new(0);

/// A bar over the bytes of the inputs (or a spinner when their size is
/// unknown, as for standard input), with documents and inputs in its
/// message.
pub struct Progress {
    bar: Option<ProgressBar>,
    inputs: u64,
}

impl Progress {
    /// A bar when `enabled` and standard error is a terminal; `total` is the
    /// input size in bytes when known.
    pub fn new(enabled: bool, total: Option<u64>, inputs: u64) -> Progress {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress { bar: None, inputs };
        }
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8))
                .with_style(
                    ProgressStyle::with_template(
                        "{elapsed:>3} [{bar:20}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8)).with_style(
                ProgressStyle::with_template("{elapsed:>4} {spinner} {bytes} {bytes_per_sec}  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress { bar: Some(bar), inputs }
    }

    /// Shows the bytes read so far and `documents` done.
    pub fn update(&self, documents: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(BYTES_READ.load(Ordering::Relaxed));
            let started = INPUTS_STARTED.load(Ordering::Relaxed).min(self.inputs);
            bar.set_message(if self.inputs > 1 {
                format!("{documents} docs, input {started}/{}", self.inputs)
            } else {
                format!("{documents} docs")
            });
        }
    }

    /// Prints a line on standard error above the bar. Each line takes the
    /// lock on standard error only while it is written: the bar's ticking
    /// thread needs it too.
    pub fn println(&self, line: &str) {
        match &self.bar {
            // A closed standard error is no reason to stop converting.
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(std::io::stderr(), "{line}");
            }),
            None => {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
    }

    /// Removes the bar, before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Counts the bytes read through it into [`BYTES_READ`].
pub struct Counted<R>(pub R);

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        BYTES_READ.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
