//! The database schema: one `CREATE TABLE` per table, and which tables hold per-document rows.
//!
//! README.md ("The database") documents every column; keep the two in step. Tables have no key
//! constraints on purpose: the Appender checks constraints only at flush, where one bad row
//! would fail a whole batch, and the pipeline already guarantees the keys.

/// Version of the table layout. A database written with another version is rebuilt from
/// scratch instead of having rows copied into a different layout.
pub const SCHEMA_VERSION: u32 = 2;

/// One table: its name and the SQL that creates it.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    /// Table name.
    pub name: &'static str,
    /// Column definitions (the part between the parentheses of CREATE TABLE).
    pub columns: &'static str,
    /// Rows belong to one document through a `document` column and are copied from the previous
    /// database when that document is unchanged.
    pub per_document: bool,
}

/// Provenance columns carried by every value row: where on which page the value is printed.
macro_rules! prov {
    () => {
        "page INTEGER, x0 REAL, y0 REAL, x1 REAL, y1 REAL, source_text VARCHAR"
    };
}

/// Every table, in creation (and export) order.
pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "documents",
        columns: "id VARCHAR NOT NULL, path VARCHAR NOT NULL, bytes BIGINT, pages INTEGER, \
                  producer VARCHAR, status VARCHAR NOT NULL, error VARCHAR, \
                  extractor_version VARCHAR, processed_at TIMESTAMP, duplicate_of VARCHAR, \
                  is_review_sheet BOOLEAN, mtime_ns BIGINT",
        per_document: false,
    },
    TableDef {
        name: "pages",
        columns: "document VARCHAR NOT NULL, page INTEGER, width REAL, height REAL, \
                  line_count INTEGER, glyph_count INTEGER, block_count INTEGER, \
                  table_count INTEGER",
        per_document: true,
    },
    TableDef {
        name: "lines",
        columns: "document VARCHAR NOT NULL, page INTEGER, line_no INTEGER, block INTEGER, \
                  x0 REAL, y0 REAL, x1 REAL, y1 REAL, text VARCHAR, font_size REAL, \
                  vertical BOOLEAN",
        per_document: true,
    },
    TableDef {
        name: "tokens",
        columns: "document VARCHAR NOT NULL, page INTEGER, line INTEGER, position INTEGER, \
                  char_start INTEGER, surface VARCHAR, base_form VARCHAR, pos VARCHAR",
        per_document: true,
    },
    TableDef {
        name: "facts",
        columns: concat!(
            "document VARCHAR NOT NULL, fact_no INTEGER, kind VARCHAR, value VARCHAR, \
             value_num DOUBLE, value_yen BIGINT, value_yen_min BIGINT, value_yen_max BIGINT, \
             unit VARCHAR, fiscal_year INTEGER, per VARCHAR, role VARCHAR, target_pct DOUBLE, \
             program VARCHAR, affiliation VARCHAR, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "flags",
        columns: "flag_id VARCHAR NOT NULL, scope VARCHAR NOT NULL, rule VARCHAR NOT NULL, \
                  severity VARCHAR, document VARCHAR NOT NULL, page INTEGER, message_ja VARCHAR, \
                  message VARCHAR, evidence VARCHAR, related_documents VARCHAR",
        per_document: true,
    },
    TableDef {
        name: "flag_evidence",
        columns: concat!(
            "flag_id VARCHAR NOT NULL, scope VARCHAR NOT NULL, evidence_no INTEGER, \
             document VARCHAR NOT NULL, label VARCHAR, value DOUBLE, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "review_sheets",
        columns: "document VARCHAR NOT NULL, sheet_id VARCHAR, project_number VARCHAR, \
                  json VARCHAR",
        per_document: true,
    },
    TableDef {
        name: "projects",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, sheet_id VARCHAR, \
             sheet_year INTEGER, number_year VARCHAR, number_ministry VARCHAR, \
             number_no VARCHAR, number_serial VARCHAR, name VARCHAR, ministry VARCHAR, \
             bureau VARCHAR, division VARCHAR, responsible VARCHAR, start_year INTEGER, \
             end_year INTEGER, account VARCHAR, policy VARCHAR, measure VARCHAR, \
             legal_basis VARCHAR, related_plans VARCHAR, major_expense VARCHAR, \
             purpose VARCHAR, issues VARCHAR, overview VARCHAR, implementation VARCHAR, \
             subsidy_rate VARCHAR, fund_source_label VARCHAR, \
             fund_source_million_yen DOUBLE, breakdown_total_initial DOUBLE, \
             breakdown_total_request DOUBLE, breakdown_reason VARCHAR, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "budgets",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, fiscal_year INTEGER, \
             column_label VARCHAR, value DOUBLE, unit VARCHAR, value_yen BIGINT, \
             printed VARCHAR, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "budget_breakdown",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, item_no INTEGER, kou VARCHAR, \
             moku VARCHAR, initial_million_yen DOUBLE, request_million_yen DOUBLE, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "kpis",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, kpi_no INTEGER, kind VARCHAR, \
             label VARCHAR, term VARCHAR, name VARCHAR, indicator VARCHAR, unit VARCHAR, \
             target_final_year INTEGER, target_final_value DOUBLE, note VARCHAR, \
             reason VARCHAR, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "kpi_values",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, kpi_no INTEGER, \
             fiscal_year INTEGER, target DOUBLE, actual DOUBLE, achievement_pct DOUBLE, \
             forecast DOUBLE, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "fund_flow_blocks",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, block VARCHAR, label VARCHAR, \
             amount_million_yen DOUBLE, amount_yen BIGINT, count BIGINT, role VARCHAR, \
             parent VARCHAR, relation VARCHAR, note VARCHAR, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "expenses",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, block VARCHAR, row_no INTEGER, \
             item VARCHAR, usage VARCHAR, amount_million_yen DOUBLE, \
             block_total_million_yen DOUBLE, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "recipients",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, block VARCHAR, rank BIGINT, \
             name VARCHAR, corporate_number VARCHAR, summary VARCHAR, \
             amount_million_yen DOUBLE, amount_yen BIGINT, contract_method VARCHAR, \
             bidders BIGINT, award_rate_pct DOUBLE, one_bidder_reason VARCHAR, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "findings",
        columns: concat!(
            "document VARCHAR NOT NULL, project_number VARCHAR, check_result VARCHAR, \
             improvement_direction VARCHAR, external_expert VARCHAR, team_judgement VARCHAR, \
             team_opinion VARCHAR, reflection VARCHAR, ",
            prov!()
        ),
        per_document: true,
    },
    TableDef {
        name: "related_sheets",
        columns: "document VARCHAR NOT NULL, project_number VARCHAR, fiscal_year INTEGER, \
                  label VARCHAR, value VARCHAR",
        per_document: true,
    },
    TableDef {
        name: "warnings",
        columns: "document VARCHAR NOT NULL, page INTEGER, code VARCHAR, detail VARCHAR",
        per_document: true,
    },
    TableDef {
        name: "runs",
        columns: "run_id INTEGER NOT NULL, started_at TIMESTAMP, finished_at TIMESTAMP, \
                  seisaku_version VARCHAR, extractor_version VARCHAR, args VARCHAR, \
                  files INTEGER, processed INTEGER, unchanged INTEGER, removed INTEGER, \
                  failed INTEGER, flags INTEGER, jobs INTEGER, seconds DOUBLE",
        per_document: false,
    },
    TableDef {
        name: "meta",
        columns: "key VARCHAR NOT NULL, value VARCHAR",
        per_document: false,
    },
];

/// The table definition by name.
pub fn table(name: &str) -> Option<&'static TableDef> {
    TABLES.iter().find(|t| t.name == name)
}

/// SQL creating every table in the current schema.
pub fn create_sql() -> String {
    let mut sql = String::new();
    for t in TABLES {
        sql.push_str(&format!("CREATE TABLE {} ({});\n", t.name, t.columns));
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_per_document_table_has_a_document_column() {
        for t in TABLES.iter().filter(|t| t.per_document) {
            assert!(t.columns.contains("document VARCHAR"), "{}", t.name);
        }
        assert!(table("documents").is_some());
        assert!(table("nope").is_none());
    }
}
