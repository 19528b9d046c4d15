//! End-to-end tests of `strata merge`: the same file as converting the
//! sources together, duplicate ids by each policy, atomic output.

mod common;

use std::path::Path;

use common::{fixture, strata, text};

/// Splits the example corpus into `a.jsonl` (first `cut` lines) and
/// `b.jsonl`, and converts each to strata (b compressed, to mix kinds).
fn halves(dir: &Path, cut: usize) {
    let source = std::fs::read_to_string(fixture("examples/news.jsonl")).unwrap();
    let lines: Vec<&str> = source.lines().collect();
    std::fs::write(dir.join("a.jsonl"), lines[..cut].join("\n") + "\n").unwrap();
    std::fs::write(dir.join("b.jsonl"), lines[cut..].join("\n") + "\n").unwrap();
    assert_status!(strata(dir, &["convert", "a.jsonl", "-o", "a.strata", "-q"]), 0);
    assert_status!(strata(dir, &["convert", "b.jsonl", "-o", "b.strata", "-q", "--compress"]), 0);
}

#[test]
fn merging_gives_the_file_converting_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    halves(d, 2);
    let out = strata(d, &["merge", "a.strata", "b.strata", "-o", "merged.strata", "--json"]);
    assert_status!(out, 0);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["documents_in"], 5);
    assert_eq!(summary["written"], 5);
    assert_status!(strata(d, &["convert", "a.strata", "b.strata", "-o", "converted.strata", "-q"]), 0);
    assert_status!(strata(d, &["convert", "a.jsonl", "b.jsonl", "-o", "from-jsonl.strata", "-q"]), 0);
    let merged = std::fs::read(d.join("merged.strata")).unwrap();
    assert_eq!(merged, std::fs::read(d.join("converted.strata")).unwrap());
    assert_eq!(merged, std::fs::read(d.join("from-jsonl.strata")).unwrap());
    assert_status!(strata(d, &["validate", "merged.strata"]), 0);
    // And back to the same JSONL.
    assert_status!(strata(d, &["convert", "merged.strata", "-o", "merged.jsonl", "-q"]), 0);
    let all = std::fs::read_to_string(fixture("examples/news.jsonl")).unwrap();
    let back = std::fs::read_to_string(d.join("merged.jsonl")).unwrap();
    assert_eq!(back.lines().filter(|l| l.starts_with("{\"id\"")).collect::<Vec<_>>(), all.lines().collect::<Vec<_>>());
}

#[test]
fn duplicate_ids_stop_the_merge_unless_skipped_or_renamed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    halves(d, 3);
    std::fs::write(d.join("merged.strata"), b"previous").unwrap();

    let out = strata(d, &["merge", "a.strata", "a.strata", "-o", "merged.strata"]);
    assert_status!(out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("a.strata: document 0: the id \"porthleven-pier\" is already in"), "{err}");
    assert_eq!(std::fs::read(d.join("merged.strata")).unwrap(), b"previous", "the old output is untouched");
    let leftovers: Vec<String> = common::files_in(d).into_iter().filter(|n| n.contains("tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let out =
        strata(d, &["merge", "a.strata", "b.strata", "a.strata", "-o", "merged.strata", "--on-duplicate", "skip"]);
    assert_status!(out, 0);
    assert!(text(&out.stderr).contains("3 duplicates skipped"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(d.join("merged.strata")).unwrap(), {
        assert_status!(strata(d, &["merge", "a.strata", "b.strata", "-o", "ab.strata"]), 0);
        std::fs::read(d.join("ab.strata")).unwrap()
    });

    let out = strata(d, &["merge", "a.strata", "a.strata", "a.strata", "-o", "r.strata", "--on-duplicate", "rename"]);
    assert_status!(out, 0);
    assert!(text(&out.stderr).contains("renamed \"porthleven-pier~2\""), "{}", text(&out.stderr));
    let ids = strata(d, &["cat", "r.strata", "--format", "ids"]);
    let ids = text(&ids.stdout);
    let ids: Vec<&str> = ids.lines().collect();
    assert_eq!(ids.len(), 9);
    assert_eq!(ids[0], "porthleven-pier");
    assert_eq!(ids[3], "porthleven-pier~2");
    assert_eq!(ids[6], "porthleven-pier~3");
    // A renamed document keeps everything but its id.
    let first = strata(d, &["cat", "r.strata", "0", "--format", "json"]);
    let renamed = strata(d, &["cat", "r.strata", "id:porthleven-pier~3", "--format", "json"]);
    assert_eq!(text(&first.stdout).replace("\"porthleven-pier\"", "\"porthleven-pier~3\""), text(&renamed.stdout));
}

#[test]
fn usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    halves(d, 2);
    let out = strata(d, &["merge", "a.strata", "-o", "a.strata"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("is also an input"), "{}", text(&out.stderr));
    let out = strata(d, &["merge", "a.strata", "missing.strata", "-o", "m.strata"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("missing.strata"), "{}", text(&out.stderr));
    assert!(!d.join("m.strata").exists());
    let out = strata(d, &["merge", "a.jsonl", "-o", "m.strata"]);
    assert_status!(out, 2);
    assert!(!d.join("m.strata").exists());
}
