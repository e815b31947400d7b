//! Errors that stop a whole file (anything smaller is a [`super::Warning`]).

use thiserror::Error;

/// Why a PDF could not be read at all.
#[derive(Debug, Error)]
pub enum PdfError {
    /// Not a PDF: no `%PDF-` header.
    #[error("not a PDF (no %PDF- header in the first 1024 bytes)")]
    NotPdf,
    /// Empty file.
    #[error("empty file (0 bytes)")]
    Empty,
    /// Encrypted with a user password we do not have.
    #[error("encrypted PDF: a password is needed to read it")]
    Encrypted,
    /// lopdf could not parse the file structure.
    #[error("broken PDF structure: {0}")]
    Parse(String),
    /// The file stops before its end: no `%%EOF` near the end.
    #[error(
        "truncated PDF: no %%EOF marker in the last 4 KiB ({bytes} bytes; the file was cut short)"
    )]
    Truncated {
        /// Size of what is there.
        bytes: usize,
    },
    /// The document has no pages.
    #[error("no pages found in the page tree")]
    NoPages,
}
