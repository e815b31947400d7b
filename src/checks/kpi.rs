//! KPI rules: `kpi.multi_ministry_aggregate`, `kpi.achievement_mismatch`,
//! `kpi.target_split_mismatch`, `kpi.target_too_low`, `kpi.declining` (per document) and
//! `kpi.shared_across_ministries` (across documents).

use super::common::{
    compact, evidence, flag, half_ulp, ministries_in, nfkc, num, parse_num, quote, ulp, wareki, EPS,
};
use crate::model::review_sheet::{Kpi, KpiValue, ReviewSheet};
use crate::model::{Evidence, Fact, Flag, Severity};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Slack on a printed 達成度, in units of its last printed place, beyond the interval the
/// rounded actual and target allow (admits rounding and truncation).
pub const ACHIEVEMENT_TOLERANCE_ULP: f64 = 1.0;

/// `kpi.multi_ministry_aggregate` from running text (when no KPI row carries the wording):
/// at most this many flags per document.
pub const MULTI_MINISTRY_TEXT_FLAGS: usize = 3;

/// `kpi.target_too_low`: 達成度 above this (percent) …
pub const TOO_LOW_ACHIEVEMENT_PCT: f64 = 200.0;
/// … in at least this many years with the same target.
pub const TOO_LOW_MIN_YEARS: usize = 2;

/// `kpi.declining`: at least this many consecutive yearly actuals, each strictly lower …
pub const DECLINE_MIN_YEARS: usize = 3;
/// … ending at or below this share of the first one, or reaching zero within
/// [`DECLINE_HORIZON_YEARS`] more years at the last year's rate of fall.
pub const DECLINE_TO_ZERO_SHARE: f64 = 0.25;
/// See [`DECLINE_TO_ZERO_SHARE`].
pub const DECLINE_HORIZON_YEARS: f64 = 1.0;

/// `kpi.shared_across_ministries`: shortest indicator core (chars) that may match another as a
/// suffix (導出件数 ⊂ シーズの他事業や企業等への導出件数).
pub const SHARED_MIN_SUFFIX_CHARS: usize = 4;

/// Indicator words of KPIs where lower is better: a fall there is the goal, not a warning.
const LOWER_IS_BETTER: &[&str] = &[
    "死亡",
    "遭難",
    "事故",
    "被害",
    "期間",
    "時間",
    "待機",
    "差異",
    "誤差",
    "減少",
    "低減",
    "発生",
    "排出",
    "コスト",
    "費用",
    "単価",
    "負担",
    "離職",
    "失業",
    "犯罪",
    "違反",
    "滞納",
    "感染",
];

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("static regex"))
}

/// Wording that says a KPI is a sum over several ministries or the whole government.
fn aggregate_patterns() -> &'static [Regex] {
    static P: OnceLock<Vec<Regex>> = OnceLock::new();
    P.get_or_init(|| {
        [
            // ３省（…）の合計の目標値, 関係府省庁の合算, 複数省庁の総数
            r"(?:[0-9]+|[一二三四五六七八九十]+|複数|関係|全|各)(?:府省庁|府省|省庁|省)[^。]{0,80}?(?:合計|合算|総計|総数)",
            // 各省ごとに目標値を按分することができない
            r"按分(?:すること|を行うこと)?(?:が|は)?(?:でき(?:ない|ず)|困難|不可能|しない|せず)",
            r"按分できない",
            // 政府全体の目標 / KPI
            r"政府全体[^。]{0,12}?(?:目標|KPI|実績|数値|指標)",
            // 各省連携の下 … 合計
            r"各(?:府)?省(?:庁)?(?:が|の)?連携[^。]{0,100}?(?:合計|合算)",
            r"(?:府省|省庁)横断[^。]{0,60}?(?:目標|合計|合算)",
        ]
        .iter()
        .map(|p| Regex::new(p).expect("static regex"))
        .collect()
    })
}

/// The aggregate wording in `text`: (matched sentence, ministries named in it or in the whole
/// text, or the `N省` count when no names are printed).
pub(crate) fn aggregate_wording(text: &str) -> Option<(String, Vec<String>)> {
    let t = compact(text);
    let mut hit: Option<(usize, usize)> = None;
    for p in aggregate_patterns() {
        if let Some(m) = p.find(&t) {
            if hit.is_none_or(|h| m.start() < h.0) {
                hit = Some((m.start(), m.end()));
            }
        }
    }
    // Two or more ministries named in one sentence that speaks of a total.
    if hit.is_none() {
        for s in t.split('。') {
            if ministries_in(s).len() >= 2 && ["合計", "合算", "総計"].iter().any(|w| s.contains(w))
            {
                let start = t.find(s).unwrap_or(0);
                hit = Some((start, start + s.len()));
                break;
            }
        }
    }
    let (s, e) = hit?;
    // The whole sentence around the match, for the evidence.
    let begin = t[..s].rfind('。').map(|i| i + '。'.len_utf8()).unwrap_or(0);
    let end = t[e..]
        .find('。')
        .map(|i| e + i + '。'.len_utf8())
        .unwrap_or(t.len());
    let sentence = t[begin..end].to_string();
    let mut names: Vec<String> = ministries_in(&sentence)
        .into_iter()
        .map(String::from)
        .collect();
    if names.len() < 2 {
        let all: Vec<String> = ministries_in(&t).into_iter().map(String::from).collect();
        if all.len() > names.len() {
            names = all;
        }
    }
    if names.len() < 2 {
        static COUNT: OnceLock<Regex> = OnceLock::new();
        let c = re(
            &COUNT,
            r"(?:[0-9]+|[一二三四五六七八九十]+)(?:府省庁|府省|省庁|省)",
        );
        if let Some(m) = c.find(&sentence) {
            names = vec![m.as_str().to_string()];
        } else if sentence.contains("政府全体") {
            names = vec!["政府全体".to_string()];
        }
    }
    Some((sentence, names))
}

pub(crate) fn kpi_label(k: &Kpi) -> String {
    let kind = if k.kind == "output" {
        "活動指標"
    } else {
        "成果指標"
    };
    format!("{kind}{}", k.label.clone().unwrap_or_default())
}

pub(crate) fn kpi_text(k: &Kpi) -> String {
    [&k.name, &k.indicator, &k.note, &k.reason]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn short(s: &str, n: usize) -> String {
    let c = compact(s);
    if c.chars().count() <= n {
        c
    } else {
        format!("{}…", c.chars().take(n).collect::<String>())
    }
}

pub(crate) fn kpi_evidence(doc: &str, k: &Kpi) -> Evidence {
    evidence(
        doc,
        format!("{} 指標", kpi_label(k)),
        None,
        k.prov.as_ref(),
        k.indicator.clone().unwrap_or_default(),
    )
}

pub(crate) fn value_evidence(
    doc: &str,
    k: &Kpi,
    v: &KpiValue,
    what: &str,
    x: Option<f64>,
) -> Evidence {
    let y = v.fiscal_year.map(|y| y.to_string()).unwrap_or_default();
    evidence(
        doc,
        format!("{} {what} {y}", kpi_label(k)),
        x,
        v.prov.as_ref().or(k.prov.as_ref()),
        x.map(num).unwrap_or_else(|| "-".into()),
    )
}

/// Run the per-document KPI rules.
pub(crate) fn check(doc: &str, sheet: Option<&ReviewSheet>, facts: &[Fact], out: &mut Vec<Flag>) {
    let before = out.len();
    if let Some(sheet) = sheet {
        for k in &sheet.kpis {
            multi_ministry(doc, k, out);
            achievement(doc, k, out);
            split(doc, k, out);
            too_low(doc, k, out);
            declining(doc, k, out);
        }
    }
    if out[before..]
        .iter()
        .any(|f| f.rule == "kpi.multi_ministry_aggregate")
    {
        return;
    }
    // No KPI row carries the wording: look in the text itself (a ※ note the sheet extraction
    // did not attach to its row, KPI statements of other documents) and, on a sheet, in the
    // reviewers' findings. On a review sheet every text line is a candidate; elsewhere only
    // KPI statements, so that slides on joint programmes are not taken for KPI notes.
    let mut seen: Vec<String> = Vec::new();
    let mut emit = |sentence: String, names: Vec<String>, ev: Evidence, out: &mut Vec<Flag>| {
        if seen.contains(&sentence) || seen.len() >= MULTI_MINISTRY_TEXT_FLAGS {
            return;
        }
        seen.push(sentence);
        out.push(flag(
            "kpi.multi_ministry_aggregate",
            Severity::Warning,
            doc,
            format!(
                "KPIが複数府省（{}）の合計として示されている：当該府省の寄与が見えない",
                names.join("、")
            ),
            format!(
                "a KPI is stated as a total over several ministries ({}): this ministry's own contribution is not visible",
                names.join(", ")
            ),
            vec![ev],
        ));
    };
    for f in facts.iter().filter(|f| sheet.is_some() || f.kind == "kpi") {
        let text = match &f.value {
            Some(serde_json::Value::String(v)) if f.kind == "kpi" => format!("{v}\n{}", f.text),
            _ => f.text.clone(),
        };
        if let Some((sentence, names)) = aggregate_wording(&text) {
            let prov = crate::model::Provenance {
                document: f.document.clone(),
                page: f.page,
                bbox: f.bbox,
                text: f.text.clone(),
            };
            let ev = evidence(doc, "KPI 注記", None, Some(&prov), sentence.clone());
            emit(sentence, names, ev, out);
        }
    }
    if let Some(sheet) = sheet {
        let r = &sheet.review;
        for (label, text) in [
            ("行政事業レビュー推進チームの所見", &r.team_opinion),
            ("外部有識者の所見", &r.external_expert),
            ("点検結果", &r.check_result),
            ("改善の方向性", &r.improvement_direction),
        ] {
            let Some(text) = text else { continue };
            if let Some((sentence, names)) = aggregate_wording(text) {
                let ev = quote(doc, label, r.prov.as_ref(), sentence.clone());
                emit(sentence, names, ev, out);
            }
        }
    }
}

fn multi_ministry(doc: &str, k: &Kpi, out: &mut Vec<Flag>) {
    let Some((sentence, names)) = aggregate_wording(&kpi_text(k)) else {
        return;
    };
    let ind = short(k.indicator.as_deref().unwrap_or(""), 40);
    let mut ev = vec![kpi_evidence(doc, k)];
    ev.push(quote(
        doc,
        format!("{} 注記", kpi_label(k)),
        k.prov.as_ref(),
        sentence,
    ));
    for v in &k.values {
        if v.target.is_some() || v.actual.is_some() {
            ev.push(value_evidence(doc, k, v, "目標値", v.target));
            ev.push(value_evidence(doc, k, v, "実績", v.actual));
        }
    }
    out.push(flag(
        "kpi.multi_ministry_aggregate",
        Severity::Warning,
        doc,
        format!(
            "{}「{ind}」の目標値・実績は複数府省（{}）の合計：当該府省の寄与が見えない",
            kpi_label(k),
            names.join("、")
        ),
        format!(
            "{} \"{ind}\": target and actuals are a total over several ministries ({}); this ministry's own contribution is not visible",
            kpi_label(k),
            names.join(", ")
        ),
        ev,
    ));
}

/// Percent interval of a / b from values rounded to their printed places.
/// Whole numbers are counts printed exactly (the 40 truth files' 達成度 match exact quotients
/// to half a printed unit); only values printed with decimals are taken as rounded.
fn pct_range(a: f64, b: f64) -> Option<(f64, f64)> {
    let h = |v: f64| {
        if v.fract() == 0.0 {
            0.0
        } else {
            half_ulp(None, v)
        }
    };
    let (ha, hb) = (h(a), h(b));
    if b - hb <= 0.0 || b <= 0.0 || a < 0.0 {
        return None;
    }
    Some((
        (a - ha).max(0.0) / (b + hb) * 100.0,
        (a + ha) / (b - hb) * 100.0,
    ))
}

fn within(p: f64, range: Option<(f64, f64)>, slack: f64) -> bool {
    range.is_some_and(|(lo, hi)| p >= lo - slack && p <= hi + slack)
}

/// Whether a printed 達成度 fits actual/target (or target/actual, the inverse some sheets use
/// for lower-is-better indicators). None when it cannot be judged.
fn achievement_fits(v: &KpiValue) -> Option<(bool, bool)> {
    let (t, a, p) = (v.target?, v.actual?, v.achievement_pct?);
    if t == 0.0 || a == 0.0 && p == 0.0 {
        return None;
    }
    let slack = ACHIEVEMENT_TOLERANCE_ULP * ulp(None, p) + EPS;
    let direct = pct_range(a, t);
    let inverse = pct_range(t, a);
    if direct.is_none() && inverse.is_none() {
        return None;
    }
    Some((within(p, direct, slack), within(p, inverse, slack)))
}

fn achievement(doc: &str, k: &Kpi, out: &mut Vec<Flag>) {
    for v in &k.values {
        let Some((direct, inverse)) = achievement_fits(v) else {
            continue;
        };
        if direct || inverse {
            continue;
        }
        let (t, a, p) = (
            v.target.unwrap_or(0.0),
            v.actual.unwrap_or(0.0),
            v.achievement_pct.unwrap_or(0.0),
        );
        let y = v.fiscal_year.unwrap_or(0);
        out.push(flag(
            "kpi.achievement_mismatch",
            Severity::Error,
            doc,
            format!(
                "{} {y}年度の達成度 {}% が 実績/目標 = {}/{} = {:.1}% と一致しない",
                kpi_label(k),
                num(p),
                num(a),
                num(t),
                a / t * 100.0
            ),
            format!(
                "{} FY{y}: printed achievement {}% but actual/target = {}/{} = {:.1}%",
                kpi_label(k),
                num(p),
                num(a),
                num(t),
                a / t * 100.0
            ),
            vec![
                value_evidence(doc, k, v, "達成度", v.achievement_pct),
                value_evidence(doc, k, v, "実績", v.actual),
                value_evidence(doc, k, v, "目標値", v.target),
            ],
        ));
    }
}

/// A cumulative target stated in text: `（令和2年～令和6年で累積25件）`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cumulative {
    /// The cumulative target.
    pub total: f64,
    /// First and last fiscal year of the period, when printed.
    pub period: Option<(i32, i32)>,
    /// Number of years.
    pub years: i32,
    /// Yearly share printed next to it (`25件÷5年＝5件/年` → 5).
    pub per_year: Option<f64>,
    /// The matched text.
    pub text: String,
}

fn era_num(s: &str) -> Option<i32> {
    if s == "元" {
        Some(1)
    } else {
        s.parse().ok()
    }
}

/// Cumulative statements in a KPI's texts: period ranges with 累積/累計/合計 (from the
/// indicator or name) and `N件÷M年＝K件/年` formulas (usually in the note).
pub(crate) fn cumulative(text: &str) -> (Option<Cumulative>, Option<Cumulative>) {
    static PERIOD: OnceLock<Regex> = OnceLock::new();
    static FORMULA: OnceLock<Regex> = OnceLock::new();
    let t = compact(text);
    let period = re(
        &PERIOD,
        r"(令和|平成)(\d+|元)年度?(?:から|~|〜|-|－|ー|—|―)(?:(令和|平成)?(\d+|元)年度?)(?:まで)?(?:の|で|に|間|において|における)*(?:累積|累計|合計|通算|総計)(?:で|の)?(\d[\d,]*(?:\.\d+)?)",
    );
    let formula = re(
        &FORMULA,
        r"(\d[\d,]*(?:\.\d+)?)[^\d÷/=]{0,3}÷(\d+)年度?(?:間)?=(\d[\d,]*(?:\.\d+)?)",
    );
    let p = period.captures(&t).and_then(|c| {
        let era1 = c.get(1)?.as_str();
        let y1 = wareki(era1, era_num(c.get(2)?.as_str())?)?;
        let era2 = c.get(3).map(|m| m.as_str()).unwrap_or(era1);
        let y2 = wareki(era2, era_num(c.get(4)?.as_str())?)?;
        let total = parse_num(c.get(5)?.as_str())?;
        (y2 >= y1 && y2 - y1 < 30).then(|| Cumulative {
            total,
            period: Some((y1, y2)),
            years: y2 - y1 + 1,
            per_year: None,
            text: c.get(0).map(|m| m.as_str().to_string()).unwrap_or_default(),
        })
    });
    let f = formula.captures(&t).and_then(|c| {
        let total = parse_num(c.get(1)?.as_str())?;
        let years: i32 = c.get(2)?.as_str().parse().ok()?;
        let per = parse_num(c.get(3)?.as_str())?;
        (years > 0).then(|| Cumulative {
            total,
            period: None,
            years,
            per_year: Some(per),
            text: c.get(0).map(|m| m.as_str().to_string()).unwrap_or_default(),
        })
    });
    (p, f)
}

/// Whether a printed yearly target `t` is `ideal` up to its printed place.
fn close(t: f64, ideal: f64) -> bool {
    (t - ideal).abs() < ulp(None, t) - EPS
}

fn split(doc: &str, k: &Kpi, out: &mut Vec<Flag>) {
    let (period, formula) = cumulative(&kpi_text(k));
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut ev = vec![kpi_evidence(doc, k)];
    if let Some(f) = &formula {
        ev.push(quote(
            doc,
            format!("{} 注記", kpi_label(k)),
            k.prov.as_ref(),
            f.text.clone(),
        ));
        let per = f.per_year.unwrap_or(0.0);
        if !close(per, f.total / f.years as f64) {
            problems.push((
                format!(
                    "注記の計算 {} ÷ {}年 = {} が成り立たない",
                    num(f.total),
                    f.years,
                    num(per)
                ),
                format!(
                    "the note's arithmetic {} / {} years = {} does not hold",
                    num(f.total),
                    f.years,
                    num(per)
                ),
            ));
        }
        if let Some(p) = &period {
            if (p.total - f.total).abs() > EPS || p.years != f.years {
                problems.push((
                    format!(
                        "指標の累積目標 {}（{}年間）と注記の {}（{}年）が異なる",
                        num(p.total),
                        p.years,
                        num(f.total),
                        f.years
                    ),
                    format!(
                        "cumulative target {} over {} years in the indicator but {} over {} years in the note",
                        num(p.total),
                        p.years,
                        num(f.total),
                        f.years
                    ),
                ));
            }
        }
    }
    // Yearly targets against the cumulative target.
    let mut targets: BTreeMap<i32, (f64, Option<&KpiValue>)> = BTreeMap::new();
    for v in &k.values {
        if let (Some(y), Some(t)) = (v.fiscal_year, v.target) {
            targets.insert(y, (t, Some(v)));
        }
    }
    if let (Some(y), Some(t)) = (k.target_final_year, k.target_final_value) {
        targets.entry(y).or_insert((t, None));
    }
    let basis = period.as_ref().or(formula.as_ref());
    if let Some(c) = basis {
        let per = c.total / c.years as f64;
        let in_period: Vec<(i32, f64, Option<&KpiValue>)> = targets
            .iter()
            .filter(|(y, _)| c.period.is_none_or(|(a, b)| **y >= a && **y <= b))
            .map(|(y, (t, v))| (*y, *t, *v))
            .collect();
        if !in_period.is_empty() {
            let constant = in_period.iter().all(|(_, t, _)| close(*t, per));
            let running = c.period.is_some_and(|(a, _)| {
                in_period
                    .iter()
                    .all(|(y, t, _)| close(*t, per * (y - a + 1) as f64))
            });
            let sum_ok = in_period.len() as i32 == c.years
                && (in_period.iter().map(|x| x.1).sum::<f64>() - c.total).abs()
                    < in_period.iter().map(|x| ulp(None, x.1)).fold(0.0, f64::max) - EPS;
            if !(constant || running || sum_ok) {
                let bad: Vec<String> = in_period
                    .iter()
                    .filter(|(_, t, _)| !close(*t, per))
                    .map(|(y, t, _)| format!("{y}: {}", num(*t)))
                    .collect();
                problems.push((
                    format!(
                        "累積目標 {} ÷ {}年 = {}/年 に対し年度目標値が {}",
                        num(c.total),
                        c.years,
                        num(per),
                        bad.join("、")
                    ),
                    format!(
                        "cumulative target {} over {} years gives {} a year, but yearly targets are {}",
                        num(c.total),
                        c.years,
                        num(per),
                        bad.join(", ")
                    ),
                ));
                for (y, t, v) in &in_period {
                    match v {
                        Some(v) => ev.push(value_evidence(doc, k, v, "目標値", Some(*t))),
                        None => ev.push(evidence(
                            doc,
                            format!("{} 目標最終年度 {y}", kpi_label(k)),
                            Some(*t),
                            k.prov.as_ref(),
                            num(*t),
                        )),
                    }
                }
            }
        }
        if let Some(p) = &period {
            if !ev.iter().any(|e| e.text == p.text) {
                ev.insert(1, {
                    let mut e = quote(
                        doc,
                        format!("{} 累積目標", kpi_label(k)),
                        k.prov.as_ref(),
                        p.text.clone(),
                    );
                    e.value = Some(p.total);
                    e
                });
            }
        }
    }
    if problems.is_empty() {
        return;
    }
    let (ja, en): (Vec<String>, Vec<String>) = problems.into_iter().unzip();
    out.push(flag(
        "kpi.target_split_mismatch",
        Severity::Warning,
        doc,
        format!("{}: {}", kpi_label(k), ja.join("；")),
        format!("{}: {}", kpi_label(k), en.join("; ")),
        ev,
    ));
}

/// 達成度 of a year: actual/target (a misprinted 達成度 is another rule's business), else
/// as printed.
fn achieved(v: &KpiValue) -> Option<f64> {
    match (v.actual, v.target) {
        (Some(a), Some(t)) if t > 0.0 => Some(a / t * 100.0),
        _ => v.achievement_pct,
    }
}

/// Whether the sheet computes 達成度 as target/actual for this KPI (lower is better).
fn inverse_kpi(k: &Kpi) -> bool {
    let ind = compact(k.indicator.as_deref().unwrap_or(""));
    k.values
        .iter()
        .any(|v| achievement_fits(v).is_some_and(|(d, i)| i && !d))
        || LOWER_IS_BETTER.iter().any(|w| ind.contains(w))
}

fn too_low(doc: &str, k: &Kpi, out: &mut Vec<Flag>) {
    if k.values
        .iter()
        .any(|v| achievement_fits(v).is_some_and(|(d, i)| i && !d))
    {
        return;
    }
    // Group the over-achieving years by their (unchanged) target.
    let mut by_target: BTreeMap<String, Vec<&KpiValue>> = BTreeMap::new();
    for v in &k.values {
        if let (Some(t), Some(p)) = (v.target, achieved(v)) {
            if p > TOO_LOW_ACHIEVEMENT_PCT {
                by_target.entry(num(t)).or_default().push(v);
            }
        }
    }
    for (t, vs) in by_target {
        if vs.len() < TOO_LOW_MIN_YEARS {
            continue;
        }
        let years: Vec<String> = vs
            .iter()
            .map(|v| {
                format!(
                    "{}: {}%",
                    v.fiscal_year.unwrap_or(0),
                    num(achieved(v).unwrap_or(0.0))
                )
            })
            .collect();
        let mut ev = vec![kpi_evidence(doc, k)];
        for v in &vs {
            ev.push(value_evidence(doc, k, v, "達成度", achieved(v)));
            ev.push(value_evidence(doc, k, v, "実績", v.actual));
            ev.push(value_evidence(doc, k, v, "目標値", v.target));
        }
        out.push(flag(
            "kpi.target_too_low",
            Severity::Warning,
            doc,
            format!(
                "{}: 目標値 {t} のまま達成度が{}%超の年度が{}回（{}）：目標が低すぎる可能性",
                kpi_label(k),
                num(TOO_LOW_ACHIEVEMENT_PCT),
                vs.len(),
                years.join("、")
            ),
            format!(
                "{}: achievement above {}% in {} years with the target unchanged at {t} ({}): the target may be too low",
                kpi_label(k),
                num(TOO_LOW_ACHIEVEMENT_PCT),
                vs.len(),
                years.join(", ")
            ),
            ev,
        ));
    }
}

fn declining(doc: &str, k: &Kpi, out: &mut Vec<Flag>) {
    if inverse_kpi(k) {
        return;
    }
    let mut vals: Vec<&KpiValue> = k
        .values
        .iter()
        .filter(|v| v.fiscal_year.is_some())
        .collect();
    vals.sort_by_key(|v| v.fiscal_year);
    // The trailing run of consecutive years with actuals.
    let mut run: Vec<&KpiValue> = Vec::new();
    for v in vals {
        match (v.actual, run.last()) {
            (None, _) => run.clear(),
            (Some(_), Some(p)) if p.fiscal_year.map(|y| y + 1) != v.fiscal_year => run = vec![v],
            (Some(_), _) => run.push(v),
        }
    }
    if run.len() < DECLINE_MIN_YEARS {
        return;
    }
    let a: Vec<f64> = run.iter().filter_map(|v| v.actual).collect();
    if !a.windows(2).all(|w| w[1] < w[0]) || a[0] <= 0.0 {
        return;
    }
    // A planned fall (targets falling as well, to about where the actuals are) is not a
    // warning.
    let t: Vec<f64> = run.iter().filter_map(|v| v.target).collect();
    if t.len() == run.len()
        && t.windows(2).all(|w| w[1] < w[0])
        && t[t.len() - 1] <= 1.25 * a[a.len() - 1]
    {
        return;
    }
    let (first, last) = (a[0], a[a.len() - 1]);
    let step = a[a.len() - 2] - last;
    if !(last <= DECLINE_TO_ZERO_SHARE * first || last - step * DECLINE_HORIZON_YEARS <= 0.0) {
        return;
    }
    let series: Vec<String> = run
        .iter()
        .map(|v| {
            format!(
                "{}: {}",
                v.fiscal_year.unwrap_or(0),
                num(v.actual.unwrap_or(0.0))
            )
        })
        .collect();
    let mut ev = vec![kpi_evidence(doc, k)];
    ev.extend(
        run.iter()
            .map(|v| value_evidence(doc, k, v, "実績", v.actual)),
    );
    out.push(flag(
        "kpi.declining",
        Severity::Warning,
        doc,
        format!(
            "{}: 実績が年々減少しゼロに近づいている（{}）",
            kpi_label(k),
            series.join(" → ")
        ),
        format!(
            "{}: actuals fall year after year toward zero ({})",
            kpi_label(k),
            series.join(" → ")
        ),
        ev,
    ));
}

/// An indicator reduced to its core: NFKC, no whitespace, no bracketed asides or ※ notes.
pub(crate) fn indicator_core(s: &str) -> String {
    let n = nfkc(s);
    // ※ notes run to the end of their line.
    let no_notes: String = n
        .lines()
        .map(|l| l.split('※').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("");
    let mut out = String::new();
    let mut depth = 0usize;
    for c in no_notes.chars() {
        match c {
            '(' | '[' | '【' | '〔' | '《' | '〈' => depth += 1,
            ')' | ']' | '】' | '〕' | '》' | '〉' => depth = depth.saturating_sub(1),
            c if depth == 0 && !c.is_whitespace() && !"「」『』。、.,".contains(c) => {
                out.push(c)
            }
            _ => {}
        }
    }
    out
}

pub(crate) fn unit_core(s: Option<&str>) -> String {
    indicator_core(s.unwrap_or(""))
}

/// The target that identifies a KPI: the cumulative target stated in text, else the final
/// year's target, else the last printed yearly target.
pub(crate) fn main_target(k: &Kpi) -> Option<f64> {
    let (p, f) = cumulative(&kpi_text(k));
    p.map(|c| c.total)
        .or(f.map(|c| c.total))
        .or(k.target_final_value)
        .or_else(|| {
            let mut v: Vec<&KpiValue> = k.values.iter().filter(|v| v.target.is_some()).collect();
            v.sort_by_key(|v| v.fiscal_year);
            v.last().and_then(|v| v.target)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_wording_variants() {
        let (s, n) = aggregate_wording(
            "※達成目標の25件については、３省（文部科学省、厚生労働省、経済産業省）の合計の目標値であるが、各省ごとのに目標値を按分することができない",
        )
        .expect("seed wording");
        assert_eq!(n, vec!["文部科学省", "厚生労働省", "経済産業省"]);
        assert!(s.starts_with('※'), "{s}");
        assert_eq!(
            aggregate_wording("政府全体の目標として設定").map(|x| x.1),
            Some(vec!["政府全体".to_string()])
        );
        assert_eq!(
            aggregate_wording("目標値は二省の合算値である").map(|x| x.1),
            Some(vec!["二省".to_string()])
        );
        assert!(aggregate_wording("各省連携の下で実施し、実績は経産省と厚労省の合計").is_some());
        assert!(aggregate_wording("文部科学省調べ（事業実績報告書）").is_none());
        assert!(aggregate_wording("令和５年度、令和４年度は前身事業と本事業の合算値").is_none());
    }

    #[test]
    fn cumulative_statements() {
        let (p, f) = cumulative("非臨床POCの取得件数（令和2年～令和6年で累積25件）\n※各年度の目標値は25件÷5年＝5件/年とする。");
        let p = p.expect("period");
        assert_eq!((p.total, p.period, p.years), (25.0, Some((2020, 2024)), 5));
        let f = f.expect("formula");
        assert_eq!((f.total, f.years, f.per_year), (25.0, 5, Some(5.0)));
        let (p, _) = cumulative("導出件数（令和２年度〜令和６年度の累計１５件）");
        assert_eq!(p.map(|c| (c.total, c.years)), Some((15.0, 5)));
    }

    #[test]
    fn cores() {
        assert_eq!(
            indicator_core("シーズの他事業や企業等への導出件数（令和2年～令和6\n年で累積15件）"),
            "シーズの他事業や企業等への導出件数"
        );
        assert_eq!(
            indicator_core("職業実践専門課程の認定校数\n※各年度の目標値は前年度以上とする"),
            "職業実践専門課程の認定校数"
        );
    }
}
