//! Abbreviations of English news text, and the words that start sentences.
//!
//! The lists are general English (AP style), not tuned to any corpus: an
//! abbreviation keeps its period inside its token, and decides whether that
//! period can also end a sentence.

use std::sync::OnceLock;

/// What the period of an abbreviation may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// Always followed by more of its sentence ("Mr. Smith", "e.g. this"):
    /// never ends a sentence.
    Title,
    /// May end a sentence ("in the U.S. The ..."): it does when the next word
    /// is one that typically starts a sentence (see [`is_starter`]).
    Other,
}

/// Abbreviations that precede a name or an example and never end a sentence.
/// Matched exactly, or in capitals ("MR").
const TITLES: &[&str] = &[
    "Adm", "Atty", "Capt", "Cmdr", "Col", "Cpl", "Det", "Dr", "Fr", "Gen", "Gov", "Hon", "Insp", "Lt", "Maj", "Messrs",
    "Mmes", "Mr", "Mrs", "Ms", "Msgr", "Mt", "Pres", "Prof", "Pvt", "Rep", "Reps", "Rev", "Sen", "Sens", "Sgt", "St",
    "Ste", "Supt", "mr", "mrs", "dr", "vs", "cf", "viz", "approx", "Fig", "fig", "Figs", "Vol", "vol", "pp", "Nos",
];

/// Abbreviations whose period may also end a sentence. Matched exactly, or
/// in capitals.
const OTHERS: &[&str] = &[
    // Months (May, June and July are never shortened).
    "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", // Weekdays.
    "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", // Companies and names.
    "Inc", "Corp", "Ltd", "Co", "Cos", "Bros", "Jr", "Sr", "Esq", "Ave", "Blvd", "Rd", "Dept", "Univ", "Assn",
    // US states, AP style.
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Kans", "Ky", "La", "Md",
    "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash",
    "Wis", "Wyo", // Lower-case ones.
    "etc", "al", "ca", "mins", "hrs", "yrs",
];

/// The abbreviation class of `word` (without its period), when `word.`
/// should be one token. `next_is_digit` tells whether the next token starts
/// with a digit, which "No." needs ("No. 5" but "said no.").
pub(crate) fn classify(word: &str, next_is_digit: bool) -> Option<Abbrev> {
    let b = word.as_bytes();
    // A single capital is an initial ("J. R. R. Tolkien", "George W. Bush").
    if b.len() == 1 {
        return b[0].is_ascii_uppercase().then_some(Abbrev::Other);
    }
    if matches!(word, "No" | "NO" | "no" | "Nos") {
        return next_is_digit.then_some(Abbrev::Title);
    }
    if let Some(class) = lookup(word) {
        return Some(class);
    }
    if is_dotted(word) {
        // "e.g." and "i.e." introduce examples; "U.S." and "a.m." may end one.
        return Some(if matches!(word, "e.g" | "i.e" | "E.g" | "I.e") { Abbrev::Title } else { Abbrev::Other });
    }
    None
}

/// The class of a listed word, matched exactly or in capitals ("MR",
/// "INC"). Runs for every word before a period, so it is a binary search
/// in a table built once.
fn lookup(word: &str) -> Option<Abbrev> {
    static TABLE: OnceLock<(usize, Vec<(String, Abbrev)>)> = OnceLock::new();
    let (longest, table) = TABLE.get_or_init(|| {
        let listed = TITLES.iter().map(|&w| (w, Abbrev::Title)).chain(OTHERS.iter().map(|&w| (w, Abbrev::Other)));
        let mut table: Vec<(String, Abbrev)> =
            listed.flat_map(|(w, class)| [(w.to_string(), class), (w.to_ascii_uppercase(), class)]).collect();
        // A word in both lists ("approx" once was) keeps its first class.
        table.sort_by(|a, b| a.0.cmp(&b.0));
        table.dedup_by(|a, b| a.0 == b.0);
        (table.iter().map(|(w, _)| w.len()).max().unwrap_or(0), table)
    });
    if word.len() > *longest {
        return None;
    }
    table.binary_search_by(|(w, _)| w.as_str().cmp(word)).ok().map(|i| table[i].1)
}

/// Letters with inner periods, each piece one or two letters: "U.S",
/// "e.g", "a.m", "Ph.D". Longer pieces ("yahoo.com") are not abbreviations.
fn is_dotted(word: &str) -> bool {
    let mut pieces = 0;
    for piece in word.split('.') {
        if piece.is_empty() || piece.len() > 2 || !piece.bytes().all(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        pieces += 1;
    }
    pieces >= 2
}

/// Words that typically start an English sentence: pronouns, determiners,
/// conjunctions and common adverbs and prepositions. After an abbreviation
/// that may end a sentence ("U.S.", "Inc.", an initial), a capitalised word
/// from this list means a new sentence; any other capitalised word is taken
/// to be a name continuing this one ("the U.S. Senate").
pub(crate) fn is_starter(word: &str) -> bool {
    const STARTERS: &[&str] = &[
        "After",
        "Also",
        "An",
        "And",
        "As",
        "At",
        "Before",
        "But",
        "By",
        "During",
        "Even",
        "For",
        "From",
        "He",
        "Her",
        "Here",
        "His",
        "How",
        "However",
        "If",
        "In",
        "It",
        "Its",
        "Last",
        "Meanwhile",
        "Most",
        "My",
        "No",
        "Not",
        "Now",
        "On",
        "Once",
        "One",
        "Our",
        "She",
        "So",
        "Some",
        "Still",
        "That",
        "The",
        "Their",
        "Then",
        "There",
        "These",
        "They",
        "This",
        "Those",
        "Though",
        "To",
        "We",
        "What",
        "When",
        "Where",
        "Which",
        "While",
        "Who",
        "Why",
        "With",
        "Yet",
        "You",
        "Your",
    ];
    STARTERS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify("Mr", false), Some(Abbrev::Title));
        assert_eq!(classify("MR", false), Some(Abbrev::Title));
        assert_eq!(classify("Inc", false), Some(Abbrev::Other));
        assert_eq!(classify("U.S", false), Some(Abbrev::Other));
        assert_eq!(classify("e.g", false), Some(Abbrev::Title));
        assert_eq!(classify("J", false), Some(Abbrev::Other));
        assert_eq!(classify("No", true), Some(Abbrev::Title));
        assert_eq!(classify("No", false), None);
        assert_eq!(classify("yahoo.com", false), None);
        assert_eq!(classify("Russia", false), None);
        assert_eq!(classify("a", false), None);
        assert_eq!(classify("mR", false), None);
    }
}
