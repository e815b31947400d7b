//! The predefined Adobe-Japan1 CMaps, gzip'ed in dictionaries/cmap/Adobe-Japan1 (BSD-3-Clause,
//! Adobe; see dictionaries/cmap/LICENSE), embedded in the binary and parsed once per process
//! on first use.

use super::parse::BfDest;
use super::{CMap, ToUnicode};
use flate2::read::GzDecoder;
use std::io::Read;
use std::sync::{Arc, OnceLock};

macro_rules! cmaps {
    ($($name:literal),* $(,)?) => {
        /// (name, gzip'ed CMap file), sorted by name.
        static FILES: &[(&str, &[u8])] = &[
            $(($name, include_bytes!(concat!("../../../dictionaries/cmap/Adobe-Japan1/", $name, ".gz")))),*
        ];
    };
}

cmaps!(
    "78-EUC-H",
    "78-EUC-V",
    "78-H",
    "78-RKSJ-H",
    "78-RKSJ-V",
    "78-V",
    "78ms-RKSJ-H",
    "78ms-RKSJ-V",
    "83pv-RKSJ-H",
    "90ms-RKSJ-H",
    "90ms-RKSJ-V",
    "90msp-RKSJ-H",
    "90msp-RKSJ-V",
    "90pv-RKSJ-H",
    "90pv-RKSJ-V",
    "Add-H",
    "Add-RKSJ-H",
    "Add-RKSJ-V",
    "Add-V",
    "EUC-H",
    "EUC-V",
    "Ext-H",
    "Ext-RKSJ-H",
    "Ext-RKSJ-V",
    "Ext-V",
    "H",
    "Hankaku",
    "Hiragana",
    "Katakana",
    "NWP-H",
    "NWP-V",
    "RKSJ-H",
    "RKSJ-V",
    "Roman",
    "UniJIS-UCS2-H",
    "UniJIS-UCS2-HW-H",
    "UniJIS-UCS2-HW-V",
    "UniJIS-UCS2-V",
    "UniJIS-UTF16-H",
    "UniJIS-UTF16-V",
    "UniJIS-UTF32-H",
    "UniJIS-UTF32-V",
    "UniJIS-UTF8-H",
    "UniJIS-UTF8-V",
    "UniJIS2004-UTF16-H",
    "UniJIS2004-UTF16-V",
    "UniJISPro-UCS2-HW-V",
    "UniJISPro-UCS2-V",
    "UniJISPro-UTF8-V",
    "V",
    "WP-Symbol",
);

static ADOBE_JAPAN1_UCS2: &[u8] =
    include_bytes!("../../../dictionaries/cmap/Adobe-Japan1/Adobe-Japan1-UCS2.gz");

/// Largest decompressed CMap we accept (the biggest vendored one is ~250 KB).
const MAX_CMAP_BYTES: u64 = 4 << 20;

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // The data is ours and known-good; a failure would leave an empty (harmless) CMap.
    let _ = GzDecoder::new(data)
        .take(MAX_CMAP_BYTES)
        .read_to_end(&mut out);
    out
}

fn cells() -> &'static [OnceLock<Arc<CMap>>] {
    static CELLS: OnceLock<Vec<OnceLock<Arc<CMap>>>> = OnceLock::new();
    CELLS.get_or_init(|| FILES.iter().map(|_| OnceLock::new()).collect())
}

/// Names of the predefined CMaps available (plus Identity-H and Identity-V).
pub fn predefined_names() -> impl Iterator<Item = &'static str> {
    FILES
        .iter()
        .map(|(n, _)| *n)
        .chain(["Identity-H", "Identity-V"])
}

/// A predefined CMap by name (Identity-H/V, the Adobe-Japan1 set), parsed once per process.
pub fn predefined(name: &str) -> Option<Arc<CMap>> {
    lookup(name, 0)
}

/// `depth` counts `usecmap` nesting; vendored files nest once, so the bound only guards
/// against a cycle (which would otherwise re-enter a OnceLock being initialised).
pub(super) fn lookup(name: &str, depth: usize) -> Option<Arc<CMap>> {
    static IDENTITY: OnceLock<[Arc<CMap>; 2]> = OnceLock::new();
    match name {
        "Identity-H" | "Identity-V" => {
            let ids = IDENTITY.get_or_init(|| {
                [
                    Arc::new(CMap::identity(false)),
                    Arc::new(CMap::identity(true)),
                ]
            });
            return Some(ids[usize::from(name == "Identity-V")].clone());
        }
        _ => {}
    }
    let i = FILES.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
    if depth > 2 {
        return None;
    }
    let (_, gz) = FILES.get(i)?;
    let cell = cells().get(i)?;
    Some(
        cell.get_or_init(|| {
            let mut warnings = Vec::new();
            Arc::new(CMap::parse_depth(&gunzip(gz), None, &mut warnings, depth))
        })
        .clone(),
    )
}

/// Adobe-Japan1 CID → Unicode (Adobe-Japan1-UCS2 adjusted to agree with poppler), parsed once.
///
/// Adobe maps the vertical-writing CIDs (rotated brackets, punctuation) to their horizontal
/// characters; poppler, and so pdftotext, gives the vertical presentation forms (U+FE10..,
/// U+FE30..). We follow poppler, deriving those CIDs from UniJIS-UTF16-H, which maps each
/// presentation form to its vertical CID.
pub fn adobe_japan1_ucs2() -> &'static ToUnicode {
    static MAP: OnceLock<ToUnicode> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut p = super::parse::parse(&gunzip(ADOBE_JAPAN1_UCS2));
        if let Some(uni) = lookup("UniJIS-UTF16-H", 0) {
            for cp in (0xFE10..=0xFE19u32).chain(0xFE30..=0xFE4F) {
                let cid = uni.cid(cp, 2);
                if cid != 0 {
                    p.bf.push((cid, cid, BfDest::Bytes((cp as u16).to_be_bytes().to_vec())));
                }
            }
        }
        ToUnicode::from_parsed(p, true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cid(cmap: &str, bytes: &[u8]) -> (u32, usize, u32) {
        predefined(cmap).expect(cmap).next(bytes)
    }

    fn uni(cid: u32) -> String {
        let mut s = String::new();
        adobe_japan1_ucs2().lookup(cid, &mut s);
        s
    }

    #[test]
    fn files_sorted_and_all_parse() {
        assert!(FILES.windows(2).all(|w| w[0].0 < w[1].0));
        for (name, _) in FILES {
            let cm = predefined(name).unwrap();
            assert_eq!(cm.name(), *name);
            assert_eq!(
                cm.vertical(),
                name.ends_with("-V") || *name == "V",
                "{name}"
            );
            assert!(!cm.codespace.is_empty(), "{name}");
        }
        assert!(predefined("No-Such-H").is_none());
    }

    #[test]
    fn japanese_cmaps() {
        // 日 is CID 3284 in Adobe-Japan1 and U+65E5.
        assert_eq!(cid("90ms-RKSJ-H", b"\x93\xfa"), (0x93fa, 2, 3284));
        assert_eq!(cid("90ms-RKSJ-V", b"\x93\xfa").2, 3284);
        assert_eq!(cid("90msp-RKSJ-H", b"\x93\xfa").2, 3284);
        assert_eq!(cid("RKSJ-H", b"\x93\xfa").2, 3284);
        assert_eq!(cid("EUC-H", b"\xc6\xfc"), (0xc6fc, 2, 3284));
        assert_eq!(cid("H", b"\x46\x7c"), (0x467c, 2, 3284));
        assert_eq!(cid("UniJIS-UCS2-H", b"\x65\xe5"), (0x65e5, 2, 3284));
        assert_eq!(cid("UniJIS-UTF16-H", b"\x65\xe5").2, 3284);
        assert_eq!(cid("UniJIS-UCS2-HW-H", b"\x65\xe5").2, 3284);
        assert_eq!(uni(3284), "日");
        // Space CIDs give U+0020 (Adobe says U+2002 for 231, poppler U+00A0).
        assert_eq!(uni(cid("90ms-RKSJ-H", b" ").2), " ");
        assert_eq!(uni(1), " ");
        // Vertical CIDs give vertical presentation forms, as in pdftotext: 、 → ︑.
        let v = cid("90ms-RKSJ-V", b"\x81\x41").2;
        assert_eq!(uni(v), "\u{fe11}");
        assert_eq!(uni(cid("90ms-RKSJ-H", b"\x81\x41").2), "、");
        // Compatibility ideographs are unified like poppler's table (CID 13684 → 割).
        assert_eq!(uni(13684), "割");
        // Shift_JIS one-byte codes: ASCII and half-width katakana.
        assert_eq!(cid("90ms-RKSJ-H", b"A\x93").1, 1);
        assert_eq!(uni(cid("90ms-RKSJ-H", b"A").2), "A");
        assert_eq!(uni(cid("90ms-RKSJ-H", b"\xb1").2), "ｱ");
        // Vertical forms come from the -V CMap: ー (81 5B) has a vertical CID.
        let h = cid("90ms-RKSJ-H", b"\x81\x5b").2;
        let v = cid("90ms-RKSJ-V", b"\x81\x5b").2;
        assert_ne!(h, v);
        assert_eq!(uni(h), "ー");
        // UTF-16 surrogate pair: 𠮷 U+20BB7.
        assert_eq!(cid("UniJIS-UTF16-H", b"\xd8\x42\xdf\xb7").1, 4);
        assert_ne!(cid("UniJIS-UTF16-H", b"\xd8\x42\xdf\xb7").2, 0);
        assert_eq!(cid("UniJIS-UTF8-H", "日".as_bytes()).2, 3284);
        assert_eq!(cid("UniJIS-UTF32-H", b"\x00\x00\x65\xe5").2, 3284);
        assert_eq!(cid("83pv-RKSJ-H", b"\x93\xfa").2, 3284);
        assert_eq!(cid("Add-RKSJ-H", b"\x93\xfa").2, 3284);
        assert_eq!(cid("EUC-V", b"\xc6\xfc").2, 3284);
        assert_eq!(cid("V", b"\x46\x7c").2, 3284);
        assert!(predefined("Identity-V").unwrap().vertical());
    }

    #[test]
    fn ucs2_drops_variation_selectors() {
        let t = adobe_japan1_ucs2();
        assert!(t.len() > 1000);
        // CID 0x46d maps to U+9022 U+E0100 in the file.
        assert_eq!(uni(0x46d), "\u{9022}");
    }
}
