//! `money.unit_slip`: an amount that equals a related amount × 1,000 or × 1,000,000 (円 vs 千円
//! vs 百万円 mixed up).
//!
//! Two kinds of relation are checked, both of which hold exactly on all 40 truth files:
//! - amounts that should be equal: a one-recipient block and its recipient, a block's 費目・使途
//!   計 and its rank-1 recipient, the fund-flow source and the year's 執行額, the 予算内訳 計 and
//!   the 当初予算, 執行額 and 計 (scaled by the printed 執行率);
//! - amounts that cannot exceed another: a recipient and its block, a block and its parent, a
//!   top-level block and the 執行額. Exceeding it more than [`UNIT_SLIP_MIN_EXCESS`] times is
//!   no arithmetic slip but a unit one.
//!
//! Across years, an initial budget 1,000 times the others' median is reported too.

use super::budget::{cell_evidence, table, Col};
use super::common::{evidence, flag, num, ulp};
use super::flow::{block_amount, block_evidence, recipient_amount, recipient_evidence};
use crate::model::review_sheet::ReviewSheet;
use crate::model::{Evidence, Flag, Severity};

/// The unit factors looked for.
pub const UNIT_FACTORS: [f64; 2] = [1_000.0, 1_000_000.0];
/// Two amounts that should be equal are a unit slip when their ratio is within this factor of
/// 1,000 or 1,000,000 (1.5: 1,077 vs 1.077 or 1,077,000, but not 1,077 vs 400).
pub const UNIT_SLIP_WINDOW: f64 = 1.5;
/// An amount exceeding the amount that contains it more than this many times is a unit slip
/// (no rounding or late entry makes a recipient 20 times its block; ×1,000 of a recipient
/// holding at least 2% of its block shows up).
pub const UNIT_SLIP_MIN_EXCESS: f64 = 20.0;
/// The same for a top-level fund-flow block against the year's 執行額, which it never exceeds
/// by more than a little (at most 1.2× in the 40 truth files).
pub const UNIT_SLIP_MIN_EXCESS_EXECUTED: f64 = 10.0;
/// Initial budgets of different years: ratio to the other years' median within this factor of
/// 1,000 or 1,000,000 (budgets do not change 500-fold from one year to the next).
pub const UNIT_SLIP_YEAR_WINDOW: f64 = 2.0;

struct Amt {
    value: f64,
    ev: Evidence,
}

fn factor_near(q: f64, window: f64) -> Option<f64> {
    UNIT_FACTORS
        .iter()
        .copied()
        .find(|k| q >= k / window && q <= k * window)
}

/// Ratio of two positive amounts that should be equal, as a unit factor: (factor, a is bigger).
fn equal_slip(a: &Amt, b: &Amt, window: f64) -> Option<(f64, bool)> {
    if a.value <= 0.0 || b.value <= 0.0 {
        return None;
    }
    let q = a.value / b.value;
    factor_near(q, window)
        .map(|k| (k, true))
        .or_else(|| factor_near(1.0 / q, window).map(|k| (k, false)))
}

/// A part exceeding its container by a unit factor.
fn within_slip(part: &Amt, container: &Amt, min_excess: f64) -> Option<f64> {
    if part.value <= 0.0 || container.value <= 0.0 {
        return None;
    }
    let q = part.value / container.value;
    if q <= min_excess {
        return None;
    }
    UNIT_FACTORS
        .iter()
        .copied()
        .find(|k| q <= k * UNIT_SLIP_WINDOW)
}

fn factor_name(k: f64) -> &'static str {
    if k >= 1e6 {
        "1,000,000"
    } else {
        "1,000"
    }
}

/// Relation label of a slip found by repairing the budget sum.
const REPAIR: &str = "予算額の内訳と計";

struct Found {
    big: Evidence,
    small: Evidence,
    factor: f64,
    relation: &'static str,
    relation_en: &'static str,
}

/// Run the unit-slip rule on one sheet.
pub(crate) fn check(doc: &str, sheet: &ReviewSheet, out: &mut Vec<Flag>) {
    let mut found: Vec<Found> = Vec::new();
    let mut push =
        |big: &Amt, small: &Amt, factor: f64, relation: &'static str, relation_en: &'static str| {
            let dup = found.iter().any(|f| {
                (f.big.label == big.ev.label && f.small.label == small.ev.label)
                    || (f.big.label == small.ev.label && f.small.label == big.ev.label)
            });
            if !dup {
                found.push(Found {
                    big: big.ev.clone(),
                    small: small.ev.clone(),
                    factor,
                    relation,
                    relation_en,
                });
            }
        };
    let equal =
        |a: &Amt,
         b: &Amt,
         rel: &'static str,
         rel_en: &'static str,
         push: &mut dyn FnMut(&Amt, &Amt, f64, &'static str, &'static str)| {
            if let Some((k, a_big)) = equal_slip(a, b, UNIT_SLIP_WINDOW) {
                if a_big {
                    push(a, b, k, rel, rel_en)
                } else {
                    push(b, a, k, rel, rel_en)
                }
            }
        };
    let within =
        |part: &Amt,
         container: &Amt,
         rel: &'static str,
         rel_en: &'static str,
         push: &mut dyn FnMut(&Amt, &Amt, f64, &'static str, &'static str)| {
            if let Some(k) = within_slip(part, container, UNIT_SLIP_MIN_EXCESS) {
                push(part, container, k, rel, rel_en)
            }
        };

    let blocks: Vec<(&crate::model::review_sheet::FlowBlock, Amt)> = sheet
        .fund_flow
        .blocks
        .iter()
        .filter_map(|b| {
            block_amount(b).map(|v| {
                (
                    b,
                    Amt {
                        value: v,
                        ev: block_evidence(doc, b),
                    },
                )
            })
        })
        .collect();
    let recips: Vec<(&crate::model::review_sheet::Recipient, Amt)> = sheet
        .recipients
        .iter()
        .filter_map(|r| {
            recipient_amount(r).map(|v| {
                (
                    r,
                    Amt {
                        value: v,
                        ev: recipient_evidence(doc, r),
                    },
                )
            })
        })
        .collect();

    // Recipients against their block.
    for (b, ba) in &blocks {
        let mine: Vec<&(&crate::model::review_sheet::Recipient, Amt)> = recips
            .iter()
            .filter(|(r, _)| r.block.trim() == b.block.trim())
            .collect();
        let single = mine.len() == 1 && b.count.is_none_or(|c| c == 1);
        for (_, ra) in &mine {
            if single {
                equal(
                    ra,
                    ba,
                    "1者のブロックとその支出先",
                    "a one-recipient block and its recipient",
                    &mut push,
                );
            }
            within(
                ra,
                ba,
                "支出先とそのブロック",
                "a recipient and its block",
                &mut push,
            );
        }
        // Block against its parent block.
        if let Some(p) = b.parent.as_deref() {
            if let Some((_, pa)) = blocks.iter().find(|(x, _)| x.block.trim() == p.trim()) {
                within(
                    ba,
                    pa,
                    "ブロックとその上流ブロック",
                    "a block and the block it receives from",
                    &mut push,
                );
            }
        }
    }
    // 費目・使途 計 against the block's rank-1 recipient (the sheet describes that one) and the
    // block; its rows within it.
    for e in &sheet.expenses {
        let Some(total) = e.total_million_yen else {
            continue;
        };
        let ea = Amt {
            value: total,
            ev: evidence(
                doc,
                format!("費目・使途 {} 計", e.block),
                Some(total),
                None,
                num(total),
            ),
        };
        if let Some((_, ra)) = recips
            .iter()
            .find(|(r, _)| r.block.trim() == e.block.trim() && r.rank == Some(1))
        {
            equal(
                &ea,
                ra,
                "費目・使途の計と最大の支出先",
                "a block's expense total and its top recipient",
                &mut push,
            );
        }
        if let Some((_, ba)) = blocks
            .iter()
            .find(|(b, _)| b.block.trim() == e.block.trim())
        {
            within(
                &ea,
                ba,
                "費目・使途の計とブロック",
                "a block's expense total and the block",
                &mut push,
            );
        }
        // 費目・使途 rows within their 計.
        for r in &e.rows {
            let Some(v) = r.amount_million_yen else {
                continue;
            };
            let ra = Amt {
                value: v,
                ev: evidence(
                    doc,
                    format!(
                        "費目・使途 {} {}",
                        e.block,
                        r.item.clone().unwrap_or_default()
                    ),
                    Some(v),
                    r.prov.as_ref(),
                    num(v),
                ),
            };
            within(
                &ra,
                &ea,
                "費目・使途の行とその計",
                "an expense row and its block total",
                &mut push,
            );
        }
    }
    // 予算内訳 items within their 計.
    if let Some(bd) = &sheet.budget_breakdown {
        if let Some(total) = bd.total_fy2023_initial {
            let ta = Amt {
                value: total,
                ev: evidence(doc, "予算内訳 計 当初予算", Some(total), None, num(total)),
            };
            for i in &bd.items {
                let Some(v) = i.fy2023_initial else { continue };
                let ia = Amt {
                    value: v,
                    ev: evidence(
                        doc,
                        format!(
                            "予算内訳 {} 当初予算",
                            i.moku.clone().or_else(|| i.kou.clone()).unwrap_or_default()
                        ),
                        Some(v),
                        i.prov.as_ref(),
                        num(v),
                    ),
                };
                within(
                    &ia,
                    &ta,
                    "予算内訳の項目とその計",
                    "a budget breakdown item and its total",
                    &mut push,
                );
            }
        }
    }
    // The budget table.
    let t = table(sheet);
    let executed_year = sheet.project.sheet_year.map(|y| y - 1);
    let executed = executed_year
        .and_then(|y| t.get(&y).map(|c| (y, c)))
        .or_else(|| {
            t.iter()
                .rev()
                .find(|(_, c)| c.get(&Col::Executed).and_then(|x| x.value).is_some())
                .map(|(y, c)| (*y, c))
        })
        .and_then(|(y, c)| {
            let cell = c.get(&Col::Executed)?;
            Some(Amt {
                value: cell.value?,
                ev: cell_evidence(doc, y, Col::Executed, cell),
            })
        });
    if let Some(ex) = &executed {
        if let Some(src) = sheet
            .fund_flow
            .source
            .as_ref()
            .and_then(|s| s.amount_million_yen.map(|v| (s, v)))
        {
            let sa = Amt {
                value: src.1,
                ev: evidence(
                    doc,
                    "資金の流れ 支出元",
                    Some(src.1),
                    None,
                    format!(
                        "{} {}百万円",
                        src.0.label.clone().unwrap_or_default(),
                        num(src.1)
                    ),
                ),
            };
            equal(
                &sa,
                ex,
                "資金の流れの起点と執行額",
                "the fund-flow source and the executed amount",
                &mut push,
            );
        }
        for (b, ba) in &blocks {
            if b.parent.is_none() {
                if let Some(k) = within_slip(ba, ex, UNIT_SLIP_MIN_EXCESS_EXECUTED) {
                    push(
                        ba,
                        ex,
                        k,
                        "最上流ブロックと執行額",
                        "a top-level block and the executed amount",
                    );
                }
            }
        }
    }
    for (&y, cols) in &t {
        // A broken 計 = A+B+C−|D|+E that one part ÷ or × 1,000 (1,000,000) repairs.
        if let Some(tc) = cols.get(&Col::Total) {
            let parts: Vec<(Col, f64, &crate::model::review_sheet::BudgetCell)> = [
                Col::Initial,
                Col::Request,
                Col::Supplementary,
                Col::CarryIn,
                Col::CarryOut,
                Col::Reserve,
            ]
            .iter()
            .filter_map(|c| cols.get(c).and_then(|x| x.value.map(|v| (*c, v, *x))))
            .collect();
            let signed = |c: Col, v: f64| if c == Col::CarryOut { -v.abs() } else { v };
            if let (Some(total), false) = (tc.value, parts.is_empty()) {
                let expected: f64 = parts.iter().map(|(c, v, _)| signed(*c, *v)).sum();
                let coarse = parts
                    .iter()
                    .map(|(_, v, c)| ulp(c.printed.as_deref(), *v))
                    .fold(ulp(tc.printed.as_deref(), total), f64::max);
                let close = |a: f64, b: f64| {
                    (a - b).abs() <= 0.001 * a.abs().max(b.abs()) + 0.5 * coarse + 1e-9
                };
                if !close(total, expected) {
                    let ta = Amt {
                        value: total,
                        ev: cell_evidence(doc, y, Col::Total, tc),
                    };
                    for (c, v, cell) in &parts {
                        let pa = Amt {
                            value: *v,
                            ev: cell_evidence(doc, y, *c, cell),
                        };
                        for k in UNIT_FACTORS {
                            let rest = expected - signed(*c, *v);
                            // The arithmetic alone cannot tell a slipped 3,000 from a
                            // wrong 3: a slipped part is at least k printed units of 計, or
                            // a fraction whose k-fold is whole.
                            let big_enough = v.abs() >= k * ulp(tc.printed.as_deref(), total);
                            let scaled_whole =
                                v.fract() != 0.0 && ((v * k).round() - v * k).abs() < 1e-6;
                            if big_enough && close(total, rest + signed(*c, *v) / k) {
                                push(&pa, &ta, k, REPAIR, "a budget column and the year's total");
                            } else if scaled_whole && close(total, rest + signed(*c, *v) * k) {
                                push(&ta, &pa, k, REPAIR, "a budget column and the year's total");
                            }
                        }
                    }
                    let ea = Amt {
                        value: expected,
                        ev: evidence(
                            doc,
                            format!("A+B+C−D+E {y}"),
                            Some(expected),
                            None,
                            num(expected),
                        ),
                    };
                    equal(
                        &ta,
                        &ea,
                        "計と内訳の合計",
                        "the total and the sum of its columns",
                        &mut push,
                    );
                }
            }
        }
        // 執行額 vs 計, scaled by the printed 執行率 when there is one.
        if let (Some(ec), Some(tc)) = (cols.get(&Col::Executed), cols.get(&Col::Total)) {
            if let (Some(ev), Some(tv)) = (ec.value, tc.value) {
                let rate = cols
                    .get(&Col::Rate)
                    .and_then(|c| c.value)
                    .filter(|r| *r > 0.0)
                    .unwrap_or(100.0);
                let scaled = Amt {
                    value: tv * rate / 100.0,
                    ev: cell_evidence(doc, y, Col::Total, tc),
                };
                let ea = Amt {
                    value: ev,
                    ev: cell_evidence(doc, y, Col::Executed, ec),
                };
                equal(
                    &ea,
                    &scaled,
                    "執行額と計（執行率で換算）",
                    "the executed amount and the total (at the printed rate)",
                    &mut push,
                );
            }
        }
    }
    if let Some(bd) = &sheet.budget_breakdown {
        let y = sheet.project.sheet_year.unwrap_or(2023);
        if let (Some(total), Some(cell)) = (
            bd.total_fy2023_initial,
            t.get(&y).and_then(|c| c.get(&Col::Initial)),
        ) {
            if let Some(v) = cell.value {
                let ba = Amt {
                    value: total,
                    ev: evidence(
                        doc,
                        format!("予算内訳 計 当初予算 {y}"),
                        Some(total),
                        None,
                        num(total),
                    ),
                };
                let ca = Amt {
                    value: v,
                    ev: cell_evidence(doc, y, Col::Initial, cell),
                };
                equal(
                    &ba,
                    &ca,
                    "予算内訳の計と当初予算",
                    "the budget breakdown total and the initial budget",
                    &mut push,
                );
            }
        }
    }
    // Initial budgets (要求額 for the request year) across years.
    let series: Vec<Amt> = t
        .iter()
        .filter_map(|(&y, c)| {
            let (col, cell) = c
                .get(&Col::Initial)
                .map(|x| (Col::Initial, *x))
                .or_else(|| c.get(&Col::Request).map(|x| (Col::Request, *x)))?;
            let v = cell.value.filter(|v| *v > 0.0)?;
            Some(Amt {
                value: v,
                ev: cell_evidence(doc, y, col, cell),
            })
        })
        .collect();
    if series.len() >= 2 {
        for (i, a) in series.iter().enumerate() {
            let mut others: Vec<f64> = series
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, x)| x.value)
                .collect();
            others.sort_by(f64::total_cmp);
            let median = others[others.len() / 2];
            let m = series
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .min_by(|x, y| {
                    (x.1.value - median)
                        .abs()
                        .total_cmp(&(y.1.value - median).abs())
                })
                .map(|(_, x)| x);
            if let Some(m) = m {
                match equal_slip(a, m, UNIT_SLIP_YEAR_WINDOW) {
                    Some((k, true)) => push(
                        a,
                        m,
                        k,
                        "年度間の当初予算",
                        "initial budgets of different years",
                    ),
                    Some((k, false)) => push(
                        m,
                        a,
                        k,
                        "年度間の当初予算",
                        "initial budgets of different years",
                    ),
                    None => {}
                }
            }
        }
    }

    // One misprinted amount breaks several relations: report it once, with every amount it
    // disagrees with. Findings sharing an amount form one flag; the shared amount leads.
    let mut groups: Vec<Vec<Found>> = Vec::new();
    for f in found {
        let pos = groups.iter().position(|g| {
            g.iter().any(|x| {
                [&x.big.label, &x.small.label].contains(&&f.big.label)
                    || [&x.big.label, &x.small.label].contains(&&f.small.label)
            })
        });
        match pos {
            Some(p) => groups[p].push(f),
            None => groups.push(vec![f]),
        }
    }
    for g in groups {
        let suspect = g
            .first()
            .map(|f| {
                if g.iter().all(|x| x.small.label == f.small.label) && g.len() > 1 {
                    f.small.clone()
                } else {
                    f.big.clone()
                }
            })
            .unwrap_or_default();
        let mut ev = vec![suspect.clone()];
        let mut ja = Vec::new();
        let mut en = Vec::new();
        for f in &g {
            let (bv, sv) = (f.big.value.unwrap_or(0.0), f.small.value.unwrap_or(0.0));
            if f.relation == REPAIR {
                // The part is whichever side is not the year's 計.
                let (part, pv, op) = if f.big.label.starts_with("計") {
                    (&f.small, sv, "×")
                } else {
                    (&f.big, bv, "÷")
                };
                let total = if f.big.label.starts_with("計") {
                    &f.big
                } else {
                    &f.small
                };
                let tv = total.value.unwrap_or(0.0);
                ja.push(format!(
                    "{}（{}）を{op}{}すると {}（{}）の内訳が合う",
                    part.label,
                    num(pv),
                    factor_name(f.factor),
                    total.label,
                    num(tv)
                ));
                en.push(format!(
                    "{} ({}) {op} {} makes {} ({}) add up",
                    part.label,
                    num(pv),
                    factor_name(f.factor),
                    total.label,
                    num(tv)
                ));
                for e in [&f.big, &f.small] {
                    if !ev.iter().any(|x| x.label == e.label) {
                        ev.push(e.clone());
                    }
                }
                continue;
            }
            let q = if sv > 0.0 { bv / sv } else { 0.0 };
            let q = if q >= 100.0 {
                format!("{q:.0}")
            } else {
                format!("{q:.1}")
            };
            ja.push(format!(
                "{}: {}（{}）は {}（{}）の{q}倍（×{} の単位違いと整合）",
                f.relation,
                f.big.label,
                num(bv),
                f.small.label,
                num(sv),
                factor_name(f.factor)
            ));
            en.push(format!(
                "{}: {} ({}) is {q} times {} ({}), consistent with a ×{} unit slip",
                f.relation_en,
                f.big.label,
                num(bv),
                f.small.label,
                num(sv),
                factor_name(f.factor)
            ));
            for e in [&f.big, &f.small] {
                if !ev.iter().any(|x| x.label == e.label) {
                    ev.push(e.clone());
                }
            }
        }
        out.push(flag(
            "money.unit_slip",
            Severity::Warning,
            doc,
            format!(
                "{} — 単位（円・千円・百万円）の取り違えの可能性",
                ja.join("；")
            ),
            format!(
                "{} — probably a unit slip (yen / thousand / million)",
                en.join("; ")
            ),
            ev,
        ));
    }
}
