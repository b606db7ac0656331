//! The `juris` command line: a thin layer over the library.

fn main() -> std::process::ExitCode {
    juris::cli::run()
}
