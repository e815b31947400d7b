//! PDF → pages of positioned glyphs and ruling lines.
//!
//! lopdf parses the file into objects; everything about text is ours: [`cmap`] reads
//! character-code → CID/Unicode maps (embedded and the predefined Adobe-Japan1 set vendored in
//! dictionaries/cmap), [`font`] turns a font dictionary into a decoder with widths, and
//! [`content`] interprets page content streams (text state, CTM, Form XObjects) into
//! [`Glyph`]s and [`Rule`]s in page space (points, origin top-left, y down).
//!
//! Must not: do layout (that is `layout`), touch the database, or panic on any input.

pub mod cmap;
pub mod content;
pub mod document;
pub mod error;
pub mod font;
pub mod unicode;

pub use document::{open, PdfFile};
pub use error::PdfError;

use crate::model::Rect;
use serde::Serialize;

/// One glyph shown on a page.
#[derive(Debug, Clone, Serialize)]
pub struct Glyph {
    /// Unicode text of the glyph (usually one char; ligatures give more; empty if unmapped).
    pub text: String,
    /// Bounding box in page space: advance × (ascent..descent) for horizontal writing,
    /// font-size wide and advance high for vertical writing.
    pub bbox: Rect,
    /// Effective font size in points (font size × text and CTM scale).
    pub size: f32,
    /// Index into [`Page::fonts`].
    pub font: u16,
    /// Written vertically (Identity-V, a -V CMap).
    pub vertical: bool,
    /// The code had no Unicode mapping and was replaced (U+FFFD never reaches output).
    pub unmapped: bool,
    /// The text came from a private-use code point (kept, but marked).
    pub private_use: bool,
    /// Rotation of the baseline in quarter turns (0 = left-to-right upright).
    pub rotation: u8,
}

/// A ruling line or the edge of a thin filled rectangle, in page space.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Start point x.
    pub x0: f32,
    /// Start point y.
    pub y0: f32,
    /// End point x.
    pub x1: f32,
    /// End point y.
    pub y1: f32,
    /// Line width in points.
    pub width: f32,
}

impl Rule {
    /// Horizontal within tolerance.
    pub fn is_horizontal(&self) -> bool {
        (self.y1 - self.y0).abs() < 1.0 && (self.x1 - self.x0).abs() >= 1.0
    }
    /// Vertical within tolerance.
    pub fn is_vertical(&self) -> bool {
        (self.x1 - self.x0).abs() < 1.0 && (self.y1 - self.y0).abs() >= 1.0
    }
}

/// A non-fatal oddity met while reading a page (kept and stored, never fatal).
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    /// 1-based page.
    pub page: u32,
    /// Short machine-readable code, e.g. `font.missing`.
    pub code: &'static str,
    /// Human detail.
    pub detail: String,
}

/// One page of glyphs and rules.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Visible width in points (after /Rotate).
    pub width: f32,
    /// Visible height in points (after /Rotate).
    pub height: f32,
    /// Glyphs in content-stream order.
    pub glyphs: Vec<Glyph>,
    /// Ruling lines.
    pub rules: Vec<Rule>,
    /// Font names used on the page, indexed by [`Glyph::font`].
    pub fonts: Vec<String>,
    /// Non-fatal problems.
    pub warnings: Vec<Warning>,
}
