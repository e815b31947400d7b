//! Integration tests: council facts. The four council PDFs and `expected.json` (98 facts a
//! reader finds in them) are copied from the shared corpus into tests/fixtures/council/; the
//! matching follows its `about` (and the shared scorer): kind and value agree (amounts exactly
//! in yen, counts exactly, dates as ISO, names after NFKC without spaces) and, where given,
//! fiscal_year and per. Precision counts an extracted fact as correct when it matches an
//! expected one or its source text is printed in the document.

use crate::common::fixture;
use seisaku::layout::{Line, PageLayout};
use seisaku::model::{Fact, Rect};
use serde_json::Value;

fn norm(s: &str) -> String {
    seisaku::text::comparison_key(s)
}

fn matches(e: &Value, f: &Fact) -> bool {
    let kind = e["kind"].as_str().unwrap_or_default();
    if kind != f.kind {
        return false;
    }
    let fv = f.value.as_ref();
    let fstr = || match fv {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    match kind {
        "amount" => {
            let mut ok = if let Some(v) = e.get("value_yen") {
                f.value_yen == v.as_i64()
            } else {
                f.value_yen_min == e["value_yen_min"].as_i64()
                    && f.value_yen_max == e["value_yen_max"].as_i64()
            };
            if let Some(y) = e.get("fiscal_year") {
                ok &= f.fiscal_year.map(i64::from) == y.as_i64();
            }
            if let Some(p) = e.get("per") {
                ok &= f.per.as_deref() == p.as_str();
            }
            ok
        }
        "count" => {
            fv.and_then(Value::as_i64) == e["value"].as_i64()
                && f.unit.as_deref().map(norm) == e["unit"].as_str().map(norm)
        }
        "ratio" => fv
            .and_then(Value::as_f64)
            .zip(e["value"].as_f64())
            .is_some_and(|(a, b)| (a - b).abs() < 0.001),
        "date" | "period" => fstr() == e["value"].as_str().unwrap_or_default(),
        "kpi" => {
            let ev = norm(e["value"].as_str().unwrap_or_default());
            norm(&fstr()).contains(&ev)
        }
        _ => norm(&fstr()) == norm(e["value"].as_str().unwrap_or_default()),
    }
}

struct Score {
    found: usize,
    total: usize,
    correct: usize,
    extracted: usize,
    missing: Vec<String>,
}

fn score(expected: &[Value], facts: &[Fact], doc_text: &str, score: &mut Score, name: &str) {
    let kinds: Vec<&str> = [
        "amount",
        "count",
        "ratio",
        "kpi",
        "program",
        "organization",
        "person",
        "date",
        "period",
    ]
    .to_vec();
    let got: Vec<&Fact> = facts
        .iter()
        .filter(|f| kinds.contains(&f.kind.as_str()))
        .collect();
    let text = norm(doc_text);
    for e in expected {
        score.total += 1;
        if got.iter().any(|f| matches(e, f)) {
            score.found += 1;
        } else {
            score.missing.push(format!("{name} {e}"));
        }
    }
    for f in &got {
        score.extracted += 1;
        let t = norm(&f.text);
        if expected.iter().any(|e| matches(e, f)) || (!t.is_empty() && text.contains(&t)) {
            score.correct += 1;
        }
    }
}

fn expected() -> serde_json::Map<String, Value> {
    let raw = std::fs::read_to_string(fixture("council/expected.json")).expect("expected.json");
    let v: Value = serde_json::from_str(&raw).expect("json");
    v["documents"].as_object().expect("documents").clone()
}

fn report(s: &Score, what: &str) -> (f64, f64) {
    let recall = s.found as f64 / s.total.max(1) as f64;
    let precision = s.correct as f64 / s.extracted.max(1) as f64;
    for m in &s.missing {
        eprintln!("missing {m}");
    }
    eprintln!(
        "{what}: recall {recall:.3} ({}/{}), precision {precision:.3} ({} extracted)",
        s.found, s.total, s.extracted
    );
    (recall, precision)
}

/// The acceptance: facts from the council PDFs through the whole pipeline.
#[test]
fn council_pdfs_recall_and_precision() {
    let mut s = Score {
        found: 0,
        total: 0,
        correct: 0,
        extracted: 0,
        missing: Vec::new(),
    };
    for (name, facts) in expected() {
        let a = seisaku::pipeline::analyze_file(&fixture(&format!("council/{name}")));
        let text: String = a
            .pages
            .iter()
            .flat_map(|p| p.lines.iter().map(|l| l.text.as_str()))
            .collect::<Vec<_>>()
            .join("\n");
        for f in &a.facts {
            assert!(f.page >= 1 && f.page as usize <= a.pages.len(), "{f:?}");
        }
        score(
            facts.as_array().expect("list"),
            &a.facts,
            &text,
            &mut s,
            &name,
        );
    }
    let (recall, precision) = report(&s, "council PDFs");
    assert!(recall >= 0.95, "recall {recall:.3}");
    assert!(precision >= 0.9, "precision {precision:.3}");
}

/// The same documents from their seed texts (one page, one line per text line): checks the
/// fact patterns independently of the PDF text layer.
#[test]
fn council_seed_texts() {
    let mut s = Score {
        found: 0,
        total: 0,
        correct: 0,
        extracted: 0,
        missing: Vec::new(),
    };
    for (name, facts) in expected() {
        let txt = fixture(&format!("council/{}", name.replace(".pdf", ".txt")));
        let text = std::fs::read_to_string(txt).expect("seed text");
        let page = text_page(&text);
        let got = seisaku::extract::facts::extract("seed", std::slice::from_ref(&page));
        if std::env::var_os("SEISAKU_PRINT_FACTS").is_some() {
            for f in &got {
                let v = f.value.clone().unwrap_or(Value::Null);
                eprintln!(
                    "{name} {} {v} {:?} {:?}-{:?} {:?} {:?} {:?} | {}",
                    f.kind,
                    f.value_yen,
                    f.value_yen_min,
                    f.value_yen_max,
                    f.role,
                    f.per,
                    f.program,
                    f.text
                );
            }
        }
        score(facts.as_array().expect("list"), &got, &text, &mut s, &name);
    }
    let (recall, precision) = report(&s, "council seed texts");
    assert!(recall >= 0.9, "recall {recall:.3}");
    assert!(precision >= 0.9, "precision {precision:.3}");
}

/// A page whose lines are the text's lines (no geometry).
fn text_page(text: &str) -> PageLayout {
    PageLayout {
        number: 1,
        width: 0.0,
        height: 0.0,
        lines: text
            .lines()
            .map(|l| Line {
                text: l.to_string(),
                char_boxes: Vec::new(),
                bbox: Rect::default(),
                size: 10.0,
                vertical: false,
                block: 0,
            })
            .collect(),
        blocks: Vec::new(),
        tables: Vec::new(),
    }
}
