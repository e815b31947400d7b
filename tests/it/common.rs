//! Helpers shared by the integration tests.
#![allow(dead_code)]
use std::path::PathBuf;

/// Path of a fixture under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Path of the built seisaku binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_seisaku"))
}
