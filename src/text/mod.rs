//! Lines → normalized text and Lindera tokens.
//!
//! The tokenizer is Lindera with IPADIC and seisaku's policy-term user dictionary, both built
//! by `build.rs` from `dictionaries/` and embedded in the binary; it is loaded once per process.
//! Before tokenizing, a line is [`prepare`]d: spaces between kanji/kana and digits are dropped
//! (a space there makes IPADIC read 年 as a common noun instead of a counter) and a few code
//! points are folded to the forms the dictionary uses. After tokenizing, digit groups split
//! at `,` or `.` are merged back into one number token, so `1,024百万円` keeps `1,024`.

mod dictionary;

use crate::layout::PageLayout;
use crate::model::Token;
use lindera::dictionary::WordId;
use lindera::segmenter::Segmenter;
use lindera::worker::SegmentWorker;
use std::cell::RefCell;
use std::sync::OnceLock;

pub use dictionary::load_segmenter;

/// Part of speech given to tokens from the policy-term user dictionary.
pub const POLICY_POS: &str = "policy";

/// One token of a text, located by char offsets in the text as given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    /// Char offset of the first char in the original text.
    pub char_start: usize,
    /// Char offset just past the last char in the original text.
    pub char_end: usize,
    /// Surface form (after [`prepare`]'s folding).
    pub surface: String,
    /// Base form; the surface for unknown words, numbers and policy terms.
    pub base_form: String,
    /// IPADIC major part of speech (名詞, 動詞 …), or [`POLICY_POS`].
    pub pos: String,
    /// IPADIC POS details 1–3 joined by `,` without trailing `*` (`固有名詞,人名,姓`,
    /// `接尾,助数詞`); the category for policy terms (府省庁, 機関, 事業, 用語, 法人格).
    pub pos_detail: String,
}

/// The process-wide segmenter, or `None` when the embedded dictionary cannot be loaded
/// (which would be a build defect; callers then produce no tokens instead of panicking).
pub fn segmenter() -> Option<&'static Segmenter> {
    static SEGMENTER: OnceLock<Option<Segmenter>> = OnceLock::new();
    SEGMENTER.get_or_init(|| load_segmenter().ok()).as_ref()
}

thread_local! {
    // A worker keeps its lattice buffers between calls: one per thread.
    static WORKER: RefCell<Option<SegmentWorker>> = const { RefCell::new(None) };
}

/// Tokens of every line of every page, line by line in reading order.
pub fn tokenize_pages(pages: &[PageLayout]) -> Vec<Token> {
    let mut out = Vec::new();
    for page in pages {
        for (li, line) in page.lines.iter().enumerate() {
            for (pos, w) in tokenize(&line.text).into_iter().enumerate() {
                out.push(Token {
                    page: page.number,
                    line: li as u32,
                    position: pos as u32,
                    char_start: w.char_start as u32,
                    surface: w.surface,
                    base_form: w.base_form,
                    pos: w.pos,
                });
            }
        }
    }
    out
}

/// Tokenize one line (or any text): words with char offsets into `text`.
pub fn tokenize(text: &str) -> Vec<Word> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let Some(seg) = segmenter() else {
        return Vec::new();
    };
    let (prepared, origin) = prepare(text);
    let cached = SEGMENTED.with(|m| m.borrow().get(&prepared).cloned());
    let segmented = cached.unwrap_or_else(|| {
        let words: std::rc::Rc<[Word]> = WORKER
            .with(|cell| {
                let mut slot = cell.borrow_mut();
                let worker = slot.get_or_insert_with(|| seg.new_worker());
                words(worker, &prepared)
            })
            .into();
        SEGMENTED.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= MAX_SEGMENTED {
                m.clear();
            }
            m.insert(prepared, words.clone());
        });
        words
    });
    segmented
        .iter()
        .map(|w| Word {
            char_start: origin[w.char_start],
            char_end: origin[w.char_end],
            ..w.clone()
        })
        .collect()
}

/// Segmentations kept per thread (see [`SEGMENTED`]).
const MAX_SEGMENTED: usize = 50_000;

thread_local! {
    // Segmentations by prepared text, offsets in chars of that text. A document's lines are
    // segmented twice, for the tokens table and (normalised, so often the same prepared text)
    // for the facts; running heads and table labels repeat across pages.
    static SEGMENTED: RefCell<std::collections::HashMap<String, std::rc::Rc<[Word]>>> =
        RefCell::new(std::collections::HashMap::new());
}

/// Words of a prepared text, their offsets in chars of `prepared`.
fn words(worker: &mut SegmentWorker, prepared: &str) -> Vec<Word> {
    let Ok(tokens) = worker.segment(prepared) else {
        return Vec::new();
    };
    // Byte offset → char index in `prepared`.
    let mut char_at = vec![0usize; prepared.len() + 1];
    let mut chars = 0;
    for (ci, (bi, _)) in prepared.char_indices().enumerate() {
        char_at[bi] = ci;
        chars = ci + 1;
    }
    char_at[prepared.len()] = chars;
    let raw: Vec<(usize, usize, Word)> = tokens
        .iter()
        .map(|t| {
            let surface = &prepared[t.byte_start..t.byte_end];
            let d = cached_details(t.word_id, t.dictionary, t.user_dictionary);
            let word = Word {
                char_start: char_at[t.byte_start],
                char_end: char_at[t.byte_end],
                surface: surface.to_string(),
                base_form: if &*d.base == "*" || d.base.is_empty() {
                    surface.to_string()
                } else {
                    d.base.to_string()
                },
                pos: d.pos.to_string(),
                pos_detail: d.detail.to_string(),
            };
            (t.byte_start, t.byte_end, word)
        })
        .collect();
    merge_numbers(raw)
}

/// Merge `1 | , | 024` and `3 | . | 5` (adjacent, a comma followed by three digits) into one
/// number token.
fn merge_numbers(mut raw: Vec<(usize, usize, Word)>) -> Vec<Word> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(is_digit);
    let mut out: Vec<Word> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let mut end = raw[i].1;
        let mut word = std::mem::take(&mut raw[i].2);
        i += 1;
        if digits(&word.surface) {
            let mut decimal = false;
            while i + 1 < raw.len() && !decimal {
                let (s1, e1, ref sep) = raw[i];
                let (s2, e2, ref num) = raw[i + 1];
                let comma = matches!(sep.surface.as_str(), "," | "，");
                let point = matches!(sep.surface.as_str(), "." | "．");
                let ok = s1 == end
                    && s2 == e1
                    && digits(&num.surface)
                    && (point || (comma && num.surface.chars().count() == 3));
                if !ok {
                    break;
                }
                decimal = point;
                word.surface.push_str(&sep.surface);
                word.surface.push_str(&num.surface);
                word.char_end = num.char_end;
                word.base_form.clone_from(&word.surface);
                end = e2;
                i += 2;
            }
        }
        out.push(word);
    }
    out
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// A word's dictionary details, decoded once per word id and thread.
struct Details {
    pos: Box<str>,
    detail: Box<str>,
    base: Box<str>,
}

thread_local! {
    // Decoding the packed detail fields costs as much as segmenting: cache them per word id
    // (a document uses a few thousand distinct words).
    static DETAILS: RefCell<std::collections::HashMap<(u8, u32), std::rc::Rc<Details>>> =
        RefCell::new(std::collections::HashMap::new());
}

fn cached_details(
    id: WordId,
    dict: &lindera::dictionary::Dictionary,
    user: Option<&lindera::dictionary::UserDictionary>,
) -> std::rc::Rc<Details> {
    let lex = if id.is_unknown() {
        0
    } else if id.is_system() {
        1
    } else {
        2
    };
    let key = (lex, id.id());
    DETAILS.with(|cell| {
        let mut map = cell.borrow_mut();
        if map.len() > 200_000 {
            map.clear();
        }
        map.entry(key)
            .or_insert_with(|| {
                let (pos, detail, base) = details(id, dict, user);
                std::rc::Rc::new(Details {
                    pos: pos.into(),
                    detail: detail.into(),
                    base: base.into(),
                })
            })
            .clone()
    })
}

/// (major POS, POS details 1–3, base form) of a token, borrowed from the dictionary.
fn details<'a>(
    id: WordId,
    dict: &'a lindera::dictionary::Dictionary,
    user: Option<&'a lindera::dictionary::UserDictionary>,
) -> (&'a str, String, &'a str) {
    let n = id.id() as usize;
    if !id.is_unknown() && !id.is_system() {
        let category = user
            .and_then(|u| u.word_details_iter(n).next())
            .unwrap_or("*");
        return (POLICY_POS, category.to_string(), "*");
    }
    // IPADIC fields: pos, detail1, detail2, detail3, conj type, conj form, base, reading, pron.
    let mut f = if id.is_unknown() {
        dict.unknown_word_details_iter(n)
    } else {
        dict.word_details_iter(n)
    };
    let pos = f.next().unwrap_or("*");
    let mut detail = String::new();
    for d in f.by_ref().take(3) {
        if d != "*" {
            if !detail.is_empty() {
                detail.push(',');
            }
            detail.push_str(d);
        }
    }
    let base = if id.is_unknown() {
        "*"
    } else {
        f.nth(2).unwrap_or("*")
    };
    (pos, detail, base)
}

/// Normalize a line for the tokenizer: drop spaces between kanji/kana and digits (either
/// order), and fold code points to the dictionary's forms (〜→～, −→－, Kangxi radicals →
/// ideographs). Returns the text and, for each of its chars plus one past the end, the char
/// index in the original.
pub fn prepare(text: &str) -> (String, Vec<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(chars.len() + 1);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\u{3000}' {
            let mut j = i;
            while j < chars.len() && (chars[j] == ' ' || chars[j] == '\u{3000}') {
                j += 1;
            }
            let before = out.chars().next_back();
            let after = chars.get(j).copied();
            if let (Some(b), Some(a)) = (before, after) {
                if (is_cjk(b) && is_digit(a)) || (is_digit(b) && is_cjk(a)) {
                    i = j;
                    continue;
                }
            }
        }
        out.push(fold(c));
        origin.push(i);
        i += 1;
    }
    origin.push(chars.len());
    (out, origin)
}

/// Kanji, kana or the iteration mark.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '々' | '〆')
}

/// One char to the form the dictionary sources use (they were decoded Windows-style).
fn fold(c: char) -> char {
    match c {
        '\u{301c}' => '～',
        '\u{2212}' => '－',
        '\u{2016}' => '∥',
        '\u{2f00}'..='\u{2fdf}' | '\u{f900}'..='\u{faff}' => {
            use unicode_normalization::UnicodeNormalization;
            let mut it = std::iter::once(c).nfkc();
            match (it.next(), it.next()) {
                (Some(d), None) => d,
                _ => c,
            }
        }
        _ => c,
    }
}

/// The key two texts are compared by (scorers, tests): look-alike dashes and waves folded
/// (before NFKC, which would map ～ to ~), Unicode NFKC, all whitespace removed.
pub fn comparison_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = s
        .chars()
        .map(|c| match c {
            '〜' => '～',
            '−' | '―' | '‐' => '－',
            '\u{0332}' => '_',
            c => c,
        })
        .collect();
    folded.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surfaces(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|w| w.surface).collect()
    }

    #[test]
    fn ministries_and_programs_are_whole() {
        let s = surfaces("文部科学省と経済産業省の医工連携イノベーション推進事業");
        assert!(s.contains(&"文部科学省".to_string()), "{s:?}");
        assert!(s.contains(&"経済産業省".to_string()), "{s:?}");
        assert!(
            s.contains(&"医工連携イノベーション推進事業".to_string()),
            "{s:?}"
        );
        let w = tokenize("AMEDのACT-M");
        assert_eq!(w[0].pos, POLICY_POS);
        assert_eq!(w[0].base_form, "AMED");
    }

    #[test]
    fn numbers_stay_whole_and_offsets_map_back() {
        let w = tokenize("1,024百万円と3.5億円");
        assert_eq!(w[0].surface, "1,024");
        assert_eq!((w[0].char_start, w[0].char_end), (0, 5));
        assert!(w.iter().any(|w| w.surface == "3.5"), "{w:?}");
        let w = tokenize("2019 年11 月");
        let s: Vec<&str> = w.iter().map(|w| w.surface.as_str()).collect();
        assert_eq!(s, ["2019", "年", "11", "月"]);
        assert_eq!(w[1].char_start, 5);
        assert_eq!(w[1].pos_detail, "接尾,助数詞");
    }

    #[test]
    fn base_forms() {
        let w = tokenize("支援した");
        assert!(w.iter().any(|w| w.base_form == "する"), "{w:?}");
        assert!(tokenize("").is_empty());
        assert!(tokenize("   ").is_empty());
    }
}
