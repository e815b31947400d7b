//! Glyphs → lines → blocks, in reading order (placeholder).
use super::PageLayout;
use crate::pdf::Page;

/// Build the layout of a page.
pub fn build(page: &Page) -> PageLayout {
    PageLayout {
        number: page.number,
        width: page.width,
        height: page.height,
        lines: vec![],
        blocks: vec![],
        tables: vec![],
    }
}
