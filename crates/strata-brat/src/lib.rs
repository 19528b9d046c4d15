//! brat standoff annotations (`spec/BRAT.md`): a `.txt` and its `.ann` into
//! a strata [`Document`](strata_format::Document), and the document back into the `.ann`, byte for
//! byte.
//!
//! brat counts offsets in Unicode code points; strata spans count UTF-8
//! bytes. [`parse`] converts one way and [`write_ann`] the other. The
//! document's text is the `.txt` exactly, so the `.txt` round trips by
//! writing `doc.text`.
//!
//! # Overview of types
//! - [`parse`] reads one `.txt` + `.ann` pair into a [`Document`](strata_format::Document) with the
//!   layers named by [`LAYER`], [`EVENT_LAYER`] and the other `*_LAYER`
//!   constants, or says where the `.ann` is bad, as a [`Problem`].
//! - [`write_ann`] and [`write_ann_with`] rebuild the `.ann`; a document that
//!   did not come from brat gets `T`, `R` and `A` lines from the layers
//!   named in [`WriteOptions`] (by default `entity`).
//! - [`find_pairs`] lists the documents of a folder of pairs.
//! - [`schema`] declares the brat layers, attributes and metadata fields in
//!   the order [`parse`] makes them; give it to the strata writer so that
//!   documents read back equal the parsed ones field for field.
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let text = "Sony bought Columbia in Tōkyō.\n";
//! let ann = "T1\tOrg 0 4\tSony\nT2\tOrg 12 20\tColumbia\nR1\tAcquired Arg1:T1 Arg2:T2\nT3\tLoc 24 29\tTōkyō\n";
//! let (doc, warnings) = strata_brat::parse("news/1", text, ann)?;
//! assert!(warnings.is_empty());
//! let brat = doc.layer(strata_brat::LAYER).unwrap();
//! assert_eq!(brat.spans[2].start, 24); // bytes, not characters
//! assert_eq!(brat.spans[2].end, 31);
//! assert_eq!(brat.relations[0].label.as_deref(), Some("Acquired"));
//! let mut out = String::new();
//! strata_brat::write_ann(&doc, &mut out)?;
//! assert_eq!(out, ann);
//! # Ok(()) }
//! # example().unwrap();
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod line;
mod offsets;
mod pairs;
mod read;
mod write;

use std::fmt;

pub use crate::pairs::{find_pairs, Pair};
pub use crate::read::parse;
pub use crate::write::{write_ann, write_ann_with, WriteOptions};

use strata_format::{AttrDef, AttrType, FieldDef, FieldType, LayerDef, Schema};

/// The layer of text-bound annotations (`T`), with binary relations (`R`)
/// between them as its relations.
pub const LAYER: &str = "brat";
/// The layer of events (`E`), one span per event over its trigger.
pub const EVENT_LAYER: &str = "brat-event";
/// The layer of relations that cannot be relations of [`LAYER`] (an
/// argument is not a `T`).
pub const RELATION_LAYER: &str = "brat-relation";
/// The layer of attributes and modifiers (`A`, `M`), over their targets.
pub const ATTRIBUTE_LAYER: &str = "brat-attribute";
/// The layer of normalizations (`N`), over their targets.
pub const NORMALIZATION_LAYER: &str = "brat-normalization";
/// The layer of notes (`#`), over their targets.
pub const NOTE_LAYER: &str = "brat-note";
/// The layer of equivalence sets (`*`), over their members.
pub const EQUIV_LAYER: &str = "brat-equiv";

/// A problem at a place in the input (line and column from 1, columns in
/// characters).
pub use strata_format::Problem;

/// Why a document cannot be written as brat standoff: a span off the
/// text's character boundaries, a relation to a missing span, or a brat
/// layer span without what its line needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteError {
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WriteError {}

/// The attributes of each brat layer, in the order [`parse`] gives them.
const LAYER_ATTRS: [(&str, &[&str]); 7] = [
    (LAYER, &["id", "text", "line"]),
    (RELATION_LAYER, &["id", "args", "line"]),
    (EVENT_LAYER, &["id", "trigger", "args", "line"]),
    (ATTRIBUTE_LAYER, &["id", "target", "value", "line"]),
    (NORMALIZATION_LAYER, &["id", "target", "ref", "text", "line"]),
    (NOTE_LAYER, &["id", "target", "text", "line"]),
    (EQUIV_LAYER, &["id", "members", "line"]),
];

/// The strata schema of brat documents: every layer, attribute and
/// metadata field [`parse`] can make, in the order it makes them.
///
/// A strata file lists layers, attributes and fields in the order its
/// writer first sees them, and a reader gives them back in that order.
/// Declaring this schema up front (`WriterBuilder::schema`) makes
/// documents read back from a strata file equal to the parsed ones,
/// attribute order included; without it they differ only in that order,
/// which [`write_ann`] does not care about.
pub fn schema() -> Schema {
    let str_field = |name: &str, ty| FieldDef { name: name.to_string(), ty };
    Schema {
        fields: vec![
            str_field(write::META_ORDER, FieldType::Str),
            str_field(write::META_VERBATIM, FieldType::List),
            str_field(write::META_RELATION_LINES, FieldType::List),
            str_field(write::META_EOL, FieldType::Str),
            str_field(write::META_LAST_EOL, FieldType::Int),
            str_field(write::META_OFFSETS, FieldType::Str),
            str_field(write::META_ANN, FieldType::Str),
        ],
        layers: LAYER_ATTRS
            .iter()
            .map(|(name, attrs)| LayerDef {
                name: name.to_string(),
                attrs: attrs.iter().map(|a| AttrDef { name: a.to_string(), ty: AttrType::Str }).collect(),
                spans: 0,
                relations: 0,
            })
            .collect(),
        ..Schema::default()
    }
}
