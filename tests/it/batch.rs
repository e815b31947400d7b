//! Integration tests: `seisaku run` as a nightly batch — incremental, atomic, locked, robust.
#![allow(dead_code)]

use crate::common::{bin, fixture};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A scratch folder removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new empty folder under the system temp dir.
    pub fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!(
            "seisaku-it-{name}-{}-{:?}",
            std::process::id(),
            Instant::now()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
    /// A path inside.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The good fixture PDFs.
pub fn good_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixture("bad/good"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

/// Copy the good fixtures into `dir`.
pub fn copy_good(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for f in good_files() {
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
}

/// Run the binary.
pub fn seisaku(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

/// `seisaku run DIR --db DB --quiet` plus extra arguments.
pub fn run(dir: &Path, db: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        dir.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    seisaku(&args)
}

/// Rows of a query, as JSON objects.
pub fn sql(db: &Path, q: &str) -> Vec<serde_json::Value> {
    let out = seisaku(&["sql", "--db", db.to_str().unwrap(), "--json", q]);
    assert!(
        out.status.success(),
        "sql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Everything a run stores about documents, minus nothing: used to compare two databases.
fn snapshot(db: &Path) -> Vec<Vec<serde_json::Value>> {
    [
        "SELECT * FROM documents ORDER BY path",
        "SELECT * FROM pages ORDER BY document, page",
        "SELECT * FROM lines ORDER BY document, page, line_no",
        "SELECT * FROM tokens ORDER BY document, page, line, position",
        "SELECT * FROM facts ORDER BY document, fact_no",
        "SELECT * FROM flags ORDER BY flag_id",
        "SELECT * FROM review_sheets ORDER BY document",
        "SELECT * FROM budgets ORDER BY ALL",
    ]
    .iter()
    .map(|q| sql(db, q))
    .collect()
}

#[test]
fn unchanged_rerun_reprocesses_nothing_and_keeps_the_rows() {
    let s = Scratch::new("rerun");
    let dir = s.join("in");
    copy_good(&dir);
    let db = s.join("out/x.duckdb");
    let first = run(&dir, &db, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let before = snapshot(&db);
    assert_eq!(before[0].len(), good_files().len());
    assert!(before[0].iter().all(|d| d["status"] == "ok"));
    let db_bytes = std::fs::read(&db).unwrap();

    let second = run(&dir, &db, &[]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    let out = String::from_utf8_lossy(&second.stdout);
    assert!(out.contains("0 processed"), "{out}");
    assert!(
        out.contains(&format!("{} unchanged", good_files().len())),
        "{out}"
    );
    assert_eq!(snapshot(&db), before);

    // Nothing changed: the database file is not rewritten; the run is recorded beside it and
    // moved into `runs` by the next run that writes the database.
    assert_eq!(std::fs::read(&db).unwrap(), db_bytes, "database rewritten");
    assert!(out.contains("nothing changed"), "{out}");
    let pending = std::fs::read_to_string(s.join("out/x.duckdb.runs-pending.jsonl")).unwrap();
    assert_eq!(pending.lines().count(), 1, "{pending}");
    // no temporary files left behind
    let left: Vec<_> = std::fs::read_dir(s.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // --force reprocesses everything
    let forced = run(&dir, &db, &["--force"]);
    let out = String::from_utf8_lossy(&forced.stdout);
    assert!(
        out.contains(&format!("{} processed", good_files().len())),
        "{out}"
    );
    let runs = sql(
        &db,
        "SELECT run_id, processed, unchanged FROM runs ORDER BY run_id",
    );
    let ids: Vec<_> = runs.iter().map(|r| r["run_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3], "the pending run was moved into runs");
    assert_eq!(runs[1]["processed"], 0);
    assert!(!s.join("out/x.duckdb.runs-pending.jsonl").exists());
}

/// A file touched without changing its content (a re-download, a `cp -p` gone wrong) is
/// hashed again, found unchanged, and its new modification time recorded, so the following
/// run skips it by size and time again.
#[test]
fn touched_files_stay_unchanged_and_their_new_time_is_recorded() {
    let s = Scratch::new("touch");
    let dir = s.join("in");
    copy_good(&dir);
    let db = s.join("x.duckdb");
    assert_eq!(run(&dir, &db, &[]).status.code(), Some(0));
    let name = good_files()[0].file_name().unwrap().to_owned();
    let path = dir.join(&name);
    let mtime = |db: &Path| {
        let q = format!(
            "SELECT mtime_ns FROM documents WHERE path = '{}'",
            path.to_str().unwrap()
        );
        sql(db, &q)[0]["mtime_ns"].clone()
    };
    let before = mtime(&db);
    let later = std::time::SystemTime::now() + Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(later)
        .unwrap();

    let out = run(&dir, &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 processed"), "{stdout}");
    let after = mtime(&db);
    assert_ne!(after, before, "the new modification time is recorded");
    let expected = later
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    assert_eq!(after.as_u64().map(u128::from), Some(expected));
}

#[test]
fn changed_added_and_removed_files_are_handled() {
    let s = Scratch::new("changes");
    let dir = s.join("in");
    copy_good(&dir);
    let db = s.join("x.duckdb");
    assert_eq!(run(&dir, &db, &[]).status.code(), Some(0));
    let goods = good_files();
    let a = dir.join(goods[0].file_name().unwrap());
    let b = dir.join(goods[1].file_name().unwrap());
    let old_a: Vec<_> = sql(
        &db,
        &format!("SELECT id FROM documents WHERE path = '{}'", a.display()),
    );
    // change a (same content plus a trailing comment is a new id), remove b, add a copy in a
    // subfolder (same content as b: its rows are reused, not reanalysed)
    let mut bytes = std::fs::read(&a).unwrap();
    bytes.extend_from_slice(b"\n% changed\n");
    std::fs::write(&a, bytes).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::rename(&b, dir.join("sub/moved.PDF")).unwrap();

    let out = run(&dir, &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let o = String::from_utf8_lossy(&out.stdout);
    assert!(o.contains("1 processed"), "{o}");
    assert!(o.contains("1 unchanged"), "{o}");
    assert!(o.contains("1 removed"), "{o}");
    let docs = sql(&db, "SELECT path, id, status FROM documents ORDER BY path");
    let paths: Vec<&str> = docs.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 2);
    assert!(
        paths.iter().any(|p| p.ends_with("sub/moved.PDF")),
        "{paths:?}"
    );
    assert!(!paths.contains(&b.to_str().unwrap()));
    let new_a = docs
        .iter()
        .find(|d| d["path"] == a.to_str().unwrap())
        .unwrap();
    assert_ne!(new_a["id"], old_a[0]["id"]);
    // no orphan rows: every page row belongs to a current document
    let orphans = sql(
        &db,
        "SELECT count(*) AS n FROM pages WHERE document NOT IN (SELECT id FROM documents)",
    );
    assert_eq!(orphans[0]["n"], 0);
}

#[test]
fn duplicate_files_are_stored_once_and_listed_twice() {
    let s = Scratch::new("dup");
    let dir = s.join("in");
    copy_good(&dir);
    let g = &good_files()[0];
    std::fs::copy(g, dir.join("copy.pdf")).unwrap();
    let db = s.join("x.duckdb");
    assert_eq!(run(&dir, &db, &[]).status.code(), Some(0));
    let docs = sql(
        &db,
        "SELECT path, duplicate_of FROM documents ORDER BY path",
    );
    assert_eq!(docs.len(), good_files().len() + 1);
    assert_eq!(
        docs.iter().filter(|d| !d["duplicate_of"].is_null()).count(),
        1
    );
    let pages = sql(
        &db,
        "SELECT count(*) AS n FROM pages p JOIN documents d ON d.id = p.document \
         WHERE d.duplicate_of IS NULL",
    );
    let all = sql(&db, "SELECT count(*) AS n FROM pages");
    assert_eq!(pages[0]["n"], all[0]["n"]);
}

#[test]
fn same_rows_with_one_or_two_jobs() {
    let s = Scratch::new("jobs");
    let dir = s.join("in");
    copy_good(&dir);
    for (i, g) in good_files().iter().enumerate() {
        let mut b = std::fs::read(g).unwrap();
        b.extend_from_slice(format!("\n% variant {i}\n").as_bytes());
        std::fs::write(dir.join(format!("v{i}.pdf")), b).unwrap();
    }
    let db1 = s.join("one.duckdb");
    let db2 = s.join("two.duckdb");
    assert_eq!(run(&dir, &db1, &["--jobs", "1"]).status.code(), Some(0));
    assert_eq!(run(&dir, &db2, &["--jobs", "2"]).status.code(), Some(0));
    let strip = |mut v: Vec<Vec<serde_json::Value>>| {
        for d in &mut v[0] {
            d.as_object_mut().unwrap().remove("processed_at");
        }
        v
    };
    assert_eq!(strip(snapshot(&db1)), strip(snapshot(&db2)));
}

#[test]
fn a_second_writer_is_refused() {
    let s = Scratch::new("lock");
    let dir = s.join("in");
    copy_good(&dir);
    let db = s.join("x.duckdb");
    let held = seisaku::store::swap::WriterLock::acquire(&db).unwrap();
    let out = run(&dir, &db, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another seisaku run is writing"), "{err}");
    assert!(!db.exists());
    drop(held);
    assert_eq!(run(&dir, &db, &[]).status.code(), Some(0));
}

#[test]
fn sigkill_midway_leaves_the_previous_database_intact() {
    let s = Scratch::new("kill");
    let dir = s.join("in");
    copy_good(&dir);
    let db = s.join("x.duckdb");
    assert_eq!(run(&dir, &db, &[]).status.code(), Some(0));
    let before = snapshot(&db);
    let db_bytes = std::fs::read(&db).unwrap();

    // Many new files, so the second run is still writing when it is killed.
    for i in 0..60 {
        for (j, g) in good_files().iter().enumerate() {
            let mut b = std::fs::read(g).unwrap();
            b.extend_from_slice(format!("\n% copy {i} {j}\n").as_bytes());
            std::fs::write(dir.join(format!("c{i:02}-{j}.pdf")), b).unwrap();
        }
    }
    let mut child = Command::new(bin())
        .args([
            "run",
            dir.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "--quiet",
        ])
        .args(["--jobs", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tmp = s.join(&format!("x.duckdb.tmp-{}", child.id()));
    // Kill once the new database is being written (or after a moment, whichever comes first).
    let t = Instant::now();
    while !tmp.exists() && t.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(100));
    let was_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(was_running, "the run ended before it could be killed");

    assert_eq!(
        std::fs::read(&db).unwrap(),
        db_bytes,
        "database file changed"
    );
    assert_eq!(snapshot(&db), before);
    // The next run cleans up the leftover and succeeds.
    let out = run(&dir, &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!tmp.exists());
    let n = sql(&db, "SELECT count(*) AS n FROM documents");
    assert_eq!(n[0]["n"], good_files().len() * 61);
}

/// Bad files and what their error message must mention (lowercase).
const BAD: &[(&str, &[&str])] = &[
    ("truncated.pdf", &["truncated"]),
    ("corrupted.pdf", &[]),
    ("random.pdf", &["not a pdf"]),
    ("empty.pdf", &["empty"]),
    ("not_a_pdf.pdf", &["not a pdf"]),
    ("encrypted.pdf", &["encrypt"]),
    ("bomb.pdf", &["decompress"]),
    ("cyclic.pdf", &[]),
    ("deep.pdf", &[]),
];

#[test]
fn every_bad_input_becomes_an_error_row_and_the_batch_goes_on() {
    let s = Scratch::new("bad");
    let dir = s.join("in");
    copy_good(&dir);
    for (name, _) in BAD {
        std::fs::copy(fixture(&format!("bad/{name}")), dir.join(name)).unwrap();
    }
    let db = s.join("bad.duckdb");
    let t = Instant::now();
    let out = run(&dir, &db, &["--timeout", "20", "--jobs", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        t.elapsed() < Duration::from_secs(90),
        "took {:?}",
        t.elapsed()
    );
    let docs = sql(
        &db,
        "SELECT path, status, error FROM documents ORDER BY path",
    );
    assert_eq!(docs.len(), good_files().len() + BAD.len(), "{docs:?}");
    let mut problems = Vec::new();
    for d in &docs {
        let path = d["path"].as_str().unwrap();
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        match BAD.iter().find(|(n, _)| *n == name) {
            None => {
                if d["status"] != "ok" {
                    problems.push(format!("good file {name}: {d}"));
                }
            }
            Some((_, words)) => {
                let err = d["error"].as_str().unwrap_or("").to_lowercase();
                if d["status"] != "error" || err.is_empty() {
                    problems.push(format!("{name}: expected an error row, got {d}"));
                }
                for w in *words {
                    if !err.contains(w) {
                        problems.push(format!("{name}: error {err:?} does not mention {w:?}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
