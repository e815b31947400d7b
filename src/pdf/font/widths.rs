//! Glyph metrics: CID fonts' /W and /W2 arrays, and the standard-14 widths used when a simple
//! font has no /Widths.

use super::encodings;
use crate::pdf::cmap::RangeMap;
use lopdf::{Document, Object};

/// A number, following references.
pub(crate) fn num(doc: &Document, o: &Object) -> Option<f32> {
    let o = match o {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        o => o,
    };
    o.as_float().ok().filter(|v| v.is_finite())
}

/// An array, following references.
pub(crate) fn array<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Vec<Object>> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_array().ok(),
        o => o.as_array().ok(),
    }
}

/// Entries of a /W (`group` = 1) or /W2 (`group` = 3) array: `c [v…]` or `cfirst clast v…`,
/// as `(first CID, last CID, values)` in glyph units (not yet /1000).
fn cid_entries<const N: usize>(
    doc: &Document,
    w: &[Object],
    warnings: &mut Vec<String>,
) -> Vec<(u64, u64, [f32; N])> {
    let mut out = Vec::new();
    let mut i = 0;
    let cid = |o: &Object| num(doc, o).filter(|v| *v >= 0.0 && *v <= u32::MAX as f32);
    while i < w.len() {
        let Some(first) = w.get(i).and_then(cid) else {
            warnings.push("font: bad /W entry".into());
            break;
        };
        let first = first as u64;
        match w.get(i + 1) {
            Some(next) if array(doc, next).is_some() => {
                let vals = array(doc, next).map(Vec::as_slice).unwrap_or_default();
                for (k, chunk) in vals.chunks_exact(N).enumerate() {
                    let mut v = [0f32; N];
                    for (slot, o) in v.iter_mut().zip(chunk) {
                        *slot = num(doc, o).unwrap_or(0.0);
                    }
                    let c = first + k as u64;
                    out.push((c, c, v));
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(vals)) = (cid(last), w.get(i + 2..i + 2 + N)) else {
                    warnings.push("font: truncated /W entry".into());
                    break;
                };
                let mut v = [0f32; N];
                for (slot, o) in v.iter_mut().zip(vals) {
                    *slot = num(doc, o).unwrap_or(0.0);
                }
                out.push((first, last as u64, v));
                i += 2 + N;
            }
            None => break,
        }
    }
    out
}

/// CID widths (/W, /DW) and vertical metrics (/W2, /DW2), in glyph units.
#[derive(Debug, Clone)]
pub(crate) struct CidMetrics {
    w: RangeMap<f32>,
    dw: f32,
    w2: RangeMap<[f32; 3]>,
    /// (vy of the position vector, w1y).
    dw2: (f32, f32),
}

impl CidMetrics {
    /// Read the metrics of a CIDFont dictionary.
    pub(crate) fn load(
        doc: &Document,
        cid_font: &lopdf::Dictionary,
        warnings: &mut Vec<String>,
    ) -> Self {
        let get = |k: &[u8]| cid_font.get(k).ok();
        let dw = get(b"DW").and_then(|o| num(doc, o)).unwrap_or(1000.0);
        let w = get(b"W")
            .and_then(|o| array(doc, o))
            .map(|a| cid_entries::<1>(doc, a, warnings))
            .unwrap_or_default();
        let w: Vec<(u64, u64, f32)> = w.into_iter().map(|(a, b, v)| (a, b, v[0])).collect();
        let w2 = get(b"W2")
            .and_then(|o| array(doc, o))
            .map(|a| cid_entries::<3>(doc, a, warnings))
            .unwrap_or_default();
        let dw2 = get(b"DW2")
            .and_then(|o| array(doc, o))
            .and_then(|a| Some((num(doc, a.first()?)?, num(doc, a.get(1)?)?)))
            .unwrap_or((880.0, -1000.0));
        CidMetrics {
            w: RangeMap::build(&w),
            dw,
            w2: RangeMap::build(&w2),
            dw2,
        }
    }

    /// Defaults only (DW 1000, DW2 [880 -1000]).
    pub(crate) fn default_metrics() -> Self {
        CidMetrics {
            w: RangeMap::default(),
            dw: 1000.0,
            w2: RangeMap::default(),
            dw2: (880.0, -1000.0),
        }
    }

    /// Horizontal advance of a CID in glyph units.
    #[inline]
    pub(crate) fn width(&self, cid: u32) -> f32 {
        self.w.get(cid as u64).map_or(self.dw, |(w, _)| w)
    }

    /// Vertical metrics of a CID whose horizontal width is `w`: (w1y, vx, vy) in glyph units.
    #[inline]
    pub(crate) fn vertical(&self, cid: u32, w: f32) -> (f32, f32, f32) {
        match self.w2.get(cid as u64) {
            Some(([w1y, vx, vy], _)) => (w1y, vx, vy),
            None => (self.dw2.1, w / 2.0, self.dw2.0),
        }
    }
}

/// Which built-in metrics a simple font without /Widths falls back to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Standard {
    Courier,
    Helvetica,
    HelveticaBold,
    Times,
    TimesBold,
    TimesItalic,
    TimesBoldItalic,
    Symbol,
    ZapfDingbats,
}

impl Standard {
    /// Guess from the base font name (with the usual Arial/TimesNewRoman aliases) and the
    /// descriptor flags (1 fixed pitch, 2 serif, 0x40000 force bold), as poppler does.
    pub(crate) fn guess(base: &str, flags: u32) -> Standard {
        let n: String = base
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let bold = n.contains("bold") || n.contains("black") || flags & 0x40000 != 0;
        let italic = n.contains("italic") || n.contains("oblique");
        if n.contains("courier") || n.contains("mono") || flags & 1 != 0 {
            Standard::Courier
        } else if n.contains("zapf") || n.contains("dingbat") {
            Standard::ZapfDingbats
        } else if n == "symbol" || n.starts_with("symbolmt") {
            Standard::Symbol
        } else if n.contains("times") || n.contains("serif") && !n.contains("sans") || {
            flags & 2 != 0 && !n.contains("arial") && !n.contains("helvetica")
        } {
            match (bold, italic) {
                (true, true) => Standard::TimesBoldItalic,
                (true, false) => Standard::TimesBold,
                (false, true) => Standard::TimesItalic,
                (false, false) => Standard::Times,
            }
        } else if bold {
            Standard::HelveticaBold
        } else {
            Standard::Helvetica
        }
    }

    /// Width in glyph units of code `code` whose text is `text`.
    pub(crate) fn width(self, code: u8, text: &str) -> f32 {
        let (table, key) = match self {
            Standard::Courier => return 600.0,
            Standard::Symbol => (encodings::W_SYMBOL, code as u32),
            Standard::ZapfDingbats => (encodings::W_ZAPFDINGBATS, code as u32),
            s => {
                let t = match s {
                    Standard::HelveticaBold => encodings::W_HELVETICA_BOLD,
                    Standard::Times => encodings::W_TIMES_ROMAN,
                    Standard::TimesBold => encodings::W_TIMES_BOLD,
                    Standard::TimesItalic => encodings::W_TIMES_ITALIC,
                    Standard::TimesBoldItalic => encodings::W_TIMES_BOLDITALIC,
                    _ => encodings::W_HELVETICA,
                };
                let mut cs = text.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => (t, c as u32),
                    _ => return 500.0,
                }
            }
        };
        let Ok(key) = u16::try_from(key) else {
            return 500.0;
        };
        table
            .binary_search_by_key(&key, |&(k, _)| k)
            .ok()
            .and_then(|i| table.get(i))
            .map_or(500.0, |&(_, w)| w as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Object};

    #[test]
    fn w_both_forms_and_w2() {
        let doc = Document::with_version("1.5");
        let d = dictionary! {
            "W" => vec![
                Object::Integer(1), Object::Array(vec![500.into(), 600.into()]),
                Object::Integer(10), Object::Integer(20), Object::Real(250.5),
            ],
            "DW" => 900,
            "W2" => vec![
                Object::Integer(5), Object::Array(vec![(-900).into(), 250.into(), 800.into()]),
                Object::Integer(30), Object::Integer(31), (-500).into(), 100.into(), 700.into(),
            ],
        };
        let mut w = Vec::new();
        let m = CidMetrics::load(&doc, &d, &mut w);
        assert!(w.is_empty());
        assert_eq!(m.width(1), 500.0);
        assert_eq!(m.width(2), 600.0);
        assert_eq!(m.width(3), 900.0);
        assert_eq!(m.width(15), 250.5);
        assert_eq!(m.width(21), 900.0);
        assert_eq!(m.vertical(5, 1000.0), (-900.0, 250.0, 800.0));
        assert_eq!(m.vertical(31, 1000.0), (-500.0, 100.0, 700.0));
        assert_eq!(m.vertical(6, 1000.0), (-1000.0, 500.0, 880.0));
        // Truncated arrays warn and keep what was read.
        let d = dictionary! { "W" => vec![Object::Integer(1), Object::Integer(2)] };
        let m = CidMetrics::load(&doc, &d, &mut w);
        assert_eq!(w.len(), 1);
        assert_eq!(m.width(1), 1000.0);
    }

    #[test]
    fn standard_widths() {
        assert_eq!(Standard::guess("Arial,Bold", 0), Standard::HelveticaBold);
        assert_eq!(Standard::guess("TimesNewRomanPSMT", 0), Standard::Times);
        assert_eq!(Standard::guess("Courier-Oblique", 0), Standard::Courier);
        assert_eq!(Standard::Helvetica.width(b'a', "a"), 556.0);
        assert_eq!(Standard::Times.width(b' ', " "), 250.0);
        assert_eq!(Standard::Courier.width(b'W', "W"), 600.0);
        assert_eq!(Standard::Helvetica.width(0, "日"), 500.0);
    }
}
