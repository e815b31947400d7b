//! Opening a PDF: header checks, lopdf parsing, encryption, the page list.

use super::font::Font;
use super::{Page, PdfError, Warning};
use lopdf::{Document, Object, ObjectId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A parsed PDF, ready to have its pages interpreted.
pub struct PdfFile {
    /// The lopdf document.
    pub doc: Document,
    /// Page object ids in page order.
    pub page_ids: Vec<ObjectId>,
    /// /Producer from the info dictionary, if any.
    pub producer: Option<String>,
    /// Fonts by object id: a document's pages share their fonts, and parsing a CJK font
    /// (its CMap, its /W array) costs more than interpreting a page.
    fonts: Mutex<HashMap<ObjectId, Arc<Font>>>,
}

/// How far from the end `%%EOF` may be.
const EOF_WINDOW: usize = 4096;

/// Parse a PDF from memory.
///
/// # Errors
/// [`PdfError`] when the bytes are not a PDF, are encrypted, or the structure cannot be read.
pub fn open(bytes: &[u8]) -> Result<PdfFile, PdfError> {
    if bytes.is_empty() {
        return Err(PdfError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf);
    }
    // A file cut short (an interrupted download or copy) has lost its trailer and the end of
    // its objects; a lenient parser still finds some pages, but what comes back is a fragment,
    // so it is an error rather than a silently partial document. Writers put `%%EOF` last and
    // some append a little junk after it.
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfError::Truncated { bytes: bytes.len() });
    }
    let doc = Document::load_mem(bytes).map_err(|e| classify(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(PdfError::Encrypted);
    }
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if page_ids.is_empty() {
        return Err(PdfError::NoPages);
    }
    let producer = info_string(&doc, b"Producer");
    Ok(PdfFile {
        doc,
        page_ids,
        producer,
        fonts: Mutex::new(HashMap::new()),
    })
}

fn classify(msg: String) -> PdfError {
    let lower = msg.to_ascii_lowercase();
    if lower.contains("decrypt") || lower.contains("encrypt") || lower.contains("password") {
        PdfError::Encrypted
    } else {
        PdfError::Parse(msg)
    }
}

fn info_string(doc: &Document, key: &[u8]) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let dict = match info {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    match dict.get(key).ok()? {
        Object::String(bytes, _) => Some(decode_text_string(bytes)),
        _ => None,
    }
}

/// Decode a PDF text string: UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding (≈ Latin-1).
pub fn decode_text_string(bytes: &[u8]) -> String {
    if bytes.len() >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(&bytes[3..]).into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}

impl PdfFile {
    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.page_ids.len()
    }

    /// Interpret page `index` (0-based) into glyphs and rules.
    pub fn page(&self, index: usize) -> Page {
        super::content::interpret_page(self, index)
    }
}

impl PdfFile {
    /// The font object `id`, loaded once per document.
    pub(crate) fn font_cached(
        &self,
        id: ObjectId,
        name: &str,
        warnings: &mut Vec<Warning>,
        page: u32,
    ) -> Arc<Font> {
        if let Some(f) = self.fonts.lock().ok().and_then(|m| m.get(&id).cloned()) {
            return f;
        }
        let font = match super::content::deref(&self.doc, &Object::Reference(id)) {
            Object::Dictionary(d) => {
                let (font, warns) = Font::load(&self.doc, d, name);
                for detail in warns.into_iter().take(5) {
                    warnings.push(Warning {
                        page,
                        code: "font.degraded",
                        detail,
                    });
                }
                Arc::new(font)
            }
            _ => {
                warnings.push(Warning {
                    page,
                    code: "font.missing",
                    detail: format!("font object {id:?} for /{name} is not a dictionary"),
                });
                Arc::new(Font::fallback(name))
            }
        };
        if let Ok(mut m) = self.fonts.lock() {
            m.insert(id, font.clone());
        }
        font
    }
}
