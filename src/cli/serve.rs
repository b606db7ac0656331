//! `juris serve`: the decision service ([`crate::serve`]) on a TCP address.

use super::{default_paths, emit_diagnostics, ExitStatus, Format, Io};
use crate::diagnostic::Colour;
use crate::serve::{Options, Service, StartError};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The arguments of `juris serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
    pub paths: Vec<PathBuf>,
    /// The address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8181")]
    pub addr: String,
    /// The decision log.
    #[command(flatten)]
    pub log: super::log::LogArgs,
    /// The most seconds a request may take, its body included.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// The most requests handled at once; more wait.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub concurrency: usize,
    /// Look for changed policy files this often, and reload (0: only on SIGHUP).
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub watch_interval: f64,
    /// Worker threads (default: one per core).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// Serve the workbench, a page for lawyers, at `/` (docs/workbench.md).
    #[arg(long)]
    pub ui: bool,
    /// Let the workbench add a saved test to the policy's tests file.
    #[arg(long)]
    pub allow_write: bool,
    /// Limits each request (each batch line) is read within.
    #[command(flatten)]
    pub limits: super::LimitArgs,
}

fn seconds(s: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(s).ok().filter(|d| !d.is_zero())
}

/// Runs `juris serve` until Ctrl-C or SIGTERM.
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let Some(timeout) = seconds(args.timeout) else {
        let _ = writeln!(
            io.stderr,
            "error: --timeout must be a positive number of seconds"
        );
        return ExitStatus::Invalid;
    };
    let ui = args.ui;
    let options = Options {
        paths: default_paths(args.paths),
        limits: args.limits.limits(),
        timeout,
        concurrency: args.concurrency,
        decision_log: args.log.decision_log,
        log_mask: args.log.log_mask,
        watch: seconds(args.watch_interval),
        ui: args.ui,
        allow_write: args.allow_write,
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .try_init();
    let service = match Service::new(options) {
        Ok(s) => Arc::new(s),
        Err(StartError::Policies(files)) => {
            emit_diagnostics(&files, Format::Human, io.stderr, Colour::Plain);
            return ExitStatus::Invalid;
        }
        Err(StartError::Log(path, e)) => {
            let _ = writeln!(
                io.stderr,
                "error: cannot open the decision log `{}`: {e}",
                path.display()
            );
            return ExitStatus::Invalid;
        }
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(n) = args.jobs {
        runtime.worker_threads(n.max(1));
    }
    let runtime = match runtime.build() {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: cannot start the service: {e}");
            return ExitStatus::Invalid;
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&args.addr).await {
            Ok(l) => l,
            Err(e) => {
                let _ = writeln!(io.stderr, "error: cannot listen on `{}`: {e}", args.addr);
                return ExitStatus::Invalid;
            }
        };
        let address = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| args.addr.clone());
        let loaded = service.current();
        for stamp in &loaded.stamps {
            tracing::info!(jurisdiction = %stamp.jurisdiction, citation = %stamp.citation, bundle = %stamp.bundle_sha256, "policy loaded");
        }
        let _ = writeln!(io.stdout, "juris serve: listening on http://{address}");
        if ui {
            let _ = writeln!(io.stdout, "juris serve: the workbench is at http://{address}/");
        }
        let _ = io.stdout.flush();
        match crate::serve::serve(service, listener, crate::serve::shutdown_signal()).await {
            Ok(()) => ExitStatus::Ok,
            Err(e) => {
                let _ = writeln!(io.stderr, "error: the service stopped: {e}");
                ExitStatus::Invalid
            }
        }
    })
}
