//! The single writer: one connection to the new (temporary) database on one thread.
//!
//! DuckDB's `Connection` and `Appender` are not `Send`, so the pipeline keeps a [`Writer`] on the
//! thread that owns it and sends it finished [`Rows`]. Rows are buffered and bulk-loaded with
//! the Appender in few large transactions (about 1 µs a row). Unchanged documents are copied
//! from the previous database with `INSERT … SELECT` through a read-only `ATTACH`.

use super::rows::{DocumentRow, Rows};
use super::schema::{self, SCHEMA_VERSION, TABLES};
use crate::checks::DocKeys;
use crate::model::review_sheet::ReviewSheet;
use crate::model::{Fact, Rect};
use anyhow::{Context, Result};
use duckdb::types::{TimeUnit, Value};
use duckdb::{appender_params_from_iter, params, Config, Connection};
use std::path::{Path, PathBuf};

/// Rows buffered before a bulk load: bounds memory while keeping transactions few.
const FLUSH_ROWS: usize = 100_000;

/// What the previous database holds, as far as an incremental run needs it.
#[derive(Debug, Default)]
pub struct Previous {
    /// Its `documents` rows.
    pub documents: Vec<DocumentRow>,
    /// Highest run id recorded.
    pub last_run_id: i32,
}

/// The run's row in `runs`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RunRow {
    /// Sequential id (previous highest + 1).
    pub run_id: i32,
    /// Start, microseconds since the epoch.
    pub started_us: i64,
    /// End, microseconds since the epoch.
    pub finished_us: i64,
    /// seisaku version.
    pub seisaku_version: String,
    /// Extractor version.
    pub extractor_version: String,
    /// Command-line arguments.
    pub args: String,
    /// PDF files found.
    pub files: usize,
    /// Files analysed in this run.
    pub processed: usize,
    /// Files whose rows were copied from the previous database.
    pub unchanged: usize,
    /// Files of the previous database no longer in the folder.
    pub removed: usize,
    /// Files with status error (all of them, not only this run's).
    pub failed: usize,
    /// Flags in the database.
    pub flags: usize,
    /// Worker threads.
    pub jobs: usize,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// A connection writing one new database file.
pub struct Writer {
    conn: Connection,
    path: PathBuf,
    pending: Rows,
    attached: bool,
    /// A transaction opened by [`Writer::prepare_patch`] and kept open, so that a run that
    /// changes little commits (and fsyncs its log) once.
    in_tx: bool,
    /// Rows appended inside that transaction.
    rows_in_tx: usize,
}

/// Settings of the writer's database. DuckDB would otherwise size its buffer pool to 80% of
/// RAM and start a thread per core: the load is streaming and the analysis threads need the
/// memory and cores more. Set at open time, not with `SET` afterwards, which restarts the
/// thread pool (≈ 20 ms, a third of an unchanged run).
fn config() -> Result<Config> {
    Ok(Config::default().max_memory("512MB")?.threads(2)?)
}

fn int(v: usize) -> Value {
    Value::Int(i32::try_from(v).unwrap_or(i32::MAX))
}

/// Quote a string as an SQL literal.
pub fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The documents and last run id of a database seen through `conn` (`prefix` is `old.` for an
/// attached one); `None` when its schema version differs from ours.
fn read_state(conn: &Connection, prefix: &str) -> Result<Option<Previous>> {
    let version: Option<String> = conn
        .query_row(
            &format!("SELECT value FROM {prefix}meta WHERE key = 'schema_version'"),
            [],
            |r| r.get(0),
        )
        .ok();
    if version.as_deref() != Some(&SCHEMA_VERSION.to_string()) {
        return Ok(None);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT id, path, bytes, pages, producer, status, error, extractor_version, \
         epoch_us(processed_at), duplicate_of, is_review_sheet, mtime_ns FROM {prefix}documents"
    ))?;
    let documents = stmt
        .query_map([], |r| {
            Ok(DocumentRow {
                id: r.get(0)?,
                path: r.get(1)?,
                bytes: r.get::<_, Option<i64>>(2)?.unwrap_or(0).max(0) as u64,
                pages: r.get::<_, Option<i32>>(3)?.unwrap_or(0).max(0) as u32,
                producer: r.get(4)?,
                status: r.get(5)?,
                error: r.get(6)?,
                extractor_version: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                processed_at_us: r.get::<_, Option<i64>>(8)?.unwrap_or(0),
                duplicate_of: r.get(9)?,
                is_review_sheet: r.get::<_, Option<bool>>(10)?.unwrap_or(false),
                mtime_ns: r.get(11)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()
        .context("cannot read the previous documents table")?;
    let last_run_id: i32 = conn
        .query_row(
            &format!("SELECT coalesce(max(run_id), 0) FROM {prefix}runs"),
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    Ok(Some(Previous {
        documents,
        last_run_id,
    }))
}

impl Writer {
    /// Create a fresh database at `path` (replacing any leftover file) with the schema.
    ///
    /// # Errors
    /// When DuckDB cannot create the file.
    pub fn create(path: &Path) -> Result<Writer> {
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(super::swap::sibling(path, ".wal"));
        let conn = Connection::open_with_flags(path, config()?)
            .with_context(|| format!("cannot create database {}", path.display()))?;
        let w = Writer::on(conn, path);
        w.conn
            .execute_batch(&schema::create_sql())
            .context("cannot create the tables")?;
        Ok(w)
    }

    /// The writer over an open connection to `path`.
    fn on(conn: Connection, path: &Path) -> Writer {
        Writer {
            conn,
            path: path.to_path_buf(),
            pending: Rows::default(),
            attached: false,
            in_tx: false,
            rows_in_tx: 0,
        }
    }

    /// Start from a copy of the previous database: `db` is copied to `path` and opened. Read
    /// its state with [`Writer::state`]; then either [`Writer::prepare_patch`] it (when no
    /// document of it has to go, so only appends follow) or drop it and build afresh.
    ///
    /// # Errors
    /// When the copy fails or DuckDB cannot open it (e.g. another program holds the previous
    /// database for writing).
    pub fn open_copy(db: &Path, path: &Path) -> Result<Writer> {
        let _ = std::fs::remove_file(super::swap::sibling(path, ".wal"));
        std::fs::copy(db, path)
            .with_context(|| format!("cannot copy {} to {}", db.display(), path.display()))?;
        let conn = Connection::open_with_flags(path, config()?).with_context(|| {
            format!(
                "cannot open a copy of the previous database {} (is it a seisaku database?)",
                db.display()
            )
        })?;
        Ok(Writer::on(conn, path))
    }

    /// The documents and last run id of the database being written (a copy of the previous
    /// one); `None` when it has another schema version.
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn state(&self) -> Result<Option<Previous>> {
        read_state(&self.conn, "")
    }

    /// Clear what a run rewrites in full: the `documents` and `meta` rows, and the
    /// cross-document flags unless `keep_corpus_flags`.
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn prepare_patch(&mut self, keep_corpus_flags: bool) -> Result<()> {
        let mut sql = String::from("BEGIN TRANSACTION; DELETE FROM documents; DELETE FROM meta; ");
        if !keep_corpus_flags {
            sql.push_str(
                "DELETE FROM flags WHERE scope = 'corpus'; \
                 DELETE FROM flag_evidence WHERE scope = 'corpus'; ",
            );
        }
        self.conn
            .execute_batch(&sql)
            .with_context(|| format!("cannot prepare {}", self.path.display()))?;
        self.in_tx = true;
        Ok(())
    }

    /// Attach `db` read-only under `alias`.
    fn attach(&self, db: &Path, alias: &str) -> duckdb::Result<()> {
        self.conn.execute_batch(&format!(
            "ATTACH {} AS {alias} (READ_ONLY)",
            sql_literal(&db.to_string_lossy())
        ))
    }

    /// Attach the previous database read-only as `old`, to copy rows from it.
    ///
    /// # Errors
    /// When the file cannot be opened, e.g. another program holds it for writing.
    pub fn attach_previous(&mut self, db: &Path) -> Result<()> {
        self.attach(db, "old").with_context(|| {
            format!(
                "cannot open the previous database {} read-only (is another program \
                     writing to it?)",
                db.display()
            )
        })?;
        self.attached = true;
        Ok(())
    }

    /// Copy every per-document row of `ids` (and the run history) from the attached previous
    /// database. Flags of cross-document rules are copied only with `corpus_flags` (when the
    /// set of documents did not change); otherwise they are recomputed.
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn copy_from_previous(&mut self, ids: &[String], corpus_flags: bool) -> Result<()> {
        self.conn
            .execute_batch("INSERT INTO main.runs SELECT * FROM old.runs")
            .context("cannot copy the run history")?;
        if ids.is_empty() {
            return Ok(());
        }
        self.conn
            .execute_batch("CREATE TABLE main._keep_ids (id VARCHAR)")?;
        {
            let mut app = self.conn.appender("_keep_ids")?;
            for id in ids {
                app.append_row(params![id])?;
            }
            app.flush()?;
        }
        for t in TABLES.iter().filter(|t| t.per_document) {
            let scope = if (t.name == "flags" || t.name == "flag_evidence") && !corpus_flags {
                " AND scope = 'document'"
            } else {
                ""
            };
            self.conn
                .execute_batch(&format!(
                    "INSERT INTO main.{0} SELECT * FROM old.{0} \
                     WHERE document IN (SELECT id FROM main._keep_ids){scope}",
                    t.name
                ))
                .with_context(|| {
                    format!("cannot copy table {} from the previous database", t.name)
                })?;
        }
        self.conn.execute_batch("DROP TABLE main._keep_ids")?;
        Ok(())
    }

    /// Attach a shard database read-only as `alias` and check that it was written by this
    /// schema and extractor version: rows of another version are never mixed in.
    ///
    /// # Errors
    /// When the file cannot be opened, is not a seisaku database, or has another version.
    pub fn attach_shard(&mut self, db: &Path, alias: &str, extractor_version: &str) -> Result<()> {
        self.attach(db, alias)
            .with_context(|| format!("cannot open shard {} read-only", db.display()))?;
        let meta = |key: &str| -> Option<String> {
            self.conn
                .query_row(
                    &format!("SELECT value FROM {alias}.meta WHERE key = ?"),
                    params![key],
                    |r| r.get(0),
                )
                .ok()
        };
        let (schema, extractor) = (meta("schema_version"), meta("extractor_version"));
        if schema.as_deref() != Some(&SCHEMA_VERSION.to_string())
            || extractor.as_deref() != Some(extractor_version)
        {
            anyhow::bail!(
                "shard {} was written by schema {} / extractor {}, this seisaku writes schema {} / \
                 extractor {}: run that shard again with this version (`seisaku run … --shard k/n`) \
                 before merging",
                db.display(),
                schema.as_deref().unwrap_or("?"),
                extractor.as_deref().unwrap_or("?"),
                SCHEMA_VERSION,
                extractor_version
            );
        }
        Ok(())
    }

    /// Copy a shard's rows: every `documents` row, and the per-document rows (per-document
    /// flags only; cross-document flags are recomputed over the union) of each document not
    /// already taken from an earlier shard (documents are content hashes: a file in two shards
    /// counts once).
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn copy_shard(&mut self, alias: &str) -> Result<()> {
        let c = &self.conn;
        c.execute_batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS _taken (id VARCHAR); \
             CREATE OR REPLACE TEMP TABLE _new AS SELECT DISTINCT id FROM {alias}.documents \
             WHERE duplicate_of IS NULL AND id NOT IN (SELECT id FROM _taken);"
        ))?;
        for t in TABLES.iter().filter(|t| t.per_document) {
            let scope = if t.name == "flags" || t.name == "flag_evidence" {
                " AND scope = 'document'"
            } else {
                ""
            };
            c.execute_batch(&format!(
                "INSERT INTO main.{0} SELECT * FROM {alias}.{0} \
                 WHERE document IN (SELECT id FROM _new){scope}",
                t.name
            ))
            .with_context(|| format!("cannot copy table {} from shard {alias}", t.name))?;
        }
        c.execute_batch(&format!(
            "INSERT INTO main.documents SELECT * FROM {alias}.documents; \
             INSERT INTO _taken SELECT id FROM _new; DETACH {alias};"
        ))
        .with_context(|| format!("cannot copy the documents of shard {alias}"))?;
        Ok(())
    }

    /// After the shards: one file per path, and `duplicate_of` right across shards (a copy
    /// points at the first path, in path order, of the same content).
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn settle_duplicates(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE OR REPLACE TEMP TABLE _docs AS SELECT DISTINCT ON (path) * FROM documents \
             ORDER BY path, duplicate_of NULLS FIRST; \
             DELETE FROM documents; INSERT INTO documents SELECT * FROM _docs ORDER BY path; \
             DROP TABLE _docs; \
             UPDATE documents SET duplicate_of = CASE WHEN f.first = documents.path THEN NULL \
             ELSE f.first END FROM (SELECT id, min(path) AS first FROM documents \
             WHERE id NOT LIKE 'unreadable:%' GROUP BY id) f WHERE documents.id = f.id;",
        )?;
        Ok(())
    }

    /// Number of documents rows and of failed ones.
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn document_counts(&self) -> Result<(usize, usize)> {
        Ok(self.conn.query_row(
            "SELECT count(*), count(*) FILTER (WHERE status <> 'ok') FROM documents",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?.max(0) as usize,
                    r.get::<_, i64>(1)?.max(0) as usize,
                ))
            },
        )?)
    }

    /// Detach the previous database (before the rename, so no handle to it remains).
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn detach_previous(&mut self) -> Result<()> {
        if self.attached {
            self.conn.execute_batch("DETACH old")?;
            self.attached = false;
        }
        Ok(())
    }

    /// Queue a `documents` row.
    pub fn add_document(&mut self, doc: &DocumentRow) {
        self.pending.push("documents", doc.values());
    }

    /// Queue rows; bulk-loads when enough are buffered.
    ///
    /// # Errors
    /// On DuckDB errors during a bulk load.
    pub fn add_rows(&mut self, mut rows: Rows) -> Result<()> {
        self.pending.append(&mut rows);
        if self.pending.len() >= FLUSH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Bulk-load every buffered row and commit.
    ///
    /// # Errors
    /// On DuckDB errors (constraint violations surface here, at the appender flush).
    pub fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let rows = pending.len();
        if !self.in_tx {
            self.conn.execute_batch("BEGIN TRANSACTION")?;
        }
        for (t, rows) in TABLES.iter().zip(pending.tables) {
            if rows.is_empty() {
                continue;
            }
            let mut app = self.conn.appender(t.name)?;
            for row in rows {
                app.append_row(appender_params_from_iter(row))
                    .with_context(|| format!("cannot append to {}", t.name))?;
            }
            app.flush()
                .with_context(|| format!("cannot load rows into {}", t.name))?;
        }
        if !self.in_tx {
            self.conn.execute_batch("COMMIT")?;
        } else {
            self.rows_in_tx += rows;
            if self.rows_in_tx >= FLUSH_ROWS {
                // A long run: commit what is there, keep transactions bounded.
                self.conn.execute_batch("COMMIT; BEGIN TRANSACTION")?;
                self.rows_in_tx = 0;
            }
        }
        Ok(())
    }

    /// The cross-document keys of every `ok` document (new and copied), in path order. The
    /// review sheets stream past one at a time: only their keys stay in memory. Call after
    /// [`Writer::flush`].
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn corpus_keys(&mut self) -> Result<Vec<DocKeys>> {
        self.flush()?;
        let mut keys: Vec<DocKeys> = Vec::new();
        let mut index = std::collections::HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT id, min(path) FROM documents WHERE status = 'ok' GROUP BY id ORDER BY 2",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for r in rows {
                let id = r?;
                index.insert(id.clone(), keys.len());
                keys.push(DocKeys::new(&id));
            }
        }
        {
            let mut stmt = self
                .conn
                .prepare("SELECT document, json FROM review_sheets")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let json: Option<String> = r.get(1)?;
                if let (Some(&i), Some(json)) = (index.get(&id), json) {
                    if let Ok(sheet) = serde_json::from_str::<ReviewSheet>(&json) {
                        keys[i].add_sheet(&sheet);
                    }
                }
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT document, kind, value_yen, value_yen_min, value_yen_max, unit, fiscal_year, \
             per, role, target_pct, program, affiliation, page, x0, y0, x1, y1, source_text \
             FROM facts WHERE kind = 'amount' AND program IS NOT NULL \
             AND fiscal_year IS NOT NULL AND value_yen IS NOT NULL ORDER BY document, fact_no",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let Some(&i) = index.get(&id) else { continue };
            let f = |k: usize| -> duckdb::Result<f32> {
                Ok(r.get::<_, Option<f32>>(k)?.unwrap_or(0.0))
            };
            let fact = Fact {
                kind: r.get(1)?,
                value: None,
                value_yen: r.get(2)?,
                value_yen_min: r.get(3)?,
                value_yen_max: r.get(4)?,
                unit: r.get(5)?,
                fiscal_year: r.get(6)?,
                per: r.get(7)?,
                role: r.get(8)?,
                target_pct: r.get(9)?,
                program: r.get(10)?,
                affiliation: r.get(11)?,
                document: id,
                page: r.get::<_, Option<i32>>(12)?.unwrap_or(0).max(0) as u32,
                bbox: Rect {
                    x0: f(13)?,
                    y0: f(14)?,
                    x1: f(15)?,
                    y1: f(16)?,
                },
                text: r.get::<_, Option<String>>(17)?.unwrap_or_default(),
            };
            keys[i].add_fact(&fact);
        }
        Ok(keys)
    }

    /// The review sheet of one document, read again (for a flag's evidence).
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn review_sheet(&self, document: &str) -> Result<Option<ReviewSheet>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT json FROM review_sheets WHERE document = ? LIMIT 1",
                params![document],
                |r| r.get(0),
            )
            .ok()
            .flatten();
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Count of flags by rule in the new database.
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn flags_by_rule(&mut self) -> Result<Vec<(String, usize)>> {
        self.flush()?;
        let mut stmt = self
            .conn
            .prepare("SELECT rule, count(*) FROM flags GROUP BY rule ORDER BY rule")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as usize))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Write the run rows (runs recorded as pending, then this one, last) and metadata, commit,
    /// checkpoint and close. The file is then complete and has no write-ahead log;
    /// [`super::swap::commit`] makes it the database.
    ///
    /// # Errors
    /// On DuckDB errors.
    pub fn finish(mut self, runs: &[RunRow]) -> Result<()> {
        let run = runs.last().context("internal error: no run row")?;
        self.detach_previous()?;
        self.flush()?;
        let ts = |us: i64| Value::Timestamp(TimeUnit::Microsecond, us);
        if !self.in_tx {
            self.conn.execute_batch("BEGIN TRANSACTION")?;
        }
        {
            let mut app = self.conn.appender("runs")?;
            for r in runs {
                app.append_row(appender_params_from_iter(vec![
                    Value::Int(r.run_id),
                    ts(r.started_us),
                    ts(r.finished_us),
                    Value::Text(r.seisaku_version.clone()),
                    Value::Text(r.extractor_version.clone()),
                    Value::Text(r.args.clone()),
                    int(r.files),
                    int(r.processed),
                    int(r.unchanged),
                    int(r.removed),
                    int(r.failed),
                    int(r.flags),
                    int(r.jobs),
                    Value::Double(r.seconds),
                ]))?;
            }
            app.flush()?;
            let mut app = self.conn.appender("meta")?;
            for (k, v) in [
                ("schema_version", SCHEMA_VERSION.to_string()),
                ("extractor_version", run.extractor_version.clone()),
                ("seisaku_version", run.seisaku_version.clone()),
            ] {
                app.append_row(params![k, v])?;
            }
            app.flush()?;
        }
        self.conn
            .execute_batch("COMMIT; CHECKPOINT")
            .with_context(|| format!("cannot finish {}", self.path.display()))?;
        let path = self.path.clone();
        self.conn
            .close()
            .map_err(|(_, e)| e)
            .with_context(|| format!("cannot close {}", path.display()))?;
        Ok(())
    }
}
