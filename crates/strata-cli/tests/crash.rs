//! `strata convert` and `strata merge` killed with SIGKILL at random
//! moments never leave a partial file under the output name: it holds the
//! previous complete file, byte for byte, or the new complete one, which
//! `strata validate` accepts. A kill can leave a temporary file behind
//! (no destructor runs), and then only one named `.NAME.strata-tmp-*`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{strata, text};

/// Kills in total, shared between convert and merge.
const KILLS: usize = 100;
const CONVERT_KILLS: usize = 60;
/// Articles in the generated stream: about 2.5 MB.
const ARTICLES: usize = 1200;

/// xorshift64*: the delays are seeded, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// A stream of tagged articles: header line, paragraphs, a sub-heading.
fn tagged_stream(articles: usize, seed: u64) -> String {
    const WORDS: [&str; 10] = ["talks", "resume", "in", "Geneva", "delegations", "met", "on", "Friday", "snow", "fell"];
    let mut rng = Rng(seed);
    let mut out = String::new();
    for a in 0..articles {
        let day = 1 + a % 28;
        out.push_str(&format!(" date 2025-04-{day:02} Report number {a} from the wires\n\n"));
        for p in 0..4 {
            if p == 2 {
                out.push_str("Next steps\n\n");
            }
            for w in 0..60 {
                if w > 0 {
                    out.push(' ');
                }
                out.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]);
            }
            out.push_str(".\n\n");
        }
    }
    out
}

/// Runs `strata` to completion and returns how long it took.
fn timed(dir: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = strata(dir, args);
    assert_status!(out, 0);
    start.elapsed()
}

/// One kind of run to interrupt: its arguments, its output name, what the
/// output held before and what a complete run writes.
struct Case<'a> {
    args: &'a [&'a str],
    output: &'a str,
    previous: Vec<u8>,
    complete: Vec<u8>,
    /// How long an uninterrupted run takes here.
    duration: Duration,
}

#[derive(Default, Debug)]
struct Tally {
    previous: usize,
    new_killed: usize,
    new_finished: usize,
    leftovers: usize,
}

/// Starts the run, kills it after `delay`, and checks the output folder.
fn kill_once(dir: &Path, case: &Case<'_>, delay: Duration, known: &[String], tally: &mut Tally) {
    let out_path = dir.join(case.output);
    std::fs::write(&out_path, &case.previous).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(case.args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    // SIGKILL: no handler, no destructor, no cleanup.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let finished = status.success();

    let got = std::fs::read(&out_path).unwrap();
    if got == case.previous {
        assert!(!finished, "{:?} finished but left the previous output", case.args);
        tally.previous += 1;
    } else {
        assert!(
            got == case.complete,
            "{:?} killed after {delay:?}: {} holds {} bytes, neither the previous file ({} bytes) nor the complete \
             one ({} bytes)",
            case.args,
            case.output,
            got.len(),
            case.previous.len(),
            case.complete.len()
        );
        let out = strata(dir, &["validate", case.output]);
        assert_status!(out, 0);
        if finished {
            tally.new_finished += 1;
        } else {
            tally.new_killed += 1;
        }
    }

    let prefix = format!(".{}.strata-tmp-", case.output);
    for name in common::files_in(dir) {
        if known.contains(&name) {
            continue;
        }
        assert!(name.starts_with(&prefix), "unexpected file {name:?} after killing {:?}", case.args);
        tally.leftovers += 1;
        std::fs::remove_file(dir.join(&name)).unwrap();
    }
}

#[test]
fn killed_convert_and_merge_leave_the_old_or_the_new_file_never_a_partial_one() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("stream.txt"), tagged_stream(ARTICLES, 1)).unwrap();
    std::fs::write(d.join("a.txt"), tagged_stream(ARTICLES / 2, 2)).unwrap();
    std::fs::write(d.join("b.txt"), tagged_stream(ARTICLES / 2, 3)).unwrap();
    std::fs::write(d.join("small.txt"), tagged_stream(3, 4)).unwrap();
    for (input, output) in [("a.txt", "a.strata"), ("b.txt", "b.strata"), ("small.txt", "small.strata")] {
        timed(d, &["convert", input, "-o", output, "-q"]);
    }
    let previous = std::fs::read(d.join("small.strata")).unwrap();

    // Complete runs: what a finished run writes, and how long it takes, so
    // that the kills spread over the whole run.
    let convert_args = ["convert", "stream.txt", "-o", "out.strata", "-q"];
    std::fs::write(d.join("out.strata"), &previous).unwrap();
    let convert_time = timed(d, &convert_args);
    let merge_args = ["merge", "a.strata", "b.strata", "-o", "merged.strata", "-q"];
    std::fs::write(d.join("merged.strata"), &previous).unwrap();
    let merge_time = timed(d, &merge_args);
    let cases = [
        Case {
            args: &convert_args,
            output: "out.strata",
            previous: previous.clone(),
            complete: std::fs::read(d.join("out.strata")).unwrap(),
            duration: convert_time,
        },
        Case {
            args: &merge_args,
            output: "merged.strata",
            previous: previous.clone(),
            complete: std::fs::read(d.join("merged.strata")).unwrap(),
            duration: merge_time,
        },
    ];
    for case in &cases {
        assert_ne!(case.complete, case.previous);
    }
    let known = common::files_in(d);

    let mut rng = Rng(0x6b69_6c6c_2025);
    let mut tallies = [Tally::default(), Tally::default()];
    for k in 0..KILLS {
        let which = usize::from(k >= CONVERT_KILLS);
        let case = &cases[which];
        // Anywhere from the start to the usual end, so that some runs are
        // caught around the rename and some finish.
        let micros = case.duration.as_micros() as u64;
        let delay = Duration::from_micros(rng.next() % micros.max(1));
        kill_once(d, case, delay, &known, &mut tallies[which]);
    }
    // Most kills must land inside a run, or the test proves little.
    for (case, tally) in cases.iter().zip(&tallies) {
        eprintln!("{}: {tally:?} (a complete run takes {:?})", case.args[0], case.duration);
        assert!(tally.previous > 0, "{}: no kill landed before the rename: {tally:?}", case.args[0]);
    }
    let out = strata(d, &["validate", "out.strata"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
