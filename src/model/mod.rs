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

/// A fact found in any document (running text, slides, tables), with where it was printed.
///
/// `kind` is one of amount, count, ratio, kpi, program, organization, person, date, period.
/// Only the fields that make sense for the kind are set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Fact {
    /// amount, count, ratio, kpi, program, organization, person, date, period.
    pub kind: String,
    /// The value for kinds other than amount: a string (names, ISO dates, periods, KPI text)
    /// or a number (counts, ratios).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// Amount in yen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_yen: Option<i64>,
    /// Lower bound of an amount range, yen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_yen_min: Option<i64>,
    /// Upper bound of an amount range, yen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_yen_max: Option<i64>,
    /// Unit of a count (件, 名, 製品 …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Fiscal year the value refers to (Gregorian).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<i32>,
    /// Period of an amount: `year` (／年), `5years` (／5年間) …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    /// Role word of an amount (予算案額, 補正予算額, 支援額, 上限 …) or a person's role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Percentage target of a KPI statement (…30%以上 → 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_pct: Option<f64>,
    /// Program the fact is about (links council facts to review sheets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// Affiliation of a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Document id (content hash).
    pub document: String,
    /// 1-based page.
    pub page: u32,
    /// Bounding box of the source text.
    pub bbox: Rect,
    /// The source text (the line or cell the fact was read from).
    pub text: String,
}

/// One piece of evidence behind a flag: a value and where it is printed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Evidence {
    /// Document id.
    pub document: String,
    /// What this value is, e.g. `計 2022` or `target 2020`.
    pub label: String,
    /// The number, when the evidence is numeric.
    pub value: Option<f64>,
    /// 1-based page (0 when unknown).
    pub page: u32,
    /// Bounding box on the page.
    pub bbox: Option<Rect>,
    /// The printed text.
    pub text: String,
}

/// Severity of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    #[default]
    Info,
    /// Probably a problem.
    Warning,
    /// Certainly inconsistent.
    Error,
}

/// An evidence-backed observation about one or more documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Flag {
    /// Rule id, e.g. `kpi.multi_ministry_aggregate`.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// The main document id.
    pub document: String,
    /// Other documents involved (cross-document rules).
    pub related_documents: Vec<String>,
    /// Page of the main evidence (0 when unknown).
    pub page: u32,
    /// Short message in Japanese.
    pub message_ja: String,
    /// Short message in English.
    pub message: String,
    /// The values involved, each with page and box.
    pub evidence: Vec<Evidence>,
}

/// One token of Japanese text (Lindera), located by page and line.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Token {
    /// 1-based page.
    pub page: u32,
    /// Line index within the page's reading order.
    pub line: u32,
    /// Token index within the line.
    pub position: u32,
    /// Char offset of the token within the line text.
    pub char_start: u32,
    /// Surface form.
    pub surface: String,
    /// Base (dictionary) form.
    pub base_form: String,
    /// Part of speech (IPADIC top level, e.g. 名詞; `policy` for the user dictionary).
    pub pos: String,
}
