//! Sentences, found over the tokens.
//!
//! The rules follow UAX #29 sentence bounds (SB8 to SB11) with the
//! abbreviations of English news: a sentence ends after a terminator (`.`,
//! `!`, `?`, `...`, `…`, `。`) and the closing quotes and brackets attached
//! to it, when whitespace follows and the next word (past any opening
//! quote or bracket) does not start with a lower-case letter. After an
//! abbreviation the period ends a sentence only when the next word is
//! capitalised and one that starts sentences ("in the U.S. The talks"), or
//! comes after an opening quote; after a title ("Mr.", "e.g.") never. A
//! blank line always ends a sentence; a single line break does not, because
//! news text is often hard-wrapped.

use std::ops::Range;

use crate::abbrev;
use crate::token::{self, Tok, ABBR_OTHER, ABBR_TITLE, GAP, PARA};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Term {
    /// `.`: ends a sentence unless lower case follows.
    Period,
    /// `...`, `…`: like a period, but often trails off mid-sentence.
    Ellipsis,
    /// `!`, `?` and runs with them.
    Strong,
    /// `。` and friends, which need no space after them.
    Wide,
    /// "U.S.", "Inc.", an initial.
    Abbrev,
    /// "Mr.", "e.g.".
    Title,
}

fn terminator(text: &str, t: &Tok) -> Option<Term> {
    if t.flags & ABBR_TITLE != 0 {
        return Some(Term::Title);
    }
    if t.flags & ABBR_OTHER != 0 {
        return Some(Term::Abbrev);
    }
    let s = &text[t.start..t.end];
    let b = s.as_bytes();
    match b.first()? {
        b'.' | b'!' | b'?' => {
            if !b.iter().all(|c| matches!(c, b'.' | b'!' | b'?')) {
                return None;
            }
            Some(if b.iter().any(|&c| c != b'.') {
                Term::Strong
            } else if b.len() > 1 {
                Term::Ellipsis
            } else {
                Term::Period
            })
        }
        c if *c < 0x80 => None,
        _ => match s {
            "…" => Some(Term::Ellipsis),
            "‼" | "⁇" | "⁈" | "⁉" | "！" | "？" => Some(Term::Strong),
            "。" | "｡" | "．" => Some(Term::Wide),
            _ => None,
        },
    }
}

/// Closing quotes and brackets that belong to the sentence before them.
fn is_closer(s: &str) -> bool {
    matches!(s, ")" | "]" | "}" | "\"" | "'" | "”" | "’" | "»" | "›" | "」" | "』" | "）")
}

/// Opening quotes and brackets that belong to the sentence after them.
fn is_opener(s: &str) -> bool {
    matches!(s, "(" | "[" | "{" | "\"" | "'" | "“" | "‘" | "«" | "‹" | "„" | "「" | "『" | "（")
}

/// Whether the sentence ends before token `next`, after a terminator of
/// kind `term` that came right after the token `before` (or "") and, when
/// `closed`, closing quotes or brackets.
fn ends_before(text: &str, toks: &[Tok], term: Term, before: &str, closed: bool, next: usize) -> bool {
    let Some(t) = toks.get(next) else { return true };
    if t.flags & PARA != 0 {
        return true;
    }
    // "U.S.-led", "Yahoo!News", "...and": no space, no new sentence.
    if term != Term::Wide && t.flags & GAP == 0 {
        return false;
    }
    if term == Term::Title {
        return false;
    }
    let mut k = next;
    let mut quoted = false;
    while let Some(t) = toks.get(k) {
        if k > next && t.flags & PARA != 0 {
            return true;
        }
        let s = &text[t.start..t.end];
        if k < next + 2 && is_opener(s) {
            quoted |= !matches!(s, "(" | "[" | "{" | "（");
            k += 1;
            continue;
        }
        break;
    }
    let Some(t) = toks.get(k) else { return true };
    let word = &text[t.start..t.end];
    let Some(first) = word.chars().next() else { return true };
    if first.is_lowercase() {
        // UAX #29 (SB11) ends a sentence after `!` or `?` whatever follows;
        // but "“Why?” he asked" goes on. After a period (SB8) lower case
        // goes on too, except after a plain lower-case word: "no bite. i
        // think" is informal text, where an unknown abbreviation ("approx.
        // two") would be rare and short.
        return match term {
            Term::Strong => !closed,
            Term::Period => !closed && before.len() >= 3 && before.bytes().all(|c| c.is_ascii_lowercase()),
            _ => false,
        };
    }
    match term {
        Term::Abbrev => first.is_uppercase() && (quoted || abbrev::is_starter(word)),
        _ => true,
    }
}

/// Appends the sentences over `toks` (the tokens of one region, in order)
/// to `out`, as byte ranges from the first token's start to the last
/// token's end.
pub(crate) fn split(text: &str, toks: &[Tok], out: &mut Vec<Range<usize>>) {
    let n = toks.len();
    let mut s = 0;
    let mut i = 0;
    while i < n {
        if i > s && toks[i].flags & PARA != 0 {
            out.push(toks[s].start..toks[i - 1].end);
            s = i;
        }
        let Some(term) = terminator(text, &toks[i]) else {
            i += 1;
            continue;
        };
        let mut k = i;
        while let Some(t) = toks.get(k + 1) {
            if t.flags & (GAP | PARA) != 0 || !is_closer(&text[t.start..t.end]) {
                break;
            }
            k += 1;
        }
        // A smiley after the end belongs to the sentence it comments on.
        if let Some(t) = toks.get(k + 1) {
            if t.flags & PARA == 0 && token::EMOTICONS.contains(&&text[t.start..t.end]) {
                k += 1;
            }
        }
        let before = if i > 0 && toks[i].flags & GAP == 0 { &text[toks[i - 1].start..toks[i - 1].end] } else { "" };
        if ends_before(text, toks, term, before, k > i, k + 1) {
            out.push(toks[s].start..toks[k].end);
            s = k + 1;
        }
        i = k + 1;
    }
    if s < n {
        out.push(toks[s].start..toks[n - 1].end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::scan;

    fn sents(text: &str) -> Vec<&str> {
        let mut toks = Vec::new();
        scan(text, 0, text.len(), &mut toks);
        let mut out = Vec::new();
        split(text, &toks, &mut out);
        out.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(sents("One two. Three four! Five? six"), ["One two.", "Three four!", "Five?", "six"]);
        assert_eq!(sents("“Why?” he asked. Done!"), ["“Why?” he asked.", "Done!"]);
        assert_eq!(sents("I love her. :) Yes."), ["I love her. :)", "Yes."]);
        assert_eq!(sents("  Trailing space.  "), ["Trailing space."]);
        assert_eq!(sents(""), Vec::<&str>::new());
        assert_eq!(sents("..."), ["..."]);
        assert_eq!(sents("Version 3.5 is out. Get it."), ["Version 3.5 is out.", "Get it."]);
    }

    #[test]
    fn abbreviations() {
        assert_eq!(
            sents("Mr. Smith and Dr. Jones met Prof. X. Lee at St. Paul's."),
            ["Mr. Smith and Dr. Jones met Prof. X. Lee at St. Paul's."]
        );
        assert_eq!(sents("He lives in the U.S. The talks went on."), ["He lives in the U.S.", "The talks went on."]);
        assert_eq!(sents("The U.S. Senate voted."), ["The U.S. Senate voted."]);
        assert_eq!(sents("J. R. R. Tolkien wrote it. It sold."), ["J. R. R. Tolkien wrote it.", "It sold."]);
        assert_eq!(sents("On Feb. 5 at 3 p.m. the No. 5 car won."), ["On Feb. 5 at 3 p.m. the No. 5 car won."]);
        assert_eq!(sents("Fruit, e.g. Apples, etc. They grow."), ["Fruit, e.g. Apples, etc.", "They grow."]);
        assert_eq!(sents("Acme Corp. said so."), ["Acme Corp. said so."]);
    }

    #[test]
    fn quotes_and_brackets_close_the_sentence() {
        assert_eq!(
            sents("He said “Go home.” She left. (See above.) Fine."),
            ["He said “Go home.”", "She left.", "(See above.)", "Fine."]
        );
        assert_eq!(sents("\"Stop.\" \"Why?\" he asked."), ["\"Stop.\"", "\"Why?\" he asked."]);
        assert_eq!(sents("It ended. “Then what?”"), ["It ended.", "“Then what?”"]);
    }

    #[test]
    fn blank_lines_end_sentences_and_line_breaks_do_not() {
        assert_eq!(
            sents("Mending ties\n\nWitkoff has\nbecome a key figure"),
            ["Mending ties", "Witkoff has\nbecome a key figure"]
        );
        assert_eq!(sents("No stop\r\n\r\nhere"), ["No stop", "here"]);
    }

    #[test]
    fn no_space_no_break() {
        assert_eq!(sents("See yahoo.com or U.S.-led forces. Done."), ["See yahoo.com or U.S.-led forces.", "Done."]);
        assert_eq!(sents("東京です。大阪です。"), ["東京です。", "大阪です。"]);
    }
}
