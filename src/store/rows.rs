//! One document's analysis → rows for every table, as owned DuckDB values.
//!
//! Built on the analysis worker threads (values are `Send`), appended by the single writer.
//! Column order follows [`super::schema::TABLES`] exactly.

use super::schema::TABLES;
use crate::model::review_sheet::ReviewSheet;
use crate::model::{Fact, Flag, Provenance, Rect};
use crate::pipeline::Analysis;
use duckdb::types::{TimeUnit, Value};

/// Rows for each table, indexed like [`TABLES`].
#[derive(Debug, Clone)]
pub struct Rows {
    /// `tables[i]` holds the rows of `TABLES[i]`.
    pub tables: Vec<Vec<Vec<Value>>>,
}

impl Default for Rows {
    fn default() -> Self {
        Rows {
            tables: vec![Vec::new(); TABLES.len()],
        }
    }
}

impl Rows {
    /// Add a row to a table.
    ///
    /// # Panics
    /// When `table` is not in the schema: a programming error caught by the unit tests.
    pub fn push(&mut self, table: &str, row: Vec<Value>) {
        let i = TABLES
            .iter()
            .position(|t| t.name == table)
            .unwrap_or_else(|| panic!("no table {table} in the schema"));
        self.tables[i].push(row);
    }

    /// Total number of rows.
    pub fn len(&self) -> usize {
        self.tables.iter().map(Vec::len).sum()
    }

    /// No rows at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Move every row of `other` into `self`.
    pub fn append(&mut self, other: &mut Rows) {
        for (a, b) in self.tables.iter_mut().zip(other.tables.iter_mut()) {
            a.append(b);
        }
    }
}

/// The `documents` row of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRow {
    /// Content hash (BLAKE3, hex).
    pub id: String,
    /// File path.
    pub path: String,
    /// File size.
    pub bytes: u64,
    /// Page count.
    pub pages: u32,
    /// /Producer.
    pub producer: Option<String>,
    /// `ok` or `error`.
    pub status: String,
    /// Why it failed.
    pub error: Option<String>,
    /// Extractor version that produced the rows.
    pub extractor_version: String,
    /// When the rows were produced, microseconds since the Unix epoch (UTC).
    pub processed_at_us: i64,
    /// Path of the first file with the same content, when this one is a copy.
    pub duplicate_of: Option<String>,
    /// A review sheet was recognised.
    pub is_review_sheet: bool,
    /// File modification time (ns since the epoch): with `bytes`, lets the next run skip
    /// re-hashing a file that was not touched.
    pub mtime_ns: Option<i64>,
}

impl DocumentRow {
    /// The row's values in column order.
    pub fn values(&self) -> Vec<Value> {
        vec![
            text(&self.id),
            text(&self.path),
            Value::BigInt(self.bytes as i64),
            Value::Int(self.pages as i32),
            opt_text(self.producer.as_deref()),
            text(&self.status),
            opt_text(self.error.as_deref()),
            text(&self.extractor_version),
            Value::Timestamp(TimeUnit::Microsecond, self.processed_at_us),
            opt_text(self.duplicate_of.as_deref()),
            Value::Boolean(self.is_review_sheet),
            self.mtime_ns.map_or(Value::Null, Value::BigInt),
        ]
    }
}

/// A text value.
pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// A text value or NULL.
pub fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

fn opt_i32(v: Option<i32>) -> Value {
    v.map_or(Value::Null, Value::Int)
}

fn opt_i64(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::BigInt)
}

fn opt_f64(v: Option<f64>) -> Value {
    match v {
        Some(x) if x.is_finite() => Value::Double(x),
        _ => Value::Null,
    }
}

fn int(v: usize) -> Value {
    Value::Int(i32::try_from(v).unwrap_or(i32::MAX))
}

/// The six provenance columns: page, x0, y0, x1, y1, source_text.
fn prov_values(page: Option<u32>, bbox: Option<Rect>, source: Option<&str>) -> [Value; 6] {
    let f = |x: f32| {
        if x.is_finite() {
            Value::Float(x)
        } else {
            Value::Null
        }
    };
    let (x0, y0, x1, y1) = match bbox {
        Some(b) => (f(b.x0), f(b.y0), f(b.x1), f(b.y1)),
        None => (Value::Null, Value::Null, Value::Null, Value::Null),
    };
    [
        page.map_or(Value::Null, |p| Value::Int(p as i32)),
        x0,
        y0,
        x1,
        y1,
        opt_text(source),
    ]
}

fn prov(p: Option<&Provenance>) -> [Value; 6] {
    match p {
        Some(p) => prov_values(Some(p.page), Some(p.bbox), Some(&p.text)),
        None => prov_values(None, None, None),
    }
}

fn with_prov(mut row: Vec<Value>, p: [Value; 6]) -> Vec<Value> {
    row.extend(p);
    row
}

/// Rows of every per-document table for one analysed file (not its `documents` row).
pub fn document_rows(a: &Analysis) -> Rows {
    let mut rows = Rows::default();
    let doc = &a.document.id;
    for p in &a.pages {
        let glyphs: usize = p
            .lines
            .iter()
            .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        rows.push(
            "pages",
            vec![
                text(doc),
                Value::Int(p.number as i32),
                Value::Float(p.width),
                Value::Float(p.height),
                int(p.lines.len()),
                int(glyphs),
                int(p.blocks.len()),
                int(p.tables.len()),
            ],
        );
        for (i, l) in p.lines.iter().enumerate() {
            rows.push(
                "lines",
                vec![
                    text(doc),
                    Value::Int(p.number as i32),
                    int(i),
                    int(l.block),
                    Value::Float(l.bbox.x0),
                    Value::Float(l.bbox.y0),
                    Value::Float(l.bbox.x1),
                    Value::Float(l.bbox.y1),
                    text(&l.text),
                    Value::Float(l.size),
                    Value::Boolean(l.vertical),
                ],
            );
        }
    }
    for t in &a.tokens {
        rows.push(
            "tokens",
            vec![
                text(doc),
                Value::Int(t.page as i32),
                Value::Int(t.line as i32),
                Value::Int(t.position as i32),
                Value::Int(t.char_start as i32),
                text(&t.surface),
                text(&t.base_form),
                text(&t.pos),
            ],
        );
    }
    for (i, f) in a.facts.iter().enumerate() {
        rows.push("facts", fact_row(doc, i, f));
    }
    for f in &a.flags {
        flag_rows(f, "document", &mut rows);
    }
    for w in &a.warnings {
        rows.push(
            "warnings",
            vec![
                text(doc),
                Value::Int(w.page as i32),
                text(w.code),
                text(&w.detail),
            ],
        );
    }
    if let Some(s) = &a.review_sheet {
        review_sheet_rows(doc, s, &mut rows);
    }
    rows
}

fn fact_row(doc: &str, i: usize, f: &Fact) -> Vec<Value> {
    let (value, value_num) = match &f.value {
        None => (Value::Null, Value::Null),
        Some(serde_json::Value::String(s)) => (text(s), Value::Null),
        Some(serde_json::Value::Number(n)) => (text(&n.to_string()), opt_f64(n.as_f64())),
        Some(v) => (text(&v.to_string()), Value::Null),
    };
    let row = vec![
        text(doc),
        int(i),
        text(&f.kind),
        value,
        value_num,
        opt_i64(f.value_yen),
        opt_i64(f.value_yen_min),
        opt_i64(f.value_yen_max),
        opt_text(f.unit.as_deref()),
        opt_i32(f.fiscal_year),
        opt_text(f.per.as_deref()),
        opt_text(f.role.as_deref()),
        opt_f64(f.target_pct),
        opt_text(f.program.as_deref()),
        opt_text(f.affiliation.as_deref()),
    ];
    with_prov(row, prov_values(Some(f.page), Some(f.bbox), Some(&f.text)))
}

/// A stable id for a flag: the same flag gets the same id in every run.
pub fn flag_id(f: &Flag, scope: &str) -> String {
    let json = serde_json::to_string(f).unwrap_or_default();
    let mut h = blake3::Hasher::new();
    h.update(scope.as_bytes());
    h.update(&[0]);
    h.update(json.as_bytes());
    h.finalize().to_hex()[..16].to_string()
}

/// Rows of `flags` and `flag_evidence` for one flag. `scope` is `document` (per-document rules,
/// copied with the document when unchanged) or `corpus` (cross-document rules, recomputed in
/// every run).
pub fn flag_rows(f: &Flag, scope: &str, rows: &mut Rows) {
    let id = flag_id(f, scope);
    let sev = serde_json::to_value(f.severity)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    rows.push(
        "flags",
        vec![
            text(&id),
            text(scope),
            text(&f.rule),
            text(&sev),
            text(&f.document),
            Value::Int(f.page as i32),
            text(&f.message_ja),
            text(&f.message),
            text(&serde_json::to_string(&f.evidence).unwrap_or_default()),
            text(&serde_json::to_string(&f.related_documents).unwrap_or_default()),
        ],
    );
    for (i, e) in f.evidence.iter().enumerate() {
        let doc = if e.document.is_empty() {
            &f.document
        } else {
            &e.document
        };
        let row = vec![
            text(&id),
            text(scope),
            int(i),
            text(doc),
            text(&e.label),
            opt_f64(e.value),
        ];
        rows.push(
            "flag_evidence",
            with_prov(row, prov_values(Some(e.page), e.bbox, Some(&e.text))),
        );
    }
}

/// The project number a sheet's rows are filed under.
fn project_number(s: &ReviewSheet) -> Value {
    opt_text(
        s.project
            .project_number
            .as_deref()
            .or(s.sheet_id.as_deref()),
    )
}

fn review_sheet_rows(doc: &str, s: &ReviewSheet, rows: &mut Rows) {
    let pn = project_number(s);
    let head = || vec![text(doc), pn.clone()];
    let json = serde_json::to_string(s).unwrap_or_default();
    rows.push(
        "review_sheets",
        vec![
            text(doc),
            opt_text(s.sheet_id.as_deref()),
            pn.clone(),
            text(&json),
        ],
    );
    let p = &s.project;
    let part = |i: usize| opt_text(p.project_number_parts.get(i).map(String::as_str));
    let src = s.fund_flow.source.as_ref();
    let bd = s.budget_breakdown.as_ref();
    let mut row = head();
    row.extend([
        opt_text(s.sheet_id.as_deref()),
        opt_i32(p.sheet_year),
        part(0),
        part(1),
        part(2),
        part(3),
        opt_text(p.name.as_deref()),
        opt_text(p.ministry.as_deref()),
        opt_text(p.bureau.as_deref()),
        opt_text(p.division.as_deref()),
        opt_text(p.responsible.as_deref()),
        opt_i32(p.start_year),
        opt_i32(p.end_year),
        opt_text(p.account.as_deref()),
        opt_text(p.policy.as_deref()),
        opt_text(p.measure.as_deref()),
        opt_text(p.legal_basis.as_deref()),
        opt_text(p.related_plans.as_deref()),
        opt_text(p.major_expense.as_deref()),
        opt_text(p.purpose.as_deref()),
        opt_text(p.issues.as_deref()),
        opt_text(p.overview.as_deref()),
        opt_text(p.implementation.as_deref()),
        opt_text(p.subsidy_rate.as_deref()),
        opt_text(src.and_then(|x| x.label.as_deref())),
        opt_f64(src.and_then(|x| x.amount_million_yen)),
        opt_f64(bd.and_then(|b| b.total_fy2023_initial)),
        opt_f64(bd.and_then(|b| b.total_fy2024_request)),
        opt_text(bd.and_then(|b| b.reason.as_deref())),
    ]);
    rows.push("projects", with_prov(row, prov(p.prov.as_ref())));

    for b in &s.budgets {
        let mut row = head();
        row.extend([
            opt_i32(b.fiscal_year),
            text(&b.column),
            opt_f64(b.value),
            opt_text(b.unit.as_deref()),
            opt_i64(b.value_yen),
            opt_text(b.printed.as_deref()),
        ]);
        rows.push("budgets", with_prov(row, prov(b.prov.as_ref())));
    }
    if let Some(bd) = bd {
        for (i, it) in bd.items.iter().enumerate() {
            let mut row = head();
            row.extend([
                int(i),
                opt_text(it.kou.as_deref()),
                opt_text(it.moku.as_deref()),
                opt_f64(it.fy2023_initial),
                opt_f64(it.fy2024_request),
            ]);
            rows.push("budget_breakdown", with_prov(row, prov(it.prov.as_ref())));
        }
    }
    for (k, kpi) in s.kpis.iter().enumerate() {
        let mut row = head();
        row.extend([
            int(k),
            text(&kpi.kind),
            opt_text(kpi.label.as_deref()),
            opt_text(kpi.term.as_deref()),
            opt_text(kpi.name.as_deref()),
            opt_text(kpi.indicator.as_deref()),
            opt_text(kpi.unit.as_deref()),
            opt_i32(kpi.target_final_year),
            opt_f64(kpi.target_final_value),
            opt_text(kpi.note.as_deref()),
            opt_text(kpi.reason.as_deref()),
        ]);
        rows.push("kpis", with_prov(row, prov(kpi.prov.as_ref())));
        // One row per year: values and 当初見込み merged on fiscal year.
        let forecast = |y: Option<i32>| {
            opt_f64(
                kpi.forecasts
                    .iter()
                    .find(|f| f.fiscal_year == y)
                    .and_then(|f| f.value),
            )
        };
        for v in &kpi.values {
            let mut row = head();
            row.extend([
                int(k),
                opt_i32(v.fiscal_year),
                opt_f64(v.target),
                opt_f64(v.actual),
                opt_f64(v.achievement_pct),
                forecast(v.fiscal_year),
            ]);
            rows.push("kpi_values", with_prov(row, prov(v.prov.as_ref())));
        }
        for f in &kpi.forecasts {
            if kpi.values.iter().any(|v| v.fiscal_year == f.fiscal_year) {
                continue;
            }
            let mut row = head();
            row.extend([
                int(k),
                opt_i32(f.fiscal_year),
                Value::Null,
                Value::Null,
                Value::Null,
                opt_f64(f.value),
            ]);
            rows.push("kpi_values", with_prov(row, prov(None)));
        }
    }
    for b in &s.fund_flow.blocks {
        let mut row = head();
        row.extend([
            text(&b.block),
            opt_text(b.label.as_deref()),
            opt_f64(b.amount_million_yen),
            opt_i64(b.amount_yen),
            opt_i64(b.count),
            opt_text(b.role.as_deref()),
            opt_text(b.parent.as_deref()),
            opt_text(b.relation.as_deref()),
            opt_text(b.note.as_deref()),
        ]);
        rows.push("fund_flow_blocks", with_prov(row, prov(b.prov.as_ref())));
    }
    for eb in &s.expenses {
        for (i, r) in eb.rows.iter().enumerate() {
            let mut row = head();
            row.extend([
                text(&eb.block),
                int(i),
                opt_text(r.item.as_deref()),
                opt_text(r.use_.as_deref()),
                opt_f64(r.amount_million_yen),
                opt_f64(eb.total_million_yen),
            ]);
            rows.push("expenses", with_prov(row, prov(r.prov.as_ref())));
        }
    }
    for r in &s.recipients {
        let mut row = head();
        row.extend([
            text(&r.block),
            opt_i64(r.rank),
            opt_text(r.name.as_deref()),
            opt_text(r.corporate_number.as_deref()),
            opt_text(r.summary.as_deref()),
            opt_f64(r.amount_million_yen),
            opt_i64(r.amount_yen),
            opt_text(r.contract_method.as_deref()),
            opt_i64(r.bidders),
            opt_f64(r.award_rate_pct),
            opt_text(r.one_bidder_reason.as_deref()),
        ]);
        rows.push("recipients", with_prov(row, prov(r.prov.as_ref())));
    }
    let rv = &s.review;
    let mut row = head();
    row.extend([
        opt_text(rv.check_result.as_deref()),
        opt_text(rv.improvement_direction.as_deref()),
        opt_text(rv.external_expert.as_deref()),
        opt_text(rv.team_judgement.as_deref()),
        opt_text(rv.team_opinion.as_deref()),
        opt_text(rv.reflection.as_deref()),
    ]);
    rows.push("findings", with_prov(row, prov(rv.prov.as_ref())));
    for r in &s.related_past_sheets {
        let mut row = head();
        row.extend([
            opt_i32(r.fiscal_year),
            opt_text(r.label.as_deref()),
            opt_text(r.value.as_deref()),
        ]);
        rows.push("related_sheets", row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::review_sheet::*;

    /// Column count of a table, from its definition.
    fn arity(name: &str) -> usize {
        let t = crate::store::schema::table(name).unwrap();
        t.columns.split(',').count()
    }

    #[test]
    fn rows_match_the_schema_arity() {
        let sheet = ReviewSheet {
            budgets: vec![BudgetCell::default()],
            budget_breakdown: Some(BudgetBreakdown {
                items: vec![BreakdownItem::default()],
                ..Default::default()
            }),
            kpis: vec![Kpi {
                values: vec![KpiValue::default()],
                forecasts: vec![KpiForecast {
                    fiscal_year: Some(2030),
                    value: Some(1.0),
                }],
                ..Default::default()
            }],
            fund_flow: FundFlow {
                source: None,
                blocks: vec![FlowBlock::default()],
            },
            expenses: vec![ExpenseBlock {
                rows: vec![ExpenseRow::default()],
                ..Default::default()
            }],
            recipients: vec![Recipient::default()],
            related_past_sheets: vec![RelatedSheet::default()],
            ..Default::default()
        };
        let mut rows = Rows::default();
        review_sheet_rows("d", &sheet, &mut rows);
        let flag = Flag {
            evidence: vec![Default::default()],
            ..Default::default()
        };
        flag_rows(&flag, "document", &mut rows);
        rows.push("facts", fact_row("d", 0, &Fact::default()));
        let doc = DocumentRow {
            id: "d".into(),
            path: "p".into(),
            bytes: 1,
            pages: 1,
            producer: None,
            status: "ok".into(),
            error: None,
            extractor_version: "x".into(),
            processed_at_us: 0,
            duplicate_of: None,
            is_review_sheet: true,
            mtime_ns: None,
        };
        rows.push("documents", doc.values());
        for (t, table_rows) in TABLES.iter().zip(&rows.tables) {
            for r in table_rows {
                assert_eq!(r.len(), arity(t.name), "table {}", t.name);
            }
        }
    }
}
