//! (stage: see lib.rs)
