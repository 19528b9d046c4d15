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
}
