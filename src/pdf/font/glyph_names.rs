//! Glyph names → Unicode: the Adobe Glyph List (dictionaries/glyphlist, BSD-3-Clause, Adobe)
//! plus the AGL specification's rules for `uniXXXX`, `uXXXX[XX]`, ligatures (`f_f_i`) and
//! suffixes (`a.sc`). Names like `g12`, `cid123` or `glyph7` carry no Unicode and get none.

use flate2::read::GzDecoder;
use std::io::Read;
use std::sync::OnceLock;

static GLYPHLIST_GZ: &[u8] = include_bytes!("../../../dictionaries/glyphlist/glyphlist.txt.gz");

/// (name, text) sorted by name.
fn table() -> &'static [(Box<str>, Box<str>)] {
    static TABLE: OnceLock<Vec<(Box<str>, Box<str>)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut text = String::new();
        let _ = GzDecoder::new(GLYPHLIST_GZ)
            .take(1 << 20)
            .read_to_string(&mut text);
        let mut v: Vec<(Box<str>, Box<str>)> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, codes) = l.split_once(';')?;
                let s: Option<String> = codes
                    .split(' ')
                    .map(|h| u32::from_str_radix(h, 16).ok().and_then(char::from_u32))
                    .collect();
                Some((name.into(), s?.into()))
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        v
    })
}

fn agl(name: &str) -> Option<&'static str> {
    let t = table();
    t.binary_search_by(|(n, _)| n.as_ref().cmp(name))
        .ok()
        .and_then(|i| t.get(i))
        .map(|(_, s)| s.as_ref())
}

fn hex_char(h: &str) -> Option<char> {
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    // Surrogates are not characters (char::from_u32 refuses them).
    char::from_u32(v)
}

fn component(c: &str, out: &mut String) -> bool {
    if let Some(s) = agl(c) {
        out.push_str(s);
        return true;
    }
    if let Some(hex) = c.strip_prefix("uni") {
        if !hex.is_empty() && hex.len() % 4 == 0 && hex.is_ascii() {
            let start = out.len();
            for i in (0..hex.len()).step_by(4) {
                match hex.get(i..i + 4).and_then(hex_char) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.truncate(start);
                        return false;
                    }
                }
            }
            return true;
        }
    }
    if let Some(hex) = c.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) {
            if let Some(ch) = hex_char(hex) {
                out.push(ch);
                return true;
            }
        }
    }
    false
}

/// The Unicode text of a glyph name (bytes as found in a PDF name), if it has one.
pub(crate) fn to_unicode(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.split('.').next().unwrap_or_default();
    if base.is_empty() {
        return None;
    }
    let mut out = String::new();
    for c in base.split('_') {
        if !component(c, &mut out) {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::to_unicode;

    fn t(n: &str) -> Option<String> {
        to_unicode(n.as_bytes())
    }

    #[test]
    fn names() {
        assert_eq!(t("Adieresis").as_deref(), Some("Ä"));
        assert_eq!(t("space").as_deref(), Some(" "));
        assert_eq!(t("uni65E5").as_deref(), Some("日"));
        assert_eq!(t("uni65e5").as_deref(), Some("日"));
        assert_eq!(t("uni00660069").as_deref(), Some("fi"));
        assert_eq!(t("u20BB7").as_deref(), Some("𠮷"));
        assert_eq!(t("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(t("fi").as_deref(), Some("ﬁ"));
        assert_eq!(t("a.sc").as_deref(), Some("a"));
        assert_eq!(t("uniD800"), None);
        assert_eq!(t(".notdef"), None);
        assert_eq!(t("g12"), None);
        assert_eq!(t("cid123"), None);
        assert_eq!(t("glyph7"), None);
        assert_eq!(t(""), None);
        assert_eq!(to_unicode(b"\xff\xfe"), None);
    }
}
