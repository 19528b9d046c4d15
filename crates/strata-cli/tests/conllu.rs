//! End-to-end tests of CoNLL-U through `strata convert` and of the built-in
//! annotators (`--annotate`, `strata annotate`).

mod common;

use std::path::Path;

use common::{conllu_fixtures, fixture, strata, text};

#[test]
fn every_treebank_shape_round_trips_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for src in conllu_fixtures() {
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        for compress in [false, true] {
            let mut args = vec!["convert", src.to_str().unwrap(), "-o", "x.strata", "-q"];
            if compress {
                args.push("--compress");
            }
            assert_status!(strata(d, &args), 0);
            assert_status!(strata(d, &["validate", "x.strata"]), 0);
            assert_status!(strata(d, &["convert", "x.strata", "-o", "back.conllu", "-q"]), 0);
            let back = std::fs::read(d.join("back.conllu")).unwrap();
            assert!(
                back == std::fs::read(&src).unwrap(),
                "{name} (compressed: {compress}) differs after the round trip"
            );
        }
    }
}

#[test]
fn conllu_is_detected_from_content_and_goes_to_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("crates/strata-conllu/tests/data/de_gsd_mwt.conllu");
    std::fs::copy(&src, d.join("treebank.data")).unwrap();
    assert_status!(strata(d, &["convert", "treebank.data", "-o", "t.strata", "-q"]), 0);
    assert_status!(strata(d, &["convert", "t.strata", "-o", "docs/", "--to", "conllu", "-q"]), 0);
    let files = common::files_in(&d.join("docs"));
    assert!(!files.is_empty() && files.iter().all(|f| f.ends_with(".conllu")), "{files:?}");
    let joined: Vec<u8> = files.iter().flat_map(|f| std::fs::read(d.join("docs").join(f)).unwrap()).collect();
    // One document per file; in id order they hold every line again.
    assert_eq!(joined.len(), std::fs::metadata(&src).unwrap().len() as usize);
}

#[test]
fn a_bad_sentence_costs_only_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let good = "# sent_id = 1\n# text = Hi there.\n\
        1\tHi\thi\tINTJ\tUH\t_\t0\troot\t0:root\t_\n\
        2\tthere\tthere\tADV\tRB\t_\t1\tadvmod\t1:advmod\tSpaceAfter=No\n\
        3\t.\t.\tPUNCT\t.\t_\t1\tpunct\t1:punct\t_\n\n";
    let bad = "# sent_id = 2\n# text = Bad.\n1\tBad\tbad\tADJ\tJJ\t_\t0\troot\n\n";
    std::fs::write(d.join("mixed.conllu"), format!("{good}{bad}{}", good.replace("= 1", "= 3"))).unwrap();
    let out = strata(d, &["convert", "mixed.conllu", "-o", "m.strata", "--json"]);
    assert_status!(out, 1);
    let err = text(&out.stderr);
    assert!(err.contains("mixed.conllu:9:26: expected 10 tab-separated columns, found 8"), "{err}");
    assert!(err.contains("sentence left out"), "{err}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["written"], 1);
    assert_eq!(summary["parts_rejected"], 1);
    assert_status!(strata(d, &["convert", "m.strata", "-o", "m.conllu", "-q"]), 0);
    let back = std::fs::read_to_string(d.join("m.conllu")).unwrap();
    assert!(back.contains("# sent_id = 1") && back.contains("# sent_id = 3") && !back.contains("Bad"), "{back}");

    let out = strata(d, &["convert", "mixed.conllu", "-o", "s.strata", "--strict"]);
    assert_status!(out, 2);
    assert!(!d.join("s.strata").exists());
}

#[test]
fn annotated_articles_export_as_conllu_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("tests/data/tagged/stream.txt");
    let src = src.to_str().unwrap();
    let mut outputs = Vec::new();
    for jobs in ["1", "2", "4"] {
        let name = format!("a{jobs}.strata");
        let out = strata(d, &["convert", src, "-o", &name, "--annotate", "sentences,tokens,quotes", "-j", jobs, "-q"]);
        assert_status!(out, 0);
        outputs.push(std::fs::read(d.join(&name)).unwrap());
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]), "the output depends on -j");
    let info = strata(d, &["info", "a1.strata", "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert!(info["layers"]["sentence"].as_u64().unwrap() >= 5, "{info}");
    assert!(info["layers"]["token"].as_u64().unwrap() >= 40, "{info}");

    let out = strata(d, &["convert", "a1.strata", "-o", "a.conllu", "-q"]);
    assert_status!(out, 0);
    let conllu = std::fs::read_to_string(d.join("a.conllu")).unwrap();
    assert!(conllu.contains("# sent_id = ") && conllu.contains("# text = Delegations met in Geneva on Friday."));
    assert!(conllu.contains("1\tDelegations\t_\t_\t_\t_\t_\t_\t_\t_\n"), "{conllu}");
    // cat shows the same CoNLL-U, one document at a time.
    let first = strata(d, &["cat", "a1.strata", "1", "--format", "conllu"]);
    assert_status!(first, 0);
    assert!(conllu.contains(&text(&first.stdout)), "{}", text(&first.stdout));
    // What was exported reads back as CoNLL-U.
    assert_status!(strata(d, &["convert", "a.conllu", "-o", "again.strata", "-q"]), 0);

    // Without tokens there is no CoNLL-U: the documents are rejected.
    let plain = strata(d, &["convert", src, "-o", "plain.conllu", "-q"]);
    assert_status!(plain, 1);
    assert!(text(&plain.stderr).contains("cannot be written as CoNLL-U"), "{}", text(&plain.stderr));
}

#[test]
fn annotate_adds_layers_to_an_existing_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("examples/news.jsonl");
    assert_status!(strata(d, &["convert", src.to_str().unwrap(), "-o", "news.strata", "-q"]), 0);
    assert_status!(strata(d, &["annotate", "news.strata", "-o", "n2.strata", "--add", "quotes,sentences"]), 0);
    let same = strata(d, &["convert", "news.strata", "-o", "n3.strata", "--annotate", "sentences,quotes", "-q"]);
    assert_status!(same, 0);
    assert_eq!(std::fs::read(d.join("n2.strata")).unwrap(), std::fs::read(d.join("n3.strata")).unwrap());
    let quotes = strata(d, &["cat", "n2.strata", "0", "--format", "human", "--mark", "quote", "--color", "never"]);
    let quotes = text(&quotes.stdout);
    assert!(quotes.contains("[“We have waited long enough,”]quote"), "{quotes}");

    let out = strata(d, &["annotate", "news.strata", "-o", "x.strata", "--add", "lemmas"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("expected an annotator"), "{}", text(&out.stderr));
    let out = strata(d, &["annotate", "news.strata", "-o", "news.strata", "--add", "tokens"]);
    assert_status!(out, 2);
    assert!(Path::new(&d.join("news.strata")).exists());
}

/// CoNLL-U goes to strata through built documents: the same bytes, messages
/// and exit status with one thread or two, and the same bytes as writing the
/// owned documents of `strata_conllu::Reader` with `Writer::add`.
#[test]
fn built_documents_give_the_bytes_of_owned_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Every fixture, one twice (its documents are then rejected as
    // duplicates), the one with `# global.columns` last; then a sentence
    // with an error and one with a warning.
    let mut first = Vec::new();
    let (plus, others): (Vec<_>, Vec<_>) =
        conllu_fixtures().into_iter().partition(|p| p.ends_with("plus_columns.conllu"));
    for src in others {
        first.extend(std::fs::read(&src).unwrap());
    }
    first.extend(std::fs::read(fixture("crates/strata-conllu/tests/data/fr_gsd_mwt.conllu")).unwrap());
    first.extend(std::fs::read(&plus[0]).unwrap());
    let mut second = b"1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n2\tb\t_\t_\t_\t_\t0\troot\t_\t_\n\n".to_vec();
    second.extend(b"1\tbad\n\n");
    std::fs::write(d.join("a.conllu"), &first).unwrap();
    std::fs::write(d.join("b.conllu"), &second).unwrap();
    let run = |jobs: &str| {
        let out = strata(d, &["convert", "a.conllu", "b.conllu", "-o", &format!("j{jobs}.strata"), "-j", jobs]);
        let stderr = text(&out.stderr);
        // The summary's time differs from run to run.
        let stderr: Vec<&str> = stderr.lines().map(|l| l.split("; ").next().unwrap_or(l)).collect();
        (out.status.code(), stderr.join("\n"), std::fs::read(d.join(format!("j{jobs}.strata"))).unwrap())
    };
    let one = run("1");
    let two = run("2");
    assert_eq!(one.0, Some(1), "{}", one.1);
    assert!(one.1.contains("already in the corpus"), "{}", one.1);
    assert!(one.1.contains("sentence left out"), "{}", one.1);
    assert!(one.1.contains("warning: expected one root"), "{}", one.1);
    assert_eq!(one.1, two.1);
    assert!(one.2 == two.2, "-j1 and -j2 differ");

    let mut wtr = strata_format::WriterBuilder::new().build(Vec::new()).unwrap();
    for (input, stem) in [(&first, "a"), (&second, "b")] {
        for parsed in strata_conllu::Reader::new(&input[..], stem).flatten() {
            if let Err(e) = wtr.add(&parsed.document) {
                assert!(e.is_invalid_document(), "{e}");
            }
        }
    }
    assert!(wtr.finish().unwrap() == one.2, "the CLI differs from Writer::add");
}
