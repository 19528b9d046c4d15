//! Properties: splitting loses no byte, parsing never panics and finds the
//! structure generated articles were built with.

use proptest::prelude::*;
use strata_format::{Date, Value};
use strata_tagged::{parse_article, to_document, Options, Segment, Splitter};

/// A paragraph: sentences that end in punctuation, sometimes two lines.
fn paragraph() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[A-Z][a-zéü’]{0,8}( [a-zКиїв]{1,8}){0,6}[.!?]", 1..4),
        any::<bool>(),
        prop_oneof!["", "“", "\""],
    )
        .prop_map(|(sentences, two_lines, quote)| {
            let sep = if two_lines { "\n" } else { " " };
            let close = match quote.as_str() {
                "“" => "”",
                "\"" => "\"",
                _ => "",
            };
            format!("{quote}{}{close}", sentences.join(sep))
        })
}

/// A sub-heading: a short capitalised phrase without final punctuation.
fn heading() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{2,8}( [a-z]{2,8}){0,3}"
}

#[derive(Clone, Debug)]
struct Style {
    crlf: bool,
    blank_lines: usize,
    indent: &'static str,
    trailing: &'static str,
    final_newline: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (
        any::<bool>(),
        1usize..4,
        prop_oneof![Just(""), Just(" "), Just("\t"), Just("\u{a0}")],
        prop_oneof![Just(""), Just("  "), Just("\t")],
        any::<bool>(),
    )
        .prop_map(|(crlf, blank_lines, indent, trailing, final_newline)| Style {
            crlf,
            blank_lines,
            indent,
            trailing,
            final_newline,
        })
}

/// A generated article: its text, the blocks it was built from as
/// `(is_heading, content)`, and its date.
type Generated = (String, Vec<(bool, String)>, Option<(u16, u8, u8)>);

fn article() -> impl Strategy<Value = Generated> {
    (
        prop::option::of((1900u16..2100, 1u8..=12, 1u8..=28)),
        "[A-Z][a-z]{1,8}( [a-z]{1,8}){0,5}",
        prop::collection::vec(
            prop_oneof![3 => paragraph().prop_map(|p| (false, p)), 1 => heading().prop_map(|h| (true, h))],
            1..8,
        ),
        style(),
    )
        .prop_map(|(date, title, mut blocks, st)| {
            // A heading needs a block after it; a last one is a paragraph.
            if let Some(last) = blocks.last_mut() {
                last.0 = false;
            }
            let nl = if st.crlf { "\r\n" } else { "\n" };
            let mut text = match date {
                Some((y, m, d)) => format!("{}date {y:04}-{m:02}-{d:02} {title}{}{nl}", st.indent, st.trailing),
                None => format!("{}{title}{}{nl}", st.indent, st.trailing),
            };
            for (i, (_, b)) in blocks.iter().enumerate() {
                text.push_str(&nl.repeat(st.blank_lines));
                text.push_str(st.indent);
                text.push_str(&b.replace('\n', nl));
                text.push_str(st.trailing);
                if i + 1 < blocks.len() || st.final_newline {
                    text.push_str(nl);
                }
            }
            let expected = blocks.into_iter().map(|(h, b)| (h, b.replace('\n', nl))).collect();
            (text, expected, date)
        })
}

proptest! {
    #[test]
    fn splitting_loses_no_byte(bytes in prop::collection::vec(prop_oneof![
        Just(b'\n'), Just(b' '), Just(b'\r'), Just(0xe9u8), Just(b'a'), Just(b'-'),
        Just(b'2'), Just(b'd'), Just(b'a'), Just(b't'), Just(b'e'),
    ], 0..300), header_every in 1usize..20) {
        // Sprinkle real header lines through the noise.
        let mut input = Vec::new();
        for (i, chunk) in bytes.chunks(header_every * 5).enumerate() {
            if i % 2 == 0 {
                input.extend_from_slice(b"\n date 2025-04-11 Headline\n");
            }
            input.extend_from_slice(chunk);
        }
        let segments: Vec<Segment> = Splitter::new(&input[..]).map(|s| s.unwrap()).collect();
        let joined: Vec<u8> = segments.iter().flat_map(|s| s.bytes.iter().copied()).collect();
        prop_assert_eq!(joined, input.clone());
        let mut offset = 0;
        for s in &segments {
            prop_assert_eq!(s.offset, offset);
            offset += s.bytes.len() as u64;
            let _ = to_document("x", s, &Options::default());
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "[ \t\n\r\u{a0}\u{feff}a-zA-Z.”“date0-9-]{0,200}") {
        let a = parse_article(&text);
        let mut spans: Vec<_> = a.paragraphs.iter().chain(&a.headings).chain(&a.title).cloned().collect();
        spans.sort_by_key(|r| r.start);
        for w in spans.windows(2) {
            prop_assert!(w[0].end <= w[1].start, "{:?}", spans);
        }
        for r in &spans {
            prop_assert!(text.get(r.clone()).is_some());
            prop_assert!(!text[r.clone()].is_empty());
        }
    }

    #[test]
    fn generated_articles_round_trip((text, blocks, date) in article()) {
        let seg = Segment { bytes: text.clone().into_bytes(), line: 1, offset: 0 };
        let (doc, warnings) = to_document("a", &seg, &Options::default()).unwrap();
        prop_assert!(warnings.is_empty());
        prop_assert_eq!(&doc.text, &text);
        let expected_date = date.map(|(y, m, d)| Value::Date(Date::new(y, m, d).unwrap()));
        prop_assert_eq!(doc.meta("date"), expected_date.as_ref());
        let a = parse_article(&text);
        let mut found: Vec<(bool, String)> = a.paragraphs.iter().map(|r| (false, text[r.clone()].to_string()))
            .chain(a.headings.iter().map(|r| (true, text[r.clone()].to_string())))
            .collect();
        found.sort_by_key(|(_, s)| text.find(s.as_str()));
        let mut expected = blocks.clone();
        expected.sort_by_key(|(_, s)| text.find(s.as_str()));
        prop_assert_eq!(found, expected);
    }
}
