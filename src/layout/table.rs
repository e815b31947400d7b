//! Ruled tables: cells from the ruling-line grid.
//!
//! 1. Rules are split into horizontal and vertical segments; collinear pieces that touch are
//!    merged (spreadsheet exports draw every cell edge separately).
//! 2. Segments that cross or touch form connected components: one component is one table (a
//!    fund-flow box is a table of one cell; a box drawn inside a larger cell is its own table).
//! 3. The grid of a table is every distinct x of its vertical segments × every distinct y of
//!    its horizontal ones. Two neighbouring grid cells are one (merged) cell when the rule
//!    between them is missing.
//! 4. Glyphs go to the innermost cell holding their centre; a cell's text is built from its
//!    glyphs in reading order (top-to-bottom lines, left to right), so text never leaks across
//!    a cell border even when a layout line does.

use crate::model::Rect;
use crate::pdf::{Glyph, Page, Rule};
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

impl Cell {
    /// Last grid row covered (inclusive).
    pub fn row_end(&self) -> usize {
        self.row + self.row_span - 1
    }
    /// Last grid column covered (inclusive).
    pub fn col_end(&self) -> usize {
        self.col + self.col_span - 1
    }
    /// Whether the cell has no visible text.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
}

impl Table {
    /// The cell covering grid position (row, col).
    pub fn cell_at(&self, row: usize, col: usize) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| row >= c.row && row <= c.row_end() && col >= c.col && col <= c.col_end())
    }

    /// Cells to the right of `cell` that share a grid row with it, left to right.
    pub fn right_of<'a>(&'a self, cell: &Cell) -> Vec<&'a Cell> {
        let mut v: Vec<&Cell> = self
            .cells
            .iter()
            .filter(|c| {
                c.col > cell.col_end() && c.row <= cell.row_end() && c.row_end() >= cell.row
            })
            .collect();
        v.sort_by_key(|c| (c.col, c.row));
        v
    }

    /// The next non-empty cell to the right of `cell` in its first row.
    pub fn value_right_of<'a>(&'a self, cell: &Cell) -> Option<&'a Cell> {
        let mut col = cell.col_end() + 1;
        while col < self.cols {
            let c = self.cell_at(cell.row, col)?;
            if !c.is_empty() {
                return Some(c);
            }
            col = c.col_end() + 1;
        }
        None
    }
}

/// Tolerance for "same position" of rules, in points.
const TOL: f32 = 2.0;

/// Smallest table width and height, in points.
const MIN_BOX: f32 = 6.0;

#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Fixed coordinate (y for horizontal, x for vertical).
    at: f32,
    /// Start along the segment.
    a: f32,
    /// End along the segment.
    b: f32,
}

/// Find the ruled tables of a page.
pub fn find(page: &Page, _lines: &[super::Line]) -> Vec<Table> {
    find_in(&page.rules, &page.glyphs)
}

/// Find the ruled tables given rules and glyphs (page space, y down).
pub fn find_in(rules: &[Rule], glyphs: &[Glyph]) -> Vec<Table> {
    let (hs, vs) = segments(&drop_glyph_strokes(rules, glyphs));
    if hs.is_empty() || vs.is_empty() {
        return Vec::new();
    }
    let comps = components(&hs, &vs);
    let mut grids: Vec<Grid> = comps
        .into_iter()
        .filter_map(|(hi, vi)| {
            let h: Vec<Seg> = hi.iter().map(|&i| hs[i]).collect();
            let v: Vec<Seg> = vi.iter().map(|&i| vs[i]).collect();
            Grid::build(&h, &v)
        })
        // A box smaller than a line of text is a drawing (a glyph outline, a check box).
        .filter(|g| {
            let b = g.bbox();
            b.width() >= MIN_BOX && b.height() >= MIN_BOX
        })
        .collect();
    assign_glyphs(&mut grids, glyphs);
    grids.into_iter().map(Grid::into_table).collect()
}

/// Rules that are part of a glyph's drawing (text painted as stroked outlines, e.g. fake bold
/// in cairo output) rather than ruling: short segments lying inside a glyph box. Left in, they
/// would join the table they touch and split its cells.
fn drop_glyph_strokes(rules: &[Rule], glyphs: &[Glyph]) -> Vec<Rule> {
    const SHORT: f32 = 20.0;
    const SLACK: f32 = 1.0;
    let mut boxes: Vec<Rect> = glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .map(|g| g.bbox)
        .collect();
    boxes.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let max_w = boxes.iter().map(Rect::width).fold(0.0f32, f32::max);
    rules
        .iter()
        .filter(|r| {
            let len = (r.x1 - r.x0).abs().max((r.y1 - r.y0).abs());
            if len >= SHORT || boxes.is_empty() {
                return true;
            }
            let (xa, xb) = (r.x0.min(r.x1), r.x0.max(r.x1));
            let (ya, yb) = (r.y0.min(r.y1), r.y0.max(r.y1));
            let start = boxes.partition_point(|b| b.x0 < xa - max_w - SLACK);
            let inside = boxes[start..]
                .iter()
                .take_while(|b| b.x0 <= xa + SLACK)
                .any(|b| {
                    xa >= b.x0 - SLACK
                        && xb <= b.x1 + SLACK
                        && ya >= b.y0 - SLACK
                        && yb <= b.y1 + SLACK
                });
            !inside
        })
        .copied()
        .collect()
}

/// Horizontal and vertical segments, collinear touching pieces merged.
fn segments(rules: &[Rule]) -> (Vec<Seg>, Vec<Seg>) {
    let mut hs = Vec::new();
    let mut vs = Vec::new();
    for r in rules {
        if !(r.x0.is_finite() && r.y0.is_finite() && r.x1.is_finite() && r.y1.is_finite()) {
            continue;
        }
        let dx = (r.x1 - r.x0).abs();
        let dy = (r.y1 - r.y0).abs();
        if dy < 1.0 && dx >= 2.0 {
            hs.push(Seg {
                at: (r.y0 + r.y1) * 0.5,
                a: r.x0.min(r.x1),
                b: r.x0.max(r.x1),
            });
        } else if dx < 1.0 && dy >= 2.0 {
            vs.push(Seg {
                at: (r.x0 + r.x1) * 0.5,
                a: r.y0.min(r.y1),
                b: r.y0.max(r.y1),
            });
        }
    }
    (merge_collinear(hs), merge_collinear(vs))
}

fn merge_collinear(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.sort_by(|p, q| p.at.total_cmp(&q.at).then(p.a.total_cmp(&q.a)));
    // Group by position (chains of values within TOL/2), then merge overlapping runs.
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    let mut i = 0;
    while i < segs.len() {
        let mut j = i + 1;
        while j < segs.len() && segs[j].at - segs[j - 1].at <= TOL * 0.5 {
            j += 1;
        }
        let mut group: Vec<Seg> = segs[i..j].to_vec();
        group.sort_by(|p, q| p.a.total_cmp(&q.a));
        let mut cur = group[0];
        let mut n = 1.0f32;
        let mut sum_at = cur.at;
        for s in &group[1..] {
            if s.a <= cur.b + TOL {
                cur.b = cur.b.max(s.b);
                sum_at += s.at;
                n += 1.0;
            } else {
                cur.at = sum_at / n;
                out.push(cur);
                cur = *s;
                sum_at = s.at;
                n = 1.0;
            }
        }
        cur.at = sum_at / n;
        out.push(cur);
        i = j;
    }
    out
}

fn touches(h: &Seg, v: &Seg) -> bool {
    v.at >= h.a - TOL && v.at <= h.b + TOL && h.at >= v.a - TOL && h.at <= v.b + TOL
}

/// Connected components of crossing segments: (horizontal indices, vertical indices).
fn components(hs: &[Seg], vs: &[Seg]) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    // Sort verticals by x so each horizontal only looks at the verticals within its span.
    let mut vorder: Vec<usize> = (0..vs.len()).collect();
    vorder.sort_by(|&a, &b| vs[a].at.total_cmp(&vs[b].at));
    let vx: Vec<f32> = vorder.iter().map(|&i| vs[i].at).collect();
    for (hi, h) in hs.iter().enumerate() {
        let start = vx.partition_point(|&x| x < h.a - TOL);
        for k in start..vorder.len() {
            if vx[k] > h.b + TOL {
                break;
            }
            let vi = vorder[k];
            if touches(h, &vs[vi]) {
                let (a, b) = (root(&mut parent, hi), root(&mut parent, hs.len() + vi));
                if a != b {
                    parent[a] = b;
                }
            }
        }
    }
    let mut map: std::collections::HashMap<usize, (Vec<usize>, Vec<usize>)> = Default::default();
    for i in 0..hs.len() {
        let r = root(&mut parent, i);
        map.entry(r).or_default().0.push(i);
    }
    for i in 0..vs.len() {
        let r = root(&mut parent, hs.len() + i);
        map.entry(r).or_default().1.push(i);
    }
    let mut comps: Vec<(Vec<usize>, Vec<usize>)> = map
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .collect();
    comps.sort_by_key(|(h, v)| (h.iter().min().copied(), v.iter().min().copied()));
    comps
}

/// Cluster sorted values closer than TOL; returns the cluster means.
fn cluster(mut xs: Vec<f32>) -> Vec<f32> {
    xs.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    let mut sum = 0.0;
    let mut n = 0.0;
    let mut last = f32::NEG_INFINITY;
    for x in xs {
        if n > 0.0 && x - last > TOL {
            out.push(sum / n);
            sum = 0.0;
            n = 0.0;
        }
        sum += x;
        n += 1.0;
        last = x;
    }
    if n > 0.0 {
        out.push(sum / n);
    }
    out
}

/// Fraction of [a, b] covered by segments at `at` (segments sorted by position).
fn coverage(segs: &[Seg], at: f32, a: f32, b: f32) -> f32 {
    let len = b - a;
    if len <= 0.0 {
        return 1.0;
    }
    let mut spans: Vec<(f32, f32)> = segs
        .iter()
        .filter(|s| (s.at - at).abs() <= TOL && s.b > a && s.a < b)
        .map(|s| (s.a.max(a), s.b.min(b)))
        .collect();
    spans.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut covered = 0.0;
    let mut end = a;
    for (s, e) in spans {
        let s = s.max(end);
        if e > s {
            covered += e - s;
            end = e;
        }
    }
    covered / len
}

struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// Grid position → cell index.
    owner: Vec<usize>,
    /// (row, col, row_end, col_end) per cell.
    cells: Vec<(usize, usize, usize, usize)>,
    /// Glyphs of each cell: (centre y, x0, bbox, text, size).
    glyphs: Vec<Vec<(Rect, f32, String)>>,
}

impl Grid {
    fn build(h: &[Seg], v: &[Seg]) -> Option<Grid> {
        let ys = cluster(h.iter().map(|s| s.at).collect());
        let xs = cluster(v.iter().map(|s| s.at).collect());
        if ys.len() < 2 || xs.len() < 2 {
            return None;
        }
        let (nr, nc) = (ys.len() - 1, xs.len() - 1);
        // Boundary present between vertically adjacent grid cells (r, c) and (r+1, c)?
        let hedge = |r: usize, c: usize| coverage(h, ys[r + 1], xs[c], xs[c + 1]) >= 0.5;
        let vedge = |r: usize, c: usize| coverage(v, xs[c + 1], ys[r], ys[r + 1]) >= 0.5;
        let idx = |r: usize, c: usize| r * nc + c;
        let mut parent: Vec<usize> = (0..nr * nc).collect();
        fn root(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        for r in 0..nr {
            for c in 0..nc {
                if c + 1 < nc && !vedge(r, c) {
                    let (a, b) = (
                        root(&mut parent, idx(r, c)),
                        root(&mut parent, idx(r, c + 1)),
                    );
                    if a != b {
                        parent[b] = a;
                    }
                }
                if r + 1 < nr && !hedge(r, c) {
                    let (a, b) = (
                        root(&mut parent, idx(r, c)),
                        root(&mut parent, idx(r + 1, c)),
                    );
                    if a != b {
                        parent[b] = a;
                    }
                }
            }
        }
        // Each group becomes the rectangle of grid cells it covers.
        let mut group_cell: std::collections::HashMap<usize, usize> = Default::default();
        let mut cells: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut owner = vec![0usize; nr * nc];
        for r in 0..nr {
            for c in 0..nc {
                let g = root(&mut parent, idx(r, c));
                let k = *group_cell.entry(g).or_insert_with(|| {
                    cells.push((r, c, r, c));
                    cells.len() - 1
                });
                let e = &mut cells[k];
                e.0 = e.0.min(r);
                e.1 = e.1.min(c);
                e.2 = e.2.max(r);
                e.3 = e.3.max(c);
                owner[idx(r, c)] = k;
            }
        }
        let n = cells.len();
        Some(Grid {
            xs,
            ys,
            owner,
            cells,
            glyphs: vec![Vec::new(); n],
        })
    }

    fn bbox(&self) -> Rect {
        Rect::new(
            self.xs[0],
            self.ys[0],
            self.xs[self.xs.len() - 1],
            self.ys[self.ys.len() - 1],
        )
    }

    /// The cell holding a point and its area.
    fn locate(&self, x: f32, y: f32) -> Option<(usize, f32)> {
        let c = self.xs.partition_point(|&v| v <= x);
        let r = self.ys.partition_point(|&v| v <= y);
        if c == 0 || r == 0 || c >= self.xs.len() || r >= self.ys.len() {
            return None;
        }
        let k = self.owner[(r - 1) * (self.xs.len() - 1) + (c - 1)];
        let (r0, c0, r1, c1) = self.cells[k];
        let area = (self.xs[c1 + 1] - self.xs[c0]) * (self.ys[r1 + 1] - self.ys[r0]);
        Some((k, area))
    }

    fn into_table(self) -> Table {
        let bbox = self.bbox();
        let mut out: Vec<Cell> = Vec::with_capacity(self.cells.len());
        for (k, &(r0, c0, r1, c1)) in self.cells.iter().enumerate() {
            out.push(Cell {
                row: r0,
                col: c0,
                row_span: r1 - r0 + 1,
                col_span: c1 - c0 + 1,
                bbox: Rect::new(self.xs[c0], self.ys[r0], self.xs[c1 + 1], self.ys[r1 + 1]),
                text: cell_text(&self.glyphs[k]),
            });
        }
        out.sort_by_key(|c| (c.row, c.col));
        Table {
            bbox,
            rows: self.ys.len() - 1,
            cols: self.xs.len() - 1,
            cells: out,
        }
    }
}

/// Put each glyph into the innermost cell (smallest area) that holds its centre.
fn assign_glyphs(grids: &mut [Grid], glyphs: &[Glyph]) {
    let boxes: Vec<Rect> = grids.iter().map(Grid::bbox).collect();
    for g in glyphs {
        if g.text.is_empty() {
            continue;
        }
        let (x, y) = (g.bbox.cx(), g.bbox.cy());
        let mut best: Option<(usize, usize, f32)> = None;
        for (gi, grid) in grids.iter().enumerate() {
            if !boxes[gi].contains(x, y) {
                continue;
            }
            if let Some((k, area)) = grid.locate(x, y) {
                if best.is_none_or(|(_, _, a)| area < a) {
                    best = Some((gi, k, area));
                }
            }
        }
        if let Some((gi, k, _)) = best {
            grids[gi].glyphs[k].push((g.bbox, g.size, g.text.clone()));
        }
    }
}

/// Text from positioned glyphs: lines top to bottom, glyphs left to right, a space where a
/// visible gap separates glyphs, lines joined by '\n'.
pub fn text_of_glyphs(glyphs: &[(Rect, f32, String)]) -> String {
    cell_text(glyphs)
}

fn cell_text(glyphs: &[(Rect, f32, String)]) -> String {
    if glyphs.is_empty() {
        return String::new();
    }
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    order.sort_by(|&a, &b| glyphs[a].0.cy().total_cmp(&glyphs[b].0.cy()));
    // Lines: a glyph joins the current line when its centre lies within the line's band.
    let mut lines: Vec<Vec<usize>> = Vec::new();
    let mut band = (f32::NEG_INFINITY, f32::NEG_INFINITY);
    for i in order {
        let r = glyphs[i].0;
        let cy = r.cy();
        if cy > band.1 || lines.is_empty() {
            lines.push(vec![i]);
            band = (r.y0, r.y1.max(r.y0 + 0.5));
            // Keep the band narrow so stacked lines of small text stay apart.
            let h = band.1 - band.0;
            band = (band.0 + h * 0.15, band.1 - h * 0.15);
        } else {
            lines.last_mut().expect("non-empty").push(i);
        }
    }
    let mut out = String::new();
    for (li, line) in lines.iter_mut().enumerate() {
        line.sort_by(|&a, &b| glyphs[a].0.x0.total_cmp(&glyphs[b].0.x0));
        if li > 0 {
            out.push('\n');
        }
        let mut prev: Option<Rect> = None;
        let mut text = String::new();
        for &i in line.iter() {
            let (r, size, t) = &glyphs[i];
            if t.trim().is_empty() {
                if !text.is_empty() && !text.ends_with(' ') {
                    text.push(' ');
                }
                continue;
            }
            if let Some(p) = prev {
                let gap = r.x0 - p.x1;
                if gap > size.max(1.0) * 0.6 && !text.ends_with(' ') {
                    text.push(' ');
                }
            }
            text.push_str(t);
            prev = Some(*r);
        }
        out.push_str(text.trim());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(x0: f32, y0: f32, x1: f32, y1: f32) -> Rule {
        Rule {
            x0,
            y0,
            x1,
            y1,
            width: 0.5,
        }
    }

    fn glyph(t: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: t.into(),
            bbox: Rect::new(x, y, x + 8.0, y + 8.0),
            size: 8.0,
            font: 0,
            vertical: false,
            unmapped: false,
            private_use: false,
            rotation: 0,
        }
    }

    /// A 3×3 grid 0..300 × 0..90 with the rule between (0,1) and (0,2) missing.
    fn grid_rules() -> Vec<Rule> {
        let mut r = Vec::new();
        for y in [0.0, 30.0, 60.0, 90.0] {
            // Each cell edge drawn separately, as spreadsheet exports do.
            for x in [0.0, 100.0, 200.0] {
                r.push(rule(x, y, x + 100.0, y));
            }
        }
        for x in [0.0, 100.0, 200.0, 300.0] {
            for y in [0.0, 30.0, 60.0] {
                if x == 200.0 && y == 0.0 {
                    continue;
                }
                r.push(rule(x, y, x, y + 30.0));
            }
        }
        r
    }

    #[test]
    fn grid_with_merged_cell() {
        let glyphs = vec![
            glyph("事", 10.0, 10.0),
            glyph("業", 18.0, 10.0),
            glyph("A", 150.0, 10.0),
            glyph("B", 250.0, 10.0),
            glyph("1", 110.0, 35.0),
            glyph("2", 110.0, 46.0),
        ];
        let t = find_in(&grid_rules(), &glyphs);
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!((t.rows, t.cols), (3, 3));
        assert_eq!(t.cells.len(), 8);
        let merged = t.cell_at(0, 2).unwrap();
        assert_eq!((merged.col, merged.col_span), (1, 2));
        assert_eq!(merged.text, "A B");
        assert_eq!(t.cell_at(0, 0).unwrap().text, "事業");
        assert_eq!(t.cell_at(1, 1).unwrap().text, "1\n2");
        assert!(t.cell_at(2, 2).unwrap().is_empty());
        let label = t.cell_at(0, 0).unwrap();
        assert_eq!(t.value_right_of(label).unwrap().text, "A B");
    }

    #[test]
    fn separate_boxes_and_nesting() {
        let mut rules = Vec::new();
        // Outer frame 0..400 × 0..200, and a box inside it 50..150 × 50..100.
        for (x0, y0, x1, y1) in [(0.0, 0.0, 400.0, 200.0), (50.0, 50.0, 150.0, 100.0)] {
            rules.push(rule(x0, y0, x1, y0));
            rules.push(rule(x0, y1, x1, y1));
            rules.push(rule(x0, y0, x0, y1));
            rules.push(rule(x1, y0, x1, y1));
        }
        let glyphs = vec![glyph("in", 60.0, 60.0), glyph("out", 300.0, 150.0)];
        let t = find_in(&rules, &glyphs);
        assert_eq!(t.len(), 2);
        let texts: Vec<&str> = t.iter().map(|t| t.cells[0].text.as_str()).collect();
        assert!(texts.contains(&"in") && texts.contains(&"out"));
    }

    #[test]
    fn no_rules_no_tables() {
        assert!(find_in(&[], &[glyph("x", 0.0, 0.0)]).is_empty());
    }
}
