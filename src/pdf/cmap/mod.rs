//! CMaps: character codes → CIDs (code-space ranges, cidrange, usecmap) and → Unicode
//! (ToUnicode bfchar/bfrange); the predefined Adobe-Japan1 set vendored in dictionaries/cmap.
//!
//! [`CMap`] splits a byte string into variable-length codes and maps them to CIDs;
//! [`ToUnicode`] maps codes (or, for the Adobe-Japan1-UCS2 table, CIDs) to text. Both are
//! immutable after parsing, `Send + Sync`, and looked up by binary search over disjoint ranges.
//! Predefined CMaps are parsed once per process on first use ([`predefined`]).

mod parse;
mod predefined;
mod ranges;

pub(crate) use ranges::RangeMap;

pub use predefined::{adobe_japan1_ucs2, predefined, predefined_names};

use parse::{BfDest, Codespace, Parsed};
use std::sync::Arc;

/// How deep `usecmap` chains may go (real ones have one level).
const MAX_USECMAP_DEPTH: usize = 8;

/// An encoding CMap: bytes → (code, length) → CID.
#[derive(Debug, Clone)]
pub struct CMap {
    name: String,
    vertical: bool,
    identity: bool,
    /// Own ranges followed by the parent's, sorted by code length.
    codespace: Vec<Codespace>,
    /// Key `(length << 32) | code` → first CID of the range.
    cids: RangeMap<u32>,
    notdef: RangeMap<u32>,
    parent: Option<Arc<CMap>>,
    ordering: Option<String>,
}

impl CMap {
    /// Identity-H (`vertical` false) or Identity-V: two-byte codes equal to their CIDs.
    pub fn identity(vertical: bool) -> CMap {
        CMap {
            name: if vertical { "Identity-V" } else { "Identity-H" }.to_string(),
            vertical,
            identity: true,
            codespace: vec![Codespace {
                len: 2,
                lo: [0; 4],
                hi: [0xff, 0xff, 0, 0],
            }],
            cids: RangeMap::default(),
            notdef: RangeMap::default(),
            parent: None,
            ordering: None,
        }
    }

    /// Parse CMap text. `usecmap` names are resolved among the predefined CMaps; `use_cmap`
    /// (an embedded stream's /UseCMap) takes the place of a missing `usecmap`. Problems are
    /// appended to `warnings`; whatever could be read is kept.
    pub fn parse(data: &[u8], use_cmap: Option<Arc<CMap>>, warnings: &mut Vec<String>) -> CMap {
        Self::parse_depth(data, use_cmap, warnings, 0)
    }

    fn parse_depth(
        data: &[u8],
        use_cmap: Option<Arc<CMap>>,
        warnings: &mut Vec<String>,
        depth: usize,
    ) -> CMap {
        let p = parse::parse(data);
        let parent = match &p.usecmap {
            Some(n) if depth < MAX_USECMAP_DEPTH && Some(n) != p.name.as_ref() => {
                let found = predefined::lookup(n, depth + 1);
                if found.is_none() {
                    warnings.push(format!("cmap: usecmap {n} is not a known CMap"));
                }
                found.or(use_cmap)
            }
            Some(n) => {
                warnings.push(format!("cmap: usecmap {n} loops or nests too deep"));
                use_cmap
            }
            None => use_cmap,
        };
        if p.codespace.is_empty() && parent.is_none() {
            warnings.push("cmap: no codespacerange".to_string());
        }
        Self::from_parsed(p, parent)
    }

    fn from_parsed(p: Parsed, parent: Option<Arc<CMap>>) -> CMap {
        let key = |len: u8, code: u32| (len as u64) << 32 | code as u64;
        let cid: Vec<(u64, u64, u32)> = p
            .cid
            .iter()
            .map(|&(lo, hi, len, c)| (key(len, lo), key(len, hi), c))
            .collect();
        let notdef: Vec<(u64, u64, u32)> = p
            .notdef
            .iter()
            .map(|&(lo, hi, len, c)| (key(len, lo), key(len, hi), c))
            .collect();
        let mut codespace = p.codespace;
        if let Some(par) = &parent {
            codespace.extend(par.codespace.iter().copied());
        }
        codespace.sort_by_key(|c| c.len);
        codespace.dedup();
        let vertical = match p.wmode {
            Some(w) => w == 1,
            None => parent.as_ref().is_some_and(|c| c.vertical),
        };
        let ordering = p
            .ordering
            .or_else(|| parent.as_ref().and_then(|c| c.ordering.clone()));
        CMap {
            name: p.name.unwrap_or_default(),
            vertical,
            identity: false,
            codespace,
            cids: RangeMap::build(&cid),
            notdef: RangeMap::build(&notdef),
            parent,
            ordering,
        }
    }

    /// The CMap's name (/CMapName).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// WMode 1.
    pub fn vertical(&self) -> bool {
        self.vertical
    }

    /// Whether any code-space range is known (a CMap without one cannot cut codes).
    pub fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// Identity-H/V.
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// The /CIDSystemInfo Ordering the CMap declares, e.g. "Japan1".
    pub fn ordering(&self) -> Option<&str> {
        self.ordering.as_deref()
    }

    /// Next code at the start of `bytes` (non-empty): `(code, byte length, CID)`.
    ///
    /// Codes are matched against the code-space ranges, shortest first; a byte sequence that
    /// matches none is consumed as a one-byte code with CID 0 (poppler and pdf.js do the same).
    #[inline]
    pub fn next(&self, bytes: &[u8]) -> (u32, usize, u32) {
        if self.identity {
            return match bytes {
                [a, b, ..] => {
                    let c = (*a as u32) << 8 | *b as u32;
                    (c, 2, c)
                }
                [a] => (*a as u32, 1, 0),
                [] => (0, 0, 0),
            };
        }
        let Some(&first) = bytes.first() else {
            return (0, 0, 0);
        };
        for cs in &self.codespace {
            let n = cs.len as usize;
            let Some(head) = bytes.get(..n) else { break };
            let inside = head
                .iter()
                .zip(cs.lo.iter().zip(&cs.hi))
                .all(|(b, (lo, hi))| lo <= b && b <= hi);
            if inside {
                let code = head.iter().fold(0u32, |a, &b| a << 8 | b as u32);
                return (code, n, self.cid(code, n as u8));
            }
        }
        (first as u32, 1, self.cid(first as u32, 1))
    }

    /// The CID of a code of `len` bytes (0 = .notdef).
    pub fn cid(&self, code: u32, len: u8) -> u32 {
        if self.identity {
            return if len == 2 { code } else { 0 };
        }
        let key = (len as u64) << 32 | code as u64;
        let mut cm = self;
        loop {
            if let Some((c, off)) = cm.cids.get(key) {
                return c.saturating_add(off as u32);
            }
            match &cm.parent {
                Some(p) => cm = p,
                None => break,
            }
        }
        let mut cm = self;
        loop {
            // notdef ranges map a whole range to one CID.
            if let Some((c, _)) = cm.notdef.get(key) {
                return c;
            }
            match &cm.parent {
                Some(p) => cm = p,
                None => return 0,
            }
        }
    }
}

/// Destination of a Unicode mapping range.
#[derive(Debug, Clone, Copy)]
enum Dest {
    /// One code point; a range adds its offset.
    Char(u32),
    /// `len` chars in the pool from `start`; a range adds its offset to the last one.
    Seq(u32, u16),
}

/// A code (or CID) → Unicode map: a /ToUnicode CMap or Adobe-Japan1-UCS2.
#[derive(Debug, Clone, Default)]
pub struct ToUnicode {
    map: RangeMap<Dest>,
    pool: Vec<char>,
}

/// One character of Adobe-Japan1-UCS2 as poppler would give it (see `from_parsed`).
fn collection_char(c: char) -> char {
    use unicode_normalization::UnicodeNormalization;
    match c as u32 {
        0x2002 => ' ',
        0xF900..=0xFAFF | 0x2F800..=0x2FA1F => std::iter::once(c).nfc().next().unwrap_or(c),
        _ => c,
    }
}

fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// Decode UTF-16BE (single bytes are taken as Latin-1; lone surrogates are dropped).
fn utf16_chars(bytes: &[u8], out: &mut Vec<char>) {
    out.clear();
    if let [b] = bytes {
        out.push(*b as char);
        return;
    }
    let units = bytes.chunks(2).map(|c| match c {
        [a, b] => (*a as u16) << 8 | *b as u16,
        [a] => *a as u16,
        _ => 0,
    });
    out.extend(char::decode_utf16(units).filter_map(Result::ok));
}

impl ToUnicode {
    /// Parse a ToUnicode CMap. Never fails; unreadable entries are skipped.
    pub fn parse(data: &[u8]) -> ToUnicode {
        Self::from_parsed(parse::parse(data), false)
    }

    /// `collection`: the map is Adobe-Japan1-UCS2, made to agree with poppler's CID tables:
    /// variation selectors dropped, CJK compatibility ideographs unified (NFC), and the
    /// half-width space CID 231 read as U+0020 rather than U+2002.
    fn from_parsed(p: Parsed, collection: bool) -> ToUnicode {
        let mut pool = Vec::new();
        let mut entries = Vec::with_capacity(p.bf.len());
        let mut chars = Vec::new();
        for (lo, hi, dest) in &p.bf {
            match dest {
                BfDest::Bytes(b) => utf16_chars(b, &mut chars),
                BfDest::Name(n) => {
                    chars.clear();
                    if let Some(s) = crate::pdf::font::glyph_names::to_unicode(n) {
                        chars.extend(s.chars());
                    }
                }
            }
            if collection {
                chars.retain(|c| !is_variation_selector(*c));
                for c in chars.iter_mut() {
                    *c = collection_char(*c);
                }
            }
            let d = match chars.as_slice() {
                [] => continue,
                [c] => Dest::Char(*c as u32),
                many => {
                    let start = pool.len() as u32;
                    let len = many.len().min(u16::MAX as usize) as u16;
                    pool.extend_from_slice(&many[..len as usize]);
                    Dest::Seq(start, len)
                }
            };
            entries.push((*lo as u64, *hi as u64, d));
        }
        ToUnicode {
            map: RangeMap::build(&entries),
            pool,
        }
    }

    /// Append the text of `code` to `out`; false when unmapped.
    #[inline]
    pub fn lookup(&self, code: u32, out: &mut String) -> bool {
        let Some((d, off)) = self.map.get(code as u64) else {
            return false;
        };
        let off = off as u32;
        match d {
            Dest::Char(c) => match char::from_u32(c.wrapping_add(off)) {
                Some(ch) => {
                    out.push(ch);
                    true
                }
                None => false,
            },
            Dest::Seq(start, len) => {
                let s = start as usize;
                let Some(seq) = self.pool.get(s..s + len as usize) else {
                    return false;
                };
                let Some((last, init)) = seq.split_last() else {
                    return false;
                };
                let Some(last) = char::from_u32((*last as u32).wrapping_add(off)) else {
                    return false;
                };
                out.extend(init);
                out.push(last);
                true
            }
        }
    }

    /// Whether `code` has a mapping.
    pub fn contains(&self, code: u32) -> bool {
        self.map.get(code as u64).is_some()
    }

    /// Number of mapping intervals (0 = empty map).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// No mappings at all.
    pub fn is_empty(&self) -> bool {
        self.map.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tu(s: &str) -> ToUnicode {
        ToUnicode::parse(s.as_bytes())
    }

    fn text(t: &ToUnicode, code: u32) -> Option<String> {
        let mut s = String::new();
        t.lookup(code, &mut s).then_some(s)
    }

    #[test]
    fn tounicode_forms() {
        let t = tu("2 beginbfchar <0003> <0020> <0010> <00660066> endbfchar\n\
             3 beginbfrange <0100> <0102> <65E5> <0200> <0201> [<6708> <D842DFB7>]\n\
             <0300> <0301> <00660069> endbfrange");
        assert_eq!(text(&t, 3).as_deref(), Some(" "));
        assert_eq!(text(&t, 0x10).as_deref(), Some("ff"));
        assert_eq!(text(&t, 0x100).as_deref(), Some("日"));
        assert_eq!(text(&t, 0x102).as_deref(), Some("旧"));
        assert_eq!(text(&t, 0x200).as_deref(), Some("月"));
        assert_eq!(text(&t, 0x201).as_deref(), Some("𠮷"));
        assert_eq!(text(&t, 0x301).as_deref(), Some("fj"));
        assert_eq!(text(&t, 0x4), None);
        assert!(t.contains(0x101));
    }

    #[test]
    fn later_entries_win() {
        let t = tu("beginbfrange <00> <0f> <0041> endbfrange beginbfchar <05> <0078> endbfchar");
        assert_eq!(text(&t, 4).as_deref(), Some("E"));
        assert_eq!(text(&t, 5).as_deref(), Some("x"));
        assert_eq!(text(&t, 6).as_deref(), Some("G"));
    }

    #[test]
    fn embedded_cmap_with_usecmap_and_codespace() {
        let mut w = Vec::new();
        let cm = CMap::parse(
            b"/CMapName /My-H def 2 begincodespacerange <00> <7f> <8000> <ffff> endcodespacerange\
              1 begincidrange <8000> <80ff> 500 endcidrange 1 begincidchar <41> 34 endcidchar\
              1 beginnotdefrange <00> <1f> 1 endnotdefrange",
            None,
            &mut w,
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(cm.next(b"A\x80\x01"), (0x41, 1, 34));
        assert_eq!(cm.next(b"\x80\x01"), (0x8001, 2, 501));
        assert_eq!(cm.next(b"\x05"), (5, 1, 1));
        assert_eq!(cm.next(b"\x42"), (0x42, 1, 0));
        // A lone lead byte at the end is one byte, CID 0.
        assert_eq!(cm.next(b"\x80"), (0x80, 1, 0));
        // usecmap to a predefined CMap: own entries first, then the parent's.
        let cm = CMap::parse(
            b"/90ms-RKSJ-H usecmap 1 begincidchar <93fa> 1 endcidchar",
            None,
            &mut w,
        );
        assert_eq!(cm.next(b"\x93\xfa"), (0x93fa, 2, 1));
        assert_eq!(cm.next(b"\x82\xa0").2, 843); // あ in Adobe-Japan1
        assert_eq!(cm.next(b"A"), (0x41, 1, 264));
        let cm = CMap::parse(b"/Nope-H usecmap", None, &mut w);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(cm.next(b"AB").1, 1);
    }

    #[test]
    fn identity() {
        let cm = CMap::identity(true);
        assert!(cm.vertical());
        assert_eq!(cm.next(b"\x12\x34\x56"), (0x1234, 2, 0x1234));
        assert_eq!(cm.next(b"\x12"), (0x12, 1, 0));
        assert_eq!(cm.next(b""), (0, 0, 0));
    }
}
