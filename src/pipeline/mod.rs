//! A folder → the database: walk, hash, skip unchanged, analyze files in parallel, progress.
//!
//! [`analyze`] runs every stage on one file (also used by `seisaku extract`). Only this module
//! knows about threads and progress bars.

pub mod analyze;

pub use analyze::{analyze_bytes, analyze_file, Analysis, DocumentInfo};
