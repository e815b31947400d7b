//! Facts from free text (placeholder: owned by the council-facts work).
use crate::layout::PageLayout;
use crate::model::Fact;

/// Facts from every page.
pub fn extract(_doc: &str, _pages: &[PageLayout]) -> Vec<Fact> {
    Vec::new()
}
