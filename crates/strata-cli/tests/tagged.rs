//! End-to-end tests of tagged news articles: lossless in and out, streams,
//! folders, encodings and bad input.

mod common;

use std::path::Path;

use common::{fixture, strata, text};

fn tagged(name: &str) -> String {
    fixture(&format!("tests/data/tagged/{name}")).to_str().unwrap().to_string()
}

fn info(dir: &Path, file: &str) -> serde_json::Value {
    let out = strata(dir, &["info", file, "--json"]);
    assert_status!(out, 0);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The `strata dump` of a file.
fn dump_of(dir: &Path, file: &str) -> String {
    let out = strata(dir, &["dump", file]);
    assert_status!(out, 0);
    text(&out.stdout)
}

#[test]
fn one_article_round_trips_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = tagged("pier.txt");
    assert_status!(strata(d, &["convert", &src, "-o", "a.strata"]), 0);
    assert_status!(strata(d, &["convert", "a.strata", "-o", "b.txt"]), 0);
    assert_eq!(std::fs::read(d.join("b.txt")).unwrap(), std::fs::read(&src).unwrap());
    let v = info(d, "a.strata");
    assert_eq!(v["documents"], 1);
    assert_eq!(v["layers"]["title"], 1);
    assert_eq!(v["layers"]["heading"], 1);
    assert_eq!(v["layers"]["paragraph"], 5);
    assert_eq!(v["fields"]["date"], "date");
    let dump = dump_of(d, "a.strata");
    assert!(dump.contains("doc 0 id=\"pier\""), "{dump}");
    assert!(dump.contains("meta \"date\" date 2025-03-18"), "{dump}");
    assert!(dump.contains("0 [360,381) \"Funding and timetable\""), "{dump}");
    // A one-line quotation is a paragraph, not a heading.
    assert!(dump.contains("\"“The pier is the heart of this town.”\""), "{dump}");
}

#[test]
fn a_stream_with_every_kind_of_blank_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = tagged("stream.txt");
    assert_status!(strata(d, &["convert", &src, "-o", "s.strata"]), 0);
    assert_status!(strata(d, &["convert", "s.strata", "-o", "s.txt"]), 0);
    assert_eq!(std::fs::read(d.join("s.txt")).unwrap(), std::fs::read(&src).unwrap());
    // Through JSONL too.
    assert_status!(strata(d, &["convert", "s.strata", "-o", "s.jsonl"]), 0);
    assert_status!(strata(d, &["convert", "s.jsonl", "-o", "s2.strata"]), 0);
    assert_eq!(std::fs::read(d.join("s.strata")).unwrap(), std::fs::read(d.join("s2.strata")).unwrap());

    let dump = dump_of(d, "s.strata");
    for want in [
        // The untagged prefix: its first line is the title, BOM and
        // trailing blanks left out of the span.
        "doc 0 id=\"stream.1\"",
        "meta \"title\" string \"Editor’s note\"",
        "doc 1 id=\"stream.2\"",
        "meta \"date\" date 2025-04-11",
        "meta \"title\" string \"Talks resume in Geneva\"",
        "meta \"source\" string \"AFP\"",
        "\"Next steps\"",
        "doc 2 id=\"stream.3\"",
        "meta \"lang\" string \"en\"",
        "\"Snow fell overnight across the Alps,\\nclosing three passes.\"",
        "\"Road reopens\"",
        "\"The Gotthard road reopened at noon.\"",
    ] {
        assert!(dump.contains(want), "missing {want:?} in\n{dump}");
    }
    let v = info(d, "s.strata");
    assert_eq!(v["documents"], 3);
    assert_eq!(v["layers"]["heading"], 2);
}

#[test]
fn a_folder_converts_to_an_identical_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = tagged("folder");
    assert_status!(strata(d, &["convert", &src, "-o", "f.strata"]), 0);
    let dump = dump_of(d, "f.strata");
    assert!(dump.contains("id=\"world/geneva\""), "{dump}");
    assert_status!(strata(d, &["convert", "f.strata", "-o", "out/"]), 0);
    for rel in ["pier.txt", "world/geneva.txt", "world/untagged.txt"] {
        let a = std::fs::read(Path::new(&src).join(rel)).unwrap();
        let b = std::fs::read(d.join("out").join(rel)).unwrap();
        assert_eq!(a, b, "{rel} differs");
    }
    let mut names: Vec<_> = walk(&d.join("out"));
    names.sort();
    assert_eq!(names, ["pier.txt", "world/geneva.txt", "world/untagged.txt"]);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            out.extend(walk(&p).into_iter().map(|n| format!("{name}/{n}")));
        } else {
            out.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn an_untagged_article_has_a_title_and_no_date() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    assert_status!(strata(d, &["convert", &tagged("untagged.txt"), "-o", "u.strata"]), 0);
    let dump = dump_of(d, "u.strata");
    assert!(dump.contains("meta \"title\" string \"Storm hits the coast\""), "{dump}");
    assert!(!dump.contains("meta \"date\""), "{dump}");
    let v = info(d, "u.strata");
    assert_eq!(v["layers"]["paragraph"], 2);
}

#[test]
fn an_invalid_date_is_a_warning_or_with_strict_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = tagged("bad-date.txt");
    let out = strata(d, &["convert", &src, "-o", "b.strata"]);
    assert_status!(out, 0);
    let err = text(&out.stderr);
    assert!(
        err.contains("bad-date.txt:1:7: warning: expected a calendar date YYYY-MM-DD, found \"2025-02-30\""),
        "{err}"
    );
    let dump = dump_of(d, "b.strata");
    assert!(!dump.contains("meta \"date\""), "{dump}");
    assert!(dump.contains("meta \"title\" string \"A day that never was\""), "{dump}");
    let strict = strata(d, &["convert", &src, "-o", "strict.strata", "--strict"]);
    assert_status!(strict, 2);
    assert!(!d.join("strict.strata").exists());
}

#[test]
fn a_bad_article_costs_only_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let out = strata(d, &["convert", &tagged("mixed-encoding.txt"), "-o", "m.strata"]);
    assert_status!(out, 1);
    let err = text(&out.stderr);
    assert!(err.contains("mixed-encoding.txt:5:21: expected UTF-8, found the byte 0xe9 (byte offset 69"), "{err}");
    assert!(err.contains("2 documents in, 1 written, 1 rejected"), "{err}");

    let out = strata(d, &["convert", &tagged("mixed-encoding.txt"), "-o", "w.strata", "--encoding", "windows-1252"]);
    assert_status!(out, 0);
    let dump = dump_of(d, "w.strata");
    assert!(dump.contains("\"The café opened on “Monday”.\""), "{dump}");

    let out = strata(d, &["convert", &tagged("nul.txt"), "-o", "n.strata"]);
    assert_status!(out, 1);
    let err = text(&out.stderr);
    assert!(err.contains("nul.txt:7:3: expected text, found a NUL byte (byte offset 57"), "{err}");
    assert!(err.contains("3 documents in, 2 written, 1 rejected"), "{err}");
    let dump = dump_of(d, "n.strata");
    assert!(dump.contains("id=\"nul.1\"") && dump.contains("id=\"nul.3\""), "{dump}");
}

#[test]
fn tagged_text_from_stdin_and_to_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = std::fs::read(tagged("stream.txt")).unwrap();
    let out = common::strata_in(d, &["convert", "-", "--from", "tagged", "-o", "x.strata", "-q"], Some(&src));
    assert_status!(out, 0);
    assert!(dump_of(d, "x.strata").contains("id=\"stdin.2\""));
    let out = strata(d, &["convert", "x.strata", "-o", "-", "--to", "tagged", "-q"]);
    assert_status!(out, 0);
    assert_eq!(out.stdout, src);
}

#[test]
fn the_output_is_the_same_bytes_whatever_the_number_of_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let inputs = [tagged("stream.txt"), tagged("pier.txt"), tagged("folder"), tagged("nul.txt")];
    let mut outputs = Vec::new();
    for jobs in ["1", "2", "4"] {
        let out_name = format!("j{jobs}.strata");
        let mut args = vec!["convert", "-j", jobs, "-o", &out_name];
        args.extend(inputs.iter().map(String::as_str));
        let out = strata(d, &args);
        assert_status!(out, 1);
        assert!(
            text(&out.stderr).contains("6 inputs, 10 documents in, 8 written, 2 rejected"),
            "{}",
            text(&out.stderr)
        );
        outputs.push(std::fs::read(d.join(&out_name)).unwrap());
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    // --strict with a reading thread stops it and leaves nothing.
    let out = strata(d, &["convert", "-j", "2", "--strict", &inputs[3], "-o", "strict.strata"]);
    assert_status!(out, 2);
    assert!(!d.join("strict.strata").exists());
}
