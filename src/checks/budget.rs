//! 予算額・執行額 rules: `budget.sum_mismatch`, `budget.rate_mismatch`,
//! `budget.execution_exceeds_budget`.
//!
//! Sign convention (verified on all 40 truth files of the development corpus): 翌年度へ繰越し is
//! printed with ▲ and 計(F) = (A)+(B)+(C)+(D)+(E) with (D) negative; 補正予算 and 予備費等 may
//! themselves be negative (▲). We subtract |D| so that a carry-over read without its ▲ still
//! checks. In the request year the 要求額 takes the place of 当初予算.

use super::common::{evidence, flag, half_ulp, num, ulp, EPS};
use crate::model::review_sheet::{BudgetCell, ReviewSheet};
use crate::model::{Flag, Severity};
use std::collections::BTreeMap;

/// Extra slack on 計 = A+B+C−|D|+E, in units of the coarsest printed place, on top of exact
/// sums of the printed cells. The form computes 計 from the printed cells (all 40 truth files
/// add up exactly), so any difference of at least one printed unit is reported.
pub const SUM_TOLERANCE_ULP: f64 = 0.5;

/// Slack on a printed rate (執行率, (A+B) ratio), in units of its last printed place, beyond the
/// interval the rounded amounts allow: one unit admits both rounding and truncation.
pub const RATE_TOLERANCE_ULP: f64 = 1.0;

/// Which column of the budget table a cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Col {
    Initial,
    Supplementary,
    CarryIn,
    CarryOut,
    Reserve,
    Total,
    Executed,
    Rate,
    RateAb,
    Request,
}

/// Classify a column label (tolerant of spacing and full-width signs).
pub(crate) fn column(label: &str) -> Option<Col> {
    let l = super::common::compact(label);
    Some(
        if l.contains("割合") || (l.contains("当初予算+補正予算") && l.contains("執行"))
        {
            Col::RateAb
        } else if l.contains("執行率") {
            Col::Rate
        } else if l.contains("執行額") {
            Col::Executed
        } else if l.contains("前年度から繰越") || l.contains("前年度繰越") {
            Col::CarryIn
        } else if l.contains("翌年度へ繰越") || l.contains("翌年度繰越") {
            Col::CarryOut
        } else if l.contains("予備費") {
            Col::Reserve
        } else if l.contains("補正") {
            Col::Supplementary
        } else if l.contains("要求") || l.contains("要望") {
            Col::Request
        } else if l.contains("当初") {
            Col::Initial
        } else if l.starts_with('計') || l == "合計" {
            Col::Total
        } else {
            return None;
        },
    )
}

/// The budget table as year → column → cell.
pub(crate) fn table(sheet: &ReviewSheet) -> BTreeMap<i32, BTreeMap<Col, &BudgetCell>> {
    let mut t: BTreeMap<i32, BTreeMap<Col, &BudgetCell>> = BTreeMap::new();
    for c in &sheet.budgets {
        if let (Some(y), Some(col)) = (c.fiscal_year, column(&c.column)) {
            t.entry(y).or_default().entry(col).or_insert(c);
        }
    }
    t
}

fn label(col: Col) -> &'static str {
    match col {
        Col::Initial => "当初予算(A)",
        Col::Supplementary => "補正予算(B)",
        Col::CarryIn => "前年度から繰越し(C)",
        Col::CarryOut => "翌年度へ繰越し(D)",
        Col::Reserve => "予備費等(E)",
        Col::Total => "計(F)",
        Col::Executed => "執行額(G)",
        Col::Rate => "執行率",
        Col::RateAb => "(A+B)に対する執行額の割合",
        Col::Request => "要求額",
    }
}

/// Evidence for a budget cell.
pub(crate) fn cell_evidence(
    doc: &str,
    year: i32,
    col: Col,
    c: &BudgetCell,
) -> crate::model::Evidence {
    evidence(
        doc,
        format!("{} {}", label(col), year),
        c.value,
        c.prov.as_ref(),
        c.printed
            .clone()
            .unwrap_or_else(|| c.value.map(num).unwrap_or_default()),
    )
}

fn hu(c: &BudgetCell) -> f64 {
    half_ulp(c.printed.as_deref(), c.value.unwrap_or(0.0))
}

/// Run the budget rules on one sheet.
pub(crate) fn check(doc: &str, sheet: &ReviewSheet, out: &mut Vec<Flag>) {
    let t = table(sheet);
    for (&year, cols) in &t {
        sum(doc, year, cols, out);
        rates(doc, year, cols, out);
        exceeds(doc, year, cols, out);
    }
    breakdown(doc, sheet, &t, out);
    expenses(doc, sheet, out);
}

fn val<'a>(cols: &BTreeMap<Col, &'a BudgetCell>, col: Col) -> Option<(f64, &'a BudgetCell)> {
    cols.get(&col).and_then(|c| c.value.map(|v| (v, *c)))
}

fn sum(doc: &str, year: i32, cols: &BTreeMap<Col, &BudgetCell>, out: &mut Vec<Flag>) {
    let Some((total, tc)) = val(cols, Col::Total) else {
        return;
    };
    let parts = [
        Col::Initial,
        Col::Request,
        Col::Supplementary,
        Col::CarryIn,
        Col::CarryOut,
        Col::Reserve,
    ];
    let present: Vec<(Col, f64, &BudgetCell)> = parts
        .iter()
        .filter_map(|&p| val(cols, p).map(|(v, c)| (p, v, c)))
        .collect();
    // 当初予算 and 要求額 both stand for (A); a year printing both uses 当初予算.
    let has_initial = present.iter().any(|(p, ..)| *p == Col::Initial);
    let present: Vec<_> = present
        .into_iter()
        .filter(|(p, ..)| !(has_initial && *p == Col::Request))
        .collect();
    if present.is_empty() {
        return;
    }
    let expected: f64 = present
        .iter()
        .map(|(p, v, _)| if *p == Col::CarryOut { -v.abs() } else { *v })
        .sum();
    let coarse = present
        .iter()
        .map(|(_, v, c)| ulp(c.printed.as_deref(), *v))
        .fold(ulp(tc.printed.as_deref(), total), f64::max);
    let diff = total - expected;
    if diff.abs() <= SUM_TOLERANCE_ULP * coarse + EPS {
        return;
    }
    let mut ev = vec![cell_evidence(doc, year, Col::Total, tc)];
    ev.extend(
        present
            .iter()
            .map(|(p, _, c)| cell_evidence(doc, year, *p, c)),
    );
    let terms: Vec<String> = present
        .iter()
        .map(|(p, v, _)| format!("{}={}", label(*p), num(*v)))
        .collect();
    out.push(flag(
        "budget.sum_mismatch",
        Severity::Error,
        doc,
        format!(
            "{year}年度の計 {} が 当初予算+補正予算+前年度から繰越し−翌年度へ繰越し+予備費等 = {} と一致しない（差 {}）",
            num(total),
            num(expected),
            num(diff)
        ),
        format!(
            "FY{year} total {} differs from A+B+C−D+E = {} ({}) by {}",
            num(total),
            num(expected),
            terms.join(", "),
            num(diff)
        ),
        ev,
    ));
}

/// Interval of a / b given half-ulps, as a percentage; None when b may be zero.
fn ratio_range(a: f64, ha: f64, b: f64, hb: f64) -> Option<(f64, f64)> {
    if b - hb <= 0.0 || a < 0.0 {
        return None;
    }
    Some((
        (a - ha).max(0.0) / (b + hb) * 100.0,
        (a + ha) / (b - hb) * 100.0,
    ))
}

fn rates(doc: &str, year: i32, cols: &BTreeMap<Col, &BudgetCell>, out: &mut Vec<Flag>) {
    let Some((ex, exc)) = val(cols, Col::Executed) else {
        return;
    };
    // 執行率 = 執行額 / 計.
    if let (Some((total, tc)), Some((rate, rc))) = (val(cols, Col::Total), val(cols, Col::Rate)) {
        if let Some((lo, hi)) = ratio_range(ex, hu(exc), total, hu(tc)) {
            let slack = RATE_TOLERANCE_ULP * ulp(rc.printed.as_deref(), rate) + EPS;
            if rate < lo - slack || rate > hi + slack {
                let computed = ex / total * 100.0;
                out.push(flag(
                    "budget.rate_mismatch",
                    Severity::Error,
                    doc,
                    format!(
                        "{year}年度の執行率 {}% が 執行額/計 = {}/{} = {:.1}% と一致しない",
                        num(rate),
                        num(ex),
                        num(total),
                        computed
                    ),
                    format!(
                        "FY{year} execution rate {}% but executed/total = {}/{} = {:.1}%",
                        num(rate),
                        num(ex),
                        num(total),
                        computed
                    ),
                    vec![
                        cell_evidence(doc, year, Col::Rate, rc),
                        cell_evidence(doc, year, Col::Executed, exc),
                        cell_evidence(doc, year, Col::Total, tc),
                    ],
                ));
            }
        }
    }
    // (A+B) ratio = 執行額 / (当初予算 + 補正予算).
    let Some((rate, rc)) = val(cols, Col::RateAb) else {
        return;
    };
    let Some((a, ac)) = val(cols, Col::Initial) else {
        return;
    };
    let b = val(cols, Col::Supplementary);
    let ab = a + b.map(|x| x.0).unwrap_or(0.0);
    let hab = hu(ac) + b.map(|x| hu(x.1)).unwrap_or(0.0);
    if let Some((lo, hi)) = ratio_range(ex, hu(exc), ab, hab) {
        let slack = RATE_TOLERANCE_ULP * ulp(rc.printed.as_deref(), rate) + EPS;
        if rate < lo - slack || rate > hi + slack {
            let computed = ex / ab * 100.0;
            let mut ev = vec![
                cell_evidence(doc, year, Col::RateAb, rc),
                cell_evidence(doc, year, Col::Executed, exc),
                cell_evidence(doc, year, Col::Initial, ac),
            ];
            if let Some((_, bc)) = b {
                ev.push(cell_evidence(doc, year, Col::Supplementary, bc));
            }
            out.push(flag(
                "budget.rate_mismatch",
                Severity::Error,
                doc,
                format!(
                    "{year}年度の当初予算＋補正予算に対する執行額の割合 {}% が 執行額/(A+B) = {}/{} = {:.1}% と一致しない",
                    num(rate),
                    num(ex),
                    num(ab),
                    computed
                ),
                format!(
                    "FY{year} ratio to initial+supplementary {}% but executed/(A+B) = {}/{} = {:.1}%",
                    num(rate),
                    num(ex),
                    num(ab),
                    computed
                ),
                ev,
            ));
        }
    }
}

fn exceeds(doc: &str, year: i32, cols: &BTreeMap<Col, &BudgetCell>, out: &mut Vec<Flag>) {
    let (Some((ex, exc)), Some((total, tc))) = (val(cols, Col::Executed), val(cols, Col::Total))
    else {
        return;
    };
    if ex <= total + hu(exc) + hu(tc) + EPS {
        return;
    }
    out.push(flag(
        "budget.execution_exceeds_budget",
        Severity::Warning,
        doc,
        format!(
            "{year}年度の執行額 {} が 計 {} を上回る",
            num(ex),
            num(total)
        ),
        format!(
            "FY{year} executed amount {} exceeds the total budget {}",
            num(ex),
            num(total)
        ),
        vec![
            cell_evidence(doc, year, Col::Executed, exc),
            cell_evidence(doc, year, Col::Total, tc),
        ],
    ));
}

/// 予算内訳: items add up to their 計, and the 計 equals the budget table's 当初予算 (current
/// year) and 要求額 (next year).
fn breakdown(
    doc: &str,
    sheet: &ReviewSheet,
    t: &BTreeMap<i32, BTreeMap<Col, &BudgetCell>>,
    out: &mut Vec<Flag>,
) {
    let Some(bd) = &sheet.budget_breakdown else {
        return;
    };
    let year = sheet.project.sheet_year.unwrap_or(2023);
    type Pick = fn(&crate::model::review_sheet::BreakdownItem) -> Option<f64>;
    let columns: [(i32, Option<f64>, Pick, Col, &str); 2] = [
        (
            year,
            bd.total_fy2023_initial,
            |i| i.fy2023_initial,
            Col::Initial,
            "当初予算",
        ),
        (
            year + 1,
            bd.total_fy2024_request,
            |i| i.fy2024_request,
            Col::Request,
            "要求",
        ),
    ];
    for (y, total, pick, col, name) in columns {
        let Some(total) = total else { continue };
        let items: Vec<(f64, &crate::model::review_sheet::BreakdownItem)> = bd
            .items
            .iter()
            .filter_map(|i| pick(i).map(|v| (v, i)))
            .collect();
        let item_ev = |v: f64, i: &crate::model::review_sheet::BreakdownItem| {
            evidence(
                doc,
                format!(
                    "予算内訳 {} {} {y}",
                    i.moku.clone().or_else(|| i.kou.clone()).unwrap_or_default(),
                    name
                ),
                Some(v),
                i.prov.as_ref(),
                num(v),
            )
        };
        let total_ev = evidence(
            doc,
            format!("予算内訳 計 {name} {y}"),
            Some(total),
            None,
            num(total),
        );
        if !items.is_empty() {
            let s: f64 = items.iter().map(|x| x.0).sum();
            let coarse = items
                .iter()
                .map(|x| ulp(None, x.0))
                .fold(ulp(None, total), f64::max);
            if (s - total).abs() > SUM_TOLERANCE_ULP * coarse + EPS {
                let mut ev = vec![total_ev.clone()];
                ev.extend(items.iter().map(|(v, i)| item_ev(*v, i)));
                out.push(flag(
                    "budget.sum_mismatch",
                    Severity::Error,
                    doc,
                    format!(
                        "予算内訳（{name} {y}年度）の計 {} が 各項目の合計 {} と一致しない",
                        num(total),
                        num(s)
                    ),
                    format!(
                        "budget breakdown ({name} FY{y}) total {} but the items add up to {}",
                        num(total),
                        num(s)
                    ),
                    ev,
                ));
            }
        }
        // The breakdown total against the budget table of the same year.
        let Some(cols) = t.get(&y) else { continue };
        let cell = val(cols, col).or_else(|| {
            if col == Col::Request {
                val(cols, Col::Initial)
            } else {
                None
            }
        });
        if let Some((v, c)) = cell {
            let tol = SUM_TOLERANCE_ULP * ulp(c.printed.as_deref(), v).max(ulp(None, total)) + EPS;
            if (v - total).abs() > tol {
                out.push(flag(
                    "budget.sum_mismatch",
                    Severity::Error,
                    doc,
                    format!("予算内訳の計 {} が 予算額の{name} {} ({y}年度) と一致しない", num(total), num(v)),
                    format!("budget breakdown total {} differs from the budget table's {name} {} (FY{y})", num(total), num(v)),
                    vec![total_ev, cell_evidence(doc, y, col, c)],
                ));
            }
        }
    }
}

/// 費目・使途: rows add up to the block's 計.
fn expenses(doc: &str, sheet: &ReviewSheet, out: &mut Vec<Flag>) {
    for b in &sheet.expenses {
        let Some(total) = b.total_million_yen else {
            continue;
        };
        let rows: Vec<(f64, &crate::model::review_sheet::ExpenseRow)> = b
            .rows
            .iter()
            .filter_map(|r| r.amount_million_yen.map(|v| (v, r)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let s: f64 = rows.iter().map(|x| x.0).sum();
        // Rows are rounded one by one, so allow half a unit per row.
        let tol: f64 =
            rows.iter().map(|x| half_ulp(None, x.0)).sum::<f64>() + half_ulp(None, total) + EPS;
        if (s - total).abs() <= tol {
            continue;
        }
        let mut ev = vec![evidence(
            doc,
            format!("費目・使途 {} 計", b.block),
            Some(total),
            None,
            num(total),
        )];
        ev.extend(rows.iter().map(|(v, r)| {
            evidence(
                doc,
                format!(
                    "費目・使途 {} {}",
                    b.block,
                    r.item.clone().unwrap_or_default()
                ),
                Some(*v),
                r.prov.as_ref(),
                format!("{} {}", r.use_.clone().unwrap_or_default(), num(*v)),
            )
        }));
        out.push(flag(
            "budget.sum_mismatch",
            Severity::Error,
            doc,
            format!(
                "費目・使途 {} の計 {} が 各行の合計 {} と一致しない",
                b.block,
                num(total),
                num(s)
            ),
            format!(
                "expenses of block {}: total {} but the rows add up to {}",
                b.block,
                num(total),
                num(s)
            ),
            ev,
        ));
    }
}
