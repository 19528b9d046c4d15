//! Built-in annotators: sentences, tokens and quotations, for documents
//! that come without them (tagged news articles, plain text).
//!
//! Tokens and sentences follow Unicode text segmentation (UAX #29) tailored
//! to English news: abbreviations ("Mr.", "U.S.", "Feb.", initials) keep
//! their period and do not end sentences, clitics split as in UD English
//! ("do|n't", "Russia|'s"), URLs, e-mail addresses, numbers ("1,000.50")
//! and hyphenated words stay whole. Quotes are found from their opening to
//! their closing mark, curly or straight, nested or not.
//!
//! # Overview of types
//! - [`Annotator`] names one annotator; [`Annotator::parse_list`] reads
//!   the `sentences,tokens,quotes` lists of the command line.
//! - [`annotate`] adds the chosen layers to a [`Document`].
//! - [`tokens`], [`sentences`], [`segment`] and [`quotes`] work on a plain
//!   `&str` and give byte ranges (and [`Quote`]s).
//!
//! # Layers
//! | annotator | layer | spans | label | attributes |
//! |---|---|---|---|---|
//! | `sentences` | `sentence` | first token's start to last token's end | none | none |
//! | `tokens` | `token` | one per token, never whitespace | none | none |
//! | `quotes` | `quote` | opening mark to closing mark, inclusive | none | `style` (string: `curly`, `straight`, `guillemet`), `marks` (string: `double`, `single`), `level` (int, 0 outermost), `closed` (int, 1 or 0) |
//!
//! Spans of every layer are sorted by start; sentences and tokens never
//! overlap, quotes nest. A sentence never crosses a blank line, nor the edge
//! of a span of the document's `paragraph`, `heading` or `title` layers.
//!
//! ```
//! use strata_annotate::{annotate, Annotator};
//! use strata_format::Document;
//! let mut doc = Document::new("a", "Mr. Smith said: “Don’t go.” He left.");
//! annotate(&mut doc, &Annotator::parse_list("sentences,tokens,quotes").unwrap());
//! let text = |s: &strata_format::Span| &doc.text[s.start as usize..s.end as usize];
//! let sentences: Vec<&str> = doc.layer("sentence").unwrap().spans.iter().map(text).collect();
//! assert_eq!(sentences, ["Mr. Smith said: “Don’t go.”", "He left."]);
//! let tokens: Vec<&str> = doc.layer("token").unwrap().spans.iter().map(text).collect();
//! assert_eq!(tokens[..6], ["Mr.", "Smith", "said", ":", "“", "Do"]);
//! assert_eq!(text(&doc.layer("quote").unwrap().spans[0]), "“Don’t go.”");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod abbrev;
mod quote;
mod sentence;
mod token;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use strata_format::{AttrValue, Document, Layer, Span};

pub use crate::quote::{Quote, QuoteStyle};

/// One built-in annotator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Annotator {
    /// Sentences, into the layer `sentence`.
    Sentences,
    /// Tokens, into the layer `token`.
    Tokens,
    /// Quotations, into the layer `quote`.
    Quotes,
}

impl Annotator {
    /// Every annotator, in the order their layers are added.
    pub const ALL: [Annotator; 3] = [Annotator::Sentences, Annotator::Tokens, Annotator::Quotes];

    /// The name on the command line: `sentences`, `tokens` or `quotes`.
    pub fn name(self) -> &'static str {
        match self {
            Annotator::Sentences => "sentences",
            Annotator::Tokens => "tokens",
            Annotator::Quotes => "quotes",
        }
    }

    /// The layer it makes: `sentence`, `token` or `quote`.
    pub fn layer_name(self) -> &'static str {
        match self {
            Annotator::Sentences => "sentence",
            Annotator::Tokens => "token",
            Annotator::Quotes => "quote",
        }
    }

    /// Parses a comma-separated list such as `sentences,tokens,quotes`.
    /// Blanks around names are ignored, and so are repeats; `all` stands for
    /// every annotator.
    ///
    /// # Errors
    /// [`UnknownAnnotator`] for the first name that is none of these, or for
    /// an empty list.
    pub fn parse_list(list: &str) -> Result<Vec<Annotator>, UnknownAnnotator> {
        let mut out = Vec::new();
        for name in list.split(',') {
            let name = name.trim();
            if name == "all" {
                out.extend(Annotator::ALL);
            } else {
                out.push(name.parse()?);
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

impl fmt::Display for Annotator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Annotator {
    type Err = UnknownAnnotator;

    /// Parses a name as [`Annotator::name`] gives it, or the singular (the
    /// layer name): `token` works as well as `tokens`.
    fn from_str(s: &str) -> Result<Annotator, UnknownAnnotator> {
        Annotator::ALL
            .into_iter()
            .find(|a| a.name() == s || a.layer_name() == s)
            .ok_or_else(|| UnknownAnnotator { name: s.to_string() })
    }
}

/// A name that is not an annotator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAnnotator {
    /// The name given.
    pub name: String,
}

impl fmt::Display for UnknownAnnotator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected an annotator (sentences, tokens, quotes or all), found {:?}", self.name)
    }
}

impl std::error::Error for UnknownAnnotator {}

/// Tokens and sentences of one text, from [`segment`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segmentation {
    /// Token byte ranges, sorted, not overlapping, none empty or blank.
    pub tokens: Vec<Range<usize>>,
    /// Sentence byte ranges, sorted, not overlapping; each runs from the
    /// start of its first token to the end of its last.
    pub sentences: Vec<Range<usize>>,
}

/// The tokens of `text`, as byte ranges. See the [crate docs](crate) for
/// the rules. Costs one pass over the text and one allocation per 2^k
/// tokens.
pub fn tokens(text: &str) -> Vec<Range<usize>> {
    let mut toks = Vec::new();
    token::scan(text, 0, text.len(), &mut toks);
    toks.into_iter().map(|t| t.start..t.end).collect()
}

/// The sentences of `text`, as byte ranges; blank lines end sentences.
/// This tokenizes the text first: use [`segment`] to get both.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    segment(text).sentences
}

/// Tokens and sentences of `text` in one pass.
pub fn segment(text: &str) -> Segmentation {
    let mut toks = Vec::new();
    token::scan(text, 0, text.len(), &mut toks);
    let mut sentences = Vec::new();
    sentence::split(text, &toks, &mut sentences);
    Segmentation { tokens: toks.into_iter().map(|t| t.start..t.end).collect(), sentences }
}

/// The quotations of `text`, sorted by start (an outer quote before the
/// ones inside it). A blank line ends a paragraph; see [`Quote::closed`]
/// for quotes left open there.
pub fn quotes(text: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    quote::scan(text, 0, text.len(), &mut out);
    sort_quotes(&mut out);
    out
}

fn sort_quotes(quotes: &mut [Quote]) {
    quotes.sort_by(|a, b| a.range.start.cmp(&b.range.start).then(b.range.end.cmp(&a.range.end)));
}

/// Layers whose span edges no sentence or quote crosses.
const BLOCK_LAYERS: [&str; 3] = ["paragraph", "heading", "title"];

/// The document's text cut at every edge of a span of the block layers
/// (edges off a char boundary are ignored).
fn regions(doc: &Document) -> Vec<Range<usize>> {
    let mut cuts = vec![0, doc.text.len()];
    for layer in doc.layers.iter().filter(|l| BLOCK_LAYERS.contains(&l.name.as_str())) {
        for span in &layer.spans {
            for edge in [span.start, span.end] {
                if let Ok(edge) = usize::try_from(edge) {
                    if doc.text.is_char_boundary(edge) {
                        cuts.push(edge);
                    }
                }
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Adds the layers of the annotators `which` to `doc`.
///
/// A layer of the same name that the document already has is **replaced**
/// in place (same position among the layers): asking for an annotator
/// means wanting its output. A caller that wants to keep a source's own
/// layer (gold tokens from a treebank, say) checks [`Document::layer`]
/// with [`Annotator::layer_name`] first. An annotator that finds nothing
/// still sets an empty layer, which strata treats as absent.
///
/// Sentences and quotes stay inside the blocks of the document: they never
/// cross an edge of a `paragraph`, `heading` or `title` span, nor a blank
/// line. Text outside those spans (a header line, say) is annotated too.
///
/// Costs one pass over the text for tokens and sentences together, one
/// for quotes, and one [`Span`] per token, sentence and quote.
pub fn annotate(doc: &mut Document, which: &[Annotator]) {
    let want = |a: Annotator| which.contains(&a);
    let regions = regions(doc);
    let text = doc.text.as_str();
    let mut layers = Vec::new();
    if want(Annotator::Sentences) || want(Annotator::Tokens) {
        let mut toks = Vec::new();
        let mut sents = Vec::new();
        for r in &regions {
            let first = toks.len();
            token::scan(text, r.start, r.end, &mut toks);
            sentence::split(text, &toks[first..], &mut sents);
        }
        let span = |start: usize, end: usize| Span::new(start as u64, end as u64);
        if want(Annotator::Sentences) {
            let spans = sents.into_iter().map(|r| span(r.start, r.end)).collect();
            layers.push(Layer { spans, ..Layer::new(Annotator::Sentences.layer_name()) });
        }
        if want(Annotator::Tokens) {
            let spans = toks.into_iter().map(|t| span(t.start, t.end)).collect();
            layers.push(Layer { spans, ..Layer::new(Annotator::Tokens.layer_name()) });
        }
    }
    if want(Annotator::Quotes) {
        let mut found = Vec::new();
        for r in &regions {
            quote::scan(text, r.start, r.end, &mut found);
        }
        sort_quotes(&mut found);
        let spans = found.into_iter().map(quote_span).collect();
        layers.push(Layer { spans, ..Layer::new(Annotator::Quotes.layer_name()) });
    }
    for layer in layers {
        match doc.layers.iter_mut().find(|l| l.name == layer.name) {
            Some(old) => *old = layer,
            None => doc.layers.push(layer),
        }
    }
}

fn quote_span(q: Quote) -> Span {
    let marks = if q.double { "double" } else { "single" };
    Span::new(q.range.start as u64, q.range.end as u64)
        .with_attr("style", AttrValue::Str(q.style.name().to_string()))
        .with_attr("marks", AttrValue::Str(marks.to_string()))
        .with_attr("level", AttrValue::Int(i64::from(q.level)))
        .with_attr("closed", AttrValue::Int(i64::from(q.closed)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts<'a>(doc: &'a Document, layer: &str) -> Vec<&'a str> {
        let spans = &doc.layer(layer).unwrap().spans;
        spans.iter().map(|s| &doc.text[s.start as usize..s.end as usize]).collect()
    }

    #[test]
    fn parse_names() {
        use Annotator::*;
        assert_eq!(Annotator::parse_list("sentences,tokens,quotes").unwrap(), [Sentences, Tokens, Quotes]);
        assert_eq!(Annotator::parse_list(" quotes , token,quotes").unwrap(), [Tokens, Quotes]);
        assert_eq!(Annotator::parse_list("all").unwrap(), Annotator::ALL);
        let err = Annotator::parse_list("tokens,lemmas").unwrap_err();
        assert_eq!(err.name, "lemmas");
        assert!(err.to_string().contains("found \"lemmas\""));
        assert!(Annotator::parse_list("").is_err());
        for a in Annotator::ALL {
            assert_eq!(a.to_string().parse::<Annotator>().unwrap(), a);
        }
    }

    /// Three paragraphs of the reference article (`shared/seed/article.txt`),
    /// with its header line and a sub-heading.
    const ARTICLE: &str = " date 2025-04-11 The Kremlin says Witkoff ‘will bring something from his president to \
        Putin’ in push for a Ukraine peace settlement.\n\n“The painstaking work continues. Naturally, Witkoff, as a \
        special representative of President Trump, will bring something from his president to Putin,” Peskov was \
        quoted as saying by Russia’s TASS news agency.\n\nMending ties\n\nAt the end of March, Trump said he was \
        “very angry” and “p****d off” after Putin criticised the credibility of Ukrainian President Volodymyr \
        Zelenskyy’s leadership.\n";

    #[test]
    fn annotates_the_article() {
        let mut doc = Document::new("a", ARTICLE);
        annotate(&mut doc, &Annotator::ALL);
        assert_eq!(texts(&doc, "sentence"), [
            "date 2025-04-11 The Kremlin says Witkoff ‘will bring something from his president to Putin’ in push for \
             a Ukraine peace settlement.",
            "“The painstaking work continues.",
            "Naturally, Witkoff, as a special representative of President Trump, will bring something from his \
             president to Putin,” Peskov was quoted as saying by Russia’s TASS news agency.",
            "Mending ties",
            "At the end of March, Trump said he was “very angry” and “p****d off” after Putin criticised the \
             credibility of Ukrainian President Volodymyr Zelenskyy’s leadership.",
        ]);
        let tokens = texts(&doc, "token");
        assert_eq!(tokens[..4], ["date", "2025-04-11", "The", "Kremlin"]);
        assert!(tokens.contains(&"’s") && tokens.contains(&"Zelenskyy") && tokens.contains(&"p****d"));
        let quotes = doc.layer("quote").unwrap();
        assert_eq!(
            texts(&doc, "quote"),
            [
                "‘will bring something from his president to Putin’",
                "“The painstaking work continues. Naturally, Witkoff, as a special representative of President Trump, \
             will bring something from his president to Putin,”",
                "“very angry”",
                "“p****d off”",
            ]
        );
        assert_eq!(
            quotes.spans[0].attrs,
            [
                ("style".to_string(), AttrValue::Str("curly".into())),
                ("marks".to_string(), AttrValue::Str("single".into())),
                ("level".to_string(), AttrValue::Int(0)),
                ("closed".to_string(), AttrValue::Int(1)),
            ]
        );
    }

    #[test]
    fn paragraphs_bound_sentences_and_layers_are_replaced() {
        // Two "paragraphs" with no blank line between them, as a CoNLL-U
        // source gives them.
        let mut doc = Document::new("a", "It rained. And then\nit snowed “all day\nlong.” Fine");
        let para = |a: u64, b: u64| Span::new(a, b);
        doc.layers.push(Layer { spans: vec![para(0, 19), para(20, doc.text.len() as u64)], ..Layer::new("paragraph") });
        doc.layers.push(Layer { spans: vec![para(0, 1)], ..Layer::new("token") });
        annotate(&mut doc, &[Annotator::Tokens, Annotator::Sentences, Annotator::Quotes]);
        assert_eq!(texts(&doc, "sentence"), ["It rained.", "And then", "it snowed “all day\nlong.”", "Fine"]);
        assert_eq!(
            doc.layers.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
            ["paragraph", "token", "sentence", "quote"]
        );
        assert_eq!(texts(&doc, "token").len(), 14);
        assert_eq!(texts(&doc, "quote"), ["“all day\nlong.”"]);
    }

    #[test]
    fn multibyte_offsets_and_empty_text() {
        let text = "Ça coûte 5 €. Öl’s “naïve” 東京！ Übrigens…";
        let seg = segment(text);
        for r in seg.tokens.iter().chain(&seg.sentences) {
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        let toks: Vec<&str> = seg.tokens.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            toks,
            ["Ça", "coûte", "5", "€", ".", "Öl", "’s", "“", "naïve", "”", "東", "京", "！", "Übrigens", "…"]
        );
        assert_eq!(seg.sentences.len(), 3);
        assert_eq!(segment(""), Segmentation::default());
        assert!(quotes("").is_empty());
        let mut doc = Document::new("e", "");
        annotate(&mut doc, &Annotator::ALL);
        assert!(doc.layers.iter().all(|l| l.spans.is_empty()));
        // Bad paragraph offsets (past the end, inside a character) are ignored.
        let mut doc = Document::new("m", "é. É.");
        doc.layers.push(Layer { spans: vec![Span::new(1, 99)], ..Layer::new("paragraph") });
        annotate(&mut doc, &Annotator::ALL);
        assert_eq!(texts(&doc, "sentence"), ["é.", "É."]);
    }

    fn check_ranges(text: &str, ranges: &[Range<usize>], what: &str) {
        let mut last = 0;
        for r in ranges {
            assert!(r.start < r.end && r.end <= text.len(), "{what} {r:?} out of bounds or empty");
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{what} {r:?} off a char");
            assert!(r.start >= last, "{what} {r:?} overlaps or is out of order");
            last = r.end;
        }
    }

    proptest! {
        #[test]
        fn spans_are_well_formed(text in "(\\PC|[ \n.!?\"'“”‘’()A-Za-z0-9,:/@-]|Mr\\.|U\\.S\\.|n't|'s|http://|www\\.){0,80}") {
            let seg = segment(&text);
            check_ranges(&text, &seg.tokens, "token");
            check_ranges(&text, &seg.sentences, "sentence");
            for r in &seg.tokens {
                prop_assert!(!text[r.clone()].chars().all(char::is_whitespace));
            }
            prop_assert_eq!(&seg.tokens, &tokens(&text));
            for q in quotes(&text) {
                prop_assert!(q.range.start < q.range.end && q.range.end <= text.len());
                prop_assert!(text.is_char_boundary(q.range.start) && text.is_char_boundary(q.range.end));
            }
        }

        #[test]
        fn annotate_never_panics(text in any::<String>(), cuts in proptest::collection::vec(0u64..64, 0..6)) {
            let mut doc = Document::new("p", text);
            let spans = cuts.chunks(2).map(|c| Span::new(c[0], *c.last().unwrap())).collect();
            doc.layers.push(Layer { spans, ..Layer::new("paragraph") });
            annotate(&mut doc, &Annotator::ALL);
            for layer in &doc.layers[1..] {
                let ranges: Vec<Range<usize>> = layer.spans.iter().map(|s| s.start as usize..s.end as usize).collect();
                if layer.name == "quote" {
                    for r in &ranges {
                        prop_assert!(r.start < r.end && doc.text.get(r.clone()).is_some());
                    }
                } else {
                    check_ranges(&doc.text, &ranges, &layer.name);
                }
            }
            // Annotating again gives the same layers, in the same places.
            let again = doc.clone();
            annotate(&mut doc, &Annotator::ALL);
            prop_assert_eq!(doc, again);
        }
    }
}
