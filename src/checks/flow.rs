//! 資金の流れ rule: `flow.recipients_exceed_block`.

use super::common::{evidence, flag, half_ulp, num, EPS};
use crate::model::review_sheet::{FlowBlock, Recipient, ReviewSheet};
use crate::model::{Evidence, Flag, Severity};

/// Recipient amount in 百万円 (from the exact yen amount when only that is known).
pub(crate) fn recipient_amount(r: &Recipient) -> Option<f64> {
    r.amount_million_yen
        .or(r.amount_yen.map(|y| y as f64 / 1e6))
}

/// Block amount in 百万円.
pub(crate) fn block_amount(b: &FlowBlock) -> Option<f64> {
    b.amount_million_yen
        .or(b.amount_yen.map(|y| y as f64 / 1e6))
}

/// Evidence for a fund-flow block.
pub(crate) fn block_evidence(doc: &str, b: &FlowBlock) -> Evidence {
    let amount = block_amount(b);
    evidence(
        doc,
        format!("資金の流れ {}", b.block),
        amount,
        b.prov.as_ref(),
        format!(
            "{}. {} {}百万円",
            b.block,
            b.label.clone().unwrap_or_default(),
            amount.map(num).unwrap_or_default()
        ),
    )
}

/// Evidence for a recipient's amount.
pub(crate) fn recipient_evidence(doc: &str, r: &Recipient) -> Evidence {
    let amount = recipient_amount(r);
    evidence(
        doc,
        format!("支出先 {}-{} 支出額", r.block, r.rank.unwrap_or(0)),
        amount,
        r.prov.as_ref(),
        format!(
            "{} {}",
            r.name.clone().unwrap_or_default(),
            amount.map(num).unwrap_or_default()
        ),
    )
}

/// Listed recipients of a block add up to more than the block, beyond the rounding of every
/// printed amount.
pub(crate) fn check(doc: &str, sheet: &ReviewSheet, out: &mut Vec<Flag>) {
    for b in &sheet.fund_flow.blocks {
        let Some(amount) = block_amount(b) else {
            continue;
        };
        let rs: Vec<(&Recipient, f64)> = sheet
            .recipients
            .iter()
            .filter(|r| r.block.trim() == b.block.trim())
            .filter_map(|r| recipient_amount(r).map(|a| (r, a)))
            .collect();
        if rs.is_empty() {
            continue;
        }
        let sum: f64 = rs.iter().map(|x| x.1).sum();
        let tol =
            half_ulp(None, amount) + rs.iter().map(|x| half_ulp(None, x.1)).sum::<f64>() + EPS;
        if sum <= amount + tol {
            continue;
        }
        let mut ev = vec![block_evidence(doc, b)];
        ev.extend(rs.iter().map(|(r, _)| recipient_evidence(doc, r)));
        out.push(flag(
            "flow.recipients_exceed_block",
            Severity::Error,
            doc,
            format!(
                "ブロック{}の支出先{}者の合計 {} 百万円が ブロックの金額 {} 百万円を上回る",
                b.block,
                rs.len(),
                num(sum),
                num(amount)
            ),
            format!(
                "the {} listed recipients of block {} add up to {} million yen, more than the block's {} million yen",
                rs.len(),
                b.block,
                num(sum),
                num(amount)
            ),
            ev,
        ));
    }
}
