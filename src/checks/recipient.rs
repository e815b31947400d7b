//! 支出先 rules: `recipient.bad_corporate_number` (per document) and
//! `recipient.name_conflict` (across documents).

use super::common::{compact, evidence, flag};
use crate::extract::corporate_number;
use crate::model::review_sheet::Recipient;
use crate::model::{Evidence, Flag, Severity};

/// Legal-form words dropped before comparing names: 株式会社日本総合研究所 and
/// 日本総合研究所 are the same body.
pub const LEGAL_FORMS: &[&str] = &[
    "国立研究開発法人",
    "独立行政法人",
    "地方独立行政法人",
    "国立大学法人",
    "公立大学法人",
    "大学共同利用機関法人",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "社会福祉法人",
    "学校法人",
    "医療法人",
    "株式会社",
    "有限会社",
    "合同会社",
    "合名会社",
    "合資会社",
];

/// Names that stand for groups or unknowns, never one body.
pub(crate) const GENERIC_NAMES: &[&str] = &["個人", "確認中", "その他", "非公表", "-"];

/// The digits of a printed 法人番号 (full-width folded, spaces and hyphens dropped); None
/// when the cell is blank or holds something other than digits.
pub(crate) fn digits(printed: &str) -> Option<String> {
    let c: String = compact(printed)
        .chars()
        .filter(|c| !matches!(c, '-' | '‐' | '−' | '–' | 'ー'))
        .collect();
    (!c.is_empty() && c.chars().all(|c| c.is_ascii_digit())).then_some(c)
}

/// A recipient name reduced for comparison: NFKC, no spaces, (株) spelt out, legal forms and
/// 本部/支社 suffixes dropped.
pub(crate) fn name_core(name: &str) -> String {
    let mut n = compact(name)
        .replace("(株)", "株式会社")
        .replace("(有)", "有限会社")
        .replace("(一社)", "一般社団法人")
        .replace("(一財)", "一般財団法人")
        .replace("(公社)", "公益社団法人")
        .replace("(公財)", "公益財団法人")
        .replace("(独)", "独立行政法人")
        .replace("(学)", "学校法人");
    for f in LEGAL_FORMS {
        n = n.replace(f, "");
    }
    n
}

pub(crate) fn recipient_evidence(doc: &str, r: &Recipient, label: &str) -> Evidence {
    evidence(
        doc,
        format!("支出先 {}-{} {label}", r.block, r.rank.unwrap_or(0)),
        None,
        r.prov.as_ref(),
        format!(
            "{} {}",
            r.name.clone().unwrap_or_default(),
            r.corporate_number.clone().unwrap_or_default()
        ),
    )
}

/// `recipient.bad_corporate_number`.
pub(crate) fn check(doc: &str, recipients: &[Recipient], out: &mut Vec<Flag>) {
    for r in recipients {
        let Some(printed) = r.corporate_number.as_deref() else {
            continue;
        };
        let Some(d) = digits(printed) else { continue };
        let name = r.name.clone().unwrap_or_default();
        if d.len() != 13 {
            out.push(flag(
                "recipient.bad_corporate_number",
                Severity::Warning,
                doc,
                format!(
                    "支出先「{name}」の法人番号 {printed} が13桁でない（{}桁）",
                    d.len()
                ),
                format!(
                    "recipient \"{name}\": corporate number {printed} has {} digits, not 13",
                    d.len()
                ),
                vec![recipient_evidence(doc, r, "法人番号")],
            ));
            continue;
        }
        if corporate_number::is_valid(&d) {
            continue;
        }
        let expected = corporate_number::check_digit(&d[1..])
            .map(|c| c.to_string())
            .unwrap_or_default();
        out.push(flag(
            "recipient.bad_corporate_number",
            Severity::Error,
            doc,
            format!(
                "支出先「{name}」の法人番号 {d} のチェックデジットが誤り（先頭は {expected} のはず）"
            ),
            format!(
                "recipient \"{name}\": corporate number {d} fails its check digit (the first digit should be {expected})"
            ),
            vec![recipient_evidence(doc, r, "法人番号")],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_names() {
        assert_eq!(
            digits("９０１０００５０２３７９６").as_deref(),
            Some("9010005023796")
        );
        assert_eq!(digits("-"), None);
        assert_eq!(digits("‐"), None);
        assert_eq!(name_core("国立大学法人　横浜国立大学"), "横浜国立大学");
        assert_eq!(name_core("(株)日本総合研究所"), "日本総合研究所");
    }
}
