//! One SGML document into a strata document: fields, clean text, layers.

use std::ops::Range;

use strata_format::{Document, Layer, Span, Value};

use super::dates::{date_from_id, parse_date_field, Parsed};
use super::lexer::{token, Token};

/// Where a piece of text goes, decided by the innermost meaningful element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Id,
    Type,
    Date,
    Title,
    Dateline,
    Body,
    ListItem,
    Ignore,
    Root,
}

/// The elements the families use, by upper-case name, and what their text
/// is. Other names are not markup: Reuters writes tickers as `<CHL>`.
fn element(name: &str) -> Option<Target> {
    Some(match name {
        "DOC" | "REUTERS" | "TOPICS" | "PLACES" | "PEOPLE" | "ORGS" | "EXCHANGES" | "COMPANIES" => Target::Root,
        "DOCNO" | "DOCID" => Target::Id,
        "DOCTYPE" => Target::Type,
        "DATE_TIME" | "DATE" => Target::Date,
        "HEADLINE" | "TITLE" | "HL" => Target::Title,
        "DATELINE" => Target::Dateline,
        "TEXT" | "BODY" | "P" => Target::Body,
        "D" => Target::ListItem,
        "SLUG" | "TRAILER" | "UNKNOWN" | "MKNOTE" | "AUTHOR" | "BYLINE" | "KEYWORD" | "NOTE" => Target::Ignore,
        // Entity elements are transparent: their text belongs to the
        // element around them.
        "ENAMEX" | "NUMEX" | "TIMEX" => return None,
        _ => return None,
    })
}

fn is_entity_element(name: &str) -> bool {
    matches!(name, "ENAMEX" | "NUMEX" | "TIMEX")
}

/// IEER's entity markers: `<b_enamex type=..>` opens, `<e_enamex>` closes.
fn ieer_marker(name: &str) -> Option<(bool, &'static str)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "b_enamex" => (true, "enamex"),
        "b_numex" => (true, "numex"),
        "b_timex" => (true, "timex"),
        "e_enamex" => (false, "enamex"),
        "e_numex" => (false, "numex"),
        "e_timex" => (false, "timex"),
        _ => return None,
    })
}

/// A text buffer with its entities (start, end, label), byte offsets into it.
#[derive(Default)]
struct Buf {
    text: String,
    entities: Vec<(usize, usize, String)>,
}

/// The problem at byte `at` of the document: (offset in document, message).
pub type DocProblem = (usize, String);

/// What one document yields: the document and its warnings, each with the
/// byte offset (in the document) it concerns.
pub type Built = (Document, Vec<DocProblem>);

struct Open<'a> {
    name: String,
    at: usize,
    raw: &'a str,
}

/// Builds the document from its text (start tag to end tag).
pub fn build(doc: &str, strict: bool) -> Result<Built, DocProblem> {
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut bufs: [Buf; 3] = Default::default(); // title, dateline, body
    let (mut id, mut doc_type, mut date_text) = (String::new(), String::new(), String::new());
    let mut attr_id: Option<String> = None;
    let mut attr_newid: Option<String> = None;
    let mut attr_type: Option<String> = None;
    let mut extra: Vec<(String, Value)> = Vec::new();
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    let mut paragraphs: Vec<Range<usize>> = Vec::new();
    let mut outside_p: Vec<Range<usize>> = Vec::new();
    let mut p_start: Option<usize> = None;
    // Open entities: (buffer, start, label, kind).
    let mut entities: Vec<(usize, usize, String, String)> = Vec::new();

    let target = |stack: &[Open<'_>]| {
        stack.iter().rev().find_map(|o| element(&o.name).filter(|t| *t != Target::Root)).unwrap_or(Target::Root)
    };
    let buf_of = |t: Target| match t {
        Target::Title => Some(0),
        Target::Dateline => Some(1),
        Target::Body => Some(2),
        _ => None,
    };

    let mut rest = doc;
    while !rest.is_empty() {
        let at = doc.len() - rest.len();
        let (next, tok) = match token::<nom::error::Error<&str>>(rest) {
            Ok(ok) => ok,
            Err(_) => return Err((at, "expected text or a tag, found neither".into())),
        };
        rest = next;
        let text: std::borrow::Cow<'_, str> = match tok {
            Token::Skip => continue,
            Token::Text(t) => t.into(),
            Token::Char(c) => c.to_string().into(),
            Token::Start { name, attrs, raw } => {
                let upper = name.to_ascii_uppercase();
                if let Some((true, kind)) = ieer_marker(name) {
                    let label = attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case("type")).map(|(_, v)| v.to_string());
                    if let Some(b) = buf_of(target(&stack)) {
                        entities.push((b, bufs[b].text.len(), label.unwrap_or_default(), kind.into()));
                    }
                    continue;
                }
                if let Some((false, kind)) = ieer_marker(name) {
                    let Some(pos) = entities.iter().rposition(|e| e.3 == kind) else {
                        return Err((at, format!("expected a <b_{kind}> before {raw}, found none")));
                    };
                    let (b, start, label, _) = entities.remove(pos);
                    bufs[b].entities.push((start, bufs[b].text.len(), label));
                    continue;
                }
                if element(&upper).is_none() && !is_entity_element(&upper) {
                    raw.into()
                } else {
                    if stack.is_empty() {
                        for (k, v) in &attrs {
                            match k.to_ascii_lowercase().as_str() {
                                "id" => attr_id = Some(v.trim().to_string()),
                                "newid" => attr_newid = Some(v.trim().to_string()),
                                "type" => attr_type = Some(v.trim().to_string()),
                                "topics" => {}
                                other => extra.push((other.to_string(), Value::Str(v.to_string()))),
                            }
                        }
                    }
                    if matches!(upper.as_str(), "TOPICS" | "PLACES" | "PEOPLE" | "ORGS" | "EXCHANGES" | "COMPANIES") {
                        lists.push((upper.to_ascii_lowercase(), Vec::new()));
                    }
                    if upper == "D" {
                        if let Some(list) = lists.last_mut() {
                            list.1.push(String::new());
                        }
                    }
                    if upper == "P" {
                        p_start = Some(bufs[2].text.len());
                    }
                    if is_entity_element(&upper) {
                        let label =
                            attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case("type")).map(|(_, v)| v.to_string());
                        if let Some(b) = buf_of(target(&stack)) {
                            entities.push((b, bufs[b].text.len(), label.unwrap_or_default(), upper.clone()));
                        }
                    }
                    stack.push(Open { name: upper, at, raw });
                    continue;
                }
            }
            Token::End { name, raw } => {
                let upper = name.to_ascii_uppercase();
                if element(&upper).is_none() && !is_entity_element(&upper) {
                    raw.into()
                } else {
                    match stack.iter().rposition(|o| o.name == upper) {
                        None => {
                            return Err((
                                at,
                                format!("expected a matching <{upper}> before {raw}, found a stray end tag"),
                            ))
                        }
                        Some(pos) if pos + 1 != stack.len() => {
                            let open = &stack[pos + 1];
                            return Err((
                                open.at,
                                format!("expected {} to be closed before {raw}, found it unclosed", open.raw),
                            ));
                        }
                        Some(_) => {}
                    }
                    stack.pop();
                    if upper == "P" {
                        if let Some(s) = p_start.take() {
                            paragraphs.push(s..bufs[2].text.len());
                        }
                    }
                    if is_entity_element(&upper) {
                        if let Some(pos) = entities.iter().rposition(|e| e.3 == upper) {
                            let (b, start, label, _) = entities.remove(pos);
                            bufs[b].entities.push((start, bufs[b].text.len(), label));
                        }
                    }
                    continue;
                }
            }
        };
        match target(&stack) {
            Target::Id => id.push_str(&text),
            Target::Type => doc_type.push_str(&text),
            Target::Date => date_text.push_str(&text),
            Target::ListItem => {
                if let Some(item) = lists.last_mut().and_then(|l| l.1.last_mut()) {
                    item.push_str(&text);
                }
            }
            Target::Title | Target::Dateline | Target::Body => {
                let b = buf_of(target(&stack)).unwrap_or(2);
                let start = bufs[b].text.len();
                bufs[b].text.push_str(&text);
                if b == 2 && p_start.is_none() {
                    match outside_p.last_mut() {
                        Some(r) if r.end == start => r.end = bufs[2].text.len(),
                        _ => outside_p.push(start..bufs[2].text.len()),
                    }
                }
            }
            Target::Ignore | Target::Root => {}
        }
    }
    if let Some(open) = stack.iter().skip(1).last() {
        return Err((open.at, format!("expected {} to be closed, found the end of the document", open.raw)));
    }
    // Element entities were closed with their elements; IEER markers may
    // still be open.
    if let Some((_, _, label, kind)) = entities.first() {
        return Err((0, format!("expected <e_{kind}> to close the entity {label:?}, found the end of the document")));
    }

    let id = attr_id.or(attr_newid).unwrap_or_else(|| id.trim().to_string());
    if id.is_empty() {
        return Err((0, "expected a document id (an id attribute, a <DOCNO> or a NEWID), found none".into()));
    }
    let mut warnings = Vec::new();
    let date = match parse_date_field(&date_text) {
        Parsed::Date(d) => Some(d),
        Parsed::Invalid => {
            let at = doc.find(date_text.trim()).unwrap_or(0);
            let message =
                format!("expected a calendar date, found {:?}; the document is kept without a date", date_text.trim());
            if strict {
                return Err((at, message));
            }
            warnings.push((at, message));
            None
        }
        Parsed::None => date_from_id(&id),
    };

    for r in outside_p {
        paragraphs.extend(split_paragraphs(&bufs[2].text, r));
    }
    paragraphs.sort_by_key(|r| r.start);
    let mut doc_out = Document::new(id, String::new());
    assemble(&mut doc_out, &bufs, &paragraphs);
    if let Some(d) = date {
        doc_out.metadata.push(("date".into(), Value::Date(d)));
    }
    for (name, layer) in [("title", "title"), ("dateline", "dateline")] {
        if let Some(span) = doc_out.layer(layer).and_then(|l| l.spans.first()) {
            let text = doc_out.text[span.start as usize..span.end as usize].to_string();
            doc_out.metadata.push((name.into(), Value::Str(text)));
        }
    }
    let doc_type = attr_type.unwrap_or_else(|| doc_type.trim().to_string());
    if !doc_type.is_empty() {
        doc_out.metadata.push(("type".into(), Value::Str(doc_type)));
    }
    for (name, items) in lists {
        let items: Vec<String> = items.into_iter().map(|i| i.trim().to_string()).filter(|i| !i.is_empty()).collect();
        if !items.is_empty() && doc_out.meta(&name).is_none() {
            doc_out.metadata.push((name, Value::List(items)));
        }
    }
    for (name, value) in extra {
        if doc_out.meta(&name).is_none() {
            doc_out.metadata.push((name, value));
        }
    }
    Ok((doc_out, warnings))
}

/// Whether `c` is dropped at the edges of a title, dateline or paragraph:
/// white space and control characters (Reuters frames bodies in `&#2;` and
/// `&#3;`).
fn is_edge(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start_matches(is_edge).len();
    let trail = s.len() - s.trim_end_matches(is_edge).len();
    if lead == s.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - trail
}

/// Paragraphs of body text without `<P>`: a blank line ends one, and so
/// does an indented line, when not every line is indented (Reuters indents
/// the first line of each paragraph).
fn split_paragraphs(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let body = &text[r.clone()];
    let mut lines = Vec::new();
    let mut at = r.start;
    for line in body.split_inclusive('\n') {
        lines.push(at..at + line.len());
        at += line.len();
    }
    let content = |l: &Range<usize>| text[l.clone()].trim_matches(is_edge).to_string();
    let indented = |l: &Range<usize>| text[l.clone()].starts_with([' ', '\t']);
    let nonblank: Vec<&Range<usize>> = lines.iter().filter(|l| !content(l).is_empty()).collect();
    let indentation_marks = nonblank.iter().any(|l| indented(l)) && !nonblank.iter().all(|l| indented(l));
    let mut out = Vec::new();
    let mut open: Option<Range<usize>> = None;
    for l in &lines {
        let blank = content(l).is_empty();
        let breaks = blank || (indentation_marks && indented(l));
        if breaks {
            if let Some(p) = open.take() {
                out.push(p);
            }
        }
        if !blank {
            open = Some(match open {
                Some(p) => p.start..l.end,
                None => l.clone(),
            });
        }
    }
    out.extend(open);
    out.into_iter().map(|p| trim(text, p)).filter(|p| !p.is_empty()).collect()
}

/// The clean text: title, dateline and paragraphs, each trimmed, joined by
/// blank lines and ended by a newline; with the layers over it.
fn assemble(doc: &mut Document, bufs: &[Buf; 3], paragraphs: &[Range<usize>]) {
    let mut parts: Vec<(usize, Range<usize>, &str)> = Vec::new();
    for (b, layer) in [(0, "title"), (1, "dateline")] {
        let r = trim(&bufs[b].text, 0..bufs[b].text.len());
        if !r.is_empty() {
            parts.push((b, r, layer));
        }
    }
    for p in paragraphs {
        let r = trim(&bufs[2].text, p.clone());
        if !r.is_empty() {
            parts.push((2, r, "paragraph"));
        }
    }
    let mut text = String::new();
    let mut layers: Vec<Layer> = ["title", "dateline", "paragraph", "entity"].into_iter().map(Layer::new).collect();
    for (b, r, layer) in &parts {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let base = text.len();
        text.push_str(&bufs[*b].text[r.clone()]);
        let ix = layers.iter().position(|l| l.name == *layer).unwrap_or(2);
        layers[ix].spans.push(Span::new(base as u64, text.len() as u64));
        // Entities inside this part move with it.
        for (s, e, label) in &bufs[*b].entities {
            if *s >= r.start && *e <= r.end && s <= e {
                let span = Span::new((base + s - r.start) as u64, (base + e - r.start) as u64);
                layers[3].spans.push(if label.is_empty() { span } else { span.with_label(label.clone()) });
            }
        }
    }
    if !text.is_empty() {
        text.push('\n');
    }
    layers[3].spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    doc.text = text;
    doc.layers = layers;
}
