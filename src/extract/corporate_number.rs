//! 法人番号 (corporate number): 13 digits whose first digit is a check digit.
//!
//! check = 9 − ((Σ Pn·Qn) mod 9), Pn the n-th digit of the 12-digit base counted from the
//! right, Qn = 1 for odd n and 2 for even n (平成26年財務省令第70号).

use super::numbers::fold;

/// The check digit of a 12-digit base (ASCII digits); None if `base` is not 12 digits.
pub fn check_digit(base: &str) -> Option<u8> {
    let b = base.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| (d - b'0') as u32 * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    Some((9 - sum % 9) as u8)
}

/// Whether `s` is a valid 13-digit 法人番号 (ASCII digits, check digit correct).
pub fn is_valid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 13 && b[0].is_ascii_digit() && check_digit(&s[1..]) == Some(b[0] - b'0')
}

/// Normalise a printed number (full-width digits, spaces, hyphens) to 13 ASCII digits if it
/// is a valid 法人番号.
pub fn normalize(s: &str) -> Option<String> {
    let d: String = fold(s).chars().filter(|c| *c != '-').collect();
    is_valid(&d).then_some(d)
}

/// Every valid 法人番号 in running text: runs of exactly 13 digits (possibly full-width).
pub fn find_all(text: &str) -> Vec<String> {
    let f = fold(text);
    let mut out = Vec::new();
    let mut run = String::new();
    for c in f.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            if run.len() == 13 && is_valid(&run) {
                out.push(run.clone());
            }
            run.clear();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        assert!(is_valid("9010005023796"));
        assert!(is_valid("4010701026082"));
        assert!(is_valid("4010405001654"));
        assert!(is_valid("3180005006071"));
        assert_eq!(check_digit("010005023796"), Some(9));
        assert!(!is_valid("8010005023796"));
        assert!(!is_valid("901000502379"));
        assert!(!is_valid("901000502379x"));
        assert_eq!(check_digit("12345"), None);
    }

    #[test]
    fn normalise_and_find() {
        assert_eq!(
            normalize("９０１０００５０２３７９６").as_deref(),
            Some("9010005023796")
        );
        assert_eq!(
            normalize("9 0100 0502 3796").as_deref(),
            Some("9010005023796")
        );
        assert_eq!(normalize("1234567890123"), None);
        assert_eq!(
            find_all("機構 9010005023796 と 4010701026082、電話 0312345678901"),
            vec!["9010005023796", "4010701026082"]
        );
    }
}
