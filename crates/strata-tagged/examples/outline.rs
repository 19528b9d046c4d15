//! Prints the outline the parser finds in tagged-article files: per
//! article, its title, date, and each block as heading (H) or paragraph (P).
//!
//! ```text
//! cargo run -p strata-tagged --example outline -- article.txt
//! ```

use std::io::BufReader;

use strata_format::Value;
use strata_tagged::{to_document, Options, Splitter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let file = BufReader::new(std::fs::File::open(&path)?);
        for (n, segment) in Splitter::new(file).enumerate() {
            let segment = segment?;
            match to_document(&format!("{path}.{}", n + 1), &segment, &Options::default()) {
                Err(p) => println!("{path}:{p}"),
                Ok((doc, warnings)) => {
                    for w in warnings {
                        println!("{path}:{w} (warning)");
                    }
                    let date = match doc.meta("date") {
                        Some(Value::Date(d)) => d.to_string(),
                        _ => "no date".into(),
                    };
                    let title = match doc.meta("title") {
                        Some(Value::Str(t)) => t.as_str(),
                        _ => "",
                    };
                    println!("{} [{date}] {title}", doc.id);
                    let mut blocks: Vec<(u64, char, u64)> = Vec::new();
                    for (layer, mark) in [("paragraph", 'P'), ("heading", 'H')] {
                        for s in doc.layer(layer).map(|l| l.spans.as_slice()).unwrap_or_default() {
                            blocks.push((s.start, mark, s.end));
                        }
                    }
                    blocks.sort_unstable();
                    for (start, mark, end) in blocks {
                        let text: String = doc.text[start as usize..end as usize].chars().take(60).collect();
                        println!("  {mark} {text}");
                    }
                }
            }
        }
    }
    Ok(())
}
