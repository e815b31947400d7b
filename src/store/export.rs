//! Every table to files other engines read: Parquet (review-sheet tables partitioned by
//! ministry and sheet year, Hive style), CSV, or JSON (one object per line).

use super::query::value_json;
use super::schema::TABLES;
use super::writer::sql_literal;
use anyhow::{bail, Context, Result};
use duckdb::types::Value;
use duckdb::Connection;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output formats of `seisaku export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet (zstd).
    Parquet,
    /// CSV with a header line.
    Csv,
    /// Newline-delimited JSON objects.
    Json,
}

impl std::str::FromStr for Format {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "parquet" => Ok(Format::Parquet),
            "csv" => Ok(Format::Csv),
            "json" | "ndjson" | "jsonl" => Ok(Format::Json),
            other => bail!("unknown export format {other:?} (use parquet, csv or json)"),
        }
    }
}

/// Review-sheet tables: they get the sheet's ministry and year as partition columns.
const PARTITIONED: &[&str] = &[
    "projects",
    "budgets",
    "budget_breakdown",
    "kpis",
    "kpi_values",
    "fund_flow_blocks",
    "expenses",
    "recipients",
    "findings",
    "related_sheets",
    "review_sheets",
];

/// What was written for one table.
#[derive(Debug, Clone)]
pub struct Written {
    /// Table name.
    pub table: &'static str,
    /// File or directory written.
    pub path: PathBuf,
    /// Rows.
    pub rows: u64,
}

fn remove_previous(p: &Path) {
    if p.is_dir() {
        let _ = std::fs::remove_dir_all(p);
    } else {
        let _ = std::fs::remove_file(p);
    }
}

/// Write every table of `conn` into `dir`.
///
/// # Errors
/// When a file cannot be written.
pub fn export(conn: &Connection, dir: &Path, format: Format) -> Result<Vec<Written>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create export directory {}", dir.display()))?;
    let mut out = Vec::new();
    for t in TABLES {
        let rows: i64 = conn.query_row(&format!("SELECT count(*) FROM {}", t.name), [], |r| {
            r.get(0)
        })?;
        let rows = rows.max(0) as u64;
        let path = match format {
            Format::Parquet if PARTITIONED.contains(&t.name) && rows > 0 => {
                let p = dir.join(t.name);
                remove_previous(&p);
                // projects carries ministry and sheet_year itself; the others borrow them from
                // their document's sheet.
                let select = if t.name == "projects" {
                    "SELECT * FROM projects".to_string()
                } else {
                    format!(
                        "SELECT t.*, p.ministry, p.sheet_year FROM {} t LEFT JOIN \
                         (SELECT document, any_value(ministry) AS ministry, \
                         any_value(sheet_year) AS sheet_year FROM projects GROUP BY document) p \
                         ON p.document = t.document",
                        t.name
                    )
                };
                conn.execute_batch(&format!(
                    "COPY ({select}) TO {} (FORMAT parquet, COMPRESSION zstd, \
                     PARTITION_BY (ministry, sheet_year))",
                    sql_literal(&p.to_string_lossy())
                ))
                .with_context(|| format!("cannot export {} to {}", t.name, p.display()))?;
                p
            }
            Format::Parquet => {
                let p = dir.join(format!("{}.parquet", t.name));
                remove_previous(&p);
                conn.execute_batch(&format!(
                    "COPY {} TO {} (FORMAT parquet, COMPRESSION zstd)",
                    t.name,
                    sql_literal(&p.to_string_lossy())
                ))
                .with_context(|| format!("cannot export {} to {}", t.name, p.display()))?;
                p
            }
            Format::Csv => {
                let p = dir.join(format!("{}.csv", t.name));
                conn.execute_batch(&format!(
                    "COPY {} TO {} (FORMAT csv, HEADER)",
                    t.name,
                    sql_literal(&p.to_string_lossy())
                ))
                .with_context(|| format!("cannot export {} to {}", t.name, p.display()))?;
                p
            }
            Format::Json => {
                let p = dir.join(format!("{}.json", t.name));
                write_ndjson(conn, t.name, &p)
                    .with_context(|| format!("cannot export {} to {}", t.name, p.display()))?;
                p
            }
        };
        out.push(Written {
            table: t.name,
            path,
            rows,
        });
    }
    Ok(out)
}

/// Stream a table into newline-delimited JSON (the bundled DuckDB has no JSON extension).
fn write_ndjson(conn: &Connection, table: &str, path: &Path) -> Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}"))?;
    let mut rows = stmt.query([])?;
    let columns = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
    while let Some(r) = rows.next()? {
        let mut obj = serde_json::Map::with_capacity(columns.len());
        for (i, c) in columns.iter().enumerate() {
            obj.insert(c.clone(), value_json(&r.get::<_, Value>(i)?));
        }
        serde_json::to_writer(&mut w, &serde_json::Value::Object(obj))?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}
