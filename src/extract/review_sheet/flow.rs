//! 資金の流れ (fund-flow boxes), 費目・使途 and 支出先上位１０者リスト.
//!
//! - Fund-flow blocks are table cells (boxes) whose text starts with a block letter `A.` and
//!   holds an amount line `962 百万円 全35件`; the box without a letter and with an amount is
//!   the source (the ministry).
//! - 費目・使途 tables have a 費目/使途/金額 header; their block letter is a cell above the
//!   header or a text line just above the table.
//! - Recipient tables have a 支出先/法人番号/支出額 header. A table without a header whose rows
//!   line up with the last header continues the previous block (pages of a long list).

use super::{key, numbers, text_value, unwrap_lines, Ctx};
use crate::extract::corporate_number;
use crate::layout::{Cell, Table};
use crate::model::review_sheet::*;
use crate::model::Rect;

/// The block letter of a text like `A.` / `Ａ．` / `A`.
fn block_letter(s: &str) -> Option<String> {
    let k = key(s);
    let mut it = k.chars();
    let c = it.next()?;
    let rest: String = it.collect();
    (c.is_ascii_uppercase() && (rest.is_empty() || rest == ".")).then(|| c.to_string())
}

/// Parse `1,077 百万円 全1件` (amount with unit, optional count).
fn amount_line(s: &str) -> Option<(Option<f64>, Option<i64>, Option<i64>)> {
    let f = numbers::fold(s);
    let re = regex!(
        r"^(?:([▲△\-]?[0-9][0-9,]*(?:\.[0-9]+)?)|-)(百万円|千円|億円|万円|円)(?:全([0-9,]+)件)?"
    );
    let c = re.captures(&f)?;
    let unit = &c[2];
    // `- 百万円`: no amount printed.
    let printed = c.get(1).map(|m| m.as_str()).unwrap_or("-");
    let yen = numbers::to_yen(printed, unit);
    // Value in 百万円 whatever the printed unit.
    let million = match (unit, numbers::parse_decimal(printed)) {
        ("百万円", Some(n)) => Some(n.to_f64()),
        _ => yen.map(|y| y as f64 / 1e6),
    };
    let count = c.get(3).and_then(|m| numbers::parse_int(m.as_str()));
    Some((million, yen, count))
}

/// Fund-flow chart: source and blocks.
pub fn fund_flow(cx: &Ctx) -> FundFlow {
    let mut ff = FundFlow::default();
    let mut boxes: Vec<(usize, Rect, FlowBlock)> = Vec::new();
    for (pi, _, c) in cx.cells() {
        let lines: Vec<&str> = c
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let Some(ai) = lines.iter().position(|l| amount_line(l).is_some()) else {
            continue;
        };
        let (million, yen, count) = amount_line(lines[ai]).unwrap_or((None, None, None));
        let head: String = lines[..ai].concat();
        let hk = key(&head);
        let letter = hk
            .chars()
            .next()
            .filter(|c| c.is_ascii_uppercase())
            .filter(|_| hk.chars().nth(1) == Some('.'));
        match letter {
            Some(l) => {
                let label = hk[2..].to_string();
                let rest: Vec<&str> = lines[ai + 1..].to_vec();
                let note_at = rest
                    .iter()
                    .position(|l| l.starts_with(|c: char| ('①'..='⑳').contains(&c) || c == '※'));
                let (role, note) = match note_at {
                    Some(i) => (&rest[..i], Some(&rest[i..])),
                    None => (&rest[..], None),
                };
                boxes.push((
                    pi,
                    c.bbox,
                    FlowBlock {
                        block: l.to_string(),
                        label: (!label.is_empty()).then_some(label),
                        amount_million_yen: million,
                        amount_yen: yen,
                        count,
                        role: text_value(&role.join("\n")),
                        note: note.map(|n| n.join("\n")),
                        prov: cx.prov(pi, c.bbox, &c.text),
                        ..Default::default()
                    },
                ));
            }
            None if ff.source.is_none() && !hk.is_empty() && ai <= 2 => {
                ff.source = Some(FlowSource {
                    label: Some(hk),
                    amount_million_yen: million,
                });
            }
            None => {}
        }
    }
    // Parent: the nearest box to the left that overlaps vertically, else the nearest box to
    // the left whose top is above this one (the chart flows left to right, top to bottom).
    let geo: Vec<(usize, Rect, String)> = boxes
        .iter()
        .map(|(p, r, b)| (*p, *r, b.block.clone()))
        .collect();
    for (pi, r, b) in boxes.iter_mut() {
        let left: Vec<&(usize, Rect, String)> = geo
            .iter()
            .filter(|(p, o, _)| p == pi && o.x1 <= r.x0 + 1.0)
            .collect();
        let overlap = left
            .iter()
            .filter(|(_, o, _)| o.v_overlap(r) > 2.0)
            .max_by(|a, b| a.1.x1.total_cmp(&b.1.x1));
        let parent = overlap.or_else(|| {
            left.iter()
                .filter(|(_, o, _)| o.y0 <= r.y0)
                .max_by(|a, b| a.1.x1.total_cmp(&b.1.x1).then(a.1.y0.total_cmp(&b.1.y0)))
        });
        b.parent = parent.map(|p| p.2.clone());
        let _ = pi;
    }
    // Relation (【補助金等交付】, 委託【…】): the text between the parent box and this one,
    // or above a box without parent; it may wrap over several short lines.
    let parent_box = |pi: usize, p: &Option<String>| {
        geo.iter()
            .find(|(gp, _, l)| *gp == pi && Some(l) == p.as_ref())
            .map(|g| g.1)
    };
    for (pi, r, b) in boxes.iter_mut() {
        let region = match parent_box(*pi, &b.parent) {
            Some(p) => Rect::new(p.x1 - 2.0, r.y0 - 12.0, r.x0 + 2.0, r.y1),
            None => Rect::new(r.x0 - 10.0, r.y0 - 30.0, r.x1, r.y0 + 2.0),
        };
        let Some(page) = cx.pages.get(*pi) else {
            continue;
        };
        // Chars of the region that are not inside any box (text lines may cross boxes).
        let mut chars: Vec<(Rect, f32, String)> = Vec::new();
        for l in &page.lines {
            for (ch, cb) in l.text.chars().zip(l.char_boxes.iter()) {
                let (x, y) = (cb.cx(), cb.cy());
                if ch.is_whitespace()
                    || !region.contains(x, y)
                    || geo.iter().any(|(gp, o, _)| gp == pi && o.contains(x, y))
                {
                    continue;
                }
                chars.push((*cb, l.size, ch.to_string()));
            }
        }
        let joined =
            key(&crate::layout::table::text_of_glyphs(&chars)).replace(['↓', '→', '←', '↑'], "");
        if let (Some(a), Some(z)) = (joined.find('【'), joined.rfind('】')) {
            if a < z {
                // Keep a word before 【 (委託【…】) but not unrelated text.
                let start = joined[..a]
                    .char_indices()
                    .rev()
                    .take(4)
                    .last()
                    .map(|(i, _)| i)
                    .unwrap_or(a);
                let prefix = &joined[start..a];
                let keep = if prefix.ends_with("委託")
                    || prefix.ends_with("補助")
                    || prefix.ends_with("交付")
                {
                    &joined[a - "委託".len()..a]
                } else {
                    ""
                };
                b.relation = Some(format!("{keep}{}", &joined[a..z + '】'.len_utf8()]));
            }
        }
    }
    ff.blocks = boxes.into_iter().map(|(_, _, b)| b).collect();
    ff.blocks.sort_by(|a, b| a.block.cmp(&b.block));
    ff.blocks.dedup_by(|a, b| a.block == b.block);
    ff
}

/// The block letter of a table: a letter cell above its header row, else a text line just
/// above the table.
fn table_letter(cx: &Ctx, pi: usize, t: &Table, header_row: usize) -> Option<String> {
    if let Some(l) = t
        .cells
        .iter()
        .filter(|c| c.row < header_row)
        .find_map(|c| block_letter(&c.text))
    {
        return Some(l);
    }
    cx.lines[pi]
        .iter()
        .filter(|l| {
            l.bbox.y1 <= t.bbox.y0 + 2.0
                && t.bbox.y0 - l.bbox.y1 < 30.0
                && l.bbox.x0 < t.bbox.x1
                && l.bbox.x1 > t.bbox.x0
        })
        .max_by(|a, b| a.bbox.y1.total_cmp(&b.bbox.y1))
        .and_then(|l| block_letter(&l.text))
}

/// 費目・使途 blocks.
pub fn expenses(cx: &Ctx) -> Vec<ExpenseBlock> {
    let mut out: Vec<ExpenseBlock> = Vec::new();
    for (pi, page) in cx.pages.iter().enumerate() {
        for t in &page.tables {
            let Some(h_item) = t.cells.iter().find(|c| key(&c.text) == "費目") else {
                continue;
            };
            let hr = h_item.row;
            let h_use = t
                .cells
                .iter()
                .find(|c| c.row == hr && key(&c.text) == "使途");
            let h_amt = t
                .cells
                .iter()
                .find(|c| c.row == hr && key(&c.text).starts_with("金額"));
            let unit = if h_amt.is_some_and(|c| key(&c.text).contains("千円")) {
                "千円"
            } else {
                "百万円"
            };
            let to_million = |s: &str| -> Option<f64> {
                if unit == "百万円" {
                    numbers::parse_number(s)
                } else {
                    numbers::to_yen(s, unit).map(|y| y as f64 / 1e6)
                }
            };
            let letter = table_letter(cx, pi, t, hr).unwrap_or_default();
            let mut block = ExpenseBlock {
                block: letter,
                ..Default::default()
            };
            let in_col = |c: &Cell, h: Option<&Cell>| {
                h.is_some_and(|h| c.bbox.cx() >= h.bbox.x0 && c.bbox.cx() <= h.bbox.x1)
            };
            for r in hr + 1..t.rows {
                let cells: Vec<&Cell> = t.cells.iter().filter(|c| c.row == r).collect();
                let item = cells.iter().find(|c| in_col(c, Some(h_item)));
                let amount = cells
                    .iter()
                    .find(|c| in_col(c, h_amt))
                    .and_then(|c| to_million(&c.text));
                let Some(item) = item else { continue };
                if key(&item.text) == "計" {
                    block.total_million_yen = amount;
                    continue;
                }
                if item.is_empty() && amount.is_none() {
                    continue;
                }
                let use_ = cells
                    .iter()
                    .find(|c| in_col(c, h_use))
                    .and_then(|c| text_value(&c.text));
                block.rows.push(ExpenseRow {
                    item: text_value(&item.text),
                    use_,
                    amount_million_yen: amount,
                    prov: cx.prov(
                        pi,
                        item.bbox
                            .union(&cells.last().map(|c| c.bbox).unwrap_or(item.bbox)),
                        &item.text,
                    ),
                });
            }
            out.push(block);
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum RCol {
    Name,
    Corp,
    Summary,
    Amount,
    Method,
    Bidders,
    Rate,
    Reason,
}

/// Recipient list state carried across tables and pages.
struct Header {
    cols: Vec<(RCol, f32, f32)>,
    /// x where the name column starts: the rank sits left of it.
    name_x0: f32,
    unit: &'static str,
}

/// 支出先上位１０者リスト rows of every block.
pub fn recipients(cx: &Ctx) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    let mut header: Option<Header> = None;
    let mut block = String::new();
    for (pi, page) in cx.pages.iter().enumerate() {
        let mut tables: Vec<&Table> = page.tables.iter().collect();
        tables.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
        for t in tables {
            let h_name = t.cells.iter().find(|c| key(&c.text) == "支出先");
            let first_data_row;
            if let Some(hn) = h_name {
                let hr = hn.row;
                let mut cols = Vec::new();
                let mut unit = "百万円";
                for c in t.cells.iter().filter(|c| c.row <= hr && c.row_end() >= hr) {
                    let k = key(&c.text);
                    let col = if k == "支出先" {
                        RCol::Name
                    } else if k.starts_with("法人番号") {
                        RCol::Corp
                    } else if k.starts_with("業務概要") {
                        RCol::Summary
                    } else if k.starts_with("支出額") {
                        if k.contains("千円") {
                            unit = "千円";
                        }
                        RCol::Amount
                    } else if k.starts_with("契約方式") {
                        RCol::Method
                    } else if k.starts_with("入札者数") {
                        RCol::Bidders
                    } else if k.starts_with("落札率") {
                        RCol::Rate
                    } else if k.starts_with("一者応札") {
                        RCol::Reason
                    } else {
                        continue;
                    };
                    cols.push((col, c.bbox.x0, c.bbox.x1));
                }
                if let Some(l) = table_letter(cx, pi, t, hr) {
                    block = l;
                }
                header = Some(Header {
                    cols,
                    name_x0: hn.bbox.x0,
                    unit,
                });
                first_data_row = hr + 1;
            } else {
                // A continuation: no header, but the first row lines up with the last header
                // and starts with a rank.
                let Some(h) = &header else { continue };
                let row0: Vec<&Cell> = t.cells.iter().filter(|c| c.row == 0).collect();
                let aligned = row0
                    .iter()
                    .filter(|c| {
                        h.cols.iter().any(|(_, x0, x1)| {
                            (c.bbox.x0 - x0).abs() < 3.0 && (c.bbox.x1 - x1).abs() < 3.0
                        })
                    })
                    .count();
                let ranked = row0
                    .iter()
                    .any(|c| c.bbox.x1 <= h.name_x0 + 2.0 && numbers::parse_int(&c.text).is_some());
                if aligned < 4 || !ranked {
                    continue;
                }
                first_data_row = 0;
            }
            let Some(h) = &header else { continue };
            for r in first_data_row..t.rows {
                let cells: Vec<&Cell> = t.cells.iter().filter(|c| c.row == r).collect();
                let get = |col: RCol| -> Option<&Cell> {
                    let (_, x0, x1) = h.cols.iter().find(|(k, _, _)| *k == col)?;
                    cells.iter().copied().find(|c| {
                        let x = c.bbox.cx();
                        x >= *x0 && x <= *x1
                    })
                };
                let Some(name_cell) = get(RCol::Name) else {
                    continue;
                };
                if name_cell.is_empty() || block_letter(&name_cell.text).is_some() {
                    continue;
                }
                let rank_cell = cells
                    .iter()
                    .find(|c| c.bbox.x1 <= h.name_x0 + 2.0 && !c.is_empty());
                let rank = rank_cell.and_then(|c| numbers::parse_int(&c.text));
                if rank.is_none() && key(&name_cell.text).starts_with("支出先") {
                    continue;
                }
                let text = |col: RCol| get(col).and_then(|c| text_value(&c.text));
                let amount_text = get(RCol::Amount)
                    .map(|c| c.text.trim().to_string())
                    .unwrap_or_default();
                let yen = numbers::to_yen(&amount_text, h.unit);
                let million = if h.unit == "百万円" {
                    numbers::parse_number(&amount_text)
                } else {
                    yen.map(|y| y as f64 / 1e6)
                };
                let corp_text = get(RCol::Corp).map(|c| key(&c.text)).unwrap_or_default();
                let corporate_number = corporate_number::normalize(&corp_text).or_else(|| {
                    (!corp_text.is_empty() && !numbers::is_blank(&corp_text))
                        .then(|| numbers::fold(&corp_text))
                });
                let rate = get(RCol::Rate).and_then(|c| numbers::parse_percent(&c.text));
                let prev_rank = out
                    .iter()
                    .rev()
                    .find(|x| x.block == block)
                    .and_then(|x| x.rank);
                let row_box = cells
                    .iter()
                    .skip(1)
                    .fold(cells[0].bbox, |a, c| a.union(&c.bbox));
                let row_text: Vec<String> = cells.iter().map(|c| unwrap_lines(&c.text)).collect();
                out.push(Recipient {
                    block: block.clone(),
                    rank: rank.or(prev_rank.map(|r| r + 1)),
                    name: Some(unwrap_lines(&name_cell.text)),
                    corporate_number,
                    summary: text(RCol::Summary),
                    amount_million_yen: million,
                    amount_yen: yen,
                    contract_method: text(RCol::Method),
                    bidders: get(RCol::Bidders).and_then(|c| numbers::parse_int(&c.text)),
                    award_rate_pct: rate,
                    one_bidder_reason: text(RCol::Reason),
                    prov: cx.prov(pi, row_box, &row_text.join(" | ")),
                });
            }
        }
    }
    out
}
