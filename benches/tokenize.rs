//! Tokenizer throughput: tokenizes the seed council texts (tests/fixtures/council/*.txt) line
//! by line, repeatedly, with base forms and parts of speech, on one thread, and prints MB/s.
//!
//! Run: `cargo bench --no-default-features --bench tokenize` (release profile).
//! `SEISAKU_BENCH_SECS` sets the measuring time (default 3 s); `SEISAKU_BENCH_MODE=segment`
//! measures Lindera's segmentation alone (no base forms, no number merging) for comparison.

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
    let cpu0 = cpu_seconds();
    // SEISAKU_BENCH_MODE=segment: Lindera segmentation alone (no details), the baseline.
    let segment_only = std::env::var("SEISAKU_BENCH_MODE").is_ok_and(|m| m == "segment");
    let mut worker = seisaku::text::segmenter()
        .expect("embedded dictionary loads")
        .new_worker();
    while start.elapsed() < budget || rounds == 0 {
        for line in &lines {
            if segment_only {
                let n = worker.segment(line).map(|t| t.len()).unwrap_or(0);
                tokens += n;
                checksum += n;
                continue;
            }
            for w in seisaku::text::tokenize(line) {
                tokens += 1;
                checksum += w.base_form.len() + w.pos.len();
            }
        }
        rounds += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().map(|c| c - cpu0.unwrap_or(0.0));
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "{}: {} files, {} lines, {:.1} KB × {rounds} rounds: {:.2} MB/s, {:.0} tokens/s (checksum {checksum})",
        if segment_only { "segment" } else { "tokenize" },
        texts.len(),
        lines.len(),
        bytes as f64 / 1e3,
        mb / elapsed,
        tokens as f64 / elapsed
    );
    // On a busy machine wall time undercounts: throughput per CPU second is the per-core figure.
    if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
        println!("per CPU second: {:.2} MB/s ({cpu:.2} s CPU)", mb / cpu);
    }
}

/// User + system CPU time of this process (Linux /proc; None elsewhere).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
