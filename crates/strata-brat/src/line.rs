//! One `.ann` line: its parse into an [`Ann`], and the canonical rendering
//! that `spec/BRAT.md` defines. Neither step knows the text or the other
//! lines; offsets stay in characters and references stay ids.

/// What one annotation line says, without how it was spelt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ann {
    /// `T`: a text-bound annotation (entity or event trigger).
    Text { id: String, ty: String, frags: Vec<(u64, u64)>, text: Option<String> },
    /// `R`: a binary relation, arguments as `(role, id)`.
    Rel { id: String, ty: String, args: Vec<(String, String)> },
    /// `E`: an event: type, trigger and `(role, id)` arguments.
    Event { id: String, ty: String, trigger: String, args: Vec<(String, String)> },
    /// `A` or `M`: a binary or valued attribute.
    Attr { id: String, ty: String, target: String, value: Option<String> },
    /// `N`: a normalization to `DB:ID`, with optional text after a tab.
    Norm { id: String, ty: String, target: String, reference: String, text: Option<String> },
    /// `#`: a note, with optional text after a tab.
    Note { id: String, ty: String, target: String, text: Option<String> },
    /// `*`: an equivalence set.
    Equiv { id: String, ty: String, members: Vec<String> },
}

impl Ann {
    /// The annotation's id (`*` for equivalences).
    pub(crate) fn id(&self) -> &str {
        match self {
            Ann::Text { id, .. }
            | Ann::Rel { id, .. }
            | Ann::Event { id, .. }
            | Ann::Attr { id, .. }
            | Ann::Norm { id, .. }
            | Ann::Note { id, .. }
            | Ann::Equiv { id, .. } => id,
        }
    }
}

/// A parsed line with the byte positions (in the line) that error messages
/// need.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub ann: Ann,
    /// Every id the line refers to, with its byte position.
    pub refs: Vec<(usize, String)>,
    /// For `T`: byte positions of each fragment's start and end numbers.
    pub offsets_at: Vec<(usize, usize)>,
    /// For `T`: byte position of the text field.
    pub text_at: usize,
}

/// A syntax error at byte `at` of the line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct LineError {
    pub at: usize,
    pub message: String,
}

fn err<T>(at: usize, message: impl Into<String>) -> Result<T, LineError> {
    Err(LineError { at, message: message.into() })
}

/// The first characters that mark a line as an annotation; any other
/// non-blank line is kept verbatim.
pub(crate) const KINDS: &[char] = &['T', 'R', 'E', 'A', 'M', 'N', '#', '*'];

/// Splits an id of the form `PREFIX DIGITS SUFFIX` (brat's own rule:
/// `[A-Za-z]+` or `#[A-Za-z]*`, then digits, then anything). `None` when the
/// id has no such form.
pub(crate) fn split_id(id: &str) -> Option<(&str, &str, &str)> {
    let letters = id.strip_prefix('#').unwrap_or(id);
    let skip = id.len() - letters.len();
    let p = skip + letters.bytes().take_while(u8::is_ascii_alphabetic).count();
    if p == 0 {
        return None;
    }
    let d = p + id[p..].bytes().take_while(u8::is_ascii_digit).count();
    if d == p {
        return None;
    }
    Some((&id[..p], &id[p..d], &id[d..]))
}

/// The id that follows `prev` when ids are numbered one by one: same prefix,
/// number plus one, zero-padded to the same width when `prev` was. With no
/// previous id, or one with a suffix or a huge number, `{prefix}1`.
pub(crate) fn next_id(prev: Option<&str>, prefix: &str) -> String {
    if let Some((p, digits, "")) = prev.and_then(split_id) {
        if let Some(n) = digits.parse::<u64>().ok().and_then(|n| n.checked_add(1)) {
            let width = if digits.starts_with('0') { digits.len() } else { 0 };
            return format!("{p}{n:0width$}");
        }
    }
    format!("{prefix}1")
}

fn is_sep(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The words of `s` split at runs of spaces and tabs, with their byte
/// positions, `base` added.
fn words(s: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (is_sep(c), start) {
            (true, Some(st)) => {
                out.push((base + st, &s[st..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((base + st, &s[st..]));
    }
    out
}

fn role_arg(at: usize, word: &str) -> Result<(String, String), LineError> {
    match word.split_once(':') {
        Some((role, id)) if !role.is_empty() && !id.is_empty() => Ok((role.to_string(), id.to_string())),
        _ => err(at, format!("expected an argument ROLE:ID, found {word:?}")),
    }
}

fn offset(at: usize, word: &str) -> Result<u64, LineError> {
    if !word.bytes().all(|b| b.is_ascii_digit()) {
        return err(at, format!("expected an offset (a number of characters), found {word:?}"));
    }
    word.parse().or_else(|_| err(at, format!("expected an offset that fits in 64 bits, found {word}")))
}

/// Parses one line (without its line terminator, and without a final CR).
///
/// # Errors
/// A [`LineError`] for a bad id, a missing tab after the id, or fields
/// that are missing, extra or malformed for the annotation kind.
pub(crate) fn parse_line(line: &str) -> Result<Parsed, LineError> {
    let Some(tab) = line.find('\t') else {
        let end = line.find(' ').unwrap_or(line.len());
        return err(end, format!("expected a tab after the id {:?}", &line[..end]));
    };
    let id = &line[..tab];
    let kind = id.chars().next().unwrap_or(' ');
    let valid = if kind == '*' { id == "*" } else { split_id(id).is_some_and(|(_, _, s)| !s.contains(' ')) };
    if !valid || !KINDS.contains(&kind) {
        return err(0, format!("expected an annotation id such as T1, R2, #3 or *, found {id:?}"));
    }
    let id = id.to_string();
    let rest_at = tab + 1;
    let rest = &line[rest_at..];
    // T, N and # end in a free text after the second tab; the other kinds
    // are words separated by spaces or tabs.
    let (data, tail) = match rest.find('\t') {
        Some(t) if matches!(kind, 'T' | 'N' | '#') => (&rest[..t], Some((rest_at + t + 1, &rest[t + 1..]))),
        _ => (rest, None),
    };
    let ws = words(data, rest_at);
    // Where missing fields would have been: the end of the fields.
    let end = rest_at + data.len();
    let mut parsed = Parsed {
        ann: Ann::Equiv { id: String::new(), ty: String::new(), members: vec![] },
        refs: vec![],
        offsets_at: vec![],
        text_at: end,
    };
    let Some(&(_, first)) = ws.first() else {
        return err(rest_at, "expected a type after the id, found nothing");
    };
    let ty = first.to_string();
    let text = tail.map(|(_, t)| t.to_string());
    if let Some((at, _)) = tail {
        parsed.text_at = at;
    }
    let count = |n: std::ops::RangeInclusive<usize>, what: &str| -> Result<(), LineError> {
        if n.contains(&ws.len()) {
            Ok(())
        } else {
            let at = ws.get(*n.end()).map_or(end, |w| w.0);
            err(at, format!("expected {what}, found {} fields", ws.len()))
        }
    };
    parsed.ann = match kind {
        'T' => {
            let after_type = ws[0].0 + first.len();
            let spec = &line[after_type..rest_at + data.len()];
            let mut frags = Vec::new();
            let mut base = after_type;
            for piece in spec.split(';') {
                let nums = words(piece, base);
                match nums.as_slice() {
                    [(a, s), (b, e)] => {
                        frags.push((offset(*a, s)?, offset(*b, e)?));
                        parsed.offsets_at.push((*a, *b));
                    }
                    _ => {
                        let at = match nums.len() {
                            0 => base,
                            1 => nums[0].0,
                            _ => nums[2].0,
                        };
                        return err(at, format!("expected offsets START END, found {:?}", piece.trim()));
                    }
                }
                base += piece.len() + 1;
            }
            Ann::Text { id, ty, frags, text }
        }
        'R' => {
            count(3..=3, "TYPE Arg1:ID Arg2:ID (three fields)")?;
            let args = ws[1..].iter().map(|&(at, w)| role_arg(at, w)).collect::<Result<Vec<_>, _>>()?;
            for ((at, _), (role, arg)) in ws[1..].iter().zip(&args) {
                parsed.refs.push((at + role.len() + 1, arg.clone()));
            }
            Ann::Rel { id, ty, args }
        }
        'E' => {
            let Some((ty, trigger)) = first.split_once(':').filter(|(t, g)| !t.is_empty() && !g.is_empty()) else {
                return err(ws[0].0, format!("expected TYPE:TRIGGER after the id, found {first:?}"));
            };
            parsed.refs.push((ws[0].0 + ty.len() + 1, trigger.to_string()));
            let args = ws[1..].iter().map(|&(at, w)| role_arg(at, w)).collect::<Result<Vec<_>, _>>()?;
            for ((at, _), (role, arg)) in ws[1..].iter().zip(&args) {
                parsed.refs.push((at + role.len() + 1, arg.clone()));
            }
            Ann::Event { id, ty: ty.to_string(), trigger: trigger.to_string(), args }
        }
        'A' | 'M' => {
            count(2..=3, "TYPE TARGET or TYPE TARGET VALUE (two or three fields)")?;
            parsed.refs.push((ws[1].0, ws[1].1.to_string()));
            Ann::Attr { id, ty, target: ws[1].1.to_string(), value: ws.get(2).map(|w| w.1.to_string()) }
        }
        'N' => {
            count(3..=3, "TYPE TARGET DB:ID (three fields)")?;
            parsed.refs.push((ws[1].0, ws[1].1.to_string()));
            let (at, reference) = ws[2];
            if !reference.contains(':') {
                return err(at, format!("expected a reference DB:ID, found {reference:?}"));
            }
            Ann::Norm { id, ty, target: ws[1].1.to_string(), reference: reference.to_string(), text }
        }
        '#' => {
            count(2..=2, "TYPE TARGET (two fields) before the tab and the note")?;
            parsed.refs.push((ws[1].0, ws[1].1.to_string()));
            Ann::Note { id, ty, target: ws[1].1.to_string(), text }
        }
        _ => {
            if ws.len() < 2 {
                return err(end, "expected TYPE and at least one member id, found only the type");
            }
            parsed.refs.extend(ws[1..].iter().map(|&(at, w)| (at, w.to_string())));
            Ann::Equiv { id, ty, members: ws[1..].iter().map(|w| w.1.to_string()).collect() }
        }
    };
    Ok(parsed)
}

fn args(args: &[(String, String)]) -> String {
    let v: Vec<String> = args.iter().map(|(r, a)| format!("{r}:{a}")).collect();
    v.join(" ")
}

/// The canonical line of an annotation: how brat itself writes it
/// (`spec/BRAT.md`, "Canonical lines").
pub(crate) fn render(ann: &Ann) -> String {
    let tail = |t: &Option<String>| t.as_ref().map(|t| format!("\t{t}")).unwrap_or_default();
    match ann {
        Ann::Text { id, ty, frags, text } => {
            let f: Vec<String> = frags.iter().map(|(s, e)| format!("{s} {e}")).collect();
            format!("{id}\t{ty} {}{}", f.join(";"), tail(text))
        }
        Ann::Rel { id, ty, args: a } => format!("{id}\t{ty} {}", args(a)),
        Ann::Event { id, ty, trigger, args: a } => format!("{id}\t{ty}:{trigger} {}", args(a)),
        Ann::Attr { id, ty, target, value } => match value {
            Some(v) => format!("{id}\t{ty} {target} {v}"),
            None => format!("{id}\t{ty} {target}"),
        },
        Ann::Norm { id, ty, target, reference, text } => format!("{id}\t{ty} {target} {reference}{}", tail(text)),
        Ann::Note { id, ty, target, text } => format!("{id}\t{ty} {target}{}", tail(text)),
        Ann::Equiv { id, ty, members } => format!("{id}\t{ty} {}", members.join(" ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(line: &str) {
        let p = parse_line(line).unwrap();
        assert_eq!(render(&p.ann), line);
    }

    #[test]
    fn canonical_lines_render_back() {
        round("T1\tOrganization 0 4\tSony");
        round("T2\tOrg 0 5;10 15\tab cd");
        round("R1\tOrigin Arg1:T3 Arg2:T4");
        round("E1\tMERGE-ORG:T2 Org1:T1 Org2:T3");
        round("E2\tDeath:T4 ");
        round("A1\tNegation E1");
        round("A2\tConfidence E2 L1");
        round("N1\tReference T1 Wikipedia:534366\tBarack Obama");
        round("#1\tAnnotatorNotes T1\ta\tnote with tabs");
        round("*\tEquiv T1 T2 T3");
    }

    #[test]
    fn separators_vary() {
        let p = parse_line("R1\tOrigin  Arg1:T3\tArg2:T4\t").unwrap();
        assert_eq!(render(&p.ann), "R1\tOrigin Arg1:T3 Arg2:T4");
        assert_eq!(p.refs, vec![(16, "T3".to_string()), (24, "T4".to_string())]);
        let p = parse_line("T1\tOrg 0  5 ; 7 9\tx").unwrap();
        assert!(matches!(p.ann, Ann::Text { ref frags, .. } if frags == &[(0, 5), (7, 9)]));
    }

    #[test]
    fn errors_point_at_the_fault() {
        let at = |l: &str| parse_line(l).unwrap_err().at;
        assert_eq!(at("T1 Org 0 5 Sony"), 2);
        assert_eq!(at("Tx\tOrg 0 5\tSony"), 0);
        assert_eq!(at("*1\tEquiv T1 T2"), 0);
        assert_eq!(at("T1\tOrg 0 x\tSony"), 9);
        assert_eq!(at("T1\tOrg 0 5 6\tSony"), 11);
        assert_eq!(at("T1\tOrg\tSony"), 6);
        assert_eq!(at("R1\tOrigin Arg1:T3"), 17);
        assert_eq!(at("R1\tOrigin Arg1T3 Arg2:T4"), 10);
        assert_eq!(at("E1\tDeath T1"), 3);
        assert_eq!(at("A1\tNeg"), 6);
        assert_eq!(at("N1\tReference T1 534366"), 16);
    }

    #[test]
    fn ids_follow_one_another() {
        assert_eq!(next_id(None, "T"), "T1");
        assert_eq!(next_id(Some("T9"), "T"), "T10");
        assert_eq!(next_id(Some("T009"), "T"), "T010");
        assert_eq!(next_id(Some("M3"), "A"), "M4");
        assert_eq!(next_id(Some("#3"), "#"), "#4");
        assert_eq!(next_id(Some("T3a"), "T"), "T1");
        assert_eq!(split_id("#AnnotatorNotes1"), Some(("#AnnotatorNotes", "1", "")));
    }
}
