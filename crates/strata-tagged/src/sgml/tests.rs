//! Every family on fixtures in the shapes of the real distributions.

use strata_format::{Date, Document, Value};

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/data/sgml/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn docs(name: &str) -> Vec<Document> {
    parse_sgml(&fixture(name), &Options::default())
        .into_iter()
        .map(|i| i.result.unwrap_or_else(|p| panic!("{name}: {p}")).0)
        .collect()
}

fn texts<'a>(doc: &'a Document, layer: &str) -> Vec<&'a str> {
    doc.layer(layer)
        .map(|l| l.spans.iter().map(|s| &doc.text[s.start as usize..s.end as usize]).collect())
        .unwrap_or_default()
}

fn labels(doc: &Document) -> Vec<(String, String)> {
    doc.layer("entity")
        .map(|l| {
            l.spans
                .iter()
                .map(|s| (doc.text[s.start as usize..s.end as usize].to_string(), s.label.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

fn date(y: u16, m: u8, d: u8) -> Option<&'static Value> {
    Some(Box::leak(Box::new(Value::Date(Date::new(y, m, d).unwrap()))))
}

#[test]
fn gigaword() {
    let d = docs("gigaword.sgml");
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].id, "AFP_ENG_20050101.0001");
    assert_eq!(d[0].meta("date"), date(2005, 1, 1));
    assert_eq!(d[0].meta("type"), Some(&Value::Str("story".into())));
    assert_eq!(texts(&d[0], "title"), ["Tsunami death toll passes 120,000 as aid pours in"]);
    assert_eq!(texts(&d[0], "dateline"), ["BANDA ACEH, Indonesia, Jan 1 (AFP)"]);
    let paragraphs = texts(&d[0], "paragraph");
    assert_eq!(paragraphs.len(), 2);
    assert!(paragraphs[1].starts_with("\"We need clean water & medicine"), "{}", paragraphs[1]);
    assert!(d[0].text.starts_with("Tsunami death toll passes 120,000 as aid pours in\n\nBANDA ACEH"));
    assert_eq!(texts(&d[1], "paragraph"), ["Editors <and> subscribers are advised of the following schedule."]);
}

#[test]
fn aquaint() {
    let d = docs("aquaint.sgml");
    assert_eq!(d[0].id, "APW19980601.0003");
    assert_eq!(d[0].meta("date"), date(1998, 6, 1));
    assert_eq!(d[0].meta("type"), Some(&Value::Str("NEWS STORY".into())));
    assert_eq!(texts(&d[0], "title"), ["Cuba Frees Prisoners After Pope's Visit"]);
    assert_eq!(texts(&d[0], "paragraph").len(), 2);
    assert!(!d[0].text.contains("BC-Cuba-Pope"), "slugs and trailers are not text");
}

#[test]
fn trec_paragraphs_without_p() {
    let d = docs("trec.sgml");
    assert_eq!(d[0].id, "FT911-3");
    assert_eq!(d[0].meta("date"), date(1998, 3, 14));
    assert_eq!(
        texts(&d[0], "paragraph"),
        [
            "London shares were little changed yesterday as dealers waited for\nthe Bank of England's decision on interest rates.",
            "The FT-SE 100 index closed 2.1 points higher at 2,558.4.",
            "Turnover was thin, at 412m shares.",
        ]
    );
}

#[test]
fn reuters() {
    let d = docs("reuters.sgm");
    assert_eq!(d.len(), 2);
    let r = &d[0];
    assert_eq!(r.id, "1");
    assert_eq!(r.meta("date"), date(1987, 2, 26));
    assert_eq!(r.meta("topics"), Some(&Value::List(vec!["cocoa".into()])));
    assert_eq!(r.meta("places"), Some(&Value::List(vec!["el-salvador".into(), "usa".into(), "uruguay".into()])));
    assert_eq!(r.meta("people"), None, "empty lists are left out");
    assert_eq!(r.meta("lewissplit"), Some(&Value::Str("TRAIN".into())));
    assert_eq!(texts(r, "title"), ["BAHIA COCOA REVIEW"]);
    assert_eq!(texts(r, "dateline"), ["SALVADOR, Feb 26 -"]);
    let p = texts(r, "paragraph");
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(p[0].starts_with("Showers continued") && p[0].ends_with("temporao."));
    assert!(p[1].contains("Chemical Bank <CHL> was not involved."), "unknown tags are text: {}", p[1]);
    assert_eq!(p[2], "Reuter");
    assert_eq!(d[1].id, "2");
    assert_eq!(texts(&d[1], "title"), ["STANDARD OIL <SRD> TO FORM FINANCIAL UNIT"]);
}

#[test]
fn muc_entities() {
    let d = docs("muc.sgml");
    assert_eq!(texts(&d[0], "title"), ["Pharmacia Names New Chief"]);
    assert_eq!(
        labels(&d[0]),
        [
            ("Pharmacia".to_string(), "ORGANIZATION".to_string()),
            ("Pharmacia AB".into(), "ORGANIZATION".into()),
            ("Sweden".into(), "LOCATION".into()),
            ("Jan Ekberg".into(), "PERSON".into()),
            ("Tuesday".into(), "DATE".into()),
            ("$2.1 billion".into(), "MONEY".into()),
        ]
    );
    assert!(!d[0].text.contains('<'), "markup is gone from the text");
}

#[test]
fn ieer_entities() {
    let d = docs("ieer.sgml");
    assert_eq!(d[0].meta("date"), date(1998, 3, 15));
    assert_eq!(
        labels(&d[0]),
        [
            ("Bob Dole".to_string(), "PERSON".to_string()),
            ("Sunday".into(), "DATE".into()),
            ("Senate".into(), "ORGANIZATION".into()),
            ("$1.7 trillion".into(), "MONEY".into()),
        ]
    );
}

#[test]
fn bad_documents_cost_only_themselves() {
    let items = parse_sgml(&fixture("bad.sgml"), &Options::default());
    let summary: Vec<String> = items
        .iter()
        .map(|i| match &i.result {
            Ok((d, w)) => format!("ok {} warnings={}", d.id, w.len()),
            Err(p) => format!("{}:{}: {}", p.line, p.column, p.message),
        })
        .collect();
    assert_eq!(summary[0], "ok GOOD_20050101.0001 warnings=0");
    assert_eq!(summary[1], "13:1: expected <P> to be closed before </TEXT>, found it unclosed");
    assert_eq!(summary[2], "19:1: expected a matching <P> before </P>, found a stray end tag");
    assert_eq!(summary[3], "22:1: expected </DOC> before the next <DOC>, found none");
    assert_eq!(summary[4], "ok BAD_DATE warnings=1");
    assert!(summary[5].starts_with("36:1: expected a document id"), "{}", summary[5]);
    assert_eq!(summary[6], "ok LAST_20050101.0005 warnings=0");
    assert_eq!(summary.len(), 7);
    let Ok((_, warnings)) = &items[4].result else { panic!() };
    assert_eq!((warnings[0].line, warnings[0].column), (29, 13));
    let strict = Options { strict: true, ..Options::default() };
    assert!(parse_sgml(&fixture("bad.sgml"), &strict)[4].result.is_err());
}

#[test]
fn invalid_bytes_cost_one_document() {
    let mut input = fixture("gigaword.sgml");
    let at = input.windows(5).position(|w| w == b"Aceh\n").unwrap();
    input[at] = 0xc4;
    let items = parse_sgml(&input, &Options::default());
    let p = items[0].result.as_ref().unwrap_err();
    assert!(p.message.contains("expected UTF-8, found the byte 0xc4"), "{}", p.message);
    assert!(items[1].result.is_ok());
    let latin = Options { encoding: Encoding::Latin1, ..Options::default() };
    assert!(parse_sgml(&input, &latin)[0].result.as_ref().unwrap().0.text.contains("Äceh"));
}

#[test]
fn written_sgml_parses_back_to_the_same_documents() {
    for name in ["gigaword.sgml", "aquaint.sgml", "trec.sgml", "reuters.sgm", "muc.sgml", "ieer.sgml"] {
        let original = docs(name);
        let mut out = String::new();
        for d in &original {
            write_sgml(d, &mut out);
        }
        let again: Vec<Document> = parse_sgml(out.as_bytes(), &Options::default())
            .into_iter()
            .map(|i| i.result.unwrap_or_else(|p| panic!("{name}: {p}\n{out}")).0)
            .collect();
        assert_eq!(again, original, "{name}:\n{out}");
    }
}
