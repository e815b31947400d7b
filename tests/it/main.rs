//! Integration tests: one binary (links DuckDB once). Fixtures in tests/fixtures/.
mod checks;
mod common;
mod council;
mod review_sheet;
#[cfg(feature = "store")]
mod store;
mod text;
