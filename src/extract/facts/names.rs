//! Names: programs (`…事業`, `…プログラム`, acronyms such as ACT-M), organizations (法人格
//! forms, `(株)`, ministries and agencies, universities, hospitals, centres, associations) and
//! people (`安西 智宏` in member lists, `研究代表者：田中 伸幸`), read from the Lindera tokens
//! of the line and the policy-term dictionary.

use super::counts::is_kanji;
use super::{Found, LineCtx};
use crate::text::{Word, POLICY_POS};
use regex::Regex;
use std::sync::OnceLock;

/// Names of one line.
pub(crate) fn line(ctx: &LineCtx) -> Vec<Found> {
    let mut out = programs(ctx);
    out.extend(organizations(ctx));
    out.extend(people(ctx));
    out
}

/// Whether a token can be part of a name compound.
fn nounish(w: &Word) -> bool {
    // IPADIC tags unknown ASCII symbols `(`, `:` as 名詞,サ変接続: they are no name.
    if !w.surface.chars().any(char::is_alphanumeric) {
        return false;
    }
    match w.pos.as_str() {
        POLICY_POS => true,
        "名詞" => {
            !(w.pos_detail.starts_with("非自立")
                || w.pos_detail.starts_with("代名詞")
                || w.pos_detail.starts_with("副詞可能")
                || w.pos_detail.starts_with("数")
                || w.pos_detail.starts_with("接続詞的"))
        }
        "接頭詞" => true,
        _ => false,
    }
}

fn is_sym(w: &Word, s: &str) -> bool {
    w.surface == s
}

/// Leading tokens that are never part of a program name.
const GENERIC_HEAD: &[&str] = &[
    "本",
    "各",
    "他",
    "同",
    "当",
    "当該",
    "関連",
    "その他",
    "全",
    "両",
    "諸",
    "新規",
    "既存",
    "前記",
    "上記",
    "下記",
    "今後",
    "今回",
    "次",
    "別",
];

/// Program names that are only generic words.
const GENERIC: &[&str] = &[
    "委託事業",
    "補助事業",
    "公募事業",
    "実証事業",
    "開発事業",
    "研究事業",
    "支援事業",
    "関連事業",
    "国の事業",
    "共同プログラム",
    "統合プロジェクト",
    "医療機器事業",
    "AMED事業",
    "研究開発事業",
    "プロジェクト",
    "事業",
    "プログラム",
    "コンピュータープログラム",
    "コンピュータプログラム",
    "教育プログラム",
    "研修プログラム",
    "トレーニングプログラム",
];

fn programs(ctx: &LineCtx) -> Vec<Found> {
    let text = &ctx.norm.text;
    let chars: Vec<char> = text.chars().collect();
    let w = ctx.words;
    let mut out = Vec::new();
    for (i, t) in w.iter().enumerate() {
        let policy_program = t.pos == POLICY_POS && t.pos_detail == "事業";
        let suffix = ["事業", "プログラム", "プロジェクト"]
            .iter()
            .any(|s| t.surface.ends_with(s));
        if !policy_program && !suffix {
            continue;
        }
        // The compound goes on (事業|化, 事業|費, 事業|規模): not a name's end.
        if let Some(n) = w.get(i + 1) {
            let gap = ctx
                .norm
                .gap_before
                .get(n.char_start)
                .copied()
                .unwrap_or(false);
            if n.char_start == t.char_end
                && !gap
                && (nounish(n) || n.pos_detail.starts_with("接尾"))
            {
                continue;
            }
        }
        // Walk left over the compound: nouns, prefixes, policy terms, `・` between nouns.
        let mut s = i;
        while s > 0 {
            let p = &w[s - 1];
            let gap = ctx
                .norm
                .gap_before
                .get(w[s].char_start)
                .copied()
                .unwrap_or(false);
            if p.char_end != w[s].char_start || gap {
                break;
            }
            let noun = nounish(p) && !(p.pos == POLICY_POS && p.pos_detail == "法人格");
            let dot = is_sym(p, "・") && s >= 2 && nounish(&w[s - 2]);
            if !(noun || dot) {
                break;
            }
            s -= 1;
        }
        // Drop generic heads and leading years (令和4年度, 26年度, R3年度).
        while s < i {
            let h = &w[s];
            let year_head = h.pos_detail.starts_with("数")
                || h.surface.ends_with("年度")
                || h.surface == "年度"
                || h.surface.chars().all(|c| c.is_ascii_digit());
            if GENERIC_HEAD.contains(&h.surface.as_str()) || year_head || is_sym(h, "・") {
                s += 1;
            } else {
                break;
            }
        }
        if w[s].surface == "年度" {
            s += 1;
        }
        if s > i {
            continue;
        }
        let start = w[s].char_start;
        // A name glued to Latin text we could not read as part of it (`RT-Xプロジェクト`).
        let glued = start > 0
            && (chars[start - 1].is_ascii_alphabetic() || chars[start - 1] == '-')
            && !ctx.norm.gap_before.get(start).copied().unwrap_or(false);
        if glued {
            continue;
        }
        let mut end = t.char_end;
        // `（産学官共同型）` belongs to the name.
        if chars.get(end) == Some(&'(') {
            if let Some(close) = chars[end..].iter().position(|&c| c == ')') {
                let inner: String = chars[end + 1..end + close].iter().collect();
                if inner.ends_with('型') && inner.chars().count() <= 10 {
                    end += close + 1;
                }
            }
        }
        let mut name: String = chars[start..end].iter().collect();
        // A name broken over two lines (`…臨床研` / `究・治験推進事業`): the previous line ends
        // inside the compound.
        if start == 0 {
            if let Some(prev) = ctx.prev {
                let tail: String = prev
                    .text
                    .chars()
                    .rev()
                    .take_while(|&c| is_kanji(c) || ('\u{30a0}'..='\u{30ff}').contains(&c))
                    .take(20)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if !tail.is_empty()
                    && name
                        .chars()
                        .next()
                        .is_some_and(|c| is_kanji(c) || c == '・')
                {
                    let head = w[s].surface.chars().count() <= 1 || name.starts_with('・');
                    if head {
                        name = format!("{tail}{name}");
                    }
                }
            }
        }
        let tokens = i + 1 - s;
        if GENERIC.contains(&name.as_str())
            || (!policy_program && (tokens < 2 || name.chars().count() < 5))
        {
            continue;
        }
        out.push(Found::new(super::named("program", &name), start..end));
    }
    out
}

/// Legal forms written before or after the name.
const LEGAL_FORMS: &[&str] = &[
    "国立研究開発法人",
    "地方独立行政法人",
    "独立行政法人",
    "国立大学法人",
    "公立大学法人",
    "学校法人",
    "公益財団法人",
    "公益社団法人",
    "一般財団法人",
    "一般社団法人",
    "特定非営利活動法人",
    "社会福祉法人",
    "医療法人",
    "株式会社",
    "有限会社",
    "合同会社",
    "(株)",
    "(有)",
];

/// Token surfaces that end an organization's name (titles, divisions).
const NAME_END: &[&str] = &[
    "取締役",
    "代表",
    "社長",
    "会長",
    "専務",
    "常務",
    "執行",
    "役員",
    "部長",
    "本部",
    "事業部",
    "教授",
    "准教授",
    "所長",
    "理事",
    "理事長",
    "センター長",
    "室長",
    "課長",
    "顧問",
    "CEO",
    "CSO",
    "CTO",
    "COO",
    "副",
    "主任",
    "研究員",
    "パートナー",
    "専門",
    "特任",
    "名誉",
];

/// Suffixes that make a compound an organization (first one wins: 京都大学医学部附属病院
/// extends past 大学 only through 医学部附属病院 / 病院).
const ORG_SUFFIX: &[&str] = &[
    "大学",
    "病院",
    "センター",
    "協会",
    "機構",
    "研究所",
    "学会",
    "財団",
    "会議所",
    "連合会",
    "工業会",
    "研究機構",
];

/// Abbreviated ministry names → their full names.
fn full_ministry(s: &str) -> &str {
    match s {
        "文科省" => "文部科学省",
        "厚労省" => "厚生労働省",
        "経産省" => "経済産業省",
        "国交省" => "国土交通省",
        "農水省" => "農林水産省",
        _ => s,
    }
}

fn organizations(ctx: &LineCtx) -> Vec<Found> {
    let text = &ctx.norm.text;
    let chars: Vec<char> = text.chars().collect();
    let w = ctx.words;
    let mut out = Vec::new();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    // 1. Legal forms.
    for form in LEGAL_FORMS {
        let fchars: Vec<char> = form.chars().collect();
        let mut from = 0;
        while let Some(pos) = find_chars(&chars, &fchars, from) {
            from = pos + fchars.len();
            if covered.iter().any(|&(s, e)| pos >= s && pos < e) {
                continue;
            }
            let after = pos + fchars.len();
            let gap = |i: usize| ctx.norm.gap_before.get(i).copied().unwrap_or(false);
            let before_b = pos == 0 || is_boundary(chars[pos - 1]) || gap(pos);
            let after_b = after >= chars.len() || is_boundary(chars[after]) || gap(after);
            let kk = matches!(
                *form,
                "株式会社" | "(株)" | "(有)" | "有限会社" | "合同会社"
            );
            let full = match *form {
                "(株)" => "株式会社",
                "(有)" => "有限会社",
                f => f,
            };
            let ns = name_start(&chars, &ctx.norm.gap_before, pos);
            let before_name: String = chars[ns..pos].iter().collect();
            let suffix =
                (kk && ns < pos).then(|| (format!("{}{full}", before_name.trim()), ns, after));
            let e = if after_b && kk {
                after
            } else {
                name_end(w, &chars, &ctx.norm.gap_before, after)
            };
            let prefix = (e > after).then(|| {
                let name: String = chars[after..e].iter().collect();
                (format!("{full}{}", name.trim()), pos, e)
            });
            // Suffix form `京セラ株式会社`, `帝人(株)`: a name is glued before it (and is not
            // itself a label or a unit: `グループ会社(株)JIMRO`, `…大学循環器科 株式会社 X`).
            let name_before = !before_b
                && before_name.chars().count() >= 2
                && !["会社", "者", "機関", "科", "部", "課", "室", "先"]
                    .iter()
                    .any(|x| before_name.ends_with(x))
                && !ORG_SUFFIX.iter().any(|x| before_name.contains(x));
            let found = if name_before || (after_b && !before_b) {
                suffix.or(prefix)
            } else {
                // `Holoeyes (株)` at the end of a line: the name is before the gap.
                prefix.or(if gap(pos) && !after_b {
                    None
                } else {
                    suffix.filter(|_| gap(pos))
                })
            };
            if let Some((value, s, e)) = found {
                if value.chars().count() > full.chars().count() + 40 {
                    continue;
                }
                covered.push((s, e));
                out.push(Found::new(super::named("organization", &value), s..e));
            }
        }
    }
    // 2. Ministries, agencies and institutes from the policy dictionary.
    for t in w {
        if t.pos == POLICY_POS && (t.pos_detail == "府省庁" || t.pos_detail == "機関") {
            if covered
                .iter()
                .any(|&(s, e)| t.char_start >= s && t.char_start < e)
            {
                continue;
            }
            let value = full_ministry(&t.surface);
            out.push(Found::new(
                super::named("organization", value),
                t.char_start..t.char_end,
            ));
        }
    }
    // 3. Compounds ending in 大学, 病院, センター, 協会 …
    let mut i = 0;
    while i < w.len() {
        // A run of name tokens.
        let s = i;
        let mut e = i;
        let gap = |t: &Word| {
            ctx.norm
                .gap_before
                .get(t.char_start)
                .copied()
                .unwrap_or(false)
        };
        while e < w.len()
            && (nounish(&w[e]) || (w[e].pos == "記号" && w[e].surface == "・" && e > s))
            && (e == s || (w[e].char_start == w[e - 1].char_end && !gap(&w[e])))
        {
            e += 1;
        }
        if e == s {
            i += 1;
            continue;
        }
        i = e;
        if covered
            .iter()
            .any(|&(cs, ce)| w[s].char_start < ce && w[e - 1].char_end > cs)
        {
            continue;
        }
        // First org suffix in the run.
        let Some(k) = (s..e).find(|&k| {
            ORG_SUFFIX.iter().any(|x| w[k].surface.ends_with(x)) && w[k].pos != POLICY_POS
        }) else {
            continue;
        };
        if k == s && !w[k].pos_detail.contains("組織") {
            continue;
        }
        // 機構 and センター are also common nouns (バッファ機構, データセンター): ask for a
        // proper noun in the name or a longer compound; 大学, 病院, 協会 … are names anyway.
        let weak = ["センター", "機構", "研究機構", "財団"]
            .iter()
            .any(|x| w[k].surface.ends_with(x));
        let proper =
            (s..k).any(|j| w[j].pos_detail.starts_with("固有名詞") && !is_latin_word(&w[j]));
        if weak && !proper && k - s < 3 {
            continue;
        }
        let mut end = k + 1;
        // 京都大学|医学部|附属|病院
        if w[k].surface.ends_with("大学") {
            let rest: String = w[end..e].iter().map(|x| x.surface.as_str()).collect();
            for ext in ["医学部附属病院", "附属病院", "病院", "医学部"] {
                if rest.starts_with(ext) {
                    let mut n = 0;
                    let mut acc = String::new();
                    while acc.len() < ext.len() && end + n < e {
                        acc.push_str(&w[end + n].surface);
                        n += 1;
                    }
                    if acc == ext {
                        end += n;
                    }
                    break;
                }
            }
        }
        // Skip generic heads (本, 各, 同 …) and policy terms that are not names.
        let mut st = s;
        while st < k && (GENERIC_HEAD.contains(&w[st].surface.as_str()) || w[st].pos == POLICY_POS)
        {
            st += 1;
        }
        let (cs, ce) = (w[st].char_start, w[end - 1].char_end);
        let value: String = chars[cs..ce].iter().collect();
        if value.chars().count() < 3
            || value.chars().count() > 30
            || ORG_SUFFIX.contains(&value.as_str())
        {
            continue;
        }
        covered.push((cs, ce));
        out.push(Found::new(super::named("organization", &value), cs..ce));
    }
    out
}

fn find_chars(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

fn is_latin_word(t: &Word) -> bool {
    t.surface.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Chars that separate a name from its surroundings.
fn is_boundary(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '、' | '。'
                | ','
                | '.'
                | ':'
                | ';'
                | '('
                | ')'
                | '「'
                | '」'
                | '『'
                | '』'
                | '【'
                | '】'
                | '/'
                | '・'
                | '→'
                | '⇒'
                | '※'
                | '○'
                | '●'
                | '◆'
                | '■'
                | '='
                | '>'
                | '<'
                | '”'
                | '"'
                | '“'
        )
        || ('\u{3041}'..='\u{309f}').contains(&c)
}

/// Start of the name that ends at `end` (suffix form): back to a boundary; `&` and spaces
/// between Latin words and `・` between katakana stay inside.
fn name_start(chars: &[char], gaps: &[bool], end: usize) -> usize {
    let mut s = end;
    while s > 0 {
        // A dropped space before char s (between a CJK and a Latin word) ends the name.
        if s < end && gaps.get(s).copied().unwrap_or(false) {
            break;
        }
        let c = chars[s - 1];
        let inner = match c {
            ' ' => s >= 2 && chars[s - 2].is_ascii_alphanumeric(),
            '・' => s >= 2 && ('\u{30a0}'..='\u{30ff}').contains(&chars[s - 2]),
            _ => false,
        };
        let hiragana = ('\u{3041}'..='\u{309f}').contains(&c);
        if hiragana {
            // A hiragana run that starts a word (`さくらインターネット株式会社` after a space or
            // at the start) belongs to the name; one after other text is a particle (への).
            let mut r = s - 1;
            while r > 0 && ('\u{3041}'..='\u{309f}').contains(&chars[r - 1]) {
                r -= 1;
            }
            let starts_word = r == 0
                || is_boundary(chars[r - 1]) && !('\u{3041}'..='\u{309f}').contains(&chars[r - 1])
                || gaps.get(r).copied().unwrap_or(false);
            if starts_word && s - r >= 2 {
                s = r;
            }
            break;
        }
        if is_boundary(c) && !inner {
            break;
        }
        s -= 1;
    }
    // Labels such as 製造業者 / 代表機関 end with `:` and are cut there; a leading label
    // word glued to the name (事業管理機関(株)…) is left to the boundary rule.
    s
}

/// End of the name that starts at `start` (prefix form `株式会社日立製作所ライフ事業…`): one
/// proper-noun organization token, or a run of name chars up to a title or division word.
fn name_end(w: &[Word], chars: &[char], gaps: &[bool], start: usize) -> usize {
    // Tokens from `start` on.
    let Some(first) = w.iter().position(|t| t.char_start >= start) else {
        return start;
    };
    if w[first].char_start != start {
        return start;
    }
    let is_latin = |t: &Word| {
        t.surface
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '&' || c == '-')
    };
    // IPADIC's own organization names (日立製作所); unknown Latin words are tagged 組織 too.
    // (Not when a katakana word ends the name after it: 株式会社ソニー|リサーチ; but
    // 株式会社日立製作所|ライフ|事業統括本部 ends at 日立製作所: the katakana word heads a division.)
    let katakana = |t: &Word| {
        t.surface
            .chars()
            .all(|c| ('\u{30a0}'..='\u{30ff}').contains(&c))
    };
    let mut k = first + 1;
    while k < w.len() && w[k].char_start == w[k - 1].char_end && katakana(&w[k]) {
        k += 1;
    }
    let gap = |t: &Word| gaps.get(t.char_start).copied().unwrap_or(false);
    let katakana_next = k > first + 1
        && w.get(k).is_none_or(|t| {
            t.char_start != w[k - 1].char_end || gap(t) || !t.surface.starts_with(is_kanji)
        });
    if w[first].pos_detail.contains("組織") && !is_latin(&w[first]) && !katakana_next {
        return w[first].char_end;
    }
    let mut end = start;
    let mut k = first;
    while k < w.len() {
        let t = &w[k];
        if t.char_start != end && !(t.char_start == end + 1 && chars.get(end) == Some(&' ')) {
            break;
        }
        let latin = is_latin(t);
        // A title, or a dropped space (`株式会社コルク 代表取締役`), ends the name.
        if k > first && (NAME_END.contains(&t.surface.as_str()) || gap(t)) {
            break;
        }
        // A Latin name ends where the script changes (`Biomedical Solutionsベンチャー企業`).
        if k > first && is_latin(&w[k - 1]) != latin {
            break;
        }
        if !(nounish(t) || latin || t.surface == "・")
            || t.surface.chars().any(is_boundary) && t.surface != "・"
        {
            break;
        }
        end = t.char_end;
        k += 1;
        // An organization suffix ends the name (株式会社日本医療機器開発機構).
        if ORG_SUFFIX.iter().any(|x| t.surface.ends_with(x)) && k > first + 1 {
            break;
        }
    }
    end
}

/// People.
fn people(ctx: &LineCtx) -> Vec<Found> {
    static LABELLED: OnceLock<Regex> = OnceLock::new();
    static LISTED: OnceLock<Regex> = OnceLock::new();
    let labelled = LABELLED.get_or_init(|| {
        Regex::new(r"(研究代表者|研究開発代表者|代表者|主査|座長|委員長|講師|氏名|担当者|PS|PO|PD)\s*[:]?\s*([\p{Han}々]{1,4}) ([\p{Han}々\p{Hiragana}\p{Katakana}]{1,4})(?:\s|\(|$|、|,|氏)").unwrap()
    });
    let listed = LISTED.get_or_init(|| {
        Regex::new(r"(?:^|\s)([\p{Han}々]{1,4}) ([\p{Han}々\p{Hiragana}]{1,4})(?:$|\s|\()").unwrap()
    });
    let sp = &ctx.norm.spaced;
    let mut out = Vec::new();
    let push =
        |fam: regex::Match, given: regex::Match, role: Option<&str>, out: &mut Vec<Found>| {
            let name = format!("{}{}", fam.as_str(), given.as_str());
            let s = super::norm::char_index(sp, fam.start());
            let e = super::norm::char_index(sp, given.end());
            let mut fact = super::named("person", &name);
            fact.role = role.map(str::to_string);
            fact.affiliation = affiliation(sp, given.end());
            out.push(Found {
                fact,
                range: s..e,
                spaced: true,
            });
        };
    // Speakers in minutes: `○藤田部会長`, also when the speech follows on the same row
    // (`○藤田部会長 それでは、…`): the role must end at a space, a non-kanji or the end.
    static SPEAKER: OnceLock<Regex> = OnceLock::new();
    let speaker = SPEAKER.get_or_init(|| {
        Regex::new(r"^[○◯]([\p{Han}々]{1,4}?)(部会長|分科会長|会長|委員長|委員|幹事|関係官|参考人|座長|議長|副大臣|大臣|政務官|局長|部長|課長|室長|審議官|参事官|官房長)").unwrap()
    });
    let text = &ctx.norm.text;
    if let Some(c) = speaker.captures(text) {
        if let (Some(f), Some(r)) = (c.get(1), c.get(2)) {
            let s = super::norm::char_index(text, f.start());
            let e = super::norm::char_index(text, f.end());
            let next = super::norm::char_index(text, r.end());
            let ends = text[r.end()..]
                .chars()
                .next()
                .is_none_or(|ch| !is_kanji(ch))
                || ctx.norm.gap_before.get(next).copied().unwrap_or(false);
            if ends {
                let mut fact = super::named("person", f.as_str());
                fact.role = Some(r.as_str().to_string());
                out.push(Found::new(fact, s..e));
                return out;
            }
        }
    }
    for c in labelled.captures_iter(sp) {
        if let (Some(r), Some(f), Some(g)) = (c.get(1), c.get(2), c.get(3)) {
            if plausible_name(f.as_str(), g.as_str(), true) {
                push(f, g, Some(r.as_str()), &mut out);
            }
        }
    }
    // Letter-spaced headings (`船 荷 証 券 に 関 す る`) are not lists of names.
    if out.is_empty() && !letter_spaced(sp) {
        let mut at = 0;
        while let Some(c) = listed.captures_at(sp, at) {
            let (Some(m), Some(f), Some(g)) = (c.get(0), c.get(1), c.get(2)) else {
                break;
            };
            // Step past the family name only, so that `東京大学 松尾 豊` retries at `松尾 豊`
            // and two names in one line share the space between them.
            at = f.end().max(m.start() + 1);
            let long_enough =
                f.as_str().chars().count() >= 2 && f.as_str().len() + g.as_str().len() >= 9;
            if long_enough
                && !surname_only(g.as_str())
                && plausible_name(f.as_str(), g.as_str(), ctx.page_lists_people)
            {
                at = g.end();
                push(f, g, None, &mut out);
            }
        }
    }
    out
}

/// Whether `given` is a word that follows names (`三浪 明男 他`), not a given name. (A given
/// name that IPADIC reads as a family name, such as 久和, is still a given name.)
fn surname_only(given: &str) -> bool {
    matches!(
        given,
        "他" | "等" | "外" | "各" | "計" | "氏" | "様" | "殿" | "君" | "ほか"
    )
}

/// Whether most CJK chars of the line stand alone between spaces (`法 制 審 議 会`), unlike
/// names (`池野 文昭 内田 毅彦`).
fn letter_spaced(sp: &str) -> bool {
    let chars: Vec<char> = sp.chars().collect();
    let cjk = |c: char| c.is_alphabetic() && !c.is_ascii();
    let total = chars.iter().filter(|&&c| cjk(c)).count();
    let alone = (0..chars.len())
        .filter(|&i| {
            cjk(chars[i])
                && (i == 0 || chars[i - 1] == ' ')
                && chars.get(i + 1).is_none_or(|&c| c == ' ')
        })
        .count();
    alone >= 3 && alone * 2 >= total
}

/// `(宮城県立がんセンター)` or the text after the name, when it reads like an affiliation.
fn affiliation(sp: &str, after: usize) -> Option<String> {
    let rest = sp[after..].trim_start();
    let rest = rest.strip_prefix('(').unwrap_or(rest);
    let end = rest.find([')', ' ', '、']).unwrap_or(rest.len());
    let a = rest[..end].trim();
    let org = ORG_SUFFIX.iter().any(|s| a.contains(s))
        || LEGAL_FORMS.iter().any(|s| a.contains(s))
        || a.contains("省")
        || a.contains("事務所");
    (org && a.chars().count() >= 2).then(|| a.to_string())
}

/// Whether `family given` looks like a Japanese personal name: 1–4 kanji, then 1–4 kanji or
/// kana, and neither part a common word (研究 開発, 交流 スペース). On pages that are member
/// lists the shape alone is enough; elsewhere IPADIC must know the family name as a name.
fn plausible_name(family: &str, given: &str, list_page: bool) -> bool {
    let f_len = family.chars().count();
    let g_len = given.chars().count();
    if f_len + g_len < 2 || f_len + g_len > 6 {
        return false;
    }
    // A given name is kanji or kana, not kanji with okurigana (関す, 求る).
    let kana = |c: char| ('\u{3041}'..='\u{30ff}').contains(&c);
    if given.chars().any(kana) && !given.chars().all(kana) {
        return false;
    }
    let all = crate::text::tokenize(&format!("{family}{given}"));
    if all.iter().any(|t| {
        matches!(
            t.pos.as_str(),
            "動詞" | "助詞" | "助動詞" | "形容詞" | "副詞" | "連体詞"
        )
    }) {
        return false;
    }
    const NOT_NAMES: &[&str] = &[
        "研究",
        "開発",
        "事業",
        "支援",
        "課題",
        "医療",
        "企業",
        "機器",
        "技術",
        "基盤",
        "推進",
        "実施",
        "連携",
        "評価",
        "委員",
        "会議",
        "資料",
        "参考",
        "概要",
        "目的",
        "予算",
        "計画",
        "年度",
        "成果",
        "以上",
        "以下",
        "合計",
        "国内",
        "海外",
        "写真",
        "第",
        "内容",
        "期間",
        "対象",
        "事例",
        "状況",
        "件数",
        "活用",
        "結果",
        "臨床",
        "試験",
        "治験",
        "製品",
        "市場",
        "施策",
        "政策",
        "専門",
        "分野",
        "領域",
        "産業",
        "基礎",
        "応用",
        "段階",
        "特許",
        "取得",
        "提供",
        "機関",
        "大学",
        "病院",
        "法人",
        "株式",
        "会社",
        "協会",
        "機構",
        "学会",
        "センター",
        "本部",
        "庁",
        "省",
        "所長",
        "会長",
        "幹事",
        "部会",
        "議長",
        "座長",
        "大臣",
        "局長",
        "課長",
        "室長",
        "教授",
        "代表",
        "社長",
        "取締役",
        "弁理士",
        "弁護士",
        "主任",
        "研究員",
        "専門医",
    ];
    for p in [family, given] {
        if NOT_NAMES.iter().any(|n| p.contains(n)) {
            return false;
        }
    }
    let fam_tokens = crate::text::tokenize(family);
    let known_name = fam_tokens.iter().any(|t| t.pos_detail.contains("人名"));
    let common = fam_tokens.len() == 1
        && fam_tokens[0].pos == "名詞"
        && !fam_tokens[0].pos_detail.contains("固有名詞")
        && f_len >= 2;
    if list_page {
        !common || known_name
    } else {
        known_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::facts::norm::Norm;

    fn names(line: &str) -> Vec<(String, String)> {
        let n = Norm::new(line);
        let words = crate::text::tokenize(&n.text);
        let ctx = LineCtx {
            norm: &n,
            words: &words,
            prev: None,
            next: None,
            page_counts_projects: false,
            page_lists_people: true,
        };
        super::line(&ctx)
            .into_iter()
            .map(|f| (f.fact.kind.clone(), super::super::value_str(&f.fact)))
            .collect()
    }

    #[test]
    fn organizations() {
        let v = names("調査者：特許庁（三菱UFJリサーチ&コンサルティング株式会社への委託調査）");
        assert!(
            v.contains(&(
                "organization".into(),
                "三菱UFJリサーチ&コンサルティング株式会社".into()
            )),
            "{v:?}"
        );
        let v = names("代表機関：パナソニック株式会社 コネクティッドソリューションズ社 イノベーションセンター 齊藤 朋之");
        assert!(
            v.contains(&("organization".into(), "パナソニック株式会社".into())),
            "{v:?}"
        );
        assert!(v.contains(&("person".into(), "齊藤朋之".into())), "{v:?}");
        let v = names("研究代表者：田中 伸幸 ( 宮城県立がんセンター)");
        assert!(
            v.contains(&("organization".into(), "宮城県立がんセンター".into())),
            "{v:?}"
        );
        assert!(v.contains(&("person".into(), "田中伸幸".into())), "{v:?}");
        let v = names("(株)Biomedical Solutions ベンチャー企業のM&A");
        assert!(
            v.contains(&("organization".into(), "株式会社Biomedical Solutions".into())),
            "{v:?}"
        );
        let v = names("田中邦裕 さくらインターネット株式会社 代表取締役社長");
        assert!(
            v.contains(&("organization".into(), "さくらインターネット株式会社".into())),
            "{v:?}"
        );
        let v = names("北野宏明 株式会社ソニーリサーチ 代表取締役 CEO");
        assert!(
            v.contains(&("organization".into(), "株式会社ソニーリサーチ".into())),
            "{v:?}"
        );
        let v = names("株式会社日立製作所ライフ事業統括本部・CSO兼企画本部長");
        assert!(
            v.contains(&("organization".into(), "株式会社日立製作所".into())),
            "{v:?}"
        );
        let v = names("        池野 文昭                      内田 毅彦");
        assert!(v.contains(&("person".into(), "池野文昭".into())), "{v:?}");
        assert!(v.contains(&("person".into(), "内田毅彦".into())), "{v:?}");
        let v = names(
            "医工連携イノベーション推進事業                                商務・サービスグループ",
        );
        assert!(
            v.contains(&("program".into(), "医工連携イノベーション推進事業".into())),
            "{v:?}"
        );
        let v = names(" 月 23 日）に先んじて、病態解明から診断法・治療法                      臨床研究・治験推進研究事業");
        assert!(
            v.contains(&("program".into(), "臨床研究・治験推進研究事業".into())),
            "{v:?}"
        );
        let v = names(" 世界保健機構（ WHO ）の緊急事態宣言（令和４年７                      臨床研究・治験推進研究事業");
        assert!(
            v.contains(&("program".into(), "臨床研究・治験推進研究事業".into())),
            "{v:?}"
        );
        let v = names("○藤 田部 会長");
        assert_eq!(v, [("person".to_string(), "藤田".to_string())]);
        let v = names("○笹 岡幹 事 横浜 国立 大 学の 笹岡 です");
        assert!(
            v.contains(&("person".to_string(), "笹岡".to_string())),
            "{v:?}"
        );
        assert!(names("○研究開発委員会の設置")
            .iter()
            .all(|x| x.0 != "person"));
        assert!(names("船 荷 証 券 に 関 す る 規 定 等 の 見 直 し").is_empty());
    }
}
