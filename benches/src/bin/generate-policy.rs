//! Writes the generated Oregon-shaped policy (`juris_bench::oregon`) of about N deciding
//! provisions into a folder, for measuring `juris check` and `juris lint` on it:
//!
//! ```text
//! cargo run -p juris-bench --release --bin generate-policy -- 9337 /tmp/juris-3mb
//! /usr/bin/time -v target/release/juris lint /tmp/juris-3mb
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|a| a.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: generate-policy N DIR");
        return ExitCode::from(2);
    };
    match juris_bench::oregon::write(&PathBuf::from(dir), n) {
        Ok(path) => {
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            println!(
                "{}: {} deciding provisions, {bytes} bytes",
                path.display(),
                juris_bench::oregon::provisions(n)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {dir}: {e}");
            ExitCode::from(2)
        }
    }
}
