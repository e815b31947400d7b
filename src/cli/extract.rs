//! `seisaku extract`.
use std::process::ExitCode;

/// Run `seisaku extract`.
pub fn run(_args: super::ExtractArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`extract` is not implemented yet")
}
