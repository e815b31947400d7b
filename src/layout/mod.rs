//! A page of glyphs → lines in reading order, blocks, and ruled tables.
//!
//! Input: [`crate::pdf::Page`]. Output: [`PageLayout`]. Horizontal lines are read top to bottom
//! within a block, blocks in column order; vertical lines (縦書き) right to left. Tables come
//! from the ruling-line grid ([`table`]). Must not: decode fonts or know about documents' meaning.

pub mod lines;
pub mod table;

use crate::model::Rect;
use serde::Serialize;

pub use lines::build;
pub use table::{Cell, Table};

/// A line of text: glyphs on one baseline (or one vertical column) that belong together.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The text, with a space where a visible gap separated words of Latin script.
    pub text: String,
    /// One box per char of `text` (inserted spaces get the gap's box).
    #[serde(skip)]
    pub char_boxes: Vec<Rect>,
    /// Bounding box.
    pub bbox: Rect,
    /// Dominant font size in points.
    pub size: f32,
    /// Vertical writing.
    pub vertical: bool,
    /// Index of the block in [`PageLayout::blocks`].
    pub block: usize,
}

impl Line {
    /// The bounding box of the chars in `range` (char indices, not bytes).
    pub fn span_bbox(&self, range: std::ops::Range<usize>) -> Rect {
        let mut it = self.char_boxes.get(range).unwrap_or(&[]).iter();
        match it.next() {
            Some(first) => it.fold(*first, |acc, r| acc.union(r)),
            None => self.bbox,
        }
    }
}

/// Lines that belong together (a paragraph, a table cell, a column of a slide).
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    /// Bounding box.
    pub bbox: Rect,
    /// Indices into [`PageLayout::lines`], in reading order.
    pub lines: Vec<usize>,
}

/// The layout of one page.
#[derive(Debug, Clone, Serialize)]
pub struct PageLayout {
    /// 1-based page number.
    pub number: u32,
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Lines in reading order.
    pub lines: Vec<Line>,
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// Ruled tables found on the page.
    pub tables: Vec<Table>,
}
