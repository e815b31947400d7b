//! The command line: clap definitions and one file per subcommand.
//!
//! Exit codes: 0 all good; 1 some files failed (the batch still went on); 2 usage or fatal error.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub mod bench;
#[cfg(feature = "store")]
pub mod db;
pub mod extract;
pub mod score;
pub mod text;

/// Default database path.
pub const DEFAULT_DB: &str = "out/seisaku.duckdb";

/// seisaku: Japanese policy PDFs → DuckDB, every value with its provenance.
#[derive(Debug, Parser)]
#[command(name = "seisaku", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Process every PDF under DIR (recursively) into the database; unchanged files are skipped.
    Run(RunArgs),
    /// Print the text of a PDF in reading order (lines by newline, pages by form feed).
    Text(TextArgs),
    /// Print one JSON object for a PDF: document, review_sheet, facts, flags.
    Extract(ExtractArgs),
    /// Score `extract` against ground-truth files (*.truth.json) in a directory.
    Score(ScoreArgs),
    /// List the flags (inconsistency observations) of a database, grouped by rule.
    Flags(FlagsArgs),
    /// Run SQL against the database and print the result.
    Sql(SqlArgs),
    /// Write every table of the database to DIR as Parquet, CSV or JSON.
    Export(ExportArgs),
    /// Find documents and lines by word (token surface or base form).
    Search(SearchArgs),
    /// Merge shard databases (`run --shard k/n`) into one, cross-document checks over the union.
    Merge(MergeArgs),
    /// Benchmark the text layer against poppler's pdftotext on the same files, in one run.
    Bench(BenchArgs),
}

/// `seisaku merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The merged database (replaced atomically).
    #[arg(long, default_value = "out/seisaku.duckdb")]
    pub db: PathBuf,
    /// Shard databases, each written by `seisaku run … --shard k/n`.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// `seisaku bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Folder of PDFs (recursive).
    pub dir: PathBuf,
    /// Threads for the parallel pass (the single-threaded pass always runs).
    #[arg(long, short = 'j', default_value_t = 2)]
    pub jobs: usize,
    /// Repeat each measurement this many times and keep the fastest.
    #[arg(long, default_value_t = 2)]
    pub rounds: usize,
    /// Measure the whole analysis (text layer, tables, tokens, review sheet, facts, flags),
    /// everything `seisaku run` does but the database writes.
    #[arg(long)]
    pub full: bool,
}

/// `seisaku run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Folder to scan recursively for *.pdf.
    pub dir: PathBuf,
    /// Database file to write.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Analysis threads: files, and the pages of large files, share them (default: number of
    /// cores). The database writer runs on one more.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Reprocess every file, even unchanged ones.
    #[arg(long)]
    pub force: bool,
    /// Per-file time limit in seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Process only shard k of n (`k/n`, 1-based) of the files, for runs split over machines.
    #[arg(long)]
    pub shard: Option<String>,
    /// No progress bar, only log lines.
    #[arg(long)]
    pub quiet: bool,
}

/// `seisaku text`.
#[derive(Debug, clap::Args)]
pub struct TextArgs {
    /// The PDF.
    pub file: PathBuf,
    /// JSON lines with positions (page, bbox, font size, writing mode) instead of plain text.
    #[arg(long)]
    pub json: bool,
    /// Print raw glyphs (before layout) as JSON, for debugging the text layer.
    #[arg(long, hide = true)]
    pub glyphs: bool,
}

/// `seisaku extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The PDF.
    pub file: PathBuf,
    /// Leave out the facts list (review-sheet fields only).
    #[arg(long)]
    pub no_facts: bool,
}

/// `seisaku score`.
#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Directory holding PDFs and their `*.truth.json` (review sheets) or `expected.json` (council).
    #[arg(long)]
    pub truth: PathBuf,
    /// Print per-file figures too.
    #[arg(long, short)]
    pub verbose: bool,
}

/// `seisaku flags`.
#[derive(Debug, clap::Args)]
pub struct FlagsArgs {
    /// Database file.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Only this rule id (e.g. kpi.multi_ministry_aggregate).
    #[arg(long)]
    pub rule: Option<String>,
    /// JSON list of flag objects instead of a grouped listing.
    #[arg(long)]
    pub json: bool,
}

/// `seisaku sql`.
#[derive(Debug, clap::Args)]
pub struct SqlArgs {
    /// Database file.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// The query.
    pub query: String,
    /// CSV output.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// JSON output: a list of row objects.
    #[arg(long)]
    pub json: bool,
}

/// `seisaku export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Output directory.
    pub dir: PathBuf,
    /// Database file.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// parquet, csv or json.
    #[arg(long, default_value = "parquet")]
    pub format: String,
}

/// `seisaku search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The word.
    pub term: String,
    /// Database file.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Maximum number of lines shown.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

/// Parse the command line, run it, map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("seisaku: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Text(a) => text::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Score(a) => score::run(a),
        Command::Bench(a) => bench::run(a),
        #[cfg(feature = "store")]
        Command::Run(a) => db::run(a),
        #[cfg(feature = "store")]
        Command::Merge(a) => db::merge(a),
        #[cfg(feature = "store")]
        Command::Flags(a) => db::flags(a),
        #[cfg(feature = "store")]
        Command::Sql(a) => db::sql(a),
        #[cfg(feature = "store")]
        Command::Export(a) => db::export(a),
        #[cfg(feature = "store")]
        Command::Search(a) => db::search(a),
        #[cfg(not(feature = "store"))]
        _ => {
            anyhow::bail!("this build has no database support (built without the `store` feature)")
        }
    }
}
