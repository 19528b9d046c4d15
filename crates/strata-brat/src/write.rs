//! A document back into `.ann` text: the inverse of `read.rs`, and the
//! definition of what `read.rs` may leave out ("derived").

use strata_format::{AttrValue, Document, Span, Value};

use crate::line::{next_id, parse_line, render, Ann};
use crate::offsets::Offsets;
use crate::{
    WriteError, ATTRIBUTE_LAYER, EQUIV_LAYER, EVENT_LAYER, LAYER, NORMALIZATION_LAYER, NOTE_LAYER, RELATION_LAYER,
};

/// Metadata: the order of the lines when it is not the default.
pub(crate) const META_ORDER: &str = "brat-order";
/// Metadata: blank and unknown lines, verbatim, in order.
pub(crate) const META_VERBATIM: &str = "brat-verbatim";
/// Metadata: per relation of the `brat` layer, its line when not canonical.
pub(crate) const META_RELATION_LINES: &str = "brat-relation-lines";
/// Metadata: `"crlf"` when every line ends in CRLF.
pub(crate) const META_EOL: &str = "brat-eol";
/// Metadata: 0 when the last line has no line terminator.
pub(crate) const META_LAST_EOL: &str = "brat-last-eol";
/// Metadata: `"lf"` when offsets count a CRLF of the text as one character.
pub(crate) const META_OFFSETS: &str = "brat-offsets";
/// Metadata: the whole `.ann`, kept only if the structured round trip ever
/// failed (a bug); [`write_ann`] then writes it as it is.
pub(crate) const META_ANN: &str = "brat-ann";

/// The streams of lines, by order code, in their default order; `_` (a
/// verbatim line) has no default place.
pub(crate) const CODES: [char; 8] = ['T', 'R', 'r', 'E', 'A', 'N', '#', '*'];

/// The span layers after [`LAYER`]: order code, layer, id prefix.
pub(crate) const AUX: [(char, &str, &str); 6] = [
    ('r', RELATION_LAYER, "R"),
    ('E', EVENT_LAYER, "E"),
    ('A', ATTRIBUTE_LAYER, "A"),
    ('N', NORMALIZATION_LAYER, "N"),
    ('#', NOTE_LAYER, "#"),
    ('*', EQUIV_LAYER, "*"),
];

/// How to write documents that did not come from brat.
#[derive(Clone, Debug)]
pub struct WriteOptions {
    /// The layers whose spans become `T` lines (type = label, else the
    /// layer name), whose relations become `R` lines and whose span
    /// attributes become valued `A` lines, when the document has no brat
    /// layer or metadata. Default: `["entity"]`.
    pub layers: Vec<String>,
}

impl Default for WriteOptions {
    fn default() -> WriteOptions {
        WriteOptions { layers: vec!["entity".to_string()] }
    }
}

/// A text and how brat counts its characters.
pub(crate) struct Text<'a> {
    pub text: &'a str,
    pub offsets: Offsets,
    pub lf: bool,
}

impl<'a> Text<'a> {
    pub(crate) fn new(text: &'a str, lf: bool) -> Text<'a> {
        Text { text, offsets: Offsets::new(text, lf), lf }
    }

    /// The text field brat expects for these byte fragments: their texts
    /// joined by one space, each line break (CR, LF, or under lf counting
    /// CRLF) made one space, since a line cannot hold it. `None` when a
    /// fragment is not a slice of the text.
    pub(crate) fn derived(&self, frags: &[(u64, u64)]) -> Option<String> {
        let mut out = String::new();
        for (k, &(s, e)) in frags.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            let piece = self.text.get(usize::try_from(s).ok()?..usize::try_from(e).ok()?)?;
            let mut chars = piece.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\r' && self.lf && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if c == '\r' || c == '\n' { ' ' } else { c });
            }
        }
        Some(out)
    }
}

fn err<T>(message: String) -> Result<T, WriteError> {
    Err(WriteError { message })
}

/// The string attribute `name` of a span.
pub(crate) fn str_attr<'a>(span: &'a Span, name: &str) -> Option<&'a str> {
    span.attrs.iter().find(|(n, _)| n == name).and_then(|(_, v)| match v {
        AttrValue::Str(s) => Some(s.as_str()),
        AttrValue::Int(_) => None,
    })
}

/// The pieces of a span in bytes: its fragments, or its extent.
pub(crate) fn pieces(span: &Span) -> Vec<(u64, u64)> {
    if span.fragments.is_empty() {
        vec![(span.start, span.end)]
    } else {
        span.fragments.clone()
    }
}

fn label<'a>(span: &'a Span, layer: &str, i: usize) -> Result<&'a str, WriteError> {
    match span.label.as_deref() {
        Some(l) if !l.is_empty() => Ok(l),
        _ => err(format!("span {i} of layer {layer:?} has no label; brat needs its annotation type there")),
    }
}

/// The `T` annotation a span of [`LAYER`] stands for; `derived` is its id
/// unless it has an `id` attribute.
pub(crate) fn rebuild_text(text: &Text<'_>, span: &Span, i: usize, derived: String) -> Result<Ann, WriteError> {
    let bytes = pieces(span);
    let mut frags = Vec::with_capacity(bytes.len());
    for &(s, e) in &bytes {
        match (text.offsets.to_char(s), text.offsets.to_char(e)) {
            (Some(a), Some(b)) if a <= b => frags.push((a, b)),
            _ => {
                return err(format!(
                    "span {i} of layer {LAYER:?}: bytes {s}..{e} are not a range of whole characters of the text \
                     ({} bytes){}",
                    text.text.len(),
                    if text.lf { " as brat counts them (CRLF is one character)" } else { "" }
                ))
            }
        }
    }
    let id = str_attr(span, "id").map_or(derived, str::to_string);
    let field = match str_attr(span, "text") {
        Some(t) => t.to_string(),
        None => text.derived(&bytes).unwrap_or_default(),
    };
    Ok(Ann::Text { id, ty: label(span, LAYER, i)?.to_string(), frags, text: Some(field) })
}

fn parse_args(s: &str) -> Vec<(String, String)> {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| match w.split_once(':') {
            Some((r, a)) => (r.to_string(), a.to_string()),
            None => (w.to_string(), String::new()),
        })
        .collect()
}

/// The annotation a span of one of the [`AUX`] layers stands for.
pub(crate) fn rebuild_aux(code: char, layer: &str, span: &Span, i: usize, derived: String) -> Result<Ann, WriteError> {
    let id = str_attr(span, "id").map_or(derived, str::to_string);
    let ty = label(span, layer, i)?.to_string();
    let need = |name: &str| {
        str_attr(span, name).map(str::to_string).ok_or_else(|| WriteError {
            message: format!("span {i} of layer {layer:?} has no {name:?} attribute; brat needs it"),
        })
    };
    let opt = |name: &str| str_attr(span, name).map(str::to_string);
    Ok(match code {
        'r' => Ann::Rel { id, ty, args: parse_args(&need("args")?) },
        'E' => Ann::Event { id, ty, trigger: need("trigger")?, args: parse_args(&opt("args").unwrap_or_default()) },
        'A' => Ann::Attr { id, ty, target: need("target")?, value: opt("value") },
        'N' => Ann::Norm { id, ty, target: need("target")?, reference: need("ref")?, text: opt("text") },
        '#' => Ann::Note { id, ty, target: need("target")?, text: opt("text") },
        _ => Ann::Equiv { id, ty, members: need("members")?.split(' ').map(str::to_string).collect() },
    })
}

/// The line to write for `built`: the kept `line` when it still says the
/// same, else the canonical line.
pub(crate) fn emit(line: Option<&str>, built: &Ann) -> String {
    if let Some(p) = line.filter(|l| !l.contains('\n')).and_then(|l| reparse(l).map(|p| (l, p))) {
        let same = match (&p.1, built) {
            // A kept line without a text field still stands for a `T`
            // whose text was derived.
            (Ann::Text { id, ty, frags, text: None }, Ann::Text { id: i, ty: t, frags: f, .. }) => {
                id == i && ty == t && frags == f
            }
            (a, b) => a == b,
        };
        if same {
            return p.0.to_string();
        }
    }
    render(built)
}

fn reparse(line: &str) -> Option<Ann> {
    parse_line(line.strip_suffix('\r').unwrap_or(line)).ok().map(|p| p.ann)
}

/// The line of relation `R` of [`LAYER`] between `from` and `to`, and its
/// id: the kept line if it still joins the same ids with the same type,
/// else the canonical line with the derived id.
pub(crate) fn emit_relation(line: Option<&str>, ty: &str, from: &str, to: &str, derived: String) -> (String, String) {
    if let Some(l) = line.filter(|l| !l.is_empty() && !l.contains('\n')) {
        if let Some(Ann::Rel { id, ty: t, args }) = reparse(l) {
            if t == ty && args.len() == 2 && args[0].1 == from && args[1].1 == to {
                return (l.to_string(), id);
            }
        }
    }
    let args = vec![("Arg1".to_string(), from.to_string()), ("Arg2".to_string(), to.to_string())];
    (render(&Ann::Rel { id: derived.clone(), ty: ty.to_string(), args }), derived)
}

/// Parses `brat-order`: runs of an order code and a count, space-separated.
pub(crate) fn parse_order(s: &str) -> Option<Vec<(char, usize)>> {
    s.split(' ')
        .map(|run| {
            let mut chars = run.chars();
            let code = chars.next()?;
            let n = chars.as_str().parse().ok()?;
            Some((code, n))
        })
        .collect()
}

/// Run-length encodes a sequence of order codes.
pub(crate) fn encode_order(codes: &[char]) -> String {
    let mut runs: Vec<(char, usize)> = Vec::new();
    for &c in codes {
        match runs.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => runs.push((c, 1)),
        }
    }
    runs.iter().map(|(c, n)| format!("{c}{n}")).collect::<Vec<_>>().join(" ")
}

fn meta<'a>(doc: &'a Document, name: &str) -> Option<&'a Value> {
    doc.meta(name)
}

fn is_brat(doc: &Document) -> bool {
    doc.layers.iter().any(|l| l.name == LAYER || l.name.starts_with("brat-"))
        || doc.metadata.iter().any(|(n, _)| n.starts_with("brat-"))
}

/// Writes the `.ann` of a document with the default [`WriteOptions`].
///
/// # Errors
/// As [`write_ann_with`].
pub fn write_ann(doc: &Document, out: &mut String) -> Result<(), WriteError> {
    write_ann_with(doc, &WriteOptions::default(), out)
}

/// Appends the `.ann` of a document to `out`.
///
/// A document with a brat layer or `brat-*` metadata (one made by
/// [`parse`](crate::parse)) gets its `.ann` back byte for byte. Any other
/// document gets `T`, `R` and `A` lines from the layers in `options`
/// (`spec/BRAT.md`, "Documents from elsewhere"). Costs one pass over the
/// text and the annotations.
///
/// # Errors
/// A [`WriteError`] when a span is not a range of whole characters, a
/// relation names a missing span, or a brat span lacks its label or an
/// attribute its line needs. `out` may then hold part of the output.
pub fn write_ann_with(doc: &Document, options: &WriteOptions, out: &mut String) -> Result<(), WriteError> {
    if !is_brat(doc) {
        return write_foreign(doc, options, out);
    }
    if let Some(Value::Str(ann)) = meta(doc, META_ANN) {
        out.push_str(ann);
        return Ok(());
    }
    let lf = matches!(meta(doc, META_OFFSETS), Some(Value::Str(s)) if s == "lf");
    let text = Text::new(&doc.text, lf);
    let mut streams: Vec<Vec<String>> = vec![Vec::new(); CODES.len()];
    let mut t_ids = Vec::new();
    if let Some(layer) = doc.layer(LAYER) {
        let mut prev: Option<String> = None;
        for (i, span) in layer.spans.iter().enumerate() {
            let built = rebuild_text(&text, span, i, next_id(prev.as_deref(), "T"))?;
            streams[0].push(emit(str_attr(span, "line"), &built));
            prev = Some(built.id().to_string());
            t_ids.push(prev.clone().unwrap_or_default());
        }
        let kept: Vec<&str> = match meta(doc, META_RELATION_LINES) {
            Some(Value::List(l)) if l.len() == layer.relations.len() => l.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        let mut prev: Option<String> = None;
        for (k, rel) in layer.relations.iter().enumerate() {
            let end = |ix: u64| {
                usize::try_from(ix).ok().and_then(|ix| t_ids.get(ix)).ok_or_else(|| WriteError {
                    message: format!("relation {k} of layer {LAYER:?} names span {ix}; the layer has {}", t_ids.len()),
                })
            };
            let (from, to) = (end(rel.from)?, end(rel.to)?);
            let ty = match rel.label.as_deref() {
                Some(l) if !l.is_empty() => l,
                _ => return err(format!("relation {k} of layer {LAYER:?} has no label; brat needs its type there")),
            };
            let (line, id) = emit_relation(kept.get(k).copied(), ty, from, to, next_id(prev.as_deref(), "R"));
            streams[1].push(line);
            prev = Some(id);
        }
    }
    for (s, (code, name, prefix)) in AUX.iter().enumerate() {
        let Some(layer) = doc.layer(name) else { continue };
        let mut prev: Option<String> = None;
        for (i, span) in layer.spans.iter().enumerate() {
            let derived = if *code == '*' { "*".to_string() } else { next_id(prev.as_deref(), prefix) };
            let built = rebuild_aux(*code, name, span, i, derived)?;
            streams[s + 2].push(emit(str_attr(span, "line"), &built));
            prev = Some(built.id().to_string());
        }
    }
    let verbatim: Vec<String> = match meta(doc, META_VERBATIM) {
        Some(Value::List(l)) => l.clone(),
        _ => Vec::new(),
    };
    let mut lines: Vec<String> = Vec::new();
    let order = match meta(doc, META_ORDER) {
        Some(Value::Str(s)) => parse_order(s).filter(|runs| fits(runs, &streams, verbatim.len())),
        _ => None,
    };
    match order {
        Some(runs) => {
            let mut iters: Vec<_> = streams.into_iter().map(Vec::into_iter).collect();
            let mut verbatim = verbatim.into_iter();
            for (code, n) in runs {
                let it: &mut dyn Iterator<Item = String> = match CODES.iter().position(|&c| c == code) {
                    Some(s) => &mut iters[s],
                    None => &mut verbatim,
                };
                lines.extend(it.take(n));
            }
        }
        // No order, or one that no longer fits (the document was edited):
        // the default order, verbatim lines last.
        None => lines.extend(streams.into_iter().flatten().chain(verbatim)),
    }
    let eol = match meta(doc, META_EOL) {
        Some(Value::Str(s)) if s == "crlf" => "\r\n",
        _ => "\n",
    };
    let last_eol = !matches!(meta(doc, META_LAST_EOL), Some(Value::Int(0)));
    let n = lines.len();
    for (k, line) in lines.iter().enumerate() {
        out.push_str(line);
        if k + 1 < n || last_eol {
            out.push_str(eol);
        }
    }
    Ok(())
}

/// Whether order runs account for exactly the lines there are.
fn fits(runs: &[(char, usize)], streams: &[Vec<String>], verbatim: usize) -> bool {
    let mut counts = vec![0usize; CODES.len() + 1];
    for &(code, n) in runs {
        let s = match code {
            '_' => CODES.len(),
            c => match CODES.iter().position(|&x| x == c) {
                Some(s) => s,
                None => return false,
            },
        };
        counts[s] = counts[s].saturating_add(n);
    }
    counts.iter().zip(streams.iter().map(Vec::len).chain([verbatim])).all(|(a, b)| *a == b)
}

/// A brat type or value from a free string: whitespace would split the
/// line's fields, so it becomes `_`.
fn word(s: &str) -> String {
    s.replace([' ', '\t', '\n', '\r'], "_")
}

fn write_foreign(doc: &Document, options: &WriteOptions, out: &mut String) -> Result<(), WriteError> {
    let text = Text::new(&doc.text, false);
    let (mut t_lines, mut r_lines, mut a_lines) = (Vec::new(), Vec::new(), Vec::new());
    let mut t = 0usize;
    for name in &options.layers {
        let Some(layer) = doc.layer(name) else { continue };
        let base = t;
        for (i, span) in layer.spans.iter().enumerate() {
            t += 1;
            let mut plain = Span { attrs: vec![], ..span.clone() };
            plain.label = Some(word(span.label.as_deref().filter(|l| !l.is_empty()).unwrap_or(name)));
            let built = rebuild_text(&text, &plain, i, format!("T{t}"))
                .map_err(|e| WriteError { message: e.message.replace(&format!("{LAYER:?}"), &format!("{name:?}")) })?;
            t_lines.push(render(&built));
            for (attr, value) in &span.attrs {
                let value = match value {
                    AttrValue::Str(s) if s.is_empty() => String::new(),
                    AttrValue::Str(s) => format!(" {}", word(s)),
                    AttrValue::Int(n) => format!(" {n}"),
                };
                a_lines.push(format!("A{}\t{} T{t}{value}", a_lines.len() + 1, word(attr)));
            }
        }
        let n = layer.spans.len() as u64;
        for (k, rel) in layer.relations.iter().enumerate() {
            if rel.from >= n || rel.to >= n {
                return err(format!("relation {k} of layer {name:?} names a span past the {n} it has"));
            }
            let ty = word(rel.label.as_deref().filter(|l| !l.is_empty()).unwrap_or("relation"));
            let (a, b) = (base as u64 + rel.from + 1, base as u64 + rel.to + 1);
            r_lines.push(format!("R{}\t{ty} Arg1:T{a} Arg2:T{b}", r_lines.len() + 1));
        }
    }
    for line in t_lines.iter().chain(&r_lines).chain(&a_lines) {
        out.push_str(line);
        out.push('\n');
    }
    Ok(())
}
