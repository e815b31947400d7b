//! A folder → the database: walk, hash, skip unchanged, analyze files in parallel, progress.
//!
//! [`analyze`] runs every stage on one file (also used by `seisaku extract`); [`walk`] finds the
//! PDFs; [`run`] (feature `store`) drives a whole incremental, atomic run; [`manifest`] lets a
//! run over an unchanged folder finish without starting DuckDB; [`progress`] reports.
//! Only this module knows about threads and progress bars.

pub mod analyze;
#[cfg(feature = "store")]
pub mod manifest;
#[cfg(feature = "store")]
pub mod merge;
pub mod progress;
#[cfg(feature = "store")]
pub mod run;
pub mod walk;

pub use analyze::{analyze_bytes, analyze_file, Analysis, DocumentInfo};

/// Version of everything that turns a PDF into rows (text layer, layout, tokens, extraction,
/// per-document checks). Documents processed by another version are reprocessed; bump it
/// whenever a stage's output changes.
pub const EXTRACTOR_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "-x2");
