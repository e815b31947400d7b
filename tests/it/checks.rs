//! Integration tests: checks. Real review-sheet truth files (tests/fixtures/checks), each rule
//! once firing on a mutated copy and once silent on the unmodified data.
use crate::common::fixture;
use seisaku::checks::{corpus, document, DocFacts};
use seisaku::model::review_sheet::{Kpi, ReviewSheet};
use seisaku::model::{Fact, Flag, Provenance, Rect, Severity};

const SEED: &str = "2023-mext-22-0298.xlsx";
const MHLW: &str = "2023-mhlw-22-0964-2.xlsx";
const METI: &str = "2023-meti-22-0110.rl";
const OVER: &str = "2023-mhlw-22-0367.rl";
const LOW: &str = "2023-mhlw-22-0563.rl";
const BIDS: &str = "2023-meti-22-0283.xlsx";
const ALL: [&str; 6] = [SEED, MHLW, METI, OVER, LOW, BIDS];

fn load(name: &str) -> ReviewSheet {
    let path = fixture(&format!("checks/{name}.truth.json"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    serde_json::from_str(&text).expect("truth JSON deserializes into ReviewSheet")
}

fn run(name: &str, sheet: &ReviewSheet) -> Vec<Flag> {
    document(name, Some(sheet), &[])
}

fn of<'a>(flags: &'a [Flag], rule: &str) -> Vec<&'a Flag> {
    flags.iter().filter(|f| f.rule == rule).collect()
}

fn rules(flags: &[Flag]) -> Vec<String> {
    let mut r: Vec<String> = flags.iter().map(|f| f.rule.clone()).collect();
    r.sort();
    r
}

fn kpi<'a>(s: &'a mut ReviewSheet, label: &str) -> &'a mut Kpi {
    s.kpis
        .iter_mut()
        .find(|k| k.label.as_deref() == Some(label))
        .expect("kpi row")
}

fn cell<'a>(s: &'a mut ReviewSheet, year: i32, column: &str) -> &'a mut Option<f64> {
    &mut s
        .budgets
        .iter_mut()
        .find(|c| c.fiscal_year == Some(year) && c.column == column)
        .expect("budget cell")
        .value
}

fn docs(sheets: Vec<(&str, ReviewSheet)>) -> Vec<DocFacts> {
    sheets
        .into_iter()
        .map(|(n, s)| DocFacts {
            document: n.to_string(),
            sheet: Some(s),
            facts: Vec::new(),
        })
        .collect()
}

fn prov(page: u32) -> Provenance {
    Provenance {
        document: String::new(),
        page,
        bbox: Rect::new(10.0, 20.0, 300.0, 40.0),
        text: "printed".into(),
    }
}

/// The unmodified fixtures give exactly the genuinely present observations.
#[test]
fn unmodified_fixtures_give_expected_flags() {
    let expected: [(&str, &[&str]); 6] = [
        (
            SEED,
            &[
                "kpi.declining",
                "kpi.multi_ministry_aggregate",
                "kpi.multi_ministry_aggregate",
                "kpi.target_too_low",
            ],
        ),
        (MHLW, &[]),
        (METI, &["contract.single_bidder", "contract.single_bidder"]),
        (
            OVER,
            &[
                "budget.execution_exceeds_budget",
                "budget.execution_exceeds_budget",
                "budget.execution_exceeds_budget",
                "contract.single_bidder",
            ],
        ),
        (
            LOW,
            &[
                "contract.single_bidder",
                "contract.single_bidder",
                "kpi.target_too_low",
            ],
        ),
        (BIDS, &["contract.single_bidder", "contract.single_bidder"]),
    ];
    for (name, want) in expected {
        let flags = run(name, &load(name));
        assert_eq!(rules(&flags), want, "{name}: {flags:#?}");
        for f in &flags {
            assert!(!f.message.is_empty() && !f.message_ja.is_empty() && !f.evidence.is_empty());
        }
    }
    let c = corpus(&docs(ALL.iter().map(|n| (*n, load(n))).collect()));
    assert_eq!(
        rules(&c),
        [
            "kpi.shared_across_ministries",
            "kpi.shared_across_ministries"
        ],
        "{c:#?}"
    );
}

#[test]
fn seed_multi_ministry_aggregate_names_three_ministries_with_page() {
    let mut s = load(SEED);
    kpi(&mut s, "①-1").prov = Some(prov(3));
    let flags = run(SEED, &s);
    let f = of(&flags, "kpi.multi_ministry_aggregate");
    assert_eq!(f.len(), 2);
    for f in &f {
        for m in ["文部科学省", "厚生労働省", "経済産業省"] {
            assert!(f.message_ja.contains(m), "{}", f.message_ja);
        }
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.evidence.iter().any(|e| e.text.contains("合計の目標値")));
    }
    let first = f
        .iter()
        .find(|f| f.message_ja.contains("①-1"))
        .expect("①-1");
    assert_eq!(first.page, 3);
    assert!(first
        .evidence
        .iter()
        .all(|e| e.page == 3 || e.value.is_some()));
}

#[test]
fn multi_ministry_aggregate_other_wordings() {
    // Silent on the MHLW sheet of the same family (its notes say 厚生労働省調べ).
    assert!(of(&run(MHLW, &load(MHLW)), "kpi.multi_ministry_aggregate").is_empty());
    for note in [
        "政府全体の目標値として設定している。",
        "各省連携の下で実施しており、実績は経済産業省、文部科学省との合計。",
        "目標値は関係府省の按分することができないため合算で示す。",
        "３省（文部科学省、厚生労働省、経済産業省）の合計の目標値",
    ] {
        let mut s = load(MHLW);
        kpi(&mut s, "①-1").note = Some(note.into());
        let f = run(MHLW, &s);
        assert_eq!(
            of(&f, "kpi.multi_ministry_aggregate").len(),
            1,
            "{note}: {f:#?}"
        );
    }
}

#[test]
fn shared_across_ministries_lists_actuals_and_double_count() {
    let c = corpus(&docs(vec![(SEED, load(SEED)), (MHLW, load(MHLW))]));
    let f = of(&c, "kpi.shared_across_ministries");
    assert_eq!(f.len(), 2);
    let mext = f.iter().find(|f| f.document == SEED).expect("seed flag");
    assert_eq!(mext.related_documents, vec![MHLW.to_string()]);
    assert_eq!(mext.severity, Severity::Warning);
    assert!(
        mext.message_ja.contains("文部科学省: 2020=6"),
        "{}",
        mext.message_ja
    );
    assert!(mext.message_ja.contains("厚生労働省: 2020=6"));
    assert!(mext.message.contains("double count"));

    // A different target: not the same KPI.
    let mut m = load(MHLW);
    kpi(&mut m, "①-1").target_final_value = Some(16.0);
    for v in &mut kpi(&mut m, "①-1").values {
        v.target = v.target.map(|_| 16.0);
    }
    let c = corpus(&docs(vec![(SEED, load(SEED)), (MHLW, m)]));
    assert!(of(&c, "kpi.shared_across_ministries").is_empty());

    // Same KPI, no identical actuals: informational only.
    let mut m = load(MHLW);
    for v in &mut kpi(&mut m, "①-1").values {
        v.actual = v.actual.map(|a| a + 10.0);
    }
    let c = corpus(&docs(vec![(SEED, load(SEED)), (MHLW, m)]));
    let f = of(&c, "kpi.shared_across_ministries");
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|f| f.severity == Severity::Info));
}

#[test]
fn budget_sum_mismatch() {
    let mut s = load(METI);
    *cell(&mut s, 2021, "当初予算") = Some(2090.0);
    let f = run(METI, &s);
    let sm = of(&f, "budget.sum_mismatch");
    assert_eq!(sm.len(), 1, "{f:#?}");
    assert!(sm[0].message.contains("FY2021"));
    assert_eq!(sm[0].severity, Severity::Error);

    // The carry-over is subtracted whether or not its ▲ was read.
    let mut s = load(METI);
    *cell(&mut s, 2020, "翌年度へ繰越し") = Some(160.0);
    assert!(of(&run(METI, &s), "budget.sum_mismatch").is_empty());

    // Breakdown total against the budget table.
    let mut s = load(METI);
    s.budget_breakdown
        .as_mut()
        .expect("breakdown")
        .total_fy2023_initial = Some(1900.0);
    assert!(!of(&run(METI, &s), "budget.sum_mismatch").is_empty());

    for name in ALL {
        assert!(of(&run(name, &load(name)), "budget.sum_mismatch").is_empty());
    }
}

#[test]
fn budget_rate_mismatch() {
    let mut s = load(METI);
    *cell(&mut s, 2020, "執行率") = Some(90.0);
    let f = run(METI, &s);
    assert_eq!(of(&f, "budget.rate_mismatch").len(), 1, "{f:#?}");

    let mut s = load(METI);
    *cell(&mut s, 2021, "当初予算＋補正予算に対する執行額の割合") = Some(110.0);
    assert_eq!(of(&run(METI, &s), "budget.rate_mismatch").len(), 1);

    // 0367 prints 153% for 0.7 / 0.459 = 152.5%: within rounding.
    for name in ALL {
        assert!(of(&run(name, &load(name)), "budget.rate_mismatch").is_empty());
    }
}

#[test]
fn budget_execution_exceeds_budget() {
    let mut s = load(METI);
    *cell(&mut s, 2022, "執行額") = Some(1900.0);
    *cell(&mut s, 2022, "執行率") = Some(101.0);
    let f = run(METI, &s);
    assert_eq!(of(&f, "budget.execution_exceeds_budget").len(), 1, "{f:#?}");
    // 1,873 of 1,874: fine.
    assert!(of(&run(METI, &load(METI)), "budget.execution_exceeds_budget").is_empty());
    // Genuinely present in 0367 (執行額 0.7–1 against 計 0.459).
    assert_eq!(
        of(&run(OVER, &load(OVER)), "budget.execution_exceeds_budget").len(),
        3
    );
}

#[test]
fn kpi_achievement_mismatch() {
    let mut s = load(LOW);
    kpi(&mut s, "①-1").values[0].achievement_pct = Some(118.2);
    let f = run(LOW, &s);
    let a = of(&f, "kpi.achievement_mismatch");
    assert_eq!(a.len(), 1, "{f:#?}");
    assert!(a[0].message.contains("80.7/74.6"));
    for name in ALL {
        assert!(of(&run(name, &load(name)), "kpi.achievement_mismatch").is_empty());
    }
}

#[test]
fn kpi_target_split_mismatch() {
    // A yearly target that is not 25件 ÷ 5年.
    let mut s = load(SEED);
    kpi(&mut s, "①-1").values[1].target = Some(6.0);
    kpi(&mut s, "①-1").values[1].achievement_pct = Some(266.7);
    let f = run(SEED, &s);
    assert_eq!(of(&f, "kpi.target_split_mismatch").len(), 1, "{f:#?}");

    // The indicator's cumulative target disagrees with the note's 25件÷5年.
    let mut s = load(SEED);
    let k = kpi(&mut s, "①-1");
    k.indicator = k
        .indicator
        .as_ref()
        .map(|i| i.replace("累積25件", "累積３０件"));
    let f = run(SEED, &s);
    let t = of(&f, "kpi.target_split_mismatch");
    assert_eq!(t.len(), 1, "{f:#?}");
    assert!(t[0].message.contains("30"));

    for name in ALL {
        assert!(of(&run(name, &load(name)), "kpi.target_split_mismatch").is_empty());
    }
}

#[test]
fn kpi_target_too_low() {
    let f = run(SEED, &load(SEED));
    let t = of(&f, "kpi.target_too_low");
    assert_eq!(t.len(), 1);
    assert!(t[0].message.contains("460%") && t[0].message.contains("320%"));
    // Raise the 2021 target: only one year above 200% is left.
    let mut s = load(SEED);
    let k = kpi(&mut s, "①-1");
    k.values[1].target = Some(8.0);
    k.values[1].achievement_pct = Some(200.0);
    assert!(of(&run(SEED, &s), "kpi.target_too_low").is_empty());
    assert!(of(&run(MHLW, &load(MHLW)), "kpi.target_too_low").is_empty());
}

#[test]
fn kpi_declining() {
    let f = run(SEED, &load(SEED));
    let d = of(&f, "kpi.declining");
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("23") && d[0].message.contains("→ 2022: 2"));
    let mut s = load(SEED);
    kpi(&mut s, "①-1").values[2].actual = Some(17.0);
    kpi(&mut s, "①-1").values[2].achievement_pct = Some(340.0);
    assert!(of(&run(SEED, &s), "kpi.declining").is_empty());
    // A planted fall toward zero elsewhere.
    let mut s = load(MHLW);
    let k = kpi(&mut s, "①-3");
    for (v, a) in k.values.iter_mut().zip([9.0, 4.0, 1.0]) {
        v.actual = Some(a);
    }
    k.values[2].achievement_pct = Some(10.0);
    assert_eq!(of(&run(MHLW, &s), "kpi.declining").len(), 1);
}

#[test]
fn money_unit_slip() {
    // A one-recipient block's recipient printed in 千円.
    let mut s = load(METI);
    let r = s.recipients.iter_mut().find(|r| r.block == "D").expect("D");
    r.amount_million_yen = Some(33_000.0);
    let f = run(METI, &s);
    let u = of(&f, "money.unit_slip");
    assert_eq!(u.len(), 1, "{f:#?}");
    assert!(u[0].message.contains("×1,000"), "{}", u[0].message);
    assert_eq!(of(&f, "flow.recipients_exceed_block").len(), 1);

    // A block amount × 1,000,000 against its parent and the executed amount.
    let mut s = load(METI);
    s.fund_flow.blocks[2].amount_million_yen = Some(1547.0 * 1e6);
    assert!(!of(&run(METI, &s), "money.unit_slip").is_empty());

    // A year's initial budget in 千円.
    let mut s = load(SEED);
    *cell(&mut s, 2021, "当初予算") = Some(862_000.0);
    let f = run(SEED, &s);
    assert!(
        of(&f, "money.unit_slip")
            .iter()
            .any(|f| f.message.contains("initial budgets")),
        "{f:#?}"
    );

    for name in ALL {
        assert!(of(&run(name, &load(name)), "money.unit_slip").is_empty());
    }
}

#[test]
fn recipient_bad_corporate_number() {
    let mut s = load(METI);
    s.recipients[0].corporate_number = Some("9010005023797".into());
    let f = run(METI, &s);
    let b = of(&f, "recipient.bad_corporate_number");
    assert_eq!(b.len(), 1, "{f:#?}");
    assert_eq!(b[0].severity, Severity::Error);
    assert!(b[0].message.contains("9010005023797"));
    // Full-width digits are the same number.
    let mut s = load(METI);
    s.recipients[0].corporate_number = Some("９０１０００５０２３７９６".into());
    assert!(of(&run(METI, &s), "recipient.bad_corporate_number").is_empty());
    for name in ALL {
        assert!(of(&run(name, &load(name)), "recipient.bad_corporate_number").is_empty());
    }
}

#[test]
fn recipient_name_conflict() {
    // AMED's number under another name in a second document.
    let mut m = load(METI);
    m.recipients[0].name = Some("株式会社テスト商事".into());
    let c = corpus(&docs(vec![(SEED, load(SEED)), (METI, m)]));
    let n = of(&c, "recipient.name_conflict");
    assert_eq!(n.len(), 2, "{c:#?}");
    assert!(n[0].message.contains("9010005023796"));
    // One name under two valid numbers.
    let mut m = load(METI);
    m.recipients[0].corporate_number = Some(fix_check_digit("010005023797"));
    let c = corpus(&docs(vec![(SEED, load(SEED)), (METI, m)]));
    assert!(!of(&c, "recipient.name_conflict").is_empty(), "{c:#?}");
    // 国立大学法人　横浜国立大学 and spacing variants are one name; none on the unmodified set.
    let c = corpus(&docs(ALL.iter().map(|n| (*n, load(n))).collect()));
    assert!(of(&c, "recipient.name_conflict").is_empty());
}

/// A valid 法人番号 for a 12-digit base.
fn fix_check_digit(base: &str) -> String {
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| (d - b'0') as u32 * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}

#[test]
fn flow_recipients_exceed_block() {
    let mut s = load(METI);
    let r = s
        .recipients
        .iter_mut()
        .find(|r| r.block == "B" && r.rank == Some(1))
        .expect("B-1");
    r.amount_million_yen = Some(449.0);
    let f = run(METI, &s);
    assert_eq!(of(&f, "flow.recipients_exceed_block").len(), 1, "{f:#?}");
    // 0298 block D: 12 + 2 + 0.4 = 14.4 against a printed 14 is rounding, not an excess.
    for name in ALL {
        assert!(of(&run(name, &load(name)), "flow.recipients_exceed_block").is_empty());
    }
}

#[test]
fn contract_rules() {
    let f = run(METI, &load(METI));
    let b = of(&f, "contract.single_bidder");
    assert_eq!(b.len(), 2);
    assert!(b.iter().all(|f| f.severity == Severity::Info));
    assert!(of(&run(MHLW, &load(MHLW)), "contract.single_bidder").is_empty());

    let mut s = load(METI);
    s.recipients[1].award_rate_pct = Some(101.5);
    let f = run(METI, &s);
    assert_eq!(of(&f, "contract.award_rate_out_of_range").len(), 1);
    for name in ALL {
        assert!(of(&run(name, &load(name)), "contract.award_rate_out_of_range").is_empty());
    }
}

fn council_fact(yen: i64, year: i32, text: &str) -> Fact {
    Fact {
        kind: "amount".into(),
        value_yen: Some(yen),
        fiscal_year: Some(year),
        role: Some("予算案額".into()),
        program: Some("医工連携イノベーション推進事業".into()),
        document: "council-002".into(),
        page: 1,
        bbox: Rect::new(100.0, 50.0, 200.0, 70.0),
        text: text.into(),
        ..Fact::default()
    }
}

#[test]
fn cross_doc_amount_mismatch() {
    let council = |facts: Vec<Fact>| DocFacts {
        document: "council-002".into(),
        sheet: None,
        facts,
    };
    // 19.2億円 (±0.05億) against 1,921百万円; 20.8億円 against 2,080百万円: consistent.
    let mut d = docs(vec![(METI, load(METI))]);
    d.push(council(vec![
        council_fact(1_920_000_000, 2022, "令和4年度予算案額 19.2億円"),
        council_fact(2_080_000_000, 2021, "(20.8億円)"),
    ]));
    assert!(of(&corpus(&d), "cross_doc.amount_mismatch").is_empty());

    // 19.5億円 is 29百万円 off, beyond ±(5 + 0.5)百万円.
    let mut d = docs(vec![(METI, load(METI))]);
    d.push(council(vec![council_fact(
        1_950_000_000,
        2022,
        "令和4年度予算案額 19.5億円",
    )]));
    let c = corpus(&d);
    let m = of(&c, "cross_doc.amount_mismatch");
    assert_eq!(m.len(), 1, "{c:#?}");
    assert_eq!(m[0].document, "council-002");
    assert_eq!(m[0].related_documents, vec![METI.to_string()]);
    assert_eq!(m[0].page, 1);
    assert_eq!(m[0].evidence.len(), 2);
}

#[test]
fn multi_ministry_aggregate_from_text_when_rows_lack_the_note() {
    let mut s = load(SEED);
    for k in &mut s.kpis {
        k.note = None;
    }
    s.review.team_opinion = None;
    // The ※ note as the text layer printed it (a wrapped line, full-width digits).
    let line = Fact {
        kind: "count".into(),
        document: SEED.into(),
        page: 4,
        bbox: Rect::new(30.0, 400.0, 560.0, 410.0),
        text: "※達成目標の25件については、３省（文部科学省、厚生労働省、経済産業省）の合計の目標値であるが、本件については各省連携の下に一貫した支援を行って".into(),
        ..Fact::default()
    };
    let f = document(SEED, Some(&s), std::slice::from_ref(&line));
    let m = of(&f, "kpi.multi_ministry_aggregate");
    assert_eq!(m.len(), 1, "{f:#?}");
    assert_eq!(m[0].page, 4);
    assert!(m[0]
        .message_ja
        .contains("文部科学省、厚生労働省、経済産業省"));
    // Without the note line, the reviewers' finding (3省の合計値を採用) still shows it.
    let f = document(SEED, Some(&load_without_notes()), &[]);
    assert_eq!(of(&f, "kpi.multi_ministry_aggregate").len(), 1, "{f:#?}");
    // Ordinary lines of the MHLW sheet: nothing.
    let plain = Fact {
        text: "厚生労働省調べ（事業実績報告書）".into(),
        ..line
    };
    assert!(of(
        &document(MHLW, Some(&load(MHLW)), &[plain]),
        "kpi.multi_ministry_aggregate"
    )
    .is_empty());
}

fn load_without_notes() -> ReviewSheet {
    let mut s = load(SEED);
    for k in &mut s.kpis {
        k.note = None;
    }
    s
}

/// Memory and output of the cross-document rules follow the matches, not the folder: a KPI
/// shared by 60 copies of two ministries' sheets gives one flag per document, each citing at
/// most CORPUS_EVIDENCE_DOCUMENTS documents and saying how many more there are.
#[test]
fn shared_kpi_evidence_is_bounded_however_large_the_group() {
    use seisaku::checks::CORPUS_EVIDENCE_DOCUMENTS;
    let names: Vec<String> = (0..60).map(|i| format!("doc{i:02}")).collect();
    let sheets: Vec<(&str, ReviewSheet)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), if i % 2 == 0 { load(SEED) } else { load(MHLW) }))
        .collect();
    let c = corpus(&docs(sheets));
    let f = of(&c, "kpi.shared_across_ministries");
    assert_eq!(f.len(), 60, "one flag per document of the group");
    for f in &f {
        let mut cited: Vec<&str> = f.evidence.iter().map(|e| e.document.as_str()).collect();
        cited.sort_unstable();
        cited.dedup();
        assert!(cited.len() <= CORPUS_EVIDENCE_DOCUMENTS, "{cited:?}");
        assert!(cited.contains(&f.document.as_str()), "own evidence first");
        assert_eq!(f.evidence[0].document, f.document);
        assert!(f.related_documents.len() < CORPUS_EVIDENCE_DOCUMENTS);
        assert!(
            f.message.contains("(and 52 more documents)"),
            "{}",
            f.message
        );
    }
}
