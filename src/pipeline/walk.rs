//! Finding the PDFs of a folder, and splitting them into shards.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Every `*.pdf` (any letter case) under `dir`, recursively, sorted by path. Directory symlinks
/// are not followed (they could loop); unreadable subdirectories are reported in `skipped`.
///
/// # Errors
/// When `dir` itself cannot be read.
pub fn pdf_files(dir: &Path) -> Result<(Vec<PathBuf>, Vec<String>)> {
    let meta =
        std::fs::metadata(dir).with_context(|| format!("cannot read folder {}", dir.display()))?;
    if !meta.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) => {
                skipped.push(format!("cannot read folder {}: {e}", d.display()));
                continue;
            }
        };
        for entry in rd.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                stack.push(path);
            } else if is_pdf_name(&path) && (ft.is_file() || path.is_file()) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok((files, skipped))
}

/// Whether the file name ends in `.pdf`, in any letter case.
pub fn is_pdf_name(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("pdf"))
}

/// A shard `k/n` (1-based k).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 1..=n.
    pub k: u32,
    /// Number of shards.
    pub n: u32,
}

impl std::str::FromStr for Shard {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Shard> {
        let (k, n) = s
            .split_once('/')
            .with_context(|| format!("shard {s:?} is not of the form k/n, e.g. 2/8"))?;
        let k: u32 = k
            .trim()
            .parse()
            .with_context(|| format!("shard {s:?}: {k:?} is not a number"))?;
        let n: u32 = n
            .trim()
            .parse()
            .with_context(|| format!("shard {s:?}: {n:?} is not a number"))?;
        if n == 0 || k == 0 || k > n {
            bail!("shard {s:?}: need 1 <= k <= n");
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether a file belongs to this shard. Decided by a hash of its path relative to the
    /// scanned folder, so a file stays in its shard when others are added or removed.
    pub fn contains(&self, root: &Path, file: &Path) -> bool {
        let rel = file.strip_prefix(root).unwrap_or(file);
        let h = blake3::hash(rel.to_string_lossy().as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h.as_bytes()[..8]);
        u64::from_le_bytes(first) % u64::from(self.n) == u64::from(self.k - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_recursively_sorted_case_insensitive() {
        let dir = std::env::temp_dir().join(format!("seisaku-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b/c")).unwrap();
        for f in ["b/c/z.PDF", "a.pdf", "b/x.Pdf", "note.txt", "b/pdf"] {
            std::fs::write(dir.join(f), b"").unwrap();
        }
        let (files, skipped) = pdf_files(&dir).unwrap();
        let rel: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(rel, ["a.pdf", "b/c/z.PDF", "b/x.Pdf"]);
        assert!(skipped.is_empty());
        assert!(pdf_files(&dir.join("a.pdf")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn shards_partition_the_files() {
        let s: Shard = "2/3".parse().unwrap();
        assert_eq!(s, Shard { k: 2, n: 3 });
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let root = Path::new("/r");
        for i in 0..50 {
            let f = root.join(format!("{i}.pdf"));
            let hits = (1..=3)
                .filter(|k| Shard { k: *k, n: 3 }.contains(root, &f))
                .count();
            assert_eq!(hits, 1);
        }
    }
}
