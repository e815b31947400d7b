//! DuckDB store (placeholder: owned by the store work).
