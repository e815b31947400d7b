//! Composite (Type0) fonts: an encoding CMap cuts strings into codes and maps them to CIDs;
//! text comes from /ToUnicode (by code), else from the character collection (by CID).
//!
//! Unicode follows poppler's pdftotext: with a /ToUnicode, codes are looked up there; without
//! one, an Adobe-Japan1 font maps its CIDs through Adobe-Japan1-UCS2 (so a UniJIS-UCS2-H code
//! goes code → CID → Unicode, as poppler does). Where poppler would give nothing we try a
//! little harder: an Adobe-Japan1 CID the ToUnicode misses falls back to the collection when
//! the CIDs can be trusted (not an embedded TrueType with Identity codes, whose "CIDs" are
//! really glyph ids), and a Unicode CMap's code is read as the character itself when its CID
//! has no mapping.

use super::widths::{array, CidMetrics};
use super::{deref, dict_at, load_to_unicode, name_of, Decoded, MAX_CMAP_STREAM};
use crate::pdf::cmap::{adobe_japan1_ucs2, predefined, CMap, ToUnicode};
use lopdf::{Dictionary, Document, Object};
use std::sync::Arc;

/// How a Unicode CMap's codes spell characters.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CodeForm {
    None,
    Utf16,
    Utf8,
    Utf32,
    /// Not a Unicode CMap: the CID itself is taken as the code point (Adobe-Identity).
    Cid,
}

impl CodeForm {
    fn of(name: &str) -> CodeForm {
        if !name.starts_with("Uni") {
            CodeForm::None
        } else if name.contains("UCS2") || name.contains("UTF16") {
            CodeForm::Utf16
        } else if name.contains("UTF8") {
            CodeForm::Utf8
        } else if name.contains("UTF32") {
            CodeForm::Utf32
        } else {
            CodeForm::None
        }
    }

    /// The character a code (or for `Cid` its CID) spells, if any (controls excluded).
    fn char_of(self, code: u32, len: usize, cid: u32) -> Option<char> {
        let c = match self {
            CodeForm::None => return None,
            CodeForm::Cid => cid,
            CodeForm::Utf16 if len == 4 => {
                let (hi, lo) = (code >> 16, code & 0xffff);
                if !(0xD800..0xDC00).contains(&hi) || !(0xDC00..0xE000).contains(&lo) {
                    return None;
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            CodeForm::Utf8 => {
                let bytes = code.to_be_bytes();
                let s = bytes.get(4usize.saturating_sub(len)..)?;
                let mut cs = std::str::from_utf8(s).ok()?.chars();
                return cs.next().filter(|c| !c.is_control());
            }
            CodeForm::Utf16 | CodeForm::Utf32 => code,
        };
        char::from_u32(c).filter(|c| !c.is_control())
    }
}

/// A loaded composite font.
#[derive(Debug, Clone)]
pub(crate) struct Composite {
    cmap: Arc<CMap>,
    to_unicode: Option<ToUnicode>,
    /// CID → Unicode of the character collection (Adobe-Japan1 only).
    collection: Option<&'static ToUnicode>,
    /// Whether codes a /ToUnicode misses may still go through the collection.
    collection_after_to_unicode: bool,
    code_form: CodeForm,
    metrics: CidMetrics,
}

fn load_encoding(doc: &Document, dict: &Dictionary, warnings: &mut Vec<String>) -> Arc<CMap> {
    let identity = |v: bool| predefined(if v { "Identity-V" } else { "Identity-H" });
    let fallback = |v: bool| identity(v).unwrap_or_else(|| Arc::new(CMap::identity(v)));
    let Some(enc) = dict.get(b"Encoding").ok().map(|o| deref(doc, o)) else {
        warnings.push("font: Type0 without /Encoding, using Identity-H".into());
        return fallback(false);
    };
    match enc {
        Object::Name(n) => {
            let name = String::from_utf8_lossy(n);
            predefined(&name).unwrap_or_else(|| {
                warnings.push(format!("font: unknown CMap {name}, using Identity"));
                fallback(name.ends_with("-V"))
            })
        }
        Object::Stream(s) => {
            let use_cmap = match s.dict.get(b"UseCMap").ok().map(|o| deref(doc, o)) {
                Some(Object::Name(n)) => predefined(&String::from_utf8_lossy(n)),
                Some(Object::Stream(u)) => u
                    .get_plain_content_with_limit(MAX_CMAP_STREAM)
                    .ok()
                    .map(|data| Arc::new(CMap::parse(&data, None, warnings))),
                _ => None,
            };
            match s.get_plain_content_with_limit(MAX_CMAP_STREAM) {
                Ok(data) => {
                    let cm = CMap::parse(&data, use_cmap, warnings);
                    if cm.has_codespace() {
                        Arc::new(cm)
                    } else {
                        warnings.push("font: embedded CMap unusable, using Identity".into());
                        fallback(cm.vertical())
                    }
                }
                Err(e) => {
                    warnings.push(format!(
                        "font: unreadable embedded CMap ({e}), using Identity"
                    ));
                    fallback(false)
                }
            }
        }
        _ => {
            warnings.push("font: /Encoding of a Type0 font is not a CMap".into());
            fallback(false)
        }
    }
}

impl Composite {
    /// Load a Type0 font; also returns the descendant's font descriptor.
    pub(crate) fn load<'a>(
        doc: &'a Document,
        dict: &'a Dictionary,
        warnings: &mut Vec<String>,
    ) -> (Composite, Option<&'a Dictionary>) {
        let cmap = load_encoding(doc, dict, warnings);
        let descendant = dict
            .get(b"DescendantFonts")
            .ok()
            .and_then(|o| array(doc, o))
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o).as_dict().ok());
        if descendant.is_none() {
            warnings.push("font: Type0 without a descendant font".into());
        }
        let metrics = descendant.map_or_else(CidMetrics::default_metrics, |d| {
            CidMetrics::load(doc, d, warnings)
        });
        let descriptor = descendant.and_then(|d| dict_at(doc, d, b"FontDescriptor"));
        let ordering = descendant
            .and_then(|d| dict_at(doc, d, b"CIDSystemInfo"))
            .and_then(|si| si.get(b"Ordering").ok())
            .and_then(|o| match deref(doc, o) {
                Object::String(s, _) => Some(String::from_utf8_lossy(s).into_owned()),
                Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
                _ => None,
            });
        // Poppler trusts the descendant's collection; a predefined Japanese CMap also implies
        // Adobe-Japan1 CIDs when the descendant does not say.
        let japan1 = ordering.as_deref() == Some("Japan1")
            || (!cmap.is_identity() && ordering.is_none() && cmap.ordering() == Some("Japan1"));
        // Like poppler, the Identity and UCS collections (and unknown ones) read a CID as the
        // Unicode code point when there is no /ToUnicode: some producers write Unicode codes.
        let known_cjk = matches!(
            ordering.as_deref(),
            Some("Japan1" | "Japan2" | "GB1" | "CNS1" | "Korea1" | "KR")
        );
        let embedded = descriptor
            .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
        let cid_type0 = descendant
            .and_then(|d| name_of(doc, d, b"Subtype"))
            .is_some_and(|s| s == b"CIDFontType0");
        let to_unicode = load_to_unicode(doc, dict, warnings);
        let enc_name = match dict.get(b"Encoding").ok().map(|o| deref(doc, o)) {
            Some(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
            _ => cmap.name().to_string(),
        };
        let mut code_form = CodeForm::of(&enc_name);
        if !japan1 && !known_cjk && code_form == CodeForm::None {
            code_form = CodeForm::Cid;
        }
        (
            Composite {
                collection: japan1.then(adobe_japan1_ucs2),
                collection_after_to_unicode: !embedded || cid_type0 || !cmap.is_identity(),
                cmap,
                to_unicode,
                code_form,
                metrics,
            },
            descriptor,
        )
    }

    pub(crate) fn vertical(&self) -> bool {
        self.cmap.vertical()
    }

    fn text(&self, code: u32, len: usize, cid: u32, out: &mut String) -> bool {
        if let Some(tu) = &self.to_unicode {
            if tu.lookup(code, out) {
                return true;
            }
            if !self.collection_after_to_unicode {
                return false;
            }
        }
        if let Some(coll) = self.collection {
            if cid != 0 && coll.lookup(cid, out) {
                return true;
            }
        }
        if self.code_form == CodeForm::Cid && self.to_unicode.is_some() {
            return false;
        }
        match self.code_form.char_of(code, len, cid) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        }
    }

    pub(crate) fn decode(&self, bytes: &[u8], out: &mut Vec<Decoded>) {
        let vertical = self.cmap.vertical();
        let mut rest = bytes;
        while !rest.is_empty() {
            let (code, n, cid) = self.cmap.next(rest);
            let n = n.max(1);
            rest = rest.get(n..).unwrap_or_default();
            let mut text = String::new();
            let mapped = self.text(code, n, cid, &mut text);
            let w = self.metrics.width(cid);
            let (vy, vorigin) = if vertical {
                let (w1y, vx, vy) = self.metrics.vertical(cid, w);
                (w1y / 1000.0, (vx / 1000.0, vy / 1000.0))
            } else {
                (0.0, (0.0, 0.0))
            };
            out.push(Decoded {
                code,
                text,
                width: w / 1000.0,
                vy,
                vorigin,
                word_space: n == 1 && code == 32,
                unmapped: !mapped,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::pdf::font::test_util::{decode, text};
    use crate::pdf::font::Font;
    use lopdf::{dictionary, Dictionary, Document, Object, Stream};

    /// A Type0 font over `encoding` with an Adobe-Japan1 (or other) descendant.
    fn type0(doc: &mut Document, encoding: Object, ordering: &str, extra: Dictionary) -> Font {
        let mut desc = dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "KozMinPr6N-Regular",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal(ordering), "Supplement" => 6,
            },
            "DW" => 1000,
        };
        for (k, v) in extra.iter() {
            desc.set(k.clone(), v.clone());
        }
        let desc = doc.add_object(desc);
        let d = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "KozMinPr6N-Regular",
            "Encoding" => encoding, "DescendantFonts" => vec![desc.into()],
        };
        let (f, w) = Font::load(doc, &d, "F1");
        assert!(w.is_empty(), "{w:?}");
        f
    }

    #[test]
    fn predefined_japanese_cmaps() {
        let mut doc = Document::with_version("1.5");
        let f = type0(&mut doc, "90ms-RKSJ-H".into(), "Japan1", dictionary! {});
        assert_eq!(text(&f, b"\x93\xfa\x96{A 1"), "日本A 1");
        let out = decode(&f, b" \x93\xfa");
        assert!(out[0].word_space && !out[1].word_space);
        assert_eq!(out[1].code, 0x93fa);
        let f = type0(&mut doc, "EUC-H".into(), "Japan1", dictionary! {});
        assert_eq!(text(&f, b"\xc6\xfc\xcb\xdc"), "日本");
        let f = type0(&mut doc, "UniJIS-UCS2-H".into(), "Japan1", dictionary! {});
        assert_eq!(text(&f, b"\x65\xe5\x67\x2c"), "日本");
        // Kangxi radical ⽉ (U+2F49) is CID 7967 → 月 via Adobe-Japan1-UCS2, like pdftotext.
        let f = type0(&mut doc, "UniJIS-UTF16-H".into(), "Japan1", dictionary! {});
        assert_eq!(
            text(&f, b"\xd8\x42\xdf\xb7\x65\xe5").chars().nth(1),
            Some('日')
        );
        assert!(!decode(&f, b"\xd8\x42\xdf\xb7")[0].unmapped);
        let f = type0(&mut doc, "90ms-RKSJ-V".into(), "Japan1", dictionary! {});
        assert!(f.vertical());
        let out = decode(&f, b"\x93\xfa");
        assert_eq!(out[0].text, "日");
        assert_eq!((out[0].vy, out[0].vorigin), (-1.0, (0.5, 0.88)));
    }

    #[test]
    fn identity_with_tounicode_and_widths() {
        let mut doc = Document::with_version("1.5");
        let tu = doc.add_object(Stream::new(
            dictionary! {},
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfrange <0010> <0012> <65E5> <0020> <0021> [<0041> <0066006C>] endbfrange"
                .to_vec(),
        ));
        let mut desc = dictionary! {
            "Subtype" => "CIDFontType2", "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"), "Supplement" => 0,
            },
            "W" => vec![Object::Integer(0x10), Object::Array(vec![500.into()]),
                Object::Integer(0x20), Object::Integer(0x21), Object::Integer(600)],
        };
        desc.set("DW", 900);
        let desc = doc.add_object(desc);
        let d = dictionary! {
            "Subtype" => "Type0", "BaseFont" => "ABCDEF+MS-Gothic", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![desc.into()], "ToUnicode" => tu,
        };
        let (f, w) = Font::load(&doc, &d, "F1");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(f.name(), "MS-Gothic");
        let out = decode(&f, b"\x00\x10\x00\x12\x00\x20\x00\x21\x00\x30\x00");
        let texts: Vec<&str> = out.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["日", "旧", "A", "fl", "", ""]);
        let widths: Vec<f32> = out.iter().map(|d| d.width).collect();
        assert_eq!(widths, [0.5, 0.9, 0.6, 0.6, 0.9, 0.9]);
        assert!(out[4].unmapped && !out[3].unmapped);
        assert!(!f.vertical());
    }

    #[test]
    fn identity_v_without_tounicode_uses_collection() {
        let mut doc = Document::with_version("1.5");
        let extra = dictionary! {
            "W2" => vec![Object::Integer(3284), Object::Array(vec![(-900).into(), 400.into(), 800.into()])],
            "DW2" => vec![Object::Integer(860), Object::Integer(-1000)],
        };
        let f = type0(&mut doc, "Identity-V".into(), "Japan1", extra);
        assert!(f.vertical());
        let out = decode(&f, &[0x0c, 0xd4, 0x03, 0x4b]);
        assert_eq!(out[0].text, "日");
        assert_eq!(out[1].text, "あ");
        assert_eq!((out[0].vy, out[0].vorigin), (-0.9, (0.4, 0.8)));
        assert_eq!((out[1].vy, out[1].vorigin), (-1.0, (0.5, 0.86)));
    }

    #[test]
    fn adobe_identity_without_tounicode_reads_cids_as_unicode() {
        // Like poppler: some producers write Unicode code points as CIDs.
        let mut doc = Document::with_version("1.5");
        let f = type0(&mut doc, "Identity-H".into(), "Identity", dictionary! {});
        let out = decode(&f, b"\x30\x6e\x00\x01");
        assert_eq!(out[0].text, "の");
        assert!(out[1].unmapped && out[1].text.is_empty());
    }

    #[test]
    fn embedded_cmap_stream_with_usecmap() {
        let mut doc = Document::with_version("1.5");
        let cm = doc.add_object(Stream::new(
            dictionary! {"Type" => "CMap", "CMapName" => "Custom-H"},
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              /CMapName /Custom-H def /WMode 0 def /UniJIS-UCS2-H usecmap\n\
              1 begincidchar <0041> 3284 endcidchar endcmap"
                .to_vec(),
        ));
        let f = type0(&mut doc, cm.into(), "Japan1", dictionary! {});
        assert_eq!(text(&f, b"\x00\x41\x67\x2c"), "日本");
    }
}
