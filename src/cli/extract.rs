//! `seisaku extract`: one JSON object per PDF — document, review_sheet (or null), facts, flags.
use std::io::Write;
use std::process::ExitCode;

/// Run `seisaku extract`: print the analysis of one file as one JSON object. Exit status 1
/// when the document could not be read (the JSON, with `document.status` = `error`, is still
/// printed).
pub fn run(args: super::ExtractArgs) -> anyhow::Result<ExitCode> {
    let mut analysis = crate::pipeline::analyze_file(&args.file);
    if args.no_facts {
        analysis.facts.clear();
    }
    let json = serde_json::to_string(&analysis)?;
    let mut out = std::io::stdout().lock();
    out.write_all(json.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(if analysis.document.status == "error" {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
