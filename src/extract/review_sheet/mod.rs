//! 行政事業レビューシート extraction: page layouts → [`ReviewSheet`].
//!
//! Everything is found by its Japanese label and the ruled-table structure, never by
//! coordinates: a label cell's value is the cell to its right; budget values belong to the
//! fiscal year whose header cell sits above them; KPI rows are grouped under their
//! 成果指標/活動指標 header row; fund-flow blocks are boxes whose text starts with `A.`;
//! recipient tables are recognised by their 支出先 header and continue across pages (with or
//! without a repeated header).
//!
//! Submodules: [`kpi`] (成果目標・活動目標), [`flow`] (資金の流れ, 費目・使途, 支出先).

use crate::layout::{Cell, PageLayout, Table};
use crate::model::review_sheet::*;
use crate::model::{Provenance, Rect};
use unicode_normalization::UnicodeNormalization;

use super::numbers;
use super::wareki;

/// A regex compiled once (patterns are constants).
macro_rules! regex {
    ($p:expr) => {{
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        RE.get_or_init(|| regex::Regex::new($p).expect("valid regex"))
    }};
}

pub mod flow;
pub mod kpi;

/// Recognise and extract a review sheet; None when the document is not one.
pub fn extract(doc: &str, pages: &[PageLayout]) -> Option<ReviewSheet> {
    let cx = Ctx::new(doc, pages);
    let is_sheet = cx.lines.iter().flatten().any(|l| {
        let k = key(&l.text);
        k.contains("行政事業レビューシート") || k.starts_with("事業番号")
    }) || cx.cells().any(|(_, _, c)| key(&c.text) == "事業番号");
    if !is_sheet {
        return None;
    }
    let mut rs = ReviewSheet {
        project: project(&cx),
        budgets: budgets(&cx),
        budget_breakdown: breakdown(&cx),
        kpis: kpi::kpis(&cx),
        review: review(&cx),
        related_past_sheets: related(&cx),
        ..Default::default()
    };
    rs.fund_flow = flow::fund_flow(&cx);
    rs.expenses = flow::expenses(&cx);
    rs.recipients = flow::recipients(&cx);
    rs.sheet_id = rs.project.project_number.clone();
    Some(rs)
}

/// Text as a comparison key: NFKC, all whitespace removed.
pub fn key(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Join the wrapped lines of a cell: a line break is kept only before a line that starts a new
/// item (※, ・, 「, ①…, (項) …); otherwise the wrap is layout and is removed.
pub fn unwrap_lines(s: &str) -> String {
    let mut out = String::new();
    for (i, line) in s.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if i > 0 && !out.is_empty() {
            let first = t.chars().next().unwrap_or(' ');
            let last = out.chars().last().unwrap_or(' ');
            let new_item = matches!(
                first,
                '※' | '・' | '「' | '【' | '○' | '●' | '◆' | '■' | '(' | '（'
            ) || ('①'..='⑳').contains(&first);
            if new_item {
                out.push('\n');
            } else if last.is_ascii_alphanumeric() && first.is_ascii_alphanumeric() {
                // Latin words broken across lines keep a separating space only if the break
                // was at a space; we cannot know, so join (URLs and numbers break mid-word).
            }
        }
        out.push_str(t);
    }
    out
}

/// A value or None for blank text.
fn text_value(s: &str) -> Option<String> {
    let t = unwrap_lines(s);
    if t.trim().is_empty() {
        None
    } else {
        Some(t)
    }
}

/// A line of page text rebuilt from the layout's char boxes (independent of how the layout
/// grouped lines): chars on one band, split at wide gaps.
#[derive(Debug, Clone)]
pub struct TextLine {
    /// The text.
    pub text: String,
    /// Bounding box.
    pub bbox: Rect,
}

/// Shared state: the document id, the pages, and page text lines.
pub struct Ctx<'a> {
    /// Document id.
    pub doc: &'a str,
    /// The pages.
    pub pages: &'a [PageLayout],
    /// Text lines per page (same order as `pages`).
    pub lines: Vec<Vec<TextLine>>,
}

impl<'a> Ctx<'a> {
    fn new(doc: &'a str, pages: &'a [PageLayout]) -> Ctx<'a> {
        let lines = pages.iter().map(page_lines).collect();
        Ctx { doc, pages, lines }
    }

    /// Every cell of every table: (page index, table, cell), in page and table order.
    pub fn cells(&self) -> impl Iterator<Item = (usize, &'a Table, &'a Cell)> + '_ {
        self.pages.iter().enumerate().flat_map(|(pi, p)| {
            p.tables
                .iter()
                .flat_map(move |t| t.cells.iter().map(move |c| (pi, t, c)))
        })
    }

    /// Provenance of a cell.
    pub fn prov(&self, page: usize, bbox: Rect, text: &str) -> Option<Provenance> {
        Some(Provenance {
            document: self.doc.to_string(),
            page: self
                .pages
                .get(page)
                .map(|p| p.number)
                .unwrap_or(page as u32 + 1),
            bbox,
            text: text.to_string(),
        })
    }

    /// The first label cell whose key starts with `label` (short cells only).
    pub fn label(&self, label: &str) -> Option<(usize, &'a Table, &'a Cell)> {
        self.cells().find(|(_, _, c)| {
            let k = key(&c.text);
            k.starts_with(label) && k.chars().count() <= 40
        })
    }

    /// The cell right next to a label cell (its value), if any.
    pub fn value_of(&self, label: &str) -> Option<(usize, &'a Cell)> {
        let (pi, t, c) = self.label(label)?;
        let v = t.cell_at(c.row, c.col_end() + 1)?;
        Some((pi, v))
    }
}

/// Rebuild text lines of a page from the chars of its layout lines.
fn page_lines(p: &PageLayout) -> Vec<TextLine> {
    let mut chars: Vec<(Rect, f32, String)> = Vec::new();
    for l in &p.lines {
        for (ch, b) in l.text.chars().zip(l.char_boxes.iter()) {
            if !ch.is_whitespace() {
                chars.push((*b, l.size, ch.to_string()));
            }
        }
    }
    chars.sort_by(|a, b| a.0.cy().total_cmp(&b.0.cy()));
    let mut bands: Vec<Vec<usize>> = Vec::new();
    let mut band_end = f32::NEG_INFINITY;
    for (i, c) in chars.iter().enumerate() {
        let r = c.0;
        if bands.is_empty() || r.cy() > band_end {
            bands.push(vec![i]);
            let h = r.height().max(0.5);
            band_end = r.y1 - h * 0.15;
        } else {
            bands.last_mut().expect("non-empty").push(i);
        }
    }
    let mut out = Vec::new();
    for mut band in bands {
        band.sort_by(|&a, &b| chars[a].0.x0.total_cmp(&chars[b].0.x0));
        let mut cur: Vec<usize> = Vec::new();
        let flush = |cur: &mut Vec<usize>, out: &mut Vec<TextLine>| {
            if cur.is_empty() {
                return;
            }
            let sub: Vec<(Rect, f32, String)> = cur.iter().map(|&i| chars[i].clone()).collect();
            let bbox = sub.iter().skip(1).fold(sub[0].0, |a, c| a.union(&c.0));
            out.push(TextLine {
                text: crate::layout::table::text_of_glyphs(&sub).replace('\n', ""),
                bbox,
            });
            cur.clear();
        };
        for i in band {
            if let Some(&last) = cur.last() {
                let gap = chars[i].0.x0 - chars[last].0.x1;
                if gap > chars[i].1.max(4.0) * 3.0 {
                    flush(&mut cur, &mut out);
                }
            }
            cur.push(i);
        }
        flush(&mut cur, &mut out);
    }
    out
}

fn project(cx: &Ctx) -> Project {
    let mut p = Project::default();
    // 事業番号: from the text line holding the label (parts may sit in separate boxes).
    let re = regex!(
        r"事業番号\s*(\d{4})\s*[-－ー―]?\s*(\S+?)\s*[-－ー―]\s*(\d{2})\s*[-－ー―]\s*(\d{3,4})"
    );
    for (pi, lines) in cx.lines.iter().enumerate() {
        for l in lines
            .iter()
            .filter(|l| key(&l.text).starts_with("事業番号"))
        {
            // The parts may be separate boxes far apart: join the segments of the same band.
            let mut row: Vec<&TextLine> = lines
                .iter()
                .filter(|o| {
                    o.bbox.x0 >= l.bbox.x0 - 1.0
                        && o.bbox.v_overlap(&l.bbox) > 0.5 * l.bbox.height().min(o.bbox.height())
                })
                .collect();
            row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
            let joined: String = row
                .iter()
                .map(|o| o.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let t = numbers::fold(&joined);
            if let Some(c) = re.captures(&t) {
                p.project_number_parts = (1..=4).map(|i| c[i].to_string()).collect();
                let bbox = row.iter().fold(l.bbox, |a, o| a.union(&o.bbox));
                p.prov = cx.prov(pi, bbox, &joined);
                break;
            }
        }
        if !p.project_number_parts.is_empty() {
            break;
        }
    }
    if p.project_number_parts.is_empty() {
        // Fallback: the cells right of the 事業番号 label, dashes dropped.
        if let Some((pi, t, c)) = cx.label("事業番号") {
            let parts: Vec<String> = t
                .right_of(c)
                .into_iter()
                .filter(|v| v.row == c.row)
                .map(|v| key(&v.text))
                .filter(|s| !s.is_empty() && !numbers::is_blank(s))
                .collect();
            if parts.len() >= 4 {
                p.project_number_parts = parts[..4].to_vec();
                p.prov = cx.prov(pi, c.bbox, &c.text);
            }
        }
    }
    if p.project_number_parts.len() == 4 {
        let mut n = p.project_number_parts.join("-");
        // A sub-number printed as （2） after the ministry: 2023-厚労-22-0964-2. It may sit
        // outside any ruled cell, so look at the text lines of the 府省庁 band.
        let sub = regex!(r"[(（](\d{1,2})[)）]$");
        'pages: for lines in &cx.lines {
            for l in lines.iter().filter(|l| key(&l.text).starts_with("府省庁")) {
                for o in lines.iter().filter(|o| {
                    o.bbox.x0 >= l.bbox.x0
                        && o.bbox.v_overlap(&l.bbox) > 0.5 * l.bbox.height().min(o.bbox.height())
                }) {
                    if let Some(c) = sub.captures(&numbers::fold(&key(&o.text))) {
                        n = format!("{n}-{}", &c[1]);
                        break 'pages;
                    }
                }
            }
        }
        p.project_number = Some(n);
    }
    for lines in &cx.lines {
        if let Some(l) = lines
            .iter()
            .find(|l| key(&l.text).contains("行政事業レビューシート"))
        {
            p.sheet_year = wareki::parse_year(&l.text);
            break;
        }
    }
    let get = |label: &str| cx.value_of(label).and_then(|(_, c)| text_value(&c.text));
    p.name = get("事業名");
    p.ministry = get("府省庁");
    p.bureau = get("担当部局庁");
    p.division = get("担当課室");
    p.responsible = cx
        .value_of("作成責任者")
        .and_then(|(_, c)| (!c.is_empty()).then(|| c.text.trim().to_string()));
    p.start_year = get("事業開始年度").and_then(|s| wareki::parse_year(&s));
    p.end_year = get("事業終了").and_then(|s| wareki::parse_year(&s));
    p.account = get("会計区分");
    let raw = |label: &str| {
        cx.value_of(label)
            .and_then(|(_, c)| (!c.is_empty()).then(|| c.text.clone()))
    };
    if let Some(v) = raw("政策・施策名") {
        for line in v.lines() {
            let t = line.trim();
            if t.starts_with("政策") {
                p.policy = Some(t.to_string());
            } else if t.starts_with("施策") {
                p.measure = Some(t.to_string());
            }
        }
        if p.policy.is_none() && p.measure.is_none() {
            p.policy = Some(v);
        }
    }
    p.legal_basis = cx
        .value_of("根拠法令")
        .and_then(|(_, c)| (!c.is_empty()).then(|| c.text.trim().to_string()));
    p.related_plans = get("関係する計画");
    p.major_expense = get("主要経費");
    p.purpose = get("事業の目的");
    p.issues = get("現状・課題");
    p.overview = cx
        .cells()
        .find(|(_, _, c)| {
            let k = key(&c.text);
            k.starts_with("事業概要") && !k.contains("URL") && k.chars().count() <= 30
        })
        .and_then(|(_, t, c)| t.cell_at(c.row, c.col_end() + 1))
        .and_then(|v| text_value(&v.text));
    p.implementation = get("実施方法").map(|s| s.replace('\n', ""));
    p.subsidy_rate = get("補助率等");
    p
}

/// Budget row labels → column names (checked in order: the 割合 row also starts with 当初予算).
fn budget_column(k: &str) -> Option<&'static str> {
    let k = k.replace(['（', '）'], "");
    Some(
        if k.contains("に対する執行額") || k.contains("補正予算に対する") {
            "当初予算＋補正予算に対する執行額の割合"
        } else if k.starts_with("当初予算") {
            "当初予算"
        } else if k.starts_with("補正予算") {
            "補正予算"
        } else if k.starts_with("前年度から繰越") {
            "前年度から繰越し"
        } else if k.starts_with("翌年度へ繰越") {
            "翌年度へ繰越し"
        } else if k.starts_with("予備費等") {
            "予備費等"
        } else if k.starts_with("計(F)") || k.starts_with("計F") || k == "計" {
            "計"
        } else if k.starts_with("執行額") {
            "執行額"
        } else if k.starts_with("執行率") {
            "執行率"
        } else {
            return None;
        },
    )
}

/// A year header cell: (fiscal year, is the request column).
fn year_header(text: &str) -> Option<(i32, bool)> {
    let k = numbers::fold(&key(text));
    let re = regex!(r"^(令和|平成)(元|\d{1,2})年度(要求)?$");
    let c = re.captures(&k)?;
    let n = if &c[2] == "元" {
        1
    } else {
        c[2].parse().ok()?
    };
    Some((wareki::era_year(&c[1], n)?, c.get(3).is_some()))
}

fn budgets(cx: &Ctx) -> Vec<BudgetCell> {
    let mut out = Vec::new();
    for (pi, page) in cx.pages.iter().enumerate() {
        for t in &page.tables {
            // The table must hold the 当初予算 row and year headers.
            let headers: Vec<(&Cell, i32, bool)> = t
                .cells
                .iter()
                .filter_map(|c| year_header(&c.text).map(|(y, r)| (c, y, r)))
                .collect();
            if headers.len() < 2 {
                continue;
            }
            let has_budget = t.cells.iter().any(|c| {
                key(&c.text).starts_with("当初予算(A") || key(&c.text).starts_with("当初予算（A")
            });
            if !has_budget {
                continue;
            }
            let header_row = headers
                .iter()
                .map(|(c, _, _)| c.row_end())
                .min()
                .unwrap_or(0);
            // Unit: 千円 if the table says so, else 百万円.
            let unit =
                if t.cells.iter().any(|c| {
                    key(&c.text).contains("単位:千円") || key(&c.text).contains("単位：千円")
                }) {
                    "千円"
                } else {
                    "百万円"
                };
            for lc in t.cells.iter().filter(|c| c.row > header_row) {
                let Some(col) = budget_column(&key(&lc.text)) else {
                    continue;
                };
                // The year headers that apply: the header row nearest above the label.
                let Some(hrow) = headers
                    .iter()
                    .map(|(h, _, _)| h.row_end())
                    .filter(|&r| r < lc.row)
                    .max()
                else {
                    continue;
                };
                for v in t.right_of(lc) {
                    if v.row != lc.row || v.is_empty() {
                        continue;
                    }
                    let Some(&(_, year, request)) = headers.iter().find(|(h, _, _)| {
                        h.row_end() == hrow && v.bbox.cx() >= h.bbox.x0 && v.bbox.cx() <= h.bbox.x1
                    }) else {
                        continue;
                    };
                    let printed = v.text.trim().to_string();
                    let rate = matches!(col, "執行率" | "当初予算＋補正予算に対する執行額の割合");
                    let column = if request && col == "当初予算" {
                        "要求額"
                    } else {
                        col
                    };
                    out.push(BudgetCell {
                        fiscal_year: Some(year),
                        column: column.to_string(),
                        value: numbers::parse_number(&printed),
                        value_yen: if rate {
                            None
                        } else {
                            numbers::to_yen(&printed, unit)
                        },
                        unit: Some(if rate { "%" } else { unit }.to_string()),
                        printed: Some(printed.clone()),
                        prov: cx.prov(pi, v.bbox, &printed),
                    });
                }
            }
        }
    }
    out
}

fn breakdown(cx: &Ctx) -> Option<BudgetBreakdown> {
    let (pi, t, h) = cx.label("歳出予算項・目")?;
    let _ = pi;
    let col_of = |pred: &dyn Fn(&str) -> bool| {
        t.cells
            .iter()
            .find(|c| c.row == h.row && c.col > h.col && pred(&key(&c.text)))
    };
    let initial = col_of(&|k| k.contains("当初予算"));
    let request = col_of(&|k| k.contains("要求"));
    let reason_h = col_of(&|k| k.contains("増減理由"));
    let in_col = |c: &Cell, hc: Option<&Cell>| {
        hc.is_some_and(|h| c.bbox.cx() >= h.bbox.x0 && c.bbox.cx() <= h.bbox.x1)
    };
    let mut bd = BudgetBreakdown::default();
    let mut rows: Vec<&Cell> = t
        .cells
        .iter()
        .filter(|c| c.row > h.row && c.col == h.col && !c.is_empty())
        .collect();
    rows.sort_by_key(|c| c.row);
    for rc in rows {
        let vals: Vec<&Cell> = t
            .right_of(rc)
            .into_iter()
            .filter(|v| v.row == rc.row)
            .collect();
        let num_in = |hc: Option<&Cell>| {
            vals.iter()
                .find(|v| in_col(v, hc))
                .and_then(|v| numbers::parse_number(&v.text))
        };
        let k = key(&rc.text);
        if k == "計" {
            bd.total_fy2023_initial = num_in(initial);
            bd.total_fy2024_request = num_in(request);
            continue;
        }
        let mut item = BreakdownItem::default();
        for line in rc.text.lines() {
            let l = key(line);
            if let Some(r) = l.strip_prefix("(項)") {
                item.kou = Some(r.to_string());
            } else if let Some(r) = l.strip_prefix("(目)") {
                item.moku = Some(r.to_string());
            } else if let Some(m) = item.moku.as_mut() {
                m.push_str(&l);
            } else if let Some(k) = item.kou.as_mut() {
                k.push_str(&l);
            }
        }
        item.fy2023_initial = num_in(initial);
        item.fy2024_request = num_in(request);
        item.prov = cx.prov(pi, rc.bbox, &rc.text);
        bd.items.push(item);
    }
    bd.reason = t
        .cells
        .iter()
        .find(|c| c.row > h.row && in_col(c, reason_h) && !c.is_empty())
        .and_then(|c| text_value(&c.text));
    Some(bd)
}

fn below(t: &Table, c: &Cell) -> Option<String> {
    let v = t.cell_at(c.row_end() + 1, c.col)?;
    text_value(&v.text)
}

fn review(cx: &Ctx) -> Review {
    let get = |label: &str| cx.value_of(label).and_then(|(_, c)| text_value(&c.text));
    let mut r = Review {
        check_result: get("点検結果"),
        improvement_direction: get("改善の方向性"),
        external_expert: get("外部有識者の所見"),
        ..Default::default()
    };
    if let Some((pi, t, c)) = cx.label("点検結果") {
        r.prov = cx.prov(pi, c.bbox, &c.text);
        let _ = t;
    }
    // 判定/所見 and 反映状況/改善点 are header cells with the values below them.
    for (_, t, c) in cx.cells() {
        match key(&c.text).as_str() {
            "判定" => r.team_judgement = below(t, c),
            "所見" => r.team_opinion = below(t, c),
            "改善点" => r.reflection = below(t, c),
            _ => {}
        }
    }
    r
}

fn related(cx: &Ctx) -> Vec<RelatedSheet> {
    let mut out = Vec::new();
    let Some((_, t, l)) = cx.label("関連する過去のレビューシート") else {
        return out;
    };
    let re = regex!(r"^(令和|平成)(元|\d{1,2})年度$");
    for c in &t.cells {
        if c.col <= l.col_end() || c.row < l.row || c.row > l.row_end() {
            continue;
        }
        let k = key(&c.text);
        if re.is_match(&k) {
            let value = t
                .cell_at(c.row, c.col_end() + 1)
                .map(|v| v.text.replace('\n', "").trim().to_string());
            out.push(RelatedSheet {
                fiscal_year: wareki::parse_year(&k),
                label: Some(k),
                value,
            });
        }
    }
    out.sort_by_key(|r| r.fiscal_year);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwrap_keeps_items() {
        assert_eq!(
            unwrap_lines("医療機器・システムにおいて、非臨\n床POCの取得"),
            "医療機器・システムにおいて、非臨床POCの取得"
        );
        assert_eq!(unwrap_lines("設定。\n※達成目標"), "設定。\n※達成目標");
    }

    #[test]
    fn budget_labels() {
        assert_eq!(budget_column("当初予算(A)"), Some("当初予算"));
        assert_eq!(
            budget_column("当初予算+補正予算に対する執行額の割合(%)=(G)/{(A)+(B)}"),
            Some("当初予算＋補正予算に対する執行額の割合")
        );
        assert_eq!(budget_column("計(F)=(A)+(B)"), Some("計"));
        assert_eq!(year_header("令和6年度要求"), Some((2024, true)));
        assert_eq!(year_header("令和2年度"), Some((2020, false)));
    }
}
