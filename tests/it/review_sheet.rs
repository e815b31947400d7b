//! Integration tests: review-sheet extraction on real rendered sheets of both layouts
//! (tests/fixtures/review-sheets), compared with their truth files.
use crate::common::fixture;
use seisaku::cli::score::{norm_str, score_sheet};
use seisaku::model::review_sheet::{Kpi, ReviewSheet};
use serde_json::Value;

fn analyze(name: &str) -> (ReviewSheet, Value) {
    let pdf = fixture(&format!("review-sheets/{name}.pdf"));
    let a = seisaku::pipeline::analyze_file(&pdf);
    assert_eq!(a.document.status, "ok", "{name}: {:?}", a.document.error);
    let rs = a
        .review_sheet
        .unwrap_or_else(|| panic!("{name}: not recognised as a review sheet"));
    let truth_path = fixture(&format!("review-sheets/{name}.truth.json"));
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(truth_path).unwrap()).unwrap();
    (rs, truth)
}

fn budget(rs: &ReviewSheet, year: i32, column: &str) -> (Option<f64>, Option<i64>) {
    let c = rs
        .budgets
        .iter()
        .find(|b| b.fiscal_year == Some(year) && b.column == column)
        .unwrap_or_else(|| panic!("no budget cell {year} {column}"));
    assert!(c.prov.is_some(), "budget cell without provenance");
    (c.value, c.value_yen)
}

fn outcome<'a>(rs: &'a ReviewSheet, label: &str) -> &'a Kpi {
    rs.kpis
        .iter()
        .find(|k| k.kind == "outcome" && k.label.as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no outcome KPI {label}"))
}

/// (year, target, actual, 達成度) of each KPI value.
type YearValue = (i32, Option<f64>, Option<f64>, Option<f64>);

fn year_values(k: &Kpi) -> Vec<YearValue> {
    k.values
        .iter()
        .map(|v| {
            (
                v.fiscal_year.unwrap_or(0),
                v.target,
                v.actual,
                v.achievement_pct,
            )
        })
        .collect()
}

fn check_seed(name: &str) {
    let (rs, truth) = analyze(name);
    let p = &rs.project;
    assert_eq!(p.project_number.as_deref(), Some("2023-文科-22-0298"));
    assert_eq!(p.project_number_parts, ["2023", "文科", "22", "0298"]);
    assert_eq!(p.name.as_deref(), Some("医療機器等研究成果展開事業"));
    assert_eq!(
        (p.start_year, p.end_year, p.sheet_year),
        (Some(2004), Some(2029), Some(2023))
    );
    assert_eq!(p.implementation.as_deref(), Some("補助"));

    // Budgets: printed 百万円 and exact yen.
    assert_eq!(
        budget(&rs, 2020, "当初予算"),
        (Some(1230.0), Some(1_230_000_000))
    );
    assert_eq!(
        budget(&rs, 2020, "翌年度へ繰越し"),
        (Some(-12.0), Some(-12_000_000))
    );
    assert_eq!(
        budget(&rs, 2021, "前年度から繰越し"),
        (Some(12.0), Some(12_000_000))
    );
    assert_eq!(budget(&rs, 2022, "計"), (Some(1077.0), Some(1_077_000_000)));
    assert_eq!(
        budget(&rs, 2023, "当初予算"),
        (Some(1024.0), Some(1_024_000_000))
    );
    assert_eq!(
        budget(&rs, 2024, "要求額"),
        (Some(1216.0), Some(1_216_000_000))
    );
    assert_eq!(budget(&rs, 2024, "補正予算"), (None, None));
    assert_eq!(budget(&rs, 2020, "執行率"), (Some(100.0), None));
    assert_eq!(
        budget(&rs, 2021, "当初予算＋補正予算に対する執行額の割合"),
        (Some(101.0), None)
    );

    // Both outcome KPIs, with the three-ministry ※ note.
    let k1 = outcome(&rs, "①-1");
    assert_eq!(k1.term.as_deref(), Some("短期アウトカム"));
    assert_eq!(k1.unit.as_deref(), Some("件"));
    assert!(norm_str(k1.indicator.as_deref().unwrap()).starts_with("非臨床POCの取得件数"));
    assert_eq!(
        year_values(k1),
        vec![
            (2020, Some(5.0), Some(23.0), Some(460.0)),
            (2021, Some(5.0), Some(16.0), Some(320.0)),
            (2022, Some(5.0), Some(2.0), Some(40.0)),
        ]
    );
    assert_eq!(
        (k1.target_final_year, k1.target_final_value),
        (Some(2024), Some(5.0))
    );
    let note = norm_str(k1.note.as_deref().expect("note of ①-1"));
    assert!(
        note.contains(&norm_str(
            "※達成目標の25件については、３省（文部科学省、厚生労働省、経済産業省）の合計の目標値"
        )),
        "{note}"
    );
    let k2 = outcome(&rs, "①-2");
    assert_eq!(
        year_values(k2),
        vec![
            (2020, Some(3.0), Some(6.0), Some(200.0)),
            (2021, Some(3.0), Some(3.0), Some(100.0)),
            (2022, Some(3.0), Some(5.0), Some(166.7)),
        ]
    );
    assert!(norm_str(k2.note.as_deref().unwrap())
        .contains(&norm_str("※達成目標の15件については、３省")));
    let out = rs
        .kpis
        .iter()
        .find(|k| k.kind == "output")
        .expect("output KPI");
    assert_eq!(out.indicator.as_deref(), Some("研究課題の支援数"));
    assert!(out
        .note
        .as_deref()
        .unwrap_or("")
        .starts_with("※令和6年度活動見込"));
    assert_eq!(out.forecasts[0].fiscal_year, Some(2023));
    assert_eq!(out.forecasts[0].value, Some(48.0));

    // Recipients with 法人番号 and exact amounts.
    let amed = rs
        .recipients
        .iter()
        .find(|r| r.block == "A" && r.rank == Some(1))
        .expect("recipient A-1");
    assert_eq!(
        amed.name.as_deref(),
        Some("国立研究開発法人日本医療研究開発機構")
    );
    assert_eq!(amed.corporate_number.as_deref(), Some("9010005023796"));
    assert_eq!(amed.amount_million_yen, Some(1077.0));
    assert_eq!(amed.amount_yen, Some(1_077_000_000));
    assert!(amed.prov.as_ref().is_some_and(|p| p.page >= 1));
    let jri = rs
        .recipients
        .iter()
        .find(|r| r.block == "B")
        .expect("recipient B-1");
    assert_eq!(jri.corporate_number.as_deref(), Some("4010701026082"));
    assert_eq!((jri.bidders, jri.award_rate_pct), (Some(2), Some(75.6)));

    // Fund flow.
    let c = rs
        .fund_flow
        .blocks
        .iter()
        .find(|b| b.block == "C")
        .expect("block C");
    assert_eq!(c.label.as_deref(), Some("大学・研究機関・企業等"));
    assert_eq!((c.amount_million_yen, c.count), (Some(962.0), Some(35)));
    assert_eq!(c.parent.as_deref(), Some("A"));

    // And the whole sheet against its truth file, as `seisaku score` computes it.
    let s = score_sheet(&truth, &serde_json::to_value(&rs).unwrap());
    assert_eq!(s.budget_good, s.budget_cells, "{name}: {}", s.line());
    assert!(s.recipients_f1 >= 0.99, "{name}: {}", s.line());
    assert!(s.kpi_values_f1 >= 0.97, "{name}: {}", s.line());
    assert!(s.fund_flow_f1 >= 0.98, "{name}: {}", s.line());
    assert_eq!(s.project_good, s.project_fields, "{name}: {}", s.line());
}

#[test]
fn seed_sheet_xlsx_layout() {
    check_seed("2023-mext-22-0298.xlsx");
}

#[test]
fn seed_sheet_reportlab_layout() {
    check_seed("2023-mext-22-0298.rl");
}

#[test]
fn cairo_rewrite_and_sub_numbered_sheet_match_truth() {
    for name in ["2023-mext-22-0219.xlsx.cairo", "2023-mhlw-22-0964-2.xlsx"] {
        let (rs, truth) = analyze(name);
        let s = score_sheet(&truth, &serde_json::to_value(&rs).unwrap());
        assert_eq!(s.budget_good, s.budget_cells, "{name}: {}", s.line());
        assert!(s.recipients_f1 >= 0.99, "{name}: {}", s.line());
        assert!(s.kpi_values_f1 >= 0.97, "{name}: {}", s.line());
        assert!(s.fund_flow_f1 >= 0.98, "{name}: {}", s.line());
        assert_eq!(s.project_good, s.project_fields, "{name}: {}", s.line());
    }
    let (rs, _) = analyze("2023-mhlw-22-0964-2.xlsx");
    assert_eq!(
        rs.project.project_number.as_deref(),
        Some("2023-厚労-22-0964-2")
    );
}

#[test]
fn extract_prints_one_json_object() {
    let out = std::process::Command::new(crate::common::bin())
        .args(["extract", "--no-facts"])
        .arg(fixture("review-sheets/2023-mext-22-0298.rl.pdf"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["document"]["status"], "ok");
    assert_eq!(v["review_sheet"]["sheet_id"], "2023-文科-22-0298");
    assert!(v["facts"].is_array() && v["flags"].is_array());
}

#[test]
fn extract_exits_1_on_unreadable_file() {
    let dir = std::env::temp_dir().join(format!("seisaku-rs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("not.pdf");
    std::fs::write(&bad, b"hello").unwrap();
    let out = std::process::Command::new(crate::common::bin())
        .arg("extract")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["document"]["status"], "error");
    assert!(v["review_sheet"].is_null());
    let _ = std::fs::remove_dir_all(&dir);
}
