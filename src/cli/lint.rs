//! `juris lint`.

use super::Io;
use std::path::PathBuf;

/// The arguments of `juris lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or folders (default: `policies/`).
    pub paths: Vec<PathBuf>,
}

/// Runs `juris lint`.
pub fn run(args: Args, io: &mut Io) -> u8 {
    let _ = args;
    let _ = writeln!(io.stderr, "error: `juris lint` is not built yet");
    2
}
