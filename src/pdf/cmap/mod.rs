//! CMaps: character codes → CIDs (code-space ranges, cidrange, usecmap) and → Unicode
//! (ToUnicode bfchar/bfrange); the predefined Adobe-Japan1 set vendored in dictionaries/cmap.
//!
//! PLACEHOLDER (owned by the font/CMap work).
