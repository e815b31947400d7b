//! 成果目標・成果指標 (outcome) and 活動目標・活動指標 (output) rows.
//!
//! A KPI group starts at a header row holding 成果指標 or 活動指標 (with 単位 and fiscal-year
//! cells) and runs to the next header row of the same table. Within the group, row-type cells
//! (成果実績, 目標値, 達成度, 活動実績, 当初見込み) carry the per-year values, matched to the
//! year header above by horizontal position. Notes and reasons (設定理由, 根拠として用いた統計)
//! are label rows after the group, possibly in the next table or on the next page.

use super::{key, numbers, text_value, unwrap_lines, wareki, Ctx};
use crate::layout::{Cell, Table};
use crate::model::review_sheet::{Kpi, KpiForecast, KpiValue};
use crate::model::Rect;

#[derive(Clone, Copy, PartialEq)]
enum Col {
    Name,
    Indicator,
    Unit,
    Year(i32),
    Forecast(i32),
    FinalYear,
}

struct Group {
    kpi: Kpi,
    page: usize,
    top: f32,
}

fn header_col(text: &str, sheet_year: i32) -> Option<Col> {
    let k = numbers::fold(&key(text));
    Some(match k.as_str() {
        "成果目標" | "活動目標" => Col::Name,
        "成果指標" | "活動指標" => Col::Indicator,
        "単位" => Col::Unit,
        "目標最終年度" => Col::FinalYear,
        _ => {
            if k.contains("見込") {
                // `5年度活動見込` (era omitted: the sheet's era, 令和).
                let re = regex!(r"^(令和|平成)?(元|\d{1,2})年度");
                let c = re.captures(&k)?;
                let n = if &c[2] == "元" {
                    1
                } else {
                    c[2].parse().ok()?
                };
                let era = c.get(1).map(|m| m.as_str()).unwrap_or("令和");
                let _ = sheet_year;
                Col::Forecast(wareki::era_year(era, n)?)
            } else {
                let re = regex!(r"^(令和|平成)(元|\d{1,2})年度$");
                let c = re.captures(&k)?;
                let n = if &c[2] == "元" {
                    1
                } else {
                    c[2].parse().ok()?
                };
                Col::Year(wareki::era_year(&c[1], n)?)
            }
        }
    })
}

fn in_range(c: &Cell, h: &Rect) -> bool {
    let x = c.bbox.cx();
    x >= h.x0 && x <= h.x1
}

/// Every KPI of the sheet, in printed order.
pub fn kpis(cx: &Ctx) -> Vec<Kpi> {
    let mut groups: Vec<Group> = Vec::new();
    // Label rows after the groups: (page, top, kind of note, text).
    let mut notes: Vec<(usize, f32, bool, String)> = Vec::new();
    for (pi, page) in cx.pages.iter().enumerate() {
        let mut tables: Vec<&Table> = page.tables.iter().collect();
        tables.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
        for t in tables {
            collect_groups(cx, pi, t, &mut groups);
            for c in &t.cells {
                let k = key(&c.text);
                let is_source = k.starts_with("成果実績及び目標値の根拠");
                let is_reason = k.contains("設定理由") && k.chars().count() < 40;
                if is_source || is_reason {
                    if let Some(v) = t.cell_at(c.row, c.col_end() + 1) {
                        if let Some(text) = text_value(&v.text) {
                            notes.push((pi, c.bbox.y0, is_source, text));
                        }
                    }
                }
            }
        }
    }
    // Attach each note to the last group above it.
    for (pi, top, is_source, text) in notes {
        let g = groups
            .iter_mut()
            .rev()
            .find(|g| g.page < pi || (g.page == pi && g.top < top));
        if let Some(g) = g {
            if g.kpi.kind != "outcome" {
                continue;
            }
            if is_source {
                let note = match g.kpi.note.take() {
                    Some(n) => format!("{n}\n{text}"),
                    None => text,
                };
                g.kpi.note = Some(note);
            } else {
                g.kpi.reason = Some(text);
            }
        }
    }
    groups.into_iter().map(|g| g.kpi).collect()
}

fn collect_groups(cx: &Ctx, pi: usize, t: &Table, groups: &mut Vec<Group>) {
    let sheet_year = 2023;
    // Header rows: rows holding a 成果指標/活動指標 cell.
    let mut header_rows: Vec<(usize, bool)> = t
        .cells
        .iter()
        .filter_map(|c| match key(&c.text).as_str() {
            "成果指標" => Some((c.row, true)),
            "活動指標" => Some((c.row, false)),
            _ => None,
        })
        .collect();
    header_rows.sort();
    header_rows.dedup();
    let re = regex!(r"[①-⑳](?:-\d+)?");
    for (i, &(hr, outcome)) in header_rows.iter().enumerate() {
        let end = header_rows.get(i + 1).map(|h| h.0).unwrap_or(t.rows);
        let headers: Vec<(Col, Rect)> = t
            .cells
            .iter()
            .filter(|c| c.row <= hr && c.row_end() >= hr)
            .filter_map(|c| header_col(&c.text, sheet_year).map(|k| (k, c.bbox)))
            .collect();
        let col_of = |c: &Cell| {
            headers
                .iter()
                .find(|(_, r)| in_range(c, r))
                .map(|(k, _)| *k)
        };
        let body: Vec<&Cell> = t
            .cells
            .iter()
            .filter(|c| c.row > hr && c.row < end)
            .collect();
        // Row types.
        let mut rows: Vec<(&Cell, &str)> = Vec::new();
        for c in &body {
            let k = key(&c.text);
            let ty = match k.as_str() {
                "成果実績" | "活動実績" => "actual",
                "目標値" | "当初見込み" | "当初見込" => "target",
                "達成度" => "pct",
                _ => continue,
            };
            rows.push((c, ty));
        }
        if rows.is_empty() {
            continue;
        }
        // Group rows end at the last value row: later rows (設定理由 …) are not part of it.
        let last_row = rows.iter().map(|(c, _)| c.row_end()).max().unwrap_or(hr);
        let first_row = hr + 1;
        let mut kpi = Kpi {
            kind: if outcome { "outcome" } else { "output" }.into(),
            ..Default::default()
        };
        // Label cell: the leftmost cell overlapping the group or header rows, left of the table.
        let label_cell = t
            .cells
            .iter()
            .filter(|c| c.col == 0 && c.row <= last_row && c.row_end() >= hr)
            .min_by_key(|c| c.row);
        if let Some(lc) = label_cell {
            let k = key(&lc.text);
            // Circled digits are not folded here: NFKC would turn ① into 1.
            let raw: String = lc.text.chars().filter(|c| !c.is_whitespace()).collect();
            kpi.label = re.find(&raw).map(|m| m.as_str().to_string());
            for term in [
                "短期アウトカム",
                "中期アウトカム",
                "長期アウトカム",
                "アウトプット",
            ] {
                if k.contains(term) {
                    kpi.term = Some(term.to_string());
                }
            }
        }
        let mut values: Vec<KpiValue> = Vec::new();
        let mut unit: Option<String> = None;
        for c in body
            .iter()
            .filter(|c| c.row >= first_row && c.row <= last_row)
        {
            match col_of(c) {
                Some(Col::Name) if kpi.name.is_none() => kpi.name = text_value(&c.text),
                Some(Col::Indicator) if kpi.indicator.is_none() => {
                    // A ※ note printed in the indicator cell goes to `note`.
                    let full = unwrap_lines(&c.text);
                    match full.find('※') {
                        Some(i) if i > 0 => {
                            kpi.indicator = Some(full[..i].trim().to_string());
                            kpi.note = Some(full[i..].trim().to_string());
                        }
                        _ => kpi.indicator = text_value(&c.text),
                    }
                    kpi.prov = cx.prov(pi, c.bbox, &c.text);
                }
                Some(Col::Unit) if unit.is_none() && !c.is_empty() => unit = text_value(&c.text),
                _ => {}
            }
        }
        if let (Some(u), true) = (&unit, outcome) {
            kpi.unit = Some(u.clone());
        } else {
            kpi.unit = unit.clone();
        }
        // Per-year values from each typed row.
        let years: Vec<i32> = headers
            .iter()
            .filter_map(|(k, _)| if let Col::Year(y) = k { Some(*y) } else { None })
            .collect();
        for &y in &years {
            values.push(KpiValue {
                fiscal_year: Some(y),
                ..Default::default()
            });
        }
        for (rc, ty) in &rows {
            for v in t.right_of(rc) {
                if v.row > rc.row_end() || v.row_end() < rc.row {
                    continue;
                }
                match col_of(v) {
                    Some(Col::Year(y)) if v.row == rc.row => {
                        if let Some(kv) = values.iter_mut().find(|kv| kv.fiscal_year == Some(y)) {
                            let n = numbers::parse_number(&v.text);
                            match *ty {
                                "actual" => kv.actual = n,
                                "target" => kv.target = n,
                                _ => kv.achievement_pct = n,
                            }
                            if kv.prov.is_none() {
                                kv.prov = cx.prov(pi, v.bbox, &v.text);
                            }
                        }
                    }
                    Some(Col::Forecast(y))
                        if !kpi.forecasts.iter().any(|f| f.fiscal_year == Some(y)) =>
                    {
                        kpi.forecasts.push(KpiForecast {
                            fiscal_year: Some(y),
                            value: numbers::parse_number(&v.text),
                        });
                    }
                    Some(Col::FinalYear) => match *ty {
                        "actual" => kpi.target_final_year = wareki::parse_year(&v.text),
                        "target" => kpi.target_final_value = numbers::parse_number(&v.text),
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        kpi.forecasts.sort_by_key(|f| f.fiscal_year);
        kpi.values = values;
        let blank = |s: &Option<String>| s.as_deref().is_none_or(numbers::is_blank);
        let any_value = kpi
            .values
            .iter()
            .any(|v| v.target.is_some() || v.actual.is_some() || v.achievement_pct.is_some());
        if blank(&kpi.indicator) && blank(&kpi.name) && !any_value {
            continue;
        }
        let top = t
            .cells
            .iter()
            .find(|c| c.row == hr)
            .map(|c| c.bbox.y0)
            .unwrap_or(t.bbox.y0);
        groups.push(Group { kpi, page: pi, top });
    }
}
