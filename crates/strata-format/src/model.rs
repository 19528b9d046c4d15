//! The owned data model: what a writer takes and what `Doc::to_owned` gives back.

use std::fmt;

/// A calendar date in the proleptic Gregorian calendar, year 0 to 9999.
///
/// Construction validates the day against the month and leap years, so a
/// `Date` always names a real day: `2025-02-30` cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Makes a date, or `None` when it names no real day.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year > 9999 || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses the ISO 8601 calendar form `YYYY-MM-DD` (exactly ten bytes).
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let year = num(0..4)?;
        let month = u8::try_from(num(5..7)?).ok()?;
        let day = u8::try_from(num(8..10)?).ok()?;
        Date::new(year, month, day)
    }

    /// The year, 0 to 9999.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The type of a metadata field, fixed once per corpus by its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// A calendar [`Date`].
    Date,
    /// A signed 64-bit integer.
    Int,
    /// A UTF-8 string.
    Str,
    /// A list of UTF-8 strings.
    List,
}

impl FieldType {
    /// The name used in the spec, in JSONL headers and by `strata info`.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Date => "date",
            FieldType::Int => "int",
            FieldType::Str => "string",
            FieldType::List => "list",
        }
    }

    /// The inverse of [`FieldType::name`].
    pub fn from_name(name: &str) -> Option<FieldType> {
        Some(match name {
            "date" => FieldType::Date,
            "int" => FieldType::Int,
            "string" => FieldType::Str,
            "list" => FieldType::List,
            _ => return None,
        })
    }
}

/// A typed metadata value, of a document or of the corpus.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// A calendar date.
    Date(Date),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// A list of strings.
    List(Vec<String>),
}

impl Value {
    /// The type of this value.
    pub fn field_type(&self) -> FieldType {
        match self {
            Value::Date(_) => FieldType::Date,
            Value::Int(_) => FieldType::Int,
            Value::Str(_) => FieldType::Str,
            Value::List(_) => FieldType::List,
        }
    }
}

/// The type of a span attribute, fixed once per layer by the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttrType {
    /// An interned string.
    Str,
    /// A signed 64-bit integer.
    Int,
}

impl AttrType {
    /// The name used in the spec, in JSONL headers and by `strata info`.
    pub fn name(self) -> &'static str {
        match self {
            AttrType::Str => "string",
            AttrType::Int => "int",
        }
    }

    /// The inverse of [`AttrType::name`].
    pub fn from_name(name: &str) -> Option<AttrType> {
        Some(match name {
            "string" => AttrType::Str,
            "int" => AttrType::Int,
            _ => return None,
        })
    }
}

/// The value of one span attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttrValue {
    /// A string (interned once per corpus on disk).
    Str(String),
    /// An integer.
    Int(i64),
}

impl AttrValue {
    /// The type of this value.
    pub fn attr_type(&self) -> AttrType {
        match self {
            AttrValue::Str(_) => AttrType::Str,
            AttrValue::Int(_) => AttrType::Int,
        }
    }
}

/// A span over a document's text: `[start, end)` in UTF-8 byte offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Start byte offset into the document text (inclusive).
    pub start: u64,
    /// End byte offset into the document text (exclusive).
    pub end: u64,
    /// The pieces of a discontinuous span, in source order; empty for a
    /// continuous one. `start..end` is then the extent the source gives.
    pub fragments: Vec<(u64, u64)>,
    /// An optional label, such as an entity type.
    pub label: Option<String>,
    /// Attributes by name; each name at most once.
    pub attrs: Vec<(String, AttrValue)>,
}

impl Span {
    /// A continuous span without label or attributes.
    pub fn new(start: u64, end: u64) -> Span {
        Span { start, end, ..Span::default() }
    }

    /// The same span with a label.
    pub fn with_label(mut self, label: impl Into<String>) -> Span {
        self.label = Some(label.into());
        self
    }

    /// The same span with one more attribute.
    pub fn with_attr(mut self, name: impl Into<String>, value: AttrValue) -> Span {
        self.attrs.push((name.into(), value));
        self
    }
}

/// A directed arc between two spans of the same layer, by span index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Relation {
    /// Index of the source span (a dependency head, a brat `Arg1`).
    pub from: u64,
    /// Index of the target span (the dependent, a brat `Arg2`).
    pub to: u64,
    /// An optional label, such as a dependency relation.
    pub label: Option<String>,
}

/// One annotation layer of a document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Layer {
    /// The layer name, unique within the document.
    pub name: String,
    /// The spans, in the order given; overlapping and nested freely.
    pub spans: Vec<Span>,
    /// Arcs between the spans of this layer.
    pub relations: Vec<Relation>,
}

impl Layer {
    /// An empty layer with this name.
    pub fn new(name: impl Into<String>) -> Layer {
        Layer { name: name.into(), ..Layer::default() }
    }
}

/// A document: id, text, typed metadata and layers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Document {
    /// An id unique within the corpus.
    pub id: String,
    /// The text, stored once; every span offset points into it.
    pub text: String,
    /// Metadata by field name; each name at most once.
    pub metadata: Vec<(String, Value)>,
    /// The layers; each name at most once. A layer without spans is the
    /// same as an absent layer.
    pub layers: Vec<Layer>,
}

impl Document {
    /// A document with this id and text, without metadata or layers.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document { id: id.into(), text: text.into(), ..Document::default() }
    }

    /// The layer of this name, if the document has it.
    pub fn layer(&self, name: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.name == name)
    }

    /// The metadata value of this field, if the document has it.
    pub fn meta(&self, name: &str) -> Option<&Value> {
        self.metadata.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_validated() {
        assert_eq!(Date::parse_iso("2025-04-11").unwrap().to_string(), "2025-04-11");
        assert!(Date::parse_iso("2024-02-29").is_some());
        assert!(Date::parse_iso("2025-02-29").is_none());
        assert!(Date::parse_iso("2025-02-30").is_none());
        assert!(Date::parse_iso("1900-02-29").is_none());
        assert!(Date::parse_iso("2000-02-29").is_some());
        assert!(Date::parse_iso("2025-13-01").is_none());
        assert!(Date::parse_iso("2025-00-01").is_none());
        assert!(Date::parse_iso("2025-4-11").is_none());
        assert!(Date::parse_iso("+025-04-11").is_none());
        assert!(Date::parse_iso("2025-04-1١").is_none());
    }
}
