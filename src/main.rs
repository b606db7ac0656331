//! The `juris` command line: a thin layer over the library.

/// mimalloc: `juris serve` and `juris batch` allocate from many threads at once, where
/// glibc's allocator spent a quarter of the service's time (`perf`, `scripts/serve-bench.sh`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    juris::cli::run()
}
