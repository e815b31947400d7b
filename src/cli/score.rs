//! `seisaku score`: compare review-sheet extraction with `*.truth.json` files.
//!
//! The figures are computed exactly as the project's scorer (`review_sheets.py`) does, so the
//! two agree: text is compared after [`norm`] (fold 〜/～, −/－, ―, ‐, U+0332, then NFKC, then
//! drop all whitespace); numbers after rounding to 3 decimals; amounts in 百万円 (a missing
//! amount counts as 0); lists as multisets (F1).
//!
//! - budget cells: truth cells (fiscal year × column) whose value the extraction has exactly;
//! - recipients F1 over (block, name, 法人番号, amount);
//! - KPI values F1 over (kind, indicator without ※ notes, year, target, actual);
//! - fund-flow F1 over (block, label, amount, count);
//! - project fields: 9 header fields equal after normalisation.

use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Targets for the summary figures (all must hold for exit status 0).
pub const TARGETS: [(&str, f64); 5] = [
    ("budget_cells", 1.0),
    ("recipients_f1", 0.99),
    ("kpi_values_f1", 0.97),
    ("fund_flow_f1", 0.98),
    ("project_fields", 0.98),
];

/// Header fields compared by the scorer.
pub const PROJECT_KEYS: [&str; 9] = [
    "project_number",
    "name",
    "ministry",
    "bureau",
    "division",
    "start_year",
    "end_year",
    "account",
    "implementation",
];

/// The scorer's text normalisation; None stays None. Numbers compare by their JSON text.
pub fn norm(v: &Value) -> Option<String> {
    let s = match v {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        other => other.to_string(),
    };
    Some(norm_str(&s))
}

/// [`norm`] for a string.
pub fn norm_str(s: &str) -> String {
    crate::text::comparison_key(s)
}

/// round(x, 3) as an integer count of thousandths (a hashable key).
fn milli(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

fn num(v: &Value) -> Option<i64> {
    v.as_f64().map(milli)
}

fn million(d: &Value, key_m: &str, key_y: &str) -> i64 {
    if let Some(m) = d.get(key_m).and_then(Value::as_f64) {
        return milli(m);
    }
    if let Some(y) = d.get(key_y).and_then(Value::as_f64) {
        return milli(y / 1e6);
    }
    0
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn f1(truth: &[String], got: &[String]) -> f64 {
    let mut t: HashMap<&str, i64> = HashMap::new();
    for k in truth {
        *t.entry(k).or_default() += 1;
    }
    let mut g: HashMap<&str, i64> = HashMap::new();
    for k in got {
        *g.entry(k).or_default() += 1;
    }
    let tp: i64 = t
        .iter()
        .map(|(k, n)| (*n).min(g.get(k).copied().unwrap_or(0)))
        .sum();
    let p = tp as f64 / got.len().max(1) as f64;
    let r = tp as f64 / truth.len().max(1) as f64;
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else if truth.is_empty() && got.is_empty() {
        1.0
    } else {
        0.0
    }
}

fn budget_map(rs: &Value) -> HashMap<String, Option<i64>> {
    let mut out = HashMap::new();
    for b in list(rs, "budgets") {
        let mut v = num(&b["value"]);
        if b["value"].is_null() {
            if let Some(y) = b["value_yen"].as_f64() {
                v = Some(milli(y / 1e6));
            }
        }
        let key = format!("{:?}|{:?}", b["fiscal_year"].as_i64(), norm(&b["column"]));
        out.insert(key, v);
    }
    out
}

/// Recipient keys (block, name, 法人番号, amount).
pub fn recipient_keys(rs: &Value) -> Vec<String> {
    list(rs, "recipients")
        .iter()
        .map(|r| {
            format!(
                "{:?}|{:?}|{:?}|{}",
                norm(&r["block"]),
                norm(&r["name"]),
                norm(&r["corporate_number"]),
                million(r, "amount_million_yen", "amount_yen")
            )
        })
        .collect()
}

fn indicator_key(v: &Value) -> String {
    norm(v)
        .unwrap_or_default()
        .split('※')
        .next()
        .unwrap_or("")
        .to_string()
}

/// KPI value keys (kind, indicator, year, target, actual).
pub fn kpi_keys(rs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for k in list(rs, "kpis") {
        for v in list(k, "values") {
            out.push(format!(
                "{:?}|{}|{:?}|{:?}|{:?}",
                norm(&k["kind"]),
                indicator_key(&k["indicator"]),
                v["fiscal_year"].as_i64(),
                num(&v["target"]),
                num(&v["actual"])
            ));
        }
    }
    out
}

/// Fund-flow block keys (block, label, amount, count).
pub fn block_keys(rs: &Value) -> Vec<String> {
    let ff = rs.get("fund_flow").cloned().unwrap_or(Value::Null);
    list(&ff, "blocks")
        .iter()
        .map(|b| {
            format!(
                "{:?}|{:?}|{}|{:?}",
                norm(&b["block"]),
                norm(&b["label"]),
                million(b, "amount_million_yen", "amount_yen"),
                b["count"].as_f64().map(milli)
            )
        })
        .collect()
}

/// Figures for one sheet.
#[derive(Debug, Clone, Default)]
pub struct SheetScore {
    /// Budget cells right.
    pub budget_good: usize,
    /// Budget cells in the truth.
    pub budget_cells: usize,
    /// Recipients F1.
    pub recipients_f1: f64,
    /// KPI values F1.
    pub kpi_values_f1: f64,
    /// Fund-flow blocks F1.
    pub fund_flow_f1: f64,
    /// Project fields right.
    pub project_good: usize,
    /// Project fields compared.
    pub project_fields: usize,
}

impl SheetScore {
    /// One line of figures.
    pub fn line(&self) -> String {
        format!(
            "budget cells {}/{}, recipients F1 {:.3}, KPI values F1 {:.3}, fund flow F1 {:.3}, project fields {}/{}",
            self.budget_good,
            self.budget_cells,
            self.recipients_f1,
            self.kpi_values_f1,
            self.fund_flow_f1,
            self.project_good,
            self.project_fields
        )
    }
}

/// Score one extracted `review_sheet` object (Null when none) against a truth file.
pub fn score_sheet(truth: &Value, got: &Value) -> SheetScore {
    let empty = Value::Object(Default::default());
    let got = if got.is_object() { got } else { &empty };
    let tb = budget_map(truth);
    let gb = budget_map(got);
    let budget_good = tb
        .iter()
        .filter(|(k, v)| gb.get(*k).copied().unwrap_or(None) == **v)
        .count();
    let pt = truth.get("project").unwrap_or(&Value::Null);
    let pg = got.get("project").unwrap_or(&Value::Null);
    let project_good = PROJECT_KEYS
        .iter()
        .filter(|k| {
            norm(pt.get(**k).unwrap_or(&Value::Null)) == norm(pg.get(**k).unwrap_or(&Value::Null))
        })
        .count();
    SheetScore {
        budget_good,
        budget_cells: tb.len(),
        recipients_f1: f1(&recipient_keys(truth), &recipient_keys(got)),
        kpi_values_f1: f1(&kpi_keys(truth), &kpi_keys(got)),
        fund_flow_f1: f1(&block_keys(truth), &block_keys(got)),
        project_good,
        project_fields: PROJECT_KEYS.len(),
    }
}

/// Summary over sheets: budget cells and project fields pooled, F1s averaged per sheet.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Number of sheets.
    pub files: usize,
    /// Fraction of budget cells right.
    pub budget_cells: f64,
    /// Mean recipients F1.
    pub recipients_f1: f64,
    /// Mean KPI values F1.
    pub kpi_values_f1: f64,
    /// Mean fund-flow F1.
    pub fund_flow_f1: f64,
    /// Fraction of project fields right.
    pub project_fields: f64,
}

impl Summary {
    /// The scorer's summary line.
    pub fn line(&self) -> String {
        format!(
            "review sheets {}: budget cells {:.4}, recipients F1 {:.4}, KPI values F1 {:.4}, fund flow F1 {:.4}, project fields {:.4}",
            self.files,
            self.budget_cells,
            self.recipients_f1,
            self.kpi_values_f1,
            self.fund_flow_f1,
            self.project_fields
        )
    }

    /// Whether every target holds.
    pub fn ok(&self) -> bool {
        let v = [
            self.budget_cells,
            self.recipients_f1,
            self.kpi_values_f1,
            self.fund_flow_f1,
            self.project_fields,
        ];
        self.files > 0 && TARGETS.iter().zip(v).all(|((_, t), x)| x >= *t)
    }
}

/// Pool per-sheet scores into the summary.
pub fn summarize<N>(scores: &[(N, SheetScore)]) -> Summary {
    let n = scores.len().max(1) as f64;
    let sum = |f: fn(&SheetScore) -> f64| scores.iter().map(|(_, s)| f(s)).sum::<f64>();
    let cells: usize = scores.iter().map(|(_, s)| s.budget_cells).sum();
    let good: usize = scores.iter().map(|(_, s)| s.budget_good).sum();
    let pj: usize = scores.iter().map(|(_, s)| s.project_good).sum();
    let pjn: usize = scores.iter().map(|(_, s)| s.project_fields).sum();
    Summary {
        files: scores.len(),
        budget_cells: good as f64 / cells.max(1) as f64,
        recipients_f1: sum(|s| s.recipients_f1) / n,
        kpi_values_f1: sum(|s| s.kpi_values_f1) / n,
        fund_flow_f1: sum(|s| s.fund_flow_f1) / n,
        project_fields: pj as f64 / pjn.max(1) as f64,
    }
}

/// Print what differs between truth and extraction (missing `-`, extra `+`), for debugging.
pub fn print_diff(truth: &Value, got: &Value) {
    let empty = Value::Object(Default::default());
    let got = if got.is_object() { got } else { &empty };
    let diff = |name: &str, t: Vec<String>, g: Vec<String>| {
        let mut gc = g.clone();
        for k in &t {
            if let Some(i) = gc.iter().position(|x| x == k) {
                gc.remove(i);
            } else {
                println!("  {name} - {k}");
            }
        }
        for k in gc {
            println!("  {name} + {k}");
        }
    };
    let tb = budget_map(truth);
    let gb = budget_map(got);
    for (k, v) in &tb {
        let g = gb.get(k).copied().unwrap_or(None);
        if g != *v {
            println!("  budget {k}: truth {v:?} got {g:?}");
        }
    }
    diff("recipient", recipient_keys(truth), recipient_keys(got));
    diff("kpi", kpi_keys(truth), kpi_keys(got));
    diff("block", block_keys(truth), block_keys(got));
    for k in PROJECT_KEYS {
        let t = norm(truth["project"].get(k).unwrap_or(&Value::Null));
        let g = norm(
            got.get("project")
                .and_then(|p| p.get(k))
                .unwrap_or(&Value::Null),
        );
        if t != g {
            println!("  project.{k}: truth {t:?} got {g:?}");
        }
    }
}

/// Run `seisaku score`.
pub fn run(args: super::ScoreArgs) -> anyhow::Result<ExitCode> {
    let mut truths: Vec<PathBuf> = std::fs::read_dir(&args.truth)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    truths.sort();
    if truths.is_empty() {
        anyhow::bail!("no *.truth.json in {}", args.truth.display());
    }
    let started = std::time::Instant::now();
    let scores: Vec<(String, SheetScore)> = truths
        .par_iter()
        .map(|tf| score_file(tf))
        .collect::<anyhow::Result<_>>()?;
    // Throughput of the whole analysis (text layer, tables, tokens, facts, checks) per sheet.
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "analysed {} sheets in {secs:.2} s: {:.1} sheets/s on {} threads",
        scores.len(),
        scores.len() as f64 / secs.max(1e-9),
        rayon::current_num_threads()
    );
    if args.verbose {
        for (name, s) in &scores {
            println!("{name}: {}", s.line());
        }
    }
    // Debugging aid: SEISAKU_SCORE_DIFF=<part of a file name> prints what differs.
    if let Ok(pat) = std::env::var("SEISAKU_SCORE_DIFF") {
        for tf in truths.iter().filter(|t| t.to_string_lossy().contains(&pat)) {
            let truth: Value = serde_json::from_str(&std::fs::read_to_string(tf)?)?;
            let pdf = PathBuf::from(tf.to_string_lossy().replace(".truth.json", ".pdf"));
            let got = serde_json::to_value(&crate::pipeline::analyze_file(&pdf).review_sheet)?;
            println!("{}:", pdf.display());
            print_diff(&truth, &got);
        }
    }
    let sum = summarize(&scores);
    println!("{}", sum.line());
    let figures = [
        sum.budget_cells,
        sum.recipients_f1,
        sum.kpi_values_f1,
        sum.fund_flow_f1,
        sum.project_fields,
    ];
    for ((name, target), v) in TARGETS.iter().zip(figures) {
        if v < *target {
            println!("below target: {name} {v:.4} < {target}");
        }
    }
    Ok(if sum.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn score_file(tf: &Path) -> anyhow::Result<(String, SheetScore)> {
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(tf)?)?;
    let pdf = PathBuf::from(tf.to_string_lossy().replace(".truth.json", ".pdf"));
    let analysis = crate::pipeline::analyze_file(&pdf);
    let got = serde_json::to_value(&analysis.review_sheet)?;
    let name = pdf
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, score_sheet(&truth, &got)))
}
