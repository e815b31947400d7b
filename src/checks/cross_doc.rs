//! `cross_doc.amount_mismatch`: an amount a council or PR document states for a program and
//! fiscal year against the review sheet of the same project and year.

use super::budget::Col;
use super::common::{compact, nfkc};
use crate::model::Fact;

/// Shortest program name (chars) that may match a project name by containment rather than
/// equality (医工連携イノベーション推進事業 in 医工連携イノベーション推進事業（…）).
pub const PROGRAM_MIN_CONTAIN_CHARS: usize = 6;

/// Unit words and their value in yen, longest first.
const UNITS: &[(&str, f64)] = &[
    ("千億円", 1e11),
    ("百億円", 1e10),
    ("十億円", 1e9),
    ("億円", 1e8),
    ("千万円", 1e7),
    ("百万円", 1e6),
    ("万円", 1e4),
    ("千円", 1e3),
    ("円", 1.0),
];

/// Half the printed unit of an amount in yen: `19.2億円` → 5,000,000. Read from the fact's
/// text (the number whose value matches), else from the trailing zeros of the value.
pub(crate) fn half_unit_yen(text: &str, yen: i64) -> f64 {
    let t = compact(text);
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == ',' || chars[i] == '.')
            {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            let rest: String = chars[i..].iter().take(4).collect();
            if let (Some(v), Some((_, u))) = (
                super::common::parse_num(s.trim_end_matches('.')),
                UNITS.iter().find(|(w, _)| rest.starts_with(w)),
            ) {
                if ((v * u) - yen as f64).abs() < 0.5 * u.max(1.0) {
                    let dec = s.split('.').nth(1).map(|d| d.len()).unwrap_or(0) as i32;
                    return 0.5 * u * 10f64.powi(-dec);
                }
            }
        } else {
            i += 1;
        }
    }
    let mut unit = 1i64;
    while unit < 100_000_000 && yen != 0 && yen % (unit * 10) == 0 {
        unit *= 10;
    }
    0.5 * unit as f64
}

/// The budget column an amount's role word refers to; None for roles that are no budget
/// figure (上限, 支援額 …).
pub(crate) fn role_column(fact: &Fact) -> Option<Vec<Col>> {
    // Without a role word, the printed line says what the amount is.
    let role = nfkc(fact.role.as_deref().unwrap_or(&fact.text));
    if role.contains("上限") || fact.per.is_some() {
        return None;
    }
    Some(if role.contains("補正") {
        vec![Col::Supplementary]
    } else if role.contains("執行") || role.contains("決算") {
        vec![Col::Executed]
    } else if role.contains("要求") || role.contains("要望") {
        vec![Col::Request, Col::Initial]
    } else if role.contains("予算") || role.contains("当初") {
        vec![Col::Initial]
    } else {
        return None;
    })
}

pub(crate) fn same_program(program: &str, project: &str) -> bool {
    let (a, b) = (compact(program), compact(project));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (a.chars().count() >= PROGRAM_MIN_CONTAIN_CHARS && b.starts_with(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_units() {
        assert_eq!(
            half_unit_yen("令和4年度予算案額 19.2億円", 1_920_000_000),
            5_000_000.0
        );
        assert_eq!(half_unit_yen("８０.０億円", 8_000_000_000), 5_000_000.0);
        assert_eq!(half_unit_yen("26,000千円／年", 26_000_000), 500.0);
        assert_eq!(half_unit_yen("", 1_920_000_000), 5_000_000.0);
    }
}
