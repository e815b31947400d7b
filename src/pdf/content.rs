//! Content-stream interpreter (placeholder).
use super::{document::PdfFile, Page};

/// Interpret one page.
pub fn interpret_page(file: &PdfFile, index: usize) -> Page {
    let _ = file;
    Page {
        number: index as u32 + 1,
        width: 0.0,
        height: 0.0,
        glyphs: vec![],
        rules: vec![],
        fonts: vec![],
        warnings: vec![],
    }
}
