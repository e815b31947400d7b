//! `seisaku merge`: shard databases (`seisaku run … --shard k/n`) → one database, with the
//! cross-document checks run over the union, atomically like `run`.

use super::run::{corpus_flags, now_us, RunSummary};
use super::EXTRACTOR_VERSION;
use crate::store::{swap, RunRow, Writer};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Merge `inputs` into a new database at `db` (replaced only when the whole merge succeeded).
///
/// # Errors
/// A shard cannot be read, is not a seisaku database or was written by another schema or
/// extractor version; another run holds the lock; DuckDB fails.
pub fn merge(db: &Path, inputs: &[PathBuf], args: &str) -> Result<RunSummary> {
    let t0 = Instant::now();
    let started_us = now_us();
    if inputs.is_empty() {
        anyhow::bail!("nothing to merge: name at least one shard database");
    }
    for i in inputs {
        if !i.is_file() {
            anyhow::bail!("shard {} not found (expected a .duckdb file)", i.display());
        }
        if i.canonicalize().ok() == db.canonicalize().ok() {
            anyhow::bail!("the output {} is also an input", db.display());
        }
    }
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    let _lock = swap::WriterLock::acquire(db)?;
    swap::remove_stale_temps(db);
    let tmp = swap::temp_path(db);
    let result = (|| -> Result<RunSummary> {
        let mut w = Writer::create(&tmp)?;
        for (k, input) in inputs.iter().enumerate() {
            let alias = format!("shard{k}");
            w.attach_shard(input, &alias, EXTRACTOR_VERSION)?;
            w.copy_shard(&alias)?;
        }
        w.settle_duplicates()?;
        corpus_flags(&mut w)?;
        let (files, failed) = w.document_counts()?;
        let flags_by_rule = w.flags_by_rule()?;
        let summary = RunSummary {
            files,
            failed,
            flags_by_rule,
            seconds: t0.elapsed().as_secs_f64(),
            ..Default::default()
        };
        let run = RunRow {
            run_id: 1,
            started_us,
            finished_us: now_us(),
            seisaku_version: env!("CARGO_PKG_VERSION").to_string(),
            extractor_version: EXTRACTOR_VERSION.to_string(),
            args: args.to_string(),
            files,
            unchanged: files,
            failed,
            flags: summary.flags_by_rule.iter().map(|(_, n)| n).sum(),
            jobs: 1,
            seconds: summary.seconds,
            ..Default::default()
        };
        w.finish(&[run])?;
        Ok(summary)
    })();
    match result {
        Ok(s) => {
            super::manifest::Manifest::remove(db);
            swap::commit(&tmp, db)?;
            Ok(s)
        }
        Err(e) => {
            swap::discard(&tmp);
            Err(e)
        }
    }
}
