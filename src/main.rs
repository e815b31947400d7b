//! The `seisaku` command: parse arguments, dispatch, exit 0 (all good), 1 (some files failed)
//! or 2 (usage or fatal error).
fn main() -> std::process::ExitCode {
    seisaku::cli::main()
}
