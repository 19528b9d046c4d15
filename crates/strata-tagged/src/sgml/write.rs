//! Writing documents as Gigaword-style SGML `<DOC>` records that parse
//! back to the same documents.

use std::fmt::Write as _;

use strata_format::{Document, Span, Value};

/// List fields written as `<NAME><D>item</D>...</NAME>`.
const LIST_ELEMENTS: [&str; 6] = ["topics", "places", "people", "orgs", "exchanges", "companies"];

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// The entity element for a label: NUMEX for amounts, TIMEX for times,
/// ENAMEX for names. The label itself is the TYPE attribute, so any label
/// survives the trip.
fn entity_element(label: &str) -> &'static str {
    match label.to_ascii_uppercase().as_str() {
        "MONEY" | "PERCENT" | "QUANTITY" | "CARDINAL" | "ORDINAL" => "NUMEX",
        "DATE" | "TIME" | "DURATION" => "TIMEX",
        _ => "ENAMEX",
    }
}

/// `text[start..end]` with the entities inside it as inline elements.
/// Entities that cross one another cannot nest in SGML; the later one of a
/// crossing pair is left out.
fn write_region(text: &str, start: u64, end: u64, entities: &[&Span], out: &mut String) {
    let slice = |a: u64, b: u64| text.get(a as usize..b as usize).unwrap_or("");
    let mut inside: Vec<&&Span> = entities.iter().filter(|e| e.start >= start && e.end <= end).collect();
    inside.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let mut pos = start;
    let mut open: Vec<(u64, &str)> = Vec::new();
    for e in inside {
        while let Some(&(until, element)) = open.last() {
            if until > e.start {
                break;
            }
            escape(slice(pos, until), out);
            let _ = write!(out, "</{element}>");
            pos = until;
            open.pop();
        }
        if open.last().is_some_and(|&(until, _)| e.end > until) {
            continue;
        }
        escape(slice(pos, e.start), out);
        let label = e.label.as_deref().unwrap_or("");
        let element = entity_element(label);
        out.push('<');
        out.push_str(element);
        out.push_str(" TYPE=\"");
        escape(label, out);
        out.push_str("\">");
        pos = e.start;
        open.push((e.end, element));
    }
    while let Some((until, element)) = open.pop() {
        escape(slice(pos, until), out);
        let _ = write!(out, "</{element}>");
        pos = until;
    }
    escape(slice(pos, end), out);
}

/// Writes one document as a `<DOC>` record: the id and other string fields
/// as attributes, the date, the `title` and `dateline` spans, list fields,
/// and the `paragraph` spans as `<P>`, with `entity` spans inline. Text
/// outside those spans, and integer fields, are not written.
pub fn write_sgml(doc: &Document, out: &mut String) {
    let spans = |name: &str| doc.layer(name).map(|l| l.spans.iter().collect::<Vec<_>>()).unwrap_or_default();
    let entities = spans("entity");
    out.push_str("<DOC id=\"");
    escape(&doc.id, out);
    out.push('"');
    // String fields without an element of their own (a type, Reuters'
    // LEWISSPLIT...) are attributes of the record, which reads them back.
    for (name, value) in &doc.metadata {
        let own_element = matches!(name.as_str(), "title" | "dateline" | "id" | "newid" | "topics");
        let attribute_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if let (false, true, Value::Str(v)) = (own_element, attribute_name, value) {
            let _ = write!(out, " {name}=\"");
            escape(v, out);
            out.push('"');
        }
    }
    out.push_str(">\n");
    if let Some(Value::Date(d)) = doc.meta("date") {
        let _ = writeln!(out, "<DATE_TIME>{d}</DATE_TIME>");
    }
    for (layer, element) in [("title", "HEADLINE"), ("dateline", "DATELINE")] {
        if let Some(s) = spans(layer).first() {
            let _ = writeln!(out, "<{element}>");
            write_region(&doc.text, s.start, s.end, &entities, out);
            let _ = writeln!(out, "\n</{element}>");
        }
    }
    for (name, value) in &doc.metadata {
        if let (true, Value::List(items)) = (LIST_ELEMENTS.contains(&name.as_str()), value) {
            let upper = name.to_ascii_uppercase();
            let _ = write!(out, "<{upper}>");
            for item in items {
                out.push_str("<D>");
                escape(item, out);
                out.push_str("</D>");
            }
            let _ = writeln!(out, "</{upper}>");
        }
    }
    out.push_str("<TEXT>\n");
    for p in spans("paragraph") {
        out.push_str("<P>\n");
        write_region(&doc.text, p.start, p.end, &entities, out);
        out.push_str("\n</P>\n");
    }
    out.push_str("</TEXT>\n</DOC>\n");
}
