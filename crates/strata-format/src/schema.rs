//! The corpus schema: which metadata fields and layers exist, with their
//! types, plus corpus metadata and totals. Stored as bincode 2 (serde,
//! `standard()` configuration) in the schema section.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::layout;
use crate::model::{AttrType, Date, FieldType, Value};

/// A metadata field of the corpus schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    /// Field name, such as `date` or `title`.
    pub name: String,
    /// The type every value of this field has.
    pub ty: FieldType,
}

/// A span attribute of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrDef {
    /// Attribute name, such as `upos`.
    pub name: String,
    /// The type every value of this attribute has.
    pub ty: AttrType,
}

/// A layer of the corpus schema, with its corpus-wide totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerDef {
    /// Layer name, such as `paragraph` or `token`.
    pub name: String,
    /// Attributes the spans of this layer may carry.
    pub attrs: Vec<AttrDef>,
    /// Total spans in this layer over all documents.
    pub spans: u64,
    /// Total relations in this layer over all documents.
    pub relations: u64,
}

impl LayerDef {
    /// The index of the attribute of this name.
    pub fn attr_index(&self, name: &str) -> Option<usize> {
        self.attrs.iter().position(|a| a.name == name)
    }
}

/// The corpus schema, corpus metadata and totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// Metadata fields in the order they were first declared or seen.
    pub fields: Vec<FieldDef>,
    /// Layers in the order they were first declared or seen.
    pub layers: Vec<LayerDef>,
    /// Metadata of the corpus as a whole.
    pub corpus_metadata: Vec<(String, Value)>,
    /// Total bytes of document text.
    pub text_bytes: u64,
}

impl Schema {
    /// The index of the field of this name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The index of the layer of this name.
    pub fn layer_index(&self, name: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.name == name)
    }

    /// Encodes the schema section.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let wire = SchemaWire {
            fields: self.fields.iter().map(|f| (f.name.as_str(), field_code(f.ty))).collect(),
            layers: self
                .layers
                .iter()
                .map(|l| LayerWire {
                    name: &l.name,
                    attrs: l.attrs.iter().map(|a| (a.name.as_str(), attr_code(a.ty))).collect(),
                    spans: l.spans,
                    relations: l.relations,
                })
                .collect(),
            metadata: self.corpus_metadata.iter().map(|(k, v)| (k.as_str(), ValueWire::from(v))).collect(),
            text_bytes: self.text_bytes,
        };
        // Encoding into a Vec cannot fail: every type here is serializable.
        bincode::serde::encode_to_vec(&wire, layout::bincode_config()).unwrap_or_default()
    }

    /// Decodes the schema section; `base` is its absolute offset.
    ///
    /// Strings are borrowed while decoding (bincode checks each length
    /// against the bytes left), and serde caps every up-front vector
    /// reservation at 1 MiB, so a hostile length cannot make this allocate
    /// more than the section holds plus that cap.
    pub(crate) fn decode(bytes: &[u8], base: u64) -> Result<Schema> {
        let section = layout::section_name(layout::SECTION_SCHEMA);
        let (wire, used): (SchemaWire<'_>, usize) =
            bincode::serde::borrow_decode_from_slice(bytes, layout::bincode_config())
                .map_err(|e| Error::corrupt(section, base, format!("bincode: {e}")))?;
        if used != bytes.len() {
            return Err(Error::corrupt(
                section,
                base.saturating_add(used as u64),
                format!("{} bytes after the schema", bytes.len().saturating_sub(used)),
            ));
        }
        let bad = |what: String| Error::corrupt(section, base, what);
        let mut schema = Schema { text_bytes: wire.text_bytes, ..Schema::default() };
        for (name, code) in wire.fields {
            let ty = field_type(code).ok_or_else(|| bad(format!("field type code {code}")))?;
            if schema.field_index(name).is_some() {
                return Err(bad(format!("field {name:?} declared twice")));
            }
            schema.fields.push(FieldDef { name: name.to_string(), ty });
        }
        for l in wire.layers {
            if schema.layer_index(l.name).is_some() {
                return Err(bad(format!("layer {:?} declared twice", l.name)));
            }
            let mut def =
                LayerDef { name: l.name.to_string(), attrs: Vec::new(), spans: l.spans, relations: l.relations };
            for (name, code) in l.attrs {
                let ty = attr_type(code).ok_or_else(|| bad(format!("attribute type code {code}")))?;
                if def.attr_index(name).is_some() {
                    return Err(bad(format!("attribute {name:?} declared twice")));
                }
                def.attrs.push(AttrDef { name: name.to_string(), ty });
            }
            schema.layers.push(def);
        }
        for (name, v) in wire.metadata {
            let value = v.to_value().ok_or_else(|| bad(format!("invalid date in {name:?}")))?;
            schema.corpus_metadata.push((name.to_string(), value));
        }
        Ok(schema)
    }
}

// Type codes of the schema section (spec/FORMAT.md, "Schema section").
fn field_code(ty: FieldType) -> u8 {
    match ty {
        FieldType::Date => 0,
        FieldType::Int => 1,
        FieldType::Str => 2,
        FieldType::List => 3,
    }
}

fn field_type(code: u8) -> Option<FieldType> {
    Some(match code {
        0 => FieldType::Date,
        1 => FieldType::Int,
        2 => FieldType::Str,
        3 => FieldType::List,
        _ => return None,
    })
}

fn attr_code(ty: AttrType) -> u8 {
    match ty {
        AttrType::Str => 0,
        AttrType::Int => 1,
    }
}

fn attr_type(code: u8) -> Option<AttrType> {
    Some(match code {
        0 => AttrType::Str,
        1 => AttrType::Int,
        _ => return None,
    })
}

#[derive(Serialize, Deserialize)]
struct SchemaWire<'a> {
    #[serde(borrow)]
    fields: Vec<(&'a str, u8)>,
    #[serde(borrow)]
    layers: Vec<LayerWire<'a>>,
    #[serde(borrow)]
    metadata: Vec<(&'a str, ValueWire<'a>)>,
    text_bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct LayerWire<'a> {
    name: &'a str,
    #[serde(borrow)]
    attrs: Vec<(&'a str, u8)>,
    spans: u64,
    relations: u64,
}

#[derive(Serialize, Deserialize)]
enum ValueWire<'a> {
    Date(u16, u8, u8),
    Int(i64),
    Str(&'a str),
    #[serde(borrow)]
    List(Vec<&'a str>),
}

impl<'a> From<&'a Value> for ValueWire<'a> {
    fn from(v: &'a Value) -> ValueWire<'a> {
        match v {
            Value::Date(d) => ValueWire::Date(d.year(), d.month(), d.day()),
            Value::Int(i) => ValueWire::Int(*i),
            Value::Str(s) => ValueWire::Str(s),
            Value::List(l) => ValueWire::List(l.iter().map(String::as_str).collect()),
        }
    }
}

impl ValueWire<'_> {
    fn to_value(&self) -> Option<Value> {
        Some(match self {
            ValueWire::Date(y, m, d) => Value::Date(Date::new(*y, *m, *d)?),
            ValueWire::Int(i) => Value::Int(*i),
            ValueWire::Str(s) => Value::Str(s.to_string()),
            ValueWire::List(l) => Value::List(l.iter().map(|s| s.to_string()).collect()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Schema {
        Schema {
            fields: vec![
                FieldDef { name: "date".into(), ty: FieldType::Date },
                FieldDef { name: "topics".into(), ty: FieldType::List },
            ],
            layers: vec![LayerDef {
                name: "token".into(),
                attrs: vec![AttrDef { name: "upos".into(), ty: AttrType::Str }],
                spans: 7,
                relations: 2,
            }],
            corpus_metadata: vec![
                ("source".into(), Value::Str("EWT".into())),
                ("released".into(), Value::Date(Date::new(2025, 5, 15).unwrap())),
                ("n".into(), Value::Int(-4)),
                ("tags".into(), Value::List(vec!["a".into(), "β".into()])),
            ],
            text_bytes: 1234,
        }
    }

    #[test]
    fn schema_round_trips() {
        let s = sample();
        assert_eq!(Schema::decode(&s.encode(), 0).unwrap(), s);
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = sample().encode();
        for len in 0..bytes.len() {
            assert!(Schema::decode(&bytes[..len], 0).is_err(), "len {len}");
        }
    }

    #[test]
    fn unknown_type_code_is_rejected() {
        let mut bytes = sample().encode();
        // fields: len 2, then "date" (len 4 + bytes), then its type code.
        assert_eq!(bytes[6], 0);
        bytes[6] = 9;
        let err = Schema::decode(&bytes, 40).unwrap_err();
        assert_eq!(err.offset(), Some(40));
    }
}
