//! `seisaku score`.
use std::process::ExitCode;

/// Run `seisaku score`.
pub fn run(_args: super::ScoreArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`score` is not implemented yet")
}
