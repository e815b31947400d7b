//! Simple fonts (Type1, MMType1, TrueType, Type3): one-byte codes, a 256-entry text table and
//! a 256-entry width table, both resolved at load time.

use super::widths::{array, num, Standard};
use super::{deref, dict_at, encodings, glyph_names, load_to_unicode, name_of, scaled, Decoded};
use lopdf::{Dictionary, Document, Object};

/// A loaded simple font.
#[derive(Debug, Clone)]
pub(crate) struct Simple {
    /// Text per code; empty = unmapped.
    text: Vec<Box<str>>,
    /// Advance per code in text-space units per unit font size.
    widths: Vec<f32>,
    /// Glyph space → text space, vertically (0.001, or FontMatrix d for Type3).
    v_scale: f32,
}

/// Descriptor flag: the font uses symbols outside the standard Latin set.
const SYMBOLIC: u32 = 4;
/// Descriptor flag: the font uses the standard Latin set.
const NONSYMBOLIC: u32 = 32;

fn base_table(name: &[u8]) -> Option<&'static [u16; 256]> {
    match name {
        b"WinAnsiEncoding" => Some(&encodings::WIN_ANSI),
        b"MacRomanEncoding" => Some(&encodings::MAC_ROMAN),
        b"StandardEncoding" => Some(&encodings::STANDARD),
        // MacExpert glyphs (small caps, old-style figures) are rare; Standard is close enough.
        b"MacExpertEncoding" => Some(&encodings::STANDARD),
        _ => None,
    }
}

fn char_text(u: u16) -> Box<str> {
    match char::from_u32(u as u32) {
        Some(c) if u != 0 => c.to_string().into(),
        _ => "".into(),
    }
}

impl Simple {
    pub(crate) fn load(
        doc: &Document,
        dict: &Dictionary,
        base: &str,
        subtype: &[u8],
        warnings: &mut Vec<String>,
    ) -> Simple {
        let type3 = subtype == b"Type3";
        let (h_scale, v_scale) = if type3 {
            font_matrix(doc, dict, warnings)
        } else {
            (0.001, 0.001)
        };
        let desc = dict_at(doc, dict, b"FontDescriptor");
        let flags = desc
            .and_then(|d| d.get(b"Flags").ok())
            .and_then(|o| num(doc, o))
            .map_or(0, |f| f as i64 as u32);
        let std = Standard::guess(base, flags);

        // Base encoding: the font's own for Symbol/ZapfDingbats, none for Type3, code =
        // character for symbolic TrueType (their codes select glyphs directly), otherwise
        // Standard (Type1) or WinAnsi (TrueType, as Windows producers assume).
        let symbolic_tt =
            subtype == b"TrueType" && flags & SYMBOLIC != 0 && flags & NONSYMBOLIC == 0;
        let mut table: Option<&[u16; 256]> = match std {
            Standard::Symbol => Some(&encodings::SYMBOL),
            Standard::ZapfDingbats => Some(&encodings::ZAPF_DINGBATS),
            _ if type3 || symbolic_tt => None,
            _ if subtype == b"TrueType" => Some(&encodings::WIN_ANSI),
            _ => Some(&encodings::STANDARD),
        };
        let enc = dict.get(b"Encoding").ok().map(|o| deref(doc, o));
        let mut differences: Option<&Vec<Object>> = None;
        match enc {
            Some(Object::Name(n)) => match base_table(n) {
                Some(t) => table = Some(t),
                None => warnings.push(format!(
                    "font: unknown /Encoding {}",
                    String::from_utf8_lossy(n)
                )),
            },
            Some(Object::Dictionary(d)) => {
                if let Some(n) = name_of(doc, d, b"BaseEncoding") {
                    match base_table(&n) {
                        Some(t) => table = Some(t),
                        None => warnings.push("font: unknown /BaseEncoding".into()),
                    }
                }
                differences = d.get(b"Differences").ok().and_then(|o| array(doc, o));
            }
            Some(Object::Null) | None => {}
            Some(_) => warnings.push("font: /Encoding is neither a name nor a dictionary".into()),
        }

        let mut text: Vec<Box<str>> = match table {
            Some(t) => t.iter().map(|&u| char_text(u)).collect(),
            None if symbolic_tt => (0..=255u16)
                .map(|c| if c >= 0x20 { char_text(c) } else { "".into() })
                .collect(),
            None => vec!["".into(); 256],
        };
        if symbolic_tt && table.is_none() {
            for t in text.iter_mut().skip(0x7f).take(0x21) {
                *t = "".into();
            }
        }
        if let Some(diffs) = differences {
            let mut code: Option<usize> = None;
            for o in diffs {
                match deref(doc, o) {
                    Object::Integer(i) => code = usize::try_from(*i).ok(),
                    Object::Name(n) => {
                        if let Some(slot) = code.and_then(|c| text.get_mut(c)) {
                            *slot = glyph_names::to_unicode(n)
                                .map(String::into_boxed_str)
                                .unwrap_or_default();
                        }
                        code = code.map(|c| c + 1);
                    }
                    _ => {}
                }
            }
        }
        // ToUnicode wins over the encoding for every code it maps (lopdf gets this wrong).
        if let Some(tu) = load_to_unicode(doc, dict, warnings) {
            let mut s = String::new();
            for (code, slot) in text.iter_mut().enumerate() {
                s.clear();
                if tu.lookup(code as u32, &mut s) {
                    *slot = s.as_str().into();
                }
            }
        }

        let widths = load_widths(doc, dict, desc, &text, std, type3, h_scale, warnings);
        Simple {
            text,
            widths,
            v_scale,
        }
    }

    pub(crate) fn fallback() -> Simple {
        let text: Vec<Box<str>> = encodings::WIN_ANSI.iter().map(|&u| char_text(u)).collect();
        let widths = (0..=255u8)
            .zip(&text)
            .map(|(c, t)| Standard::Helvetica.width(c, t) / 1000.0)
            .collect();
        Simple {
            text,
            widths,
            v_scale: 0.001,
        }
    }

    pub(crate) fn vertical_scale(&self) -> f32 {
        self.v_scale
    }

    pub(crate) fn decode(&self, bytes: &[u8], out: &mut Vec<Decoded>) {
        out.reserve(bytes.len());
        for &b in bytes {
            let t = self.text.get(b as usize).map_or("", |t| t.as_ref());
            out.push(Decoded {
                code: b as u32,
                text: t.to_string(),
                width: self.widths.get(b as usize).copied().unwrap_or(0.0),
                vy: 0.0,
                vorigin: (0.0, 0.0),
                word_space: b == 32,
                unmapped: t.is_empty(),
            });
        }
    }
}

/// Type3 /FontMatrix scales (a, d); the default is the usual 1/1000.
fn font_matrix(doc: &Document, dict: &Dictionary, warnings: &mut Vec<String>) -> (f32, f32) {
    let m: Option<Vec<f32>> = dict
        .get(b"FontMatrix")
        .ok()
        .and_then(|o| array(doc, o))
        .map(|a| a.iter().filter_map(|o| num(doc, o)).collect());
    match m.as_deref() {
        Some([a, _, _, d, ..]) if *a != 0.0 && a.abs() < 1e3 => {
            let d = if *d == 0.0 || d.abs() >= 1e3 { *a } else { *d };
            (*a, d.abs())
        }
        _ => {
            warnings.push("font: Type3 without a usable /FontMatrix".into());
            (0.001, 0.001)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn load_widths(
    doc: &Document,
    dict: &Dictionary,
    desc: Option<&Dictionary>,
    text: &[Box<str>],
    std: Standard,
    type3: bool,
    scale: f32,
    warnings: &mut Vec<String>,
) -> Vec<f32> {
    let missing = desc
        .and_then(|d| d.get(b"MissingWidth").ok())
        .and_then(|o| num(doc, o))
        .unwrap_or(0.0);
    let w = dict.get(b"Widths").ok().and_then(|o| array(doc, o));
    match w {
        Some(w) => {
            let first = dict
                .get(b"FirstChar")
                .ok()
                .and_then(|o| num(doc, o))
                .unwrap_or(0.0);
            if !(0.0..=255.0).contains(&first) {
                warnings.push("font: /FirstChar out of range".into());
            }
            let first = first as i64;
            let mut widths = vec![scaled(missing, scale); 256];
            for (i, o) in w.iter().enumerate() {
                let code = first + i as i64;
                if let (Ok(c), Some(v)) = (usize::try_from(code), num(doc, o)) {
                    if let Some(slot) = widths.get_mut(c) {
                        *slot = scaled(v, scale);
                    }
                }
            }
            widths
        }
        None if type3 => {
            warnings.push("font: Type3 without /Widths".into());
            vec![0.0; 256]
        }
        None => (0..=255u8)
            .zip(text)
            .map(|(c, t)| std.width(c, t) / 1000.0)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use crate::pdf::font::test_util::{decode, text};
    use crate::pdf::font::Font;
    use lopdf::{dictionary, Document, Object, Stream};

    #[test]
    fn winansi_widths_and_word_space() {
        let doc = Document::with_version("1.5");
        let d = dictionary! {
            "Subtype" => "TrueType", "BaseFont" => "ABCDEF+Century",
            "Encoding" => "WinAnsiEncoding", "FirstChar" => 32,
            "Widths" => vec![Object::Integer(278), Object::Integer(300)],
        };
        let (f, w) = Font::load(&doc, &d, "F1");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(f.name(), "Century");
        let out = decode(&f, b" !\x80\x93\xa0\x01");
        assert_eq!(
            out.iter().map(|d| d.text.as_str()).collect::<String>(),
            " !€“ "
        );
        assert!(out[0].word_space && !out[1].word_space);
        assert_eq!(out[0].width, 0.278);
        assert_eq!(out[1].width, 0.3);
        assert_eq!(out[2].width, 0.0);
        assert!(out[5].unmapped && out[5].text.is_empty());
    }

    #[test]
    fn differences_and_standard14_metrics() {
        let doc = Document::with_version("1.5");
        let d = dictionary! {
            "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![
                    Object::Integer(65), "uni65E5".into(), "Adieresis".into(),
                    Object::Integer(0x27), "quotesingle".into(), Object::Integer(1), "g17".into(),
                ],
            },
        };
        let (f, _) = Font::load(&doc, &d, "F1");
        assert_eq!(text(&f, b"ABC'\x01"), "日ÄC'");
        let out = decode(&f, b"C ");
        assert_eq!(out[0].width, 0.722);
        assert_eq!(out[1].width, 0.278);
        // Without an encoding a Type1 font uses StandardEncoding: 0x27 is quoteright.
        let d = dictionary! { "Subtype" => "Type1", "BaseFont" => "Courier" };
        let (f, _) = Font::load(&doc, &d, "F2");
        assert_eq!(text(&f, b"a'"), "a\u{2019}");
        assert_eq!(decode(&f, b"a")[0].width, 0.6);
    }

    #[test]
    fn tounicode_beats_encoding() {
        let mut doc = Document::with_version("1.5");
        let tu = doc.add_object(Stream::new(
            dictionary! {},
            b"1 beginbfchar <41> <00660069> endbfchar 1 beginbfrange <61> <62> <3042> endbfrange"
                .to_vec(),
        ));
        let d = dictionary! {
            "Subtype" => "Type1", "BaseFont" => "Foo", "Encoding" => "WinAnsiEncoding",
            "ToUnicode" => tu, "FirstChar" => 0, "Widths" => vec![Object::Integer(500); 256],
        };
        let (f, w) = Font::load(&doc, &d, "F1");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(text(&f, b"ABab"), "fiBあぃ");
    }

    #[test]
    fn type3_font_matrix_and_symbolic_truetype() {
        let doc = Document::with_version("1.5");
        let d = dictionary! {
            "Subtype" => "Type3",
            "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
            "FirstChar" => 1, "Widths" => vec![Object::Integer(50)],
            "Encoding" => dictionary! {"Differences" => vec![Object::Integer(1), "a".into()]},
        };
        let (f, _) = Font::load(&doc, &d, "T3");
        let out = decode(&f, b"\x01\x02");
        assert_eq!(out[0].text, "a");
        assert!((out[0].width - 0.5).abs() < 1e-6);
        assert!(out[1].unmapped);

        let mut doc = Document::with_version("1.5");
        let desc = doc.add_object(dictionary! {"Flags" => 4});
        let d = dictionary! {
            "Subtype" => "TrueType", "BaseFont" => "Wingdings-Regular", "FontDescriptor" => desc,
        };
        let (f, _) = Font::load(&doc, &d, "F1");
        assert_eq!(text(&f, b"l\x9f\x01"), "l");
    }
}
