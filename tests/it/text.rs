//! Integration tests: text.
