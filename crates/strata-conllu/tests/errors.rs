//! Bad input: every error kind with its line and column, and what it costs.

use strata_conllu::{write_document, Problem, Reader};

const W1: &str = "1\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_";
const W2: &str = "2\tthere\tthere\tADV\t_\t_\t1\tadvmod\t_\t_";

/// All errors, all warnings and the number of sentences kept.
fn problems(input: &[u8]) -> (Vec<Problem>, Vec<Problem>, usize) {
    let (mut errors, mut warnings, mut kept) = (Vec::new(), Vec::new(), 0);
    for item in Reader::new(input, "t") {
        match item {
            Ok(p) => {
                errors.extend(p.errors);
                warnings.extend(p.warnings);
                kept += p.document.layer("sentence").map_or(0, |l| l.spans.len());
            }
            Err(r) => {
                assert!(!r.errors.is_empty());
                errors.extend(r.errors);
            }
        }
    }
    (errors, warnings, kept)
}

/// Asserts that `bad` (a sentence block, without its empty line) between
/// two good sentences gives exactly one error at `line:column` whose message
/// contains `what`, and costs only itself. `bad` starts on line 4.
fn assert_error(bad: &str, line: u64, column: u64, what: &str) {
    let input = format!("{W1}\n{W2}\n\n{bad}\n\n{W1}\n\n");
    let (errors, warnings, kept) = problems(input.as_bytes());
    assert_eq!(errors.len(), 1, "{bad:?}: {errors:?}");
    let e = &errors[0];
    assert_eq!((e.line, e.column), (line, column), "{bad:?}: {e}");
    assert!(e.message.contains(what), "{bad:?}: {e}");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(kept, 2, "{bad:?}: the good sentences are kept");
}

fn chars(s: &str) -> u64 {
    s.chars().count() as u64
}

#[test]
fn crlf() {
    assert_error(&format!("{W1}\r"), 4, chars(W1) + 1, "CR LF");
}

#[test]
fn trailing_whitespace() {
    assert_error(&format!("{W1} "), 4, chars(W1) + 1, "whitespace at the end");
    assert_error(&format!("# sent_id = x\t\n{W1}"), 4, 14, "a tab");
}

#[test]
fn wrong_number_of_columns() {
    let nine = "1\tHi\thi\tINTJ\t_\t_\t0\troot\t_";
    assert_error(nine, 4, chars(nine) + 1, "found 9");
    let eleven = format!("{W1}\textra");
    assert_error(&eleven, 4, chars(W1) + 1, "expected 10");
}

#[test]
fn empty_column() {
    assert_error("1\tHi\t\tINTJ\t_\t_\t0\troot\t_\t_", 4, 6, "column LEMMA");
}

#[test]
fn bad_ids() {
    assert_error("x\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_", 4, 1, "expected word id 1");
    assert_error("01\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_", 4, 1, "expected word id 1");
    assert_error(&format!("{W1}\n3\tthere\tthere\tADV\t_\t_\t1\tadvmod\t_\t_"), 5, 1, "expected word id 2");
    assert_error(&format!("# c\n{W1}\n{W1}"), 6, 1, "expected word id 2");
}

#[test]
fn bad_multiword_ranges() {
    assert_error(&format!("1-1\tHi\t_\t_\t_\t_\t_\t_\t_\t_\n{W1}"), 4, 1, "range 1-N");
    assert_error(&format!("2-3\tHi\t_\t_\t_\t_\t_\t_\t_\t_\n{W1}"), 4, 1, "range 1-N");
    assert_error(&format!("1-3\tHi\t_\t_\t_\t_\t_\t_\t_\t_\n{W1}\n{W2}"), 4, 1, "words up to 3");
    assert_error(
        &format!("1-2\tHi\t_\t_\t_\t_\t_\t_\t_\t_\n1-2\tHi\t_\t_\t_\t_\t_\t_\t_\t_\n{W1}\n{W2}"),
        5,
        1,
        "found the range",
    );
}

#[test]
fn misplaced_empty_nodes() {
    let e = |id: &str| format!("{id}\tx\tx\tVERB\t_\t_\t_\t_\t_\t_");
    assert_error(&format!("{W1}\n{}", e("1.2")), 5, 1, "expected empty node 1.1");
    assert_error(&format!("{W1}\n{}", e("2.1")), 5, 1, "expected empty node 1.1");
    assert_error(&format!("1-2\tHi\t_\t_\t_\t_\t_\t_\t_\t_\n{W1}\n{}\n{W2}", e("1.1")), 6, 1, "empty nodes go after");
    assert_error(&format!("{W1}\n{}\n{}", e("1.1"), e("1.1")), 6, 1, "expected empty node 1.2");
}

#[test]
fn comment_after_words() {
    assert_error(&format!("{W1}\n# late\n{W2}"), 5, 1, "comments go before");
}

#[test]
fn comments_without_words() {
    assert_error("# sent_id = lonely", 4, 1, "at least one word");
}

#[test]
fn bad_head() {
    assert_error("1\tHi\thi\tINTJ\t_\t_\tx\troot\t_\t_", 4, 18, "HEAD");
    assert_error("1\tHi\thi\tINTJ\t_\t_\t1.1\troot\t_\t_", 4, 18, "HEAD");
}

#[test]
fn bad_deps() {
    assert_error("1\tHi\thi\tINTJ\t_\t_\t0\troot\t:root\t_", 4, 25, "DEPS");
}

#[test]
fn invalid_utf8() {
    let input = [format!("{W1}\n\n").as_bytes(), b"1\tH\xffi\thi\tINTJ\t_\t_\t0\troot\t_\t_\n\n"].concat();
    let (errors, _, kept) = problems(&input);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), (3, 4));
    assert!(errors[0].message.contains("0xff"));
    assert_eq!(kept, 1);
}

#[test]
fn extra_empty_lines_and_whitespace_lines() {
    let (errors, _, kept) = problems(format!("{W1}\n\n\n{W1}\n\n").as_bytes());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), (3, 1));
    assert!(errors[0].message.contains("extra empty line"));
    assert_eq!(kept, 2);
    let (errors, _, kept) = problems(format!("{W1}\n  \n{W1}\n\n").as_bytes());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), (2, 1));
    assert!(errors[0].message.contains("whitespace"));
    assert_eq!(kept, 1);
}

#[test]
fn missing_final_empty_line() {
    let (errors, _, kept) = problems(format!("{W1}\n\n{W1}\n").as_bytes());
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), (4, 1));
    assert!(errors[0].message.contains("empty line after the last sentence"));
    assert_eq!(kept, 1);
    let (errors, _, _) = problems(format!("{W1}\n\n{W1}").as_bytes());
    assert_eq!((errors[0].line, errors[0].column), (3, chars(W1) + 1));
    assert!(errors[0].message.contains("line feed"));
}

#[test]
fn global_columns_must_start_with_the_ten_columns() {
    assert_error(&format!("# global.columns = ID FORM\n{W1}"), 4, 20, "ten CoNLL-U columns");
}

#[test]
fn global_columns_hold_even_when_their_sentence_has_an_error() {
    let plus = "# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC X:NE";
    // The first sentence has a CR LF: it is left out, its declaration holds.
    let input = format!("{plus}\n{W1}\tO\r\n\n{W1}\tB-X\n\n");
    let (errors, _, kept) = problems(input.as_bytes());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, kept), (2, 1));
    // A declaration that ends in whitespace is an error and declares nothing.
    let input = format!("{plus} \n{W1}\tO\n\n{W1}\n\n");
    let (errors, _, kept) = problems(input.as_bytes());
    assert_eq!((errors.len(), kept), (1, 1), "{errors:?}");
}

#[test]
fn byte_order_mark() {
    let (errors, _, _) = problems(format!("\u{feff}{W1}\n\n").as_bytes());
    assert_eq!((errors[0].line, errors[0].column), (1, 1));
    assert!(errors[0].message.contains("byte order mark"));
}

#[test]
fn a_document_whose_sentences_all_fail_is_rejected() {
    let input = format!("# newdoc id = a\n{W1}\r\n\n# newdoc id = b\n{W1}\n\n");
    let items: Vec<_> = Reader::new(input.as_bytes(), "t").collect();
    assert_eq!(items.len(), 2);
    let rejected = items[0].as_ref().unwrap_err();
    assert_eq!(rejected.id, "a");
    assert_eq!(rejected.lines, 1..4);
    assert_eq!(items[1].as_ref().unwrap().document.id, "b");
}

#[test]
fn a_bad_sentence_with_newdoc_still_starts_its_document() {
    let input = format!("# newdoc id = a\n{W1}\n\n# newdoc id = b\n{W1} \n\n{W1}\n\n");
    let items: Vec<_> = Reader::new(input.as_bytes(), "t").collect();
    assert_eq!(items.len(), 2);
    let b = items[1].as_ref().unwrap();
    assert_eq!(b.document.id, "b");
    assert_eq!(b.errors.len(), 1);
    assert_eq!(b.document.layer("sentence").unwrap().spans.len(), 1);
}

fn assert_warning(block: &str, line: u64, column: u64, what: &str) {
    let input = format!("{block}\n\n");
    let (errors, warnings, kept) = problems(input.as_bytes());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(kept, 1);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!((warnings[0].line, warnings[0].column), (line, column), "{}", warnings[0]);
    assert!(warnings[0].message.contains(what), "{}", warnings[0]);
    // The sentence is kept as it is.
    let doc = Reader::new(input.as_bytes(), "t").next().unwrap().unwrap().document;
    let mut out = String::new();
    write_document(&doc, &mut out).unwrap();
    assert_eq!(out, input);
}

#[test]
fn tree_problems_are_warnings() {
    let w = |id: u32, head: &str| format!("{id}\tw\tw\tX\t_\t_\t{head}\tdep\t_\t_");
    let head_col = 13;
    assert_warning(&format!("{}\n{}", w(1, "0"), w(2, "0")), 2, head_col, "second one");
    assert_warning(&format!("{}\n{}", w(1, "0"), w(2, "7")), 2, head_col, "1 to 2");
    assert_warning(&format!("{}\n{}\n{}", w(1, "0"), w(2, "3"), w(3, "2")), 2, head_col, "cycle");
    assert_warning(&format!("{}\n{}", w(1, "0"), w(2, "2")), 2, head_col, "cycle");
    // A cycle reached from a word outside it, after a walk that found none.
    let tail = format!("{}\n{}\n{}\n{}", w(1, "0"), w(2, "3"), w(3, "4"), w(4, "3"));
    assert_warning(&tail, 3, head_col, "cycle through word 3");
}
