//! `seisaku bench`: text-layer throughput against poppler's `pdftotext`, same files, one run.
//!
//! Ours: read, parse, interpret every page and rebuild lines (what `seisaku text` does), in
//! process. Theirs: one `pdftotext -raw FILE /dev/null` process per file, sequentially, which is
//! how it is used in batch scripts. Both passes run twice (A B A B) and keep the fastest.
//! `--full` measures the whole analysis instead of the text layer alone (what `seisaku run`
//! does per file, without the database), so analysis work can be timed without DuckDB.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn pdfs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pdfs_under(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
}

/// Text layer (or with `full` the whole analysis) of one file; returns (pages, chars).
fn ours(path: &Path, full: bool) -> (usize, usize) {
    let Ok(bytes) = std::fs::read(path) else {
        return (0, 0);
    };
    if full {
        let a = crate::pipeline::analyze_bytes(&bytes, &path.to_string_lossy());
        let chars = a.pages.iter().flat_map(|p| &p.lines);
        return (a.pages.len(), chars.map(|l| l.text.chars().count()).sum());
    }
    let Ok(file) = crate::pdf::open(&bytes) else {
        return (0, 0);
    };
    let page_chars = |i: usize| {
        let layout = crate::layout::build(&file.page(i));
        layout
            .lines
            .iter()
            .map(|l| l.text.chars().count())
            .sum::<usize>()
    };
    let chars = (0..file.page_count()).map(page_chars).sum();
    (file.page_count(), chars)
}

/// Run `seisaku bench`.
pub fn run(args: super::BenchArgs) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    pdfs_under(&args.dir, &mut files);
    anyhow::ensure!(
        !files.is_empty(),
        "no PDF files under {}",
        args.dir.display()
    );
    let have_pdftotext = Command::new("pdftotext").arg("-v").output().is_ok();
    let rounds = args.rounds.max(1);
    let mut best_ours = f64::MAX;
    let mut best_par = f64::MAX;
    let mut best_ref = f64::MAX;
    let mut pages = 0;
    let mut chars = 0;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.max(1))
        .build()?;
    let single = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    for _ in 0..rounds {
        let t = Instant::now();
        // In a one-thread pool: the analysis would otherwise spread a large file's pages over
        // the global pool.
        let (p, c) = single.install(|| {
            files
                .iter()
                .map(|f| ours(f, args.full))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
        });
        best_ours = best_ours.min(t.elapsed().as_secs_f64());
        (pages, chars) = (p, c);
        if have_pdftotext {
            let t = Instant::now();
            for f in &files {
                let _ = Command::new("pdftotext")
                    .arg("-raw")
                    .arg(f)
                    .arg("/dev/null")
                    .output();
            }
            best_ref = best_ref.min(t.elapsed().as_secs_f64());
        }
        let t = Instant::now();
        pool.install(|| files.par_iter().map(|f| ours(f, args.full)).count());
        best_par = best_par.min(t.elapsed().as_secs_f64());
    }
    let what = if args.full {
        "full analysis"
    } else {
        "text layer"
    };
    println!("files {}, pages {pages}, chars {chars}", files.len());
    println!(
        "seisaku {what}, 1 thread : {best_ours:.3}s  {:.0} pages/s",
        pages as f64 / best_ours
    );
    println!(
        "seisaku {what}, {} threads: {best_par:.3}s  {:.0} pages/s  (speed-up {:.2}x)",
        args.jobs,
        pages as f64 / best_par,
        best_ours / best_par
    );
    if have_pdftotext {
        println!(
            "pdftotext -raw, 1 process/file: {best_ref:.3}s  {:.0} pages/s",
            pages as f64 / best_ref
        );
        println!(
            "ratio (pdftotext time / seisaku time, 1 thread): {:.2}x",
            best_ref / best_ours
        );
    } else {
        println!("pdftotext not found: install poppler-utils to compare");
    }
    Ok(ExitCode::SUCCESS)
}
