//! 契約 rules (informational): `contract.single_bidder`, `contract.award_rate_out_of_range`.

use super::common::{evidence, flag, num};
use crate::model::review_sheet::Recipient;
use crate::model::{Flag, Severity};

/// 落札率 above this (percent) is out of range: an award above the estimated price.
pub const AWARD_RATE_MAX_PCT: f64 = 100.0;

fn ev(
    doc: &str,
    r: &Recipient,
    label: &str,
    value: Option<f64>,
    text: String,
) -> crate::model::Evidence {
    evidence(
        doc,
        format!("支出先 {}-{} {label}", r.block, r.rank.unwrap_or(0)),
        value,
        r.prov.as_ref(),
        text,
    )
}

/// Run the contract rules over the recipient list.
pub(crate) fn check(doc: &str, recipients: &[Recipient], out: &mut Vec<Flag>) {
    for r in recipients {
        let name = r.name.clone().unwrap_or_default();
        let method = r.contract_method.clone().unwrap_or_default();
        if r.bidders == Some(1) {
            let reason = r
                .one_bidder_reason
                .as_deref()
                .map(super::common::compact)
                .filter(|s| !s.is_empty() && !matches!(s.as_str(), "-" | "‐" | "−" | "－"));
            let mut e = vec![ev(
                doc,
                r,
                "入札者数",
                Some(1.0),
                format!("{name} {method} 1"),
            )];
            if let Some(reason) = &reason {
                e.push(ev(doc, r, "一者応札の理由", None, reason.clone()));
            }
            out.push(flag(
                "contract.single_bidder",
                Severity::Info,
                doc,
                format!(
                    "支出先「{name}」（{method}）は一者応札・一者応募{}",
                    if reason.is_some() {
                        ""
                    } else {
                        "（理由の記載なし）"
                    }
                ),
                format!(
                    "recipient \"{name}\" ({method}) had a single bidder{}",
                    if reason.is_some() {
                        ""
                    } else {
                        " (no reason given)"
                    }
                ),
                e,
            ));
        }
        if let Some(rate) = r.award_rate_pct {
            if rate > AWARD_RATE_MAX_PCT || rate <= 0.0 {
                out.push(flag(
                    "contract.award_rate_out_of_range",
                    Severity::Info,
                    doc,
                    format!(
                        "支出先「{name}」の落札率 {}% が 0%超{}%以下の範囲外",
                        num(rate),
                        num(AWARD_RATE_MAX_PCT)
                    ),
                    format!(
                        "recipient \"{name}\": award rate {}% is outside (0, {}]%",
                        num(rate),
                        num(AWARD_RATE_MAX_PCT)
                    ),
                    vec![ev(
                        doc,
                        r,
                        "落札率",
                        Some(rate),
                        format!("{name} {}%", num(rate)),
                    )],
                ));
            }
        }
    }
}
