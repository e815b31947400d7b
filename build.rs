//! Builds the Lindera IPADIC system dictionary and the policy-term user dictionary from the
//! sources kept in `dictionaries/` into `OUT_DIR`, where `src/text` embeds them. No network:
//! the IPADIC sources are in the repo (UTF-8, gzip, see dictionaries/README.md).

use flate2::read::GzDecoder;
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::schema::Schema;
use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let ipadic = root.join("dictionaries/ipadic");
    let policy = root.join("dictionaries/policy.csv");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={}", ipadic.display());
    println!("cargo:rerun-if-changed={}", policy.display());

    let src = out.join("ipadic-src");
    let dict = out.join("lindera-ipadic");
    let stamp = out.join("lindera-ipadic.stamp");
    let builder = DictionaryBuilder::new(metadata());
    // The system dictionary only depends on dictionaries/ipadic: skip the rebuild when only
    // the policy terms changed.
    let fingerprint = fingerprint(&ipadic)?;
    if fs::read_to_string(&stamp).ok().as_deref() != Some(fingerprint.as_str()) {
        unpack(&ipadic, &src)?;
        builder.build_dictionary(&src, &dict)?;
        fs::remove_dir_all(&src)?;
        fs::write(&stamp, &fingerprint)?;
    }
    builder.build_user_dictionary(&policy, &out.join("policy.bin"))?;
    println!("cargo:rustc-env=LINDERA_WORKDIR={}", out.display());
    Ok(())
}

/// IPADIC's layout: the standard 13-field schema; user-dictionary rows are
/// `surface,category,reading` and the category lands in the major part-of-speech field.
fn metadata() -> Metadata {
    Metadata::new(
        "ipadic".into(),
        "UTF-8".into(),
        -10000,
        1288, // 名詞,固有名詞,一般: user terms connect like proper nouns
        1288,
        "*".into(),
        true,
        false,
        false,
        Schema::default(),
        Schema::new(vec!["surface".into(), "major_pos".into(), "reading".into()]),
    )
}

/// Names and sizes of the source files: cheap, and changes whenever a source does.
fn fingerprint(dir: &Path) -> Result<String> {
    let mut entries: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let len = e.metadata().ok()?.len();
            Some(format!("{}:{len}", e.file_name().to_string_lossy()))
        })
        .collect();
    entries.sort();
    Ok(format!("v1 {}", entries.join(" ")))
}

/// Decompress `*.csv.gz`, `char.def.gz`, `unk.def.gz` and rebuild `matrix.def` from
/// `matrix.costs.gz` (its header line, then one cost per line in row-major id order).
fn unpack(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Some(stem) = name.strip_suffix(".gz") else {
            continue;
        };
        let mut text = String::new();
        GzDecoder::new(fs::File::open(&path)?).read_to_string(&mut text)?;
        if stem == "matrix.costs" {
            write_matrix(&text, &to.join("matrix.def"))?;
        } else {
            fs::write(to.join(stem), text)?;
        }
    }
    Ok(())
}

fn write_matrix(costs: &str, path: &Path) -> Result<()> {
    let mut lines = costs.lines();
    let header = lines.next().ok_or("matrix.costs: empty")?;
    let mut dims = header.split_whitespace().map(str::parse::<usize>);
    let (Some(Ok(left)), Some(Ok(right))) = (dims.next(), dims.next()) else {
        return Err("matrix.costs: bad header".into());
    };
    let mut w = BufWriter::new(fs::File::create(path)?);
    writeln!(w, "{header}")?;
    for i in 0..left {
        for j in 0..right {
            let cost = lines.next().ok_or("matrix.costs: too few costs")?;
            writeln!(w, "{i} {j} {cost}")?;
        }
    }
    w.flush()?;
    Ok(())
}
