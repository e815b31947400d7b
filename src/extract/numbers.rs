//! Printed numbers → values: amounts in yen (exact integers), plain numbers, percentages.
//!
//! Japanese documents print amounts as `1,024` (in a column headed 百万円), `1,077 百万円`,
//! `19.2億円`, `1億2,000万円`, with full-width digits (`１，０２４`), negatives as `▲ 12` / `△5`,
//! and `-` for "no amount". Amounts are computed in integer arithmetic from the printed decimal
//! digits so that `19.2億円` is exactly 1_920_000_000 yen (no float rounding).
//!
//! Conventions: a blank or dash-only text is `None` ("not printed"), never zero.

use regex::Regex;
use std::sync::OnceLock;

/// Fold the characters numbers are printed with to ASCII: full-width digits, `，` `．` `％`,
/// the various minus signs and dashes; spaces (ASCII, ideographic, NBSP) are removed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '０'..='９' => out.push((b'0' + (c as u32 - '０' as u32) as u8) as char),
            '，' | '､' => out.push(','),
            '．' => out.push('.'),
            '％' => out.push('%'),
            '－' | '−' | '‐' | '‑' | '–' => out.push('-'),
            '＋' => out.push('+'),
            ' ' | '\u{3000}' | '\u{a0}' | '\t' | '\n' | '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Whether a printed cell means "no value": empty, or only dashes (`-`, `－`, `―`, `—`, `‐`).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_whitespace() || matches!(c, '-' | '－' | '−' | '―' | '—' | '‐' | '‑' | '–' | 'ー')
    })
}

/// A decimal number exactly as printed: `digits` × 10^(−`scale`), with a sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// All digits as one integer (the decimal point removed).
    pub digits: i128,
    /// Number of digits after the decimal point.
    pub scale: u32,
}

impl Decimal {
    /// The value as f64 (for printed-unit fields; exact for the short decimals of documents).
    pub fn to_f64(self) -> f64 {
        // Dividing by an exact power of ten gives the correctly rounded nearest double.
        self.digits as f64 / 10f64.powi(self.scale as i32)
    }

    /// The value times 10^`pow` as an integer, if that is exact and fits in i64.
    pub fn scaled(self, pow: u32) -> Option<i64> {
        let v = if pow >= self.scale {
            self.digits
                .checked_mul(10i128.checked_pow(pow - self.scale)?)?
        } else {
            let div = 10i128.checked_pow(self.scale - pow)?;
            if self.digits % div != 0 {
                return None;
            }
            self.digits / div
        };
        i64::try_from(v).ok()
    }
}

/// Parse a plain printed number: `1,230`, `▲ 12`, `△5`, `-3.5`, `１，０２４`, `166.7％`, `100%`.
/// A trailing `%` is allowed (use [`parse_percent`] when it must be there). Thousands separators
/// must sit between digits. Returns None for blanks, dashes and anything else.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let f = fold(s);
    let mut t = f.as_str();
    let mut neg = false;
    for p in ["▲", "△", "▼", "-", "+"] {
        if let Some(r) = t.strip_prefix(p) {
            neg = p != "+";
            t = r;
            break;
        }
    }
    let t = t.strip_suffix('%').unwrap_or(t);
    if t.is_empty() {
        return None;
    }
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if int.is_empty() || int.starts_with(',') || int.ends_with(',') || int.contains(",,") {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit() || c == ',')
        || !frac.chars().all(|c| c.is_ascii_digit())
        || (t.contains('.') && frac.is_empty())
    {
        return None;
    }
    let mut digits: i128 = 0;
    for c in int
        .chars()
        .chain(frac.chars())
        .filter(|c| c.is_ascii_digit())
    {
        digits = digits
            .checked_mul(10)?
            .checked_add((c as u8 - b'0') as i128)?;
    }
    Some(Decimal {
        digits: if neg { -digits } else { digits },
        scale: frac.len() as u32,
    })
}

/// [`parse_decimal`] as f64.
pub fn parse_number(s: &str) -> Option<f64> {
    parse_decimal(s).map(Decimal::to_f64)
}

/// A percentage as printed (`75.6％`, `100%`, `460`): the number, without the sign. The `%` is
/// optional because review sheets print the unit in a column header.
pub fn parse_percent(s: &str) -> Option<f64> {
    parse_number(s)
}

/// An integer count (`64`, `全35件` is not one; use [`parse_count`] for that).
pub fn parse_int(s: &str) -> Option<i64> {
    let d = parse_decimal(s)?;
    d.scaled(0)
}

/// A count written with a counter word: `全35件` → 35, `3者` → 3, `12名` → 12.
pub fn parse_count(s: &str) -> Option<i64> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([0-9][0-9,]*)\s*(件|者|名|社|人|機関|団体|か所|箇所)").unwrap()
    });
    let f = fold(s);
    let c = re.captures(&f)?;
    parse_int(c.get(1)?.as_str())
}

/// Power of ten of an amount unit: 円 0, 千円 3, 万円 4, 百万円 6, 千万円 7, 億円 8, 十億円 9,
/// 兆円 12. Also accepts the unit without 円 (百万 → 6).
pub fn unit_power(unit: &str) -> Option<u32> {
    let u = fold(unit);
    let u = u.trim_start_matches('(').trim_start_matches('（');
    let u = u.trim_end_matches(')').trim_end_matches('）');
    let u = u
        .strip_prefix("単位:")
        .or_else(|| u.strip_prefix("単位："))
        .unwrap_or(u);
    let u = u.strip_suffix('円').unwrap_or(u);
    Some(match u {
        "" => 0,
        "千" => 3,
        "万" => 4,
        "十万" => 5,
        "百万" => 6,
        "千万" => 7,
        "億" => 8,
        "十億" => 9,
        "百億" => 10,
        "千億" => 11,
        "兆" => 12,
        _ => return None,
    })
}

/// A number printed in `unit` (e.g. `1,077` in 百万円) → exact yen. None for blanks or when the
/// value is not a whole number of yen.
pub fn to_yen(printed: &str, unit: &str) -> Option<i64> {
    parse_decimal(printed)?.scaled(unit_power(unit)?)
}

/// Parse an amount with its unit in the text: `1,077百万円`, `19.2億円`, `1億2,000万円`,
/// `▲5百万円`, `３兆円`, `500円` → exact yen. Text before or after the amount is not allowed
/// (use [`find_yen`] to search running text).
pub fn parse_yen(s: &str) -> Option<i64> {
    let f = fold(s);
    let (v, len) = yen_prefix(&f)?;
    (len == f.len()).then_some(v)
}

/// One amount found in running text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YenMatch {
    /// Char range of the match in the input text.
    pub chars: std::ops::Range<usize>,
    /// Exact amount in yen.
    pub yen: i64,
    /// The matched text.
    pub text: String,
}

/// Every amount with a yen unit in running text (`予算案額19.2億円（1億2,000万円増）` → two).
/// Ranges are char indices into `text` (full-width digits count as one char each).
pub fn find_yen(text: &str) -> Vec<YenMatch> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"[▲△▼\-－−]?[0-9０-９][0-9０-９,，.．]*\s*(?:[兆億万千百十]+\s*[0-9０-９][0-9０-９,，.．]*\s*)*[兆億万千百十]*\s*円",
        )
        .unwrap()
    });
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        if let Some(yen) = parse_yen(m.as_str()) {
            let start = text[..m.start()].chars().count();
            let n = m.as_str().chars().count();
            out.push(YenMatch {
                chars: start..start + n,
                yen,
                text: m.as_str().to_string(),
            });
        }
    }
    out
}

/// Parse an amount at the start of folded text; returns (yen, bytes consumed).
fn yen_prefix(f: &str) -> Option<(i64, usize)> {
    let mut rest = f;
    let mut neg = false;
    for p in ["▲", "△", "▼", "-"] {
        if let Some(r) = rest.strip_prefix(p) {
            neg = true;
            rest = r;
            break;
        }
    }
    let mut total: i128 = 0;
    let mut last_pow = u32::MAX;
    let mut parts = 0;
    loop {
        let nlen = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        if nlen == 0 {
            break;
        }
        let num = parse_decimal(&rest[..nlen])?;
        rest = &rest[nlen..];
        // Unit word: the longest run of 兆億万千百十 before 円 or the next number.
        let ulen = rest
            .char_indices()
            .find(|&(_, c)| !matches!(c, '兆' | '億' | '万' | '千' | '百' | '十'))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let unit = &rest[..ulen];
        let pow = unit_power(unit)?;
        // Mixed amounts go from large to small units (1億2,000万円), never back up.
        if pow >= last_pow {
            return None;
        }
        last_pow = pow;
        total += num.scaled(pow)? as i128;
        parts += 1;
        rest = &rest[ulen..];
        if let Some(r) = rest.strip_prefix('円') {
            rest = r;
            let v = i64::try_from(if neg { -total } else { total }).ok()?;
            return Some((v, f.len() - rest.len()));
        }
        if ulen == 0 {
            return None;
        }
    }
    let _ = parts;
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_number("1,230"), Some(1230.0));
        assert_eq!(parse_number("１，０２４"), Some(1024.0));
        assert_eq!(parse_number("▲ 12"), Some(-12.0));
        assert_eq!(parse_number("△5"), Some(-5.0));
        assert_eq!(parse_number("-3.5"), Some(-3.5));
        assert_eq!(parse_number("166.7％"), Some(166.7));
        assert_eq!(parse_number("100%"), Some(100.0));
        assert_eq!(parse_number("0.1"), Some(0.1));
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("－"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("1,,2"), None);
        assert_eq!(parse_number(",12"), None);
        assert_eq!(parse_number("12."), None);
        assert!(is_blank(" - "));
        assert!(is_blank(""));
        assert!(is_blank("－"));
        assert!(!is_blank("0"));
    }

    #[test]
    fn decimals_exact() {
        let d = parse_decimal("19.2").unwrap();
        assert_eq!(
            d,
            Decimal {
                digits: 192,
                scale: 1
            }
        );
        assert_eq!(d.scaled(8), Some(1_920_000_000));
        assert_eq!(d.scaled(0), None);
        assert_eq!(parse_decimal("0.30").unwrap().scaled(1), Some(3));
        assert_eq!(parse_int("64"), Some(64));
        assert_eq!(parse_int("6.5"), None);
    }

    #[test]
    fn amounts_in_units() {
        assert_eq!(to_yen("1,077", "百万円"), Some(1_077_000_000));
        assert_eq!(to_yen("▲ 12", "百万円"), Some(-12_000_000));
        assert_eq!(to_yen("1,234", "千円"), Some(1_234_000));
        assert_eq!(to_yen("0.5", "百万円"), Some(500_000));
        assert_eq!(to_yen("-", "百万円"), None);
        assert_eq!(to_yen("12", "ドル"), None);
        assert_eq!(to_yen("3", "（単位：百万円）"), Some(3_000_000));
    }

    #[test]
    fn amounts_with_units_in_text() {
        assert_eq!(parse_yen("1,077百万円"), Some(1_077_000_000));
        assert_eq!(parse_yen("1,077 百万円"), Some(1_077_000_000));
        assert_eq!(parse_yen("19.2億円"), Some(1_920_000_000));
        assert_eq!(parse_yen("1億2,000万円"), Some(120_000_000));
        assert_eq!(parse_yen("１億２，０００万円"), Some(120_000_000));
        assert_eq!(parse_yen("3兆5000億円"), Some(3_500_000_000_000));
        assert_eq!(parse_yen("500円"), Some(500));
        assert_eq!(parse_yen("▲5百万円"), Some(-5_000_000));
        assert_eq!(parse_yen("12千円"), Some(12_000));
        assert_eq!(parse_yen("2万円"), Some(20_000));
        assert_eq!(parse_yen("1万2億円"), None);
        assert_eq!(parse_yen("百万円"), None);
        assert_eq!(parse_yen("0.0000001円"), None);
        assert_eq!(parse_yen("約5億円"), None);
    }

    #[test]
    fn find_in_running_text() {
        let m = find_yen("予算案額19.2億円（前年度1億2,000万円増）、支援額 ▲3百万円。");
        let v: Vec<i64> = m.iter().map(|m| m.yen).collect();
        assert_eq!(v, vec![1_920_000_000, 120_000_000, -3_000_000]);
        assert_eq!(m[0].chars, 4..10);
        assert_eq!(m[0].text, "19.2億円");
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("全35件"), Some(35));
        assert_eq!(parse_count("全１件"), Some(1));
        assert_eq!(parse_count("3者"), Some(3));
        assert_eq!(parse_count("なし"), None);
    }
}
