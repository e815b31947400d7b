//! Layouts → review-sheet records and facts, each with provenance.

pub mod facts;
pub mod review_sheet;
pub mod corporate_number;
pub mod numbers;
pub mod wareki;
