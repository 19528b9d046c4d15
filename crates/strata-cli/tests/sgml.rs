//! End-to-end tests of SGML newswire: every family in, Gigaword-style out.

mod common;

use common::{fixture, strata, text};

fn sgml(name: &str) -> String {
    fixture(&format!("tests/data/sgml/{name}")).to_str().unwrap().to_string()
}

#[test]
fn every_family_converts_together() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let inputs = ["gigaword.sgml", "aquaint.sgml", "trec.sgml", "reuters.sgm", "muc.sgml", "ieer.sgml"];
    let mut args = vec!["convert".to_string()];
    args.extend(inputs.iter().map(|n| sgml(n)));
    args.extend(["-o".into(), "news.strata".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = strata(d, &args);
    assert_status!(out, 0);
    assert!(text(&out.stderr).contains("6 inputs, 8 documents in, 8 written, 0 rejected"), "{}", text(&out.stderr));
    let info = strata(d, &["info", "news.strata", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(v["documents"], 8);
    assert_eq!(v["layers"]["entity"], 10);
    assert_eq!(v["fields"]["date"], "date");
    assert_eq!(v["fields"]["topics"], "list");
    assert_eq!(v["fields"]["dateline"], "string");
    assert_status!(strata(d, &["validate", "news.strata"]), 0);
}

#[test]
fn sgml_out_parses_back_to_the_same_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for name in ["gigaword.sgml", "reuters.sgm", "muc.sgml", "ieer.sgml"] {
        assert_status!(strata(d, &["convert", &sgml(name), "-o", "a.strata", "-q"]), 0);
        assert_status!(strata(d, &["convert", "a.strata", "-o", "a.sgml", "-q"]), 0);
        assert_status!(strata(d, &["convert", "a.sgml", "-o", "b.strata", "-q"]), 0);
        let (a, b) = (std::fs::read(d.join("a.strata")).unwrap(), std::fs::read(d.join("b.strata")).unwrap());
        assert!(a == b, "{name}: the corpus changed on its way through SGML");
    }
    let written = std::fs::read_to_string(d.join("a.sgml")).unwrap();
    assert!(written.contains("<ENAMEX TYPE=\"PERSON\">Bob Dole</ENAMEX>"), "{written}");
    assert!(written.contains("<NUMEX TYPE=\"MONEY\">$1.7 trillion</NUMEX>"), "{written}");
}

#[test]
fn bad_records_cost_only_themselves() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let out = strata(d, &["convert", &sgml("bad.sgml"), "-o", "bad.strata"]);
    assert_status!(out, 1);
    let err = text(&out.stderr);
    for want in [
        "bad.sgml:13:1: expected <P> to be closed before </TEXT>, found it unclosed",
        "bad.sgml:19:1: expected a matching <P> before </P>, found a stray end tag",
        "bad.sgml:22:1: expected </DOC> before the next <DOC>, found none",
        "bad.sgml:29:13: warning: expected a calendar date, found \"2005-02-30\"",
        "bad.sgml:36:1: expected a document id",
        "1 input, 7 documents in, 3 written, 4 rejected",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    let strict = strata(d, &["convert", &sgml("bad.sgml"), "-o", "strict.strata", "--strict"]);
    assert_status!(strict, 2);
    assert!(!d.join("strict.strata").exists());
}

#[test]
fn sgml_is_recognised_by_content() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(sgml("gigaword.sgml"), d.join("afp_eng_200501")).unwrap();
    let out = strata(d, &["convert", "afp_eng_200501", "-o", "afp.jsonl", "-q"]);
    assert_status!(out, 0);
    let jsonl = std::fs::read_to_string(d.join("afp.jsonl")).unwrap();
    assert!(jsonl.contains("\"id\":\"AFP_ENG_20050101.0002\""), "{jsonl}");
}
