//! A deterministic generator of news-like documents with linguistic layers.
//!
//! Everything comes from one seeded [`SplitMix64`]: the same seed gives the
//! same vocabulary and the same documents, byte for byte, on every machine.

use strata_format::{AttrValue, Date, Document, Layer, Relation, Span, Value};

/// The SplitMix64 generator (Steele, Lea and Flood, 2014): tiny, fast, and
/// good enough for synthetic data.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; the bias is negligible here).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Universal POS tags with rough news-text frequencies (percent).
const UPOS: &[(&str, usize)] = &[
    ("NOUN", 24),
    ("VERB", 13),
    ("ADJ", 9),
    ("ADP", 10),
    ("DET", 9),
    ("PRON", 6),
    ("ADV", 5),
    ("AUX", 5),
    ("CCONJ", 4),
    ("PROPN", 8),
    ("NUM", 4),
    ("PART", 3),
];

const DEPRELS: &[&str] = &[
    "nsubj", "obj", "iobj", "obl", "advmod", "amod", "det", "case", "nmod", "conj", "cc", "aux", "mark", "compound",
    "punct", "flat", "appos", "xcomp", "ccomp", "nummod",
];

const ENTITY_TYPES: &[&str] = &["PER", "ORG", "LOC", "MISC"];

const TOPICS: &[&str] = &[
    "politics",
    "economy",
    "sport",
    "culture",
    "science",
    "health",
    "world",
    "technology",
    "environment",
    "education",
];

/// Proper nouns outside ASCII: Cyrillic, Greek, CJK, Latin with diacritics.
const MULTIBYTE_WORDS: &[&str] = &[
    "Київ",
    "Genève",
    "München",
    "Zürich",
    "Kraków",
    "Łódź",
    "São",
    "Reykjavík",
    "Málaga",
    "Αθήνα",
    "東京",
    "Москва",
    "İstanbul",
    "Düsseldorf",
    "Besançon",
    "Øresund",
];

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "cl", "dr", "gr",
    "pl", "sh", "st", "th", "tr",
];
const NUCLEI: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "t", "l", "nd", "st", "m"];

const VOCABULARY_SIZE: usize = 6000;

struct Word {
    form: String,
    /// The form with its first letter in upper case, for sentence starts.
    capitalized: String,
    lemma: String,
    upos: &'static str,
}

impl Word {
    fn new(form: String, upos: &'static str) -> Word {
        let mut chars = form.chars();
        let capitalized = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        let lemma = form.to_lowercase();
        Word { form, capitalized, lemma, upos }
    }
}

/// Makes documents one at a time; holds only its vocabulary.
pub struct Generator {
    rng: SplitMix64,
    vocabulary: Vec<Word>,
    multibyte: Vec<Word>,
}

/// One token while a sentence is being built.
struct Token {
    start: usize,
    end: usize,
    word: usize,
    multibyte: bool,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut rng = SplitMix64::new(seed);
        let mut seen = std::collections::HashSet::new();
        let mut vocabulary = Vec::with_capacity(VOCABULARY_SIZE);
        let total_weight: usize = UPOS.iter().map(|&(_, w)| w).sum();
        while vocabulary.len() < VOCABULARY_SIZE {
            let mut w = rng.below(total_weight);
            let upos = UPOS
                .iter()
                .find(|&&(_, weight)| {
                    let hit = w < weight;
                    w = w.saturating_sub(weight);
                    hit
                })
                .map_or("NOUN", |&(tag, _)| tag);
            let form = if upos == "NUM" {
                rng.range(2, 2030).to_string()
            } else {
                let mut s = String::new();
                for _ in 0..rng.range(1, 4) {
                    s.push_str(rng.pick(ONSETS));
                    s.push_str(rng.pick(NUCLEI));
                    s.push_str(rng.pick(CODAS));
                }
                if upos == "PROPN" {
                    s = Word::new(s, upos).capitalized;
                }
                s
            };
            if seen.insert(form.clone()) {
                vocabulary.push(Word::new(form, upos));
            }
        }
        let multibyte = MULTIBYTE_WORDS.iter().map(|w| Word::new((*w).to_string(), "PROPN")).collect();
        Generator { rng, vocabulary, multibyte }
    }

    /// A word index with a Zipf-like (log-uniform) rank distribution.
    fn word_index(&mut self) -> usize {
        let n = self.vocabulary.len() as f64;
        let rank = n.powf(self.rng.unit()) - 1.0;
        (rank as usize).min(self.vocabulary.len() - 1)
    }

    /// Document number `n`: id `news-<n>`, 3 to 8 paragraphs.
    pub fn document(&mut self, n: u64) -> Document {
        let mut doc = Document::new(format!("news-{n:09}"), String::new());
        let mut paragraphs = Layer::new("paragraph");
        let mut sentences = Layer::new("sentence");
        let mut tokens = Layer::new("token");
        let mut entities = Layer::new("entity");
        let text = &mut doc.text;

        for p in 0..self.rng.range(3, 8) {
            if p > 0 {
                text.push_str("\n\n");
            }
            let p_start = text.len();
            for s in 0..self.rng.range(2, 6) {
                if s > 0 {
                    text.push(' ');
                }
                let s_start = text.len();
                let first_token = tokens.spans.len() as u64;
                let mut sent: Vec<Token> = Vec::new();
                for t in 0..self.rng.range(6, 28) {
                    if t > 0 {
                        text.push_str(if self.rng.chance(0.06) { ", " } else { " " });
                    }
                    let multibyte = self.rng.chance(0.03);
                    let word = if multibyte { self.rng.below(self.multibyte.len()) } else { self.word_index() };
                    let w = if multibyte { &self.multibyte[word] } else { &self.vocabulary[word] };
                    let start = text.len();
                    text.push_str(if t == 0 { &w.capitalized } else { &w.form });
                    sent.push(Token { start, end: text.len(), word, multibyte });
                }
                text.push(if self.rng.chance(0.05) { '?' } else { '.' });
                sentences.spans.push(Span::new(s_start as u64, text.len() as u64));

                // A dependency tree: heads lean towards a random root, so
                // every token reaches it (CoNLL-U style: 1-based, 0 = root).
                let root = self.rng.below(sent.len());
                for (i, tok) in sent.iter().enumerate() {
                    let head = match i.cmp(&root) {
                        std::cmp::Ordering::Equal => None,
                        std::cmp::Ordering::Less => Some(self.rng.range(i + 1, root)),
                        std::cmp::Ordering::Greater => Some(self.rng.range(root, i - 1)),
                    };
                    let w = if tok.multibyte { &self.multibyte[tok.word] } else { &self.vocabulary[tok.word] };
                    let head_attr = head.map_or(0, |h| h as i64 + 1);
                    tokens.spans.push(
                        Span::new(tok.start as u64, tok.end as u64)
                            .with_attr("upos", AttrValue::Str(w.upos.to_string()))
                            .with_attr("lemma", AttrValue::Str(w.lemma.clone()))
                            .with_attr("head", AttrValue::Int(head_attr)),
                    );
                    if let Some(h) = head {
                        tokens.relations.push(Relation {
                            from: first_token + h as u64,
                            to: first_token + i as u64,
                            label: Some(self.rng.pick(DEPRELS).to_string()),
                        });
                    }
                }
                // About one entity per sentence, one to three tokens long.
                if self.rng.chance(0.8) {
                    let len = self.rng.range(1, 3).min(sent.len());
                    let at = self.rng.below(sent.len() - len + 1);
                    let label = self.rng.pick(ENTITY_TYPES);
                    entities
                        .spans
                        .push(Span::new(sent[at].start as u64, sent[at + len - 1].end as u64).with_label(label));
                }
            }
            paragraphs.spans.push(Span::new(p_start as u64, text.len() as u64));
        }

        let date =
            Date::new(2015 + self.rng.below(10) as u16, 1 + self.rng.below(12) as u8, 1 + self.rng.below(28) as u8)
                .expect("day 1 to 28 exists in every month");
        let mut title = String::new();
        for t in 0..self.rng.range(4, 9) {
            let ix = self.word_index();
            let w = &self.vocabulary[ix];
            if t > 0 {
                title.push(' ');
            }
            title.push_str(if t == 0 { &w.capitalized } else { &w.form });
        }
        let mut topics: Vec<String> = Vec::new();
        for _ in 0..self.rng.range(1, 3) {
            let topic = self.rng.pick(TOPICS);
            if !topics.iter().any(|t| t == topic) {
                topics.push(topic.to_string());
            }
        }
        doc.metadata = vec![
            ("date".into(), Value::Date(date)),
            ("title".into(), Value::Str(title)),
            ("topics".into(), Value::List(topics)),
        ];
        doc.layers = vec![paragraphs, sentences, tokens, entities];
        doc
    }
}

/// Days in `month` of `year` (Gregorian calendar).
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Tagged news articles (`spec/TAGGED.md`), as plain text for the `tagged`
/// workload. They share the vocabulary of the annotated documents above.
impl Generator {
    /// Appends one word: from the Zipf-like vocabulary, or now and then
    /// (3 %) a multi-byte proper noun such as `Київ` or `東京`.
    fn push_word(&mut self, out: &mut String, capitalized: bool) {
        let w = if self.rng.chance(0.03) {
            let ix = self.rng.below(self.multibyte.len());
            &self.multibyte[ix]
        } else {
            let ix = self.word_index();
            &self.vocabulary[ix]
        };
        out.push_str(if capitalized { &w.capitalized } else { &w.form });
    }

    /// Appends `n` words separated by spaces, the first one capitalized.
    fn push_words(&mut self, out: &mut String, n: usize) {
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            self.push_word(out, i == 0);
        }
    }

    /// Appends one sentence of 6 to 28 words, ending in `.` or `?`, with
    /// commas, a possessive `’s`, an en dash or a “scare quote” here and
    /// there. About one sentence in seven is a whole “quotation.”
    fn push_sentence(&mut self, out: &mut String) {
        let quoted = self.rng.chance(0.15);
        if quoted {
            out.push('“');
        }
        let words = self.rng.range(6, 28);
        let mut i = 0;
        while i < words {
            if i > 0 {
                out.push_str(match self.rng.below(100) {
                    0..=5 => ", ",
                    6 => " – ",
                    _ => " ",
                });
            }
            if i > 0 && i + 2 < words && self.rng.chance(0.02) {
                // A short “scare quote” of two words; ‘single’ inside a
                // quotation.
                let (open, close) = if quoted { ('‘', '’') } else { ('“', '”') };
                out.push(open);
                self.push_word(out, false);
                out.push(' ');
                self.push_word(out, false);
                out.push(close);
                i += 2;
                continue;
            }
            self.push_word(out, i == 0);
            if self.rng.chance(0.02) {
                out.push_str("’s");
            }
            i += 1;
        }
        out.push(if self.rng.chance(0.05) { '?' } else { '.' });
        if quoted {
            out.push('”');
        }
    }

    /// Appends one tagged article and returns the number of lines (line
    /// ends) it holds:
    ///
    /// ```text
    ///  date 2019-07-23 Headline words ‘with a quote’ in it
    ///
    /// Paragraph of one to three sentences.
    ///
    /// Sub heading
    ///
    /// Paragraph ...
    ///
    /// ```
    ///
    /// The header line (a leading space, a valid date from 2000 to 2025, a
    /// headline of 5 to 14 words) is followed by 10 to 20 blocks separated
    /// by blank lines: paragraphs of 1 to 3 sentences on one line each, and
    /// now and then (8 %, never first, last or twice in a row) a short
    /// unpunctuated sub-heading like `Mending ties`. A blank line ends the
    /// article, so articles can simply be written one after another.
    pub fn tagged_article(&mut self, out: &mut String) -> u64 {
        let year = 2000 + self.rng.below(26) as u16;
        let month = 1 + self.rng.below(12) as u8;
        let day = 1 + self.rng.below(usize::from(days_in_month(year, month))) as u8;
        debug_assert!(Date::new(year, month, day).is_some());
        out.push_str(&format!(" date {year:04}-{month:02}-{day:02} "));

        // The headline: capitalized, so it cannot be read as another tag.
        let words = self.rng.range(5, 14);
        self.push_words(out, words);
        if self.rng.chance(0.3) {
            out.push_str(" ‘");
            let quoted = self.rng.range(2, 4);
            self.push_words(out, quoted);
            out.push('’');
        }
        if self.rng.chance(0.5) {
            out.push('.');
        }
        out.push('\n');
        let mut lines = 1;

        let blocks = self.rng.range(10, 20);
        let mut after_heading = false;
        for b in 0..blocks {
            out.push('\n');
            // A heading must have a block after it, else it reads as a
            // (short) paragraph.
            let heading = b > 0 && b + 1 < blocks && !after_heading && self.rng.chance(0.08);
            if heading {
                let words = self.rng.range(1, 4);
                self.push_words(out, words);
            } else {
                for s in 0..self.rng.range(1, 3) {
                    if s > 0 {
                        out.push(' ');
                    }
                    self.push_sentence(out);
                }
            }
            out.push('\n');
            lines += 2;
            after_heading = heading;
        }
        // The blank line between this article and the next.
        out.push('\n');
        lines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_deterministic_and_valid() {
        let a: Vec<Document> = {
            let mut g = Generator::new(7);
            (0..20).map(|n| g.document(n)).collect()
        };
        let mut g = Generator::new(7);
        let mut wtr = strata_format::WriterBuilder::new().build(Vec::new()).unwrap();
        for (n, doc) in a.iter().enumerate() {
            assert_eq!(&g.document(n as u64), doc);
            wtr.add(doc).unwrap();
        }
        let bytes = wtr.finish().unwrap();
        let corpus = strata_format::Corpus::from_bytes(bytes).unwrap();
        assert!(corpus.validate().is_empty());
        let doc = corpus.doc(3).unwrap();
        let tokens = doc.layer("token").unwrap();
        let lemma = tokens.attr("lemma").unwrap();
        for i in 0..tokens.len() {
            let Some(strata_format::AttrValueRef::Str(l)) = lemma.get(i).unwrap() else {
                panic!("every token has a lemma");
            };
            assert_eq!(l, tokens.text(i).unwrap().to_lowercase());
        }
        assert!(a.iter().any(|d| d.text.contains("Київ")));
    }

    #[test]
    fn tagged_articles_are_deterministic_and_parse() {
        let stream = |seed| {
            let mut g = Generator::new(seed);
            let (mut text, mut lines) = (String::new(), 0);
            for _ in 0..200 {
                lines += g.tagged_article(&mut text);
            }
            (text, lines)
        };
        let (text, lines) = stream(7);
        assert_eq!((text.clone(), lines), stream(7));
        assert_eq!(lines, text.matches('\n').count() as u64);

        // strata-tagged cuts the stream into the same 200 articles, each
        // with a valid date and a title, and with paragraphs and headings.
        let options = strata_tagged::Options::default();
        let mut headings = 0;
        let mut rebuilt = String::new();
        for (n, seg) in strata_tagged::Splitter::new(text.as_bytes()).enumerate() {
            let (doc, warnings) = strata_tagged::to_document(&n.to_string(), &seg.unwrap(), &options).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            assert!(doc.meta("date").is_some() && doc.meta("title").is_some());
            let paragraphs = doc.layer("paragraph").unwrap().spans.len();
            let heads = doc.layer("heading").unwrap().spans.len();
            assert!((10..=20).contains(&(paragraphs + heads)) && paragraphs > heads, "{paragraphs} + {heads}");
            headings += heads;
            rebuilt.push_str(&doc.text);
        }
        assert_eq!(rebuilt, text);
        assert!(headings > 50, "{headings} headings");
        assert!(text.contains('“') && text.contains('’') && text.contains("Київ"));
    }
}
