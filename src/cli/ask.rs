//! `juris ask`.

use super::Io;
use std::path::PathBuf;

/// The arguments of `juris ask`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or folders (default: `policies/`).
    pub paths: Vec<PathBuf>,
}

/// Runs `juris ask`.
pub fn run(args: Args, io: &mut Io) -> u8 {
    let _ = args;
    let _ = writeln!(io.stderr, "error: `juris ask` is not built yet");
    2
}
