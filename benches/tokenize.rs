//! Tokenizer throughput: tokenizes the seed council texts (tests/fixtures/council/*.txt) line
//! by line, repeatedly, with base forms and parts of speech, on one thread, and prints MB/s.
//!
//! Run: `cargo bench --no-default-features --bench tokenize` (release profile).
//! `SEISAKU_BENCH_SECS` sets the measuring time (default 3 s).

use std::time::{Duration, Instant};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/council");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    let texts: Vec<String> = names
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed text"))
        .collect();
    let lines: Vec<&str> = texts.iter().flat_map(|t| t.lines()).collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();

    let t = Instant::now();
    seisaku::text::segmenter().expect("embedded dictionary loads");
    println!("dictionary load: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);

    let secs = std::env::var("SEISAKU_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let budget = Duration::from_secs_f64(secs);
    let (mut rounds, mut tokens, mut checksum) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    while start.elapsed() < budget || rounds == 0 {
        for line in &lines {
            for w in seisaku::text::tokenize(line) {
                tokens += 1;
                checksum += w.base_form.len() + w.pos.len();
            }
        }
        rounds += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "tokenize: {} files, {} lines, {:.1} KB × {rounds} rounds: {:.2} MB/s, {:.0} tokens/s (checksum {checksum})",
        texts.len(),
        lines.len(),
        bytes as f64 / 1e3,
        mb / elapsed,
        tokens as f64 / elapsed
    );
}
