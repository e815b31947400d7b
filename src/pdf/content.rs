//! Content-stream interpreter: operators → positioned glyphs and ruling lines.
//!
//! Follows PDF 32000-1 §9 (text) and §8 (graphics state, paths, XObjects) closely enough to
//! place every glyph: full text state (Tc Tw Tz TL Ts Tf Tm Td TD T* ' "), the CTM with q/Q,
//! Form XObjects with their own resources and matrix, and marked-content /ActualText spans.
//! Paths are only followed far enough to find ruling lines for table detection.

use super::document::{decode_text_string, PdfFile};
use super::font::{Decoded, Font};
use super::{unicode, Glyph, Page, Rule, Warning};
use crate::model::Rect;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::sync::Arc;

/// Form XObjects nest at most this deep (real files use 2-3; cycles are caught separately).
const MAX_FORM_DEPTH: usize = 12;
/// Largest decompressed content stream we interpret (guards against decompression bombs).
pub const MAX_STREAM_BYTES: usize = 64 << 20;
/// Operators interpreted per page before giving up (a pathological page cannot hang the batch).
const MAX_OPERATIONS: usize = 5_000_000;
/// A filled rectangle thinner than this (points) is a ruling line, not a shaded area.
const THIN_RECT: f32 = 2.5;

/// A 2-D affine matrix [a b c d e f] in PDF's row-vector convention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix(pub [f32; 6]);

impl Matrix {
    /// The identity.
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other`: apply `self` first, then `other`.
    pub fn then(&self, o: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        Matrix([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    /// Transform a point.
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    fn from_operands(ops: &[Object]) -> Option<Matrix> {
        if ops.len() < 6 {
            return None;
        }
        let mut m = [0f32; 6];
        for (slot, o) in m.iter_mut().zip(ops) {
            *slot = num(o)?;
        }
        Some(Matrix(m))
    }

    fn from_object(doc: &Document, obj: Option<&Object>) -> Matrix {
        obj.and_then(|o| deref(doc, o).as_array().ok())
            .and_then(|a| {
                let v: Vec<Object> = a.iter().map(|o| deref(doc, o).clone()).collect();
                Matrix::from_operands(&v)
            })
            .unwrap_or(Matrix::IDENTITY)
    }
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// Follow references (bounded) to the object itself.
pub fn deref<'a>(doc: &'a Document, mut o: &'a Object) -> &'a Object {
    for _ in 0..16 {
        match o {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(next) => o = next,
                Err(_) => return &Object::Null,
            },
            _ => return o,
        }
    }
    &Object::Null
}

fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

fn dict_get_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match dict_get(doc, d, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// A page attribute, inherited through /Parent (PDF 32000-1 §7.7.3.4).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Some(v) = dict_get(doc, node, key) {
            return Some(v);
        }
        node = dict_get_dict(doc, node, b"Parent")?;
    }
    None
}

fn rect_of(doc: &Document, o: Option<&Object>) -> Option<[f32; 4]> {
    let a = o?.as_array().ok()?;
    if a.len() < 4 {
        return None;
    }
    let v: Vec<f32> = a.iter().filter_map(|o| num(deref(doc, o))).collect();
    if v.len() < 4 {
        return None;
    }
    let r = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (r[2] - r[0] > 1.0 && r[3] - r[1] > 1.0).then_some(r)
}

/// Graphics state that matters for text and rules.
#[derive(Clone)]
struct GState {
    ctm: Matrix,
    line_width: f32,
    font: Option<Arc<Font>>,
    font_idx: u16,
    font_size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
}

/// One resource scope: a page or a Form XObject.
struct Scope<'a> {
    resources: Option<&'a Dictionary>,
}

/// Marked-content span with /ActualText: its glyphs are replaced by the actual text.
struct ActualSpan {
    text: String,
    first_glyph: usize,
}

struct Interpreter<'a> {
    file: &'a PdfFile,
    doc: &'a Document,
    page_no: u32,
    /// User space → page space (top-left origin, y down, CropBox and /Rotate applied).
    page_matrix: Matrix,
    glyphs: Vec<Glyph>,
    rules: Vec<Rule>,
    fonts: Vec<String>,
    font_index: HashMap<String, u16>,
    warnings: Vec<Warning>,
    decoded: Vec<Decoded>,
    ops: usize,
    form_stack: Vec<ObjectId>,
    // Marked content: one entry per BMC/BDC; Some for /ActualText spans.
    marked: Vec<Option<ActualSpan>>,
    // Path under construction, in page space.
    subpaths: Vec<Vec<(f32, f32)>>,
    closed: Vec<bool>,
    rects: Vec<[(f32, f32); 4]>,
}

/// Interpret page `index` (0-based) of `file`. Never fails: problems become warnings.
pub fn interpret_page(file: &PdfFile, index: usize) -> Page {
    let doc = &file.doc;
    let number = index as u32 + 1;
    let empty = Page {
        number,
        width: 0.0,
        height: 0.0,
        glyphs: vec![],
        rules: vec![],
        fonts: vec![],
        warnings: vec![],
    };
    let Some(&page_id) = file.page_ids.get(index) else {
        return empty;
    };
    let Ok(page) = doc.get_dictionary(page_id) else {
        return Page {
            warnings: vec![Warning {
                page: number,
                code: "page.missing",
                detail: format!("page object {page_id:?} is not a dictionary"),
            }],
            ..empty
        };
    };
    let media = rect_of(doc, inherited(doc, page, b"MediaBox")).unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let crop = rect_of(doc, inherited(doc, page, b"CropBox"))
        .map(|c| {
            [
                c[0].max(media[0]),
                c[1].max(media[1]),
                c[2].min(media[2]),
                c[3].min(media[3]),
            ]
        })
        .filter(|c| c[2] > c[0] && c[3] > c[1])
        .unwrap_or(media);
    let rotate = inherited(doc, page, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .map(|r| r.rem_euclid(360))
        .unwrap_or(0);
    let [llx, lly, urx, ury] = crop;
    let (w, h) = (urx - llx, ury - lly);
    let (page_matrix, width, height) = match rotate {
        90 => (Matrix([0.0, 1.0, 1.0, 0.0, -lly, -llx]), h, w),
        180 => (Matrix([-1.0, 0.0, 0.0, 1.0, urx, -lly]), w, h),
        270 => (Matrix([0.0, -1.0, -1.0, 0.0, ury, urx]), h, w),
        _ => (Matrix([1.0, 0.0, 0.0, -1.0, -llx, ury]), w, h),
    };
    let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
    let mut it = Interpreter {
        file,
        doc,
        page_no: number,
        page_matrix,
        glyphs: Vec::new(),
        rules: Vec::new(),
        fonts: Vec::new(),
        font_index: HashMap::new(),
        warnings: Vec::new(),
        decoded: Vec::new(),
        ops: 0,
        form_stack: Vec::new(),
        marked: Vec::new(),
        subpaths: Vec::new(),
        closed: Vec::new(),
        rects: Vec::new(),
    };
    let content = match doc.get_page_content_with_limit(page_id, MAX_STREAM_BYTES) {
        Ok(c) => c,
        Err(e) => {
            it.warn(
                "content.unreadable",
                format!("page content cannot be decoded: {e}"),
            );
            Vec::new()
        }
    };
    let gs = GState {
        ctm: Matrix::IDENTITY,
        line_width: 1.0,
        font: None,
        font_idx: 0,
        font_size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        h_scale: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    it.run(&content, Scope { resources }, gs.clone(), 0);
    it.annotations(page, &gs);
    let mut glyphs = std::mem::take(&mut it.glyphs);
    drop_outside(&mut glyphs, width, height);
    remove_fake_bold(&mut glyphs);
    Page {
        number,
        width,
        height,
        glyphs,
        rules: it.rules,
        fonts: it.fonts,
        warnings: it.warnings,
    }
}

impl<'a> Interpreter<'a> {
    fn warn(&mut self, code: &'static str, detail: String) {
        // A broken font or operator repeats thousands of times: keep the first few.
        if self.warnings.len() < 50
            && !self
                .warnings
                .iter()
                .any(|w| w.code == code && w.detail == detail)
        {
            self.warnings.push(Warning {
                page: self.page_no,
                code,
                detail,
            });
        }
    }

    fn run(&mut self, content: &[u8], scope: Scope<'a>, mut gs: GState, depth: usize) {
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in Content::decode_iter(content) {
            let op = match op {
                Ok(op) => op,
                Err(_) => {
                    self.warn(
                        "content.syntax",
                        "content stream has a syntax error; the rest of it is skipped".into(),
                    );
                    break;
                }
            };
            self.ops += 1;
            if self.ops > MAX_OPERATIONS {
                self.warn(
                    "content.too_long",
                    format!("more than {MAX_OPERATIONS} operators; page truncated"),
                );
                return;
            }
            let o = &op.operands;
            let f = |i: usize| o.get(i).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                // Bounded: a stream of a million `q`s must not exhaust memory.
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "q" => {}
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::from_operands(o) {
                        gs.ctm = m.then(&gs.ctm);
                    }
                }
                "w" => gs.line_width = f(0),
                "gs" => self.ext_gstate(&scope, o, &mut gs),
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "ET" => {}
                "Tf" => {
                    gs.font_size = f(1);
                    if let Some(Object::Name(name)) = o.first() {
                        self.set_font(&scope, name, &mut gs);
                    }
                }
                "Tc" => gs.char_spacing = f(0),
                "Tw" => gs.word_spacing = f(0),
                "Tz" => gs.h_scale = f(0) / 100.0,
                "TL" => gs.leading = f(0),
                "Ts" => gs.rise = f(0),
                "Td" => {
                    tlm = Matrix::translate(f(0), f(1)).then(&tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.leading = -f(1);
                    tlm = Matrix::translate(f(0), f(1)).then(&tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = Matrix::from_operands(o) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(s, &gs, &mut tm);
                    }
                }
                "'" => {
                    tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(s, &gs, &mut tm);
                    }
                }
                "\"" => {
                    gs.word_spacing = f(0);
                    gs.char_spacing = f(1);
                    tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = o.get(2) {
                        self.show(s, &gs, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, &gs, &mut tm),
                                other => {
                                    if let Some(n) = num(other) {
                                        let adj = -n / 1000.0 * gs.font_size;
                                        let vertical =
                                            gs.font.as_ref().is_some_and(|f| f.vertical());
                                        tm = if vertical {
                                            Matrix::translate(0.0, adj).then(&tm)
                                        } else {
                                            Matrix::translate(adj * gs.h_scale, 0.0).then(&tm)
                                        };
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Object::Name(name)) = o.first() {
                        self.do_xobject(&scope, name, &gs, depth);
                    }
                }
                "BMC" => self.marked.push(None),
                "BDC" => {
                    let actual = self.actual_text(&scope, o.get(1));
                    self.marked.push(actual.map(|text| ActualSpan {
                        text,
                        first_glyph: self.glyphs.len(),
                    }));
                }
                "EMC" => {
                    if let Some(Some(span)) = self.marked.pop() {
                        self.close_actual_text(span);
                    }
                }
                // Paths: only straight segments and rectangles matter (ruling lines).
                "m" => {
                    let p = gs.ctm.then(&self.page_matrix).apply(f(0), f(1));
                    self.subpaths.push(vec![p]);
                    self.closed.push(false);
                }
                "l" => {
                    let p = gs.ctm.then(&self.page_matrix).apply(f(0), f(1));
                    match self.subpaths.last_mut() {
                        Some(sp) => sp.push(p),
                        None => {
                            self.subpaths.push(vec![p]);
                            self.closed.push(false);
                        }
                    }
                }
                "c" | "v" | "y" => {
                    // Curves end a straight run: start a new subpath at the curve's end point.
                    let n = o.len();
                    if n >= 2 {
                        let p = gs.ctm.then(&self.page_matrix).apply(f(n - 2), f(n - 1));
                        self.subpaths.push(vec![p]);
                        self.closed.push(false);
                    }
                }
                "h" => {
                    if let Some(c) = self.closed.last_mut() {
                        *c = true;
                    }
                }
                "re" => {
                    let m = gs.ctm.then(&self.page_matrix);
                    let (x, y, w, h) = (f(0), f(1), f(2), f(3));
                    self.rects.push([
                        m.apply(x, y),
                        m.apply(x + w, y),
                        m.apply(x + w, y + h),
                        m.apply(x, y + h),
                    ]);
                }
                "S" | "s" => {
                    if op.operator == "s" {
                        if let Some(c) = self.closed.last_mut() {
                            *c = true;
                        }
                    }
                    self.finish_path(&gs, true, false);
                }
                "f" | "F" | "f*" => self.finish_path(&gs, false, true),
                "B" | "B*" | "b" | "b*" => self.finish_path(&gs, true, true),
                "n" => self.clear_path(),
                "BI" => {}
                _ => {}
            }
        }
    }

    /// Annotation appearances (form fields, stamps): visible text that pdftotext and readers
    /// show, drawn from each annotation's normal appearance stream placed on its /Rect
    /// (PDF 32000-1 §12.5.5).
    fn annotations(&mut self, page: &'a Dictionary, gs: &GState) {
        let Some(Object::Array(annots)) = dict_get(self.doc, page, b"Annots") else {
            return;
        };
        for annot in annots.iter().take(2000) {
            let Object::Dictionary(a) = deref(self.doc, annot) else {
                continue;
            };
            let flags = dict_get(self.doc, a, b"F")
                .and_then(|o| o.as_i64().ok())
                .unwrap_or(0);
            if flags & 0b10 != 0 {
                continue; // hidden
            }
            let subtype = dict_get(self.doc, a, b"Subtype")
                .and_then(|o| o.as_name().ok())
                .unwrap_or(b"");
            if subtype == b"Link" || subtype == b"Popup" {
                continue;
            }
            let Some(rect) = rect_of(self.doc, dict_get(self.doc, a, b"Rect")) else {
                continue;
            };
            let Some(ap) = dict_get_dict(self.doc, a, b"AP") else {
                continue;
            };
            let normal = match a.get(b"AP").ok().map(|o| deref(self.doc, o)) {
                Some(Object::Dictionary(_)) => ap.get(b"N").ok(),
                _ => None,
            };
            let Some(normal) = normal else { continue };
            // /N is a stream, or a dictionary of states chosen by /AS.
            let stream_obj = match deref(self.doc, normal) {
                Object::Stream(_) => Some(normal),
                Object::Dictionary(states) => dict_get(self.doc, a, b"AS")
                    .and_then(|o| o.as_name().ok())
                    .and_then(|state| states.get(state).ok()),
                _ => None,
            };
            let Some(stream_obj) = stream_obj else {
                continue;
            };
            let Object::Stream(stream) = deref(self.doc, stream_obj) else {
                continue;
            };
            let matrix = Matrix::from_object(self.doc, stream.dict.get(b"Matrix").ok());
            let Some(bbox) = rect_of(self.doc, dict_get(self.doc, &stream.dict, b"BBox")) else {
                continue;
            };
            // Transformed BBox → its bounding box → map that onto /Rect.
            let pts = [
                matrix.apply(bbox[0], bbox[1]),
                matrix.apply(bbox[2], bbox[1]),
                matrix.apply(bbox[2], bbox[3]),
                matrix.apply(bbox[0], bbox[3]),
            ];
            let (bx0, by0) = pts
                .iter()
                .fold((f32::MAX, f32::MAX), |a, p| (a.0.min(p.0), a.1.min(p.1)));
            let (bx1, by1) = pts
                .iter()
                .fold((f32::MIN, f32::MIN), |a, p| (a.0.max(p.0), a.1.max(p.1)));
            if bx1 - bx0 <= 0.0 || by1 - by0 <= 0.0 {
                continue;
            }
            let sx = (rect[2] - rect[0]) / (bx1 - bx0);
            let sy = (rect[3] - rect[1]) / (by1 - by0);
            let fit = Matrix([sx, 0.0, 0.0, sy, rect[0] - bx0 * sx, rect[1] - by0 * sy]);
            let content = match stream.decompressed_content_with_limit(MAX_STREAM_BYTES) {
                Ok(c) => c,
                Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
                Err(_) => continue,
            };
            let resources = dict_get_dict(self.doc, &stream.dict, b"Resources");
            let mut inner = gs.clone();
            inner.ctm = matrix.then(&fit);
            let marked_depth = self.marked.len();
            self.run(&content, Scope { resources }, inner, 1);
            self.marked.truncate(marked_depth);
        }
    }

    fn clear_path(&mut self) {
        self.subpaths.clear();
        self.closed.clear();
        self.rects.clear();
    }

    /// Turn the current path into ruling lines: stroked axis-aligned segments, and thin
    /// filled rectangles (spreadsheet exporters draw cell borders that way).
    fn finish_path(&mut self, gs: &GState, stroke: bool, fill: bool) {
        let m = gs.ctm.then(&self.page_matrix);
        let scale = ((m.0[0] * m.0[0] + m.0[1] * m.0[1]).sqrt()
            + (m.0[2] * m.0[2] + m.0[3] * m.0[3]).sqrt())
            * 0.5;
        let width = (gs.line_width * scale).max(0.1);
        if stroke {
            let mut segs = Vec::new();
            for (sp, &closed) in self.subpaths.iter().zip(&self.closed) {
                for pair in sp.windows(2) {
                    segs.push((pair[0], pair[1]));
                }
                if closed && sp.len() > 2 {
                    segs.push((sp[sp.len() - 1], sp[0]));
                }
            }
            for r in &self.rects {
                for i in 0..4 {
                    segs.push((r[i], r[(i + 1) % 4]));
                }
            }
            for (a, b) in segs {
                self.push_rule(a, b, width);
            }
        }
        if fill {
            let mut quads: Vec<[(f32, f32); 4]> = self.rects.clone();
            for (sp, _) in self.subpaths.iter().zip(&self.closed) {
                let pts: Vec<(f32, f32)> = if sp.len() == 5 && close(sp[0], sp[4]) {
                    sp[..4].to_vec()
                } else {
                    sp.clone()
                };
                if pts.len() == 4 {
                    quads.push([pts[0], pts[1], pts[2], pts[3]]);
                }
            }
            for q in quads {
                let r = Rect::new(
                    q.iter().map(|p| p.0).fold(f32::MAX, f32::min),
                    q.iter().map(|p| p.1).fold(f32::MAX, f32::min),
                    q.iter().map(|p| p.0).fold(f32::MIN, f32::max),
                    q.iter().map(|p| p.1).fold(f32::MIN, f32::max),
                );
                if r.height() <= THIN_RECT && r.width() > r.height() {
                    let y = r.cy();
                    self.push_rule((r.x0, y), (r.x1, y), r.height().max(0.1));
                } else if r.width() <= THIN_RECT && r.height() > r.width() {
                    let x = r.cx();
                    self.push_rule((x, r.y0), (x, r.y1), r.width().max(0.1));
                }
            }
        }
        self.clear_path();
    }

    fn push_rule(&mut self, a: (f32, f32), b: (f32, f32), width: f32) {
        let horizontal = (a.1 - b.1).abs() < 0.5 && (a.0 - b.0).abs() >= 1.0;
        let vertical = (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() >= 1.0;
        if !(horizontal || vertical) || self.rules.len() >= 200_000 {
            return;
        }
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        if horizontal {
            let y = (a.1 + b.1) * 0.5;
            self.rules.push(Rule {
                x0,
                y0: y,
                x1,
                y1: y,
                width,
            });
        } else {
            let x = (a.0 + b.0) * 0.5;
            self.rules.push(Rule {
                x0: x,
                y0,
                x1: x,
                y1,
                width,
            });
        }
    }

    fn resource<'b>(&self, scope: &Scope<'b>, category: &[u8], name: &[u8]) -> Option<&'b Object>
    where
        'a: 'b,
    {
        let res = scope.resources?;
        let cat = dict_get_dict(self.doc, res, category)?;
        cat.get(name).ok()
    }

    fn set_font(&mut self, scope: &Scope<'a>, name: &[u8], gs: &mut GState) {
        let display = String::from_utf8_lossy(name).into_owned();
        let Some(obj) = self.resource(scope, b"Font", name) else {
            self.warn(
                "font.missing",
                format!("font /{display} is not in the page resources"),
            );
            gs.font = Some(Arc::new(Font::fallback(&display)));
            gs.font_idx = self.font_idx(&display);
            return;
        };
        let font = match obj {
            Object::Reference(id) => {
                self.file
                    .font_cached(*id, &display, &mut self.warnings, self.page_no)
            }
            other => match deref(self.doc, other) {
                Object::Dictionary(d) => {
                    let (font, warns) = Font::load(self.doc, d, &display);
                    for w in warns {
                        self.warn("font.degraded", w);
                    }
                    Arc::new(font)
                }
                _ => Arc::new(Font::fallback(&display)),
            },
        };
        gs.font_idx = self.font_idx(font.name());
        gs.font = Some(font);
    }

    fn font_idx(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.font_index.get(name) {
            return i;
        }
        let i = self.fonts.len().min(u16::MAX as usize) as u16;
        self.fonts.push(name.to_string());
        self.font_index.insert(name.to_string(), i);
        i
    }

    fn ext_gstate(&mut self, scope: &Scope<'a>, o: &[Object], gs: &mut GState) {
        let Some(Object::Name(name)) = o.first() else {
            return;
        };
        let Some(obj) = self.resource(scope, b"ExtGState", name) else {
            return;
        };
        let Object::Dictionary(d) = deref(self.doc, obj) else {
            return;
        };
        if let Some(w) = d.get(b"LW").ok().and_then(num) {
            gs.line_width = w;
        }
        if let Some(Object::Array(a)) = d.get(b"Font").ok().map(|o| deref(self.doc, o)) {
            if let (Some(Object::Reference(id)), Some(size)) = (a.first(), a.get(1).and_then(num)) {
                let font =
                    self.file
                        .font_cached(*id, "ExtGState", &mut self.warnings, self.page_no);
                gs.font_idx = self.font_idx(font.name());
                gs.font = Some(font);
                gs.font_size = size;
            }
        }
    }

    fn actual_text(&self, scope: &Scope<'a>, props: Option<&Object>) -> Option<String> {
        let dict = match props? {
            Object::Dictionary(d) => d,
            Object::Name(n) => match deref(self.doc, self.resource(scope, b"Properties", n)?) {
                Object::Dictionary(d) => d,
                _ => return None,
            },
            _ => return None,
        };
        match dict_get(self.doc, dict, b"ActualText")? {
            Object::String(s, _) => Some(decode_text_string(s)),
            _ => None,
        }
    }

    /// Replace the glyphs shown inside an /ActualText span by one glyph carrying the text.
    fn close_actual_text(&mut self, span: ActualSpan) {
        let start = span.first_glyph.min(self.glyphs.len());
        let shown: Vec<Glyph> = self.glyphs.drain(start..).collect();
        let Some(first) = shown.first() else { return };
        let text: String = span
            .text
            .chars()
            .filter(|c| !c.is_control() && *c != '\u{FFFD}')
            .collect();
        if text.trim().is_empty() {
            // Empty ActualText on real glyphs usually marks decoration; keep the glyphs' own text.
            if !span.text.is_empty() {
                return;
            }
            self.glyphs.extend(shown);
            return;
        }
        let bbox = shown
            .iter()
            .skip(1)
            .fold(first.bbox, |acc, g| acc.union(&g.bbox));
        let text = unicode::normalize_glyph_text(&text);
        self.glyphs.push(Glyph {
            private_use: text.chars().any(unicode::is_private_use),
            text,
            bbox,
            size: first.size,
            font: first.font,
            vertical: first.vertical,
            unmapped: false,
            rotation: first.rotation,
        });
    }

    fn do_xobject(&mut self, scope: &Scope<'a>, name: &[u8], gs: &GState, depth: usize) {
        let Some(obj) = self.resource(scope, b"XObject", name) else {
            return;
        };
        let id = match obj {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let Object::Stream(stream) = deref(self.doc, obj) else {
            return;
        };
        let is_form = stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            == Some(b"Form");
        if !is_form {
            return;
        }
        if depth >= MAX_FORM_DEPTH || id.is_some_and(|id| self.form_stack.contains(&id)) {
            self.warn(
                "xobject.cycle",
                format!(
                    "form /{} nests too deep or refers to itself",
                    String::from_utf8_lossy(name)
                ),
            );
            return;
        }
        let content = match stream.decompressed_content_with_limit(MAX_STREAM_BYTES) {
            Ok(c) => c,
            Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
            Err(e) => {
                self.warn(
                    "xobject.unreadable",
                    format!(
                        "form /{} cannot be decoded: {e}",
                        String::from_utf8_lossy(name)
                    ),
                );
                return;
            }
        };
        let matrix = Matrix::from_object(self.doc, stream.dict.get(b"Matrix").ok());
        let resources = dict_get_dict(self.doc, &stream.dict, b"Resources").or(scope.resources);
        let mut inner = gs.clone();
        inner.ctm = matrix.then(&gs.ctm);
        if let Some(id) = id {
            self.form_stack.push(id);
        }
        let marked_depth = self.marked.len();
        self.run(&content, Scope { resources }, inner, depth + 1);
        // Unbalanced marked content inside a form must not leak out of it.
        while self.marked.len() > marked_depth {
            if let Some(Some(span)) = self.marked.pop() {
                self.close_actual_text(span);
            }
        }
        if id.is_some() {
            self.form_stack.pop();
        }
    }

    /// Show a string: decode, place each glyph, advance the text matrix.
    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let font = match &gs.font {
            Some(f) => f.clone(),
            None => {
                self.warn("font.none", "text shown before any Tf".into());
                Arc::new(Font::fallback("none"))
            }
        };
        let mut decoded = std::mem::take(&mut self.decoded);
        decoded.clear();
        font.decode(bytes, &mut decoded);
        let fs = gs.font_size;
        let th = gs.h_scale;
        let vertical = font.vertical();
        let (ascent, descent) = font.ascent_descent();
        let base = gs.ctm.then(&self.page_matrix);
        for d in &decoded {
            let trm = tm.then(&base);
            let spacing = gs.char_spacing + if d.word_space { gs.word_spacing } else { 0.0 };
            // Glyph box in text space relative to the current point.
            let (bx0, by0, bx1, by1) = if vertical {
                // The glyph hangs below the current point: origin = point − v (§9.7.4.3).
                let vx = d.vorigin.0;
                let w = if d.width > 0.0 { d.width } else { 1.0 };
                let adv = if d.vy < 0.0 { d.vy } else { -1.0 };
                (-vx * fs, adv * fs, (w - vx) * fs, 0.0)
            } else {
                (
                    0.0,
                    descent * fs + gs.rise,
                    d.width * fs * th,
                    ascent * fs + gs.rise,
                )
            };
            if !d.text.is_empty() && !d.text.chars().all(char::is_whitespace) {
                let corners = [
                    trm.apply(bx0, by0),
                    trm.apply(bx1, by0),
                    trm.apply(bx1, by1),
                    trm.apply(bx0, by1),
                ];
                let bbox = Rect::new(
                    corners.iter().map(|p| p.0).fold(f32::MAX, f32::min),
                    corners.iter().map(|p| p.1).fold(f32::MAX, f32::min),
                    corners.iter().map(|p| p.0).fold(f32::MIN, f32::max),
                    corners.iter().map(|p| p.1).fold(f32::MIN, f32::max),
                );
                let (dx, dy) = {
                    let (x0, y0) = trm.apply(0.0, 0.0);
                    let (x1, y1) = trm.apply(1.0, 0.0);
                    (x1 - x0, y1 - y0)
                };
                let (ux, uy) = {
                    let (x0, y0) = trm.apply(0.0, 0.0);
                    let (x1, y1) = trm.apply(0.0, 1.0);
                    (x1 - x0, y1 - y0)
                };
                let size = (ux * ux + uy * uy).sqrt() * fs.abs();
                let rotation = if dx.abs() >= dy.abs() {
                    if dx >= 0.0 {
                        0
                    } else {
                        2
                    }
                } else if dy > 0.0 {
                    1
                } else {
                    3
                };
                let size = if size.is_finite() && size > 0.0 {
                    size
                } else {
                    fs.abs()
                };
                let text = unicode::normalize_glyph_text(&d.text);
                if bbox.x1.is_finite()
                    && bbox.y1.is_finite()
                    && bbox.x0.is_finite()
                    && bbox.y0.is_finite()
                {
                    self.glyphs.push(Glyph {
                        private_use: text.chars().any(unicode::is_private_use),
                        text,
                        bbox,
                        size,
                        font: gs.font_idx,
                        vertical,
                        unmapped: false,
                        rotation,
                    });
                }
            } else if d.unmapped {
                self.warn(
                    "font.unmapped",
                    format!("font {} has codes without a Unicode mapping", font.name()),
                );
            }
            // Advance.
            *tm = if vertical {
                let ty = d.vy * fs + spacing;
                Matrix::translate(0.0, ty).then(tm)
            } else {
                let tx = (d.width * fs + spacing) * th;
                Matrix::translate(tx, 0.0).then(tm)
            };
        }
        self.decoded = decoded;
    }
}

fn close(a: (f32, f32), b: (f32, f32)) -> bool {
    (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() < 0.5
}

/// Drop glyphs that repeat an earlier glyph's text at almost the same place: poor man's bold
/// (the same string drawn 2-4 times with a small offset) would otherwise double every char.
/// Text outside the visible page (CropBox, else MediaBox) is not part of the page: spreads cut
/// into halves by CropBox, and content streams that draw the neighbouring page beyond the edge,
/// would otherwise print both halves. A glyph stays when the centre of its box is on the page
/// (half a point of slack for glyphs set exactly at the edge), as pdftotext and pdf.js decide.
fn drop_outside(glyphs: &mut Vec<Glyph>, width: f32, height: f32) {
    const SLACK: f32 = 0.5;
    glyphs.retain(|g| {
        let (cx, cy) = ((g.bbox.x0 + g.bbox.x1) / 2.0, (g.bbox.y0 + g.bbox.y1) / 2.0);
        (-SLACK..=width + SLACK).contains(&cx) && (-SLACK..=height + SLACK).contains(&cy)
    });
}

fn remove_fake_bold(glyphs: &mut Vec<Glyph>) {
    if glyphs.len() < 2 {
        return;
    }
    let mut seen: HashMap<(&str, i32, i32), Vec<usize>> = HashMap::new();
    let mut keep = vec![true; glyphs.len()];
    for (i, g) in glyphs.iter().enumerate() {
        let tol = (g.size * 0.2).max(0.5);
        let cell = (g.size * 0.5).max(1.0);
        let (cx, cy) = (g.bbox.x0, g.bbox.y0);
        let (kx, ky) = ((cx / cell).floor() as i32, (cy / cell).floor() as i32);
        let mut dup = false;
        'search: for nx in kx - 1..=kx + 1 {
            for ny in ky - 1..=ky + 1 {
                if let Some(list) = seen.get(&(g.text.as_str(), nx, ny)) {
                    for &j in list {
                        let o = &glyphs[j];
                        if (o.bbox.x0 - cx).abs() < tol
                            && (o.bbox.y0 - cy).abs() < tol
                            && (o.size - g.size).abs() < 0.5
                        {
                            dup = true;
                            break 'search;
                        }
                    }
                }
            }
        }
        if dup {
            keep[i] = false;
        } else {
            seen.entry((g.text.as_str(), kx, ky)).or_default().push(i);
        }
    }
    let mut i = 0;
    glyphs.retain(|_| {
        let k = keep[i];
        i += 1;
        k
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_concatenation_applies_left_first() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 5.0);
        assert_eq!(scale.then(&shift).apply(1.0, 1.0), (12.0, 7.0));
        assert_eq!(shift.then(&scale).apply(1.0, 1.0), (22.0, 12.0));
    }

    fn glyph(text: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: text.into(),
            bbox: Rect::new(x, y, x + 10.0, y + 10.0),
            size: 10.0,
            font: 0,
            vertical: false,
            unmapped: false,
            private_use: false,
            rotation: 0,
        }
    }

    #[test]
    fn fake_bold_duplicates_are_removed_but_repeated_chars_kept() {
        let mut g = vec![
            glyph("日", 0.0, 0.0),
            glyph("本", 10.0, 0.0),
            glyph("日", 0.3, 0.2),
            glyph("本", 10.3, 0.2),
            glyph("日", 20.0, 0.0),
        ];
        remove_fake_bold(&mut g);
        let text: String = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "日本日");
    }
}
