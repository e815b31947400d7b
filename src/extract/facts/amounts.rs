//! Amounts of money: `令和4年度予算案額 19.2億円 (20.8億円)`, `支援額;50百万円/年`,
//! `5億円~10億円程度/5年間`, `年間上限 5,200万円`.

use super::{Found, LineCtx};
use crate::extract::numbers::{find_yen, parse_decimal, unit_power};
use crate::extract::wareki::era_year;
use crate::model::Fact;
use regex::Regex;
use std::sync::OnceLock;

/// Role words, longest first so `補正予算額` wins over `予算額`.
const ROLES: &[&str] = &[
    "補助対象経費上限額",
    "支援対象経費上限額",
    "補正予算額",
    "予算案額",
    "当初予算額",
    "概算要求額",
    "要望額",
    "要求額",
    "予算額",
    "決算額",
    "執行額",
    "契約額",
    "交付額",
    "助成額",
    "支援額",
    "開発費",
    "研究費",
    "委託費",
    "補助金",
    "交付金",
    "事業規模",
    "企業リソース",
    "上限額",
    "上限",
    "総額",
    "基金",
];

/// How far back (chars) a role word or fiscal year is looked for before an amount.
const WINDOW: usize = 24;

/// Amounts seen on the previous line, for continuation lines (`7,800万円 (クラスⅢ・Ⅳ)` under
/// `年間上限 5,200万円 (クラスⅠ・Ⅱ)`).
#[derive(Default)]
pub(crate) struct State {
    last: Option<Fact>,
}

impl State {
    /// Amounts of one line.
    pub(crate) fn line(&mut self, ctx: &LineCtx) -> Vec<Found> {
        let text = &ctx.norm.text;
        let chars: Vec<char> = text.chars().collect();
        let matches = find_yen(text);
        let mut out: Vec<Found> = Vec::new();
        let mut skip_next = false;
        let mut prev_end = 0usize;
        for (k, m) in matches.iter().enumerate() {
            if skip_next {
                skip_next = false;
                prev_end = m.chars.end;
                continue;
            }
            let mut fact = Fact {
                kind: "amount".into(),
                value_yen: Some(m.yen),
                ..Fact::default()
            };
            let mut range = m.chars.clone();
            // A range `5億円~10億円` or `5~10億円`.
            if let Some(next) = matches.get(k + 1) {
                let between: String = chars[m.chars.end..next.chars.start].iter().collect();
                if matches!(between.trim(), "~" | "-" | "~約" | "から") {
                    fact.value_yen = None;
                    fact.value_yen_min = Some(m.yen.min(next.yen));
                    fact.value_yen_max = Some(m.yen.max(next.yen));
                    range = m.chars.start..next.chars.end;
                    skip_next = true;
                }
            }
            if fact.value_yen.is_some() {
                if let Some((lo, start)) = bare_lower_bound(&chars, m.chars.start, &m.text) {
                    fact.value_yen = None;
                    fact.value_yen_min = Some(lo.min(m.yen));
                    fact.value_yen_max = Some(lo.max(m.yen));
                    range = start..m.chars.end;
                }
            }
            let before_start = prev_end
                .max(range.start.saturating_sub(WINDOW))
                .min(range.start);
            let before: String = chars[before_start..range.start].iter().collect();
            let after: String = chars[range.end..].iter().take(16).collect();
            fact.role = role_in(&before);
            fact.fiscal_year = fiscal_year_in(&before);
            fact.per = per_after(&after).or_else(|| per_before(&before));
            // `(20.8億円)` right after a budget amount: the previous year's budget.
            let paren = before.ends_with('(') && after.starts_with(')');
            if paren && fact.role.is_none() {
                if let Some(p) = out.last() {
                    let p = &p.fact;
                    if p.role.as_deref().is_some_and(|r| r.contains("予算"))
                        && before.trim_end_matches('(').trim().is_empty()
                    {
                        fact.role = Some("前年度予算額".into());
                        fact.fiscal_year = p.fiscal_year.map(|y| y - 1);
                    }
                }
            }
            // A line that starts with an amount continues the previous line's list.
            if fact.role.is_none() && range.start == 0 && k == 0 {
                if let Some(last) = &self.last {
                    fact.role = last.role.clone();
                    fact.per = fact.per.or_else(|| last.per.clone());
                    fact.fiscal_year = fact.fiscal_year.or(last.fiscal_year);
                }
            }
            prev_end = range.end;
            out.push(Found::new(fact, range));
        }
        // A line without amounts ends the list.
        self.last = out.last().map(|f| f.fact.clone());
        out
    }
}

/// `5~` right before `10億円`: the lower bound of a range printed once with its unit.
fn bare_lower_bound(chars: &[char], start: usize, matched: &str) -> Option<(i64, usize)> {
    let before: String = chars[start.saturating_sub(16)..start].iter().collect();
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(\d[\d,]*(?:\.\d+)?)\s*[~-]\s*約?$").unwrap());
    let c = re.captures(&before)?;
    let num = c.get(1)?;
    let unit: String = matched
        .chars()
        .skip_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ' '))
        .filter(|c| *c != '円')
        .collect();
    let yen = parse_decimal(num.as_str())?.scaled(unit_power(&unit)?)?;
    let n = before[c.get(0)?.start()..].chars().count();
    Some((yen, start - n))
}

/// The role word nearest before the amount.
fn role_in(before: &str) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for r in ROLES {
        if let Some(i) = before.rfind(r) {
            let end = i + r.len();
            // The nearest (largest end), and among equals the longest.
            if best.is_none_or(|(e, b)| end > e || (end == e && r.len() > b.len())) {
                best = Some((end, r));
            }
        }
    }
    best.map(|(_, r)| r.to_string())
}

/// `令和4年度` / `R4年度` / `2022年度` nearest before the amount.
fn fiscal_year_in(before: &str) -> Option<i32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:(令和|平成|R|H)(元|\d{1,2})|((?:19|20)\d\d))年度").unwrap()
    });
    let c = re.captures_iter(before).last()?;
    if let Some(y) = c.get(3) {
        return y.as_str().parse().ok();
    }
    let n = match c.get(2)?.as_str() {
        "元" => 1,
        d => d.parse().ok()?,
    };
    era_year(c.get(1)?.as_str(), n)
}

/// `/年` → year, `/5年間` → 5years, after the amount (past `程度`, `(間接経費込)`).
fn per_after(after: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^(?:程度|以内|以下|まで)?(?:\([^)]{0,12}\))?\s*(?:/|per)\s*(?:(\d+)\s*)?(年|課題|件)",
        )
        .unwrap()
    });
    let c = re.captures(after)?;
    match (c.get(1), c.get(2)?.as_str()) {
        (None, "年") => Some("year".into()),
        (Some(n), "年") => Some(format!("{}years", n.as_str())),
        _ => None,
    }
}

/// `年間上限 5,200万円`, `年度は上限1.5億円`: a yearly amount.
fn per_before(before: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"(?:年間|年度は|毎年|1年あたり|年額)[^。、,]{0,8}$").unwrap());
    re.is_match(before).then(|| "year".to_string())
}

#[cfg(test)]
mod tests {
    use super::super::norm::Norm;
    use super::*;

    fn run(lines: &[&str]) -> Vec<Fact> {
        let norms: Vec<Norm> = lines.iter().map(|l| Norm::new(l)).collect();
        let mut st = State::default();
        let mut out = Vec::new();
        for n in &norms {
            let ctx = LineCtx {
                norm: n,
                words: &[],
                prev: None,
                next: None,
                page_counts_projects: false,
                page_lists_people: false,
            };
            out.extend(st.line(&ctx).into_iter().map(|f| f.fact));
        }
        out
    }

    #[test]
    fn budget_line_with_previous_year() {
        let f = run(&["令和4年度予算案額 19.2億円 (20.8億円)"]);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].value_yen, Some(1_920_000_000));
        assert_eq!(f[0].fiscal_year, Some(2022));
        assert_eq!(f[0].role.as_deref(), Some("予算案額"));
        assert_eq!(f[1].value_yen, Some(2_080_000_000));
        assert_eq!(f[1].fiscal_year, Some(2021));
        let f = run(&["令和 4 年度補正予算額 ８０ . ０億円"]);
        assert_eq!(f[0].value_yen, Some(8_000_000_000));
        assert_eq!(f[0].fiscal_year, Some(2022));
    }

    #[test]
    fn per_and_ranges() {
        let f = run(&["支援額；50百万円／年（間接経費込） 、支援期間；３年間"]);
        assert_eq!(
            (f[0].value_yen, f[0].per.as_deref()),
            (Some(50_000_000), Some("year"))
        );
        let f = run(&["5 億円～ 10 億円程度／ 5 年間"]);
        assert_eq!(f[0].value_yen_min, Some(500_000_000));
        assert_eq!(f[0].value_yen_max, Some(1_000_000_000));
        assert_eq!(f[0].per.as_deref(), Some("5years"));
        let f = run(&[
            "1 課題あたり年間上限 5,200万円 (クラスⅠ・Ⅱ)",
            "7,800万円 (クラスⅢ・Ⅳ)",
        ]);
        assert_eq!(f[0].per.as_deref(), Some("year"));
        assert_eq!(f[1].value_yen, Some(78_000_000));
        assert_eq!(f[1].per.as_deref(), Some("year"));
        let f = run(&["※治験を実施する年度は上限1.5億円"]);
        assert_eq!(
            (f[0].value_yen, f[0].per.as_deref()),
            (Some(150_000_000), Some("year"))
        );
        let f = run(&["開発費：26,000千円／年、開発期間：最長3年"]);
        assert_eq!(f[0].value_yen, Some(26_000_000));
        assert_eq!(f[0].role.as_deref(), Some("開発費"));
    }
}
