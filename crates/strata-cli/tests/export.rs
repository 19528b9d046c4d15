//! Strata corpora to CoNLL-U are written in place (`strata convert`,
//! `strata cat --format conllu`), without the copy every other output
//! takes. `STRATA_EXPORT_COPY` turns that off: both ways must give the same
//! output, messages, counts and exit status, on good corpora and bad ones,
//! whatever the number of threads.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{conllu_fixtures, fixture, strata, text};

/// `strata` in `dir`, in place or through copies.
fn run(dir: &Path, args: &[&str], copy: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    // Small batches, so that small corpora are rendered in many batches on
    // several threads.
    cmd.args(args).current_dir(dir).stdin(Stdio::null()).env("STRATA_EXPORT_BATCH_BYTES", "1500");
    if copy {
        cmd.env("STRATA_EXPORT_COPY", "1");
    } else {
        cmd.env_remove("STRATA_EXPORT_COPY");
    }
    cmd.output().expect("strata runs")
}

/// The JSON summary without its timing.
fn summary(stdout: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_else(|_| text(stdout).into());
    if let Some(o) = v.as_object_mut() {
        o.remove("seconds");
    }
    v
}

/// `convert INPUTS -o out.conllu` both ways, with and without threads:
/// returns the exit status, the messages and the output.
fn convert_both_ways(dir: &Path, inputs: &[&str]) -> (Option<i32>, String, Vec<u8>) {
    let mut seen = None;
    for (copy, jobs) in [(true, "1"), (true, "2"), (false, "1"), (false, "2")] {
        let out_name = format!("out-{copy}-{jobs}.conllu");
        let mut args = vec!["convert"];
        args.extend_from_slice(inputs);
        args.extend_from_slice(&["-o", &out_name, "-j", jobs, "--json"]);
        let out = run(dir, &args, copy);
        let mut summary = summary(&out.stdout);
        // A corpus too damaged to open has an error, not a summary.
        if let Some(o) = summary.as_object_mut() {
            o.insert("output".into(), "out".into());
        }
        let written = std::fs::read(dir.join(&out_name)).unwrap_or_default();
        let this = (out.status.code(), text(&out.stderr), summary, written);
        match &seen {
            None => seen = Some(this),
            Some(first) => assert!(
                *first == this,
                "{inputs:?}: copy {copy}, -j {jobs} differs:\n{:?}\n--- against ---\n{:?}",
                (this.0, &this.1, &this.2),
                (first.0, &first.1, &first.2)
            ),
        }
    }
    let (code, messages, _, written) = seen.unwrap();
    (code, messages, written)
}

/// `cat FILE --format conllu` (and a selection) both ways.
fn cat_both_ways(dir: &Path, file: &str) -> (Option<i32>, String, Vec<u8>) {
    let mut first = None;
    for args in [vec!["cat", file, "--format", "conllu"], vec!["cat", file, "--format", "conllu", "1", "0", "7"]] {
        let copied = run(dir, &args, true);
        let in_place = run(dir, &args, false);
        assert_eq!(copied.status.code(), in_place.status.code(), "{args:?}");
        assert_eq!(text(&copied.stderr), text(&in_place.stderr), "{args:?}");
        assert!(copied.stdout == in_place.stdout, "{args:?}: the output differs");
        first.get_or_insert((copied.status.code(), text(&copied.stderr), copied.stdout));
    }
    first.unwrap()
}

/// CoNLL-U of `n` small documents `doc{first}`, `doc{first + 1}`, ...: enough
/// of them that an export renders them in batches on several threads.
fn many_documents(first: usize, n: usize) -> String {
    let mut out = String::new();
    for k in first..first + n {
        let (form, lemma) = if k % 3 == 0 { ("Talks", "talk") } else { ("Ties", "tie") };
        out.push_str(&format!(
            "# newdoc id = doc{k}\n# sent_id = doc{k}-1\n# text = {form} resumed {k}.\n\
             1\t{form}\t{lemma}\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t2:nsubj\t_\n\
             2\tresumed\tresume\tVERB\tVBD\tTense=Past\t0\troot\t0:root\t_\n\
             3\t{k}\t{k}\tNUM\tCD\tNumType=Card\t2\tobj\t2:obj\tSpaceAfter=No\n\
             4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t2:punct\t_\n\n"
        ));
    }
    out
}

#[test]
fn treebanks_export_the_same_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut all = Vec::new();
    for (k, src) in conllu_fixtures().iter().enumerate() {
        let src = src.to_str().unwrap();
        let name = format!("t{k}.strata");
        let mut args = vec!["convert", src, "-o", &name, "-q"];
        if k % 2 == 0 {
            args.push("--compress");
        }
        assert_status!(strata(d, &args), 0);
        all.extend(std::fs::read(src).unwrap());
        let (code, _, written) = convert_both_ways(d, &[&name]);
        assert_eq!(code, Some(0));
        assert!(written == std::fs::read(src).unwrap(), "{src}");
        assert_eq!(cat_both_ways(d, &name).0, Some(0));
    }
    // Several inputs make one stream.
    let names: Vec<String> = (0..conllu_fixtures().len()).map(|k| format!("t{k}.strata")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (code, _, written) = convert_both_ways(d, &names);
    assert_eq!(code, Some(0));
    assert!(written == all);
}

#[test]
fn rejections_are_the_same_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("crates/strata-conllu/tests/data/fr_gsd_mwt.conllu");
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "-o", "fr.strata", "-q"]), 0);
    // The same ids twice: the second copy is rejected.
    let (code, messages, written) = convert_both_ways(d, &["fr.strata", "fr.strata"]);
    assert_eq!(code, Some(1));
    assert!(messages.contains("the id is already in the corpus"), "{messages}");
    assert!(written == std::fs::read(&src).unwrap());

    // Corpora of many documents, rendered in batches on several threads,
    // where every third document of the second is in the first already.
    std::fs::write(d.join("many.conllu"), many_documents(0, 150)).unwrap();
    let overlap: String = (0..150).map(|k| many_documents(if k % 3 == 0 { k } else { 1000 + k }, 1)).collect();
    std::fs::write(d.join("overlap.conllu"), &overlap).unwrap();
    for name in ["many", "overlap"] {
        assert_status!(strata(d, &["convert", &format!("{name}.conllu"), "-o", &format!("{name}.strata"), "-q"]), 0);
    }
    // Compressed too: each thread decompresses the blocks it reads.
    assert_status!(strata(d, &["convert", "many.conllu", "-o", "many-z.strata", "-q", "--compress"]), 0);
    let kept: String = (0..150).filter(|k| k % 3 != 0).map(|k| many_documents(1000 + k, 1)).collect();
    for first in ["many.strata", "many-z.strata"] {
        let (code, messages, written) = convert_both_ways(d, &[first, "overlap.strata"]);
        assert_eq!(code, Some(1));
        assert_eq!(messages.matches("the id is already in the corpus").count(), 50, "{messages}");
        assert!(text(&written) == many_documents(0, 150) + &kept);
    }

    // Articles with tokens (words = tokens), and without (rejected).
    let articles = fixture("tests/data/tagged/stream.txt");
    let articles = articles.to_str().unwrap();
    let annotate = ["--annotate", "sentences,tokens,quotes"];
    assert_status!(strata(d, &[&["convert", articles, "-o", "a.strata", "-q"][..], &annotate].concat()), 0);
    assert_status!(strata(d, &["convert", articles, "-o", "plain.strata", "-q"]), 0);
    let (code, messages, written) = convert_both_ways(d, &["a.strata"]);
    assert_eq!(code, Some(0), "{messages}");
    assert!(text(&written).contains("# sent_id = "));
    let (code, messages, _) = convert_both_ways(d, &["plain.strata", "a.strata", "fr.strata"]);
    assert_eq!(code, Some(1));
    assert!(messages.contains("cannot be written as CoNLL-U"), "{messages}");
    assert_eq!(cat_both_ways(d, "a.strata").0, Some(0));
    let (code, messages, _) = cat_both_ways(d, "plain.strata");
    assert_eq!(code, Some(2));
    assert!(messages.contains("cannot be shown as CoNLL-U"), "{messages}");
}

#[test]
fn damaged_corpora_fail_the_same_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let fixtures = conllu_fixtures();
    let mut inputs: Vec<&str> = fixtures.iter().map(|p| p.to_str().unwrap()).collect();
    // Many documents too, so that damage falls inside batches rendered on
    // several threads.
    std::fs::write(d.join("many.conllu"), many_documents(0, 200)).unwrap();
    inputs.push("many.conllu");
    assert_status!(strata(d, &[&["convert"][..], &inputs, &["-o", "good.strata", "-q"]].concat()), 0);
    let good = std::fs::read(d.join("good.strata")).unwrap();
    // Bytes of the document records changed here and there: each document
    // is written, rejected or fails the same way in place.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut damaged_any = false;
    for round in 0..24 {
        let mut bytes = good.clone();
        for _ in 0..1 + round % 3 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = 16 + (state as usize) % (good.len() / 2);
            bytes[at] = bytes[at].wrapping_add(1 + (state >> 32) as u8 % 200);
        }
        std::fs::write(d.join("bad.strata"), &bytes).unwrap();
        let (code, ..) = convert_both_ways(d, &["bad.strata"]);
        damaged_any |= code != Some(0);
        cat_both_ways(d, "bad.strata");
    }
    assert!(damaged_any, "no damage was noticed: the test changes nothing");
}
