//! `seisaku text`.
use std::process::ExitCode;

/// Run `seisaku text`.
pub fn run(_args: super::TextArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`text` is not implemented yet")
}
