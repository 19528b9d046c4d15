//! Imports a `.conllu` file ten times, for profiling the reader.
fn main() {
    let path = std::env::args().nth(1).expect("usage: import_only FILE.conllu");
    let input = std::fs::read(&path).expect("readable file");
    let t = std::time::Instant::now();
    let mut words = 0;
    for _ in 0..10 {
        for p in strata_conllu::Reader::new(&input[..], "x").flatten() {
            words += p.document.layer("word").map_or(0, |l| l.spans.len());
        }
    }
    println!("{:.2} M words/s", words as f64 / t.elapsed().as_secs_f64() / 1e6);
}
