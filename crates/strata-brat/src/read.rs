//! A `.txt` and its `.ann` into a document (`spec/BRAT.md`, "Mapping").

use std::collections::HashMap;

use strata_format::{AttrValue, Document, Layer, Relation, Span, Value};

use crate::line::{next_id, parse_line, render, Ann, Parsed, KINDS};
use crate::write::{
    emit_relation, encode_order, rebuild_aux, rebuild_text, write_ann, Text, AUX, CODES, META_ANN, META_EOL,
    META_LAST_EOL, META_OFFSETS, META_ORDER, META_RELATION_LINES, META_VERBATIM,
};
use crate::{Problem, LAYER};

/// An annotation line.
struct Item<'a> {
    /// 1-based line number.
    no: u64,
    /// The line as stored: without its terminator, with a CR when the file
    /// does not end every line in CRLF.
    content: &'a str,
    parsed: Parsed,
}

fn column(line: &str, at: usize) -> u64 {
    line.get(..at).map_or(1, |s| s.chars().count() as u64 + 1)
}

fn problem(no: u64, line: &str, at: usize, message: String) -> Problem {
    Problem { line: no, column: column(line, at), message }
}

/// Reads one brat document: `text` is the `.txt`, `ann` the `.ann`, `id`
/// the document id the caller chose (say, the path without extension).
///
/// Returns the document and its warnings: lines kept verbatim because
/// they are no annotation brat knows, and `T` lines whose text field
/// differs from the text at their offsets (kept as written). Costs a pass
/// over both inputs and, for non-ASCII text, 8 bytes per character while it
/// runs.
///
/// # Errors
/// The first [`Problem`] of the `.ann`, with its line and column: a bad id,
/// a missing tab, a wrong field count, a malformed offset or argument,
/// offsets reversed or past the end of the text, a duplicate id, a
/// reference to an annotation the file does not have, or an event trigger
/// that is not a `T`. Such a document cannot be converted.
pub fn parse(id: &str, text: &str, ann: &str) -> Result<(Document, Vec<Problem>), Problem> {
    let mut warnings = Vec::new();
    let mut raw: Vec<(&str, bool)> = Vec::new();
    let mut rest = ann;
    while !rest.is_empty() {
        match rest.find('\n') {
            Some(i) => {
                raw.push((&rest[..i], true));
                rest = &rest[i + 1..];
            }
            None => {
                raw.push((rest, false));
                rest = "";
            }
        }
    }
    let crlf = raw.iter().any(|l| l.1) && raw.iter().filter(|l| l.1).all(|l| l.0.ends_with('\r'));
    let last_eol = raw.last().is_none_or(|l| l.1);

    let mut items: Vec<Item<'_>> = Vec::new();
    // Per line: `Some(item index)` or `None` for a verbatim line.
    let mut lines: Vec<Option<usize>> = Vec::new();
    let mut verbatim: Vec<String> = Vec::new();
    for (k, &(line, terminated)) in raw.iter().enumerate() {
        let no = k as u64 + 1;
        let content = if crlf && terminated { &line[..line.len() - 1] } else { line };
        let body = content.strip_suffix('\r').unwrap_or(content);
        if !is_annotation(body) {
            if !body.trim().is_empty() {
                warnings.push(problem(
                    no,
                    content,
                    0,
                    "expected an annotation (a line starting T, R, E, A, M, N, # or *), found another line; kept \
                     verbatim"
                        .to_string(),
                ));
            }
            verbatim.push(content.to_string());
            lines.push(None);
            continue;
        }
        let parsed = parse_line(body).map_err(|e| problem(no, content, e.at, e.message))?;
        lines.push(Some(items.len()));
        items.push(Item { no, content, parsed });
    }

    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let aid = item.parsed.ann.id();
        if aid == "*" {
            continue;
        }
        if let Some(&first) = by_id.get(aid) {
            let message = format!("expected a new id, found {aid:?} again (first on line {})", items[first].no);
            return Err(problem(item.no, item.content, 0, message));
        }
        by_id.insert(aid, i);
    }
    for item in &items {
        for (at, target) in &item.parsed.refs {
            let Some(&t) = by_id.get(target.as_str()) else {
                let message = format!("expected the id of an annotation of this file, found {target:?}");
                return Err(problem(item.no, item.content, *at, message));
            };
            if let Ann::Event { trigger, .. } = &item.parsed.ann {
                if trigger == target && !matches!(items[t].parsed.ann, Ann::Text { .. }) {
                    let message = format!("expected a text-bound annotation (T) as trigger, found {target:?}");
                    return Err(problem(item.no, item.content, *at, message));
                }
            }
        }
    }

    // brat's server counts a CRLF of the text as one character; other
    // tools count two. Where the text has CRLF, the counting under which
    // more text fields agree with the text wins, plain counting on a tie.
    let lf = text.contains("\r\n") && {
        let (plain, lf) = (Text::new(text, false), Text::new(text, true));
        let misses = |t: &Text<'_>| items.iter().filter(|i| !agrees(t, &i.parsed.ann)).count();
        misses(&lf) < misses(&plain)
    };
    let txt = Text::new(text, lf);
    let n_chars = txt.offsets.len_chars();

    // Byte fragments of each T.
    let mut bytes: Vec<Vec<(u64, u64)>> = vec![Vec::new(); items.len()];
    for (i, item) in items.iter().enumerate() {
        if let Ann::Text { frags, .. } = &item.parsed.ann {
            for (&(s, e), &(s_at, e_at)) in frags.iter().zip(&item.parsed.offsets_at) {
                if s > e {
                    let message = format!("expected a start offset no greater than the end {e}, found {s}");
                    return Err(problem(item.no, item.content, s_at, message));
                }
                let (Some(a), Some(b)) = (txt.offsets.to_byte(s), txt.offsets.to_byte(e)) else {
                    let message = format!(
                        "expected an offset within the text ({n_chars} characters{}), found {e}",
                        if lf { ", a CRLF counted as one" } else { "" }
                    );
                    return Err(problem(item.no, item.content, e_at, message));
                };
                bytes[i].push((a, b));
            }
        }
    }

    let mut doc = Document::new(id, text);
    let mut codes: Vec<char> = Vec::with_capacity(lines.len());
    let mut layers: Vec<Layer> = std::iter::once(LAYER).chain(AUX.iter().map(|a| a.1)).map(Layer::new).collect();
    let mut span_of: Vec<Option<usize>> = vec![None; items.len()];
    let extents = Extents { items: &items, bytes: &bytes, by_id: &by_id };

    // T lines: spans of the `brat` layer.
    let mut prev: Option<String> = None;
    for (i, item) in items.iter().enumerate() {
        let Ann::Text { id: aid, ty, text: field, .. } = &item.parsed.ann else { continue };
        let mut span = with_pieces(bytes[i].clone()).with_label(ty.clone());
        let derived = next_id(prev.as_deref(), "T");
        if *aid != derived {
            span.attrs.push(("id".into(), AttrValue::Str(aid.clone())));
        }
        let expected = txt.derived(&bytes[i]).unwrap_or_default();
        if let Some(field) = field.as_ref().filter(|f| **f != expected) {
            warnings.push(problem(
                item.no,
                item.content,
                item.parsed.text_at,
                format!("expected the text at the offsets, {expected:?}, found {field:?}; kept as written"),
            ));
            span.attrs.push(("text".into(), AttrValue::Str(field.clone())));
        }
        let built = rebuild_text(&txt, &span, i, derived).map_err(internal)?;
        keep_line(&mut span, item.content, &built);
        span_of[i] = Some(layers[0].spans.len());
        layers[0].spans.push(span);
        prev = Some(aid.clone());
    }

    // R lines between two T: relations of the `brat` layer; others: spans
    // of `brat-relation`.
    let mut kept: Vec<String> = Vec::new();
    let mut prev: Option<String> = None;
    let mut plain_rel = vec![false; items.len()];
    for (i, item) in items.iter().enumerate() {
        let Ann::Rel { id: aid, ty, args } = &item.parsed.ann else { continue };
        let ends: Vec<Option<usize>> = args.iter().map(|(_, a)| span_of[by_id[a.as_str()]]).collect();
        let [Some(from), Some(to)] = ends[..] else { continue };
        plain_rel[i] = true;
        let (line, _) = emit_relation(None, ty, &args[0].1, &args[1].1, next_id(prev.as_deref(), "R"));
        kept.push(if line == item.content { String::new() } else { item.content.to_string() });
        layers[0].relations.push(Relation { from: from as u64, to: to as u64, label: Some(ty.clone()) });
        prev = Some(aid.clone());
    }

    // The other kinds: spans of their layers, over what they are about.
    for (s, (code, name, prefix)) in AUX.iter().enumerate() {
        let mut prev: Option<String> = None;
        for (i, item) in items.iter().enumerate() {
            if code_of(&item.parsed.ann, plain_rel[i]) != *code {
                continue;
            }
            let ann = &item.parsed.ann;
            let mut span = with_pieces(extents.of(i, 0).unwrap_or_else(|| vec![(0, 0)]));
            let derived = if *code == '*' { "*".to_string() } else { next_id(prev.as_deref(), prefix) };
            let mut attr = |n: &str, v: &str| span.attrs.push((n.to_string(), AttrValue::Str(v.to_string())));
            if ann.id() != derived {
                attr("id", ann.id());
            }
            let ty = match ann {
                Ann::Rel { ty, args, .. } => {
                    attr("args", &args_string(args));
                    ty
                }
                Ann::Event { ty, trigger, args, .. } => {
                    attr("trigger", trigger);
                    if !args.is_empty() {
                        attr("args", &args_string(args));
                    }
                    ty
                }
                Ann::Attr { ty, target, value, .. } => {
                    attr("target", target);
                    if let Some(v) = value {
                        attr("value", v);
                    }
                    ty
                }
                Ann::Norm { ty, target, reference, text, .. } => {
                    attr("target", target);
                    attr("ref", reference);
                    if let Some(t) = text {
                        attr("text", t);
                    }
                    ty
                }
                Ann::Note { ty, target, text, .. } => {
                    attr("target", target);
                    if let Some(t) = text {
                        attr("text", t);
                    }
                    ty
                }
                Ann::Equiv { ty, members, .. } => {
                    attr("members", &members.join(" "));
                    ty
                }
                Ann::Text { ty, .. } => ty,
            };
            span.label = Some(ty.clone());
            let built = rebuild_aux(*code, name, &span, 0, derived).map_err(internal)?;
            keep_line(&mut span, item.content, &built);
            layers[s + 1].spans.push(span);
            prev = Some(ann.id().to_string());
        }
    }

    for line in &lines {
        codes.push(match line {
            Some(i) => code_of(&items[*i].parsed.ann, plain_rel[*i]),
            None => '_',
        });
    }
    let order = encode_order(&codes);
    let mut default: Vec<char> = codes.clone();
    default.sort_by_key(|c| CODES.iter().position(|x| x == c).unwrap_or(CODES.len()));
    if !verbatim.is_empty() || order != encode_order(&default) {
        doc.metadata.push((META_ORDER.into(), Value::Str(order)));
    }
    if !verbatim.is_empty() {
        doc.metadata.push((META_VERBATIM.into(), Value::List(verbatim)));
    }
    if kept.iter().any(|k| !k.is_empty()) {
        doc.metadata.push((META_RELATION_LINES.into(), Value::List(kept)));
    }
    if crlf {
        doc.metadata.push((META_EOL.into(), Value::Str("crlf".into())));
    }
    if !last_eol {
        doc.metadata.push((META_LAST_EOL.into(), Value::Int(0)));
    }
    if lf {
        doc.metadata.push((META_OFFSETS.into(), Value::Str("lf".into())));
    }
    doc.layers = layers.into_iter().filter(|l| !l.spans.is_empty()).collect();

    // The mapping is meant to be lossless; if it ever is not, keep the
    // file whole rather than lose a byte, and fail loudly in tests.
    let mut again = String::new();
    if write_ann(&doc, &mut again).map_or(true, |()| again != ann) {
        debug_assert!(false, "brat round trip failed for {id:?}:\n{ann:?}\n{again:?}");
        doc.metadata.push((META_ANN.into(), Value::Str(ann.to_string())));
    }
    Ok((doc, warnings))
}

/// Whether a line is meant as an annotation (and so must parse): a kind
/// letter or `#` then a letter or digit (`T1`, `#1`, `Tx`), or `*` then a
/// tab. Other lines (blank, `# a comment`) are kept verbatim.
fn is_annotation(body: &str) -> bool {
    let mut chars = body.chars();
    match (chars.next(), chars.next()) {
        (Some('*'), Some('\t')) => true,
        (Some(c), Some(d)) => c != '*' && KINDS.contains(&c) && d.is_ascii_alphanumeric(),
        _ => false,
    }
}

/// A bug: what `read` stored cannot be written back.
fn internal(e: crate::WriteError) -> Problem {
    Problem { line: 1, column: 1, message: format!("internal error: {e}") }
}

/// The order code of an annotation; `plain` for an `R` between two `T`.
fn code_of(ann: &Ann, plain: bool) -> char {
    match ann {
        Ann::Text { .. } => 'T',
        Ann::Rel { .. } if plain => 'R',
        Ann::Rel { .. } => 'r',
        Ann::Event { .. } => 'E',
        Ann::Attr { .. } => 'A',
        Ann::Norm { .. } => 'N',
        Ann::Note { .. } => '#',
        Ann::Equiv { .. } => '*',
    }
}

fn args_string(args: &[(String, String)]) -> String {
    args.iter().map(|(r, a)| format!("{r}:{a}")).collect::<Vec<_>>().join(" ")
}

/// Whether a `T`'s text field agrees with the text under a counting (any
/// other line agrees).
fn agrees(txt: &Text<'_>, ann: &Ann) -> bool {
    let Ann::Text { frags, text: Some(field), .. } = ann else { return true };
    let bytes: Option<Vec<(u64, u64)>> =
        frags.iter().map(|&(s, e)| Some((txt.offsets.to_byte(s)?, txt.offsets.to_byte(e)?))).collect();
    bytes.and_then(|b| txt.derived(&b)).is_some_and(|d| d == *field)
}

/// A span over byte pieces: their extent, and the pieces as fragments when
/// there are several.
fn with_pieces(pieces: Vec<(u64, u64)>) -> Span {
    let start = pieces.iter().map(|p| p.0).min().unwrap_or(0);
    let end = pieces.iter().map(|p| p.1).max().unwrap_or(0);
    let mut span = Span::new(start, end);
    if pieces.len() > 1 {
        span.fragments = pieces;
    }
    span
}

/// Keeps the line as the `line` attribute when the canonical line of what
/// the span stores differs from it.
fn keep_line(span: &mut Span, content: &str, built: &Ann) {
    if render(built) != content {
        span.attrs.push(("line".into(), AttrValue::Str(content.to_string())));
    }
}

/// Where in the text each annotation lies, in bytes.
struct Extents<'x, 'a> {
    items: &'x [Item<'a>],
    bytes: &'x [Vec<(u64, u64)>],
    by_id: &'x HashMap<&'x str, usize>,
}

impl Extents<'_, '_> {
    /// The byte pieces of annotation `i`: a `T`'s fragments; an event's
    /// trigger's; an attribute's, normalization's or note's target's; the
    /// extent of a relation's arguments or an equivalence's members.
    /// `None` past a nesting depth of 16 (a cycle).
    fn of(&self, i: usize, depth: u32) -> Option<Vec<(u64, u64)>> {
        if depth > 16 {
            return None;
        }
        let at = |id: &str| self.by_id.get(id).and_then(|&j| self.of(j, depth + 1));
        let hull = |ids: &mut dyn Iterator<Item = &String>| {
            let all: Vec<(u64, u64)> = ids.filter_map(|id| at(id)).flatten().collect();
            let start = all.iter().map(|p| p.0).min()?;
            Some(vec![(start, all.iter().map(|p| p.1).max()?)])
        };
        match &self.items.get(i)?.parsed.ann {
            Ann::Text { .. } => self.bytes.get(i).cloned(),
            Ann::Event { trigger, .. } => at(trigger),
            Ann::Attr { target, .. } | Ann::Norm { target, .. } | Ann::Note { target, .. } => at(target),
            Ann::Rel { args, .. } => hull(&mut args.iter().map(|a| &a.1)),
            Ann::Equiv { members, .. } => hull(&mut members.iter()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(text: &str, ann: &str) -> Document {
        let (doc, _) = parse("d", text, ann).unwrap();
        let mut out = String::new();
        write_ann(&doc, &mut out).unwrap();
        assert_eq!(out, ann);
        assert!(doc.meta(META_ANN).is_none());
        doc
    }

    #[test]
    fn canonical_files_store_nothing_extra() {
        let doc = round("Sony and Mary", "T1\tOrg 0 4\tSony\nT2\tPer 9 13\tMary\nR1\tRel Arg1:T1 Arg2:T2\n");
        assert!(doc.metadata.is_empty());
        let layer = doc.layer(LAYER).unwrap();
        assert!(layer.spans.iter().all(|s| s.attrs.is_empty()));
        assert_eq!(layer.relations, vec![Relation { from: 0, to: 1, label: Some("Rel".into()) }]);
    }

    #[test]
    fn what_cannot_be_derived_is_stored() {
        let doc = round("Sony and Mary", "T3\tOrg 0 4\tSONY\nR1\tRel Arg2:T3 Arg1:T3\t\nT4\tPer 9 13\tMary\n\nfoo\n");
        let span = &doc.layer(LAYER).unwrap().spans[0];
        assert_eq!(str_attr(span, "id"), Some("T3"));
        assert_eq!(str_attr(span, "text"), Some("SONY"));
        assert_eq!(doc.meta(META_ORDER), Some(&Value::Str("T1 R1 T1 _2".into())));
        assert_eq!(doc.meta(META_VERBATIM), Some(&Value::List(vec!["".into(), "foo".into()])));
    }

    fn str_attr<'a>(span: &'a Span, n: &str) -> Option<&'a str> {
        crate::write::str_attr(span, n)
    }

    #[test]
    fn line_ends_are_kept() {
        round("ab", "T1\tX 0 1\ta\r\nT2\tX 1 2\tb\r\n");
        round("ab", "T1\tX 0 1\ta\r\nT2\tX 1 2\tb");
        round("ab", "T1\tX 0 1\ta\nT2\tX 1 2\tb\r\n");
        round("ab", "T1\tX 0 1\ta\r\r\nT2\tX 1 2\tb\r\n");
        round("ab", "");
        round("ab", "\n");
        round("ab", "\r\n\r\n");
    }

    #[test]
    fn crlf_text_is_counted_as_the_file_counts_it() {
        let text = "ab\r\ncd\r\nef";
        // brat's own counting: CRLF is one character.
        let doc = round(text, "T1\tX 3 5\tcd\nT2\tX 6 8\tef\n");
        assert_eq!(doc.meta(META_OFFSETS), Some(&Value::Str("lf".into())));
        assert_eq!(doc.layer(LAYER).unwrap().spans[1].start, 8);
        // Counting every character.
        let doc = round(text, "T1\tX 4 6\tcd\nT2\tX 8 10\tef\n");
        assert!(doc.meta(META_OFFSETS).is_none());
        assert_eq!(doc.layer(LAYER).unwrap().spans[1].start, 8);
    }
}
