//! Japanese era years (和暦) → Gregorian years and fiscal years.
//!
//! 令和 n = 2018 + n (令和元年 = 2019), 平成 n = 1988 + n, 昭和 n = 1925 + n, 大正 n = 1911 + n.
//! A fiscal year (年度) runs April to March: 令和9年3月 belongs to 令和8年度 (FY2026).
//! Digits may be full-width; 元 means 1. Abbreviations R/H/S (`R5`, `H30`) are accepted.

use super::numbers::fold;
use regex::Regex;
use std::sync::OnceLock;

/// Gregorian year of year `n` of an era given by name (令和, 平成, 昭和, 大正) or initial (R, H, S, T).
pub fn era_year(era: &str, n: i32) -> Option<i32> {
    if n < 1 {
        return None;
    }
    let base = match era {
        "令和" | "R" | "r" => 2018,
        "平成" | "H" | "h" => 1988,
        "昭和" | "S" | "s" => 1925,
        "大正" | "T" | "t" => 1911,
        _ => return None,
    };
    Some(base + n)
}

fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(令和|平成|昭和|大正|[RHST])\s*(元|[0-9]{1,2})\s*年?|((?:19|20)[0-9]{2})\s*年")
            .unwrap()
    })
}

/// The first year in `s` (`令和5年度` → 2023, `令和元年` → 2019, `平成16年度` → 2004,
/// `2023年度` → 2023, `R5` → 2023). Month and fiscal-year boundaries are ignored: for
/// `令和5年度` this is the fiscal year.
pub fn parse_year(s: &str) -> Option<i32> {
    let f = fold(s);
    year_of(&year_re().captures(&f)?)
}

/// The Gregorian year of one match of [`year_re`]: group 3 is a Gregorian year, groups 1 and 2
/// an era and its year.
fn year_of(c: &regex::Captures) -> Option<i32> {
    if let Some(g) = c.get(3) {
        return g.as_str().parse().ok();
    }
    let n = match c.get(2)?.as_str() {
        "元" => 1,
        d => d.parse().ok()?,
    };
    era_year(c.get(1)?.as_str(), n)
}

/// Every year mentioned in `s`, in order (`令和2年～令和6年` → [2020, 2024]).
pub fn find_years(s: &str) -> Vec<i32> {
    let f = fold(s);
    year_re()
        .captures_iter(&f)
        .filter_map(|c| year_of(&c))
        .collect()
}

/// The fiscal year (April–March) that a calendar month falls in: (2027, 3) → 2026.
pub fn fiscal_year_of(year: i32, month: u32) -> i32 {
    if month <= 3 {
        year - 1
    } else {
        year
    }
}

/// A date `令和3年4月9日` / `2021年4月9日` → (2021, 4, 9). Day may be missing (`令和2年3月`
/// → (2020, 3, 0)).
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:(令和|平成|昭和|大正)\s*(元|[0-9]{1,2})|((?:19|20)[0-9]{2}))\s*年\s*([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*日)?").unwrap()
    });
    let f = fold(s);
    let c = re.captures(&f)?;
    let year = if let Some(g) = c.get(3) {
        g.as_str().parse().ok()?
    } else {
        let n = match c.get(2)?.as_str() {
            "元" => 1,
            d => d.parse().ok()?,
        };
        era_year(c.get(1)?.as_str(), n)?
    };
    let month: u32 = c.get(4)?.as_str().parse().ok()?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let day = match c.get(5) {
        Some(d) => d.as_str().parse().ok()?,
        None => 0,
    };
    Some((year, month, day))
}

/// The fiscal year of a printed date or year: `令和9年3月` → 2026, `令和5年度` → 2023.
pub fn parse_fiscal_year(s: &str) -> Option<i32> {
    if fold(s).contains("年度") {
        return parse_year(s);
    }
    match parse_date(s) {
        Some((y, m, _)) => Some(fiscal_year_of(y, m)),
        None => parse_year(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eras() {
        assert_eq!(parse_year("令和5年度"), Some(2023));
        assert_eq!(parse_year("令和元年度"), Some(2019));
        assert_eq!(parse_year("令和１１年度"), Some(2029));
        assert_eq!(parse_year("平成16年度"), Some(2004));
        assert_eq!(parse_year("平成31年"), Some(2019));
        assert_eq!(parse_year("昭和64年"), Some(1989));
        assert_eq!(parse_year("2023年度"), Some(2023));
        assert_eq!(parse_year("R5"), Some(2023));
        assert_eq!(parse_year("H30年度"), Some(2018));
        assert_eq!(parse_year("終了予定なし"), None);
        assert_eq!(parse_year("令和0年"), None);
        assert_eq!(era_year("明治", 1), None);
    }

    #[test]
    fn years_in_text() {
        assert_eq!(find_years("令和2年～令和6年で累積25件"), vec![2020, 2024]);
        assert_eq!(find_years("2016 年には"), vec![2016]);
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(fiscal_year_of(2027, 3), 2026);
        assert_eq!(fiscal_year_of(2027, 4), 2027);
        assert_eq!(parse_fiscal_year("令和9年3月"), Some(2026));
        assert_eq!(parse_fiscal_year("令和8年度"), Some(2026));
        assert_eq!(parse_fiscal_year("令和9年4月1日"), Some(2027));
        assert_eq!(parse_date("令和3年4月9日"), Some((2021, 4, 9)));
        assert_eq!(parse_date("令和元年５月"), Some((2019, 5, 0)));
        assert_eq!(parse_date("2021年13月"), None);
    }
}
