//! 行政事業レビューシート: the typed content of one review sheet.
//!
//! Field names and layout follow the `rsgen-truth/1` ground-truth files so that extraction output
//! and truth compare directly (and the checks can run on mutated truth files in tests). Every
//! extracted value may carry its [`Provenance`]; truth files have none, hence `Option`.

use super::Provenance;
use serde::{Deserialize, Serialize};

/// One review sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewSheet {
    /// Canonical 事業番号, e.g. `2023-文科-22-0298`.
    pub sheet_id: Option<String>,
    /// Project header fields.
    pub project: Project,
    /// 予算額・執行額: one cell per fiscal year × column.
    pub budgets: Vec<BudgetCell>,
    /// 予算内訳 (歳出予算項・目).
    pub budget_breakdown: Option<BudgetBreakdown>,
    /// 成果目標・成果指標 (outcome) and 活動指標 (output).
    pub kpis: Vec<Kpi>,
    /// 資金の流れ.
    pub fund_flow: FundFlow,
    /// 費目・使途, per block.
    pub expenses: Vec<ExpenseBlock>,
    /// 支出先上位１０者リスト, all blocks.
    pub recipients: Vec<Recipient>,
    /// 点検・改善 and the reviewers' findings.
    pub review: Review,
    /// 関連する過去のレビューシートの事業番号.
    pub related_past_sheets: Vec<RelatedSheet>,
}

/// Header of the sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Project {
    /// Fiscal year of the sheet (令和5年度 → 2023).
    pub sheet_year: Option<i32>,
    /// 事業番号, canonical `2023-文科-22-0298`.
    pub project_number: Option<String>,
    /// 事業番号 parts as printed: year, ministry abbreviation, number, serial.
    pub project_number_parts: Vec<String>,
    /// 事業名.
    pub name: Option<String>,
    /// 府省庁.
    pub ministry: Option<String>,
    /// 担当部局庁.
    pub bureau: Option<String>,
    /// 担当課室.
    pub division: Option<String>,
    /// 作成責任者.
    pub responsible: Option<String>,
    /// 事業開始年度 (Gregorian).
    pub start_year: Option<i32>,
    /// 事業終了（予定）年度 (Gregorian; 終了予定なし → None).
    pub end_year: Option<i32>,
    /// 会計区分.
    pub account: Option<String>,
    /// 政策.
    pub policy: Option<String>,
    /// 施策.
    pub measure: Option<String>,
    /// 根拠法令.
    pub legal_basis: Option<String>,
    /// 関係する計画・通知等.
    pub related_plans: Option<String>,
    /// 主要経費.
    pub major_expense: Option<String>,
    /// 事業の目的.
    pub purpose: Option<String>,
    /// 現状・課題.
    pub issues: Option<String>,
    /// 事業の概要.
    pub overview: Option<String>,
    /// 実施方法 (直接実施, 補助, 委託・請負, 交付 …).
    pub implementation: Option<String>,
    /// 補助率等.
    pub subsidy_rate: Option<String>,
    /// Where the header was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// One budget cell: fiscal year × column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BudgetCell {
    /// Fiscal year (Gregorian).
    pub fiscal_year: Option<i32>,
    /// Column label: 当初予算, 補正予算, 前年度から繰越し, 翌年度へ繰越し, 予備費等, 計, 執行額,
    /// 執行率, 当初予算＋補正予算に対する執行額の割合, 要求額.
    pub column: String,
    /// Value in the printed unit (百万円 or %); None for '-' or blank.
    pub value: Option<f64>,
    /// Exact amount in yen (None for rates and blanks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_yen: Option<i64>,
    /// Printed unit: 百万円, 千円, 円 or %.
    pub unit: Option<String>,
    /// The printed text.
    pub printed: Option<String>,
    /// Where it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// 予算内訳.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BudgetBreakdown {
    /// Rows (項・目).
    pub items: Vec<BreakdownItem>,
    /// 計 of the current-year initial budget, 百万円.
    pub total_fy2023_initial: Option<f64>,
    /// 計 of the next-year request, 百万円.
    pub total_fy2024_request: Option<f64>,
    /// 主な増減理由.
    pub reason: Option<String>,
}

/// One 予算内訳 row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BreakdownItem {
    /// 歳出予算項.
    pub kou: Option<String>,
    /// 歳出予算目.
    pub moku: Option<String>,
    /// Current-year initial budget, 百万円.
    pub fy2023_initial: Option<f64>,
    /// Next-year request, 百万円.
    pub fy2024_request: Option<f64>,
    /// Where it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// One KPI row (成果指標 or 活動指標).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Kpi {
    /// `outcome` or `output`.
    pub kind: String,
    /// Row label as printed (①, ①-1 …).
    pub label: Option<String>,
    /// 短期アウトカム, 中期アウトカム, 長期アウトカム, アウトプット.
    pub term: Option<String>,
    /// 成果目標 / 活動内容.
    pub name: Option<String>,
    /// 成果指標 / 活動指標.
    pub indicator: Option<String>,
    /// 単位.
    pub unit: Option<String>,
    /// Per fiscal year.
    pub values: Vec<KpiValue>,
    /// 当初見込み (activity forecasts).
    pub forecasts: Vec<KpiForecast>,
    /// 目標最終年度.
    pub target_final_year: Option<i32>,
    /// Target value in the final year.
    pub target_final_value: Option<f64>,
    /// ※ notes and 根拠として用いた統計・データ名.
    pub note: Option<String>,
    /// 設定理由.
    pub reason: Option<String>,
    /// Where the row was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// One year of a KPI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KpiValue {
    /// Fiscal year (Gregorian).
    pub fiscal_year: Option<i32>,
    /// 目標値.
    pub target: Option<f64>,
    /// 成果実績 / 活動実績.
    pub actual: Option<f64>,
    /// 達成度 (%), as printed.
    pub achievement_pct: Option<f64>,
    /// Where it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// One 当初見込み value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KpiForecast {
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Forecast value.
    pub value: Option<f64>,
}

/// 資金の流れ.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FundFlow {
    /// The funding ministry at the top of the chart.
    pub source: Option<FlowSource>,
    /// Blocks A, B, C …
    pub blocks: Vec<FlowBlock>,
}

/// The top of the fund-flow chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowSource {
    /// Label (usually the ministry).
    pub label: Option<String>,
    /// Amount, 百万円.
    pub amount_million_yen: Option<f64>,
}

/// One fund-flow block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowBlock {
    /// Block letter: A, B …
    pub block: String,
    /// Who (a name or a group such as 大学・企業等).
    pub label: Option<String>,
    /// Amount, 百万円.
    pub amount_million_yen: Option<f64>,
    /// Exact amount in yen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_yen: Option<i64>,
    /// 全N件.
    pub count: Option<i64>,
    /// Role text.
    pub role: Option<String>,
    /// The block this one receives from.
    pub parent: Option<String>,
    /// Relation such as 【補助金等交付】.
    pub relation: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
    /// Where it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// 費目・使途 of one block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpenseBlock {
    /// Block letter.
    pub block: String,
    /// Rows.
    pub rows: Vec<ExpenseRow>,
    /// 計, 百万円.
    pub total_million_yen: Option<f64>,
}

/// One 費目・使途 row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpenseRow {
    /// 費目.
    pub item: Option<String>,
    /// 使途.
    #[serde(rename = "use")]
    pub use_: Option<String>,
    /// 金額, 百万円.
    pub amount_million_yen: Option<f64>,
    /// Where it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// One 支出先上位１０者リスト row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recipient {
    /// Block letter.
    pub block: String,
    /// Rank within the block (1-based).
    pub rank: Option<i64>,
    /// 支出先.
    pub name: Option<String>,
    /// 法人番号 (13 digits).
    pub corporate_number: Option<String>,
    /// 業務概要.
    pub summary: Option<String>,
    /// 支出額, 百万円.
    pub amount_million_yen: Option<f64>,
    /// Exact amount in yen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_yen: Option<i64>,
    /// 契約方式等.
    pub contract_method: Option<String>,
    /// 入札者数（応募者数）.
    pub bidders: Option<i64>,
    /// 落札率 (%).
    pub award_rate_pct: Option<f64>,
    /// 一者応札・一者応募又は競争性のない随意契約となった理由.
    pub one_bidder_reason: Option<String>,
    /// Where it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// Findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Review {
    /// 点検結果.
    pub check_result: Option<String>,
    /// 改善の方向性.
    pub improvement_direction: Option<String>,
    /// 外部有識者の所見.
    pub external_expert: Option<String>,
    /// 行政事業レビュー推進チームの所見 (judgement).
    pub team_judgement: Option<String>,
    /// 行政事業レビュー推進チームの所見 (text).
    pub team_opinion: Option<String>,
    /// 所見を踏まえた改善点.
    pub reflection: Option<String>,
    /// Where it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prov: Option<Provenance>,
}

/// 関連する過去のレビューシートの事業番号.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RelatedSheet {
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Printed label (平成23年度).
    pub label: Option<String>,
    /// 事業番号 or '-'.
    pub value: Option<String>,
}
