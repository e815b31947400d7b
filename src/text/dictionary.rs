//! The embedded dictionaries: IPADIC and the policy-term user dictionary, both compiled by
//! `build.rs` into `OUT_DIR` from the sources in `dictionaries/`.

use lindera::dictionary::UserDictionary;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera::LinderaResult;

mod ipadic {
    lindera_dictionary::embedded_dictionary!("/lindera-ipadic", EmbeddedIpadic);
}

static POLICY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/policy.bin"));

/// Load the embedded dictionaries into a new segmenter (normal mode, MeCab-compatible).
/// Loading takes a few milliseconds; [`super::segmenter`] keeps one per process.
pub fn load_segmenter() -> LinderaResult<Segmenter> {
    let dictionary = ipadic::load()?;
    let user = UserDictionary::load(POLICY)?;
    Ok(Segmenter::new(Mode::Normal, dictionary, Some(user)))
}
