//! Bad input at the analysis stage (no database needed): every hazard of
//! tests/fixtures/bad becomes a document with status `error` and a message that says why, and
//! the good files next to them analyse cleanly. `batch.rs` checks the same files end to end.

use crate::common::fixture;

/// Bad files and what their error message must mention (lowercase).
const BAD: &[(&str, &[&str])] = &[
    ("truncated.pdf", &["truncated", "cut short"]),
    ("corrupted.pdf", &[]),
    ("random.pdf", &["not a pdf"]),
    ("empty.pdf", &["empty"]),
    ("not_a_pdf.pdf", &["not a pdf"]),
    ("encrypted.pdf", &["encrypt", "password"]),
    ("bomb.pdf", &["no readable content", "decompress"]),
    ("cyclic.pdf", &[]),
    ("deep.pdf", &[]),
];

#[test]
fn every_bad_file_is_an_error_with_a_reason() {
    for (name, words) in BAD {
        let a = seisaku::pipeline::analyze_file(&fixture(&format!("bad/{name}")));
        assert_eq!(a.document.status, "error", "{name}: {:?}", a.document);
        let msg = a.document.error.clone().unwrap_or_default();
        assert!(!msg.trim().is_empty(), "{name}: empty error message");
        let lower = msg.to_lowercase();
        for w in *words {
            assert!(lower.contains(w), "{name}: {msg:?} does not mention {w:?}");
        }
        assert!(a.facts.is_empty() && a.review_sheet.is_none(), "{name}");
    }
}

#[test]
fn good_files_beside_them_are_ok() {
    for name in ["2023-meti-22-0046.rl.pdf", "2023-meti-22-0226.rl.pdf"] {
        let a = seisaku::pipeline::analyze_file(&fixture(&format!("bad/good/{name}")));
        assert_eq!(a.document.status, "ok", "{name}: {:?}", a.document.error);
        assert!(a.document.pages > 0 && a.review_sheet.is_some(), "{name}");
    }
}
