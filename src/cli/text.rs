//! `seisaku text`: the text layer of one PDF, plain or with positions.

use crate::pdf;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

/// Run `seisaku text`.
pub fn run(args: super::TextArgs) -> anyhow::Result<ExitCode> {
    match print(args) {
        // `seisaku text f.pdf | head` closes the pipe early: not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(ExitCode::SUCCESS)
        }
        other => other,
    }
}

fn print(args: super::TextArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let file = match pdf::open(&bytes) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("seisaku: {}: {e}", args.file.display());
            return Ok(ExitCode::from(1));
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for i in 0..file.page_count() {
        let page = file.page(i);
        if args.glyphs {
            for g in &page.glyphs {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&json!({"page": page.number, "glyph": g}))?
                )?;
            }
            continue;
        }
        let layout = crate::layout::build(&page);
        if args.json {
            for (n, l) in layout.lines.iter().enumerate() {
                let v = json!({
                    "page": layout.number,
                    "line": n,
                    "block": l.block,
                    "bbox": [l.bbox.x0, l.bbox.y0, l.bbox.x1, l.bbox.y1],
                    "font_size": l.size,
                    "vertical": l.vertical,
                    "text": l.text,
                });
                writeln!(out, "{v}")?;
            }
        } else {
            if i > 0 {
                write!(out, "\x0c")?;
            }
            for l in &layout.lines {
                writeln!(out, "{}", l.text)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
