//! Reading a database: read-only connections, query results, and their text, CSV and JSON forms.
//!
//! Readers open the file read-only, so any number of them can run beside each other and beside a
//! `seisaku run` (which only ever reads the old file and renames a new one over it).

use anyhow::{bail, Context, Result};
use duckdb::types::{TimeUnit, Value};
use duckdb::{AccessMode, Config, Connection};
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// Open an existing database read-only.
///
/// # Errors
/// When the file does not exist or DuckDB cannot open it.
pub fn open_read_only(db: &Path) -> Result<Connection> {
    if !db.exists() {
        bail!(
            "no database at {} (create it with `seisaku run DIR --db {}`)",
            db.display(),
            db.display()
        );
    }
    let config = Config::default().access_mode(AccessMode::ReadOnly)?;
    let conn = Connection::open_with_flags(db, config)
        .with_context(|| format!("cannot open database {}", db.display()))?;
    Ok(conn)
}

/// A query result held in memory.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of values.
    pub rows: Vec<Vec<Value>>,
}

/// Run one SQL statement with text parameters and collect the result.
///
/// # Errors
/// When the statement fails (the message is DuckDB's).
pub fn query(conn: &Connection, sql: &str, params: &[&str]) -> Result<Table> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(duckdb::params_from_iter(params.iter()))?;
    let columns = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
    let n = columns.len();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            row.push(r.get::<_, Value>(i)?);
        }
        out.push(row);
    }
    Ok(Table { columns, rows: out })
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days → civil date algorithm (proleptic Gregorian).
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// ISO 8601 text of a timestamp (UTC).
pub fn format_timestamp(unit: TimeUnit, v: i64) -> String {
    let us = match unit {
        TimeUnit::Second => v.saturating_mul(1_000_000),
        TimeUnit::Millisecond => v.saturating_mul(1_000),
        TimeUnit::Microsecond => v,
        TimeUnit::Nanosecond => v / 1_000,
    };
    let secs = us.div_euclid(1_000_000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// A value as display text (`None` for NULL).
pub fn value_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => return None,
        Value::Boolean(b) => b.to_string(),
        Value::TinyInt(x) => x.to_string(),
        Value::SmallInt(x) => x.to_string(),
        Value::Int(x) => x.to_string(),
        Value::BigInt(x) => x.to_string(),
        Value::HugeInt(x) => x.to_string(),
        Value::UHugeInt(x) => x.to_string(),
        Value::UTinyInt(x) => x.to_string(),
        Value::USmallInt(x) => x.to_string(),
        Value::UInt(x) => x.to_string(),
        Value::UBigInt(x) => x.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Double(x) => x.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Timestamp(u, x) => format_timestamp(*u, *x),
        Value::Text(s) | Value::Enum(s) => s.clone(),
        Value::Blob(b) | Value::Geometry(b) => format!("<{} bytes>", b.len()),
        Value::Date32(d) => {
            let (y, m, dd) = civil_from_days(i64::from(*d));
            format!("{y:04}-{m:02}-{dd:02}")
        }
        other => value_json(other).to_string(),
    })
}

/// A value as JSON: numbers stay numbers, timestamps become ISO text, lists become arrays.
pub fn value_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    let num = |x: f64| serde_json::Number::from_f64(x).map_or(J::Null, J::Number);
    match v {
        Value::Null => J::Null,
        Value::Boolean(b) => J::Bool(*b),
        Value::TinyInt(x) => J::from(*x),
        Value::SmallInt(x) => J::from(*x),
        Value::Int(x) => J::from(*x),
        Value::BigInt(x) => J::from(*x),
        Value::UTinyInt(x) => J::from(*x),
        Value::USmallInt(x) => J::from(*x),
        Value::UInt(x) => J::from(*x),
        Value::UBigInt(x) => J::from(*x),
        Value::HugeInt(x) => i64::try_from(*x).map_or_else(|_| J::String(x.to_string()), J::from),
        Value::UHugeInt(x) => u64::try_from(*x).map_or_else(|_| J::String(x.to_string()), J::from),
        Value::Float(x) => num(f64::from(*x)),
        Value::Double(x) => num(*x),
        Value::Decimal(d) => d
            .to_string()
            .parse::<f64>()
            .map_or_else(|_| J::String(d.to_string()), num),
        Value::List(items) | Value::Array(items) => {
            J::Array(items.iter().map(value_json).collect())
        }
        Value::Struct(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), value_json(v))).collect()),
        Value::Map(m) => J::Object(
            m.iter()
                .map(|(k, v)| (value_text(k).unwrap_or_default(), value_json(v)))
                .collect(),
        ),
        Value::Union(b) => value_json(b),
        Value::Time64(_, x) => J::from(*x),
        Value::Interval {
            months,
            days,
            nanos,
        } => J::String(format!("{months} months {days} days {nanos} ns")),
        other => value_text(other).map_or(J::Null, J::String),
    }
}

impl Table {
    /// Rows as JSON objects keyed by column name.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.rows
                .iter()
                .map(|r| {
                    serde_json::Value::Object(
                        self.columns
                            .iter()
                            .zip(r)
                            .map(|(c, v)| (c.clone(), value_json(v)))
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// RFC 4180 CSV with a header line; NULL is an empty field.
    pub fn to_csv(&self) -> String {
        fn field(s: &str) -> String {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<String>| cells.join(",") + "\n";
        out.push_str(&line(self.columns.iter().map(|c| field(c)).collect()));
        for r in &self.rows {
            out.push_str(&line(
                r.iter()
                    .map(|v| field(&value_text(v).unwrap_or_default()))
                    .collect(),
            ));
        }
        out
    }

    /// A boxed text table, columns sized by display width (全角 counts two), long cells cut.
    pub fn to_pretty(&self, max_cell: usize) -> String {
        let cut = |s: String| -> String {
            let s = s.replace(['\n', '\r', '\t'], " ");
            if s.width() <= max_cell {
                return s;
            }
            let mut out = String::new();
            for ch in s.chars() {
                if out.width() + 1 + unicode_width::UnicodeWidthChar::width(ch).unwrap_or(1)
                    > max_cell
                {
                    break;
                }
                out.push(ch);
            }
            out.push('…');
            out
        };
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| cut(value_text(v).unwrap_or_else(|| "NULL".into())))
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.width()).collect();
        for r in &cells {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.width());
            }
        }
        let pad = |s: &str, w: usize, right: bool| {
            let fill = " ".repeat(w.saturating_sub(s.width()));
            if right {
                format!("{fill}{s}")
            } else {
                format!("{s}{fill}")
            }
        };
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                self.rows.iter().all(|r| {
                    matches!(
                        r.get(i),
                        Some(
                            Value::Null
                                | Value::TinyInt(_)
                                | Value::SmallInt(_)
                                | Value::Int(_)
                                | Value::BigInt(_)
                                | Value::HugeInt(_)
                                | Value::UTinyInt(_)
                                | Value::USmallInt(_)
                                | Value::UInt(_)
                                | Value::UBigInt(_)
                                | Value::Float(_)
                                | Value::Double(_)
                                | Value::Decimal(_)
                        )
                    )
                })
            })
            .collect();
        let rule = |l: &str, m: &str, r: &str| {
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
            format!("{l}{}{r}\n", parts.join(m))
        };
        let mut out = rule("┌", "┬", "┐");
        let head: Vec<String> = self
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!(" {} ", pad(c, *w, false)))
            .collect();
        out.push_str(&format!("│{}│\n", head.join("│")));
        out.push_str(&rule("├", "┼", "┤"));
        for r in &cells {
            let line: Vec<String> = r
                .iter()
                .zip(&widths)
                .zip(&numeric)
                .map(|((c, w), num)| format!(" {} ", pad(c, *w, *num)))
                .collect();
            out.push_str(&format!("│{}│\n", line.join("│")));
        }
        out.push_str(&rule("└", "┴", "┘"));
        out.push_str(&format!(
            "{} row{}\n",
            self.rows.len(),
            if self.rows.len() == 1 { "" } else { "s" }
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_values_format() {
        assert_eq!(
            format_timestamp(TimeUnit::Microsecond, 0),
            "1970-01-01 00:00:00"
        );
        assert_eq!(
            format_timestamp(TimeUnit::Second, 1_700_000_000),
            "2023-11-14 22:13:20"
        );
        assert_eq!(value_json(&Value::Int(3)), serde_json::json!(3));
        assert_eq!(value_text(&Value::Null), None);
    }

    #[test]
    fn tables_print() {
        let t = Table {
            columns: vec!["name".into(), "n".into()],
            rows: vec![
                vec![Value::Text("文部科学省".into()), Value::BigInt(12)],
                vec![Value::Text("a,\"b\"".into()), Value::Null],
            ],
        };
        let p = t.to_pretty(40);
        assert!(p.contains("│ 文部科学省 │   12 │"), "{p}");
        assert!(p.ends_with("2 rows\n"));
        assert_eq!(t.to_csv(), "name,n\n文部科学省,12\n\"a,\"\"b\"\"\",\n");
        assert_eq!(
            t.to_json(),
            serde_json::json!([{"name": "文部科学省", "n": 12}, {"name": "a,\"b\"", "n": null}])
        );
    }
}
