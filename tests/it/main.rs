//! Integration tests: one binary (links DuckDB once). Fixtures in tests/fixtures/.
mod bad_input;
#[cfg(feature = "store")]
mod batch;
mod checks;
mod common;
mod council;
#[cfg(feature = "store")]
mod merge;
mod review_sheet;
#[cfg(feature = "store")]
mod store;
mod text;
