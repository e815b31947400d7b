//! Facts from any document's lines (running text, slides, tables): amounts, counts, ratios,
//! KPIs, programs, organizations, people, dates and periods, each with page, bbox and the
//! line it was read from.
//!
//! Every line is first [`norm::Norm`]alized (NFKC, spaces dropped between CJK and digits) so
//! that one set of patterns reads `令和 4 年`, `８０ . ０億円` and `19.2億円` alike; char
//! indices map back to the original line for [`crate::layout::Line::span_bbox`]. Numbers are
//! read with regexes ([`amounts`], [`counts`], [`dates`]); names with the Lindera tokens of
//! the line ([`names`]). Facts of a page are linked to the program the page is about (a
//! program named in its top fifth, as on PR sheets and slides), so a PR sheet's amount can be
//! compared with the review sheet of the same program and year.

mod amounts;
mod counts;
mod dates;
mod kpi;
mod names;
pub mod norm;

use crate::layout::{Line, PageLayout};
use crate::model::{Fact, Rect};
use crate::text::Word;
use norm::Norm;
use std::collections::HashSet;
use std::ops::Range;

/// A fact found in one line, before provenance is attached.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// The fact (kind and value fields).
    pub fact: Fact,
    /// Char range in [`Norm::text`] (or in [`Norm::spaced`] when `spaced`).
    pub range: Range<usize>,
    /// Whether `range` indexes the spaced text.
    pub spaced: bool,
}

impl Found {
    pub(crate) fn new(fact: Fact, range: Range<usize>) -> Found {
        Found {
            fact,
            range,
            spaced: false,
        }
    }
}

/// What the extractors see of a line.
pub(crate) struct LineCtx<'a> {
    /// The normalized line.
    pub norm: &'a Norm,
    /// Lindera tokens of `norm.text` (char offsets into it).
    pub words: &'a [Word],
    /// The previous line of the page, normalized.
    pub prev: Option<&'a Norm>,
    /// The next line of the page, normalized.
    pub next: Option<&'a Norm>,
    /// Whether the page prints a heading that makes bare `N(M)` cells counts of 課題.
    pub page_counts_projects: bool,
    /// Whether the page is a member list or names people in labelled fields.
    pub page_lists_people: bool,
}

/// Facts from every page of a document.
pub fn extract(doc: &str, pages: &[PageLayout]) -> Vec<Fact> {
    let mut out = Vec::new();
    for page in pages {
        extract_page(doc, page, &mut out);
    }
    out
}

/// At most this many facts per page: a guard against pages of number tables flooding the
/// facts table (a council slide has a few dozen).
const MAX_PER_PAGE: usize = 400;

/// Consecutive lines (in reading order) on one baseline with at most this gap between them
/// (in line heights) are read as one row: layouts may cut `安西` | `智宏` or `1` | `.` | `設置の目的`
/// into runs, and a name or an amount must not be cut with them.
const ROW_GAP: f32 = 3.0;

/// The page's lines with runs on one baseline joined (a space where the gap is visible).
fn rows(page: &PageLayout) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(page.lines.len());
    for l in &page.lines {
        if let Some(last) = out.last_mut() {
            let h = last.bbox.height().min(l.bbox.height()).max(0.1);
            let gap = l.bbox.x0 - last.bbox.x1;
            let same_row = !l.vertical
                && !last.vertical
                && last.bbox.v_overlap(&l.bbox) >= 0.6 * h
                && gap > -0.5 * h
                && gap < ROW_GAP * h
                && last.char_boxes.len() == last.text.chars().count()
                && l.char_boxes.len() == l.text.chars().count();
            if same_row {
                if gap > 0.25 * h {
                    last.text.push(' ');
                    last.char_boxes.push(Rect::new(
                        last.bbox.x1,
                        last.bbox.y0,
                        l.bbox.x0,
                        last.bbox.y1,
                    ));
                }
                last.text.push_str(&l.text);
                last.char_boxes.extend_from_slice(&l.char_boxes);
                last.bbox = last.bbox.union(&l.bbox);
                continue;
            }
        }
        out.push(l.clone());
    }
    out
}

fn extract_page(doc: &str, page: &PageLayout, out: &mut Vec<Fact>) {
    let lines = rows(page);
    let norms: Vec<Norm> = lines.iter().map(|l| Norm::new(&l.text)).collect();
    let page_text: String = norms.iter().map(|n| n.text.as_str()).collect();
    let page_counts_projects = page_text.contains("課題数");
    let page_lists_people = [
        "委員一覧",
        "名簿",
        "構成員",
        "委員名",
        "有識者",
        "コンサルタント",
        "研究代表者",
        "氏名",
    ]
    .iter()
    .any(|k| page_text.contains(k));
    let mut amount_state = amounts::State::default();
    let mut found_page: Vec<(usize, Found)> = Vec::new();
    for (li, n) in norms.iter().enumerate() {
        if n.text.is_empty() {
            continue;
        }
        let words = crate::text::tokenize(&n.text);
        let ctx = LineCtx {
            norm: n,
            words: &words,
            prev: li.checked_sub(1).and_then(|p| norms.get(p)),
            next: norms.get(li + 1),
            page_counts_projects,
            page_lists_people,
        };
        let mut found = amount_state.line(&ctx);
        found.extend(counts::line(&ctx));
        found.extend(dates::line(&ctx));
        found.extend(kpi::line(&ctx));
        found.extend(names::line(&ctx));
        found_page.extend(found.into_iter().map(|f| (li, f)));
    }
    let topic = page_topic(page, &lines, &found_page);
    let mut seen: HashSet<String> = HashSet::new();
    for (li, f) in found_page.into_iter().take(MAX_PER_PAGE) {
        let line = &lines[li];
        let n = &norms[li];
        let orig = if f.spaced {
            n.original_spaced(f.range.start, f.range.end)
        } else {
            n.original(f.range.start, f.range.end)
        };
        let mut fact = f.fact;
        // Names repeat on a page (running heads, tables): one fact per name and page.
        if matches!(
            fact.kind.as_str(),
            "program" | "organization" | "person" | "date" | "period" | "kpi"
        ) {
            let key = format!("{}\u{1}{}", fact.kind, value_str(&fact));
            if !seen.insert(key) {
                continue;
            }
        }
        fact.document = doc.to_string();
        fact.page = page.number;
        fact.bbox = line.span_bbox(orig);
        fact.text = line.text.clone();
        if fact.program.is_none() && fact.kind != "program" {
            fact.program = topic.clone();
        }
        out.push(fact);
    }
}

fn value_str(f: &Fact) -> String {
    match &f.value {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// The program a page is about: the first program named in the top fifth of the page (PR
/// sheets and slides carry it in the title).
fn page_topic(page: &PageLayout, lines: &[Line], found: &[(usize, Found)]) -> Option<String> {
    let limit = page.height * 0.2;
    found
        .iter()
        .filter(|(li, f)| f.fact.kind == "program" && lines[*li].bbox.y0 <= limit)
        .map(|(_, f)| value_str(&f.fact))
        .next()
}

/// A fact of `kind` with a string value.
pub(crate) fn named(kind: &str, value: &str) -> Fact {
    Fact {
        kind: kind.to_string(),
        value: Some(serde_json::Value::String(value.to_string())),
        ..Fact::default()
    }
}
