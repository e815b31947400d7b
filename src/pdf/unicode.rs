//! Glyph-level Unicode normalisation that keeps meaning.
//!
//! Acrobat Distiller / PScript5 files map ordinary kanji to Kangxi-radical code points (⽉ for
//! 月) and some fonts to CJK compatibility ideographs; readers and search want the unified
//! ideograph. Everything else (full-width digits, kana) stays as printed: NFKC is the text
//! stage's business, with offsets.

use unicode_normalization::UnicodeNormalization;

/// Kangxi radicals, CJK radicals supplement, compatibility ideographs → unified ideographs.
pub fn normalize_glyph_text(s: &str) -> String {
    if !s.chars().any(needs_mapping) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if needs_mapping(c) {
            out.extend(c.to_string().nfkc());
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_mapping(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2EFF      // CJK radicals supplement (NFKC maps the two that have forms)
        | 0x2F00..=0x2FDF    // Kangxi radicals
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x2F800..=0x2FA1F) // CJK compatibility ideographs supplement
}

/// Private-use code points (kept, but marked: symbol fonts put bullets and icons there).
pub fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kangxi_and_compatibility_map_to_unified() {
        assert_eq!(normalize_glyph_text("⽉⽇"), "月日");
        assert_eq!(normalize_glyph_text("\u{F91D}"), "欄");
        assert_eq!(normalize_glyph_text("１２３ｱ"), "１２３ｱ");
    }

    #[test]
    fn private_use_detected() {
        assert!(is_private_use('\u{E001}'));
        assert!(!is_private_use('日'));
    }
}
