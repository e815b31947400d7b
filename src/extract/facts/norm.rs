//! A line's text in the form the fact patterns read: NFKC per char (full-width digits and
//! Latin → ASCII, （）→(), ～→~, Kangxi radicals → ideographs), 〜/− folded, and spaces removed
//! except between two ASCII letters or digits (layouts put spaces in `令和 4 年`, `８０ . ０`).
//! Every char keeps the index of the original char it came from, for bounding boxes.

use unicode_normalization::UnicodeNormalization;

/// A normalized line.
#[derive(Debug, Clone, Default)]
pub struct Norm {
    /// The normalized text.
    pub text: String,
    /// For each char of `text`, the index of the char of the original it came from.
    pub origin: Vec<usize>,
    /// The same with runs of spaces kept as one space (names like `安西 智宏` need them).
    pub spaced: String,
    /// Origins of `spaced`.
    pub spaced_origin: Vec<usize>,
    /// For each char of `text`, whether spaces were dropped right before it.
    pub gap_before: Vec<bool>,
}

impl Norm {
    /// Normalize `s`.
    pub fn new(s: &str) -> Norm {
        let mut folded: Vec<(char, usize)> = Vec::with_capacity(s.len());
        for (i, c) in s.chars().enumerate() {
            match c {
                '〜' | '～' => folded.push(('~', i)),
                '−' | '‐' | '‑' | '–' => folded.push(('-', i)),
                c if c.is_whitespace() => folded.push((' ', i)),
                c if c.is_ascii() => folded.push((c, i)),
                // Circled and parenthesised numbers (①, ⑴, ㉑) are list markers, not digits.
                '\u{2460}'..='\u{24ff}'
                | '\u{2776}'..='\u{2793}'
                | '\u{3251}'..='\u{325f}'
                | '\u{32b1}'..='\u{32bf}' => folded.push((c, i)),
                c => {
                    for d in std::iter::once(c).nfkc() {
                        folded.push((if d.is_whitespace() { ' ' } else { d }, i));
                    }
                }
            }
        }
        let mut n = Norm::default();
        let mut k = 0;
        let mut gap = false;
        while k < folded.len() {
            let (c, i) = folded[k];
            if c != ' ' {
                n.text.push(c);
                n.origin.push(i);
                n.gap_before.push(gap);
                gap = false;
                n.spaced.push(c);
                n.spaced_origin.push(i);
                k += 1;
                continue;
            }
            let mut j = k;
            while j < folded.len() && folded[j].0 == ' ' {
                j += 1;
            }
            let before = n.text.chars().next_back();
            let after = folded.get(j).map(|x| x.0);
            if let (Some(b), Some(a)) = (before, after) {
                if b.is_ascii_alphanumeric() && a.is_ascii_alphanumeric() {
                    n.text.push(' ');
                    n.origin.push(i);
                    n.gap_before.push(false);
                } else {
                    gap = true;
                }
                n.spaced.push(' ');
                n.spaced_origin.push(i);
            }
            k = j;
        }
        n
    }

    /// Original char range of the normalized char range `a..b`.
    pub fn original(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        span(&self.origin, a, b)
    }

    /// Original char range of the `spaced` char range `a..b`.
    pub fn original_spaced(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        span(&self.spaced_origin, a, b)
    }
}

fn span(origin: &[usize], a: usize, b: usize) -> std::ops::Range<usize> {
    match (origin.get(a), b.checked_sub(1).and_then(|e| origin.get(e))) {
        (Some(&s), Some(&e)) if e >= s => s..e + 1,
        _ => 0..0,
    }
}

/// Char index of a byte offset in `s`.
pub fn char_index(s: &str, byte: usize) -> usize {
    s[..byte.min(s.len())].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_widths() {
        let n = Norm::new("令和 4 年度補正予算額 ８０ . ０億円");
        assert_eq!(n.text, "令和4年度補正予算額80.0億円");
        assert_eq!(n.original(0, 2), 0..2);
        let n = Norm::new("ACT-MS    86百万円 /13課題 Medical Imaging");
        assert_eq!(n.text, "ACT-MS 86百万円/13課題Medical Imaging");
        let n = Norm::new("安西 智宏　（株）テスト");
        assert_eq!(n.text, "安西智宏(株)テスト");
        assert_eq!(n.spaced, "安西 智宏 (株)テスト");
        assert_eq!(n.original_spaced(0, 5), 0..5);
    }
}
