//! One document as text, in each textual form `convert` writes and `cat`
//! shows: the text alone, a JSONL line, a Gigaword `<DOC>` record, or a
//! human view with its layers marked inline.

use std::fmt::Write as _;

use strata_format::{Document, Value};

/// Plain text: the document's text, ending in a newline, then an empty line
/// that separates it from the next. Not lossless (tagged text is): the
/// separator and added newline cannot be told from the text.
pub fn text(doc: &Document, out: &mut String) {
    out.push_str(&doc.text);
    if !doc.text.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
}

/// The JSONL interchange line (spec/JSONL.md), newline included.
pub fn json(doc: &Document, out: &mut String) {
    out.push_str(&strata_jsonl::document_line(doc));
    out.push('\n');
}

/// A Gigaword-style `<DOC>` record.
pub fn sgml(doc: &Document, out: &mut String) {
    strata_tagged::sgml::write_sgml(doc, out);
}

/// Layers the human view marks inline when none are named: the structure
/// of news articles and the entities and quotes in them.
pub const DEFAULT_MARKED: [&str; 6] = ["title", "heading", "dateline", "entity", "quote", "brat"];

/// Layers shown as whole lines (bold on a terminal), not bracketed.
const BLOCK_LAYERS: [&str; 3] = ["title", "heading", "dateline"];

/// How the human view looks.
pub struct HumanStyle<'a> {
    /// ANSI colours and bold (for a terminal) or plain brackets.
    pub color: bool,
    /// The layers whose spans are marked.
    pub marked: &'a [String],
}

/// A document for a person at a terminal: a header line with index, id and
/// metadata, a line with the layers and their span counts, then the text
/// with the spans of the marked layers shown inline. Without colour a
/// marked span reads `[text]label` (the layer name when it has no label);
/// with colour, titles and headings are bold and other spans coloured with
/// their label dimmed after them.
pub fn human(index: u64, doc: &Document, style: &HumanStyle, out: &mut String) {
    let (bold, dim, cyan, reset) =
        if style.color { ("\x1b[1m", "\x1b[2m", "\x1b[36m", "\x1b[0m") } else { ("", "", "", "") };
    let _ = write!(out, "{bold}#{index} {}{reset}", doc.id);
    for (name, value) in &doc.metadata {
        let shown = match value {
            Value::Date(d) => d.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Str(s) => format!("{s:?}"),
            Value::List(items) => format!("[{}]", items.join(", ")),
        };
        let _ = write!(out, "  {dim}{name}={reset}{shown}");
    }
    out.push('\n');
    if !doc.layers.is_empty() {
        let layers: Vec<String> = doc
            .layers
            .iter()
            .map(|l| match l.relations.len() {
                0 => format!("{} {}", l.name, l.spans.len()),
                r => format!("{} {} ({r} relations)", l.name, l.spans.len()),
            })
            .collect();
        let _ = writeln!(out, "{dim}layers: {}{reset}", layers.join(", "));
    }
    out.push('\n');

    // Marks as (offset, order, string): at one offset, ends come before
    // starts, inner ends before outer ends and outer starts before inner
    // starts, so nested spans nest in the output.
    let mut marks: Vec<(u64, i64, String)> = Vec::new();
    for layer in doc.layers.iter().filter(|l| style.marked.contains(&l.name)) {
        let block = BLOCK_LAYERS.contains(&layer.name.as_str());
        for span in &layer.spans {
            if span.start >= span.end {
                continue;
            }
            let len = (span.end - span.start) as i64;
            let label = span.label.as_deref().unwrap_or(&layer.name);
            let (open, close) = match (block, style.color) {
                (true, true) => (bold.to_string(), reset.to_string()),
                (false, true) => (cyan.to_string(), format!("{reset}{dim}{label}{reset}")),
                (_, false) => ("[".to_string(), format!("]{label}")),
            };
            marks.push((span.start, len, open));
            marks.push((span.end, -len, close));
        }
    }
    // Ends (negative order) sort first at an offset; among ends the shorter
    // (inner) span first; among starts the longer (outer) first.
    marks.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| order_key(a.1).cmp(&order_key(b.1))));
    let text = &doc.text;
    let mut at = 0usize;
    for (offset, _, mark) in marks {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(text.len());
        if offset < at || !text.is_char_boundary(offset) {
            continue;
        }
        out.push_str(&text[at..offset]);
        out.push_str(&mark);
        at = offset;
    }
    out.push_str(&text[at..]);
    // Runs of blank lines at the end of an article are bytes kept for the
    // round trip, not something a reader needs to scroll past.
    out.truncate(out.trim_end().len());
    out.push('\n');
}

/// Sort key within one offset: ends (negative) before starts; inner ends
/// (short) first; outer starts (long) first.
fn order_key(order: i64) -> (u8, i64) {
    if order < 0 {
        (0, -order)
    } else {
        (1, -order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_format::{Date, Layer, Span};

    fn sample() -> Document {
        let mut doc = Document::new("pier", "Talks\n\nThe Kremlin said so.\n");
        doc.metadata.push(("date".into(), Value::Date(Date::new(2025, 4, 11).unwrap())));
        let mut title = Layer::new("title");
        title.spans.push(Span::new(0, 5));
        let mut entity = Layer::new("entity");
        entity.spans.push(Span::new(11, 18).with_label("ORG"));
        let mut para = Layer::new("paragraph");
        para.spans.push(Span::new(7, 28));
        doc.layers = vec![title, para, entity];
        doc
    }

    #[test]
    fn human_view_marks_spans_inline() {
        let marked: Vec<String> = DEFAULT_MARKED.iter().map(|s| s.to_string()).collect();
        let mut out = String::new();
        human(3, &sample(), &HumanStyle { color: false, marked: &marked }, &mut out);
        assert_eq!(
            out,
            "#3 pier  date=2025-04-11\nlayers: title 1, paragraph 1, entity 1\n\n\
             [Talks]title\n\nThe [Kremlin]ORG said so.\n"
        );
    }

    #[test]
    fn nested_spans_nest() {
        let mut doc = Document::new("n", "New York City");
        let mut entity = Layer::new("entity");
        entity.spans.push(Span::new(0, 8).with_label("GPE"));
        entity.spans.push(Span::new(0, 13).with_label("LOC"));
        doc.layers.push(entity);
        let marked = vec!["entity".to_string()];
        let mut out = String::new();
        human(0, &doc, &HumanStyle { color: false, marked: &marked }, &mut out);
        assert!(out.ends_with("[[New York]GPE City]LOC\n"), "{out}");
    }

    #[test]
    fn text_ends_each_document_with_an_empty_line() {
        let mut out = String::new();
        text(&Document::new("a", "one"), &mut out);
        text(&Document::new("b", "two\n"), &mut out);
        assert_eq!(out, "one\n\ntwo\n\n");
    }
}
