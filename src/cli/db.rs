//! Subcommands that use the database: run, flags, sql, export, search.
use super::{ExportArgs, FlagsArgs, RunArgs, SearchArgs, SqlArgs};
use crate::pipeline::run::{run as run_pipeline, RunOptions};
use crate::pipeline::walk::Shard;
use crate::store::export::{export as export_tables, Format};
use crate::store::query::{self, open_read_only, value_json, value_text};
use anyhow::Result;
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

/// Die quietly on a closed pipe (`seisaku sql … | head`) like other Unix tools, instead of
/// panicking in `println!` (Rust ignores SIGPIPE by default).
fn default_sigpipe() {
    // SAFETY: restoring the default disposition of one signal before any output is written.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Cells longer than this are cut in the pretty table (the full value is in --csv / --json).
const MAX_CELL: usize = 60;

/// `seisaku merge`: exit 0 when every file is ok, 1 when some failed.
pub fn merge(a: super::MergeArgs) -> Result<ExitCode> {
    let args = std::env::args().collect::<Vec<_>>().join(" ");
    let s = crate::pipeline::merge::merge(&a.db, &a.inputs, &args)?;
    println!(
        "{} shards merged into {} in {:.1} s: {} files, {} failed",
        a.inputs.len(),
        a.db.display(),
        s.seconds,
        s.files,
        s.failed
    );
    for (rule, n) in &s.flags_by_rule {
        println!("  {rule}: {n}");
    }
    Ok(if s.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `seisaku run`: exit 0 when every file is ok, 1 when some failed (the rest are stored).
pub fn run(a: RunArgs) -> Result<ExitCode> {
    let shard = a.shard.as_deref().map(str::parse::<Shard>).transpose()?;
    let jobs = a
        .jobs
        .filter(|&j| j > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if a.timeout == 0 {
        anyhow::bail!("--timeout must be at least 1 second");
    }
    let opts = RunOptions {
        dir: a.dir,
        db: a.db,
        jobs,
        force: a.force,
        timeout: Duration::from_secs(a.timeout),
        shard,
        quiet: a.quiet,
        args: std::env::args().collect::<Vec<_>>().join(" "),
    };
    // A panic inside an analysis thread becomes an error row; print one line, not a backtrace.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let name = std::thread::current()
            .name()
            .unwrap_or_default()
            .to_string();
        if name == "seisaku-analyze" || name.starts_with("seisaku-pages") {
            eprintln!("seisaku: panic while analysing a file: {info}");
        } else {
            default_hook(info);
        }
    }));
    let s = run_pipeline(&opts)?;
    println!(
        "{} files in {:.1} s: {} processed ({} pages), {} unchanged, {} removed, {} failed",
        s.files, s.seconds, s.processed, s.pages, s.unchanged, s.removed, s.failed
    );
    if s.database_untouched {
        println!("  nothing changed: the database was left as it was (run recorded beside it)");
    }
    for (path, err) in &s.errors {
        println!("  failed: {path}: {err}");
    }
    if s.failed > s.failed_now {
        println!(
            "  ({} failed in earlier runs and are unchanged; --force retries them)",
            s.failed - s.failed_now
        );
    }
    if s.flags_by_rule.is_empty() {
        println!("flags: none");
    } else {
        let total: usize = s.flags_by_rule.iter().map(|(_, n)| n).sum();
        println!("flags: {total}");
        for (rule, n) in &s.flags_by_rule {
            println!("  {rule}: {n}");
        }
    }
    println!("database: {}", opts.db.display());
    Ok(if s.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `seisaku flags`: grouped by rule, or a JSON list of flag objects.
pub fn flags(a: FlagsArgs) -> Result<ExitCode> {
    default_sigpipe();
    let conn = open_read_only(&a.db)?;
    let paths = document_paths(&conn)?;
    let base = "SELECT rule, severity, document, page, message, message_ja, evidence, \
                related_documents, scope, flag_id FROM flags";
    let order = " ORDER BY rule, document, page, flag_id";
    let t = match &a.rule {
        Some(r) => query::query(
            &conn,
            &format!("{base} WHERE rule = $1{order}"),
            &[r.as_str()],
        )?,
        None => query::query(&conn, &format!("{base}{order}"), &[])?,
    };
    let text = |v: &duckdb::types::Value| value_text(v).unwrap_or_default();
    let path_of = |id: &str| paths.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut out = Vec::with_capacity(t.rows.len());
    for r in &t.rows {
        let id = text(&r[2]);
        let mut evidence: serde_json::Value =
            serde_json::from_str(&text(&r[6])).unwrap_or(serde_json::Value::Array(vec![]));
        if let Some(items) = evidence.as_array_mut() {
            for e in items.iter_mut() {
                let doc = e.get("document").and_then(|d| d.as_str()).unwrap_or(&id);
                let p = path_of(doc);
                if let Some(o) = e.as_object_mut() {
                    o.insert("path".into(), serde_json::Value::String(p));
                }
            }
        }
        let related: Vec<String> = serde_json::from_str(&text(&r[7])).unwrap_or_default();
        out.push(serde_json::json!({
            "rule": text(&r[0]),
            "severity": text(&r[1]),
            "document": path_of(&id),
            "document_id": id,
            "page": value_json(&r[3]),
            "message": text(&r[4]),
            "message_ja": text(&r[5]),
            "evidence": evidence,
            "related_documents": related.iter().map(|d| path_of(d)).collect::<Vec<_>>(),
            "related_document_ids": related,
            "scope": text(&r[8]),
            "flag_id": text(&r[9]),
        }));
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    if out.is_empty() {
        println!(
            "no flags{}",
            a.rule.map(|r| format!(" for rule {r}")).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut i = 0;
    while i < out.len() {
        let rule = out[i]["rule"].as_str().unwrap_or("").to_string();
        let n = out[i..]
            .iter()
            .take_while(|f| f["rule"] == rule.as_str())
            .count();
        println!("{rule} ({n} flag{})", if n == 1 { "" } else { "s" });
        for f in &out[i..i + n] {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            println!(
                "  {:<7} {} p.{}  {}",
                s("severity"),
                s("document"),
                f["page"],
                if s("message").is_empty() {
                    s("message_ja")
                } else {
                    s("message")
                }
            );
            if !s("message_ja").is_empty() && !s("message").is_empty() {
                println!("          {}", s("message_ja"));
            }
            for e in f["evidence"].as_array().into_iter().flatten() {
                let es = |k: &str| e[k].as_str().unwrap_or("").to_string();
                let value = match &e["value"] {
                    serde_json::Value::Null => String::new(),
                    v => format!(" = {v}"),
                };
                println!(
                    "          · {}{value} (p.{} {:?})",
                    es("label"),
                    e["page"],
                    es("text")
                );
            }
        }
        i += n;
    }
    Ok(ExitCode::SUCCESS)
}

/// Document id → path (the first path when the same file is present twice).
fn document_paths(conn: &duckdb::Connection) -> Result<HashMap<String, String>> {
    let t = query::query(conn, "SELECT id, min(path) FROM documents GROUP BY id", &[])?;
    Ok(t.rows
        .iter()
        .map(|r| {
            (
                value_text(&r[0]).unwrap_or_default(),
                value_text(&r[1]).unwrap_or_default(),
            )
        })
        .collect())
}

/// `seisaku sql`: a pretty table, `--csv`, or `--json` (a list of row objects).
pub fn sql(a: SqlArgs) -> Result<ExitCode> {
    default_sigpipe();
    let conn = open_read_only(&a.db)?;
    let t = query::query(&conn, &a.query, &[])?;
    if a.json {
        println!("{}", serde_json::to_string(&t.to_json())?);
    } else if a.csv {
        print!("{}", t.to_csv());
    } else {
        print!("{}", t.to_pretty(MAX_CELL));
    }
    Ok(ExitCode::SUCCESS)
}

/// `seisaku export`: every table into DIR.
pub fn export(a: ExportArgs) -> Result<ExitCode> {
    default_sigpipe();
    let format: Format = a.format.parse()?;
    let conn = open_read_only(&a.db)?;
    let written = export_tables(&conn, &a.dir, format)?;
    for w in &written {
        println!("{:<18} {:>9} rows  {}", w.table, w.rows, w.path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `seisaku search`: lines whose tokens have the word as surface or base form, or whose text
/// contains it.
pub fn search(a: SearchArgs) -> Result<ExitCode> {
    default_sigpipe();
    let conn = open_read_only(&a.db)?;
    let sql = format!(
        "WITH hits AS ( \
           SELECT document, page, line FROM tokens WHERE surface = $1 OR base_form = $1 \
           UNION \
           SELECT document, page, line_no FROM lines WHERE contains(text, $1)) \
         SELECT d.path, l.page, l.line_no, l.text FROM hits h \
         JOIN lines l ON l.document = h.document AND l.page = h.page AND l.line_no = h.line \
         JOIN (SELECT id, min(path) AS path FROM documents GROUP BY id) d ON d.id = h.document \
         ORDER BY d.path, l.page, l.line_no LIMIT {}",
        a.limit
    );
    let t = query::query(&conn, &sql, &[a.term.as_str()])?;
    if t.rows.is_empty() {
        println!("no lines contain {:?}", a.term);
    }
    for r in &t.rows {
        let s = |i: usize| value_text(&r[i]).unwrap_or_default();
        println!("{} p.{} l.{}: {}", s(0), s(1), s(2), s(3));
    }
    Ok(ExitCode::SUCCESS)
}
