//! `seisaku run`: a folder → a new database, incrementally and atomically.
//!
//! 1. Take the writer lock, list the PDFs, hash each file (BLAKE3 = document id).
//! 2. Create `<db>.tmp-<pid>`, attach the previous database read-only, copy the rows of every
//!    document whose id was already processed by this [`EXTRACTOR_VERSION`].
//! 3. Analyse the other files in parallel (a local rayon pool of `--jobs` threads), each on its
//!    own thread with a time limit and a panic guard; the single writer (this thread) appends
//!    their rows in path order, so output does not depend on the thread count.
//! 4. Cross-document checks over every document, the `runs` row, checkpoint, fsync, rename.

use super::manifest::{self, FileStamp, Manifest};
use super::progress::Progress;
use super::walk::{self, Shard};
use super::{analyze_bytes, Analysis, DocumentInfo, EXTRACTOR_VERSION};
use crate::model::Flag;
use crate::store::rows::{document_rows, flag_rows};
use crate::store::{swap, DocumentRow, Rows, RunRow, Writer};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Files larger than this are not read: an error row instead of a memory blow-up.
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// Stack of each analysis thread: deep (but finite) object graphs recurse deep.
const ANALYSIS_STACK: usize = 64 << 20;

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Folder to scan.
    pub dir: PathBuf,
    /// Database file.
    pub db: PathBuf,
    /// Worker threads.
    pub jobs: usize,
    /// Reprocess every file.
    pub force: bool,
    /// Per-file time limit.
    pub timeout: Duration,
    /// Only this shard of the files.
    pub shard: Option<Shard>,
    /// No progress bar.
    pub quiet: bool,
    /// The command line, recorded in `runs`.
    pub args: String,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// PDF files found (in this shard).
    pub files: usize,
    /// Files analysed.
    pub processed: usize,
    /// Files whose rows were reused.
    pub unchanged: usize,
    /// Files gone since the previous run.
    pub removed: usize,
    /// Files with status error, in total.
    pub failed: usize,
    /// Of these, analysed in this run.
    pub failed_now: usize,
    /// Flags by rule.
    pub flags_by_rule: Vec<(String, usize)>,
    /// Pages of the analysed files.
    pub pages: u64,
    /// Wall time.
    pub seconds: f64,
    /// Failed files and why (this run's).
    pub errors: Vec<(String, String)>,
    /// Nothing changed: the database file was not rewritten (see [`manifest`]).
    pub database_untouched: bool,
}

pub(crate) fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// One analysed file, as sent from a worker to the writer.
struct Done {
    document: DocumentInfo,
    is_review_sheet: bool,
    rows: Rows,
    took: Duration,
}

/// One file after hashing.
struct Found {
    path: PathBuf,
    path_text: String,
    /// Document id, or the read error.
    id: Result<String, String>,
    bytes: u64,
    mtime_ns: Option<i64>,
}

/// Modification time in ns since the epoch.
fn mtime_ns(m: &std::fs::Metadata) -> Option<i64> {
    let t = m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(t.as_nanos()).ok()
}

/// Hash a file into its document id. A file whose size and modification time equal those
/// recorded by the previous run (`known`: path → (bytes, mtime, id)) keeps its id without being
/// read, the way make and rsync decide; `--force` hashes everything.
fn hash_file(path: &Path, known: &HashMap<&str, (u64, i64, &str)>) -> Found {
    let path_text = path.to_string_lossy().into_owned();
    let meta = std::fs::metadata(path);
    let mtime = meta.as_ref().ok().and_then(mtime_ns);
    let size = meta.as_ref().map_or(0, |m| m.len());
    if let (Some(&(b, t, id)), Some(m)) = (known.get(path_text.as_str()), mtime) {
        if b == size && t == m {
            return Found {
                path: path.to_path_buf(),
                path_text,
                id: Ok(id.to_string()),
                bytes: size,
                mtime_ns: mtime,
            };
        }
    }
    let read = meta
        .map_err(|e| format!("cannot read file: {e}"))
        .and_then(|m| {
            if m.len() > MAX_FILE_BYTES {
                Err(format!(
                    "file too large: {} bytes (limit {} MiB)",
                    m.len(),
                    MAX_FILE_BYTES >> 20
                ))
            } else {
                std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))
            }
        });
    Found {
        path: path.to_path_buf(),
        path_text,
        bytes: read.as_ref().map_or(size, |b| b.len() as u64),
        id: read.map(|b| super::analyze::document_id(&b)),
        mtime_ns: mtime,
    }
}

/// An `Analysis` that only records a failure.
fn failed(id: String, path: &str, bytes: u64, error: String) -> Analysis {
    let document = DocumentInfo {
        id,
        path: path.to_string(),
        bytes,
        pages: 0,
        producer: None,
        status: String::new(),
        error: None,
    };
    Analysis::failed(document, error)
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Analyse one file on a thread of its own, giving up after `timeout`. A panic becomes an
/// error row. A timed-out thread cannot be killed: it is left to finish (or to die with the
/// process) and its result is dropped.
fn analyze_guarded(path: &Path, id: &str, timeout: Duration) -> Analysis {
    let path_text = path.to_string_lossy().into_owned();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return failed(
                id.to_string(),
                &path_text,
                0,
                format!("cannot read file: {e}"),
            )
        }
    };
    let size = bytes.len() as u64;
    let (tx, rx) = mpsc::sync_channel(1);
    let p = path_text.clone();
    let spawned = std::thread::Builder::new()
        .name("seisaku-analyze".into())
        .stack_size(ANALYSIS_STACK)
        .spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(|| analyze_bytes(&bytes, &p)));
            let _ = tx.send(r.map_err(|e| panic_message(e.as_ref())));
        });
    if let Err(e) = spawned {
        return failed(
            id.to_string(),
            &path_text,
            size,
            format!("cannot start a thread: {e}"),
        );
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(a)) => a,
        Ok(Err(msg)) => failed(
            id.to_string(),
            &path_text,
            size,
            format!("internal error while analysing (panic): {msg}"),
        ),
        Err(mpsc::RecvTimeoutError::Timeout) => failed(
            id.to_string(),
            &path_text,
            size,
            format!("timed out after {} s", timeout.as_secs_f64()),
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => failed(
            id.to_string(),
            &path_text,
            size,
            "internal error: the analysis thread ended without a result".into(),
        ),
    }
}

/// The writer's database as the source of review sheets for cross-document evidence.
struct StoredSheets<'w>(&'w Writer);

impl crate::checks::SheetSource for StoredSheets<'_> {
    fn sheet(&mut self, document: &str) -> Option<crate::model::review_sheet::ReviewSheet> {
        self.0.review_sheet(document).ok().flatten()
    }
}

/// Cross-document flags over every document of the database (new and copied), so a rule sees
/// the whole corpus even when only one file changed: compact keys per document, then only the
/// cited sheets read again; flags go to the writer as they are made.
pub(crate) fn corpus_flags(writer: &mut Writer) -> Result<()> {
    let keys = writer.corpus_keys()?;
    let mut flags: Vec<Flag> = Vec::new();
    {
        let mut source = StoredSheets(writer);
        crate::checks::corpus_flags(&keys, &mut source, &mut |f| flags.push(f));
    }
    drop(keys);
    let mut rows = Rows::default();
    for f in flags {
        flag_rows(&f, "corpus", &mut rows);
        if rows.len() >= 50_000 {
            writer.add_rows(std::mem::take(&mut rows))?;
        }
    }
    writer.add_rows(rows)
}

/// Run the pipeline. Returns the summary; the database at `opts.db` is replaced only when the
/// whole run succeeded.
///
/// # Errors
/// Usage or fatal errors: the folder cannot be read, another run holds the lock, the previous
/// database cannot be read, DuckDB fails. Bad PDFs are not errors: they become error rows.
pub fn run(opts: &RunOptions) -> Result<RunSummary> {
    let t0 = Instant::now();
    let started_us = now_us();
    if let Some(parent) = opts.db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    let _lock = swap::WriterLock::acquire(&opts.db)?;
    swap::remove_stale_temps(&opts.db);

    let (mut files, skipped) = walk::pdf_files(&opts.dir)?;
    if let Some(shard) = opts.shard {
        files.retain(|f| shard.contains(&opts.dir, f));
    }
    if !opts.force && skipped.is_empty() {
        if let Some(summary) = nothing_changed(opts, &files, started_us, t0)? {
            return Ok(summary);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .thread_name(|i| format!("seisaku-worker-{i}"))
        .build()
        .context("cannot start the worker threads")?;
    // The pages of a large file are analysed on rayon's global pool (each file runs on a thread
    // of its own, for the time limit): size it to `--jobs` too, so `--jobs 1` means one core
    // of analysis. Fails only when already sized (a second run in one process).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .thread_name(|i| format!("seisaku-pages-{i}"))
        .build_global();
    // The new database is built in a temporary file and renamed over the old one at the end.
    let tmp = swap::temp_path(&opts.db);
    match fill(opts, &pool, &tmp, &files, &skipped, started_us, t0) {
        Ok((writer, summary, runs, stamps)) => {
            writer.finish(&runs)?;
            Manifest::remove(&opts.db);
            swap::commit(&tmp, &opts.db)?;
            manifest::clear_pending_runs(&opts.db);
            if let (Some(files), Some(run)) = (stamps, runs.last()) {
                let m = Manifest::new(files, run.run_id, &summary);
                // Without a manifest the next run only takes the normal path.
                let _ = m.save(&opts.db);
            }
            Ok(summary)
        }
        Err(e) => {
            swap::discard(&tmp);
            Err(e)
        }
    }
}

/// The fast path of a nightly run: when the manifest of the database lists exactly these files
/// with the same sizes and modification times, nothing is to be
/// done. The database stays untouched; the run is recorded as pending (see [`manifest`]).
fn nothing_changed(
    opts: &RunOptions,
    files: &[PathBuf],
    started_us: i64,
    t0: Instant,
) -> Result<Option<RunSummary>> {
    let Some(mut m) = Manifest::load(&opts.db) else {
        return Ok(None);
    };
    if m.files.len() != files.len() {
        return Ok(None);
    }
    let mut stamps: Vec<FileStamp> = Vec::with_capacity(files.len());
    for f in files {
        let Ok(meta) = std::fs::metadata(f) else {
            return Ok(None);
        };
        let Some(t) = mtime_ns(&meta) else {
            return Ok(None);
        };
        stamps.push(FileStamp {
            path: f.to_string_lossy().into_owned(),
            bytes: meta.len(),
            mtime_ns: t,
        });
    }
    stamps.sort_by(|a, b| a.path.cmp(&b.path));
    if stamps != m.files {
        return Ok(None);
    }
    let summary = RunSummary {
        files: files.len(),
        unchanged: files.len(),
        failed: m.failed,
        flags_by_rule: m.flags_by_rule.clone(),
        seconds: t0.elapsed().as_secs_f64(),
        database_untouched: true,
        ..Default::default()
    };
    let run = run_row(opts, m.last_run_id + 1, started_us, &summary);
    manifest::add_pending_run(&opts.db, &run)
        .with_context(|| format!("cannot record the run beside {}", opts.db.display()))?;
    m.last_run_id = run.run_id;
    let _ = m.save(&opts.db);
    Ok(Some(summary))
}

/// The `runs` row of this run.
fn run_row(opts: &RunOptions, run_id: i32, started_us: i64, summary: &RunSummary) -> RunRow {
    RunRow {
        run_id,
        started_us,
        finished_us: now_us(),
        seisaku_version: env!("CARGO_PKG_VERSION").to_string(),
        extractor_version: EXTRACTOR_VERSION.to_string(),
        args: opts.args.clone(),
        files: summary.files,
        processed: summary.processed,
        unchanged: summary.unchanged,
        removed: summary.removed,
        failed: summary.failed,
        flags: summary.flags_by_rule.iter().map(|(_, n)| n).sum(),
        jobs: opts.jobs,
        seconds: summary.seconds,
    }
}

/// What [`fill`] hands back: the writer, the summary, the `runs` rows to write (pending ones
/// first) and, when every file has a modification time, the stamps for the manifest.
type Filled = (Writer, RunSummary, Vec<RunRow>, Option<Vec<FileStamp>>);

#[allow(clippy::too_many_arguments)]
fn fill(
    opts: &RunOptions,
    pool: &rayon::ThreadPool,
    tmp: &Path,
    files: &[PathBuf],
    skipped: &[String],
    started_us: i64,
    t0: Instant,
) -> Result<Filled> {
    let quiet = opts.quiet;
    // Start from a copy of the previous database; it also tells what is already processed.
    let (mut copy, previous) = if opts.db.exists() {
        let w = Writer::open_copy(&opts.db, tmp)?;
        let state = w.state()?;
        (Some(w), state)
    } else {
        (None, None)
    };
    let last_run_id = previous.as_ref().map_or(0, |p| p.last_run_id);
    let mut known: HashMap<&str, (u64, i64, &str)> = HashMap::new();
    if let (Some(p), false) = (&previous, opts.force) {
        for d in p
            .documents
            .iter()
            .filter(|d| !d.id.starts_with("unreadable:"))
        {
            if let Some(t) = d.mtime_ns {
                known.insert(d.path.as_str(), (d.bytes, t, d.id.as_str()));
            }
        }
    }
    let found: Vec<Found> =
        pool.install(|| files.par_iter().map(|f| hash_file(f, &known)).collect());
    let found = &found[..];
    // Ids whose rows the previous database holds for this extractor version.
    let mut reusable: HashMap<&str, &DocumentRow> = HashMap::new();
    if let (Some(p), false) = (&previous, opts.force) {
        for d in &p.documents {
            if d.extractor_version == EXTRACTOR_VERSION && d.duplicate_of.is_none() {
                reusable.entry(d.id.as_str()).or_insert(d);
            }
        }
    }

    // Decide per file: reuse, analyse, or a duplicate of an earlier file in this run.
    let mut reuse_ids: Vec<String> = Vec::new();
    let mut first_path: HashMap<&str, &str> = HashMap::new();
    let mut to_analyze: Vec<(usize, &Found)> = Vec::new();
    let mut docs: Vec<DocumentRow> = Vec::new();
    let mut unchanged = 0usize;
    for f in found {
        let Ok(id) = &f.id else { continue };
        if first_path.contains_key(id.as_str()) {
            continue;
        }
        first_path.insert(id, &f.path_text);
        if let Some(old) = reusable.get(id.as_str()) {
            reuse_ids.push(id.clone());
            unchanged += 1;
            docs.push(DocumentRow {
                path: f.path_text.clone(),
                ..(*old).clone()
            });
        } else {
            to_analyze.push((to_analyze.len(), f));
        }
    }
    let current: std::collections::HashSet<&str> =
        found.iter().map(|f| f.path_text.as_str()).collect();
    let removed = previous.as_ref().map_or(0, |p| {
        p.documents
            .iter()
            .filter(|d| {
                !current.contains(d.path.as_str())
                    && opts
                        .shard
                        .is_none_or(|s| s.contains(&opts.dir, Path::new(&d.path)))
            })
            .count()
    });
    // The set of documents is the same as last time: the cross-document flags are too.
    let same_corpus = previous.is_some()
        && to_analyze.is_empty()
        && removed == 0
        && reuse_ids.len() == reusable.len();
    // When every document of the previous database stays, start from a copy of it and only
    // append (the usual nightly case, and the fast one); otherwise build afresh and copy the
    // rows that stay, so the file never keeps the dead rows of deleted documents.
    let kept: std::collections::HashSet<&str> = reuse_ids.iter().map(String::as_str).collect();
    let patchable = previous.as_ref().is_some_and(|p| {
        p.documents
            .iter()
            .all(|d| d.id.starts_with("unreadable:") || kept.contains(d.id.as_str()))
    });
    // A copy that cannot be patched is closed here, before its file is replaced.
    let patch = copy.take().filter(|_| patchable);
    let mut writer = match patch {
        Some(mut w) => {
            w.prepare_patch(same_corpus)?;
            w
        }
        None => {
            let mut w = Writer::create(tmp)?;
            if previous.is_some() {
                w.attach_previous(&opts.db)?;
                w.copy_from_previous(&reuse_ids, same_corpus)?;
                w.detach_previous()?;
            }
            w
        }
    };

    let mut progress = Progress::new(to_analyze.len(), quiet);
    for s in skipped {
        progress.log(&format!("warning: {s}"));
    }
    if unchanged > 0 || removed > 0 {
        progress.log(&format!(
            "{} files: {unchanged} unchanged, {} to analyse, {removed} removed since the last run",
            found.len(),
            to_analyze.len()
        ));
    }

    // Analyse in parallel; write in path order as results arrive.
    let mut summary = RunSummary {
        files: found.len(),
        unchanged,
        removed,
        ..Default::default()
    };
    let (tx, rx) = mpsc::sync_channel::<(usize, Done)>(opts.jobs.max(1) * 2);
    let timeout = opts.timeout;
    let jobs: Vec<(usize, PathBuf, String)> = to_analyze
        .iter()
        .map(|(i, f)| (*i, f.path.clone(), f.id.clone().unwrap_or_default()))
        .collect();
    let mut analysed: Vec<DocumentRow> = Vec::with_capacity(jobs.len());
    // Nothing to analyse (an unchanged folder): no threads to start.
    let nothing = jobs.is_empty();
    std::thread::scope(|scope| -> Result<()> {
        if nothing {
            return Ok(());
        }
        scope.spawn(|| {
            pool.install(|| {
                jobs.par_iter().for_each_with(tx, |tx, (i, path, id)| {
                    let t = Instant::now();
                    let a = analyze_guarded(path, id, timeout);
                    // Only the rows travel on: pages and tokens are dropped here, on the worker.
                    let done = Done {
                        rows: document_rows(&a),
                        is_review_sheet: a.review_sheet.is_some(),
                        document: a.document,
                        took: t.elapsed(),
                    };
                    let _ = tx.send((*i, done));
                });
            });
        });
        // Written as they complete: holding finished files back for path order would buffer
        // every file behind a slow one. `documents` is sorted by path at the end.
        for (_, done) in rx.iter() {
            let d = &done.document;
            progress.file_done(&d.path, d.pages, d.error.as_deref(), done.took);
            summary.processed += 1;
            summary.pages += u64::from(d.pages);
            if d.status != "ok" {
                summary.failed_now += 1;
                summary
                    .errors
                    .push((d.path.clone(), d.error.clone().unwrap_or_default()));
            }
            analysed.push(DocumentRow {
                id: d.id.clone(),
                path: d.path.clone(),
                bytes: d.bytes,
                pages: d.pages,
                producer: d.producer.clone(),
                status: d.status.clone(),
                error: d.error.clone(),
                extractor_version: EXTRACTOR_VERSION.to_string(),
                processed_at_us: now_us(),
                duplicate_of: None,
                is_review_sheet: done.is_review_sheet,
                mtime_ns: None,
            });
            writer.add_rows(done.rows)?;
        }
        Ok(())
    })?;
    progress.finish();
    docs.extend(analysed);

    // documents: one row per file, in path order; copies point at the first path.
    let by_id: HashMap<String, DocumentRow> =
        docs.iter().map(|d| (d.id.clone(), d.clone())).collect();
    let mut rows_out: Vec<DocumentRow> = Vec::with_capacity(found.len());
    for f in found {
        let row = match &f.id {
            Err(e) => DocumentRow {
                id: format!(
                    "unreadable:{}",
                    &blake3::hash(f.path_text.as_bytes()).to_hex()[..16]
                ),
                path: f.path_text.clone(),
                bytes: f.bytes,
                pages: 0,
                producer: None,
                status: "error".into(),
                error: Some(e.clone()),
                extractor_version: EXTRACTOR_VERSION.to_string(),
                processed_at_us: now_us(),
                duplicate_of: None,
                is_review_sheet: false,
                mtime_ns: f.mtime_ns,
            },
            Ok(id) => {
                let first = first_path.get(id.as_str()).copied().unwrap_or("");
                match by_id.get(id) {
                    Some(d) => DocumentRow {
                        path: f.path_text.clone(),
                        duplicate_of: (first != f.path_text).then(|| first.to_string()),
                        mtime_ns: f.mtime_ns,
                        ..d.clone()
                    },
                    // The file changed between hashing and analysis: its rows carry the new
                    // id, found under the first path.
                    None => continue,
                }
            }
        };
        if row.status != "ok" && f.id.is_err() {
            summary.failed_now += 1;
            summary
                .errors
                .push((row.path.clone(), row.error.clone().unwrap_or_default()));
        }
        rows_out.push(row);
    }
    // Files whose content changed mid-run: keep the row under the analysed id.
    let listed: std::collections::HashSet<String> =
        rows_out.iter().map(|r| r.path.clone()).collect();
    for d in docs.iter().filter(|d| !listed.contains(&d.path)) {
        rows_out.push(d.clone());
    }
    rows_out.sort_by(|a, b| a.path.cmp(&b.path));
    summary.failed = rows_out.iter().filter(|d| d.status != "ok").count();
    for d in &rows_out {
        writer.add_document(d);
    }
    writer.flush()?;

    // Cross-document rules over all documents, new and copied (unless copied above).
    if !same_corpus {
        corpus_flags(&mut writer)?;
    }
    summary.flags_by_rule = writer.flags_by_rule()?;
    summary.seconds = t0.elapsed().as_secs_f64();
    // Runs that found nothing to do since the database was last written, and not yet in it
    // (none when there is no previous database: they belonged to a file since deleted).
    let mut runs: Vec<RunRow> = manifest::pending_runs(&opts.db)
        .into_iter()
        .filter(|r| previous.is_some() && r.run_id > last_run_id)
        .collect();
    let run_id = runs.last().map_or(last_run_id, |r| r.run_id) + 1;
    runs.push(run_row(opts, run_id, started_us, &summary));
    let stamps: Option<Vec<FileStamp>> = rows_out
        .iter()
        .map(|d| {
            Some(FileStamp {
                path: d.path.clone(),
                bytes: d.bytes,
                mtime_ns: d.mtime_ns?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .filter(|_| rows_out.iter().all(|d| !d.id.starts_with("unreadable:")));
    Ok((writer, summary, runs, stamps))
}
