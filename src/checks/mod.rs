//! Facts → flags (placeholder: owned by the checks work).
use crate::model::review_sheet::ReviewSheet;
use crate::model::{Fact, Flag};

/// Per-document rules.
pub fn document(_doc: &str, _sheet: Option<&ReviewSheet>, _facts: &[Fact]) -> Vec<Flag> {
    Vec::new()
}
