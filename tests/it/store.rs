//! Integration tests: the database commands (sql, flags, export, search) on a small run.

use crate::batch::{copy_good, good_files, run, seisaku, sql, Scratch};
use std::path::Path;

fn built(s: &Scratch) -> std::path::PathBuf {
    let dir = s.join("in");
    copy_good(&dir);
    let db = s.join("x.duckdb");
    let out = run(&dir, &db, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn stdout(args: &[&str]) -> String {
    let out = seisaku(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn documents_pages_and_lines_are_stored_with_positions() {
    let s = Scratch::new("tables");
    let db = built(&s);
    let docs = sql(&db, "SELECT * FROM documents ORDER BY path");
    assert_eq!(docs.len(), good_files().len());
    for d in &docs {
        assert_eq!(d["id"].as_str().unwrap().len(), 64);
        assert!(d["pages"].as_i64().unwrap() >= 1);
        assert!(d["bytes"].as_i64().unwrap() > 0);
        assert!(d["processed_at"].as_str().is_some());
    }
    let pages = sql(&db, "SELECT count(*) AS n, min(width) AS w FROM pages");
    assert!(pages[0]["n"].as_i64().unwrap() >= docs.len() as i64);
    assert!(pages[0]["w"].as_f64().unwrap() > 100.0);
    // every line lies on its page
    let bad = sql(
        &db,
        "SELECT count(*) AS n FROM lines l JOIN pages p USING (document, page) \
         WHERE l.x0 < -1 OR l.y0 < -1 OR l.x1 > p.width + 1 OR l.y1 > p.height + 1",
    );
    assert_eq!(bad[0]["n"], 0);
    let meta = sql(&db, "SELECT value FROM meta WHERE key = 'schema_version'");
    assert_eq!(meta.len(), 1);
}

#[test]
fn sql_prints_table_csv_and_json() {
    let s = Scratch::new("sql");
    let db = built(&s);
    let db = db.to_str().unwrap();
    let q = "SELECT status, count(*) AS n FROM documents GROUP BY status";
    let pretty = stdout(&["sql", "--db", db, q]);
    assert!(pretty.contains("│ status │"), "{pretty}");
    assert!(pretty.ends_with("1 row\n"), "{pretty}");
    let csv = stdout(&["sql", "--db", db, "--csv", q]);
    assert_eq!(csv, format!("status,n\nok,{}\n", good_files().len()));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["sql", "--db", db, "--json", q])).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"status": "ok", "n": good_files().len()}])
    );
    // a bad query is a usage error with DuckDB's message
    let out = seisaku(&["sql", "--db", db, "SELECT nope FROM documents"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
    // the database is opened read-only
    let out = seisaku(&["sql", "--db", db, "DELETE FROM documents"]);
    assert_eq!(out.status.code(), Some(2));
    // a missing database is named
    let out = seisaku(&["sql", "--db", "/nonexistent/x.duckdb", q]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.duckdb"));
}

#[test]
fn flags_json_is_a_list_with_paths() {
    let s = Scratch::new("flags");
    let db = built(&s);
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["flags", "--db", db.to_str().unwrap(), "--json"])).unwrap();
    let list = json.as_array().unwrap();
    for f in list {
        for k in ["rule", "document", "page", "message", "evidence"] {
            assert!(f.get(k).is_some(), "{k} missing in {f}");
        }
        assert!(f["document"].as_str().unwrap().ends_with(".pdf"), "{f}");
    }
    let grouped = stdout(&[
        "flags",
        "--db",
        db.to_str().unwrap(),
        "--rule",
        "no.such.rule",
    ]);
    assert!(grouped.contains("no flags"), "{grouped}");
}

fn files_under(p: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![p.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap().path();
            if e.is_dir() {
                stack.push(e);
            } else {
                out.push(e.strip_prefix(p).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn export_writes_every_table() {
    let s = Scratch::new("export");
    let db = built(&s);
    let db = db.to_str().unwrap();
    for (format, ext) in [("parquet", "parquet"), ("csv", "csv"), ("json", "json")] {
        let dir = s.join(format);
        stdout(&[
            "export",
            dir.to_str().unwrap(),
            "--db",
            db,
            "--format",
            format,
        ]);
        let files = files_under(&dir);
        for t in [
            "documents",
            "pages",
            "lines",
            "tokens",
            "facts",
            "flags",
            "runs",
        ] {
            assert!(
                files.iter().any(|f| f == &format!("{t}.{ext}")),
                "{t}.{ext} missing: {files:?}"
            );
        }
    }
    let docs = std::fs::read_to_string(s.join("json/documents.json")).unwrap();
    assert_eq!(docs.lines().count(), good_files().len());
    let first: serde_json::Value = serde_json::from_str(docs.lines().next().unwrap()).unwrap();
    assert_eq!(first["status"], "ok");
    let csv = std::fs::read_to_string(s.join("csv/documents.csv")).unwrap();
    assert!(csv.starts_with("id,path,"), "{csv}");
    // Parquet reads back through DuckDB
    let pq = s.join("parquet/documents.parquet");
    let n = sql(
        Path::new(db),
        &format!("SELECT count(*) AS n FROM read_parquet('{}')", pq.display()),
    );
    assert_eq!(n[0]["n"], good_files().len());
    let out = seisaku(&[
        "export",
        s.join("x").to_str().unwrap(),
        "--db",
        db,
        "--format",
        "xml",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn search_finds_lines_by_word() {
    let s = Scratch::new("search");
    let db = built(&s);
    let db = db.to_str().unwrap();
    // take a word that is printed in the first line of some page
    let line = sql(
        Path::new(db),
        "SELECT text FROM lines WHERE length(text) >= 4 ORDER BY document, page, line_no LIMIT 1",
    );
    let Some(text) = line.first().and_then(|l| l["text"].as_str()) else {
        return; // the text layer found nothing to search (placeholder stages)
    };
    let word: String = text.chars().take(3).collect();
    let out = stdout(&["search", "--db", db, &word]);
    assert!(out.contains(".pdf p."), "{out}");
    let none = stdout(&["search", "--db", db, "存在しない語句ＸＹＺ"]);
    assert!(none.contains("no lines contain"), "{none}");
}
