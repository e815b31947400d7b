//! Atomic replacement of the database file, and the single-writer lock.
//!
//! A run builds the new database in `<db>.tmp-<pid>` next to the target and renames it over the
//! target only at the very end, after fsync: a kill at any moment leaves the previous file as it
//! was, and readers that opened it keep reading it (the rename does not touch their inode).
//! Writers serialise on `<db>.lock` with `flock`, which the kernel releases when the process
//! dies, so a crash never leaves a lock that blocks the next night.

use anyhow::{bail, Context, Result};
use std::fs::{File, OpenOptions};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// An exclusive hold on `<db>.lock`, released on drop (or process death).
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    path: PathBuf,
}

impl WriterLock {
    /// Take the writer lock of `db`, failing at once when another process holds it.
    ///
    /// # Errors
    /// When another `seisaku run` writes the same database, or the lock file cannot be created.
    pub fn acquire(db: &Path) -> Result<WriterLock> {
        let path = sibling(db, ".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot create lock file {}", path.display()))?;
        // SAFETY: flock on a file descriptor we own; no memory is shared with the kernel.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                bail!(
                    "another seisaku run is writing {} (lock {}{}); wait for it to finish",
                    db.display(),
                    path.display(),
                    if holder.is_empty() {
                        String::new()
                    } else {
                        format!(", held by pid {holder}")
                    }
                );
            }
            bail!("cannot lock {}: {err}", path.display());
        }
        // The pid is informational only: the flock is what excludes.
        let _ = file.set_len(0);
        let _ = std::io::Write::write_all(&mut &file, std::process::id().to_string().as_bytes());
        Ok(WriterLock { file, path })
    }

    /// Path of the lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        // SAFETY: unlocking our own descriptor.
        unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// `<db><suffix>` in the same directory (so the final rename stays on one file system).
pub fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// The temporary database of this process: `<db>.tmp-<pid>`.
pub fn temp_path(db: &Path) -> PathBuf {
    sibling(db, &format!(".tmp-{}", std::process::id()))
}

/// Remove temporary files left by killed runs (`<db>.tmp-*` and their `.wal`). Call only while
/// holding the [`WriterLock`]: then no live run owns them.
pub fn remove_stale_temps(db: &Path) {
    let Some(name) = db.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let dir = match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!("{name}.tmp-");
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Remove an unfinished temporary database and its write-ahead log (a failed run or merge).
pub fn discard(tmp: &Path) {
    let _ = std::fs::remove_file(tmp);
    let _ = std::fs::remove_file(sibling(tmp, ".wal"));
}

/// Make the finished temporary database the database: fsync it, rename it over `db`, fsync the
/// directory. The connection to `tmp` must be closed (checkpointed) before.
///
/// # Errors
/// When the file cannot be synced or renamed; `db` is then unchanged.
pub fn commit(tmp: &Path, db: &Path) -> Result<()> {
    let wal = sibling(tmp, ".wal");
    if wal.exists() {
        bail!(
            "internal error: {} still has a write-ahead log after checkpoint",
            tmp.display()
        );
    }
    File::open(tmp)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", tmp.display()))?;
    // A stale WAL beside the target would be replayed onto the new file by the next opener.
    let _ = std::fs::remove_file(sibling(db, ".wal"));
    std::fs::rename(tmp, db)
        .with_context(|| format!("cannot rename {} to {}", tmp.display(), db.display()))?;
    if let Some(dir) = db.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_and_released_on_drop() {
        let dir = std::env::temp_dir().join(format!("seisaku-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("x.duckdb");
        let a = WriterLock::acquire(&db).unwrap();
        // flock locks belong to the open file description: a second open conflicts even
        // within one process.
        let err = WriterLock::acquire(&db).unwrap_err().to_string();
        assert!(err.contains("another seisaku run"), "{err}");
        drop(a);
        let _b = WriterLock::acquire(&db).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn stale_temps_are_removed() {
        let dir = std::env::temp_dir().join(format!("seisaku-tmp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("y.duckdb");
        std::fs::write(sibling(&db, ".tmp-1"), b"x").unwrap();
        std::fs::write(sibling(&db, ".tmp-1.wal"), b"x").unwrap();
        std::fs::write(&db, b"keep").unwrap();
        remove_stale_temps(&db);
        assert!(!sibling(&db, ".tmp-1").exists());
        assert!(!sibling(&db, ".tmp-1.wal").exists());
        assert!(db.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
