//! Bad input in bulk: a folder of 10,000 tagged articles, 100 of them
//! damaged in each way that rejects an article (invalid UTF-8, a NUL byte),
//! plus JSONL files with bad lines and brat pairs with bad offsets. The
//! conversion keeps going, names every damaged input at its
//! `path:line:column`, exits with 1, counts documents in, written and
//! rejected so that they add up, and writes every good document.

mod common;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use common::{strata, text};
use strata_reader::Corpus;

const ARTICLES: usize = 10_000;
/// Damaged articles of each kind.
const DAMAGED_PER_KIND: usize = 100;
const JSONL_FILES: usize = 4;
const JSONL_GOOD_LINES: usize = 25;
const BRAT_PAIRS: usize = 30;
const BRAT_BAD: usize = 6;

/// What a damaged input must be reported as: the location (`path:line:`
/// when the column is not checked, `path:line:column:` when it is) and a
/// piece of the message.
struct Expected {
    location: String,
    message: &'static str,
}

/// Writes the inputs; returns the good documents (id, text) and the
/// damaged ones.
fn write_inputs(dir: &Path) -> (HashMap<String, String>, Vec<Expected>) {
    let mut good = HashMap::new();
    let mut damaged = Vec::new();
    let folder = dir.join("in");
    std::fs::create_dir(&folder).unwrap();
    // Damaged articles are spread through the folder: every 50th is bad in
    // UTF-8, every 50th (shifted by 25) holds a NUL byte.
    for i in 0..ARTICLES {
        let name = format!("a{i:05}");
        let head =
            format!(" date 2025-04-{:02} Report {i} from the wires\n\nDelegations met on Friday.\n\n", 1 + i % 28);
        let mut bytes = head.clone().into_bytes();
        match i % 50 {
            0 if i / 50 < DAMAGED_PER_KIND => {
                // Line 5, column 6: the byte after "Snow ".
                bytes.extend_from_slice(b"Snow \xff fell.\n");
                damaged.push(Expected {
                    location: format!("in/{name}.txt:5:6:"),
                    message: "expected UTF-8, found the byte 0xff",
                });
            }
            25 if i / 50 < DAMAGED_PER_KIND => {
                bytes.extend_from_slice(b"Snow\0 fell.\n");
                damaged.push(Expected { location: format!("in/{name}.txt:5:5:"), message: "NUL byte" });
            }
            _ => {
                bytes.extend_from_slice(b"Snow fell.\n");
                good.insert(name.clone(), String::from_utf8(bytes.clone()).unwrap());
            }
        }
        std::fs::write(folder.join(format!("{name}.txt")), &bytes).unwrap();
    }
    assert_eq!(damaged.len(), 2 * DAMAGED_PER_KIND);

    // JSONL: good lines with bad ones between them.
    for f in 0..JSONL_FILES {
        let name = format!("lines-{f}.jsonl");
        let mut content = Vec::new();
        let mut line = 0;
        for l in 0..JSONL_GOOD_LINES {
            let id = format!("j{f}-{l}");
            let body = format!("Line {l} of file {f}.\n");
            content.extend_from_slice(
                format!("{{\"id\":\"{id}\",\"text\":\"{}\"}}\n", body.replace('\n', "\\n")).as_bytes(),
            );
            line += 1;
            good.insert(id, body);
            let bad: Option<(&[u8], &'static str)> = match l {
                3 => Some((b"{\"id\":\"cut-short\",\"text\":\"no end", "")),
                9 => Some((b"not json at all", "")),
                17 => Some((b"{\"id\":\"latin\",\"text\":\"caf\xe9\"}", "expected UTF-8, found the byte 0xe9")),
                _ => None,
            };
            if let Some((bytes, message)) = bad {
                content.extend_from_slice(bytes);
                content.push(b'\n');
                line += 1;
                damaged.push(Expected { location: format!("in/{name}:{line}:"), message });
            }
        }
        std::fs::write(folder.join(name), content).unwrap();
    }

    // brat pairs in their own folder (a folder with `.ann` files is a brat
    // corpus); some with offsets past the end of the text.
    let brat = dir.join("brat");
    std::fs::create_dir(&brat).unwrap();
    for p in 0..BRAT_PAIRS {
        let name = format!("p{p:03}");
        let txt = format!("Sony bought Columbia, story {p}.\n");
        let ann = if p % (BRAT_PAIRS / BRAT_BAD) == 1 {
            damaged.push(Expected { location: format!("brat/{name}.ann:2:"), message: "" });
            "T1\tOrg 0 4\tSony\nT2\tOrg 12 2000\tColumbia\n".to_string()
        } else {
            good.insert(name.clone(), txt.clone());
            "T1\tOrg 0 4\tSony\nT2\tOrg 12 20\tColumbia\n".to_string()
        };
        std::fs::write(brat.join(format!("{name}.txt")), txt).unwrap();
        std::fs::write(brat.join(format!("{name}.ann")), ann).unwrap();
    }
    (good, damaged)
}

#[test]
fn ten_thousand_inputs_with_damaged_ones_cost_only_themselves() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (good, damaged) = write_inputs(d);
    let expected_rejected = 2 * DAMAGED_PER_KIND + 3 * JSONL_FILES + BRAT_BAD;
    assert_eq!(damaged.len(), expected_rejected);

    let out = strata(d, &["convert", "in", "brat", "-o", "out.strata", "--json"]);
    assert_status!(out, 1);
    let err = text(&out.stderr);

    // Every damaged input is named, at its line and column.
    let mut missing = String::new();
    for e in &damaged {
        let found = err.lines().any(|l| {
            let Some(rest) = l.strip_prefix(&e.location) else { return false };
            // `path:line:` must go on with the column, `path:line:column:`
            // with the message.
            let rest = match e.location.matches(':').count() {
                2 => rest.trim_start_matches(|c: char| c.is_ascii_digit()).strip_prefix(':'),
                _ => Some(rest),
            };
            rest.is_some_and(|m| m.contains(e.message))
        });
        if !found {
            writeln!(missing, "{} ({:?})", e.location, e.message).unwrap();
        }
    }
    assert!(missing.is_empty(), "not reported:\n{missing}--- stderr ---\n{err}");
    // And nothing else is.
    let reported = err.lines().filter(|l| !l.contains("warning")).count();
    assert_eq!(reported, expected_rejected, "{err}");

    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let count = |k: &str| summary[k].as_u64().unwrap_or_else(|| panic!("no {k} in {summary}"));
    assert_eq!(count("documents_in"), count("written") + count("rejected"), "{summary}");
    assert_eq!(count("rejected"), expected_rejected as u64, "{summary}");
    assert_eq!(count("written"), good.len() as u64, "{summary}");
    assert_eq!(count("parts_rejected"), 0, "{summary}");

    // SAFETY: the test owns the file and does not change it while mapped.
    let corpus = unsafe { Corpus::open(d.join("out.strata")) }.unwrap();
    assert_eq!(corpus.len(), good.len() as u64);
    for (id, body) in &good {
        let doc = corpus.by_id(id).unwrap().unwrap_or_else(|| panic!("{id} is missing from the output"));
        assert_eq!(doc.text().unwrap(), body, "{id}");
    }
    assert_status!(strata(d, &["validate", "out.strata"]), 0);
}
