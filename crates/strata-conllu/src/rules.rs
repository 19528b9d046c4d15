//! The derivation rules shared by the reader and the writer (spec/CONLLU.md
//! section 4). Each rule exists once, here, so that what the reader leaves
//! out is exactly what the writer can put back: the reader decides whether
//! to store a value by running the writer's rule and comparing.

use std::borrow::Cow;

/// The `MISC` item that the document text replaces.
pub(crate) const SPACE_AFTER_NO: &str = "SpaceAfter=No";

/// Comment-template placeholders. A real comment line starts with `#`, so a
/// template line that does not is a placeholder.
pub(crate) const P_NEWDOC_ID: &str = "newdoc id";
pub(crate) const P_NEWDOC: &str = "newdoc";
pub(crate) const P_NEWPAR_ID: &str = "newpar id";
pub(crate) const P_NEWPAR: &str = "newpar";
pub(crate) const P_SENT_ID: &str = "sent_id";
pub(crate) const P_TEXT: &str = "text";

/// The comment template a sentence has when its `comments` attribute is
/// absent: `# newdoc id` on the first sentence of a document, `# newpar id`
/// on the first sentence of a paragraph, then `# sent_id` and `# text`.
pub(crate) fn default_template(first_in_doc: bool, starts_par: bool) -> &'static [&'static str] {
    match (first_in_doc, starts_par) {
        (true, true) => &[P_NEWDOC_ID, P_NEWPAR_ID, P_SENT_ID, P_TEXT],
        (true, false) => &[P_NEWDOC_ID, P_SENT_ID, P_TEXT],
        (false, true) => &[P_NEWPAR_ID, P_SENT_ID, P_TEXT],
        (false, false) => &[P_SENT_ID, P_TEXT],
    }
}

/// Appends the id that follows `prev` in a numbered series to `out`: the
/// trailing run of ASCII digits plus one, keeping its zero padding
/// (`s-0009` gives `s-0010`, `x9` gives `x10`). `false` (and nothing
/// appended) when `prev` ends in no digit.
///
/// Treebanks number sentences and paragraphs this way, so storing only the
/// ids that break the series saves one dictionary string per sentence.
pub(crate) fn push_next_id(out: &mut String, prev: &str) -> bool {
    let digits = prev.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let (head, number) = prev.split_at(prev.len() - digits);
    out.push_str(head);
    // The last digit that is not a 9 goes up by one and the 9s after it
    // become 0s; all nines gain a digit, as 9 + 1 = 10.
    match number.bytes().rposition(|c| c != b'9') {
        Some(k) => {
            out.push_str(&number[..k]);
            out.push(char::from(number.as_bytes()[k] + 1));
        }
        None => out.push('1'),
    }
    let zeros = number.bytes().rev().take_while(|&c| c == b'9').count();
    out.extend(std::iter::repeat_n('0', zeros));
    true
}

/// The id a sentence or paragraph gets when none is stored: the one after
/// the previous one in the document, or for the first one, `{doc id}-0001`
/// for sentences and `{doc id}-p0001` for paragraphs (the English Web
/// Treebank's scheme) when the document has a `# newdoc id`.
///
/// Appends it to `out`; `false` (and nothing appended) when there is none.
pub(crate) fn push_derived_id(out: &mut String, prev: Option<&str>, doc_id: Option<&str>, first_suffix: &str) -> bool {
    match (prev, doc_id) {
        (Some(p), _) => push_next_id(out, p),
        (None, Some(d)) => {
            out.push_str(d);
            out.push_str(first_suffix);
            true
        }
        (None, None) => false,
    }
}

/// The suffix the first sentence id of a document is derived with.
pub(crate) const FIRST_SENT_SUFFIX: &str = "-0001";
/// The suffix the first paragraph id of a document is derived with.
pub(crate) const FIRST_PAR_SUFFIX: &str = "-p0001";

/// Appends the `MISC` column of a surface token (a multiword-token line or a
/// word outside one): `stored` is the `misc` attribute, `no_space` says that
/// the document text has no space after the token. `SpaceAfter=No` goes in
/// before the first item that sorts after it (bytewise), unless `stored`
/// has it already.
pub(crate) fn push_surface_misc(out: &mut String, stored: Option<&str>, no_space: bool) {
    let stored = stored.filter(|s| !s.is_empty());
    match (stored, no_space) {
        (None, false) => out.push('_'),
        (None, true) => out.push_str(SPACE_AFTER_NO),
        (Some(s), false) => out.push_str(s),
        (Some(s), true) => {
            if s.split('|').any(|item| item == SPACE_AFTER_NO) {
                out.push_str(s);
                return;
            }
            let mut inserted = false;
            for (k, item) in s.split('|').enumerate() {
                if k > 0 {
                    out.push('|');
                }
                if !inserted && item > SPACE_AFTER_NO {
                    out.push_str(SPACE_AFTER_NO);
                    out.push('|');
                    inserted = true;
                }
                out.push_str(item);
            }
            if !inserted {
                out.push('|');
                out.push_str(SPACE_AFTER_NO);
            }
        }
    }
}

/// Splits a surface token's `MISC` column into (no space after, what to
/// store as `misc`), so that [`push_surface_misc`] gives `misc` back.
/// Copies only when `SpaceAfter=No` is removed from a longer column.
#[inline]
pub(crate) fn split_surface_misc(misc: &str) -> (bool, Option<Cow<'_, str>>) {
    match misc {
        "_" => (false, None),
        SPACE_AFTER_NO => (true, None),
        _ => split_misc_items(misc),
    }
}

/// [`split_surface_misc`] of a column with other items than `SpaceAfter=No`.
fn split_misc_items(misc: &str) -> (bool, Option<Cow<'_, str>>) {
    let Some(at) = find_item(misc, SPACE_AFTER_NO) else {
        return (false, Some(Cow::Borrowed(misc)));
    };
    let end = at + SPACE_AFTER_NO.len();
    // Remove the item and one separator next to it.
    let (cut_from, cut_to) = if end < misc.len() { (at, end + 1) } else { (at - 1, end) };
    let mut candidate = String::with_capacity(misc.len());
    candidate.push_str(&misc[..cut_from]);
    candidate.push_str(&misc[cut_to..]);
    let mut check = String::with_capacity(misc.len());
    push_surface_misc(&mut check, Some(&candidate), true);
    if check == misc && candidate != "_" {
        (true, Some(Cow::Owned(candidate)))
    } else {
        (true, Some(Cow::Borrowed(misc)))
    }
}

/// Byte offset of the first `|`-separated item of `s` equal to `item`.
fn find_item(s: &str, item: &str) -> Option<usize> {
    let mut at = 0;
    for part in s.split('|') {
        if part == item {
            return Some(at);
        }
        at += part.len() + 1;
    }
    None
}

/// Whether the `DEPS` value `deps` is what a word with this `HEAD` and
/// `DEPREL` gets when no `deps` attribute is stored: `HEAD:DEPREL`, or `_`
/// when `HEAD` is `_`.
#[inline]
pub(crate) fn deps_is_default(deps: &[u8], head: &[u8], deprel: &[u8]) -> bool {
    if head == b"_" {
        return deps == b"_";
    }
    deps.len() == head.len() + 1 + deprel.len()
        && same(&deps[..head.len()], head)
        && deps[head.len()] == b':'
        && same(&deps[head.len() + 1..], deprel)
}

/// Byte equality of short strings, without the call `==` makes: CoNLL-U
/// values are a few bytes long.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Appends the default `DEPS` (see [`deps_is_default`]).
pub(crate) fn push_default_deps(out: &mut String, head: &str, deprel: &str) {
    if head == "_" {
        out.push('_');
    } else {
        out.push_str(head);
        out.push(':');
        out.push_str(deprel);
    }
}

/// The stored form of a `DEPS` value that is not the default: every item
/// `HEAD:rel` whose head is the word's own `HEAD` loses its head (`:rel`),
/// so that `4:obl:from` on a word headed by 4 and `7:obl:from` on one
/// headed by 7 become one dictionary string.
/// Appended to `out`.
pub(crate) fn push_encoded_deps(out: &mut String, deps: &str, head: &str) {
    // Items are split with a plain loop: they are a few bytes long, too
    // short for the vector search of `str::split`.
    let mut rest = deps;
    loop {
        let end = rest.bytes().position(|c| c == b'|').unwrap_or(rest.len());
        let item = &rest[..end];
        match item.strip_prefix(head) {
            Some(r) if head != "_" && r.starts_with(':') => out.push_str(r),
            _ => out.push_str(item),
        }
        if end == rest.len() {
            return;
        }
        out.push('|');
        rest = &rest[end + 1..];
    }
}

/// The inverse of [`push_encoded_deps`].
pub(crate) fn push_decoded_deps(out: &mut String, stored: &str, head: &str) {
    for (k, item) in stored.split('|').enumerate() {
        if k > 0 {
            out.push('|');
        }
        if item.starts_with(':') {
            out.push_str(head);
        }
        out.push_str(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next_id(prev: &str) -> Option<String> {
        let mut out = String::new();
        push_next_id(&mut out, prev).then_some(out)
    }

    #[test]
    fn next_id_keeps_padding_and_grows() {
        assert_eq!(next_id("a-0009").as_deref(), Some("a-0010"));
        assert_eq!(next_id("x9").as_deref(), Some("x10"));
        assert_eq!(next_id("99").as_deref(), Some("100"));
        assert_eq!(next_id("s1").as_deref(), Some("s2"));
        assert_eq!(next_id("a1999").as_deref(), Some("a2000"));
        assert_eq!(next_id("b-0").as_deref(), Some("b-1"));
        assert_eq!(next_id("abc"), None);
        assert_eq!(next_id(""), None);
    }

    fn misc_round_trip(misc: &str) {
        let (no_space, stored) = split_surface_misc(misc);
        let mut out = String::new();
        push_surface_misc(&mut out, stored.as_deref(), no_space);
        assert_eq!(out, misc, "stored {stored:?}");
    }

    #[test]
    fn misc_round_trips() {
        for m in [
            "_",
            "SpaceAfter=No",
            "A=1|SpaceAfter=No",
            "SpaceAfter=No|Translit=x",
            "Translit=x|SpaceAfter=No",
            "A=1|SpaceAfter=No|Z=2",
            "SpaceAfter=No|SpaceAfter=No",
            "_|SpaceAfter=No",
            "Gloss=a",
            "SpacesAfter=\\n",
        ] {
            misc_round_trip(m);
        }
    }

    #[test]
    fn sorted_misc_loses_space_after() {
        assert_eq!(split_surface_misc("A=1|SpaceAfter=No"), (true, Some(Cow::Owned("A=1".into()))));
        assert_eq!(split_surface_misc("Z=1|SpaceAfter=No"), (true, Some(Cow::Borrowed("Z=1|SpaceAfter=No"))));
        assert_eq!(split_surface_misc("Z=1"), (false, Some(Cow::Borrowed("Z=1"))));
    }

    #[test]
    fn deps_encoding_round_trips() {
        assert!(deps_is_default(b"4:obl", b"4", b"obl"));
        assert!(!deps_is_default(b"4:obl:from", b"4", b"obl"));
        assert!(deps_is_default(b"_", b"_", b"_"));
        for (deps, head) in [("4:obl:from", "4"), ("5:conj:and|8:nsubj", "8"), ("_", "3"), ("2.1:nsubj", "_")] {
            let mut enc = String::new();
            push_encoded_deps(&mut enc, deps, head);
            let mut out = String::new();
            push_decoded_deps(&mut out, &enc, head);
            assert_eq!(out, deps);
        }
        let mut enc = String::from("kept|");
        push_encoded_deps(&mut enc, "4:obl:from|40:x", "4");
        assert_eq!(enc, "kept|:obl:from|40:x");
    }
}
