//! The strata corpus file format: the data model, the on-disk layout of
//! `spec/FORMAT.md`, a streaming writer and a decoder of untrusted bytes.
//!
//! This crate never opens files: the writer streams to any `io::Write`, the
//! reader decodes any `AsRef<[u8]>`. `strata-reader` adds memory maps and
//! atomic output files.
//!
//! # Overview of types
//! - [`Document`], [`Layer`], [`Span`], [`Relation`], [`Value`],
//!   [`AttrValue`], [`Date`]: the owned data model.
//! - [`Schema`]: the corpus-level fields, layers and attributes, with totals.
//! - [`WriterBuilder`] and [`Writer`]: documents in, a strata file out.
//! - [`DocBuilder`] and [`BuiltDoc`]: a document built column by column, for
//!   parsers that write many documents ([`Writer::add_built`]).
//! - [`Corpus`]: a decoded file; [`Doc`], [`LayerRef`], [`AttrRef`]: borrowed
//!   views of one document; [`SpanColumns`]: a layer's raw span columns.
//! - [`Error`], [`ErrorKind`]: every failure, with the byte offset where
//!   decoding stopped.
//!
//! # Example
//! ```
//! # fn example() -> strata_format::Result<()> {
//! use strata_format::{Corpus, Document, Layer, Span, WriterBuilder};
//!
//! let mut doc = Document::new("d1", "Mending ties. Talks go on.");
//! let mut sentences = Layer::new("sentence");
//! sentences.spans.push(Span::new(0, 13));
//! sentences.spans.push(Span::new(14, 26));
//! doc.layers.push(sentences);
//!
//! let mut wtr = WriterBuilder::new().build(Vec::new())?;
//! wtr.add(&doc)?;
//! let bytes = wtr.finish()?;
//!
//! let corpus = Corpus::from_bytes(bytes)?;
//! let d = corpus.by_id("d1")?.expect("written above");
//! let layer = d.layer("sentence").expect("written above");
//! assert_eq!(layer.text(1)?, "Talks go on.");
//! # Ok(()) }
//! # example().unwrap();
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bytes;
mod columnar;
mod error;
pub mod layout;
mod model;
mod problem;
mod read;
mod schema;
mod validate;
mod write;

pub use crate::bytes::Column;
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::model::{AttrType, AttrValue, Date, Document, FieldType, Layer, Relation, Span, Value};
pub use crate::problem::Problem;
pub use crate::read::{
    AttrRef, AttrValueRef, AttrValues, Corpus, Doc, Docs, LayerRef, MetaIter, RelationRef, SectionInfo, SpanColumns,
    SpanRef, StoredSizes, StrList, StringTable, ValueRef,
};
pub use crate::schema::{AttrDef, FieldDef, LayerDef, Schema};
pub use crate::validate::MAX_PROBLEMS;
pub use crate::write::{
    AttrId, BuiltDoc, ColumnCheck, CopyMap, DocBuilder, LayerId, Names, Writer, WriterBuilder, DEFAULT_BLOCK_SIZE,
    MAX_BUILDERS,
};
