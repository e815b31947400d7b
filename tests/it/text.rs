//! Integration tests: the text layer on real files, one per encoding family, and a fidelity
//! guard against reference texts made once with poppler's pdftotext (checked by eye).
//!
//! Metrics as in the acceptance: after NFKC and whitespace removal, bag-of-characters F1
//! against `pdftotext -raw` and character-bigram F1 against the better of `-raw` and layout mode.

use crate::common::fixture;
use std::collections::HashMap;

/// Text of every page, lines by newline, pages by form feed (what `seisaku text` prints).
fn text_of(rel: &str) -> String {
    let bytes = std::fs::read(fixture(rel)).expect("fixture");
    let file = seisaku::pdf::open(&bytes).expect("pdf opens");
    let mut out = String::new();
    for i in 0..file.page_count() {
        if i > 0 {
            out.push('\x0c');
        }
        let layout = seisaku::layout::build(&file.page(i));
        for l in &layout.lines {
            out.push_str(&l.text);
            out.push('\n');
        }
    }
    out
}

fn norm(s: &str) -> String {
    seisaku::text::comparison_key(s)
}

fn ngram_f1(reference: &str, ours: &str, n: usize) -> f64 {
    let grams = |s: &str| {
        let v: Vec<char> = s.chars().collect();
        let mut m: HashMap<Vec<char>, usize> = HashMap::new();
        if v.len() >= n {
            for w in v.windows(n) {
                *m.entry(w.to_vec()).or_default() += 1;
            }
        }
        m
    };
    let (a, b) = (grams(reference), grams(ours));
    let tp: usize = a.iter().map(|(k, &x)| x.min(*b.get(k).unwrap_or(&0))).sum();
    let (na, nb): (usize, usize) = (a.values().sum(), b.values().sum());
    if na == 0 && nb == 0 {
        return 1.0;
    }
    let p = tp as f64 / nb.max(1) as f64;
    let r = tp as f64 / na.max(1) as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn reference(stem: &str, kind: &str) -> String {
    std::fs::read_to_string(fixture(&format!("text/{stem}.{kind}.txt"))).expect("reference text")
}

/// Every fixture PDF of tests/fixtures/text with its reference texts.
const FIDELITY_FILES: &[&str] = &[
    "001342546",
    "2023-mext-22-0214.rl",
    "2023-mhlw-22-0708.xlsx",
    "90ms_rksj_h_sample",
    "form_xobject_1c202401_p2",
    "fuji_city_budget",
    "issue15053",
    "issue15340",
    "jo",
    "kampo",
    "noembed-eucjp",
    "noembed-identity",
    "noembed-jis7",
    "noembed-sjis",
    "vertical",
];

#[test]
fn fidelity_against_pdftotext_references() {
    let mut chars = Vec::new();
    let mut bigrams = Vec::new();
    let mut report = String::new();
    for stem in FIDELITY_FILES {
        let ours = norm(&text_of(&format!("text/{stem}.pdf")));
        let raw = norm(&reference(stem, "raw"));
        let layout = norm(&reference(stem, "layout"));
        let c = ngram_f1(&raw, &ours, 1);
        let b = ngram_f1(&raw, &ours, 2).max(ngram_f1(&layout, &ours, 2));
        report.push_str(&format!("{stem}: chars F1 {c:.4}, bigram F1 {b:.4}\n"));
        chars.push(c);
        bigrams.push(b);
        assert!(!ours.contains('\u{FFFD}'), "{stem}: U+FFFD in output");
    }
    eprintln!("{report}");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let min_chars = chars.iter().cloned().fold(1.0, f64::min);
    assert!(min_chars >= 0.97, "a file below chars F1 0.97:\n{report}");
    assert!(
        median(&mut chars) >= 0.99,
        "median chars F1 below 0.99:\n{report}"
    );
    assert!(
        median(&mut bigrams) >= 0.97,
        "median bigram F1 below 0.97:\n{report}"
    );
}

fn assert_contains(rel: &str, expected: &[&str]) {
    let text = norm(&text_of(rel));
    for e in expected {
        assert!(
            text.contains(&norm(e)),
            "{rel}: expected {e:?} in\n{}",
            &text.chars().take(400).collect::<String>()
        );
    }
}

#[test]
fn identity_h_with_to_unicode() {
    assert_contains(
        "text/001342546.pdf",
        &[
            "法制審議会議事規則",
            "昭和二十四年八月十三日",
            "第１条会議は、会長が招集する。",
        ],
    );
}

#[test]
fn non_embedded_90ms_rksj_h() {
    assert_contains(
        "text/90ms_rksj_h_sample.pdf",
        &["Hello ASCII", "日本語テスト"],
    );
    assert_contains("text/noembed-sjis.pdf", &["あいうえお"]);
}

#[test]
fn non_embedded_euc_h() {
    assert_contains("text/noembed-eucjp.pdf", &["あいうえお"]);
}

#[test]
fn non_embedded_jis_h_and_identity_without_to_unicode() {
    assert_contains("text/noembed-jis7.pdf", &["ABC あいうえお 123"]);
    assert_contains("text/noembed-identity.pdf", &["ABC あいうえお 123"]);
}

#[test]
fn non_embedded_unijis_ucs2_h() {
    // ReportLab review sheet: HeiseiMin/HeiseiKakuGo with UniJIS-UCS2-H, no ToUnicode.
    assert_contains(
        "text/2023-mext-22-0214.rl.pdf",
        &["令和5年度行政事業レビューシート", "文部科学省"],
    );
}

#[test]
fn non_embedded_unijis_utf16_h() {
    assert_contains("text/issue15053.pdf", &["This is a TEST."]);
}

#[test]
fn vertical_writing_reads_columns_right_to_left() {
    let t = norm(&text_of("text/jo.pdf"));
    assert!(
        t.starts_with("序わたくしといふ現象は假定された有機交流電燈の"),
        "{}",
        t.chars().take(60).collect::<String>()
    );
    let v = norm(&text_of("text/vertical.pdf"));
    assert!(v.contains("あいうえお"), "{v}");
}

#[test]
fn text_inside_form_xobjects() {
    // MOF survey summary (Acrobat): the table's figures are drawn by Form XObjects (`Do`).
    assert_contains(
        "text/form_xobject_1c202401_p2.pdf",
        &["国内の景況", "(7.4)", "令和６年10～12月"],
    );
}

#[test]
fn annotation_appearance_text() {
    // Form-field widgets: text only in the annotations' appearance streams.
    assert_contains(
        "text/issue15053.pdf",
        &["This Button can be toggled", "Button1"],
    );
}

#[test]
fn kangxi_radicals_become_unified_ideographs() {
    let raw = text_of("text/issue15340.pdf");
    assert!(raw.contains("一つの箱内"), "{raw}");
    assert!(
        !raw.contains('\u{2F00}'),
        "Kangxi radical ⼀ left in output"
    );
}

#[test]
fn simple_truetype_fonts_with_to_unicode() {
    assert_contains(
        "text/2023-mhlw-22-0708.xlsx.pdf",
        &["厚生労働省", "事業番号"],
    );
}

#[test]
fn every_line_has_a_box_inside_the_page() {
    let bytes = std::fs::read(fixture("text/fuji_city_budget.pdf")).unwrap();
    let file = seisaku::pdf::open(&bytes).unwrap();
    let page = file.page(0);
    let layout = seisaku::layout::build(&page);
    assert!(!layout.lines.is_empty());
    for l in &layout.lines {
        assert!(l.bbox.x0 >= -1.0 && l.bbox.x1 <= page.width + 1.0, "{l:?}");
        assert!(l.bbox.y0 >= -1.0 && l.bbox.y1 <= page.height + 1.0, "{l:?}");
        assert_eq!(l.text.chars().count(), l.char_boxes.len());
    }
    assert!(
        !page.rules.is_empty(),
        "ruled budget table has ruling lines"
    );
}

/// Text outside the visible page is dropped, as pdftotext does: drawn beyond the MediaBox, or on
/// the other half of a spread cut by CropBox (the page texts are pdftotext's).
#[test]
fn text_outside_the_visible_page_is_dropped() {
    let t = text_of("text/outside-mediabox.pdf");
    assert!(t.contains("Printed on the page"), "{t}");
    assert!(!t.contains("beyond") && !t.contains("Below"), "{t}");
    let pages: Vec<String> = text_of("text/spread-cropbox.pdf")
        .split('\u{c}')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(
        pages,
        ["Left half of the spread", "Right half of the spread"],
        "{pages:?}"
    );
}
