//! Counts (`174件`, `参加者 157 名`, `全国79カ所`, `153(6)` in a table of 課題数) and ratios
//! (`補助率2/3`).

use super::{Found, LineCtx};
use crate::model::Fact;
use regex::Regex;
use std::sync::OnceLock;

/// Counter words, longest first.
const UNITS: &str = "件|名|製品|カ所|か所|ヵ所|ヶ所|箇所|課題|拠点|社|機関|人|品目|チーム|施設|者|校|都道府県|団体|プロジェクト|回";

/// Counts of one line.
pub(crate) fn line(ctx: &LineCtx) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(&format!(
            r"(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\((\d+)\))?\s*({UNITS})"
        ))
        .unwrap()
    });
    let text = &ctx.norm.text;
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let (Some(m), Some(num), Some(unit)) = (c.get(0), c.get(1), c.get(3)) else {
            continue;
        };
        let before = &text[..m.start()];
        let after = &text[m.end()..];
        // Not part of a decimal or a longer number, not an ordinal (第9回), not a rate
        // (1課題あたり), not `2回目`.
        if before.ends_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',' || c == '/')
            || before.ends_with('第')
            || after.starts_with("目")
            || after.starts_with("あたり")
            || after.starts_with("当たり")
            || after.starts_with("以上") && matches!(unit.as_str(), "者" | "人")
        {
            continue;
        }
        // A one-char counter followed by kanji is usually the head of another word (11 人間,
        // 3 社会, 2 名称), unless a quantity word follows (3人程度, 5社以上).
        let quantity = [
            "程度", "以上", "以下", "未満", "超", "前後", "余", "弱", "強", "規模", "分",
        ]
        .iter()
        .any(|q| after.starts_with(q));
        if unit.as_str().chars().count() == 1 && after.starts_with(is_kanji) && !quantity {
            continue;
        }
        let Ok(value) = num.as_str().replace(',', "").parse::<i64>() else {
            continue;
        };
        let fact = Fact {
            kind: "count".into(),
            value: Some(value.into()),
            unit: Some(unit.as_str().to_string()),
            ..Fact::default()
        };
        let s = super::norm::char_index(text, m.start());
        let e = super::norm::char_index(text, m.end());
        out.push(Found::new(fact, s..e));
    }
    // Cells `153(6)` of a table headed 課題数（導出件数）.
    if ctx.page_counts_projects {
        static CELL: OnceLock<Regex> = OnceLock::new();
        let cell = CELL.get_or_init(|| Regex::new(r"(\d+)\((\d+)\)").unwrap());
        for c in cell.captures_iter(text) {
            let (Some(m), Some(num)) = (c.get(0), c.get(1)) else {
                continue;
            };
            if text[..m.start()]
                .ends_with(|ch: char| ch.is_ascii_digit() || matches!(ch, '.' | ',' | '/' | '('))
            {
                continue;
            }
            let after = &text[m.end()..];
            if after.starts_with(|ch: char| is_kanji(ch) || ch.is_alphabetic()) {
                continue;
            }
            let Ok(value) = num.as_str().parse::<i64>() else {
                continue;
            };
            let fact = Fact {
                kind: "count".into(),
                value: Some(value.into()),
                unit: Some("課題".into()),
                ..Fact::default()
            };
            let s = super::norm::char_index(text, num.start());
            let e = super::norm::char_index(text, m.end());
            out.push(Found::new(fact, s..e));
        }
    }
    out.extend(ratios(text));
    out
}

/// `補助率2/3`, `補助率1/2以内`, `補助率 50%`.
fn ratios(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(補助率|負担率|助成率|委託率)[::]?\s*(?:(\d+)/(\d+)|(\d+(?:\.\d+)?)%)")
            .unwrap()
    });
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let value = match (c.get(2), c.get(3), c.get(4)) {
            (Some(a), Some(b), _) => {
                let (Ok(a), Ok(b)) = (a.as_str().parse::<f64>(), b.as_str().parse::<f64>()) else {
                    continue;
                };
                if b == 0.0 {
                    continue;
                }
                a / b
            }
            (_, _, Some(p)) => match p.as_str().parse::<f64>() {
                Ok(p) => p / 100.0,
                Err(_) => continue,
            },
            _ => continue,
        };
        let Some(m) = c.get(0) else { continue };
        let fact = Fact {
            kind: "ratio".into(),
            value: serde_json::Number::from_f64((value * 10000.0).round() / 10000.0)
                .map(serde_json::Value::Number),
            role: c.get(1).map(|r| r.as_str().to_string()),
            ..Fact::default()
        };
        let s = super::norm::char_index(text, m.start());
        let e = super::norm::char_index(text, m.end());
        out.push(Found::new(fact, s..e));
    }
    out
}

pub(crate) fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '々')
}
