//! Subcommands that use the database: run, flags, sql, export, search.
use super::{ExportArgs, FlagsArgs, RunArgs, SearchArgs, SqlArgs};
use std::process::ExitCode;

/// `seisaku run`.
pub fn run(_a: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`run` is not implemented yet")
}
/// `seisaku flags`.
pub fn flags(_a: FlagsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`flags` is not implemented yet")
}
/// `seisaku sql`.
pub fn sql(_a: SqlArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`sql` is not implemented yet")
}
/// `seisaku export`.
pub fn export(_a: ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`export` is not implemented yet")
}
/// `seisaku search`.
pub fn search(_a: SearchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`search` is not implemented yet")
}
