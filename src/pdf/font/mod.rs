//! Font dictionaries → decoders: character codes → Unicode text and advance widths.
//!
//! PLACEHOLDER interface (owned by the font/CMap work): keep the public signatures.

use lopdf::{Dictionary, Document};

/// One decoded character code.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    /// The character code.
    pub code: u32,
    /// Unicode text (usually one char; empty when unmapped).
    pub text: String,
    /// Horizontal advance in text-space units per unit font size (glyph width / 1000 for
    /// ordinary fonts; Type3 through its FontMatrix).
    pub width: f32,
    /// Vertical advance (w1y / 1000, negative = downwards), vertical fonts only.
    pub vy: f32,
    /// Position vector (vx, vy) / 1000 from the glyph origin to the vertical origin.
    pub vorigin: (f32, f32),
    /// Single-byte code 32: the word spacing Tw applies.
    pub word_space: bool,
    /// No Unicode mapping was found.
    pub unmapped: bool,
}

/// A loaded font.
#[derive(Debug, Clone)]
pub struct Font {
    name: String,
    vertical: bool,
}

impl Font {
    /// Load a font from its dictionary. Never fails: problems come back as warnings and the
    /// font degrades (e.g. to a one-byte font with default widths).
    pub fn load(_doc: &Document, _dict: &Dictionary, name: &str) -> (Font, Vec<String>) {
        (
            Font {
                name: name.to_string(),
                vertical: false,
            },
            Vec::new(),
        )
    }
    /// A stand-in for a missing or broken font resource.
    pub fn fallback(name: &str) -> Font {
        Font {
            name: name.to_string(),
            vertical: false,
        }
    }
    /// Decode a string operand into codes, appending to `out`.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Decoded>) {
        for &b in bytes {
            out.push(Decoded {
                code: b as u32,
                text: (b as char).to_string(),
                width: 0.5,
                word_space: b == 32,
                ..Default::default()
            });
        }
    }
    /// Vertical writing mode (WMode 1).
    pub fn vertical(&self) -> bool {
        self.vertical
    }
    /// BaseFont name (lossy UTF-8/Shift_JIS decoded).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// (ascent, descent) in text-space units per unit font size, e.g. (0.88, -0.12).
    pub fn ascent_descent(&self) -> (f32, f32) {
        (0.88, -0.12)
    }
}
