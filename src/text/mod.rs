//! Lines → normalized text and Lindera tokens (placeholder: owned by the tokenizer work).

use crate::layout::PageLayout;
use crate::model::Token;

/// Tokens of every line of every page.
pub fn tokenize_pages(_pages: &[PageLayout]) -> Vec<Token> {
    Vec::new()
}
