//! Cross-document rules over compact keys, so that memory follows the matches, not the folder.
//!
//! A run over tens of thousands of documents cannot hold every review sheet at once. Each
//! document is reduced to its [`DocKeys`] (a few short strings per KPI, recipient and stated
//! amount) while the store streams the documents past; the groups are formed over the keys;
//! only the documents a flag cites are read again (through a [`SheetSource`]) to build
//! evidence, and a flag cites at most [`CORPUS_EVIDENCE_DOCUMENTS`] documents however large its
//! group: the message says how many more there are.

use super::budget::{cell_evidence, table, Col};
use super::common::{canonical_ministry, compact, evidence, flag, num, EPS};
use super::cross_doc::{half_unit_yen, role_column, same_program};
use super::kpi::{kpi_evidence, kpi_label, main_target, short, unit_core, value_evidence};
use super::recipient::{digits, name_core, recipient_evidence, GENERIC_NAMES};
use super::{kpi, DocFacts};
use crate::extract::corporate_number;
use crate::model::review_sheet::ReviewSheet;
use crate::model::{Evidence, Fact, Flag, Provenance, Severity};
use std::collections::BTreeMap;

/// Documents whose evidence a cross-document flag carries (its own first), and the length of
/// its `related_documents`. A KPI shared by 3,000 sheets would otherwise make 3,000 flags of
/// 3,000 documents' evidence each.
pub const CORPUS_EVIDENCE_DOCUMENTS: usize = 8;

/// What the cross-document rules need of one KPI.
#[derive(Debug, Clone)]
struct KpiKey {
    /// Index in the sheet's `kpis`.
    index: usize,
    ministry: &'static str,
    core: String,
    unit: String,
    target: f64,
    output: bool,
    /// (year, target) of every printed value: output indicators match on the whole series.
    targets: Vec<(Option<i32>, Option<f64>)>,
    actuals: Vec<(i32, f64)>,
    indicator: String,
}

/// What the cross-document rules need of one recipient with a valid 法人番号.
#[derive(Debug, Clone)]
struct RecipientKey {
    /// Index in the sheet's `recipients`.
    index: usize,
    number: String,
    core: String,
    name: String,
}

/// An amount a document states for a program and fiscal year.
#[derive(Debug, Clone)]
struct AmountKey {
    fact: Fact,
    program: String,
    year: i32,
    yen: i64,
    cols: Vec<Col>,
}

/// One document reduced to what the cross-document rules compare.
#[derive(Debug, Clone, Default)]
pub struct DocKeys {
    /// Document id.
    pub document: String,
    kpis: Vec<KpiKey>,
    recipients: Vec<RecipientKey>,
    amounts: Vec<AmountKey>,
    /// The review sheet's project name, when the document is one.
    project: Option<String>,
}

impl DocKeys {
    /// Keys of a document without any review sheet or amount yet.
    pub fn new(document: &str) -> DocKeys {
        DocKeys {
            document: document.to_string(),
            ..Default::default()
        }
    }

    /// Add what the rules compare of the document's review sheet.
    pub fn add_sheet(&mut self, sheet: &ReviewSheet) {
        self.project = sheet.project.name.clone();
        if let Some(ministry) = sheet
            .project
            .ministry
            .as_deref()
            .and_then(canonical_ministry)
        {
            for (index, k) in sheet.kpis.iter().enumerate() {
                let core = kpi::indicator_core(k.indicator.as_deref().unwrap_or(""));
                let Some(target) = main_target(k) else {
                    continue;
                };
                if core.is_empty() {
                    continue;
                }
                let output = k.kind == "output";
                self.kpis.push(KpiKey {
                    index,
                    ministry,
                    core,
                    unit: unit_core(k.unit.as_deref()),
                    target,
                    output,
                    targets: k.values.iter().map(|v| (v.fiscal_year, v.target)).collect(),
                    actuals: k
                        .values
                        .iter()
                        .filter_map(|v| Some((v.fiscal_year?, v.actual?)))
                        .collect(),
                    indicator: short(k.indicator.as_deref().unwrap_or(""), 40),
                });
            }
        }
        for (index, r) in sheet.recipients.iter().enumerate() {
            let (Some(name), Some(cn)) = (r.name.as_deref(), r.corporate_number.as_deref()) else {
                continue;
            };
            let Some(number) = digits(cn).filter(|n| corporate_number::is_valid(n)) else {
                continue;
            };
            let core = name_core(name);
            if core.is_empty() || GENERIC_NAMES.contains(&core.as_str()) || core.ends_with('等') {
                continue;
            }
            let name = compact(name)
                .replace("(株)", "株式会社")
                .replace("(有)", "有限会社");
            self.recipients.push(RecipientKey {
                index,
                number,
                core,
                name,
            });
        }
    }

    /// Add a fact; only amounts with a program, a fiscal year and a budget role are kept.
    pub fn add_fact(&mut self, f: &Fact) {
        if f.kind != "amount" {
            return;
        }
        let (Some(program), Some(year), Some(yen)) =
            (f.program.clone(), f.fiscal_year, f.value_yen)
        else {
            return;
        };
        let Some(cols) = role_column(f) else { return };
        self.amounts.push(AmountKey {
            fact: f.clone(),
            program,
            year,
            yen,
            cols,
        });
    }
}

/// Reads a document's review sheet again, to build the evidence of a flag.
pub trait SheetSource {
    /// The review sheet of `document`, if it has one.
    fn sheet(&mut self, document: &str) -> Option<ReviewSheet>;
}

/// The documents in memory as a [`SheetSource`].
struct InMemory<'a>(&'a [DocFacts]);

impl SheetSource for InMemory<'_> {
    fn sheet(&mut self, document: &str) -> Option<ReviewSheet> {
        self.0
            .iter()
            .find(|d| d.document == document)
            .and_then(|d| d.sheet.clone())
    }
}

/// The cross-document rules over documents held in memory (one file, tests); sorted by rule,
/// document and page.
pub fn over_documents(docs: &[DocFacts]) -> Vec<Flag> {
    let keys: Vec<DocKeys> = docs
        .iter()
        .map(|d| {
            let mut k = DocKeys::new(&d.document);
            if let Some(s) = &d.sheet {
                k.add_sheet(s);
            }
            for f in &d.facts {
                k.add_fact(f);
            }
            k
        })
        .collect();
    let mut out = Vec::new();
    flags(&keys, &mut InMemory(docs), &mut |f| out.push(f));
    out.sort_by(|a, b| (&a.rule, &a.document, a.page).cmp(&(&b.rule, &b.document, b.page)));
    out
}

/// Run `kpi.shared_across_ministries`, `recipient.name_conflict` and
/// `cross_doc.amount_mismatch` over `keys` (in the order documents are to be listed), handing
/// each flag to `out` as it is made.
pub fn flags(keys: &[DocKeys], source: &mut dyn SheetSource, out: &mut dyn FnMut(Flag)) {
    shared_kpis(keys, source, out);
    recipient_conflicts(keys, source, out);
    amount_mismatches(keys, source, out);
}

/// Sheets read again for evidence, kept while one group is being written.
struct Loaded<'s> {
    source: &'s mut dyn SheetSource,
    sheets: BTreeMap<String, Option<ReviewSheet>>,
}

impl<'s> Loaded<'s> {
    fn new(source: &'s mut dyn SheetSource) -> Self {
        Loaded {
            source,
            sheets: BTreeMap::new(),
        }
    }

    fn sheet(&mut self, doc: &str) -> Option<&ReviewSheet> {
        if !self.sheets.contains_key(doc) {
            let s = self.source.sheet(doc);
            self.sheets.insert(doc.to_string(), s);
        }
        self.sheets.get(doc).and_then(Option::as_ref)
    }

    fn clear(&mut self) {
        self.sheets.clear();
    }
}

/// The evidence of one flag: the flagged document's first, then the other documents of the
/// group in order, at most [`CORPUS_EVIDENCE_DOCUMENTS`] documents in all. Returns the
/// evidence and the other documents shown.
fn capped_evidence(
    doc: &str,
    docs_in: &[&str],
    evidence_of: &mut dyn FnMut(&str) -> Vec<Evidence>,
) -> (Vec<Evidence>, Vec<String>) {
    let mut ev = evidence_of(doc);
    let others: Vec<String> = docs_in
        .iter()
        .filter(|d| **d != doc)
        .take(CORPUS_EVIDENCE_DOCUMENTS.saturating_sub(1))
        .map(|d| d.to_string())
        .collect();
    for d in &others {
        ev.extend(evidence_of(d));
    }
    (ev, others)
}

/// " (and N more documents)" when a group has more documents than a flag shows.
fn more(docs_in: usize) -> (String, String) {
    if docs_in <= CORPUS_EVIDENCE_DOCUMENTS {
        return (String::new(), String::new());
    }
    let n = docs_in - CORPUS_EVIDENCE_DOCUMENTS;
    (
        format!("（ほか{n}文書）"),
        format!(" (and {n} more documents)"),
    )
}

/// Finish a cross-document flag for `doc`: its page is that of its own first evidence.
fn finish(mut f: Flag, doc: &str, others: Vec<String>) -> Flag {
    f.page = f
        .evidence
        .iter()
        .filter(|e| e.document == doc)
        .map(|e| e.page)
        .find(|p| *p > 0)
        .unwrap_or(0);
    f.related_documents = others;
    f.related_documents.sort();
    f
}

/// Documents of a group, in key order, once each.
fn documents_of<'k>(keys: &'k [DocKeys], members: &[(usize, usize)]) -> Vec<&'k str> {
    let mut idx: Vec<usize> = members.iter().map(|m| m.0).collect();
    idx.sort_unstable();
    idx.dedup();
    idx.into_iter().map(|i| keys[i].document.as_str()).collect()
}

fn same_kpi(a: &KpiKey, b: &KpiKey) -> bool {
    if a.unit != b.unit || (a.target - b.target).abs() > EPS {
        return false;
    }
    if a.core == b.core {
        // Output indicators are generic (委託事業の実施件数): only the whole target series
        // identifies one.
        if a.output || b.output {
            let n = a.targets.iter().filter(|t| t.1.is_some()).count();
            return a.output == b.output && n >= 2 && a.targets == b.targets;
        }
        return true;
    }
    if a.output || b.output {
        return false;
    }
    let (s, l) = if a.core.chars().count() <= b.core.chars().count() {
        (&a.core, &b.core)
    } else {
        (&b.core, &a.core)
    };
    s.chars().count() >= kpi::SHARED_MIN_SUFFIX_CHARS && l.ends_with(s.as_str())
}

fn root(p: &mut [usize], mut i: usize) -> usize {
    while p[i] != i {
        p[i] = p[p[i]];
        i = p[i];
    }
    i
}

/// `kpi.shared_across_ministries`: the same KPI in sheets of different ministries.
fn shared_kpis(keys: &[DocKeys], source: &mut dyn SheetSource, out: &mut dyn FnMut(Flag)) {
    // (document index, KPI key index)
    let entries: Vec<(usize, usize)> = keys
        .iter()
        .enumerate()
        .flat_map(|(d, k)| (0..k.kpis.len()).map(move |i| (d, i)))
        .collect();
    let key = |e: (usize, usize)| &keys[e.0].kpis[e.1];
    let n = entries.len();
    let mut parent: Vec<usize> = (0..n).collect();
    // Only KPIs with the same unit and target can match: compare within those buckets.
    let mut buckets: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let k = key(*e);
        buckets
            .entry((k.unit.as_str(), num(k.target)))
            .or_default()
            .push(i);
    }
    for bucket in buckets.values() {
        // A bucket of one ministry cannot make a group.
        let first = key(entries[bucket[0]]).ministry;
        if bucket.iter().all(|&i| key(entries[i]).ministry == first) {
            continue;
        }
        for (x, &i) in bucket.iter().enumerate() {
            for &j in &bucket[x + 1..] {
                let (a, b) = (key(entries[i]), key(entries[j]));
                if a.ministry != b.ministry && same_kpi(a, b) {
                    let (ra, rb) = (root(&mut parent, i), root(&mut parent, j));
                    parent[ra] = rb;
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut loaded = Loaded::new(source);
    for members in groups.into_values().filter(|m| m.len() >= 2) {
        let members: Vec<(usize, usize)> = members.into_iter().map(|i| entries[i]).collect();
        let mut ministries: Vec<&str> = members.iter().map(|&m| key(m).ministry).collect();
        ministries.sort_unstable();
        ministries.dedup();
        if ministries.len() < 2 {
            continue;
        }
        // Each ministry's actuals (twin renderings of one sheet report the same thing once).
        let mut actuals: BTreeMap<&str, BTreeMap<i32, f64>> = BTreeMap::new();
        for &m in &members {
            let k = key(m);
            for &(y, a) in &k.actuals {
                actuals.entry(k.ministry).or_default().entry(y).or_insert(a);
            }
        }
        let years: std::collections::BTreeSet<i32> =
            actuals.values().flat_map(|m| m.keys().copied()).collect();
        let mut identical: Vec<(i32, f64)> = Vec::new();
        for y in years {
            let vals: Vec<f64> = actuals
                .values()
                .filter_map(|m| m.get(&y).copied())
                .collect();
            let twice = |a: &f64| vals.iter().filter(|b| (*b - a).abs() < EPS).count() >= 2;
            if let Some(a) = vals.iter().copied().find(|a| twice(a)) {
                identical.push((y, a));
            }
        }
        let listing: Vec<String> = actuals
            .iter()
            .map(|(m, ys)| {
                let s: Vec<String> = ys.iter().map(|(y, a)| format!("{y}={}", num(*a))).collect();
                format!("{m}: {}", s.join(", "))
            })
            .collect();
        let same: Vec<String> = identical
            .iter()
            .map(|(y, a)| format!("{y}={}", num(*a)))
            .collect();
        let severity = if identical.is_empty() {
            Severity::Info
        } else {
            Severity::Warning
        };
        let first = key(members[0]);
        let (dup_ja, dup_en) = if same.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!(
                    "；同じ実績を複数府省が報告（二重計上の可能性）: {}",
                    same.join(", ")
                ),
                format!(
                    "; the same actual is reported by several ministries (double count?): {}",
                    same.join(", ")
                ),
            )
        };
        let docs_in = documents_of(keys, &members);
        let (more_ja, more_en) = more(docs_in.len());
        let message_ja = format!(
            "同じKPI「{}」（単位 {}、目標 {}）が複数府省のシートにある — {}{dup_ja}{more_ja}",
            first.indicator,
            first.unit,
            num(first.target),
            listing.join("；")
        );
        let message = format!(
            "the same KPI \"{}\" (unit {}, target {}) appears in sheets of {} — actuals {}{dup_en}{more_en}",
            first.indicator,
            first.unit,
            num(first.target),
            ministries.join(", "),
            listing.join("; ")
        );
        let mut evidence_of = |doc: &str| -> Vec<Evidence> {
            let mut ev = Vec::new();
            let of_doc: Vec<&KpiKey> = members
                .iter()
                .filter(|m| keys[m.0].document == doc)
                .map(|&m| key(m))
                .collect();
            let Some(sheet) = loaded.sheet(doc) else {
                return ev;
            };
            for k in of_doc {
                let Some(kpi) = sheet.kpis.get(k.index) else {
                    continue;
                };
                let mut x = kpi_evidence(doc, kpi);
                x.label = format!("{} {} 指標", k.ministry, kpi_label(kpi));
                ev.push(x);
                for v in &kpi.values {
                    if let Some(a) = v.actual {
                        let mut x = value_evidence(doc, kpi, v, "実績", Some(a));
                        x.label = format!("{} {}", k.ministry, x.label);
                        ev.push(x);
                    }
                }
            }
            ev
        };
        for &doc in &docs_in {
            let (ev, others) = capped_evidence(doc, &docs_in, &mut evidence_of);
            let f = flag(
                "kpi.shared_across_ministries",
                severity,
                doc,
                message_ja.clone(),
                message.clone(),
                ev,
            );
            out(finish(f, doc, others));
        }
        loaded.clear();
    }
}

fn unrelated(a: &str, b: &str) -> bool {
    !(a.contains(b) || b.contains(a))
}

/// `recipient.name_conflict`: one valid 法人番号 under unrelated names, or one name under
/// several valid numbers, anywhere in the database. One flag per document involved.
fn recipient_conflicts(keys: &[DocKeys], source: &mut dyn SheetSource, out: &mut dyn FnMut(Flag)) {
    let seen: Vec<(usize, usize)> = keys
        .iter()
        .enumerate()
        .flat_map(|(d, k)| (0..k.recipients.len()).map(move |i| (d, i)))
        .collect();
    let key = |e: (usize, usize)| &keys[e.0].recipients[e.1];
    let mut loaded = Loaded::new(source);
    // One number, unrelated names.
    let mut by_number: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for &s in &seen {
        by_number.entry(&key(s).number).or_default().push(s);
    }
    for (number, group) in &by_number {
        let mut cores: Vec<&str> = group.iter().map(|&s| key(s).core.as_str()).collect();
        cores.sort_unstable();
        cores.dedup();
        let conflict = cores
            .iter()
            .enumerate()
            .any(|(i, a)| cores[i + 1..].iter().any(|b| unrelated(a, b)));
        if !conflict {
            continue;
        }
        let mut names: Vec<&str> = group.iter().map(|&s| key(s).name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        emit_conflict(
            keys,
            group,
            format!(
                "法人番号 {number} が異なる名称で記載されている: {}",
                names.join("、")
            ),
            format!(
                "corporate number {number} appears under different names: {}",
                names.join(", ")
            ),
            &mut loaded,
            out,
        );
    }
    // One name, several numbers. The full name is the key: stripping the legal form would
    // make 東京都公立大学法人 collide with 東京都.
    let mut by_name: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for &s in &seen {
        by_name.entry(&key(s).name).or_default().push(s);
    }
    for (name, group) in &by_name {
        let mut numbers: Vec<&str> = group.iter().map(|&s| key(s).number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        if numbers.len() < 2 {
            continue;
        }
        emit_conflict(
            keys,
            group,
            format!("同じ名称「{name}」に複数の法人番号: {}", numbers.join("、")),
            format!(
                "the name \"{name}\" appears with several corporate numbers: {}",
                numbers.join(", ")
            ),
            &mut loaded,
            out,
        );
    }
}

fn emit_conflict(
    keys: &[DocKeys],
    group: &[(usize, usize)],
    ja: String,
    en: String,
    loaded: &mut Loaded,
    out: &mut dyn FnMut(Flag),
) {
    let docs_in = documents_of(keys, group);
    let (more_ja, more_en) = more(docs_in.len());
    let mut evidence_of = |doc: &str| -> Vec<Evidence> {
        let indices: Vec<usize> = group
            .iter()
            .filter(|m| keys[m.0].document == doc)
            .map(|m| keys[m.0].recipients[m.1].index)
            .collect();
        let Some(sheet) = loaded.sheet(doc) else {
            return Vec::new();
        };
        indices
            .into_iter()
            .filter_map(|i| sheet.recipients.get(i))
            .map(|r| {
                let mut e = recipient_evidence(doc, r, "支出先・法人番号");
                e.value = r.amount_million_yen;
                e
            })
            .collect()
    };
    for &doc in &docs_in {
        let (ev, others) = capped_evidence(doc, &docs_in, &mut evidence_of);
        let f = flag(
            "recipient.name_conflict",
            Severity::Warning,
            doc,
            format!("{ja}{more_ja}"),
            format!("{en}{more_en}"),
            ev,
        );
        out(finish(f, doc, others));
    }
    loaded.clear();
}

/// `cross_doc.amount_mismatch`: council amounts against the review sheets of the same program
/// and year.
fn amount_mismatches(keys: &[DocKeys], source: &mut dyn SheetSource, out: &mut dyn FnMut(Flag)) {
    // Project names, sorted, so a program finds its sheets by prefix.
    let mut projects: Vec<(String, usize)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| Some((compact(k.project.as_deref()?), i)))
        .filter(|(n, _)| !n.is_empty())
        .collect();
    projects.sort();
    let mut loaded = Loaded::new(source);
    for (d, k) in keys.iter().enumerate() {
        for a in &k.amounts {
            let p = compact(&a.program);
            if p.is_empty() {
                continue;
            }
            let start = projects.partition_point(|(n, _)| n.as_str() < p.as_str());
            let mut sheets: Vec<usize> = projects[start..]
                .iter()
                .take_while(|(n, _)| n.starts_with(p.as_str()))
                .filter(|(n, _)| same_program(&a.program, n))
                .map(|(_, i)| *i)
                .filter(|&i| i != d && keys[i].document != k.document)
                .collect();
            sheets.sort_unstable();
            for s in sheets {
                let doc = keys[s].document.as_str();
                if let Some(sheet) = loaded.sheet(doc) {
                    if let Some(f) = amount_flag(&k.document, a, doc, sheet) {
                        out(f);
                    }
                }
            }
        }
    }
}

/// The flag of one stated amount against one sheet, when they disagree beyond what printing
/// explains.
fn amount_flag(doc: &str, a: &AmountKey, sheet_doc: &str, sheet: &ReviewSheet) -> Option<Flag> {
    let f = &a.fact;
    let t = table(sheet);
    let row = t.get(&a.year)?;
    let (col, cell, v) = a.cols.iter().find_map(|c| {
        row.get(c)
            .and_then(|cell| cell.value.map(|v| (*c, *cell, v)))
    })?;
    let scale = match cell.unit.as_deref().map(compact).as_deref() {
        Some("千円") => 1e3,
        Some("円") => 1.0,
        _ => 1e6,
    };
    let sheet_yen = v * scale;
    let fact_half = half_unit_yen(&f.text, a.yen);
    let sheet_half = super::common::half_ulp(cell.printed.as_deref(), v) * scale;
    let diff = a.yen as f64 - sheet_yen;
    if diff.abs() <= fact_half + sheet_half {
        return None;
    }
    let (program, year) = (&a.program, a.year);
    let fact_ev = evidence(
        &f.document,
        format!("{} {} {year}", program, f.role.clone().unwrap_or_default()),
        Some(a.yen as f64),
        Some(&Provenance {
            document: f.document.clone(),
            page: f.page,
            bbox: f.bbox,
            text: f.text.clone(),
        }),
        f.text.clone(),
    );
    let mut sheet_ev = cell_evidence(sheet_doc, year, col, cell);
    sheet_ev.label = format!("レビューシート {}", sheet_ev.label);
    let mut fl = flag(
        "cross_doc.amount_mismatch",
        Severity::Warning,
        doc,
        format!(
            "{program} {year}年度: 資料の金額 {}百万円 が レビューシートの{} {}百万円 と一致しない（許容差 ±{}百万円）",
            num(a.yen as f64 / 1e6),
            sheet_ev.label,
            num(sheet_yen / 1e6),
            num((fact_half + sheet_half) / 1e6)
        ),
        format!(
            "{program} FY{year}: the document states {} million yen but the review sheet's {} is {} million yen (tolerance ±{})",
            num(a.yen as f64 / 1e6),
            sheet_ev.label,
            num(sheet_yen / 1e6),
            num((fact_half + sheet_half) / 1e6)
        ),
        vec![fact_ev, sheet_ev],
    );
    fl.related_documents = vec![sheet_doc.to_string()];
    Some(fl)
}
