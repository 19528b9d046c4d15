//! The `merge` workload: `strata merge` against converting the same
//! documents from JSONL, and `strata cat` of one document from a small and
//! from a large file.
//!
//! 1. Builds the `strata` binary.
//! 2. Writes the seeded news corpus (paragraphs, sentences, tokens with
//!    attributes and dependency relations, entities) as [`PARTS`] JSONL
//!    files of about `--size-mb` MB together, and converts each part to a
//!    strata file (untimed).
//! 3. Times, [`RUNS`] times each: `strata convert` of the JSONL parts into
//!    one strata file (what merging costs without `merge`), `strata
//!    convert` of the strata parts (decoding and re-encoding every
//!    document), and `strata merge` of the strata parts (columns copied).
//! 4. Checks that all three outputs are the same bytes.
//! 5. Times `strata cat FILE N --format json` of the last document of the
//!    first part and of the merged file (one document read out of a small
//!    and a large file), and measures peak RSS of the merge.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use strata_reader::Corpus;

use crate::gen::Generator;
use crate::tagged::{build_strata, peak_rss, run_checked, same_bytes, time_runs, Timing, GNU_TIME, RUNS};
use crate::{int, mb, Result, MB, SEED};

/// Number of JSONL (and strata) parts the corpus is cut into.
const PARTS: usize = 4;

/// Runs the workload on about `size_mb` MB of JSONL.
pub fn run(dir: &Path, size_mb: u64, keep: bool) -> Result<()> {
    let strata = build_strata()?;
    fs::create_dir_all(dir)?;
    let dir = dir.canonicalize()?;
    let target = size_mb.saturating_mul(MB);

    eprintln!("writing {PARTS} JSONL parts, {} in all ...", mb(target));
    let mut generator = Generator::new(SEED);
    let (mut n, mut jsonl_bytes) = (0u64, 0u64);
    let mut parts = Vec::new();
    for p in 0..PARTS {
        let name = format!("part{p}.jsonl");
        let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join(&name))?);
        let part_target = target * (p as u64 + 1) / PARTS as u64;
        while jsonl_bytes < part_target {
            let line = strata_jsonl::document_line(&generator.document(n)) + "\n";
            out.write_all(line.as_bytes())?;
            jsonl_bytes += line.len() as u64;
            n += 1;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        parts.push(name);
    }
    let command = |args: &[&str]| {
        let mut cmd = Command::new(&strata);
        cmd.args(args).current_dir(&dir);
        cmd
    };
    eprintln!("converting each part to strata (untimed) ...");
    let mut strata_parts = Vec::new();
    for part in &parts {
        let out = part.replace(".jsonl", ".strata");
        run_checked(&mut command(&["convert", part, "-o", &out, "-q"]))?;
        strata_parts.push(out);
    }
    let strata_bytes: u64 = strata_parts.iter().map(|p| fs::metadata(dir.join(p)).map_or(0, |m| m.len())).sum();

    let with = |head: &[&str], inputs: &[String], tail: &[&str]| {
        let mut args: Vec<String> = head.iter().map(|s| s.to_string()).collect();
        args.extend(inputs.iter().cloned());
        args.extend(tail.iter().map(|s| s.to_string()));
        args
    };
    let from_jsonl = with(&["convert"], &parts, &["-o", "from-jsonl.strata", "-q"]);
    let reconverted = with(&["convert"], &strata_parts, &["-o", "reconverted.strata", "-q"]);
    let merged = with(&["merge"], &strata_parts, &["-o", "merged.strata", "-q"]);
    let as_cmd = |args: &Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        command(&args)
    };
    eprintln!("timing each command {RUNS} times ...");
    let timings = [
        time_runs("strata convert part*.jsonl -o one.strata", || as_cmd(&from_jsonl))?,
        time_runs("strata convert part*.strata -o one.strata", || as_cmd(&reconverted))?,
        time_runs("strata merge part*.strata -o one.strata", || as_cmd(&merged))?,
    ];
    let identical = same_bytes(&dir.join("merged.strata"), &dir.join("from-jsonl.strata"))?
        && same_bytes(&dir.join("merged.strata"), &dir.join("reconverted.strata"))?;

    // One document out of a small file and out of the large merged one.
    // SAFETY: the files were just written and nothing changes them.
    let small_docs = unsafe { Corpus::open(dir.join(&strata_parts[0]))? }.len();
    let big_docs = unsafe { Corpus::open(dir.join("merged.strata"))? }.len();
    if big_docs != n {
        return Err(format!("merged.strata holds {big_docs} documents, expected {n}").into());
    }
    let small_last = (small_docs - 1).to_string();
    let big_last = (big_docs - 1).to_string();
    let small_name = strata_parts[0].clone();
    let cats = [
        time_runs("strata cat part0.strata LAST --format json", || {
            command(&["cat", &small_name, &small_last, "--format", "json"])
        })?,
        time_runs("strata cat merged.strata LAST --format json", || {
            command(&["cat", "merged.strata", &big_last, "--format", "json"])
        })?,
    ];
    let rss = if Path::new(GNU_TIME).exists() { Some(peak_rss(as_cmd(&merged))?) } else { None };

    let secs = |t: &Timing| t.median.as_secs_f64();
    println!();
    println!("strata-bench merge");
    println!("machine: {} cores", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("files in: {}", dir.display());
    println!();
    println!("Merge: {PARTS} parts, {} documents (seed {SEED:#x}), warm page cache", int(n));
    println!("  JSONL parts             {:>12}", mb(jsonl_bytes));
    println!("  strata parts            {:>12}", mb(strata_bytes));
    println!();
    println!("  {:<48}{:>10}{:>10}", format!("command, {RUNS} runs each"), "median s", "min s");
    for t in timings.iter().chain(&cats) {
        println!("  {:<48}{:>10.3}{:>10.3}", t.label, secs(t), t.min.as_secs_f64());
    }
    println!();
    println!("  convert from JSONL / merge:   {:.1}x (medians)", secs(&timings[0]) / secs(&timings[2]));
    println!("  convert from strata / merge:  {:.1}x (medians)", secs(&timings[1]) / secs(&timings[2]));
    println!(
        "  merge throughput: {:.0} MB of strata input per second",
        strata_bytes as f64 / MB as f64 / secs(&timings[2])
    );
    println!(
        "  cat of the last document: {} documents: {:.1} ms, {} documents: {:.1} ms (ratio {:.2}x)",
        int(small_docs),
        secs(&cats[0]) * 1e3,
        int(big_docs),
        secs(&cats[1]) * 1e3,
        secs(&cats[1]) / secs(&cats[0])
    );
    println!("  merged.strata vs the two conversions: {}", if identical { "byte-identical" } else { "DIFFERENT" });
    match rss {
        Some(rss) => println!("  peak RSS of the merge ({GNU_TIME} -v): {} (mapped input pages count)", mb(rss)),
        None => println!("  peak RSS: not measured ({GNU_TIME} does not exist)"),
    }
    println!("  Times are wall clock from spawn to exit, process start-up and fsync included.");

    let started = Instant::now();
    if !keep {
        for p in parts.iter().chain(&strata_parts) {
            fs::remove_file(dir.join(p))?;
        }
        for p in ["from-jsonl.strata", "reconverted.strata", "merged.strata"] {
            fs::remove_file(dir.join(p))?;
        }
        let _ = fs::remove_dir(&dir);
        println!(
            "  deleted the generated files in {:.1} s (use --keep to keep them).",
            started.elapsed().as_secs_f64()
        );
    }
    if !identical {
        return Err("the merged file differs from the converted ones".into());
    }
    Ok(())
}
