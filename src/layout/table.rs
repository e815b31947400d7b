//! Ruled tables: cells from the ruling-line grid.

use crate::model::Rect;
use serde::Serialize;

/// A table built from ruling lines.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Bounding box.
    pub bbox: Rect,
    /// Number of grid rows.
    pub rows: usize,
    /// Number of grid columns.
    pub cols: usize,
    /// Cells, row-major; merged cells appear once with spans > 1.
    pub cells: Vec<Cell>,
}

/// One (possibly merged) cell.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Top grid row.
    pub row: usize,
    /// Left grid column.
    pub col: usize,
    /// Rows spanned.
    pub row_span: usize,
    /// Columns spanned.
    pub col_span: usize,
    /// Bounding box.
    pub bbox: Rect,
    /// Text of the cell, its lines joined by '\n'.
    pub text: String,
}

/// Find the ruled tables of a page. (Filled in by the table work.)
pub fn find(_page: &crate::pdf::Page, _lines: &[super::Line]) -> Vec<Table> {
    Vec::new()
}
