//! One file through every stage: pdf → layout → text → extract → checks.

use crate::layout::PageLayout;
use crate::model::review_sheet::ReviewSheet;
use crate::model::{Fact, Flag, Token};
use crate::pdf;
use serde::Serialize;
use std::path::Path;

/// Documents with at least this many pages have their pages interpreted in parallel.
const PARALLEL_PAGES: usize = 8;

/// What is known about a file, whether or not it could be read.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// BLAKE3 of the bytes, hex: the document id.
    pub id: String,
    /// Path as given.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Number of pages (0 when unreadable).
    pub pages: u32,
    /// /Producer.
    pub producer: Option<String>,
    /// `ok` or `error`.
    pub status: String,
    /// Why it failed.
    pub error: Option<String>,
}

/// Everything extracted from one file.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The document row.
    pub document: DocumentInfo,
    /// Page layouts (lines, blocks, tables).
    #[serde(skip)]
    pub pages: Vec<PageLayout>,
    /// Non-fatal problems.
    #[serde(skip)]
    pub warnings: Vec<pdf::Warning>,
    /// The review sheet, when the document is one.
    pub review_sheet: Option<ReviewSheet>,
    /// Facts from the text.
    pub facts: Vec<Fact>,
    /// Per-document flags.
    pub flags: Vec<Flag>,
    /// Tokens of every line.
    #[serde(skip)]
    pub tokens: Vec<Token>,
}

/// Hash a file's bytes into its document id.
pub fn document_id(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Read and analyze a file. I/O errors and unreadable PDFs give an `Analysis` whose document
/// has status `error`.
pub fn analyze_file(path: &Path) -> Analysis {
    match std::fs::read(path) {
        Ok(bytes) => analyze_bytes(&bytes, &path.to_string_lossy()),
        Err(e) => Analysis::failed(
            DocumentInfo {
                id: String::new(),
                path: path.to_string_lossy().into_owned(),
                bytes: 0,
                pages: 0,
                producer: None,
                status: "error".into(),
                error: None,
            },
            format!("cannot read file: {e}"),
        ),
    }
}

/// Analyze a PDF held in memory.
pub fn analyze_bytes(bytes: &[u8], path: &str) -> Analysis {
    let info = DocumentInfo {
        id: document_id(bytes),
        path: path.to_string(),
        bytes: bytes.len() as u64,
        pages: 0,
        producer: None,
        status: "ok".into(),
        error: None,
    };
    let file = match pdf::open(bytes) {
        Ok(f) => f,
        Err(e) => return Analysis::failed(info, e.to_string()),
    };
    let mut info = info;
    info.pages = file.page_count() as u32;
    info.producer = file.producer.clone();
    let mut pages = Vec::with_capacity(file.page_count());
    let mut warnings = Vec::new();
    // Pages of a large document in parallel too, so one 80-page file does not leave the
    // other workers idle at the end of a batch. Order is kept (collect preserves it).
    let per_page = |i: usize| {
        let page = file.page(i);
        let layout = crate::layout::build(&page);
        (layout, page.warnings)
    };
    let results: Vec<_> = if file.page_count() >= PARALLEL_PAGES {
        use rayon::prelude::*;
        (0..file.page_count())
            .into_par_iter()
            .map(per_page)
            .collect()
    } else {
        (0..file.page_count()).map(per_page).collect()
    };
    for (layout, w) in results {
        warnings.extend(w);
        pages.push(layout);
    }
    if let Some(error) = unreadable(&pages, &warnings) {
        return Analysis::failed(info, error);
    }
    let tokens = crate::text::tokenize_pages(&pages);
    let review_sheet = crate::extract::review_sheet::extract(&info.id, &pages);
    let facts = crate::extract::facts::extract(&info.id, &pages);
    let flags = crate::checks::document(&info.id, review_sheet.as_ref(), &facts);
    Analysis {
        document: info,
        pages,
        warnings,
        review_sheet,
        facts,
        flags,
        tokens,
    }
}

/// A document with no text at all whose content streams could not be decoded or parsed (a
/// decompression bomb stopped at the limit, a stream that does not inflate, nesting beyond the
/// parser's depth) is an error, not an empty `ok` document. Documents with some text keep
/// status `ok`; their page-level problems are warnings.
fn unreadable(pages: &[PageLayout], warnings: &[pdf::Warning]) -> Option<String> {
    if pages.iter().any(|p| !p.lines.is_empty()) {
        return None;
    }
    let w = warnings
        .iter()
        .find(|w| w.code == "content.unreadable" || w.code == "content.syntax")?;
    Some(format!(
        "no readable content: page {}: {} ({})",
        w.page, w.detail, w.code
    ))
}

impl Analysis {
    /// An analysis that only records why the file could not be read.
    pub(crate) fn failed(mut document: DocumentInfo, error: String) -> Analysis {
        document.status = "error".into();
        document.error = Some(error);
        Analysis {
            document,
            pages: Vec::new(),
            warnings: Vec::new(),
            review_sheet: None,
            facts: Vec::new(),
            flags: Vec::new(),
            tokens: Vec::new(),
        }
    }
}
