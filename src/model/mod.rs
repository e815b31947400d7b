//! Plain data shared by every stage: geometry and provenance.
//!
//! One geometry everywhere: PDF points, origin at the top-left of the visible page (CropBox,
//! after /Rotate), y growing downwards. The pdf stage converts once; nobody else does.

use serde::{Deserialize, Serialize};

pub mod review_sheet;

/// An axis-aligned rectangle in page points (origin top-left, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl Rect {
    /// A rectangle from two corners in any order.
    pub fn new(xa: f32, ya: f32, xb: f32, yb: f32) -> Rect {
        Rect {
            x0: xa.min(xb),
            y0: ya.min(yb),
            x1: xa.max(xb),
            y1: ya.max(yb),
        }
    }
    /// Width (never negative).
    pub fn width(&self) -> f32 {
        (self.x1 - self.x0).max(0.0)
    }
    /// Height (never negative).
    pub fn height(&self) -> f32 {
        (self.y1 - self.y0).max(0.0)
    }
    /// Horizontal centre.
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) * 0.5
    }
    /// Vertical centre.
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) * 0.5
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
    /// Whether the point lies inside (edges included).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }
    /// Overlap length of the two vertical extents (0 when disjoint).
    pub fn v_overlap(&self, o: &Rect) -> f32 {
        (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0.0)
    }
    /// Overlap length of the two horizontal extents (0 when disjoint).
    pub fn h_overlap(&self, o: &Rect) -> f32 {
        (self.x1.min(o.x1) - self.x0.max(o.x0)).max(0.0)
    }
}

/// Where a value came from: enough for a researcher to open the PDF and see it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// Document id: the BLAKE3 hash of the file's bytes, hex.
    pub document: String,
    /// 1-based page number.
    pub page: u32,
    /// Bounding box of the source text on that page.
    pub bbox: Rect,
    /// The printed text the value was read from.
    pub text: String,
}
