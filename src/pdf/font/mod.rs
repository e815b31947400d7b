//! Font dictionaries → decoders: character codes → Unicode text and advance widths.
//!
//! Two kinds, following the PDF model and poppler's text extraction:
//! - simple fonts (Type1, MMType1, TrueType, Type3; `simple.rs`): one-byte codes, text from
//!   /ToUnicode, else the encoding (base encoding + /Differences glyph names via the Adobe
//!   Glyph List); widths from /Widths or standard-14 metrics;
//! - composite fonts (Type0; `composite.rs`): codes cut by the encoding CMap (Identity, a
//!   predefined Adobe-Japan1 CMap or an embedded one), text from /ToUnicode, else CID →
//!   Unicode through Adobe-Japan1-UCS2; widths from /W, vertical metrics from /W2.
//!
//! Loading never fails: problems become warning strings and a degraded font.

mod composite;
mod encodings;
pub(crate) mod glyph_names;
mod simple;
mod widths;

use lopdf::{Dictionary, Document, Object};

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

#[derive(Debug, Clone)]
enum Kind {
    Simple(Box<simple::Simple>),
    Composite(Box<composite::Composite>),
}

/// A loaded font: immutable, `Send + Sync`, meant to be shared as `Arc<Font>`.
#[derive(Debug, Clone)]
pub struct Font {
    name: String,
    vertical: bool,
    ascent: f32,
    descent: f32,
    kind: Kind,
}

/// Default (ascent, descent) when a font gives none (typical of CJK fonts).
const DEFAULT_ASCENT_DESCENT: (f32, f32) = (0.88, -0.12);

impl Font {
    /// Load a font from its dictionary. Never fails: problems come back as warnings and the
    /// font degrades (e.g. to a one-byte font with default widths).
    pub fn load(doc: &Document, dict: &Dictionary, name: &str) -> (Font, Vec<String>) {
        let mut warnings = Vec::new();
        let base = dict
            .get(b"BaseFont")
            .ok()
            .and_then(|o| deref(doc, o).as_name().ok())
            .map(font_name)
            .unwrap_or_else(|| name.to_string());
        let subtype = name_of(doc, dict, b"Subtype").unwrap_or_default();
        let (kind, vertical, descriptor) = if subtype == b"Type0" {
            let (c, desc) = composite::Composite::load(doc, dict, &mut warnings);
            let v = c.vertical();
            (Kind::Composite(Box::new(c)), v, desc)
        } else {
            if !matches!(
                subtype.as_slice(),
                b"Type1" | b"MMType1" | b"TrueType" | b"Type3"
            ) {
                warnings.push(format!(
                    "font: unknown /Subtype {}, read as a simple font",
                    String::from_utf8_lossy(&subtype)
                ));
            }
            let s = simple::Simple::load(doc, dict, &base, &subtype, &mut warnings);
            let desc = dict_at(doc, dict, b"FontDescriptor");
            (Kind::Simple(Box::new(s)), false, desc)
        };
        let scale = match &kind {
            Kind::Simple(s) => s.vertical_scale(),
            Kind::Composite(_) => 0.001,
        };
        let (ascent, descent) = descriptor
            .map(|d| ascent_descent(doc, d, scale))
            .unwrap_or(DEFAULT_ASCENT_DESCENT);
        (
            Font {
                name: base,
                vertical,
                ascent,
                descent,
                kind,
            },
            warnings,
        )
    }

    /// A stand-in for a missing or broken font resource: one-byte codes, WinAnsi text,
    /// Helvetica widths.
    pub fn fallback(name: &str) -> Font {
        Font {
            name: name.to_string(),
            vertical: false,
            ascent: DEFAULT_ASCENT_DESCENT.0,
            descent: DEFAULT_ASCENT_DESCENT.1,
            kind: Kind::Simple(Box::new(simple::Simple::fallback())),
        }
    }

    /// Decode a string operand into codes, appending to `out`.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Decoded>) {
        match &self.kind {
            Kind::Simple(s) => s.decode(bytes, out),
            Kind::Composite(c) => c.decode(bytes, out),
        }
    }

    /// Vertical writing mode (WMode 1).
    pub fn vertical(&self) -> bool {
        self.vertical
    }

    /// BaseFont name (lossy UTF-8/Shift_JIS decoded, subset prefix removed).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// (ascent, descent) in text-space units per unit font size, e.g. (0.88, -0.12).
    pub fn ascent_descent(&self) -> (f32, f32) {
        (self.ascent, self.descent)
    }

    /// A composite (Type0) font.
    pub fn is_composite(&self) -> bool {
        matches!(self.kind, Kind::Composite(_))
    }
}

/// Follow a reference (a dangling one becomes Null).
pub(crate) fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    static NULL: Object = Object::Null;
    doc.dereference(o).map(|(_, o)| o).unwrap_or(&NULL)
}

pub(crate) fn dict_at<'a>(
    doc: &'a Document,
    d: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Dictionary> {
    deref(doc, d.get(key).ok()?).as_dict().ok()
}

pub(crate) fn name_of(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<Vec<u8>> {
    deref(doc, d.get(key).ok()?)
        .as_name()
        .ok()
        .map(<[u8]>::to_vec)
}

/// Decode a font name: UTF-8 when valid, else Shift_JIS (Japanese producers write names
/// like "ＭＳ 明朝" as raw cp932 bytes); drop a subset prefix "ABCDEF+".
pub(crate) fn font_name(raw: &[u8]) -> String {
    let s = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    };
    let b = s.as_bytes();
    if b.len() > 7 && b.get(6) == Some(&b'+') && b.iter().take(6).all(u8::is_ascii_uppercase) {
        s.get(7..).unwrap_or_default().to_string()
    } else {
        s
    }
}

/// /Ascent and /Descent of a font descriptor, scaled to text space, with sanity checks.
fn ascent_descent(doc: &Document, desc: &Dictionary, scale: f32) -> (f32, f32) {
    let get = |k: &[u8]| desc.get(k).ok().and_then(|o| widths::num(doc, o));
    let (Some(a), Some(d)) = (get(b"Ascent"), get(b"Descent")) else {
        return DEFAULT_ASCENT_DESCENT;
    };
    let (a, d) = (scaled(a, scale), -scaled(d, scale).abs());
    // Zero, absurd or inverted values are common in broken files; fall back like poppler.
    if a <= 0.05 || a > 3.0 || d < -3.0 || a - d < 0.3 {
        DEFAULT_ASCENT_DESCENT
    } else {
        (a, d)
    }
}

/// Glyph units → text space: `v * scale`, computed as `v / 1000` for the usual 1/1000 so
/// that e.g. 278 becomes exactly 0.278f32.
pub(crate) fn scaled(v: f32, scale: f32) -> f32 {
    if scale == 0.001 {
        v / 1000.0
    } else {
        v * scale
    }
}

/// Largest decoded CMap stream we read.
pub(crate) const MAX_CMAP_STREAM: usize = 16 << 20;

/// Load the Unicode map of a /ToUnicode entry (a stream; names like /Identity-H are ignored).
pub(crate) fn load_to_unicode(
    doc: &Document,
    dict: &Dictionary,
    warnings: &mut Vec<String>,
) -> Option<crate::pdf::cmap::ToUnicode> {
    let o = deref(doc, dict.get(b"ToUnicode").ok()?);
    let stream = o.as_stream().ok()?;
    match stream.get_plain_content_with_limit(MAX_CMAP_STREAM) {
        Ok(data) => {
            let t = crate::pdf::cmap::ToUnicode::parse(&data);
            if t.is_empty() {
                warnings.push("font: /ToUnicode has no mappings".into());
                None
            } else {
                Some(t)
            }
        }
        Err(e) => {
            warnings.push(format!("font: unreadable /ToUnicode: {e}"));
            None
        }
    }
}

/// Decoding helpers shared by the font loaders' tests.
#[cfg(test)]
pub(crate) mod test_util {
    use super::{Decoded, Font};

    /// Every glyph of `b`.
    pub fn decode(f: &Font, b: &[u8]) -> Vec<Decoded> {
        let mut out = Vec::new();
        f.decode(b, &mut out);
        out
    }

    /// The text of `b`.
    pub fn text(f: &Font, b: &[u8]) -> String {
        decode(f, b).iter().map(|d| d.text.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    fn text(font: &Font, bytes: &[u8]) -> String {
        let mut out = Vec::new();
        font.decode(bytes, &mut out);
        out.iter().map(|d| d.text.as_str()).collect()
    }

    #[test]
    fn names() {
        assert_eq!(font_name(b"ABCDEF+Arial-BoldMT"), "Arial-BoldMT");
        assert_eq!(font_name(b"AbCDEF+X"), "AbCDEF+X");
        assert_eq!(font_name(b"+"), "+");
        assert_eq!(font_name(b"\x82\x6c\x82\x72 \x96\xbe\x92\xa9"), "ＭＳ 明朝");
        assert_eq!(font_name(b"ABCDEF+\x82\x6c\x82\x72"), "ＭＳ");
        assert_eq!(font_name(b"\xff\xff\x80").chars().count(), 3);
    }

    #[test]
    fn send_sync_and_fallback() {
        fn ok<T: Send + Sync>() {}
        ok::<Font>();
        let f = Font::fallback("F9");
        assert_eq!(text(&f, b"Hi "), "Hi ");
        let mut out = Vec::new();
        f.decode(b" ", &mut out);
        assert!(out[0].word_space);
        assert_eq!(f.ascent_descent(), (0.88, -0.12));
    }

    #[test]
    fn load_shift_jis_base_font_and_descriptor() {
        let mut doc = Document::with_version("1.5");
        let desc = doc.add_object(dictionary! {
            "Type" => "FontDescriptor", "Ascent" => 859, "Descent" => -141,
        });
        let d = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType",
            "BaseFont" => Object::Name(b"\x82\x6c\x82\x72\x96\xbe\x92\xa9".to_vec()),
            "Encoding" => "WinAnsiEncoding", "FontDescriptor" => desc,
        };
        let (f, w) = Font::load(&doc, &d, "F1");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(f.name(), "ＭＳ明朝");
        assert_eq!(f.ascent_descent(), (0.859, -0.141));
        assert!(!f.vertical());
        assert!(!f.is_composite());
    }

    #[test]
    fn broken_dicts_degrade() {
        let mut doc = Document::with_version("1.5");
        let bad = doc.add_object(Stream::new(
            dictionary! {"Filter" => "FlateDecode"},
            vec![1, 2],
        ));
        for d in [
            dictionary! {},
            dictionary! {"Subtype" => "Type0"},
            dictionary! {"Subtype" => "Type0", "Encoding" => "Nope-H",
            "DescendantFonts" => vec![Object::Integer(3)]},
            dictionary! {"Subtype" => "Type0", "Encoding" => bad, "ToUnicode" => bad},
            dictionary! {"Subtype" => "Type1", "Widths" => 5, "FirstChar" => -4,
            "Encoding" => dictionary! {"Differences" => vec![Object::Integer(300), "A".into()]}},
            dictionary! {"Subtype" => "Type3", "FontMatrix" => vec![0.into()], "ToUnicode" => bad},
        ] {
            let (f, _w) = Font::load(&doc, &d, "F");
            let mut out = Vec::new();
            f.decode(b"\x00\x41\xff\x93", &mut out);
            f.decode(b"", &mut out);
            assert!(out.iter().all(|d| d.width.is_finite()));
        }
    }

    /// Text of page 1 in content order (Tf/Tj/TJ/'/" and Form XObjects only).
    fn page_text(path: &str) -> String {
        let path = format!("{}/tests/fixtures/fonts/{path}", env!("CARGO_MANIFEST_DIR"));
        let doc = Document::load(&path).expect("fixture");
        let pid = *doc.get_pages().values().next().expect("a page");
        let (res, ids) = doc.get_page_resources(pid).expect("resources");
        let res = res.or_else(|| {
            ids.first()
                .and_then(|id| doc.get_object(*id).ok()?.as_dict().ok())
        });
        let mut out = String::new();
        walk(&doc, &doc.get_page_content(pid), res, &mut out, 0);
        out.retain(|c| !c.is_whitespace());
        out
    }

    fn walk(doc: &Document, data: &[u8], res: Option<&Dictionary>, out: &mut String, depth: u8) {
        let ops = lopdf::content::Content::decode(data).map_or(Vec::new(), |c| c.operations);
        let sub = |key: &[u8]| res.and_then(|r| dict_at(doc, r, key));
        let mut font: Option<Font> = None;
        let mut decoded = Vec::new();
        for op in ops {
            match (op.operator.as_str(), op.operands.first()) {
                ("Tf", Some(Object::Name(n))) => {
                    font = sub(b"Font")
                        .and_then(|f| dict_at(doc, f, n))
                        .map(|d| Font::load(doc, d, "F").0);
                }
                ("Do", Some(Object::Name(n))) if depth < 4 => {
                    let Some(Object::Stream(s)) = sub(b"XObject")
                        .and_then(|x| x.get(n).ok())
                        .map(|o| deref(doc, o))
                    else {
                        continue;
                    };
                    let r = dict_at(doc, &s.dict, b"Resources").or(res);
                    walk(
                        doc,
                        &s.get_plain_content().unwrap_or_default(),
                        r,
                        out,
                        depth + 1,
                    );
                }
                ("Tj" | "'" | "\"" | "TJ", _) => {
                    let Some(f) = &font else { continue };
                    for o in &op.operands {
                        let strings = match o {
                            Object::Array(a) => a.iter().collect(),
                            o => vec![o],
                        };
                        for s in strings.into_iter().filter_map(|o| o.as_str().ok()) {
                            decoded.clear();
                            f.decode(s, &mut decoded);
                            decoded.iter().for_each(|d| out.push_str(&d.text));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Fixtures in tests/fixtures/fonts (see its README) against pdftotext's text.
    #[test]
    fn real_files_match_pdftotext() {
        for (file, want) in [
            ("noembed-sjis.pdf", "あいうえお"),
            ("noembed-eucjp.pdf", "あいうえお"),
            ("noembed-jis7.pdf", "ABCあいうえお1231"),
            ("vertical.pdf", "あいうえお日本語"),
            ("issue11555.pdf", "abcあいうabcあいう"),
            ("noembed-identity-2.pdf", "あAbstract012"),
            ("90ms_rksj_h_sample.pdf", "HelloASCII日本語テスト"),
            (
                "javauninstall-7r.pdf",
                "の削除・インストールについて【【の場合】の削除】メニューの「スタート」⇒\
                 「コントロールパネル」⇒「プログラムのアンインストール」を押下します。一覧の中\
                 にある※「」「のソフトを、全て削除して下さい。」「」等の表記がございます。",
            ),
        ] {
            // Same characters; their order on the page is the layout stage's business.
            let sorted = |s: &str| {
                let mut v: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
                v.sort_unstable();
                v.into_iter().collect::<String>()
            };
            assert_eq!(sorted(&page_text(file)), sorted(want), "{file}");
        }
    }
}
