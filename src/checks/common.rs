//! Helpers shared by the rule families: text normalisation, printed precision, evidence and
//! flag construction, ministry names, wareki years.

use crate::model::{Evidence, Flag, Provenance, Severity};
use unicode_normalization::UnicodeNormalization;

/// NFKC (full-width digits and brackets become ASCII).
pub(crate) fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// NFKC without any whitespace: cells wrap, so line breaks and spaces are layout, not content.
pub(crate) fn compact(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Number of decimals a value was printed with: from the printed text when there is one
/// (`"166.7％"` → 1), else from the shortest decimal form of the value.
pub(crate) fn decimals(printed: Option<&str>, value: f64) -> u32 {
    if let Some(p) = printed {
        let p = nfkc(p);
        // The first number in the text: digits, separators, one decimal point.
        let mut seen_digit = false;
        let mut after_dot: Option<u32> = None;
        for c in p.chars() {
            if c.is_ascii_digit() {
                seen_digit = true;
                if let Some(n) = after_dot.as_mut() {
                    *n += 1;
                }
            } else if c == '.' && seen_digit && after_dot.is_none() {
                after_dot = Some(0);
            } else if c == ',' && seen_digit && after_dot.is_none() {
            } else if seen_digit {
                break;
            }
        }
        if seen_digit {
            return after_dot.unwrap_or(0);
        }
    }
    value_decimals(value)
}

/// Decimals of the shortest representation of `v` (at most 6).
pub(crate) fn value_decimals(v: f64) -> u32 {
    if !v.is_finite() {
        return 0;
    }
    let s = format!("{:.6}", v.abs());
    let frac = s.split('.').nth(1).unwrap_or("");
    frac.trim_end_matches('0').len() as u32
}

/// Half a unit in the last printed place: the most a correctly rounded print can be off by.
pub(crate) fn half_ulp(printed: Option<&str>, value: f64) -> f64 {
    0.5 * 10f64.powi(-(decimals(printed, value) as i32))
}

/// One unit in the last printed place.
pub(crate) fn ulp(printed: Option<&str>, value: f64) -> f64 {
    10f64.powi(-(decimals(printed, value) as i32))
}

/// Slack for floating-point noise in sums of printed decimals.
pub(crate) const EPS: f64 = 1e-9;

/// A number as a short string (no trailing zeros).
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let s = format!("{:.4}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Evidence for a value: page, box and printed text from its provenance when the extractor
/// recorded one, else the given fallback text (truth files carry no provenance).
pub(crate) fn evidence(
    doc: &str,
    label: impl Into<String>,
    value: Option<f64>,
    prov: Option<&Provenance>,
    fallback_text: impl Into<String>,
) -> Evidence {
    let fallback_text = fallback_text.into();
    match prov {
        Some(p) => Evidence {
            document: if p.document.is_empty() {
                doc.to_string()
            } else {
                p.document.clone()
            },
            label: label.into(),
            value,
            page: p.page,
            bbox: Some(p.bbox),
            text: if p.text.is_empty() {
                fallback_text
            } else {
                p.text.clone()
            },
        },
        None => Evidence {
            document: doc.to_string(),
            label: label.into(),
            value,
            page: 0,
            bbox: None,
            text: fallback_text,
        },
    }
}

/// Evidence located by `prov` but quoting `text` (a sentence matched inside a larger cell).
pub(crate) fn quote(
    doc: &str,
    label: impl Into<String>,
    prov: Option<&Provenance>,
    text: impl Into<String>,
) -> Evidence {
    let text = text.into();
    let mut e = evidence(doc, label, None, prov, text.clone());
    e.text = text;
    e
}

/// A flag whose page is that of its first located evidence.
pub(crate) fn flag(
    rule: &str,
    severity: Severity,
    doc: &str,
    message_ja: String,
    message: String,
    evidence: Vec<Evidence>,
) -> Flag {
    let page = evidence
        .iter()
        .map(|e| e.page)
        .find(|p| *p > 0)
        .unwrap_or(0);
    Flag {
        rule: rule.to_string(),
        severity,
        document: doc.to_string(),
        related_documents: Vec::new(),
        page,
        message_ja,
        message,
        evidence,
    }
}

/// Ministries and agencies with the short forms used in running text. The first entry of each
/// row is the canonical name reported in flags.
pub(crate) const MINISTRIES: &[&[&str]] = &[
    &["文部科学省", "文科省", "文部省"],
    &["厚生労働省", "厚労省"],
    &["経済産業省", "経産省"],
    &["内閣府"],
    &["内閣官房"],
    &["総務省"],
    &["法務省"],
    &["外務省"],
    &["財務省"],
    &["農林水産省", "農水省"],
    &["国土交通省", "国交省"],
    &["環境省"],
    &["防衛省"],
    &["復興庁"],
    &["デジタル庁"],
    &["こども家庭庁"],
    &["警察庁"],
    &["金融庁"],
    &["消費者庁"],
    &["スポーツ庁"],
    &["文化庁"],
];

/// Canonical names of the ministries named in `text`, in order of first appearance.
pub(crate) fn ministries_in(text: &str) -> Vec<&'static str> {
    let t = compact(text);
    let mut found: Vec<(usize, &'static str)> = Vec::new();
    for row in MINISTRIES {
        let first = row.iter().filter_map(|name| t.find(name)).min();
        if let Some(pos) = first {
            found.push((pos, row[0]));
        }
    }
    found.sort();
    found.into_iter().map(|(_, n)| n).collect()
}

/// Canonical ministry of a sheet's 府省庁 field (None when unknown).
pub(crate) fn canonical_ministry(name: &str) -> Option<&'static str> {
    ministries_in(name).into_iter().next()
}

/// Gregorian year of a wareki year (令和 2 → 2020); `n == 0` stands for 元年.
pub(crate) fn wareki(era: &str, n: i32) -> Option<i32> {
    let n = n.max(1);
    match era {
        "令和" | "R" => Some(2018 + n),
        "平成" | "H" => Some(1988 + n),
        "昭和" | "S" => Some(1925 + n),
        _ => None,
    }
}

/// A number printed with grouping commas (`"1,024"`, `"19.2"`).
pub(crate) fn parse_num(s: &str) -> Option<f64> {
    let t: String = s.chars().filter(|c| *c != ',').collect();
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_from_printed_or_value() {
        assert_eq!(decimals(Some("166.7％"), 166.7), 1);
        assert_eq!(decimals(Some("1,024"), 1024.0), 0);
        assert_eq!(decimals(Some("▲ 12"), -12.0), 0);
        assert_eq!(decimals(None, 104.465), 3);
        assert_eq!(decimals(Some("-"), 14.46), 2);
        assert!((half_ulp(None, 14.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn ministries() {
        assert_eq!(
            ministries_in("３省（文部科学省、厚生労働省、経済産業省）の合計"),
            vec!["文部科学省", "厚生労働省", "経済産業省"]
        );
        assert_eq!(
            ministries_in("経産省と文科省"),
            vec!["経済産業省", "文部科学省"]
        );
        assert_eq!(canonical_ministry("厚生労働省"), Some("厚生労働省"));
    }
}
