//! `juris diff`.

use super::Io;
use std::path::PathBuf;

/// The arguments of `juris diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or folders (default: `policies/`).
    pub paths: Vec<PathBuf>,
}

/// Runs `juris diff`.
pub fn run(args: Args, io: &mut Io) -> u8 {
    let _ = args;
    let _ = writeln!(io.stderr, "error: `juris diff` is not built yet");
    2
}
