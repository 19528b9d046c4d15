//! The strata JSONL interchange format (`spec/JSONL.md`): one JSON object
//! per line, an optional corpus header first, then one line per document.
//! Offsets count Unicode code points, as Python and brat count them.
//!
//! # Overview of types
//! - [`parse_line`] reads one line into a [`Line`]: a corpus [`Schema`]
//!   header or a [`Document`].
//! - [`header_line`] and [`document_line`] write them back.
//! - [`LineError`]: what is wrong with a line, and at which column.
//!
//! ```
//! # fn example() -> Result<(), strata_jsonl::LineError> {
//! use strata_jsonl::{document_line, parse_line, Line};
//! let line = r#"{"id":"d1","text":"Grüße, Welt","layers":{"token":{"spans":[{"start":7,"end":11}]}}}"#;
//! let Line::Document(doc) = parse_line(line)? else { unreachable!() };
//! // Code point 7 is byte 9: "ü" and "ß" take two bytes each.
//! assert_eq!(doc.layers[0].spans[0].start, 9);
//! assert_eq!(document_line(&doc), line);
//! # Ok(()) }
//! # example().unwrap();
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod offsets;

use std::fmt;

use serde::Deserialize;
use serde_json::{json, Map, Value as Json};
use strata_format::{
    AttrDef, AttrType, AttrValue, Date, Document, FieldDef, FieldType, Layer, LayerDef, Relation, Schema, Span, Value,
};

use crate::offsets::Offsets;

/// One parsed line.
#[derive(Debug, PartialEq)]
pub enum Line {
    /// The corpus header: schema and corpus metadata.
    Header(Schema),
    /// A document.
    Document(Document),
}

/// What is wrong with a line. `column` is 1-based, in characters of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based column where the problem was found (1 when it concerns the
    /// line as a whole).
    pub column: u64,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for LineError {}

fn err(message: impl Into<String>) -> LineError {
    LineError { column: 1, message: message.into() }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderLine {
    corpus: CorpusJson,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorpusJson {
    #[serde(default)]
    fields: Vec<(String, String)>,
    #[serde(default)]
    layers: Vec<LayerJsonDef>,
    #[serde(default)]
    metadata: Map<String, Json>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerJsonDef {
    name: String,
    #[serde(default)]
    attrs: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocLine {
    id: String,
    text: String,
    #[serde(default)]
    metadata: Map<String, Json>,
    #[serde(default)]
    layers: Map<String, Json>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerJson {
    #[serde(default)]
    spans: Vec<SpanJson>,
    #[serde(default)]
    relations: Vec<RelationJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpanJson {
    start: u64,
    end: u64,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    attrs: Map<String, Json>,
    #[serde(default)]
    fragments: Vec<(u64, u64)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationJson {
    from: u64,
    to: u64,
    #[serde(default)]
    label: Option<String>,
}

/// Parses one line (without its line end).
///
/// # Errors
/// When the line is not JSON, does not have the documented shape, or gives
/// offsets outside the text.
pub fn parse_line(line: &str) -> Result<Line, LineError> {
    let syntax = |e: serde_json::Error| {
        // serde_json counts bytes; people count characters.
        let byte = e.column().saturating_sub(1).min(line.len());
        let before = (0..=byte).rev().find_map(|b| line.get(..b)).unwrap_or_default();
        let message = e.to_string();
        LineError {
            column: before.chars().count() as u64 + 1,
            message: message.split(" at line ").next().unwrap_or_default().to_string(),
        }
    };
    let value: Json = serde_json::from_str(line).map_err(syntax)?;
    let is_header = value.as_object().is_some_and(|o| o.contains_key("corpus"));
    if is_header {
        let header: HeaderLine = serde_json::from_value(value).map_err(|e| err(format!("corpus header: {e}")))?;
        return header_schema(header.corpus).map(Line::Header);
    }
    let doc: DocLine = serde_json::from_value(value).map_err(|e| err(format!("document: {e}")))?;
    document(doc).map(Line::Document)
}

fn header_schema(c: CorpusJson) -> Result<Schema, LineError> {
    let mut schema = Schema::default();
    for (name, ty) in c.fields {
        let ty = FieldType::from_name(&ty)
            .ok_or_else(|| err(format!("field {name:?}: expected a type date, int, string or list, found {ty:?}")))?;
        schema.fields.push(FieldDef { name, ty });
    }
    for l in c.layers {
        let mut attrs = Vec::new();
        for (name, ty) in l.attrs {
            let ty = AttrType::from_name(&ty).ok_or_else(|| {
                err(format!("attribute {name:?} of layer {:?}: expected a type string or int, found {ty:?}", l.name))
            })?;
            attrs.push(AttrDef { name, ty });
        }
        schema.layers.push(LayerDef { name: l.name, attrs, spans: 0, relations: 0 });
    }
    for (name, v) in c.metadata {
        let value = meta_value(&v).map_err(|m| err(format!("corpus metadata {name:?}: {m}")))?;
        schema.corpus_metadata.push((name, value));
    }
    Ok(schema)
}

fn meta_value(v: &Json) -> Result<Value, String> {
    Ok(match v {
        Json::Number(n) => Value::Int(n.as_i64().ok_or_else(|| format!("expected a 64-bit integer, found {n}"))?),
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(items) => Value::List(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string).ok_or_else(|| format!("expected strings in a list, found {i}")))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(o) if o.len() == 1 && o.contains_key("date") => {
            let s = o.get("date").and_then(Json::as_str).unwrap_or_default();
            Value::Date(Date::parse_iso(s).ok_or_else(|| format!("expected a calendar date YYYY-MM-DD, found {s:?}"))?)
        }
        other => {
            return Err(format!(
                "expected an integer, a string, a list of strings or {{\"date\": \"YYYY-MM-DD\"}}, found {other}"
            ))
        }
    })
}

fn document(d: DocLine) -> Result<Document, LineError> {
    let offsets = Offsets::new(&d.text);
    let mut doc = Document::new(d.id, String::new());
    for (name, v) in d.metadata {
        let value = meta_value(&v).map_err(|m| err(format!("metadata {name:?}: {m}")))?;
        doc.metadata.push((name, value));
    }
    for (name, v) in d.layers {
        let l: LayerJson = serde_json::from_value(v).map_err(|e| err(format!("layer {name:?}: {e}")))?;
        let mut layer = Layer::new(name.clone());
        let byte = |what: &str, i: usize, cp: u64| {
            offsets.to_byte(cp).ok_or_else(|| {
                err(format!(
                    "layer {name:?}, span {i}: {what} {cp} is past the end of the text ({} code points)",
                    offsets.chars()
                ))
            })
        };
        for (i, s) in l.spans.into_iter().enumerate() {
            let mut span = Span::new(byte("start", i, s.start)?, byte("end", i, s.end)?);
            for (a, b) in s.fragments {
                span.fragments.push((byte("fragment start", i, a)?, byte("fragment end", i, b)?));
            }
            span.label = s.label;
            for (attr, v) in s.attrs {
                let value = match v {
                    Json::String(s) => AttrValue::Str(s),
                    Json::Number(n) if n.is_i64() => AttrValue::Int(n.as_i64().unwrap_or_default()),
                    other => {
                        return Err(err(format!(
                            "layer {name:?}, span {i}, attribute {attr:?}: expected a string or a 64-bit \
                             integer, found {other}"
                        )))
                    }
                };
                span.attrs.push((attr, value));
            }
            layer.spans.push(span);
        }
        // Relations index the layer's spans; one past them could not be
        // written back (a layer without spans is left out of the line).
        let n = layer.spans.len() as u64;
        for (i, r) in l.relations.into_iter().enumerate() {
            if r.from >= n || r.to >= n {
                return Err(err(format!(
                    "layer {name:?}, relation {i}: expected span indexes below {n} (the layer's span count), \
                     found from {} to {}",
                    r.from, r.to
                )));
            }
            layer.relations.push(Relation { from: r.from, to: r.to, label: r.label });
        }
        // A layer with no spans is the same as an absent layer (spec/JSONL.md).
        if !layer.spans.is_empty() {
            doc.layers.push(layer);
        }
    }
    doc.text = d.text;
    Ok(doc)
}

/// The header line for a schema (without a line end). Totals are not
/// written: they are recounted when the documents are read back.
pub fn header_line(schema: &Schema) -> String {
    let fields: Vec<Json> = schema.fields.iter().map(|f| json!([f.name, f.ty.name()])).collect();
    let layers: Vec<Json> = schema
        .layers
        .iter()
        .map(|l| {
            let mut o = Map::new();
            o.insert("name".into(), json!(l.name));
            if !l.attrs.is_empty() {
                let attrs: Vec<Json> = l.attrs.iter().map(|a| json!([a.name, a.ty.name()])).collect();
                o.insert("attrs".into(), Json::Array(attrs));
            }
            Json::Object(o)
        })
        .collect();
    let mut corpus = Map::new();
    corpus.insert("fields".into(), Json::Array(fields));
    corpus.insert("layers".into(), Json::Array(layers));
    let metadata: Map<String, Json> = schema.corpus_metadata.iter().map(|(k, v)| (k.clone(), meta_json(v))).collect();
    corpus.insert("metadata".into(), Json::Object(metadata));
    json!({ "corpus": corpus }).to_string()
}

fn meta_json(v: &Value) -> Json {
    match v {
        Value::Date(d) => json!({ "date": d.to_string() }),
        Value::Int(i) => json!(i),
        Value::Str(s) => json!(s),
        Value::List(l) => json!(l),
    }
}

/// The line for a document (without a line end). Empty layers and absent
/// keys are left out.
pub fn document_line(doc: &Document) -> String {
    let offsets = Offsets::new(&doc.text);
    let cp = |b: u64| offsets.to_char(b);
    let mut o = Map::new();
    o.insert("id".into(), json!(doc.id));
    o.insert("text".into(), json!(doc.text));
    if !doc.metadata.is_empty() {
        let m: Map<String, Json> = doc.metadata.iter().map(|(k, v)| (k.clone(), meta_json(v))).collect();
        o.insert("metadata".into(), Json::Object(m));
    }
    let mut layers = Map::new();
    for layer in doc.layers.iter().filter(|l| !l.spans.is_empty()) {
        let spans: Vec<Json> = layer
            .spans
            .iter()
            .map(|s| {
                let mut so = Map::new();
                so.insert("start".into(), json!(cp(s.start)));
                so.insert("end".into(), json!(cp(s.end)));
                if let Some(label) = &s.label {
                    so.insert("label".into(), json!(label));
                }
                if !s.attrs.is_empty() {
                    let attrs: Map<String, Json> = s
                        .attrs
                        .iter()
                        .map(|(k, v)| {
                            let v = match v {
                                AttrValue::Str(s) => json!(s),
                                AttrValue::Int(i) => json!(i),
                            };
                            (k.clone(), v)
                        })
                        .collect();
                    so.insert("attrs".into(), Json::Object(attrs));
                }
                if !s.fragments.is_empty() {
                    let f: Vec<Json> = s.fragments.iter().map(|&(a, b)| json!([cp(a), cp(b)])).collect();
                    so.insert("fragments".into(), Json::Array(f));
                }
                Json::Object(so)
            })
            .collect();
        let mut lo = Map::new();
        lo.insert("spans".into(), Json::Array(spans));
        if !layer.relations.is_empty() {
            let rels: Vec<Json> = layer
                .relations
                .iter()
                .map(|r| {
                    let mut ro = Map::new();
                    ro.insert("from".into(), json!(r.from));
                    ro.insert("to".into(), json!(r.to));
                    if let Some(label) = &r.label {
                        ro.insert("label".into(), json!(label));
                    }
                    Json::Object(ro)
                })
                .collect();
            lo.insert("relations".into(), Json::Array(rels));
        }
        layers.insert(layer.name.clone(), Json::Object(lo));
    }
    if !layers.is_empty() {
        o.insert("layers".into(), Json::Object(layers));
    }
    Json::Object(o).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let mut schema = Schema::default();
        schema.fields.push(FieldDef { name: "date".into(), ty: FieldType::Date });
        schema.layers.push(LayerDef {
            name: "token".into(),
            attrs: vec![AttrDef { name: "head".into(), ty: AttrType::Int }],
            spans: 0,
            relations: 0,
        });
        schema.corpus_metadata.push(("source".into(), Value::Str("EWT".into())));
        let line = header_line(&schema);
        assert_eq!(
            line,
            r#"{"corpus":{"fields":[["date","date"]],"layers":[{"name":"token","attrs":[["head","int"]]}],"metadata":{"source":"EWT"}}}"#
        );
        assert_eq!(parse_line(&line).unwrap(), Line::Header(schema));
    }

    #[test]
    fn syntax_errors_name_the_column() {
        let e = parse_line(r#"{"id": "a", "text": }"#).unwrap_err();
        assert_eq!(e.column, 21);
        assert!(e.message.starts_with("expected value"), "{}", e.message);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let e = parse_line(r#"{"id":"ü","text":"Київ" x}"#).unwrap_err();
        assert_eq!(e.column, 25);
        let e = parse_line(r#"{"id":"Київ""#).unwrap_err();
        assert_eq!(e.column, 12);
    }

    #[test]
    fn shape_errors_say_what_was_expected() {
        let e = parse_line(r#"{"id":"a","text":"abc","metadata":{"date":{"date":"2025-02-30"}}}"#).unwrap_err();
        assert!(e.message.contains("expected a calendar date"), "{}", e.message);
        let e = parse_line(r#"{"id":"a","text":"abc","layers":{"t":{"spans":[{"start":0,"end":4}]}}}"#).unwrap_err();
        assert!(e.message.contains("end 4 is past the end of the text (3 code points)"), "{}", e.message);
        let e = parse_line(r#"{"id":"a","text":"abc","extra":1}"#).unwrap_err();
        assert!(e.message.contains("unknown field `extra`"), "{}", e.message);
        let e = parse_line(r#"{"id":"a"}"#).unwrap_err();
        assert!(e.message.contains("missing field `text`"), "{}", e.message);
    }

    /// Found by the `jsonl` fuzz target: relations of a layer without spans
    /// parsed, and the written line (which leaves that layer out) read back
    /// as another document.
    #[test]
    fn relations_must_join_spans_of_their_layer() {
        // The fuzzer's input, as it found it (without its line feed).
        let line = r##"{"id":"geneva-talks","text":"Kyiv – Київ: talks resume in Geneva\n\nDelegations from both sides meididt in Geneva (Genève) on Friday, diplomats said.\n\nNo agreement was reached; talks continue on 14 April.\n","metadata":{"date":{"date":"2025-04-11"},"title":"Kyiv – Київ: talks resume in Geneva","topics":["world"]},"layers":{"title":{"spans":[{"start":0,"end":35}]},"paragraph":{"spans":[],"relations":[{"from":0,"to":1,"label":"same_as"},{"from":3,"to":8,"label":"same_as"}]}}}"##;
        let e = parse_line(line).unwrap_err();
        assert_eq!(e.column, 1);
        assert!(e.message.contains("layer \"paragraph\", relation 0: expected span indexes below 0"), "{}", e.message);
        let e = parse_line(
            r#"{"id":"g","text":"ab","layers":{"t":{"spans":[{"start":0,"end":1},{"start":1,"end":2}],"relations":[{"from":1,"to":2}]}}}"#,
        )
        .unwrap_err();
        let expected = "relation 0: expected span indexes below 2 (the layer's span count), found from 1 to 2";
        assert!(e.message.contains(expected), "{}", e.message);
    }

    #[test]
    fn a_layer_without_spans_is_an_absent_layer() {
        let line = r#"{"id":"g","text":"ab","layers":{"t":{"spans":[]},"u":{}}}"#;
        let Line::Document(doc) = parse_line(line).unwrap() else { panic!() };
        assert!(doc.layers.is_empty());
        assert_eq!(document_line(&doc), r#"{"id":"g","text":"ab"}"#);
    }

    #[test]
    fn every_value_type_round_trips() {
        let line = r#"{"id":"d","text":"Kyiv – Київ","metadata":{"date":{"date":"2025-04-11"},"n":-3,"title":"T","topics":["a","b"]},"layers":{"entity":{"spans":[{"start":0,"end":4,"label":"GPE","attrs":{"lang":"en","rank":2}},{"start":7,"end":11,"fragments":[[7,8],[9,11]]}],"relations":[{"from":0,"to":1,"label":"same"},{"from":1,"to":0}]}}}"#;
        let Line::Document(doc) = parse_line(line).unwrap() else { panic!() };
        assert_eq!(doc.layers[0].spans[1].start, 9);
        assert_eq!(document_line(&doc), line);
    }
}
