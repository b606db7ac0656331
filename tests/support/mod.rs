//! What several test binaries share: running the `juris` command line in process.

use clap::Parser;
use juris::cli::{run_command, Cli, Io};

/// What a run of the command line printed, and its exit code.
pub struct Run {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `juris ARGS…` in process, with an empty standard input and no terminal.
pub fn juris(args: &[&str]) -> Run {
    let cli = Cli::try_parse_from(std::iter::once("juris").chain(args.iter().copied())).unwrap();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = run_command(
        cli.command,
        &mut Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdin: &mut || Ok(String::new()),
            terminal: false,
        },
    );
    Run {
        code,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}
