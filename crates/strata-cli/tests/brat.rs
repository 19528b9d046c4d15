//! End-to-end tests of brat standoff in and out of `strata convert`: a
//! folder of pairs round trips byte for byte, one `.ann` is an input, bad
//! annotations cost only their document.

mod common;

use std::path::Path;

use common::{fixture, strata, text};

fn brat_fixtures() -> String {
    fixture("crates/strata-brat/tests/data").to_str().unwrap().to_string()
}

/// Every file under `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_folder_of_pairs_round_trips_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = brat_fixtures();
    let out = strata(d, &["convert", &src, "-o", "brat.strata", "--json"]);
    assert_status!(out, 0);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["documents_in"], 5);
    assert_eq!(summary["written"], 5);
    assert_status!(strata(d, &["validate", "brat.strata"]), 0);
    // --to brat makes a folder even without a trailing slash.
    assert_status!(strata(d, &["convert", "brat.strata", "-o", "back", "--to", "brat", "-q"]), 0);
    assert_eq!(tree(&d.join("back")), tree(Path::new(&src)));
    // Compressed and through JSONL too.
    assert_status!(strata(d, &["convert", "brat.strata", "-o", "brat.jsonl", "-q"]), 0);
    assert_status!(strata(d, &["convert", "brat.jsonl", "-o", "z.strata", "--compress", "-q"]), 0);
    assert_status!(strata(d, &["convert", "z.strata", "-o", "back2/", "--to", "brat", "-q"]), 0);
    assert_eq!(tree(&d.join("back2")), tree(Path::new(&src)));
}

#[test]
fn one_ann_file_is_an_input_and_entities_export_as_brat() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let ann = format!("{}/unicode.ann", brat_fixtures());
    let out = strata(d, &["convert", &ann, "-o", "u.strata", "-q"]);
    assert_status!(out, 0);
    let ids = strata(d, &["cat", "u.strata", "--format", "ids"]);
    assert_eq!(text(&ids.stdout), "unicode\n");
    let shown = strata(d, &["cat", "u.strata", "0", "--format", "brat"]);
    assert_eq!(shown.stdout, std::fs::read(&ann).unwrap());

    // SGML entities become T lines.
    let muc = fixture("tests/data/sgml/muc.sgml");
    assert_status!(strata(d, &["convert", muc.to_str().unwrap(), "-o", "muc/", "--to", "brat", "-q"]), 0);
    let files: Vec<String> = tree(&d.join("muc")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let ann = std::fs::read_to_string(d.join("muc").join(files.iter().find(|f| f.ends_with(".ann")).unwrap())).unwrap();
    assert!(ann.starts_with("T1\tORGANIZATION 0 9\tPharmacia\n"), "{ann}");
    // And the pair reads back with the same entities.
    assert_status!(strata(d, &["convert", "muc", "-o", "muc.strata", "-q"]), 0);
    let info = strata(d, &["info", "muc.strata", "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert!(info["layers"]["brat"].as_u64().unwrap() > 0, "{info}");

    let out = strata(d, &["convert", "u.strata", "-o", "x.ann"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("brat output is a folder"), "{}", text(&out.stderr));
}

#[test]
fn bad_annotations_cost_only_their_document() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let corpus = d.join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::write(corpus.join("good.txt"), "Sony bought Columbia.\n").unwrap();
    std::fs::write(corpus.join("good.ann"), "T1\tOrg 0 4\tSony\n").unwrap();
    std::fs::write(corpus.join("sub/bad.txt"), "Short.\n").unwrap();
    std::fs::write(corpus.join("sub/bad.ann"), "T1\tOrg 0 4\tShor\nT2\tOrg 3 99\tx\n").unwrap();
    std::fs::write(corpus.join("plain.txt"), "No annotations here.\n").unwrap();
    std::fs::write(corpus.join("orphan.ann"), "T1\tOrg 0 1\tx\n").unwrap();
    std::fs::write(corpus.join("latin.txt"), b"caf\xe9\n").unwrap();
    let out = strata(d, &["convert", "corpus", "-o", "c.strata", "--json"]);
    assert_status!(out, 1);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["documents_in"], 5);
    assert_eq!(summary["written"], 2);
    assert_eq!(summary["rejected"], 3);
    let err = text(&out.stderr);
    assert!(err.contains("sub/bad.ann:2:"), "{err}");
    assert!(err.contains("orphan.txt: cannot read the file"), "{err}");
    assert!(err.contains("latin.txt:1:4: expected UTF-8, found the byte 0xe9"), "{err}");
    let ids = strata(d, &["cat", "c.strata", "--format", "ids"]);
    assert_eq!(text(&ids.stdout), "good\nplain\n");
}
