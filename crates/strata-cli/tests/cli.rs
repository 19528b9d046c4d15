//! End-to-end tests of the `strata` command line on the fixtures under
//! `tests/data/` and `examples/`.

mod common;

use common::{files_in, fixture, strata, strata_in, text};

#[test]
fn jsonl_to_strata_and_back_is_lossless() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("examples/news.jsonl");
    let src = src.to_str().unwrap();
    assert_status!(strata(d, &["convert", src, "-o", "a.strata"]), 0);
    assert_status!(strata(d, &["convert", "a.strata", "-o", "a.jsonl"]), 0);
    assert_status!(strata(d, &["convert", "a.jsonl", "-o", "b.strata"]), 0);
    assert_status!(strata(d, &["convert", "b.strata", "-o", "b.jsonl"]), 0);
    let a = std::fs::read(d.join("a.strata")).unwrap();
    assert_eq!(a, std::fs::read(d.join("b.strata")).unwrap(), "strata -> jsonl -> strata changed the file");
    let jsonl = text(&std::fs::read(d.join("a.jsonl")).unwrap());
    assert_eq!(jsonl, text(&std::fs::read(d.join("b.jsonl")).unwrap()));
    // Apart from the header line the schema adds, the JSONL is the input.
    let (header, body) = jsonl.split_once('\n').unwrap();
    assert!(header.starts_with(r#"{"corpus":{"fields":[["date","date"]"#), "{header}");
    assert_eq!(body, std::fs::read_to_string(src).unwrap());
}

#[test]
fn compressed_output_reads_back_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("examples/news.jsonl");
    let src = src.to_str().unwrap();
    assert_status!(strata(d, &["convert", src, "-o", "plain.strata"]), 0);
    assert_status!(strata(d, &["convert", src, "-o", "z.strata", "--compress", "19"]), 0);
    assert_status!(strata(d, &["validate", "z.strata"]), 0);
    let info = text(&strata(d, &["info", "z.strata"]).stdout);
    assert!(info.contains("zstd blocks"), "{info}");
    assert_status!(strata(d, &["convert", "z.strata", "-o", "plain2.strata"]), 0);
    assert_eq!(std::fs::read(d.join("plain.strata")).unwrap(), std::fs::read(d.join("plain2.strata")).unwrap());
    let bad = strata(d, &["convert", src, "-o", "x.strata", "--compress", "40"]);
    assert_status!(bad, 2);
}

#[test]
fn bad_documents_are_reported_with_their_position_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(fixture("tests/data/bad.jsonl"), d.join("bad.jsonl")).unwrap();
    let out = strata(d, &["convert", "bad.jsonl", "-o", "out.strata"]);
    assert_status!(out, 1);
    let err = text(&out.stderr);
    let expected = [
        "bad.jsonl:2:24: expected value",
        "bad.jsonl:3:1: layer \"entity\", span 0: end 9 is past the end of the text (6 code points)",
        "bad.jsonl:4:1: document \"ok-1\" rejected: the id is already in the corpus",
        "bad.jsonl:5:27: expected UTF-8, found the byte 0xe9 (byte offset 354 of the file)",
        "bad.jsonl:6:1: metadata \"date\": expected a calendar date YYYY-MM-DD, found \"2025-02-30\"",
        "bad.jsonl:7:1: document \"bad-type\" rejected: metadata field \"date\" is a date in this corpus, not a string",
        "strata: 1 input, 8 documents in, 2 written, 6 rejected",
    ];
    for (line, want) in err.lines().zip(expected) {
        assert!(line.starts_with(want), "expected a line starting with\n  {want}\nfound\n  {line}\nin\n{err}");
    }
    assert_eq!(err.lines().count(), expected.len(), "{err}");
    let info = text(&strata(d, &["info", "out.strata", "--json"]).stdout);
    let info: serde_json::Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["documents"], 2);
}

#[test]
fn strict_stops_at_the_first_problem_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(fixture("tests/data/bad.jsonl"), d.join("bad.jsonl")).unwrap();
    let out = strata(d, &["convert", "bad.jsonl", "-o", "out.strata", "--strict"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("bad.jsonl:2:24: expected value"), "{}", text(&out.stderr));
    assert_eq!(files_in(d), ["bad.jsonl"], "no output, no temporary file");
}

#[test]
fn a_failed_run_leaves_the_previous_output_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("out.strata"), b"previous").unwrap();
    std::fs::copy(fixture("tests/data/bad.jsonl"), d.join("bad.jsonl")).unwrap();
    assert_status!(strata(d, &["convert", "bad.jsonl", "-o", "out.strata", "--strict"]), 2);
    assert_eq!(std::fs::read(d.join("out.strata")).unwrap(), b"previous");
    assert_eq!(files_in(d), ["bad.jsonl", "out.strata"]);
}

#[test]
fn stdin_and_stdout_work() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = std::fs::read(fixture("examples/news.jsonl")).unwrap();
    let out = strata_in(d, &["convert", "-", "--from", "jsonl", "-o", "-", "--to", "strata", "-q"], Some(&src));
    assert_status!(out, 0);
    let strata_bytes = out.stdout;
    let back = strata_in(d, &["convert", "-", "-o", "-", "--to", "jsonl", "-q"], Some(&strata_bytes));
    assert_status!(back, 0);
    let jsonl = text(&back.stdout);
    assert_eq!(jsonl.split_once('\n').unwrap().1, text(&src));
    let usage = strata(d, &["convert", "x.jsonl", "-o", "-"]);
    assert_status!(usage, 2);
    assert!(text(&usage.stderr).contains("needs --to"), "{}", text(&usage.stderr));
}

#[test]
fn info_json_has_the_documented_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("examples/news.jsonl");
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "-o", "n.strata", "-q"]), 0);
    let out = strata(d, &["info", "n.strata", "--json"]);
    assert_status!(out, 0);
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["documents"], 5);
    assert_eq!(v["text_bytes"], 687);
    assert_eq!(v["file_bytes"], std::fs::metadata(d.join("n.strata")).unwrap().len());
    assert_eq!(v["layers"]["entity"], 13);
    assert_eq!(v["layers"]["token"], 7);
    assert_eq!(v["relations"]["token"], 6);
    assert_eq!(v["fields"]["date"], "date");
    assert_eq!(v["attributes"]["token"]["head"], "int");
    assert_eq!(v["version"], 3);
    let human = text(&strata(d, &["info", "n.strata"]).stdout);
    assert!(human.contains("documents   5"), "{human}");
}

#[test]
fn validate_reports_damage_with_section_and_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("examples/news.jsonl");
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "-o", "n.strata", "-q"]), 0);
    let ok = strata(d, &["validate", "n.strata"]);
    assert_status!(ok, 0);
    assert!(text(&ok.stdout).contains("valid"));

    let mut bytes = std::fs::read(d.join("n.strata")).unwrap();
    let at = bytes.windows(4).position(|w| w == b"pier").unwrap();
    bytes[at] ^= 0x20;
    std::fs::write(d.join("flipped.strata"), &bytes).unwrap();
    let bad = strata(d, &["validate", "flipped.strata"]);
    assert_status!(bad, 1);
    let err = text(&bad.stderr);
    assert!(err.contains("checksum mismatch in docs"), "{err}");
    let json = strata(d, &["validate", "flipped.strata", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&text(&json.stdout)).unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["problems"].as_array().unwrap().iter().any(|p| p["section"] == "docs"));

    std::fs::write(d.join("short.strata"), &bytes[..bytes.len() - 1]).unwrap();
    let short = strata(d, &["validate", "short.strata"]);
    assert_status!(short, 1);
    assert!(text(&short.stderr).contains("byte"), "{}", text(&short.stderr));

    let missing = strata(d, &["validate", "missing.strata"]);
    assert_status!(missing, 2);
}

#[test]
fn no_flip_or_truncation_makes_a_command_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("tests/data/bad.jsonl");
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "-o", "s.strata", "-q", "--compress"]), 1);
    let bytes = std::fs::read(d.join("s.strata")).unwrap();
    // Every 7th byte keeps the test quick; the format crate's tests flip all.
    for i in (0..bytes.len()).step_by(7) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x55;
        std::fs::write(d.join("bad.strata"), &bad).unwrap();
        for args in [&["validate", "bad.strata"][..], &["info", "bad.strata"], &["dump", "bad.strata"]] {
            let out = strata(d, args);
            assert!(matches!(out.status.code(), Some(0..=2)), "{args:?} at byte {i}: {}", text(&out.stderr));
            assert!(!text(&out.stderr).contains("panicked"), "{args:?} at byte {i}: {}", text(&out.stderr));
        }
        let out = strata(d, &["convert", "bad.strata", "-o", "out.jsonl", "-q"]);
        assert!(!text(&out.stderr).contains("panicked"), "{}", text(&out.stderr));
    }
    for len in [0, 1, 16, 47, 48, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(d.join("cut.strata"), &bytes[..len]).unwrap();
        let out = strata(d, &["validate", "cut.strata"]);
        assert_status!(out, 1);
    }
}

#[test]
fn unknown_formats_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("notes.dat"), "plain text").unwrap();
    let out = strata(d, &["convert", "notes.dat", "-o", "x.strata"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("cannot tell the format of notes.dat"), "{}", text(&out.stderr));
    let out = strata(d, &["convert", "missing.jsonl", "-o", "x.strata"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("cannot open missing.jsonl"), "{}", text(&out.stderr));
    let out = strata(d, &["convert", "notes.dat", "--from", "tagged", "-o", "x.unknown"]);
    assert_status!(out, 2);
    assert_eq!(files_in(d), ["notes.dat"]);
}

#[test]
fn help_has_examples() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["convert", "cat", "merge", "annotate", "completions", "info", "validate", "dump"] {
        let out = strata(tmp.path(), &[cmd, "--help"]);
        assert_status!(out, 0);
        assert!(text(&out.stdout).contains("Examples:"), "{cmd} --help has no examples");
    }
}

#[test]
fn completions_for_every_shell_know_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = strata(tmp.path(), &["completions", shell]);
        assert_status!(out, 0);
        let script = text(&out.stdout);
        for cmd in ["convert", "cat", "merge", "annotate", "info", "validate"] {
            assert!(script.contains(cmd), "{shell} completions lack {cmd}");
        }
        assert!(script.contains("on-duplicate"), "{shell} completions lack options");
    }
    assert_status!(strata(tmp.path(), &["completions", "tcsh"]), 2);
}

/// The golden vectors: each `spec/vectors/<case>.jsonl` converts to exactly
/// `<case>.strata`, whose dump is `<case>.dump`. `UPDATE_GOLDEN=1`
/// rewrites them (after a deliberate format change, with a version bump).
/// The vectors of older versions (`<case>-v<N>.strata`) are never
/// rewritten: they still validate and still dump to their `.dump`.
#[test]
fn golden_vectors() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let vectors = fixture("spec/vectors");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for old in ["basic-v1", "compressed-v1", "sparse-v1", "basic-v2", "compressed-v2", "sparse-v2"] {
        let bin = vectors.join(format!("{old}.strata"));
        let dump = strata(d, &["dump", bin.to_str().unwrap()]);
        assert_status!(dump, 0);
        let expected_dump = text(&std::fs::read(vectors.join(format!("{old}.dump"))).unwrap());
        assert_eq!(text(&dump.stdout), expected_dump, "{old}: dump differs");
        assert_status!(strata(d, &["validate", bin.to_str().unwrap()]), 0);
    }
    for (case, source, extra) in [
        ("basic", "basic.jsonl", None),
        ("compressed", "basic.jsonl", Some("--compress")),
        ("sparse", "sparse.jsonl", None),
    ] {
        let src = vectors.join(source);
        let mut args = vec!["convert", src.to_str().unwrap(), "-o", "v.strata", "-q"];
        args.extend(extra);
        assert_status!(strata(d, &args), 0);
        let made = std::fs::read(d.join("v.strata")).unwrap();
        let dump = strata(d, &["dump", "v.strata"]);
        assert_status!(dump, 0);
        let golden_bin = vectors.join(format!("{case}.strata"));
        let golden_dump = vectors.join(format!("{case}.dump"));
        if update {
            std::fs::write(&golden_bin, &made).unwrap();
            std::fs::write(&golden_dump, &dump.stdout).unwrap();
            continue;
        }
        let expected = std::fs::read(&golden_bin).expect("golden file exists (UPDATE_GOLDEN=1 makes it)");
        assert!(made == expected, "{case}: the writer no longer produces {}", golden_bin.display());
        let expected_dump = text(&std::fs::read(&golden_dump).unwrap());
        assert_eq!(text(&dump.stdout), expected_dump, "{case}: dump differs");
        // The committed binary itself reads and validates.
        assert_status!(strata(d, &["validate", golden_bin.to_str().unwrap()]), 0);
    }
}

#[test]
fn compressed_inputs_are_read_on_the_fly() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let jsonl = std::fs::read(fixture("examples/news.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&jsonl).unwrap();
    std::fs::write(d.join("news.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let article = std::fs::read(fixture("tests/data/tagged/pier.txt")).unwrap();
    std::fs::write(d.join("pier.txt.zst"), zstd::encode_all(&article[..], 19).unwrap()).unwrap();

    let out = strata(d, &["convert", "news.jsonl.gz", "pier.txt.zst", "-o", "all.strata"]);
    assert_status!(out, 0);
    assert!(text(&out.stderr).contains("2 inputs, 6 documents in, 6 written"), "{}", text(&out.stderr));
    let dump = text(&strata(d, &["dump", "all.strata"]).stdout);
    assert!(dump.contains("id=\"pier\""), "the id drops both extensions: {dump}");

    // A compressed strata file, and compressed standard input.
    let corpus = std::fs::read(d.join("all.strata")).unwrap();
    std::fs::write(d.join("all.strata.zst"), zstd::encode_all(&corpus[..], 3).unwrap()).unwrap();
    assert_status!(strata(d, &["convert", "all.strata.zst", "-o", "again.strata", "-q"]), 0);
    assert_eq!(std::fs::read(d.join("again.strata")).unwrap(), corpus);
    let gz = std::fs::read(d.join("news.jsonl.gz")).unwrap();
    let out = strata_in(d, &["convert", "-", "-o", "stdin.jsonl", "-q"], Some(&gz));
    assert_status!(out, 0);
    // A JSONL input without a header gives JSONL without one.
    assert_eq!(std::fs::read(d.join("stdin.jsonl")).unwrap(), jsonl);
}

/// Ctrl-C in the middle of a conversion leaves neither the output nor a
/// temporary file behind.
#[cfg(unix)]
#[test]
fn an_interrupted_conversion_leaves_nothing() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    for output in ["out.strata", "out/"] {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(["convert", "-", "--from", "tagged", "-o", output, "--to", "tagged", "-q"])
            .current_dir(d)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let article = " date 2025-04-11 Talks resume\n\nDiplomats met in Geneva.\n\n".repeat(2000);
        stdin.write_all(article.as_bytes()).unwrap();
        stdin.flush().unwrap();
        // Wait until the run has created something in the folder.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while common::files_in(d).is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!common::files_in(d).is_empty(), "the conversion never started");
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "{}", common::text(&out.stderr));
        drop(stdin);
        let left: Vec<String> = common::files_in(d);
        let nested: Vec<String> = if d.join("out").is_dir() { common::files_in(&d.join("out")) } else { Vec::new() };
        assert!(left.iter().all(|n| n == "out") && nested.is_empty(), "{output}: {left:?} {nested:?}");
    }
}

/// An output that is a device or a pipe (`-o /dev/null`, a named pipe) is
/// written in place: renaming a new file over it would replace it.
#[cfg(unix)]
#[test]
fn a_pipe_or_device_output_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("examples/news.jsonl");
    let fifo = d.join("out.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "--to", "jsonl", "-o", "out.fifo", "-q"]), 0);
    // Checked before waiting for the reader, which would wait forever on a
    // replaced pipe.
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe was replaced");
    let got = reader.join().unwrap();
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "--to", "jsonl", "-o", "copy.jsonl", "-q"]), 0);
    assert_eq!(got, std::fs::read(d.join("copy.jsonl")).unwrap());
    // The same for a strata output to /dev/null, which stays a device.
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "--to", "strata", "-o", "/dev/null", "-q"]), 0);
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}
