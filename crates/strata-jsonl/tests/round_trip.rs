//! Documents survive a trip through a JSONL line; no line makes the parser
//! panic.

use proptest::prelude::*;
use strata_format::{AttrValue, Date, Document, Layer, Relation, Span, Value};
use strata_jsonl::{document_line, parse_line, Line};

fn document() -> impl Strategy<Value = Document> {
    (
        ".{1,8}",
        "[a-zé€😀 \n\"\\\\\t]{0,50}",
        prop::collection::vec((any::<usize>(), any::<usize>(), prop::option::of("[A-Z]{1,4}|\"q\"")), 0..10),
        prop::collection::vec((any::<usize>(), any::<usize>()), 0..4),
        prop::option::of(any::<i64>()),
        prop::option::of((0u16..=9999, 1u8..=12, 1u8..=28)),
        prop::option::of(prop::collection::vec(".{0,4}", 0..3)),
    )
        .prop_map(|(id, text, spans, rels, n, date, list)| {
            let bounds: Vec<u64> = text.char_indices().map(|(i, _)| i as u64).chain([text.len() as u64]).collect();
            let at = |k: usize| bounds[k % bounds.len()];
            let mut doc = Document::new(id, text.clone());
            if let Some((y, m, d)) = date {
                doc.metadata.push(("date".into(), Value::Date(Date::new(y, m, d).unwrap())));
            }
            if let Some(n) = n {
                doc.metadata.push(("n".into(), Value::Int(n)));
            }
            if let Some(list) = list {
                doc.metadata.push(("topics".into(), Value::List(list)));
            }
            let mut layer = Layer::new("entity");
            for (i, (a, b, label)) in spans.into_iter().enumerate() {
                let (a, b) = (at(a).min(at(b)), at(a).max(at(b)));
                let mut span = Span::new(a, b);
                span.label = label;
                if i % 3 == 0 {
                    span.attrs.push(("rank".into(), AttrValue::Int(i as i64 - 5)));
                    span.attrs.push(("kb".into(), AttrValue::Str(format!("Q{i}"))));
                }
                if i % 4 == 1 {
                    span.fragments = vec![(a, a), (a, b)];
                }
                layer.spans.push(span);
            }
            if !layer.spans.is_empty() {
                let n = layer.spans.len();
                for (f, t) in rels {
                    layer.relations.push(Relation { from: (f % n) as u64, to: (t % n) as u64, label: None });
                }
                doc.layers.push(layer);
            }
            doc
        })
}

proptest! {
    #[test]
    fn documents_round_trip(doc in document()) {
        let line = document_line(&doc);
        prop_assert!(!line.contains('\n'));
        prop_assert_eq!(parse_line(&line).unwrap(), Line::Document(doc));
    }

    #[test]
    fn arbitrary_lines_never_panic(line in ".{0,200}") {
        let _ = parse_line(&line);
    }

    #[test]
    fn json_shaped_lines_never_panic(
        start in any::<u64>(), end in any::<u64>(), text in ".{0,10}", n in any::<i64>()
    ) {
        let line = format!(
            r#"{{"id":"x","text":{},"metadata":{{"n":{n},"d":{{"date":"{}"}}}},"layers":{{"l":{{"spans":[{{"start":{start},"end":{end},"fragments":[[{end},{start}]]}}],"relations":[{{"from":{start},"to":{end}}}]}}}}}}"#,
            serde_json::to_string(&text).unwrap(), text
        );
        let _ = parse_line(&line);
    }
}
