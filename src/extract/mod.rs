//! Layouts → review-sheet records and facts, each with provenance.

pub mod corporate_number;
pub mod facts;
pub mod numbers;
pub mod review_sheet;
pub mod wareki;
