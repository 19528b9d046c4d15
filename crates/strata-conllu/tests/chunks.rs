//! Input cut into chunks reads as the whole input does: the same documents,
//! ids, errors, warnings and line numbers, wherever the cuts fall.

use std::io::{BufReader, Read};

use strata_conllu::{Chunker, Reader};
use strata_format::DocBuilder;

const W1: &str = "1\tHi\thi\tINTJ\t_\t_\t0\troot\t0:root\t_";
const W2: &str = "2\tthere\tthere\tADV\tRB\t_\t1\tadvmod\t1:advmod\tSpaceAfter=No";
const PLUS: &str = "# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC X:NE";

/// Every item of a whole-input reader, as text.
fn whole(input: &[u8]) -> Vec<String> {
    Reader::new(input, "doc").map(|item| format!("{item:?}")).collect()
}

/// Every item of the readers of the chunks of `input`, as text; one
/// builder serves all the chunks in turn, and buffers are reused.
fn chunked<R: std::io::BufRead>(input: R, target: usize) -> (Vec<String>, usize) {
    let mut items = Vec::new();
    let mut builder = DocBuilder::new();
    let mut chunks = 0;
    let mut chunker = Chunker::new(input, target);
    while let Some(chunk) = chunker.next() {
        chunks += 1;
        let mut reader = chunk.reader("doc", builder);
        items.extend(reader.by_ref().map(|item| format!("{item:?}")));
        let (input, b) = reader.into_parts();
        builder = b;
        // Every other buffer comes back to cut later chunks into.
        if chunks % 2 == 0 {
            chunker.reuse(input.into_bytes());
        }
    }
    (items, chunks)
}

/// Asserts that every chunk size gives the whole-input result; returns the
/// most chunks seen. The whole input is read in place (from memory) and
/// copied (a buffer of one byte never holds a sentence; one of 150 holds
/// some), with the same result.
fn assert_same(input: &[u8]) -> usize {
    let expected = whole(input);
    for capacity in [1, 150] {
        let copied: Vec<String> =
            Reader::new(BufReader::with_capacity(capacity, input), "doc").map(|item| format!("{item:?}")).collect();
        assert_eq!(copied, expected, "buffer of {capacity}, input {:?}", String::from_utf8_lossy(input));
    }
    let mut most = 0;
    for target in [0, 1, 40, 200, 1000, usize::MAX] {
        let (items, chunks) = chunked(input, target);
        assert_eq!(items, expected, "target {target}, input {:?}", String::from_utf8_lossy(input));
        most = most.max(chunks);
        // Read a few bytes at a time, lines end past what the chunker has.
        let (items, _) = chunked(BufReader::with_capacity(7, input), target);
        assert_eq!(items, expected, "target {target} in reads of 7 bytes, input {:?}", String::from_utf8_lossy(input));
    }
    most
}

fn sentence(comments: &[&str]) -> String {
    let mut s: String = comments.iter().map(|c| format!("{c}\n")).collect();
    s.push_str(&format!("{W1}\n{W2}\n\n"));
    s
}

#[test]
fn fixtures_read_the_same_in_chunks() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "conllu") {
            assert_same(&std::fs::read(&path).unwrap());
        }
    }
}

#[test]
fn documents_are_cut_apart_and_named_as_in_one_reading() {
    // Named and unnamed documents: an unnamed one is numbered among all.
    let mut input = String::new();
    for (i, newdoc) in ["# newdoc id = a", "# newdoc", "# newdoc id = c", "# newdoc"].iter().enumerate() {
        input += &sentence(&[newdoc, &format!("# sent_id = s{i}")]);
        input += &sentence(&["# sent_id = t"]);
    }
    assert!(assert_same(input.as_bytes()) >= 4, "the input is cut at each document");
    // Without `# newdoc`: one document, named after the input, never cut.
    let single = sentence(&[]) + &sentence(&[]);
    assert_eq!(assert_same(single.as_bytes()), 1);
    // A first document without `# newdoc`, then named ones.
    assert_same((sentence(&[]) + &sentence(&["# newdoc id = b"]) + &sentence(&["# newdoc"])).as_bytes());
    // `# newdoc` after another comment still starts a document; after a
    // word line it is an error.
    assert_same((sentence(&["# x"]) + &sentence(&["# c", "# newdoc id = d"])).as_bytes());
    let late = format!("{}{W1}\n# newdoc id = e\n\n{}", sentence(&["# newdoc id = a"]), sentence(&["# newdoc"]));
    assert_same(late.as_bytes());
}

#[test]
fn problems_between_documents_go_with_the_next_one() {
    let a = sentence(&["# newdoc id = a"]);
    let b = sentence(&["# newdoc id = b"]);
    for between in ["\n", "\n\n", " \n", "\r\n", "\t\n\n", "\n \n"] {
        assert_same(format!("{a}{between}{b}{a}").as_bytes());
    }
    // A block that ends in a line of whitespace or CR LF, not an empty line.
    let ws = a.trim_end_matches('\n').to_string() + "\n \n";
    assert_same(format!("{ws}{b}").as_bytes());
    let crlf = a.trim_end_matches('\n').to_string() + "\n\r\n";
    assert_same(format!("{crlf}{b}{crlf}{b}").as_bytes());
    // The end of the input without its empty line or line feed.
    assert_same(format!("{a}{b}{}", b.trim_end_matches('\n')).as_bytes());
    assert_same(format!("{a}{b}{}\n", b.trim_end_matches('\n')).as_bytes());
    assert_same(format!("{a}\n\n").as_bytes());
}

#[test]
fn global_columns_carry_across_chunks() {
    let plus = |id: &str| format!("# newdoc id = {id}\n{W1}\tB-X\n{W2}\tO\n\n");
    let ten = |id: &str| format!("# newdoc id = {id}\n{W1}\n\n");
    // Declared once at the top, as CoNLL-U Plus has it.
    assert_same(format!("{PLUS}\n{}{}{}", plus("a"), plus("b"), plus("c")).as_bytes());
    assert_same(format!("{PLUS}\n{W1}\tO\n\n{}{}", plus("b"), plus("c")).as_bytes());
    // Declared in a sentence with an error: it holds all the same.
    let bad = format!("# newdoc id = a\n{PLUS}\n{W1}\tO\r\n\n");
    assert_same(format!("{bad}{}{}", plus("b"), ten("c")).as_bytes());
    let bad_utf8 = format!("# newdoc id = a\n{PLUS}\n1\t\u{0}").into_bytes();
    let mut input = bad_utf8;
    input.extend_from_slice(b"\xff\n\n");
    input.extend_from_slice(plus("b").as_bytes());
    assert_same(&input);
    // Declared after the words of a sentence (an error there, but it holds
    // for the next sentences all the same).
    assert_same(format!("# newdoc id = a\n{W1}\n{PLUS}\n\n{}{}", plus("b"), plus("c")).as_bytes());
    // Declared again, and badly.
    let back = "# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC";
    let wrong = "# global.columns = ID FORM";
    let input = format!(
        "{PLUS}\n{}# newdoc id = x\n{back}\n{W1}\n\n{}{}{wrong}\n{W1}\n\n{}",
        plus("a"),
        ten("b"),
        ten("c"),
        ten("d")
    );
    assert_same(input.as_bytes());
}

/// A small deterministic generator of damage.
struct Gen(u64);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

#[test]
fn damaged_input_reads_the_same_in_chunks() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut base = Vec::new();
    for name in ["en_ewt_empty.conllu", "fr_gsd_mwt.conllu", "plus_columns.conllu", "no_newdoc.conllu"] {
        base.extend(std::fs::read(dir.join(name)).unwrap());
    }
    let pieces: [&[u8]; 10] = [
        b"\n",
        b"\n\n",
        b"\r",
        b" ",
        b"\t",
        b"# newdoc\n",
        b"# newdoc id = z\n",
        b"\xff",
        b"#",
        b"# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC X\n",
    ];
    let mut g = Gen(0x5eed);
    for _ in 0..60 {
        let mut input = base.clone();
        for _ in 0..1 + g.below(6) {
            let at = g.below(input.len());
            match g.below(3) {
                0 => {
                    input.remove(at);
                }
                _ => {
                    let piece = pieces[g.below(pieces.len())];
                    input.splice(at..at, piece.iter().copied());
                }
            }
        }
        assert_same(&input);
    }
}

/// Gives `data`, then fails with an input error.
struct Failing<'a>(&'a [u8]);

impl Read for Failing<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Err(std::io::Error::other("the disk is on fire"));
        }
        let n = self.0.read(out)?;
        Ok(n)
    }
}

#[test]
fn an_input_error_ends_reading_as_in_one_reading() {
    let mut input = String::new();
    for id in ["a", "b", "c"] {
        input += &sentence(&[&format!("# newdoc id = {id}")]);
        input += &sentence(&[]);
    }
    for cut in [0, 10, 90, 200, input.len() / 2, input.len() - 3, input.len()] {
        let data = &input.as_bytes()[..cut];
        let expected: Vec<String> =
            Reader::new(BufReader::with_capacity(16, Failing(data)), "doc").map(|i| format!("{i:?}")).collect();
        assert!(expected.last().is_some_and(|e| e.contains("the disk is on fire")), "{expected:?}");
        for target in [0, 50, usize::MAX] {
            let (items, _) = chunked(BufReader::with_capacity(16, Failing(data)), target);
            assert_eq!(items, expected, "cut {cut}, target {target}");
        }
    }
}
