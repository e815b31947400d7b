//! Facts → flags: evidence-backed observations, per document and across documents.
//!
//! Pure functions (no I/O): [`document`] runs the per-document rules on one document's review
//! sheet and facts; [`corpus`] runs the cross-document rules over every document of the
//! database. One file per rule family; thresholds are the `pub const`s of each file, listed
//! with every rule in docs/rules.md.

mod budget;
mod common;
mod contract;
mod corpus;
mod cross_doc;
mod flow;
mod kpi;
mod money;
mod recipient;

use crate::model::review_sheet::ReviewSheet;
use crate::model::{Fact, Flag};

pub use budget::{RATE_TOLERANCE_ULP, SUM_TOLERANCE_ULP};
pub use contract::AWARD_RATE_MAX_PCT;
pub use corpus::{flags as corpus_flags, DocKeys, SheetSource, CORPUS_EVIDENCE_DOCUMENTS};
pub use cross_doc::PROGRAM_MIN_CONTAIN_CHARS;
pub use kpi::{
    ACHIEVEMENT_TOLERANCE_ULP, DECLINE_HORIZON_YEARS, DECLINE_MIN_YEARS, DECLINE_TO_ZERO_SHARE,
    MULTI_MINISTRY_TEXT_FLAGS, SHARED_MIN_SUFFIX_CHARS, TOO_LOW_ACHIEVEMENT_PCT, TOO_LOW_MIN_YEARS,
};
pub use money::{
    UNIT_FACTORS, UNIT_SLIP_MIN_EXCESS, UNIT_SLIP_MIN_EXCESS_EXECUTED, UNIT_SLIP_WINDOW,
    UNIT_SLIP_YEAR_WINDOW,
};
pub use recipient::LEGAL_FORMS;

/// Every rule id, per-document rules first.
pub const RULES: &[&str] = &[
    "kpi.multi_ministry_aggregate",
    "kpi.achievement_mismatch",
    "kpi.target_split_mismatch",
    "kpi.target_too_low",
    "kpi.declining",
    "budget.sum_mismatch",
    "budget.rate_mismatch",
    "budget.execution_exceeds_budget",
    "money.unit_slip",
    "recipient.bad_corporate_number",
    "flow.recipients_exceed_block",
    "contract.single_bidder",
    "contract.award_rate_out_of_range",
    "kpi.shared_across_ministries",
    "recipient.name_conflict",
    "cross_doc.amount_mismatch",
];

/// One document as the cross-document rules see it (reloaded from the database by the store).
#[derive(Debug, Clone, Default)]
pub struct DocFacts {
    /// Document id.
    pub document: String,
    /// Its review sheet, when it is one.
    pub sheet: Option<ReviewSheet>,
    /// Its facts.
    pub facts: Vec<Fact>,
}

/// Per-document rules: KPI, budget, money, recipient, flow and contract checks.
pub fn document(doc: &str, sheet: Option<&ReviewSheet>, facts: &[Fact]) -> Vec<Flag> {
    let mut out = Vec::new();
    kpi::check(doc, sheet, facts, &mut out);
    if let Some(sheet) = sheet {
        budget::check(doc, sheet, &mut out);
        money::check(doc, sheet, &mut out);
        recipient::check(doc, &sheet.recipients, &mut out);
        flow::check(doc, sheet, &mut out);
        contract::check(doc, &sheet.recipients, &mut out);
    }
    out
}

/// Cross-document rules: `kpi.shared_across_ministries`, `recipient.name_conflict`,
/// `cross_doc.amount_mismatch`, over documents held in memory. Sorted by rule, document and
/// page. The pipeline streams instead: [`DocKeys`] per document, then [`corpus_flags`].
pub fn corpus(docs: &[DocFacts]) -> Vec<Flag> {
    corpus::over_documents(docs)
}
