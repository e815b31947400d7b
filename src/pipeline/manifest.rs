//! What the last run left, beside the database, so a run over an unchanged folder can tell
//! without starting DuckDB (≈ 40 ms of fixed cost) that there is nothing to do.
//!
//! `<db>.manifest.json` lists every file of the database with the size and modification time
//! it had when processed, and names the database file it describes by size, modification time
//! and inode: any other writer, a restore or a half-finished run makes it stale, and a stale or
//! missing manifest only means the normal path. Runs that change nothing leave the database
//! untouched (readers and replicas see no new file) and record themselves in
//! `<db>.runs-pending.jsonl`; the next run that writes the database moves them into `runs`.

use super::run::RunSummary;
use super::EXTRACTOR_VERSION;
use crate::store::schema::SCHEMA_VERSION;
use crate::store::swap::sibling;
use crate::store::RunRow;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One file as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Path as stored in `documents`.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Modification time, ns since the epoch.
    pub mtime_ns: i64,
}

/// The state a finished run left.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The database file described: size, mtime (ns), inode.
    pub db: (u64, i64, u64),
    /// Extractor version of every document.
    pub extractor_version: String,
    /// Schema version of the database.
    pub schema_version: u32,
    /// Highest run id recorded (in `runs` or pending).
    pub last_run_id: i32,
    /// Every file of `documents`, in path order.
    pub files: Vec<FileStamp>,
    /// Documents with status error.
    pub failed: usize,
    /// Flags by rule.
    pub flags_by_rule: Vec<(String, usize)>,
}

fn manifest_path(db: &Path) -> PathBuf {
    sibling(db, ".manifest.json")
}

fn pending_path(db: &Path) -> PathBuf {
    sibling(db, ".runs-pending.jsonl")
}

/// Size, mtime and inode of the database file.
fn identity(db: &Path) -> Option<(u64, i64, u64)> {
    let m = std::fs::metadata(db).ok()?;
    Some((m.len(), m.mtime() * 1_000_000_000 + m.mtime_nsec(), m.ino()))
}

impl Manifest {
    /// The manifest of a run that wrote `files` as run `last_run_id`, by this extractor and
    /// schema version; [`Manifest::save`] names the database file.
    pub fn new(files: Vec<FileStamp>, last_run_id: i32, summary: &RunSummary) -> Manifest {
        Manifest {
            db: (0, 0, 0),
            extractor_version: EXTRACTOR_VERSION.to_string(),
            schema_version: SCHEMA_VERSION,
            last_run_id,
            files,
            failed: summary.failed,
            flags_by_rule: summary.flags_by_rule.clone(),
        }
    }

    /// The manifest of `db`, when there is one, it still describes that file and it was
    /// written by this extractor and schema version.
    pub fn load(db: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(manifest_path(db)).ok()?;
        let m: Manifest = serde_json::from_str(&text).ok()?;
        (Some(m.db) == identity(db)
            && m.extractor_version == EXTRACTOR_VERSION
            && m.schema_version == SCHEMA_VERSION)
            .then_some(m)
    }

    /// Record the state of the database just committed at `db` (write, then rename).
    ///
    /// # Errors
    /// When the file cannot be written; the next run then takes the normal path.
    pub fn save(mut self, db: &Path) -> std::io::Result<()> {
        self.db = identity(db).ok_or_else(|| std::io::Error::other("database vanished"))?;
        let path = manifest_path(db);
        let tmp = sibling(&path, ".tmp");
        std::fs::write(&tmp, serde_json::to_vec(&self)?)?;
        std::fs::rename(&tmp, &path)
    }

    /// Forget the manifest (before the database is replaced).
    pub fn remove(db: &Path) {
        let _ = std::fs::remove_file(manifest_path(db));
    }
}

/// Runs recorded since the database was last written.
pub fn pending_runs(db: &Path) -> Vec<RunRow> {
    let Ok(text) = std::fs::read_to_string(pending_path(db)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Record a run that did not write the database (append one line, fsync).
///
/// # Errors
/// When the file cannot be written.
pub fn add_pending_run(db: &Path, run: &RunRow) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(pending_path(db))?;
    let mut line = serde_json::to_vec(run)?;
    line.push(b'\n');
    f.write_all(&line)?;
    f.sync_data()
}

/// Drop the pending runs once the database holds them.
pub fn clear_pending_runs(db: &Path) {
    let _ = std::fs::remove_file(pending_path(db));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_describes_only_the_file_it_was_written_for() {
        let dir = std::env::temp_dir().join(format!("seisaku-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("m.duckdb");
        std::fs::write(&db, b"one").unwrap();
        let files = vec![FileStamp {
            path: "a.pdf".into(),
            bytes: 10,
            mtime_ns: 7,
        }];
        let m = Manifest::new(files, 4, &RunSummary::default());
        m.clone().save(&db).unwrap();
        let back = Manifest::load(&db).expect("fresh manifest");
        assert_eq!(back.last_run_id, 4);
        assert_eq!(back.files[0].path, "a.pdf");
        // Written by another extractor version: not trusted.
        Manifest {
            extractor_version: "other".into(),
            ..m
        }
        .save(&db)
        .unwrap();
        assert!(Manifest::load(&db).is_none());
        Manifest::new(back.files.clone(), 4, &RunSummary::default())
            .save(&db)
            .unwrap();
        // Another database file in its place (a new inode, as a rename gives): stale.
        std::fs::write(dir.join("new"), b"two!").unwrap();
        std::fs::rename(dir.join("new"), &db).unwrap();
        assert!(Manifest::load(&db).is_none());

        let run = RunRow {
            run_id: 5,
            ..Default::default()
        };
        add_pending_run(&db, &run).unwrap();
        add_pending_run(&db, &RunRow { run_id: 6, ..run }).unwrap();
        let ids: Vec<i32> = pending_runs(&db).iter().map(|r| r.run_id).collect();
        assert_eq!(ids, [5, 6]);
        clear_pending_runs(&db);
        assert!(pending_runs(&db).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
