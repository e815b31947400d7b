//! Glyphs → runs → regions (recursive XY-cut) → lines → blocks, in reading order.
//!
//! Every glyph is first mapped into a *reading frame*: `u` runs along the line, `v` across
//! lines in reading order. Horizontal text: u = x, v = y. Vertical writing (縦書き): u = y,
//! v = −x, so columns read right to left. Rotated text gets the matching quarter turn. The rest
//! of the algorithm is frame-agnostic:
//! 1. runs: consecutive glyphs in content order on one baseline with no big gap (the producer
//!    wrote them together);
//! 2. regions: recursive XY-cut over the runs, cutting first across the widest whitespace band
//!    (or a ruling line) between lines, then between columns;
//! 3. lines: runs of a region grouped by baseline, sorted along u, spaces where gaps are wide.

use super::{Block, Line, PageLayout};
use crate::model::Rect;
use crate::pdf::{Glyph, Page, Rule};

/// Two glyphs in content order join a run when the gap along the line is below this (em).
const RUN_GAP: f32 = 1.2;
/// ... and their baselines differ by less than this (em).
const RUN_BASELINE: f32 = 0.35;
/// A space is inserted between runs of a line when the gap exceeds this (em).
const SPACE_GAP: f32 = 0.25;
/// Regions split across lines at whitespace bands at least this tall (em).
const CUT_ACROSS: f32 = 0.9;
/// Regions split into columns at whitespace bands at least this wide (em).
const CUT_ALONG: f32 = 1.6;
/// Runs whose centre lines differ by less than this (em of the smaller) share a line.
const SAME_LINE: f32 = 0.45;

/// Reading frame of a glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Frame {
    Horizontal,
    Vertical,
    Rot90,
    Rot180,
    Rot270,
}

impl Frame {
    fn of(g: &Glyph) -> Frame {
        if g.vertical {
            return Frame::Vertical;
        }
        match g.rotation {
            1 => Frame::Rot90,
            2 => Frame::Rot180,
            3 => Frame::Rot270,
            _ => Frame::Horizontal,
        }
    }

    /// Page rect → frame rect (u0, v0, u1, v1).
    fn to_frame(self, r: &Rect) -> FRect {
        match self {
            Frame::Horizontal => FRect {
                u0: r.x0,
                v0: r.y0,
                u1: r.x1,
                v1: r.y1,
            },
            // Columns right to left, chars top to bottom.
            Frame::Vertical | Frame::Rot90 => FRect {
                u0: r.y0,
                v0: -r.x1,
                u1: r.y1,
                v1: -r.x0,
            },
            Frame::Rot180 => FRect {
                u0: -r.x1,
                v0: -r.y1,
                u1: -r.x0,
                v1: -r.y0,
            },
            // Baseline pointing up: read bottom to top, lines left to right.
            Frame::Rot270 => FRect {
                u0: -r.y1,
                v0: r.x0,
                u1: -r.y0,
                v1: r.x1,
            },
        }
    }
}

/// A rectangle in frame coordinates.
#[derive(Debug, Clone, Copy)]
struct FRect {
    u0: f32,
    v0: f32,
    u1: f32,
    v1: f32,
}

impl FRect {
    fn union(&self, o: &FRect) -> FRect {
        FRect {
            u0: self.u0.min(o.u0),
            v0: self.v0.min(o.v0),
            u1: self.u1.max(o.u1),
            v1: self.v1.max(o.v1),
        }
    }
    fn vc(&self) -> f32 {
        (self.v0 + self.v1) * 0.5
    }
}

/// Glyphs written together on one baseline.
#[derive(Debug, Clone)]
struct Run {
    glyphs: Vec<usize>,
    fr: FRect,
    size: f32,
    /// A whole ruled table standing in the XY-cut as one box (index into the page's tables).
    table: Option<usize>,
}

/// Build the layout of a page: lines in reading order grouped into blocks. Tables are added by
/// [`super::table::find`].
pub fn build(page: &Page) -> PageLayout {
    let mut layout = PageLayout {
        number: page.number,
        width: page.width,
        height: page.height,
        lines: Vec::new(),
        blocks: Vec::new(),
        tables: Vec::new(),
    };
    // Group glyph indices by frame, keeping content order.
    let mut frames: Vec<(Frame, Vec<usize>)> = Vec::new();
    for (i, g) in page.glyphs.iter().enumerate() {
        if g.text.is_empty() {
            continue;
        }
        let f = Frame::of(g);
        match frames.iter_mut().find(|(k, _)| *k == f) {
            Some((_, v)) => v.push(i),
            None => frames.push((f, vec![i])),
        }
    }
    // Frames in order of where their text starts on the page (top first).
    frames.sort_by(|a, b| {
        let top = |v: &Vec<usize>| {
            v.iter()
                .map(|&i| page.glyphs[i].bbox.y0)
                .fold(f32::MAX, f32::min)
        };
        top(&a.1).total_cmp(&top(&b.1))
    });
    layout.tables = if page.rules.is_empty() {
        Vec::new()
    } else {
        super::table::find_in(&page.rules, &page.glyphs)
    };
    let grids = reading_grids(&layout.tables, page);
    let cell_of = cells_of_glyphs(page, &layout.tables, &grids);
    for (frame, idx) in frames {
        let mut runs = make_runs(page, frame, &idx, &cell_of);
        let cuts = frame_rules(frame, &page.rules);
        // Runs inside a ruled grid leave the XY-cut; the grid stands in as one box and is read
        // row by row, cell by cell (a table read column-wise is useless).
        let mut in_cells: Vec<(usize, usize, Run)> = Vec::new();
        if frame == Frame::Horizontal && !grids.is_empty() {
            let mut free = Vec::with_capacity(runs.len());
            for r in runs {
                match cell_of[r.glyphs[0]] {
                    Some((t, c)) => in_cells.push((t, c, r)),
                    None => free.push(r),
                }
            }
            runs = free;
            for &t in &grids {
                let members: Vec<&Run> =
                    in_cells.iter().filter(|x| x.0 == t).map(|x| &x.2).collect();
                if members.is_empty() {
                    continue;
                }
                let mut sizes: Vec<f32> = members.iter().map(|r| r.size).collect();
                sizes.sort_by(f32::total_cmp);
                runs.push(Run {
                    glyphs: vec![members.iter().map(|r| r.glyphs[0]).min().unwrap_or(0)],
                    fr: frame.to_frame(&layout.tables[t].bbox),
                    size: sizes[sizes.len() / 2],
                    table: Some(t),
                });
            }
            runs.sort_by_key(|r| r.glyphs[0]);
        }
        let mut regions: Vec<Vec<Run>> = Vec::new();
        xy_cut(runs, &cuts, &mut regions, 0);
        for region in regions {
            let (tables, text_runs): (Vec<Run>, Vec<Run>) =
                region.into_iter().partition(|r| r.table.is_some());
            // Lines of free text and whole tables, merged by their top edge.
            let mut pieces: Vec<(f32, Vec<Vec<Line>>)> = Vec::new();
            if !text_runs.is_empty() {
                let lines = region_lines(page, frame, text_runs, 0);
                let top = lines
                    .iter()
                    .map(|l| frame.to_frame(&l.bbox).v0)
                    .fold(f32::MAX, f32::min);
                pieces.push((top, vec![lines]));
            }
            for t in tables {
                let ti = t.table.unwrap_or(0);
                let mut cells: Vec<(usize, Vec<Run>)> = Vec::new();
                for (_, c, r) in in_cells.iter().filter(|x| x.0 == ti) {
                    match cells.iter_mut().find(|x| x.0 == *c) {
                        Some(x) => x.1.push(r.clone()),
                        None => cells.push((*c, vec![r.clone()])),
                    }
                }
                let table = &layout.tables[ti];
                cells.sort_by_key(|x| (table.cells[x.0].row, table.cells[x.0].col));
                let groups: Vec<Vec<Line>> = cells
                    .into_iter()
                    .map(|(_, mut rs)| {
                        rs.sort_by_key(|r| r.glyphs[0]);
                        let mut sub: Vec<Vec<Run>> = Vec::new();
                        xy_cut(rs, &cuts, &mut sub, 0);
                        sub.into_iter()
                            .flat_map(|g| region_lines(page, frame, g, 0))
                            .collect()
                    })
                    .collect();
                pieces.push((t.fr.v0, groups));
            }
            pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (_, groups) in pieces {
                for group in groups {
                    push_block(&mut layout, group);
                }
            }
        }
    }
    layout
}

fn push_block(layout: &mut PageLayout, lines: Vec<Line>) {
    let block = layout.blocks.len();
    let mut idx = Vec::with_capacity(lines.len());
    let mut bbox: Option<Rect> = None;
    for mut l in lines {
        l.block = block;
        bbox = Some(bbox.map_or(l.bbox, |b| b.union(&l.bbox)));
        idx.push(layout.lines.len());
        layout.lines.push(l);
    }
    if let Some(bbox) = bbox {
        layout.blocks.push(Block { bbox, lines: idx });
    }
}

/// Tables that shape reading order: real grids (at least 2 × 2 cells) not inside another one.
fn reading_grids(tables: &[super::Table], page: &Page) -> Vec<usize> {
    let page_area = (page.width * page.height).max(1.0);
    let big: Vec<usize> = (0..tables.len())
        .filter(|&i| {
            let t = &tables[i];
            t.rows >= 2 && t.cols >= 2 && t.bbox.width() * t.bbox.height() < 0.95 * page_area
        })
        .collect();
    let inside = |b: Rect, o: Rect| {
        o.x0 <= b.x0 + 1.0 && o.y0 <= b.y0 + 1.0 && o.x1 >= b.x1 - 1.0 && o.y1 >= b.y1 - 1.0
    };
    big.iter()
        .copied()
        .filter(|&i| {
            let b = tables[i].bbox;
            !big.iter().any(|&j| {
                let o = tables[j].bbox;
                j != i && inside(b, o) && o.width() * o.height() > b.width() * b.height()
            })
        })
        .collect()
}

/// The (table, cell) holding each glyph's centre, for the reading grids only.
fn cells_of_glyphs(
    page: &Page,
    tables: &[super::Table],
    grids: &[usize],
) -> Vec<Option<(usize, usize)>> {
    let mut out = vec![None; page.glyphs.len()];
    if grids.is_empty() {
        return out;
    }
    for (gi, g) in page.glyphs.iter().enumerate() {
        if g.vertical || g.rotation != 0 {
            continue;
        }
        let (cx, cy) = (g.bbox.cx(), g.bbox.cy());
        for &t in grids {
            if !tables[t].bbox.contains(cx, cy) {
                continue;
            }
            // The smallest cell holding the centre.
            let mut best: Option<(usize, f32)> = None;
            for (ci, c) in tables[t].cells.iter().enumerate() {
                if c.bbox.contains(cx, cy) {
                    let area = c.bbox.width() * c.bbox.height();
                    if best.is_none_or(|b| area < b.1) {
                        best = Some((ci, area));
                    }
                }
            }
            if let Some((ci, _)) = best {
                out[gi] = Some((t, ci));
            }
            break;
        }
    }
    out
}

fn make_runs(
    page: &Page,
    frame: Frame,
    idx: &[usize],
    cell_of: &[Option<(usize, usize)>],
) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for &i in idx {
        let g = &page.glyphs[i];
        let fr = frame.to_frame(&g.bbox);
        let size = g.size.max(1.0);
        // A run never crosses a cell border.
        let same_cell = runs
            .last()
            .is_none_or(|r| cell_of.get(r.glyphs[0]) == cell_of.get(i));
        if let Some(last) = runs.last_mut().filter(|_| same_cell) {
            let em = last.size.max(size);
            let last_fr = last.fr;
            let prev = frame.to_frame(&page.glyphs[*last.glyphs.last().unwrap_or(&i)].bbox);
            let gap = fr.u0 - prev.u1;
            let baseline = (fr.v1 - prev.v1).abs().min((fr.vc() - prev.vc()).abs());
            if gap < RUN_GAP * em
                && gap > -0.5 * em
                && baseline < RUN_BASELINE * em
                && fr.u0 >= last_fr.u0 - 0.1 * em
            {
                last.glyphs.push(i);
                last.fr = last_fr.union(&fr);
                last.size = last.size.max(size);
                continue;
            }
        }
        runs.push(Run {
            glyphs: vec![i],
            fr,
            size,
            table: None,
        });
    }
    runs
}

/// Ruling lines as forced cuts in frame coordinates: (across?, position, from, to).
#[derive(Debug, Clone, Copy)]
struct Cut {
    /// true: the rule runs along the lines (a cut between lines at `pos` in v).
    across: bool,
    pos: f32,
    from: f32,
    to: f32,
}

fn frame_rules(frame: Frame, rules: &[Rule]) -> Vec<Cut> {
    let mut cuts = Vec::new();
    for r in rules {
        let fr = frame.to_frame(&Rect::new(r.x0, r.y0, r.x1, r.y1));
        let (du, dv) = (fr.u1 - fr.u0, fr.v1 - fr.v0);
        if du > dv {
            cuts.push(Cut {
                across: true,
                pos: fr.vc(),
                from: fr.u0,
                to: fr.u1,
            });
        } else {
            cuts.push(Cut {
                across: false,
                pos: (fr.u0 + fr.u1) * 0.5,
                from: fr.v0,
                to: fr.v1,
            });
        }
    }
    cuts
}

fn median_size(runs: &[Run]) -> f32 {
    let mut s: Vec<f32> = runs.iter().map(|r| r.size).collect();
    s.sort_by(f32::total_cmp);
    s.get(s.len() / 2).copied().unwrap_or(10.0)
}

/// Recursive XY-cut. Splits into regions in reading order.
fn xy_cut(mut runs: Vec<Run>, cuts: &[Cut], out: &mut Vec<Vec<Run>>, depth: usize) {
    if runs.len() <= 1 || depth > 64 {
        if !runs.is_empty() {
            out.push(runs);
        }
        return;
    }
    let em = median_size(&runs);
    let bounds = runs.iter().skip(1).fold(runs[0].fr, |a, r| a.union(&r.fr));
    // Gaps across lines (in v) and between columns (in u), with their widths.
    let across = gaps(&runs, |r| (r.fr.v0, r.fr.v1));
    let along = gaps(&runs, |r| (r.fr.u0, r.fr.u1));
    // A ruling line spanning most of the region's width in a gap forces a cut there, even a
    // narrow one: table rows separated by rules are read row by row.
    let ruled_across: Vec<f32> = across
        .iter()
        .filter(|g| {
            cuts.iter().any(|c| {
                c.across
                    && c.pos >= g.0 - 0.5
                    && c.pos <= g.1 + 0.5
                    && c.to - c.from >= 0.6 * (bounds.u1 - bounds.u0)
                    && c.from <= bounds.u0 + 0.3 * (bounds.u1 - bounds.u0)
            })
        })
        .map(|g| (g.0 + g.1) * 0.5)
        .collect();
    let best_across = across.iter().map(|g| g.1 - g.0).fold(0.0f32, f32::max);
    let best_along = along.iter().map(|g| g.1 - g.0).fold(0.0f32, f32::max);
    let ruled_along: Vec<f32> = along
        .iter()
        .filter(|g| {
            cuts.iter().any(|c| {
                !c.across
                    && c.pos >= g.0 - 0.5
                    && c.pos <= g.1 + 0.5
                    && c.to - c.from >= 0.8 * (bounds.v1 - bounds.v0)
            })
        })
        .map(|g| (g.0 + g.1) * 0.5)
        .collect();

    // Prefer splitting between lines; split into columns only when a wide gutter runs through
    // the whole region and is wider (relative to the font) than the widest gap between lines.
    let column_split = best_along >= CUT_ALONG * em && best_along / em > 1.5 * (best_across / em)
        || !ruled_along.is_empty();
    let positions: Vec<f32>;
    let split_across: bool;
    if !ruled_across.is_empty() {
        positions = ruled_across;
        split_across = true;
    } else if column_split && (best_along >= CUT_ALONG * em || !ruled_along.is_empty()) {
        positions = if best_along >= CUT_ALONG * em {
            along
                .iter()
                .filter(|g| g.1 - g.0 >= CUT_ALONG * em)
                .map(|g| (g.0 + g.1) * 0.5)
                .collect()
        } else {
            ruled_along
        };
        split_across = false;
    } else if best_across >= CUT_ACROSS * em {
        positions = across
            .iter()
            .filter(|g| g.1 - g.0 >= CUT_ACROSS * em)
            .map(|g| (g.0 + g.1) * 0.5)
            .collect();
        split_across = true;
    } else if best_along >= CUT_ALONG * em {
        positions = along
            .iter()
            .filter(|g| g.1 - g.0 >= CUT_ALONG * em)
            .map(|g| (g.0 + g.1) * 0.5)
            .collect();
        split_across = false;
    } else {
        out.push(runs);
        return;
    }
    let key = |r: &Run| {
        if split_across {
            r.fr.vc()
        } else {
            (r.fr.u0 + r.fr.u1) * 0.5
        }
    };
    runs.sort_by(|a, b| key(a).total_cmp(&key(b)));
    let mut parts: Vec<Vec<Run>> = vec![Vec::new(); positions.len() + 1];
    for r in runs {
        let k = key(&r);
        let slot = positions.iter().take_while(|&&p| k > p).count();
        parts[slot].push(r);
    }
    let nonempty = parts.iter().filter(|p| !p.is_empty()).count();
    if nonempty <= 1 {
        // The cut separated nothing (rule outside the runs): stop here.
        let all: Vec<Run> = parts.into_iter().flatten().collect();
        out.push(all);
        return;
    }
    for mut p in parts {
        // Restore content order inside a part: runs' order matters for line building.
        p.sort_by_key(|r| r.glyphs[0]);
        xy_cut(p, cuts, out, depth + 1);
    }
}

/// Whitespace bands between the projections of the runs on one axis: (start, end) pairs.
fn gaps(runs: &[Run], span: impl Fn(&Run) -> (f32, f32)) -> Vec<(f32, f32)> {
    let mut iv: Vec<(f32, f32)> = runs.iter().map(&span).collect();
    iv.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut end = f32::MIN;
    for (s, e) in iv {
        if end > f32::MIN && s > end {
            out.push((end, s));
        }
        end = end.max(e);
    }
    out
}

/// Group a region's runs into lines and build their text.
fn region_lines(page: &Page, frame: Frame, mut runs: Vec<Run>, block: usize) -> Vec<Line> {
    runs.sort_by(|a, b| a.fr.vc().total_cmp(&b.fr.vc()));
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for r in runs {
        let joined = lines.iter_mut().rev().take(3).find(|l| {
            let fr = l.iter().skip(1).fold(l[0].fr, |a, x| a.union(&x.fr));
            let size = l.iter().map(|x| x.size).fold(0.0f32, f32::max).min(r.size);
            let overlap = fr.v1.min(r.fr.v1) - fr.v0.max(r.fr.v0);
            let small = (fr.v1 - fr.v0).min(r.fr.v1 - r.fr.v0).max(0.1);
            ((fr.vc() - r.fr.vc()).abs() < SAME_LINE * size || overlap > 0.6 * small)
                && !l
                    .iter()
                    .any(|x| x.fr.u0 < r.fr.u1 - 0.3 * size && r.fr.u0 < x.fr.u1 - 0.3 * size)
        });
        match joined {
            Some(l) => l.push(r),
            None => lines.push(vec![r]),
        }
    }
    lines.sort_by(|a, b| {
        let va = a.iter().map(|r| r.fr.vc()).sum::<f32>() / a.len() as f32;
        let vb = b.iter().map(|r| r.fr.vc()).sum::<f32>() / b.len() as f32;
        va.total_cmp(&vb)
    });
    let mut out = Vec::with_capacity(lines.len());
    for mut l in lines {
        l.sort_by(|a, b| a.fr.u0.total_cmp(&b.fr.u0));
        let mut text = String::new();
        let mut boxes = Vec::new();
        let mut bbox: Option<Rect> = None;
        let mut prev_u1: Option<f32> = None;
        let mut sizes: Vec<f32> = Vec::new();
        let mut vertical = false;
        for r in &l {
            if let Some(pu) = prev_u1 {
                if r.fr.u0 - pu > SPACE_GAP * r.size {
                    text.push(' ');
                    boxes.push(gap_box(frame, pu, r));
                }
            }
            let mut last_u1: Option<f32> = None;
            for &gi in &r.glyphs {
                let g = &page.glyphs[gi];
                let gf = frame.to_frame(&g.bbox);
                if let Some(lu) = last_u1 {
                    // Spaces inside a run: Latin words set with explicit gaps.
                    if gf.u0 - lu > SPACE_GAP * g.size && !text.ends_with(' ') {
                        text.push(' ');
                        boxes.push(g.bbox);
                    }
                }
                last_u1 = Some(gf.u1);
                for _ in g.text.chars() {
                    boxes.push(g.bbox);
                }
                text.push_str(&g.text);
                bbox = Some(bbox.map_or(g.bbox, |b| b.union(&g.bbox)));
                sizes.push(g.size);
                vertical |= g.vertical;
            }
            prev_u1 = Some(r.fr.u1);
        }
        let Some(bbox) = bbox else { continue };
        sizes.sort_by(f32::total_cmp);
        let size = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0);
        out.push(Line {
            text,
            char_boxes: boxes,
            bbox,
            size,
            vertical,
            block,
        });
    }
    out
}

/// Page-space box of the gap before run `r` (for an inserted space).
fn gap_box(frame: Frame, prev_u1: f32, r: &Run) -> Rect {
    let f = FRect {
        u0: prev_u1,
        v0: r.fr.v0,
        u1: r.fr.u0,
        v1: r.fr.v1,
    };
    match frame {
        Frame::Horizontal => Rect::new(f.u0, f.v0, f.u1, f.v1),
        Frame::Vertical | Frame::Rot90 => Rect::new(-f.v1, f.u0, -f.v0, f.u1),
        Frame::Rot180 => Rect::new(-f.u1, -f.v1, -f.u0, -f.v0),
        Frame::Rot270 => Rect::new(f.v0, -f.u1, f.v1, -f.u0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x: f32, y: f32, vertical: bool) -> Glyph {
        let (w, h) = (10.0, 10.0);
        Glyph {
            text: text.into(),
            bbox: Rect::new(x, y, x + w, y + h),
            size: 10.0,
            font: 0,
            vertical,
            unmapped: false,
            private_use: false,
            rotation: 0,
        }
    }

    fn page(glyphs: Vec<Glyph>) -> Page {
        Page {
            number: 1,
            width: 600.0,
            height: 800.0,
            glyphs,
            rules: vec![],
            fonts: vec![],
            warnings: vec![],
        }
    }

    fn text(l: &PageLayout) -> Vec<String> {
        l.lines.iter().map(|l| l.text.clone()).collect()
    }

    #[test]
    fn two_lines_in_order_even_if_drawn_bottom_first() {
        let p = page(vec![
            g("下", 0.0, 30.0, false),
            g("上", 0.0, 10.0, false),
            g("段", 10.0, 10.0, false),
        ]);
        assert_eq!(text(&build(&p)), vec!["上段", "下"]);
    }

    #[test]
    fn vertical_columns_read_right_to_left() {
        // Column at x=100 (right) reads first, top to bottom.
        let p = page(vec![
            g("左", 50.0, 10.0, true),
            g("列", 50.0, 20.0, true),
            g("右", 100.0, 10.0, true),
            g("列", 100.0, 20.0, true),
        ]);
        assert_eq!(text(&build(&p)), vec!["右列", "左列"]);
    }

    #[test]
    fn wide_gap_between_words_becomes_a_space() {
        let p = page(vec![g("A", 0.0, 10.0, false), g("B", 15.0, 10.0, false)]);
        assert_eq!(text(&build(&p)), vec!["A B"]);
    }

    #[test]
    fn two_columns_are_not_interleaved() {
        let mut glyphs = Vec::new();
        for row in 0..4 {
            let y = 10.0 + row as f32 * 14.0;
            glyphs.push(g("左", 0.0, y, false));
            glyphs.push(g("文", 10.0, y, false));
            glyphs.push(g("右", 200.0, y, false));
            glyphs.push(g("文", 210.0, y, false));
        }
        let l = build(&page(glyphs));
        assert_eq!(
            text(&l),
            vec!["左文", "左文", "左文", "左文", "右文", "右文", "右文", "右文"]
        );
    }
}
