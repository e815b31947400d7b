//! Integration tests: council.
