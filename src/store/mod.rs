//! DuckDB store: the only module that talks to DuckDB (cargo feature `store`).
//!
//! Input: [`crate::pipeline::Analysis`] values turned into [`rows::Rows`]. Output: a database
//! file whose tables are listed in [`schema`] and documented in README.md ("The database").
//!
//! - [`schema`]: the tables and the schema version;
//! - [`rows`]: one document's analysis → rows (built on worker threads);
//! - [`writer`]: the single writer connection, bulk loads, copying unchanged documents;
//! - [`swap`]: temporary file, fsync + rename, the writer lock;
//! - [`query`]: read-only connections and result formatting for `sql`, `flags`, `search`;
//! - [`export`]: every table to Parquet, CSV or JSON.
//!
//! Must not: analyse PDFs, or know about threads beyond keeping its connection on one.

pub mod export;
pub mod query;
pub mod rows;
pub mod schema;
pub mod swap;
pub mod writer;

pub use rows::{DocumentRow, Rows};
pub use writer::{Previous, RunRow, Writer};
