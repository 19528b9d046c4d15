//! The `tagged` workload: conversion throughput of tagged news articles.
//!
//! 1. Builds the `strata` binary (`cargo build --release -p strata-cli`).
//! 2. Streams a seeded stream of tagged articles (`spec/TAGGED.md`) of at
//!    least `--size-mb` MB to `DIR/stream.txt`, one article at a time.
//! 3. Warms the page cache (one untimed `cat`), then times each command
//!    [`RUNS`] times as a child process, wall clock around
//!    `std::process::Command`: `wc -l`, `cat > /dev/null`, `strata convert`
//!    to a strata file and back to text (export).
//! 4. Checks the results: `wc -l` counts the generated lines, the strata file
//!    holds one document per article, and the exported text is byte-identical
//!    to the input.
//! 5. Runs each conversion once more under `/usr/bin/time -v`, when it
//!    exists, for the peak RSS.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use strata_reader::Corpus;

use crate::gen::Generator;
use crate::{int, mb, Result, MB, SEED};

/// How often each command is timed.
pub(crate) const RUNS: usize = 5;
/// GNU time, for the peak RSS of a child process.
pub(crate) const GNU_TIME: &str = "/usr/bin/time";

/// The generated input.
struct Stream {
    bytes: u64,
    articles: u64,
    lines: u64,
    /// Wall time of generating and writing the file.
    time: Duration,
}

/// Median and minimum of [`RUNS`] runs of one command.
pub(crate) struct Timing {
    pub(crate) label: String,
    pub(crate) median: Duration,
    pub(crate) min: Duration,
}

/// Runs the workload: generates `size_mb` MB of articles in `dir`, times the
/// commands, prints the table, and deletes the files unless `keep`.
pub fn run(dir: &Path, size_mb: u64, keep: bool) -> Result<()> {
    let strata = build_strata()?;
    fs::create_dir_all(dir)?;
    let dir = dir.canonicalize()?;
    let input = dir.join("stream.txt");
    let output = dir.join("out.strata");
    let back = dir.join("back.txt");

    if cfg!(debug_assertions) {
        eprintln!("note: this is a debug build of strata-bench; generating the input is slow (use --release)");
    }
    let stream = generate(&input, size_mb.saturating_mul(MB))?;

    // Every command runs in `dir` with relative names, as one would type it.
    let command = |program: &Path, args: &[&str]| {
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(&dir);
        cmd
    };
    let wc = || command(Path::new("wc"), &["-l", "stream.txt"]);
    let cat = || {
        let mut cmd = command(Path::new("cat"), &["stream.txt"]);
        cmd.stdout(Stdio::null()); // what `> /dev/null` does
        cmd
    };
    let convert = || command(&strata, &["convert", "stream.txt", "-o", "out.strata", "-q"]);
    let export = || command(&strata, &["convert", "out.strata", "-o", "back.txt", "-q"]);

    eprintln!("warming the page cache (one untimed cat) ...");
    run_checked(&mut cat())?;
    eprintln!("timing each command {RUNS} times ...");
    let timings = [
        time_runs("wc -l stream.txt", wc)?,
        time_runs("cat stream.txt > /dev/null", cat)?,
        time_runs("strata convert stream.txt -o out.strata -q", convert)?,
        time_runs("strata convert out.strata -o back.txt -q", export)?,
    ];

    // The results are checked after timing, so checking costs no cache.
    let counted = String::from_utf8_lossy(&run_checked(&mut wc())?.stdout).split_whitespace().next().map(str::to_owned);
    if counted.as_deref() != Some(stream.lines.to_string().as_str()) {
        return Err(format!("wc -l says {counted:?} lines, the generator wrote {}", stream.lines).into());
    }
    // SAFETY: the file was just written and nothing changes it while mapped.
    let docs = unsafe { Corpus::open(&output)? }.len();
    if docs != stream.articles {
        return Err(format!("out.strata holds {docs} documents, expected {} articles", stream.articles).into());
    }
    let identical = same_bytes(&input, &back)?;
    let strata_bytes = fs::metadata(&output)?.len();

    let rss = if Path::new(GNU_TIME).exists() {
        eprintln!("measuring peak RSS under {GNU_TIME} -v ...");
        Some((peak_rss(convert())?, peak_rss(export())?))
    } else {
        None
    };

    print_report(&dir, &strata, &stream, strata_bytes, &timings, identical, rss);

    if keep {
        println!("  kept the generated files (--keep).");
    } else {
        for p in [&input, &output, &back] {
            fs::remove_file(p)?;
        }
        // Only succeeds when the folder holds nothing else.
        let _ = fs::remove_dir(&dir);
        println!("  deleted the generated files (use --keep to keep them).");
    }
    if !identical {
        return Err("back.txt differs from stream.txt: the round trip is not lossless".into());
    }
    Ok(())
}

/// Builds the release `strata` binary with cargo and returns its path,
/// `target/release/strata` of the target folder this benchmark runs from.
pub(crate) fn build_strata() -> Result<PathBuf> {
    eprintln!("building the strata binary: cargo build --release -p strata-cli ...");
    // `cargo run` tells its child which cargo it is.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status =
        Command::new(cargo).args(["build", "--release", "-p", "strata-cli"]).current_dir(workspace).status()?;
    if !status.success() {
        return Err(format!("`cargo build --release -p strata-cli` failed ({status})").into());
    }
    // This program is `<target>/<profile>/strata-bench`.
    let exe = std::env::current_exe()?;
    let target = exe.parent().and_then(Path::parent).ok_or("cannot find the target folder")?;
    let strata = target.join("release").join("strata");
    if !strata.is_file() {
        return Err(format!("{} does not exist after the build", strata.display()).into());
    }
    Ok(strata)
}

/// Writes articles to `path` until at least `target` bytes are written. Only
/// the current article is in memory; whole articles only, so the file ends
/// up slightly larger than `target`.
fn generate(path: &Path, target: u64) -> Result<Stream> {
    eprintln!("writing {} ({} of tagged articles) ...", path.display(), mb(target));
    let started = Instant::now();
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut generator = Generator::new(SEED);
    let mut article = String::new();
    let (mut bytes, mut articles, mut lines) = (0u64, 0u64, 0u64);
    // Progress lines for big files only, every tenth of the way.
    let mut next_progress = if target >= 100 * MB { target / 10 } else { u64::MAX };
    while bytes < target {
        article.clear();
        lines += generator.tagged_article(&mut article);
        out.write_all(article.as_bytes())?;
        bytes += article.len() as u64;
        articles += 1;
        if bytes >= next_progress && bytes < target {
            eprintln!(
                "  {:>3.0}% after {:.1} s",
                100.0 * bytes as f64 / target as f64,
                started.elapsed().as_secs_f64()
            );
            next_progress += target / 10;
        }
    }
    // Synced, so that its write-back does not overlap the timed runs.
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    let time = started.elapsed();
    eprintln!("  done: {} articles, {} in {:.2} s", int(articles), mb(bytes), time.as_secs_f64());
    Ok(Stream { bytes, articles, lines, time })
}

/// Runs a command to completion; an error, with its standard error, unless
/// it succeeds. Standard output is captured unless the command redirects it.
pub(crate) fn run_checked(cmd: &mut Command) -> Result<std::process::Output> {
    let out = cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{cmd:?} failed ({}): {}", out.status, stderr.trim_end()).into());
    }
    Ok(out)
}

/// Times [`RUNS`] runs of the command `make` builds: wall clock from spawn
/// to exit.
pub(crate) fn time_runs(label: &str, make: impl Fn() -> Command) -> Result<Timing> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let mut cmd = make();
        let t = Instant::now();
        run_checked(&mut cmd)?;
        times.push(t.elapsed());
    }
    times.sort_unstable();
    eprintln!("  {label}: median {:.3} s", times[RUNS / 2].as_secs_f64());
    Ok(Timing { label: label.to_string(), median: times[RUNS / 2], min: times[0] })
}

/// Whether two files hold the same bytes, read 1 MiB at a time.
pub(crate) fn same_bytes(a: &Path, b: &Path) -> Result<bool> {
    if fs::metadata(a)?.len() != fs::metadata(b)?.len() {
        return Ok(false);
    }
    let (mut a, mut b) = (File::open(a)?, File::open(b)?);
    let (mut buf_a, mut buf_b) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = read_full(&mut a, &mut buf_a)?;
        if n != read_full(&mut b, &mut buf_b)? || buf_a[..n] != buf_b[..n] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Fills `buf` as far as the file allows; fewer bytes only at its end.
fn read_full(file: &mut File, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Peak resident set size in bytes of one run of `cmd`, from
/// `/usr/bin/time -v` ("Maximum resident set size (kbytes)", in KiB).
pub(crate) fn peak_rss(cmd: Command) -> Result<u64> {
    let mut timed = Command::new(GNU_TIME);
    timed.arg("-v").arg(cmd.get_program()).args(cmd.get_args()).stdout(Stdio::null());
    if let Some(dir) = cmd.get_current_dir() {
        timed.current_dir(dir);
    }
    let out = run_checked(&mut timed)?;
    let report = String::from_utf8_lossy(&out.stderr);
    let kib = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or("no peak RSS in the output of /usr/bin/time -v")?;
    Ok(kib * 1024)
}

fn print_report(
    dir: &Path,
    strata: &Path,
    stream: &Stream,
    strata_bytes: u64,
    timings: &[Timing],
    identical: bool,
    rss: Option<(u64, u64)>,
) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let secs = |d: Duration| d.as_secs_f64();
    let rate = |d: Duration| stream.bytes as f64 / MB as f64 / secs(d);
    println!();
    println!("strata-bench tagged");
    println!("machine: {cores} cores, {} {}", std::env::consts::OS, std::env::consts::ARCH);
    println!("strata binary: {}", strata.display());
    println!("files in: {}", dir.display());
    println!("units: 1 MB = 10^6 bytes; MB/s = MB of stream.txt per second, for every command");
    println!();
    println!("Conversion throughput: tagged news articles (seed {SEED:#x}), warm page cache");
    println!("  input MB                {:>12.1}   ({} bytes)", stream.bytes as f64 / MB as f64, int(stream.bytes));
    println!("  articles                {:>12}", int(stream.articles));
    println!("  lines                   {:>12}", int(stream.lines));
    println!("  out.strata MB           {:>12.1}", strata_bytes as f64 / MB as f64);
    println!(
        "  generation (untimed below) {:>9.2} s  ({:.1} MB/s, written and synced to disk)",
        secs(stream.time),
        rate(stream.time)
    );
    println!();
    println!(
        "  {:<44}{:>10}{:>10}{:>12}{:>12}",
        format!("command, {RUNS} runs each"),
        "median s",
        "min s",
        "MB/s med",
        "MB/s best"
    );
    for t in timings {
        println!(
            "  {:<44}{:>10.3}{:>10.3}{:>12.1}{:>12.1}",
            t.label,
            secs(t.median),
            secs(t.min),
            rate(t.median),
            rate(t.min)
        );
    }
    let (wc, convert) = (&timings[0], &timings[2]);
    println!();
    println!(
        "  strata convert time / wc -l time: {:.1}x (medians), {:.1}x (minimums)",
        secs(convert.median) / secs(wc.median),
        secs(convert.min) / secs(wc.min)
    );
    println!(
        "  back.txt vs stream.txt: {}",
        if identical { "byte-identical" } else { "DIFFERENT (the round trip lost bytes)" }
    );
    match rss {
        Some((convert, export)) => {
            println!("  peak RSS ({GNU_TIME} -v, one extra run each): convert {}, export {}", mb(convert), mb(export));
            // The export reads out.strata through a memory map, and the
            // mapped pages it touches count as resident.
            println!("  (RSS includes the pages of a memory-mapped input: the export maps out.strata)");
        }
        None => println!("  peak RSS: not measured ({GNU_TIME} does not exist)"),
    }
    println!(
        "  Times are wall clock from spawn to exit of the child process, so they include\n  \
         process start-up. The input was read once before timing, so it is in the page cache.\n  \
         strata convert fsyncs its output before renaming it into place; that is in its times."
    );
}
