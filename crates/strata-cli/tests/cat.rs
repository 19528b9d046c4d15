//! End-to-end tests of `strata cat`: selectors, filters, formats and the
//! human view, on the example corpus and the tagged fixtures.

mod common;

use std::path::Path;

use common::{fixture, strata, text};

/// Converts the example corpus (5 news documents) into `dir/news.strata`.
fn news(dir: &Path) -> String {
    let src = fixture("examples/news.jsonl");
    let out = strata(dir, &["convert", src.to_str().unwrap(), "-o", "news.strata", "-q"]);
    assert_status!(out, 0);
    "news.strata".into()
}

fn cat(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["cat"];
    all.extend_from_slice(args);
    let out = strata(dir, &all);
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn ids(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "ids"]);
    let (code, out, err) = cat(dir, &all);
    assert_eq!(code, 0, "{err}");
    out.lines().map(str::to_string).collect()
}

#[test]
fn selectors_pick_documents_in_the_order_given() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = news(d);
    let all = ids(d, &[&f]);
    assert_eq!(all.len(), 5);
    assert_eq!(ids(d, &[&f, "2"]), [all[2].clone()]);
    assert_eq!(ids(d, &[&f, "3", "0"]), [all[3].clone(), all[0].clone()]);
    assert_eq!(ids(d, &[&f, "1..3"]), all[1..3]);
    assert_eq!(ids(d, &[&f, "1..=3"]), all[1..=3]);
    assert_eq!(ids(d, &[&f, "3.."]), all[3..]);
    assert_eq!(ids(d, &[&f, "..2"]), all[..2]);
    let by_id = format!("id:{}", all[4]);
    assert_eq!(ids(d, &[&f, &by_id]), [all[4].clone()]);
}

#[test]
fn missing_documents_are_reported_and_the_rest_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = news(d);
    let (code, out, err) = cat(d, &[&f, "9", "0", "id:nowhere", "--format", "ids"]);
    assert_eq!(code, 1);
    assert_eq!(out, "porthleven-pier\n");
    assert!(err.contains("there is no document 9: the corpus has 5"), "{err}");
    assert!(err.contains("no document has the id \"nowhere\""), "{err}");
    let (code, _, err) = cat(d, &[&f, "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected a document index"), "{err}");
}

#[test]
fn filters_by_date_and_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = news(d);
    assert_eq!(ids(d, &[&f, "--date", "2025-04-11"]), ["geneva-talks"]);
    let march = ids(d, &[&f, "--date", "2025-03-01..2025-03-31"]);
    assert!(march.contains(&"porthleven-pier".to_string()) && !march.contains(&"geneva-talks".to_string()));
    let with_heading = ids(d, &[&f, "--has", "heading"]);
    assert!(with_heading.contains(&"porthleven-pier".to_string()));
    assert!(!with_heading.contains(&"geneva-talks".to_string()));
    // Filters apply to selected documents too.
    assert_eq!(ids(d, &[&f, "1", "--has", "heading"]), Vec::<String>::new());
    let (code, _, err) = cat(d, &[&f, "--date", "2025-02-30"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected a calendar date"), "{err}");
}

#[test]
fn formats_write_what_convert_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = news(d);
    // json: the same line as the source.
    let (code, out, _) = cat(d, &[&f, "0", "--format", "json"]);
    assert_eq!(code, 0);
    let source = std::fs::read_to_string(fixture("examples/news.jsonl")).unwrap();
    let first_doc = source.lines().find(|l| l.contains("\"id\":\"porthleven-pier\"")).unwrap();
    assert_eq!(out.trim_end(), first_doc);
    // tagged: the text exactly; text: the text then an empty line.
    let (_, tagged, _) = cat(d, &[&f, "0", "--format", "tagged"]);
    assert!(tagged.starts_with("Harbour town votes") && tagged.ends_with("spring.\n"));
    let (_, plain, _) = cat(d, &[&f, "0", "1", "--format", "text"]);
    assert!(plain.starts_with(&format!("{tagged}\n")), "{plain}");
    // sgml: a record that names the document.
    let (_, sgml, _) = cat(d, &[&f, "0", "--format", "sgml"]);
    assert!(sgml.starts_with("<DOC id=\"porthleven-pier\""), "{sgml}");
    // Piped without --format: plain text.
    let (_, default, _) = cat(d, &[&f, "0"]);
    assert_eq!(default, format!("{tagged}\n"));
}

#[test]
fn human_view_marks_titles_headings_and_entities() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = news(d);
    let (code, out, _) = cat(d, &[&f, "0", "--format", "human", "--color", "never"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("#0 porthleven-pier  date=2025-03-18"), "{out}");
    assert!(out.contains("[Harbour town votes to rebuild its storm-battered pier]title"), "{out}");
    assert!(out.contains("[Funding and timetable]heading"), "{out}");
    assert!(out.contains("[Porthleven]GPE"), "{out}");
    assert!(out.contains("[Mayor Ellen Tregarthen]PERSON") || out.contains("Tregarthen]PERSON"), "{out}");
    // --mark chooses the layers; colour adds escapes.
    let (_, only, _) = cat(d, &[&f, "0", "--format", "human", "--mark", "heading", "--color", "never"]);
    assert!(only.contains("[Funding and timetable]heading") && !only.contains("]GPE"), "{only}");
    let (_, colored, _) = cat(d, &[&f, "0", "--format", "human", "--color", "always"]);
    assert!(colored.contains("\x1b[1m"), "{colored}");
}

#[test]
fn one_article_of_a_stream_comes_back_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let src = fixture("tests/data/tagged/stream.txt");
    let out = strata(d, &["convert", src.to_str().unwrap(), "-o", "s.strata", "-q", "--compress"]);
    assert_status!(out, 0);
    let mut whole = String::new();
    for i in 0..3 {
        let (code, article, _) = cat(d, &["s.strata", &i.to_string(), "--format", "tagged"]);
        assert_eq!(code, 0);
        whole.push_str(&article);
    }
    let (_, rest, _) = cat(d, &["s.strata", "3..", "--format", "tagged"]);
    whole.push_str(&rest);
    assert_eq!(whole.as_bytes(), std::fs::read(&src).unwrap());
}

#[test]
fn convert_writes_plain_text() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = news(d);
    let out = strata(d, &["convert", &f, "-o", "-", "--to", "text", "-q"]);
    assert_status!(out, 0);
    let (_, expected, _) = cat(d, &[&f, "--format", "text"]);
    assert_eq!(text(&out.stdout), expected);
    let out = strata(d, &["convert", &f, "-o", "texts/", "--to", "text", "-q"]);
    assert_status!(out, 0);
    let pier = std::fs::read_to_string(d.join("texts/porthleven-pier.txt")).unwrap();
    assert!(pier.starts_with("Harbour town") && pier.ends_with("spring.\n"));
    let out = strata(d, &["convert", "texts/porthleven-pier.txt", "--from", "text", "-o", "x.strata"]);
    assert_status!(out, 2);
    assert!(text(&out.stderr).contains("text is an output format"), "{}", text(&out.stderr));
}
