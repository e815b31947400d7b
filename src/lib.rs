//! seisaku: Japanese policy PDFs → a DuckDB database with provenance.
//!
//! One pipeline, stages with plain data between them (each stage in its own folder):
//!
//! | stage | input → output |
//! |---|---|
//! | [`pdf`] | file bytes → [`pdf::Page`]s of positioned glyphs and ruling lines |
//! | [`layout`] | a page → [`layout::PageLayout`]: lines in reading order, blocks, ruled tables |
//! | [`text`] | lines → normalized text and Lindera tokens |
//! | [`extract`] | layouts and text → review-sheet records and facts, each with [`model::Provenance`] |
//! | [`checks`] | facts → flags (evidence-backed observations) |
//! | [`store`] | everything → DuckDB (the only module that talks to DuckDB; feature `store`) |
//! | [`pipeline`] | a folder → all of the above, in parallel, incrementally, with progress |
//!
//! [`model`] holds the types every stage shares; [`cli`] is the command line.
#![warn(missing_docs)]

pub mod checks;
pub mod cli;
pub mod extract;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod pipeline;
#[cfg(feature = "store")]
pub mod store;
pub mod text;
