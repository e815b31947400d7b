//! The `seisaku` command: parse arguments, dispatch, exit 0 (all good), 1 (some files failed)
//! or 2 (usage or fatal error).
/// mimalloc: the analysis allocates and frees many small strings and vectors per glyph, line
/// and token; glibc's allocator spent ~15% of a run in malloc/free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    seisaku::cli::main()
}
