//! `juris coverage`.

use super::Io;
use std::path::PathBuf;

/// The arguments of `juris coverage`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or folders (default: `policies/`).
    pub paths: Vec<PathBuf>,
}

/// Runs `juris coverage`.
pub fn run(args: Args, io: &mut Io) -> u8 {
    let _ = args;
    let _ = writeln!(io.stderr, "error: `juris coverage` is not built yet");
    2
}
