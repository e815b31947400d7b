//! `seisaku merge`: shards of the bundled corpus merged give the rows of one run.

use crate::batch::{run, seisaku, sql, Scratch};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every row of every table but the run metadata, in a canonical order.
fn rows(db: &Path) -> Vec<(String, Vec<serde_json::Value>)> {
    [
        "documents",
        "pages",
        "lines",
        "tokens",
        "facts",
        "flags",
        "flag_evidence",
        "review_sheets",
        "projects",
        "budgets",
        "budget_breakdown",
        "kpis",
        "kpi_values",
        "fund_flow_blocks",
        "expenses",
        "recipients",
        "findings",
        "related_sheets",
        "warnings",
    ]
    .iter()
    .map(|t| {
        let q = if *t == "documents" {
            "SELECT * EXCLUDE (processed_at) FROM documents ORDER BY ALL".to_string()
        } else {
            format!("SELECT * FROM {t} ORDER BY ALL")
        };
        (t.to_string(), sql(db, &q))
    })
    .collect()
}

fn shards(s: &Scratch, n: usize) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let db = s.join(&format!("shard-{k}.duckdb"));
            let out = run(&corpus(), &db, &["--shard", &format!("{k}/{n}")]);
            assert!(out.status.success(), "{out:?}");
            db
        })
        .collect()
}

fn merge(out: &Path, inputs: &[PathBuf]) -> std::process::Output {
    let mut args = vec!["merge", "--db", out.to_str().unwrap()];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    seisaku(&args)
}

#[test]
fn four_shards_merged_equal_one_run_including_cross_shard_flags() {
    let s = Scratch::new("merge-four");
    let one = s.join("one.duckdb");
    assert!(run(&corpus(), &one, &[]).status.success());
    let parts = shards(&s, 4);
    let merged = s.join("merged.duckdb");
    let out = merge(&merged, &parts);
    assert!(out.status.success(), "{out:?}");
    for ((t, a), (_, b)) in rows(&one).into_iter().zip(rows(&merged)) {
        assert!(
            !a.is_empty() || !matches!(t.as_str(), "documents" | "flags" | "kpis"),
            "{t} is empty"
        );
        assert_eq!(a.len(), b.len(), "{t}: row count");
        assert!(a == b, "{t}: rows differ");
    }
    // A cross-document flag whose documents sit in different shards.
    let shard_of = |doc: &str| -> usize {
        parts
            .iter()
            .position(|p| {
                !sql(p, &format!("SELECT 1 FROM documents WHERE id = '{doc}'")).is_empty()
            })
            .expect("document in a shard")
    };
    let flags = sql(
        &merged,
        "SELECT document, related_documents FROM flags WHERE scope = 'corpus'",
    );
    let across = flags.iter().any(|f| {
        let related: Vec<String> =
            serde_json::from_str(f["related_documents"].as_str().unwrap()).unwrap();
        let own = shard_of(f["document"].as_str().unwrap());
        related.iter().any(|r| shard_of(r) != own)
    });
    assert!(across, "no cross-document flag spans two shards: {flags:?}");
    let runs = sql(&merged, "SELECT args FROM runs");
    assert!(runs[0]["args"].as_str().unwrap().contains("shard-4.duckdb"));
}

#[test]
fn a_shard_of_another_extractor_version_is_refused() {
    let s = Scratch::new("merge-version");
    let parts = shards(&s, 2);
    {
        let c = duckdb::Connection::open(&parts[1]).unwrap();
        c.execute_batch("UPDATE meta SET value = '0.0.1-x0' WHERE key = 'extractor_version'")
            .unwrap();
    }
    let merged = s.join("merged.duckdb");
    let out = merge(&merged, &parts);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("run that shard again"), "{err}");
    assert!(!merged.exists(), "nothing written on refusal");
}

/// The README's xargs line, run as printed (folder, output folder and binary substituted),
/// then merged: every file of the corpus is in the result.
#[test]
fn readme_xargs_form_runs_and_merges() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("seq 4 | xargs -P 4 -I{} seisaku run"))
        .expect("README shows the xargs form");
    // A path without spaces: the command line is shell text.
    let out_dir = std::env::temp_dir().join(format!("seisaku-it-xargs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    let bin = crate::common::bin();
    let cmd = line
        .replace("seisaku run", &format!("{} run", bin.display()))
        .replace("/data/pdfs", corpus().to_str().unwrap())
        .replace("out/", &format!("{}/", out_dir.display()));
    let status = std::process::Command::new("bash")
        .args(["-c", &cmd])
        .status()
        .unwrap();
    assert!(status.success(), "{cmd}");
    let parts: Vec<PathBuf> = (1..=4)
        .map(|k| out_dir.join(format!("shard-{k}.duckdb")))
        .collect();
    let merged = out_dir.join("merged.duckdb");
    assert!(merge(&merged, &parts).status.success());
    let n = sql(
        &merged,
        "SELECT count(*) AS n FROM documents WHERE status = 'ok'",
    );
    let _ = std::fs::remove_dir_all(&out_dir);
    assert_eq!(n[0]["n"], 14, "{n:?}");
}
