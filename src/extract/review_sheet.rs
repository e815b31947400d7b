//! 行政事業レビューシート extraction (placeholder: owned by the review-sheet work).
use crate::layout::PageLayout;
use crate::model::review_sheet::ReviewSheet;

/// Recognise and extract a review sheet; None when the document is not one.
pub fn extract(_doc: &str, _pages: &[PageLayout]) -> Option<ReviewSheet> {
    None
}
