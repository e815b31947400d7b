//! Dates (`令和4年7月11日` → 2022-07-11, `令和4年2月` → 2022-02) and periods
//! (`令和2～6年度` → 2020/2024, `令和4年度（公募・採択後）～令和9年3月` → 2022/2026).

use super::{Found, LineCtx};
use crate::extract::wareki::{era_year, fiscal_year_of};
use regex::Regex;
use std::sync::OnceLock;

/// Dates and periods of one line.
pub(crate) fn line(ctx: &LineCtx) -> Vec<Found> {
    let text = &ctx.norm.text;
    let mut out = periods(text);
    let taken: Vec<(usize, usize)> = out.iter().map(|f| (f.range.start, f.range.end)).collect();
    // A date broken over two lines (`令和４年７` / `月23日`): read it across the break.
    let mut all = dates(text);
    if let Some(next) = ctx.next {
        let len = text.chars().count();
        let joined = format!("{text}{}", next.text);
        for f in dates(&joined) {
            if f.range.start < len && f.range.end > len {
                all.push(Found::new(f.fact, f.range.start..len));
            }
        }
    }
    for f in all {
        // A date inside a period (its end month) is not a date of its own.
        if !taken
            .iter()
            .any(|&(s, e)| f.range.start >= s && f.range.end <= e)
        {
            out.push(f);
        }
    }
    out
}

fn year_of(era: Option<&str>, n: &str) -> Option<i32> {
    let n: i32 = match n {
        "元" => 1,
        d => d.parse().ok()?,
    };
    match era {
        Some(e) => era_year(e, n),
        None if (1900..2100).contains(&n) => Some(n),
        None => None,
    }
}

fn dates(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:(令和|平成|昭和)(元|\d{1,2})|((?:19|20)\d\d))年(\d{1,2})月(?:(\d{1,2})日)?")
            .unwrap()
    });
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        // `2019年` inside `12019年` is no year.
        if text[..m.start()].ends_with(|ch: char| ch.is_ascii_digit()) {
            continue;
        }
        let year = match (c.get(1), c.get(2), c.get(3)) {
            (Some(e), Some(n), _) => year_of(Some(e.as_str()), n.as_str()),
            (_, _, Some(y)) => year_of(None, y.as_str()),
            _ => None,
        };
        let (Some(year), Some(Ok(month))) = (year, c.get(4).map(|m| m.as_str().parse::<u32>()))
        else {
            continue;
        };
        if !(1..=12).contains(&month) {
            continue;
        }
        let value = match c.get(5).map(|d| d.as_str().parse::<u32>()) {
            Some(Ok(day)) if (1..=31).contains(&day) => format!("{year:04}-{month:02}-{day:02}"),
            Some(_) => continue,
            None => format!("{year:04}-{month:02}"),
        };
        let s = super::norm::char_index(text, m.start());
        let e = super::norm::char_index(text, m.end());
        out.push(Found::new(super::named("date", &value), s..e));
    }
    out
}

fn periods(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"(令和|平成|R|H)(元|\d{1,2})(?:年度?)?(?:\([^)]{0,16}\))?\s*[~-]\s*",
            r"(?:(令和|平成|R|H)\s*)?(元|\d{1,2})(?:年度|年(\d{1,2})月|(\b|$|[)\s]))"
        ))
        .unwrap()
    });
    static GREG: OnceLock<Regex> = OnceLock::new();
    let greg = GREG.get_or_init(|| {
        Regex::new(r"((?:19|20)\d\d)年度?(?:\([^)]{0,16}\))?\s*[~-]\s*((?:19|20)\d\d)年度").unwrap()
    });
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let era1 = c.get(1).map(|x| x.as_str());
        let era2 = c.get(3).map(|x| x.as_str());
        // `R3~R7` needs the era on both sides; `令和2~6年度` needs 年度 at the end.
        let fy_end = m.as_str().ends_with("年度");
        let month_end = c.get(5).is_some();
        if !fy_end && !month_end && era2.is_none() {
            continue;
        }
        let (Some(y1), Some(y2)) = (
            c.get(2).and_then(|n| year_of(era1, n.as_str())),
            c.get(4).and_then(|n| year_of(era2.or(era1), n.as_str())),
        ) else {
            continue;
        };
        let y2 = match c.get(5).map(|x| x.as_str().parse::<u32>()) {
            Some(Ok(month)) if (1..=12).contains(&month) => fiscal_year_of(y2, month),
            Some(_) => continue,
            None => y2,
        };
        if y2 < y1 || y2 - y1 > 30 {
            continue;
        }
        let s = super::norm::char_index(text, m.start());
        let e = super::norm::char_index(text, m.end());
        out.push(Found::new(
            super::named("period", &format!("{y1}/{y2}")),
            s..e,
        ));
    }
    for c in greg.captures_iter(text) {
        let (Some(m), Some(a), Some(b)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let (Ok(y1), Ok(y2)) = (a.as_str().parse::<i32>(), b.as_str().parse::<i32>()) else {
            continue;
        };
        if y2 < y1 {
            continue;
        }
        let s = super::norm::char_index(text, m.start());
        let e = super::norm::char_index(text, m.end());
        out.push(Found::new(
            super::named("period", &format!("{y1}/{y2}")),
            s..e,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::facts::norm::Norm;

    fn vals(line: &str) -> Vec<String> {
        let n = Norm::new(line);
        let mut v: Vec<(usize, String)> = periods(&n.text)
            .into_iter()
            .chain(dates(&n.text))
            .map(|f| (f.range.start, super::super::value_str(&f.fact)))
            .collect();
        v.sort();
        v.into_iter().map(|x| x.1).collect()
    }

    #[test]
    fn dates_and_periods() {
        assert_eq!(vals("令和 4 年 7 月 11 日"), ["2022-07-11"]);
        assert_eq!(vals("令和4年2月"), ["2022-02"]);
        assert_eq!(vals("MIPS は2019 年11 月にクラスⅡ"), ["2019-11"]);
        assert_eq!(
            vals("(1) 医療機器開発・事業化の支援（令和2〜6年度）"),
            ["2020/2024"]
        );
        let p = vals("最大 5 年間（令和 4 年度（公募・採択後）～令和 9 年 3 月）");
        assert_eq!(p[0], "2022/2026");
        assert_eq!(vals("RNA 標的創薬（ R3~R7 ）"), ["2021/2025"]);
        assert_eq!(vals("H27～R04年度までの全課題"), ["2015/2022"]);
        assert_eq!(vals("支援期間：H27年度～29年度"), ["2015/2017"]);
    }
}
