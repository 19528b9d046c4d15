//! Quotations: from an opening quote mark to its closing mark, nested.
//!
//! Curly marks say which way they face, except `’`, which is also the
//! apostrophe: between two letters or digits it is one ("Russia’s"), and
//! elsewhere it closes an open `‘` if there is one and is an apostrophe
//! otherwise ("the Russians’ view"). Straight marks are judged by what is
//! around them: `"` closes an open `"`, and otherwise opens when text
//! follows; `'` between letters is an apostrophe ("don't"), closes an open
//! `'` after text, and opens before text after a space.
//!
//! A closing mark closes the innermost open quote it matches; quotes opened
//! inside that one and still open are dropped (they were not quotes, or
//! their closing mark is missing). At the end of a paragraph (a blank line
//! or the end of the text given) a double quote still open runs to the end
//! of the paragraph, marked not closed: news style opens every paragraph of
//! a long quotation and closes only the last. A single quote still open is
//! dropped, as it was most likely an apostrophe ("‘90s", "'em").

use std::ops::Range;

/// The typographic family of a quote's marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuoteStyle {
    /// `“…”`, `‘…’`, and the low-9 openers `„…“`, `‚…‘`.
    Curly,
    /// `"…"` and `'…'`.
    Straight,
    /// `«…»` and `‹…›`.
    Guillemet,
}

impl QuoteStyle {
    /// The name used as the `style` attribute: `curly`, `straight` or
    /// `guillemet`.
    pub fn name(self) -> &'static str {
        match self {
            QuoteStyle::Curly => "curly",
            QuoteStyle::Straight => "straight",
            QuoteStyle::Guillemet => "guillemet",
        }
    }
}

/// One quotation found by [`quotes`](crate::quotes).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quote {
    /// Byte range from the opening mark to the closing mark, both included;
    /// for a quote left open, to the end of the last non-blank character
    /// of its paragraph.
    pub range: Range<usize>,
    /// The family of the marks.
    pub style: QuoteStyle,
    /// Double (`“`, `"`, `«`) or single (`‘`, `'`, `‹`) marks.
    pub double: bool,
    /// How many quotes were open around this one when it opened: 0 for an
    /// outermost quote, 1 for a quote inside it, and so on.
    pub level: u32,
    /// Whether the closing mark was found (see the module docs).
    pub closed: bool,
}

#[derive(Clone, Copy, Debug)]
struct Open {
    at: usize,
    opener: char,
    level: u32,
}

fn style_of(opener: char) -> (QuoteStyle, bool) {
    match opener {
        '“' | '„' => (QuoteStyle::Curly, true),
        '‘' | '‚' => (QuoteStyle::Curly, false),
        '"' => (QuoteStyle::Straight, true),
        '\'' => (QuoteStyle::Straight, false),
        '«' => (QuoteStyle::Guillemet, true),
        _ => (QuoteStyle::Guillemet, false),
    }
}

/// Whether `closer` closes a quote opened with `opener`.
fn closes(opener: char, closer: char) -> bool {
    match opener {
        '“' => closer == '”',
        '„' => matches!(closer, '“' | '”'),
        '‘' => closer == '’',
        '‚' => matches!(closer, '‘' | '’'),
        '«' => closer == '»',
        '‹' => closer == '›',
        o => o == closer,
    }
}

fn is_text(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

fn is_space(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

/// Appends the quotations of `text[from..to]` to `out`, unsorted, with
/// absolute offsets. `from` and `to` must be char boundaries.
pub(crate) fn scan(text: &str, from: usize, to: usize, out: &mut Vec<Quote>) {
    let mut stack: Vec<Open> = Vec::new();
    let mut last_end = from;
    let mut newlines = 0;
    let mut prev: Option<char> = None;
    let mut chars = text[from..to].char_indices().peekable();
    while let Some((o, c)) = chars.next() {
        let at = from + o;
        let next = chars.peek().map(|&(_, c)| c);
        if c.is_whitespace() {
            newlines += match c {
                '\n' | '\u{2028}' | '\u{85}' => 1,
                '\u{2029}' => 2,
                _ => 0,
            };
            if newlines >= 2 {
                flush(&mut stack, last_end, out);
            }
            prev = Some(c);
            continue;
        }
        newlines = 0;
        last_end = at + c.len_utf8();
        let close = |stack: &mut Vec<Open>, out: &mut Vec<Quote>| -> bool {
            let Some(k) = stack.iter().rposition(|o| closes(o.opener, c)) else { return false };
            let o = stack[k];
            stack.truncate(k);
            let (style, double) = style_of(o.opener);
            out.push(Quote { range: o.at..at + c.len_utf8(), style, double, level: o.level, closed: true });
            true
        };
        let open = |stack: &mut Vec<Open>| {
            let level = u32::try_from(stack.len()).unwrap_or(u32::MAX);
            stack.push(Open { at, opener: c, level });
        };
        // Whether the mark may close the innermost quote it matches, and
        // whether it opens one when it closes none.
        let (may_close, may_open) = match c {
            // A `“` may close a German `„`.
            '“' => (true, true),
            '„' | '«' | '‹' | '‚' => (false, true),
            '”' | '»' | '›' => (true, false),
            // After a letter it is a mistyped apostrophe ("Russia‘s").
            '‘' => (true, !is_text(prev)),
            '’' => (!(is_text(prev) && is_text(next)), false),
            '"' => (true, !is_space(next)),
            '\'' if is_text(prev) && is_text(next) => (false, false),
            '\'' => {
                let after_space = is_space(prev) || prev.is_some_and(|p| "([{\"“‘—–-".contains(p));
                (!is_space(prev), after_space && is_text(next))
            }
            _ => (false, false),
        };
        if !(may_close && close(&mut stack, out)) && may_open {
            open(&mut stack);
        }
        prev = Some(c);
    }
    flush(&mut stack, last_end, out);
}

/// Ends a paragraph: open double quotes run to `end`, single ones are
/// dropped.
fn flush(stack: &mut Vec<Open>, end: usize, out: &mut Vec<Quote>) {
    for o in stack.drain(..) {
        let (style, double) = style_of(o.opener);
        if double && end > o.at {
            out.push(Quote { range: o.at..end, style, double, level: o.level, closed: false });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<(&str, QuoteStyle, bool, u32, bool)> {
        let mut out = Vec::new();
        scan(text, 0, text.len(), &mut out);
        out.sort_by_key(|q| q.range.start);
        out.into_iter().map(|q| (&text[q.range], q.style, q.double, q.level, q.closed)).collect()
    }

    use QuoteStyle::*;

    #[test]
    fn article_quotes() {
        // From the reference article.
        let text = "Trump told NBC News: “If Russia and I are unable to make a deal on stopping the bloodshed in \
                    Ukraine, and if I think it was Russia’s fault – which it might not be – but if I think it was \
                    Russia’s fault, I am going to put secondary tariffs on oil.”";
        let q = quotes(text);
        assert_eq!(q.len(), 1);
        assert!(q[0].0.starts_with("“If Russia") && q[0].0.ends_with("oil.”"));
        assert_eq!((q[0].1, q[0].2, q[0].3, q[0].4), (Curly, true, 0, true));

        let text = "Trump said he was “very angry” and “p****d off” after Putin";
        let q: Vec<&str> = quotes(text).into_iter().map(|q| q.0).collect();
        assert_eq!(q, ["“very angry”", "“p****d off”"]);

        let text = "The Kremlin says Witkoff ‘will bring something from his president to Putin’ in push";
        let q = quotes(text);
        assert_eq!(q, [("‘will bring something from his president to Putin’", Curly, false, 0, true)]);
    }

    #[test]
    fn nested_quotes() {
        let text = "He said: “She told me ‘never again’, and “Trump’s” word.” Then";
        let q = quotes(text);
        assert_eq!(
            q,
            [
                ("“She told me ‘never again’, and “Trump’s” word.”", Curly, true, 0, true),
                ("‘never again’", Curly, false, 1, true),
                ("“Trump’s”", Curly, true, 1, true),
            ]
        );
        let text = r#"He said "she said 'no' twice" today"#;
        let q = quotes(text);
        assert_eq!(q, [("\"she said 'no' twice\"", Straight, true, 0, true), ("'no'", Straight, false, 1, true)]);
        assert_eq!(quotes("«Oui ‹non› peut-être»").len(), 2);
        assert_eq!(quotes("Er sagte „ja“ dann"), [("„ja“", Curly, true, 0, true)]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(quotes("Don't stop, it's the boys' toys and Russia’s and the ’90s").is_empty());
        assert!(quotes("He is 5'10\" tall").is_empty());
    }

    #[test]
    fn unbalanced_quotes() {
        // A double quote runs to the end of its paragraph; the next
        // paragraph opens its own.
        let text = "“Putin will listen.\n\n“The talks continue,” he said. ‘stray\n\nA stray” closer.";
        let q = quotes(text);
        assert_eq!(
            q,
            [("“Putin will listen.", Curly, true, 0, false), ("“The talks continue,”", Curly, true, 0, true)]
        );
        assert_eq!(quotes("end \"open"), [("\"open", Straight, true, 0, false)]);
        assert!(quotes("").is_empty());
        assert!(quotes("”").is_empty());
    }
}
