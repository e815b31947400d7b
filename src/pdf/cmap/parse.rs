//! A forgiving reader for CMap files (the PostScript subset CMaps use): it collects code-space
//! ranges, CID mappings, bf mappings and the few `def`s we need, and skips everything else.

/// One lexical token; strings are kept raw (hex digits or literal bytes) to avoid copies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tok<'a> {
    Hex(&'a [u8]),
    Str(&'a [u8]),
    Name(&'a [u8]),
    Int(i64),
    Real,
    Word(&'a [u8]),
    ArrOpen,
    ArrClose,
    DictOpen,
    DictClose,
}

pub(crate) struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | 0)
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Self {
        Lexer { s, pos: 0 }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.s.get(self.pos + off).copied()
    }

    fn regular(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek(0) {
            if is_ws(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
        self.s.get(start..self.pos).unwrap_or_default()
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Tok<'a>;

    fn next(&mut self) -> Option<Tok<'a>> {
        loop {
            let b = self.peek(0)?;
            if is_ws(b) {
                self.pos += 1;
                continue;
            }
            if b == b'%' {
                while let Some(c) = self.peek(0) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
                continue;
            }
            match b {
                b'<' if self.peek(1) == Some(b'<') => {
                    self.pos += 2;
                    return Some(Tok::DictOpen);
                }
                b'>' if self.peek(1) == Some(b'>') => {
                    self.pos += 2;
                    return Some(Tok::DictClose);
                }
                b'<' => {
                    self.pos += 1;
                    let start = self.pos;
                    while let Some(c) = self.peek(0) {
                        if c == b'>' {
                            break;
                        }
                        self.pos += 1;
                    }
                    let hex = self.s.get(start..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Some(Tok::Hex(hex));
                }
                b'(' => {
                    self.pos += 1;
                    let start = self.pos;
                    let mut depth = 1;
                    while let Some(c) = self.peek(0) {
                        match c {
                            b'\\' => self.pos += 1,
                            b'(' => depth += 1,
                            b')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        self.pos += 1;
                    }
                    let end = self.pos.min(self.s.len());
                    let lit = self.s.get(start..end).unwrap_or_default();
                    self.pos += 1;
                    return Some(Tok::Str(lit));
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Tok::ArrOpen);
                }
                b']' => {
                    self.pos += 1;
                    return Some(Tok::ArrClose);
                }
                b'/' => {
                    self.pos += 1;
                    return Some(Tok::Name(self.regular()));
                }
                b'{' | b'}' | b')' | b'>' => {
                    self.pos += 1;
                    continue;
                }
                _ => {
                    let w = self.regular();
                    if w.is_empty() {
                        self.pos += 1;
                        continue;
                    }
                    if let Some(i) = std::str::from_utf8(w).ok().and_then(|t| t.parse().ok()) {
                        return Some(Tok::Int(i));
                    }
                    if w.iter()
                        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+'))
                    {
                        return Some(Tok::Real);
                    }
                    return Some(Tok::Word(w));
                }
            }
        }
    }
}

/// Bytes of a hex string (odd trailing digit padded with 0, non-hex ignored).
pub(crate) fn hex_bytes(hex: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut hi: Option<u8> = None;
    for &c in hex {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
}

/// A code from a string token: (value, byte length); codes longer than 4 bytes are refused.
pub(crate) fn code_of(tok: &Tok, buf: &mut Vec<u8>) -> Option<(u32, u8)> {
    match tok {
        Tok::Hex(h) => hex_bytes(h, buf),
        Tok::Str(s) => {
            buf.clear();
            buf.extend_from_slice(s);
        }
        _ => return None,
    }
    if buf.is_empty() || buf.len() > 4 {
        return None;
    }
    let v = buf.iter().fold(0u32, |a, &b| a << 8 | b as u32);
    Some((v, buf.len() as u8))
}

/// A code-space range: per-byte bounds for codes of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Codespace {
    pub(crate) len: u8,
    pub(crate) lo: [u8; 4],
    pub(crate) hi: [u8; 4],
}

/// Destination of a bf mapping.
#[derive(Debug, Clone)]
pub(crate) enum BfDest {
    /// UTF-16BE bytes (or a literal string's bytes).
    Bytes(Vec<u8>),
    /// A glyph name (rare).
    Name(Vec<u8>),
}

/// What a CMap file says, before it is turned into lookup tables.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) name: Option<String>,
    pub(crate) wmode: Option<u8>,
    pub(crate) usecmap: Option<String>,
    pub(crate) ordering: Option<String>,
    pub(crate) codespace: Vec<Codespace>,
    /// (lo, hi, byte length, first CID).
    pub(crate) cid: Vec<(u32, u32, u8, u32)>,
    pub(crate) notdef: Vec<(u32, u32, u8, u32)>,
    /// (lo, hi, destination of lo); ranges with an array destination come as single entries.
    pub(crate) bf: Vec<(u32, u32, BfDest)>,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Parse a CMap file. Never fails: whatever could be read is returned.
pub(crate) fn parse(data: &[u8]) -> Parsed {
    let mut p = Parsed::default();
    let mut lx = Lexer::new(data);
    let mut prev: [Option<Tok>; 2] = [None, None];
    let mut buf = Vec::new();
    let mut buf2 = Vec::new();
    while let Some(t) = lx.next() {
        if let Tok::Word(w) = t {
            match w {
                b"begincodespacerange" => read_codespace(&mut lx, &mut p, &mut buf, &mut buf2),
                b"begincidrange" | b"beginnotdefrange" => {
                    let notdef = w == b"beginnotdefrange";
                    read_cid_ranges(&mut lx, &mut p, notdef, &mut buf, &mut buf2)
                }
                b"begincidchar" | b"beginnotdefchar" => {
                    let notdef = w == b"beginnotdefchar";
                    read_cid_chars(&mut lx, &mut p, notdef, &mut buf)
                }
                b"beginbfchar" => read_bf_chars(&mut lx, &mut p, &mut buf),
                b"beginbfrange" => read_bf_ranges(&mut lx, &mut p, &mut buf, &mut buf2),
                b"usecmap" => {
                    if let Some(Tok::Name(n)) = prev[1] {
                        p.usecmap = Some(lossy(n));
                    }
                }
                b"def" => match (prev[0], prev[1]) {
                    (Some(Tok::Name(b"WMode")), Some(Tok::Int(i))) => {
                        p.wmode = Some(u8::from(i == 1));
                    }
                    (Some(Tok::Name(b"CMapName")), Some(Tok::Name(n))) => {
                        p.name = Some(lossy(n));
                    }
                    (Some(Tok::Name(b"Ordering")), Some(Tok::Str(s))) => {
                        p.ordering = Some(lossy(s));
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        prev = [prev[1], Some(t)];
    }
    p
}

fn is_end(t: &Tok) -> bool {
    matches!(t, Tok::Word(w) if w.starts_with(b"end"))
}

fn read_codespace(lx: &mut Lexer, p: &mut Parsed, b1: &mut Vec<u8>, b2: &mut Vec<u8>) {
    while let Some(a) = lx.next() {
        if is_end(&a) {
            return;
        }
        let Some(b) = lx.next() else { return };
        let (Some((_, la)), Some((_, lb))) = (code_of(&a, b1), code_of(&b, b2)) else {
            continue;
        };
        if la != lb {
            continue;
        }
        let mut cs = Codespace {
            len: la,
            lo: [0; 4],
            hi: [0; 4],
        };
        cs.lo[..la as usize].copy_from_slice(b1);
        cs.hi[..la as usize].copy_from_slice(b2);
        p.codespace.push(cs);
    }
}

fn read_cid_ranges(
    lx: &mut Lexer,
    p: &mut Parsed,
    notdef: bool,
    b1: &mut Vec<u8>,
    b2: &mut Vec<u8>,
) {
    while let Some(a) = lx.next() {
        if is_end(&a) {
            return;
        }
        let (Some(b), Some(c)) = (lx.next(), lx.next()) else {
            return;
        };
        let (Some((lo, len)), Some((hi, _)), Tok::Int(cid)) = (code_of(&a, b1), code_of(&b, b2), c)
        else {
            continue;
        };
        let Ok(cid) = u32::try_from(cid) else {
            continue;
        };
        let list = if notdef { &mut p.notdef } else { &mut p.cid };
        list.push((lo, hi, len, cid));
    }
}

fn read_cid_chars(lx: &mut Lexer, p: &mut Parsed, notdef: bool, b1: &mut Vec<u8>) {
    while let Some(a) = lx.next() {
        if is_end(&a) {
            return;
        }
        let Some(c) = lx.next() else { return };
        let (Some((code, len)), Tok::Int(cid)) = (code_of(&a, b1), c) else {
            continue;
        };
        let Ok(cid) = u32::try_from(cid) else {
            continue;
        };
        let list = if notdef { &mut p.notdef } else { &mut p.cid };
        list.push((code, code, len, cid));
    }
}

fn dest_of(t: &Tok, buf: &mut Vec<u8>) -> Option<BfDest> {
    match t {
        Tok::Hex(h) => {
            hex_bytes(h, buf);
            Some(BfDest::Bytes(buf.clone()))
        }
        Tok::Str(s) => Some(BfDest::Bytes(s.to_vec())),
        Tok::Name(n) => Some(BfDest::Name(n.to_vec())),
        _ => None,
    }
}

fn read_bf_chars(lx: &mut Lexer, p: &mut Parsed, b1: &mut Vec<u8>) {
    while let Some(a) = lx.next() {
        if is_end(&a) {
            return;
        }
        let Some(d) = lx.next() else { return };
        let Some((code, _)) = code_of(&a, b1) else {
            continue;
        };
        if let Some(dest) = dest_of(&d, b1) {
            p.bf.push((code, code, dest));
        }
    }
}

fn read_bf_ranges(lx: &mut Lexer, p: &mut Parsed, b1: &mut Vec<u8>, b2: &mut Vec<u8>) {
    while let Some(a) = lx.next() {
        if is_end(&a) {
            return;
        }
        let (Some(b), Some(d)) = (lx.next(), lx.next()) else {
            return;
        };
        let range = match (code_of(&a, b1), code_of(&b, b2)) {
            (Some((lo, _)), Some((hi, _))) if lo <= hi => Some((lo, hi)),
            _ => None,
        };
        if d == Tok::ArrOpen {
            let mut code = range.map(|r| r.0);
            for t in lx.by_ref() {
                if t == Tok::ArrClose {
                    break;
                }
                if let (Some(c), Some(dest)) = (code, dest_of(&t, b1)) {
                    if range.is_some_and(|r| c <= r.1) {
                        p.bf.push((c, c, dest));
                    }
                    code = c.checked_add(1);
                }
            }
            continue;
        }
        if let (Some((lo, hi)), Some(dest)) = (range, dest_of(&d, b1)) {
            p.bf.push((lo, hi, dest));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks() {
        let text = b"%!PS\n/CIDInit /ProcSet findresource begin\n/CIDSystemInfo 3 dict dup begin\
/Registry (Adobe) def /Ordering (Japan1) def /Supplement 6 def end def\n\
/CMapName /Test-V def /WMode 1 def /Base-H usecmap\n\
2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange\n\
1 begincidrange <8140> <817e> 633 endcidrange\n1 begincidchar <20> 1 endcidchar\n\
1 beginnotdefrange <00> <1f> 231 endnotdefrange\n\
2 beginbfchar <01> <65E5> <02> (AB) endbfchar\n\
2 beginbfrange <10> <12> <0041> <20> <21> [<0061> <D840DC0B>] endbfrange\nendcmap";
        let p = parse(text);
        assert_eq!(p.name.as_deref(), Some("Test-V"));
        assert_eq!(p.wmode, Some(1));
        assert_eq!(p.usecmap.as_deref(), Some("Base-H"));
        assert_eq!(p.ordering.as_deref(), Some("Japan1"));
        assert_eq!(p.codespace.len(), 2);
        assert_eq!(p.codespace[1].lo[..2], [0x81, 0x40]);
        assert_eq!(p.cid, vec![(0x8140, 0x817e, 2, 633), (0x20, 0x20, 1, 1)]);
        assert_eq!(p.notdef, vec![(0, 0x1f, 1, 231)]);
        assert_eq!(p.bf.len(), 5);
        assert!(matches!(&p.bf[3], (0x20, 0x20, BfDest::Bytes(b)) if b == &[0, 0x61]));
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            &b"<"[..],
            b"(",
            b"1 begincidrange <00",
            b"beginbfrange <00> <01> [",
            b"begincodespacerange <0000> <FF> endcodespacerange",
            b"\xff\xfe begincidchar (",
        ] {
            let _ = parse(s);
        }
    }
}
