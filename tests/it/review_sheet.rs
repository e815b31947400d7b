//! Integration tests: review_sheet.
