//! KPI and goal statements: `KPI アウトプット：非臨床POCの取得件数`, `成果目標 … 30%以上の製品に
//! ついて上市`.

use super::{Found, LineCtx};
use regex::Regex;
use std::sync::OnceLock;

/// KPIs of one line.
pub(crate) fn line(ctx: &LineCtx) -> Vec<Found> {
    let text = &ctx.norm.text;
    let mut out = Vec::new();
    // A labelled indicator: `アウトプット:非臨床POCの取得件数`.
    static LABEL: OnceLock<Regex> = OnceLock::new();
    let label = LABEL.get_or_init(|| {
        Regex::new(r"(?:KPI|成果目標|成果指標|活動指標|アウトプット指標|アウトカム指標|アウトプット|アウトカム|数値目標|目標値)\s*[::]\s*(.{4,80})").unwrap()
    });
    if let Some(c) = label.captures(text) {
        if let Some(v) = c.get(1) {
            let value = v.as_str().trim_end_matches(['。', ' ']);
            if value.chars().any(|ch| !ch.is_ascii_punctuation()) {
                let s = super::norm::char_index(text, v.start());
                let e = s + value.chars().count();
                let mut fact = super::named("kpi", value);
                fact.target_pct = percent_target(value);
                out.push(Found::new(fact, s..e));
            }
        }
    }
    // A goal with a percentage target: `…採択の30%以上の製品について上市(事業化)を目指します`.
    if out.is_empty() {
        if let Some(pct) = percent_target(text) {
            let joined = match ctx.next {
                Some(n) if !text.ends_with('。') => format!("{text}{}", n.text),
                _ => text.clone(),
            };
            if [
                "目指",
                "目標",
                "上市",
                "達成",
                "実現",
                "とする",
                "向上",
                "増加",
                "削減",
            ]
            .iter()
            .any(|k| joined.contains(k))
            {
                let value = text.trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '・' | '○' | '●' | '◆' | '■' | '-' | '※')
                });
                let s = text.chars().count() - value.chars().count();
                let mut fact = super::named("kpi", value);
                fact.target_pct = Some(pct);
                out.push(Found::new(fact, s..text.chars().count()));
            }
        }
    }
    out
}

/// `30%以上` → 30 (also `以下`, `を目指`, `超`, `達成`).
fn percent_target(text: &str) -> Option<f64> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(\d+(?:\.\d+)?)\s*%(?:以上|以下|超|未満|を目指|を達成|程度を目標|を目標)")
            .unwrap()
    });
    re.captures(text)?.get(1)?.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::facts::norm::Norm;
    use crate::model::Fact;

    fn kpis(line: &str, next: Option<&str>) -> Vec<Fact> {
        let n = Norm::new(line);
        let nx = next.map(Norm::new);
        let ctx = LineCtx {
            norm: &n,
            words: &[],
            prev: None,
            next: nx.as_ref(),
            page_counts_projects: false,
            page_lists_people: false,
        };
        line_facts(&ctx)
    }

    fn line_facts(ctx: &LineCtx) -> Vec<Fact> {
        super::line(ctx).into_iter().map(|f| f.fact).collect()
    }

    #[test]
    fn labelled_and_percent() {
        let f = kpis("KPI アウトプット：非臨床POCの取得件数", None);
        assert_eq!(f[0].value.as_ref().unwrap(), "非臨床POCの取得件数");
        let f = kpis(
            "本事業による助成終了後、5年経過した時点で採択の30%以上の製品について上市（事業化）を",
            Some("目指します。"),
        );
        assert_eq!(f[0].target_pct, Some(30.0));
        assert!(kpis(
            "乳癌のセンチネルリンパ節の同定率は100%（従来法と同等）",
            None
        )
        .is_empty());
    }
}
