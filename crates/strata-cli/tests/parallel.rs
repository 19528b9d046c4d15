//! CoNLL-U read on several threads (`convert -j N` to a strata file: the
//! input cut into chunks of whole documents) gives exactly what one thread
//! gives: the same output bytes, messages, counts and exit status.
//! `STRATA_CHUNK_BYTES` makes chunks small, so that small inputs are cut at
//! every document.

mod common;

use std::path::Path;
use std::process::Output;

use common::{conllu_fixtures, text};

fn run(dir: &Path, args: &[&str], jobs: &str, chunk: Option<&str>, stdin: Option<&[u8]>) -> Output {
    let mut args = args.to_vec();
    args.extend_from_slice(&["-j", jobs, "--json"]);
    common::strata_env(dir, &args, &[("STRATA_CHUNK_BYTES", chunk)], stdin)
}

/// The JSON summary without its timing.
fn summary(stdout: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_else(|_| text(stdout).into());
    if let Some(o) = v.as_object_mut() {
        o.remove("seconds");
    }
    v
}

/// Converts `inputs` to `out.strata` on one thread, then on two and three
/// with small and default chunks; asserts that every run gives the same
/// result. Returns the one-thread run and its output.
fn assert_threads_agree(dir: &Path, inputs: &[&str], extra: &[&str], stdin: Option<&[u8]>) -> (Output, Vec<u8>) {
    let mut args = vec!["convert"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["-o", "out.strata"]);
    args.extend_from_slice(extra);
    std::fs::remove_file(dir.join("out.strata")).ok();
    let one = run(dir, &args, "1", None, stdin);
    let bytes = std::fs::read(dir.join("out.strata")).unwrap_or_default();
    for (jobs, chunk) in [("2", Some("1")), ("3", Some("1")), ("2", Some("3000")), ("2", None)] {
        std::fs::remove_file(dir.join("out.strata")).ok();
        let many = run(dir, &args, jobs, chunk, stdin);
        let what = format!("{inputs:?} {extra:?} -j {jobs}, chunks of {chunk:?} bytes");
        assert_eq!(many.status.code(), one.status.code(), "{what}: {}", text(&many.stderr));
        assert_eq!(text(&many.stderr), text(&one.stderr), "{what}: the messages differ");
        assert_eq!(summary(&many.stdout), summary(&one.stdout), "{what}: the summaries differ");
        let got = std::fs::read(dir.join("out.strata")).unwrap_or_default();
        assert!(got == bytes, "{what}: the output differs");
    }
    (one, bytes)
}

/// A treebank of many documents, some without ids, with bad sentences,
/// stray empty lines and a `# global.columns` line along the way. Every
/// eighth document is long (450 words), so that the reading threads hand
/// over both small and large documents (copied and swapped).
fn damaged_treebank() -> String {
    let words = "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t2:det\t_\n2\tcat\tcat\tNOUN\tNN\t_\t0\troot\t0:root\tSpaceAfter=No\n\
                 3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t2:punct\t_\n";
    let mut out = String::new();
    for d in 0..40 {
        match d % 5 {
            0 => out.push_str("# newdoc\n"),
            _ => out.push_str(&format!("# newdoc id = doc{d}\n")),
        }
        let sentences = if d % 8 == 3 { 150 } else { 3 };
        for s in 0..sentences {
            out.push_str(&format!("# sent_id = {d}-{s}\n# text = The cat.\n"));
            match (d * 3 + s) % 11 {
                // A wrong number of columns, and a cycle (a warning).
                3 => out.push_str("1\tThe\tthe\tDET\n"),
                6 => out.push_str(&words.replace("\t2\tdet", "\t3\tdet").replace("\t0\troot", "\t1\troot")),
                _ => out.push_str(words),
            }
            out.push('\n');
        }
        if d % 7 == 2 {
            out.push('\n');
        }
        if d % 13 == 5 {
            out.push_str("# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC\n");
        }
    }
    out
}

#[test]
fn treebanks_read_on_several_threads_as_on_one() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let files = conllu_fixtures();
    let names: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let (one, _) = assert_threads_agree(d, &names, &[], None);
    assert_status!(one, 0);
    assert_threads_agree(d, &names, &["--compress"], None);
    // One file of many documents, with problems.
    std::fs::write(d.join("bad.conllu"), damaged_treebank()).unwrap();
    let (one, bytes) = assert_threads_agree(d, &["bad.conllu"], &[], None);
    assert_status!(one, 1);
    let stderr = text(&one.stderr);
    assert!(stderr.contains("bad.conllu:") && stderr.contains("sentence left out"), "{stderr}");
    assert!(stderr.contains("warning"), "{stderr}");
    assert!(!bytes.is_empty());
    // With a good file after it, from standard input, and strict.
    assert_threads_agree(d, &["bad.conllu", names[0]], &[], None);
    assert_threads_agree(d, &["-", "--from", "conllu"], &[], Some(damaged_treebank().as_bytes()));
    let (one, bytes) = assert_threads_agree(d, &["bad.conllu"], &["--strict"], None);
    assert_status!(one, 2);
    assert!(bytes.is_empty(), "--strict writes nothing");
}

#[test]
fn threads_that_forget_their_strings_give_the_same_bytes() {
    // Sixteen threads share the reader's string memory (8 MiB), half a MiB
    // each: 24,000 distinct MISC values make every thread forget its
    // strings along the way, and the writer follow the new code spaces.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut input = String::new();
    let mut n = 0;
    for doc in 0..120 {
        input.push_str(&format!("# newdoc id = d{doc}\n"));
        for _ in 0..20 {
            for w in 1..=10 {
                n += 1;
                let head = if w == 1 { 0 } else { 1 };
                let rel = if w == 1 { "root" } else { "dep" };
                input.push_str(&format!("{w}\tw{n}\tw\tX\t_\t_\t{head}\t{rel}\t{head}:{rel}\tId=value-{n:08}\n"));
            }
            input.push('\n');
        }
    }
    std::fs::write(d.join("many.conllu"), input).unwrap();
    std::fs::remove_file(d.join("out.strata")).ok();
    let args = ["convert", "many.conllu", "-o", "out.strata"];
    let one = run(d, &args, "1", None, None);
    assert_status!(one, 0);
    let expected = std::fs::read(d.join("out.strata")).unwrap();
    for chunk in [Some("20000"), None] {
        let many = run(d, &args, "16", chunk, None);
        assert_status!(many, 0);
        assert!(std::fs::read(d.join("out.strata")).unwrap() == expected, "chunks of {chunk:?}: the output differs");
    }
}
