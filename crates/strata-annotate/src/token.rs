//! Tokens: UAX #29 word bounds, tailored for English news.
//!
//! Text is first cut into *chunks* at whitespace, which is always a token
//! boundary (UAX #29 keeps whitespace runs as their own "words"; we drop
//! them). A chunk of ASCII goes through a byte-level splitter that makes the
//! same cuts as UAX #29 (rules WB5 to WB13b on ASCII: letters and digits run
//! together; `.` and `'` join letters to letters and digits to digits; `,`
//! joins digits to digits; every other character stands alone), because the
//! generic iterator of `unicode-segmentation` is several times slower than
//! the speed we need. A chunk with any non-ASCII character goes through
//! `unicode-segmentation`'s word bounds. Both feed the same tailoring:
//! - URLs, e-mail addresses and a few emoticons are one token each;
//! - hyphenated words ("US-Ukrainian", "15-year"), times ("10:30") and
//!   slashed dates ("4/11/2025") are one token;
//! - a known abbreviation, an initial or a dotted abbreviation keeps its
//!   period ("Mr.", "J.", "U.S.", "e.g.");
//! - English clitics are split off as UD English does: "do|n't",
//!   "Russia|'s", "I|'m", "we|'ll" (with `'` or `’`);
//! - runs of `.`, `!`, `?` ("...", "?!") and of one other ASCII symbol
//!   ("--", "$$$", "<<") are one token.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::abbrev::{self, Abbrev};

/// Whitespace (or a control character) comes before the token.
pub(crate) const GAP: u8 = 1;
/// A blank line comes before the token: it starts a new paragraph.
pub(crate) const PARA: u8 = 2;
/// The token is an abbreviation whose period never ends a sentence.
pub(crate) const ABBR_TITLE: u8 = 4;
/// The token is an abbreviation whose period may end a sentence.
pub(crate) const ABBR_OTHER: u8 = 8;

/// A token: absolute byte offsets and the flags above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub flags: u8,
}

const SPACE: u8 = 1;
const ALNUM: u8 = 2;
const DIGIT: u8 = 4;
const LETTER: u8 = 8;
/// A byte of a multi-byte character.
const HIGH: u8 = 16;
/// Punctuation that is always a token of its own when it ends (or, for
/// the opening ones, starts) a chunk: `word,` `(word`.
const LONE: u8 = 32;

/// Classes of the bytes. Control characters count as space: they separate
/// tokens and never belong to one.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b >= 0x80 {
            HIGH
        } else if b <= b' ' || b == 0x7f {
            SPACE
        } else if b.is_ascii_digit() {
            ALNUM | DIGIT
        } else if b.is_ascii_alphabetic() {
            ALNUM | LETTER
        } else if b == b'_' {
            // ExtendNumLet: joins letters and digits (WB13a/b).
            ALNUM
        } else if matches!(b, b',' | b';' | b'!' | b'?' | b')' | b'(' | b'"') {
            LONE
        } else {
            0
        };
        c += 1;
    }
    t
};

fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// The character at byte `i`, which must be a char boundary below the end.
fn char_at(text: &str, i: usize) -> char {
    text.get(i..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}')
}

/// Non-ASCII characters that separate tokens like whitespace does. The
/// byte-order mark and zero-width space are not `White_Space`, but they
/// separate words where they occur and never make a token of their own.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control() || c == '\u{feff}' || c == '\u{200b}'
}

/// Appends the tokens of `text[from..to]` to `out`, with absolute offsets.
/// `from` and `to` must be char boundaries. The first token gets no `PARA`
/// flag: what comes before the range is the caller's business.
pub(crate) fn scan(text: &str, from: usize, to: usize, out: &mut Vec<Tok>) {
    let b = &text.as_bytes()[..to];
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut i = from;
    let mut newlines = 0u32;
    let mut gap = false;
    while let Some(&c) = b.get(i) {
        let k = class(c);
        if k & SPACE != 0 {
            // "\r\n" counts once, a lone "\r" (old Mac) once.
            if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                newlines += 1;
            }
            gap = true;
            i += 1;
            continue;
        }
        if k & HIGH != 0 {
            let ch = char_at(text, i);
            if is_separator(ch) {
                match ch {
                    '\u{2029}' => newlines += 2,
                    '\u{2028}' | '\u{85}' => newlines += 1,
                    _ => {}
                }
                gap = true;
                i += ch.len_utf8();
                continue;
            }
        }
        // A chunk: the classes of all its bytes and of all but the last
        // pick the fast paths.
        let start = i;
        let mut ascii = true;
        let mut all = !0u8;
        let mut all_but_last = !0u8;
        while let Some(&c) = b.get(i) {
            let k = class(c);
            if k & (SPACE | HIGH) != 0 {
                if k & SPACE != 0 {
                    break;
                }
                let ch = char_at(text, i);
                if is_separator(ch) {
                    break;
                }
                ascii = false;
                all = 0;
                all_but_last = 0;
                i += ch.len_utf8();
                continue;
            }
            all_but_last = all;
            all &= k;
            i += 1;
        }
        let mut flags = if gap { GAP } else { 0 };
        if newlines >= 2 && !out.is_empty() {
            flags |= PARA;
        }
        newlines = 0;
        gap = false;
        let end = i;
        // The most common chunks by far: a plain word or number, and one
        // followed by a comma or the like. No rule applies to them.
        if all & ALNUM != 0 {
            out.push(Tok { start, end, flags });
            continue;
        }
        if all_but_last & ALNUM != 0 && class(b[end - 1]) & LONE != 0 && end - start > 1 {
            out.push(Tok { start, end: end - 1, flags });
            out.push(Tok { start: end - 1, end, flags: 0 });
            continue;
        }
        chunk(text, start, end, to, ascii, flags, &mut pieces, out);
    }
}

/// Tokenizes one chunk (a run without whitespace) `text[start..end]`;
/// `limit` bounds the look-ahead past it.
#[allow(clippy::too_many_arguments)]
fn chunk(
    text: &str,
    start: usize,
    end: usize,
    limit: usize,
    ascii: bool,
    flags: u8,
    pieces: &mut Vec<Range<usize>>,
    out: &mut Vec<Tok>,
) {
    let b = text.as_bytes();
    let s = &text[start..end];
    if s.len() <= 3 && EMOTICONS.contains(&s) {
        out.push(Tok { start, end, flags });
        return;
    }
    if let Some((lead, tail)) = url_or_email(s) {
        let mut flags = flags;
        if lead > 0 {
            punct_chars(text, start, start + lead, flags, out);
            flags = 0;
        }
        out.push(Tok { start: start + lead, end: start + tail, flags });
        punct_chars(text, start + tail, end, 0, out);
        return;
    }
    pieces.clear();
    if ascii {
        ascii_pieces(b, start, end, pieces);
    } else {
        pieces.extend(s.split_word_bound_indices().map(|(o, w)| start + o..start + o + w.len()));
    }
    tailor(text, pieces, limit, flags, out);
}

/// Emoticons common in web and news-comment text, kept whole.
pub(crate) const EMOTICONS: &[&str] = &[
    ":)", ":-)", ":(", ":-(", ";)", ";-)", ":D", ":-D", ":P", ":-P", ":p", ":-p", ":/", ":-/", ":o", ":O", "<3", ":'(",
    "^_^", "^^", ":]", "=)", "xD", "XD",
];

/// The `lead..tail` bytes of `s` that are a URL or an e-mail address, with
/// punctuation before and after cut off; `None` when `s` is neither.
fn url_or_email(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let www = b
        .iter()
        .position(|&c| class(c) & ALNUM != 0)
        .is_some_and(|at| b.get(at..at + 4).is_some_and(|w| w.eq_ignore_ascii_case(b"www.")));
    if !www && !b.windows(3).any(|w| w == b"://") && !b.contains(&b'@') {
        return None;
    }
    let lead = s.find(|c: char| c.is_alphanumeric())?;
    let body = &s[lead..];
    let url = match body.find("://") {
        Some(at) => at > 0 && body[..at].bytes().all(|c| c.is_ascii_alphabetic()),
        None => body.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www.")),
    };
    let email = !url
        && body.find('@').is_some_and(|at| {
            let (user, domain) = (&body[..at], &body[at + 1..]);
            !user.is_empty()
                && user.bytes().all(|c| c.is_ascii_alphanumeric() || b"._%+-".contains(&c))
                && domain.split('.').filter(|p| !p.is_empty()).count() >= 2
                && domain.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric())
        });
    if !url && !email {
        return None;
    }
    let mut tail = s.len();
    while let Some(c) = s[lead..tail].chars().next_back() {
        if !".,;:!?)]}>\"'”’»".contains(c) {
            break;
        }
        tail -= c.len_utf8();
    }
    (tail > lead).then_some((lead, tail))
}

/// One token per character of `text[from..to]` (punctuation around a URL),
/// runs of `.`, `!`, `?` kept together.
fn punct_chars(text: &str, from: usize, to: usize, mut flags: u8, out: &mut Vec<Tok>) {
    let mut i = from;
    while i < to {
        let c = char_at(text, i);
        let mut end = i + c.len_utf8();
        if matches!(c, '.' | '!' | '?') {
            while end < to && matches!(text.as_bytes()[end], b'.' | b'!' | b'?') {
                end += 1;
            }
        }
        out.push(Tok { start: i, end, flags });
        flags = 0;
        i = end;
    }
}

/// UAX #29 word bounds of an ASCII chunk `b[start..end]` (no whitespace in
/// it), as ranges.
fn ascii_pieces(b: &[u8], start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let mut i = start;
    while i < end {
        if class(b[i]) & ALNUM == 0 {
            out.push(i..i + 1);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            while j < end && class(b[j]) & ALNUM != 0 {
                j += 1;
            }
            if j + 1 < end {
                let (prev, mid, next) = (class(b[j - 1]), b[j], class(b[j + 1]));
                // WB6/7: letter (. ') letter; WB11/12: digit (. , ') digit.
                let letters = prev & next & LETTER != 0 && matches!(mid, b'.' | b'\'');
                let digits = prev & next & DIGIT != 0 && matches!(mid, b'.' | b',' | b'\'');
                if letters || digits {
                    j += 1;
                    continue;
                }
            }
            break;
        }
        out.push(i..j);
        i = j;
    }
}

/// The piece as one character, if it is one.
fn single_char(text: &str, p: &Range<usize>) -> Option<char> {
    let mut cs = text[p.clone()].chars();
    let c = cs.next()?;
    cs.next().is_none().then_some(c)
}

/// Starts with a letter or digit (a word or a number).
fn is_wordish(text: &str, p: &Range<usize>) -> bool {
    let c = text.as_bytes()[p.start];
    if c < 0x80 {
        class(c) & ALNUM != 0
    } else {
        char_at(text, p.start).is_alphanumeric()
    }
}

fn is_digit_at(text: &str, i: usize) -> bool {
    text.as_bytes().get(i).is_some_and(u8::is_ascii_digit)
}

/// Whether the next non-blank byte at or after `at`, before `limit`, is an
/// ASCII digit.
fn next_starts_digit(text: &str, at: usize, limit: usize) -> bool {
    let b = &text.as_bytes()[at..limit];
    b.iter().find(|&&c| c != b' ' && c != b'\t').is_some_and(u8::is_ascii_digit)
}

/// Applies the tailoring rules to the UAX #29 pieces of one chunk.
fn tailor(text: &str, pieces: &[Range<usize>], limit: usize, mut flags: u8, out: &mut Vec<Tok>) {
    let n = pieces.len();
    let mut j = 0;
    while j < n {
        let start = pieces[j].start;
        let mut end = pieces[j].end;
        if is_wordish(text, &pieces[j]) {
            // Times, slashed dates, hyphenated and censored ("p****d") words.
            while j + 2 < n {
                let stars = pieces[j + 1..].iter().take_while(|p| single_char(text, p) == Some('*')).count();
                if stars > 0 && pieces.get(j + 1 + stars).is_some_and(|q| is_wordish(text, q)) {
                    end = pieces[j + 1 + stars].end;
                    j += 1 + stars;
                    continue;
                }
                let q = &pieces[j + 2];
                let join = match single_char(text, &pieces[j + 1]) {
                    Some(':' | '/') => is_digit_at(text, end - 1) && is_digit_at(text, q.start),
                    Some('-' | '\u{2010}' | '\u{2011}') => is_wordish(text, q),
                    _ => false,
                };
                if !join {
                    break;
                }
                end = q.end;
                j += 2;
            }
            // An abbreviation keeps its period (but "etc..." is "etc" "...").
            if j + 1 < n
                && single_char(text, &pieces[j + 1]) == Some('.')
                && pieces.get(j + 2).is_none_or(|q| !text[q.clone()].starts_with('.'))
            {
                let after = pieces[j + 1].end;
                let next_digit = match pieces.get(j + 2) {
                    Some(q) => is_digit_at(text, q.start),
                    None => next_starts_digit(text, after, limit),
                };
                if let Some(class) = abbrev::classify(&text[start..end], next_digit) {
                    let f = match class {
                        Abbrev::Title => ABBR_TITLE,
                        Abbrev::Other => ABBR_OTHER,
                    };
                    out.push(Tok { start, end: after, flags: flags | f });
                    flags = 0;
                    j += 2;
                    continue;
                }
            }
            match clitic_split(&text[start..end]) {
                Some(at) => {
                    out.push(Tok { start, end: start + at, flags });
                    out.push(Tok { start: start + at, end, flags: 0 });
                }
                None => out.push(Tok { start, end, flags }),
            }
        } else {
            match single_char(text, &pieces[j]) {
                Some('.' | '!' | '?') => {
                    while j + 1 < n && matches!(single_char(text, &pieces[j + 1]), Some('.' | '!' | '?')) {
                        j += 1;
                        end = pieces[j].end;
                    }
                }
                // "--", "$$$", "<<", "==": runs of one symbol, but not of
                // brackets, quotes or separators.
                Some(c) if c.is_ascii_punctuation() && !"()[]{}\"',;:".contains(c) => {
                    while j + 1 < n && single_char(text, &pieces[j + 1]) == Some(c) {
                        j += 1;
                        end = pieces[j].end;
                    }
                }
                _ => {}
            }
            out.push(Tok { start, end, flags });
        }
        flags = 0;
        j += 1;
    }
}

/// Where to split an English clitic off `word`, as UD English does:
/// "do|n't", "ca|n't", "Russia|'s", "I|'m", "they|'re", "we|'ve", "I|'d",
/// "you|'ll", with a straight or a curly apostrophe.
fn clitic_split(word: &str) -> Option<usize> {
    let b = word.as_bytes();
    // The apostrophe sits one or two letters before the end: look there
    // only, as this runs on every word.
    let (apos, len) = (1..=2).find_map(|k| {
        let at = b.len().checked_sub(k + 1)?;
        if b[at] == b'\'' {
            Some((at, 1))
        } else if at >= 2 && b[at - 2..=at] == *"\u{2019}".as_bytes() {
            Some((at - 2, 3))
        } else {
            None
        }
    })?;
    let suffix = &word[apos + len..];
    let before = word[..apos].chars().next_back()?;
    if suffix.eq_ignore_ascii_case("t") {
        // "n't": the n goes with the clitic, and something must stay.
        return (matches!(before, 'n' | 'N') && apos >= 2).then(|| apos - 1);
    }
    let clitic = ["s", "m", "d", "ll", "re", "ve"].iter().any(|c| suffix.eq_ignore_ascii_case(c));
    (clitic && before.is_alphanumeric()).then_some(apos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        scan(text, 0, text.len(), &mut out);
        out.iter().map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn words_numbers_punctuation() {
        assert_eq!(toks("Hello, world!"), ["Hello", ",", "world", "!"]);
        assert_eq!(toks("It cost $1,000.50 (3.5%)."), ["It", "cost", "$", "1,000.50", "(", "3.5", "%", ")", "."]);
        assert_eq!(toks("  \t\n "), Vec::<&str>::new());
        assert_eq!(toks(""), Vec::<&str>::new());
        assert_eq!(toks("snake_case v1.2"), ["snake_case", "v1.2"]);
    }

    #[test]
    fn abbreviations_keep_their_period() {
        assert_eq!(toks("Mr. Smith met Dr. Jones."), ["Mr.", "Smith", "met", "Dr.", "Jones", "."]);
        assert_eq!(toks("in the U.S. and U.K."), ["in", "the", "U.S.", "and", "U.K."]);
        assert_eq!(toks("J. R. R. Tolkien"), ["J.", "R.", "R.", "Tolkien"]);
        assert_eq!(toks("e.g., apples etc. and Feb. 5"), ["e.g.", ",", "apples", "etc.", "and", "Feb.", "5"]);
        assert_eq!(toks("No. 5, not no."), ["No.", "5", ",", "not", "no", "."]);
        assert_eq!(toks("Acme Inc. said"), ["Acme", "Inc.", "said"]);
        assert_eq!(toks("Wait..."), ["Wait", "..."]);
        assert_eq!(toks("etc..."), ["etc", "..."]);
    }

    #[test]
    fn news_abbreviations() {
        let text = "Mrs. A, Ms. B, Sen. C, Rep. D, Gov. E, Gen. F, Lt. G, Col. H, St. Louis, Adm. I, Prof. J, \
                    K Jr., L Sr., M Inc., N Corp., O Ltd., P Co., Q vs. R, etc., e.g., i.e., Jan. Feb. Aug. Sept. \
                    Oct. Nov. Dec. U.S. U.K. U.N. MR. INC. a.m. p.m. Ph.D. Calif.";
        let periods: Vec<&str> = toks(text).into_iter().filter(|t| t.ends_with('.')).collect();
        assert_eq!(
            periods,
            [
                "Mrs.", "Ms.", "Sen.", "Rep.", "Gov.", "Gen.", "Lt.", "Col.", "St.", "Adm.", "Prof.", "Jr.", "Sr.",
                "Inc.", "Corp.", "Ltd.", "Co.", "vs.", "etc.", "e.g.", "i.e.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.",
                "Nov.", "Dec.", "U.S.", "U.K.", "U.N.", "MR.", "INC.", "a.m.", "p.m.", "Ph.D.", "Calif."
            ]
        );
        // Ordinary words keep their period apart, whatever their case.
        assert_eq!(toks("Ask Mr. Co. mr. co. Russia."), ["Ask", "Mr.", "Co.", "mr.", "co", ".", "Russia", "."]);
    }

    #[test]
    fn clitics_split_like_ud_english() {
        assert_eq!(toks("don't can't I'm"), ["do", "n't", "ca", "n't", "I", "'m"]);
        assert_eq!(
            toks("Russia's we'll they're I've he'd"),
            ["Russia", "'s", "we", "'ll", "they", "'re", "I", "'ve", "he", "'d"]
        );
        assert_eq!(toks("Trump’s fault – isn’t it"), ["Trump", "’s", "fault", "–", "is", "n’t", "it"]);
        assert_eq!(toks("O'Neill rock'n'roll n't"), ["O'Neill", "rock'n'roll", "n't"]);
        assert_eq!(toks("the boys' toys"), ["the", "boys", "'", "toys"]);
    }

    #[test]
    fn compounds_urls_and_emails_are_one_token() {
        assert_eq!(toks("a US-Ukrainian 15-year deal"), ["a", "US-Ukrainian", "15-year", "deal"]);
        assert_eq!(toks("at 10:30 on 4/11/2025"), ["at", "10:30", "on", "4/11/2025"]);
        assert_eq!(toks("see (https://example.com/a?b=1)."), ["see", "(", "https://example.com/a?b=1", ")", "."]);
        assert_eq!(
            toks("mail jo.doe@example.co.uk, or www.example.org."),
            ["mail", "jo.doe@example.co.uk", ",", "or", "www.example.org", "."]
        );
        assert_eq!(toks("well -- ok :-)"), ["well", "--", "ok", ":-)"]);
        assert_eq!(toks("“p****d off” *really*"), ["“", "p****d", "off", "”", "*", "really", "*"]);
    }

    #[test]
    fn unicode_text() {
        assert_eq!(toks("“If Russia and I…”"), ["“", "If", "Russia", "and", "I", "…", "”"]);
        assert_eq!(toks("Türkiye’s café, 東京"), ["Türkiye", "’s", "café", ",", "東", "京"]);
        assert_eq!(toks("a\u{a0}b\u{3000}c\u{feff}d"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn flags_mark_gaps_and_blank_lines() {
        let text = "One.\n\nTwo\nthree";
        let mut out = Vec::new();
        scan(text, 0, text.len(), &mut out);
        let flags: Vec<u8> = out.iter().map(|t| t.flags).collect();
        assert_eq!(flags, [0, 0, GAP | PARA, GAP]);
    }
}
