//! `juris serve`: the engine as an HTTP decision service, with receipts and a chained
//! decision log.
//!
//! The service is a thin layer over the library: requests are read by the one request
//! decoder ([`crate::Engine::request_from_slice`], within [`crate::request::Limits`]),
//! decided by the one evaluator, written by the one decision writer
//! ([`crate::explain::DecisionJson`]); `/v1/batch` is [`crate::batch::run`], `/v1/ask` is
//! [`crate::ask`]. What is the service's own: receipts ([`crate::receipt`]), the decision
//! log ([`crate::decision_log`]), reloading, limits and metrics.
//!
//! The loaded policy set ([`Loaded`]) is swapped atomically on reload: a new set is loaded
//! and checked first; a set that fails is refused and the old one keeps serving
//! ([`Service::reload`]). Routes: see [`Service::router`] and `docs/serving.md`.

use crate::decision_log::DecisionLog;
use crate::diagnostic::FileDiagnostics;
use crate::engine::Engine;
use crate::ir::Policy;
use crate::receipt::{self, PolicyStamp};
use crate::request::Limits;
use arc_swap::ArcSwap;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

pub mod metrics;
mod openapi;
mod routes;
pub mod workbench;

pub use openapi::openapi;
pub use routes::{refusal_json, Refusal};

/// How the service runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The policy files or folders.
    pub paths: Vec<PathBuf>,
    /// The limits a request (a batch line) is read within.
    pub limits: Limits,
    /// The most time a request may take, body included (`/v1/batch` has none: it streams).
    pub timeout: Duration,
    /// The most requests handled at once; more wait (within the timeout).
    pub concurrency: usize,
    /// The decision log to append to, if any.
    pub decision_log: Option<PathBuf>,
    /// The request fields masked in the decision log (`customer.name`).
    pub log_mask: Vec<String>,
    /// How often the policy files are looked at for changes (`None`: never).
    pub watch: Option<Duration>,
    /// Whether the workbench's page is served at `/` (`--ui`).
    pub ui: bool,
    /// Whether the workbench may add a test to a policy's tests file (`--allow-write`).
    pub allow_write: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: vec![PathBuf::from("policies")],
            limits: Limits::DEFAULT,
            timeout: Duration::from_secs(10),
            concurrency: 1024,
            decision_log: None,
            log_mask: Vec::new(),
            watch: Some(Duration::from_secs(2)),
            ui: false,
            allow_write: false,
        }
    }
}

/// A loaded and checked policy set, with what the service says about it.
pub struct Loaded {
    /// The engine.
    pub engine: Engine,
    /// Each policy's stamp (bundle hash), in the engine's order.
    pub stamps: Vec<PolicyStamp>,
    /// When it was loaded (RFC 3339).
    pub loaded_at: String,
}

impl Loaded {
    /// Loads, checks and compiles the policies under the paths, and hashes their bundles.
    pub fn load(paths: &[PathBuf]) -> Result<Loaded, Vec<FileDiagnostics>> {
        let engine = Engine::load(paths)?;
        let stamps = engine
            .policies()
            .iter()
            .map(|p| PolicyStamp::of(p))
            .collect();
        Ok(Loaded {
            engine,
            stamps,
            loaded_at: receipt::rfc3339(receipt::now_nanos()),
        })
    }

    /// The stamp of one of this set's policies.
    pub fn stamp_of(&self, policy: &Arc<Policy>) -> Option<&PolicyStamp> {
        let i = self
            .engine
            .policies()
            .iter()
            .position(|p| Arc::ptr_eq(p, policy))?;
        self.stamps.get(i)
    }
}

/// How the last reloads went (`/readyz` shows it).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReloadStatus {
    /// Successful reloads since the start.
    pub reloads: u64,
    /// The last refused reload since the last successful one, if any.
    pub last_failure: Option<ReloadFailure>,
}

/// A refused reload.
#[derive(Clone, Debug, Serialize)]
pub struct ReloadFailure {
    /// When (RFC 3339).
    pub at: String,
    /// Why: the rendered diagnostics.
    pub diagnostics: String,
}

/// Why the service could not start.
#[derive(Debug)]
pub enum StartError {
    /// The policies did not load.
    Policies(Vec<FileDiagnostics>),
    /// The decision log could not be opened.
    Log(PathBuf, crate::decision_log::LogError),
}

/// The service: the current policy set and everything shared by the handlers.
pub struct Service {
    current: ArcSwap<Loaded>,
    options: Options,
    /// The metrics.
    pub metrics: metrics::Metrics,
    log: Option<Arc<DecisionLog>>,
    permits: Arc<tokio::sync::Semaphore>,
    status: Mutex<ReloadStatus>,
    /// The files' fingerprint when last looked at.
    seen: Mutex<Vec<(PathBuf, u64, Option<SystemTime>)>>,
}

impl Service {
    /// Loads the policies and opens the decision log.
    pub fn new(options: Options) -> Result<Service, StartError> {
        let seen = fingerprint(&options.paths);
        let loaded = Loaded::load(&options.paths).map_err(StartError::Policies)?;
        let log = match &options.decision_log {
            Some(path) => Some(Arc::new(
                DecisionLog::open(path, options.log_mask.clone())
                    .map_err(|e| StartError::Log(path.clone(), e))?,
            )),
            None => None,
        };
        Ok(Service {
            current: ArcSwap::from_pointee(loaded),
            permits: Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1))),
            options,
            metrics: metrics::Metrics::default(),
            log,
            status: Mutex::new(ReloadStatus::default()),
            seen: Mutex::new(seen),
        })
    }

    /// The policy set serving now.
    pub fn current(&self) -> Arc<Loaded> {
        self.current.load_full()
    }

    /// The options it runs with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// How the reloads went.
    pub fn reload_status(&self) -> ReloadStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Loads and checks the policies again and swaps them in; a set that fails is refused
    /// (the old one keeps serving) and its diagnostics returned. Blocking: reads files.
    pub fn reload(&self, why: &str) -> Result<(), String> {
        match Loaded::load(&self.options.paths) {
            Ok(loaded) => {
                let hashes: Vec<String> = loaded
                    .stamps
                    .iter()
                    .map(|s| format!("{}={}", s.jurisdiction, s.bundle_sha256))
                    .collect();
                self.current.store(Arc::new(loaded));
                self.metrics.reloaded(true);
                if let Ok(mut status) = self.status.lock() {
                    status.reloads += 1;
                    status.last_failure = None;
                }
                tracing::info!(reason = why, bundles = %hashes.join(" "), "policies reloaded");
                Ok(())
            }
            Err(files) => {
                let diagnostics =
                    crate::diagnostic::render_human(&files, crate::diagnostic::Colour::Plain, 100);
                self.metrics.reloaded(false);
                if let Ok(mut status) = self.status.lock() {
                    status.last_failure = Some(ReloadFailure {
                        at: receipt::rfc3339(receipt::now_nanos()),
                        diagnostics: diagnostics.clone(),
                    });
                }
                tracing::error!(reason = why, %diagnostics, "reload refused: the old policies keep serving");
                Err(diagnostics)
            }
        }
    }

    /// Reloads if a file under the policy paths changed since last looked at. Blocking.
    pub fn reload_if_changed(&self) {
        let now = fingerprint(&self.options.paths);
        let changed = match self.seen.lock() {
            Ok(mut seen) if *seen != now => {
                *seen = now;
                true
            }
            _ => false,
        };
        if changed {
            let _ = self.reload("a policy file changed");
        }
    }
}

/// Every file under the paths with its size and modification time, sorted.
fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    fn walk(path: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>, depth: usize) {
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        if meta.is_dir() {
            if depth > 16 {
                return;
            }
            if let Ok(entries) = std::fs::read_dir(path) {
                for entry in entries.flatten() {
                    walk(&entry.path(), out, depth + 1);
                }
            }
        } else {
            out.push((path.to_path_buf(), meta.len(), meta.modified().ok()));
        }
    }
    let mut out = Vec::new();
    for path in paths {
        walk(path, &mut out, 0);
    }
    out.sort();
    out
}

/// Serves on a listener until `shutdown` completes, then finishes the requests under way.
/// Reloads on SIGHUP (Unix) and, with [`Options::watch`], when a policy file changes.
pub async fn serve(
    service: Arc<Service>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = tokio::spawn(reload_on_signal_or_change(service.clone()));
    let app = service.router();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    watcher.abort();
    served
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}

async fn reload_on_signal_or_change(service: Arc<Service>) {
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut tick = service.options.watch.map(|every| {
        let mut t = tokio::time::interval(every);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    loop {
        #[cfg(unix)]
        let hup = async {
            match hangup.as_mut() {
                Some(h) => {
                    h.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let hup = std::future::pending::<()>();
        let changed = async {
            match tick.as_mut() {
                Some(t) => {
                    t.tick().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        let service = service.clone();
        tokio::select! {
            () = hup => {
                let _ = tokio::task::spawn_blocking(move || {
                    // Whatever the files look like now is what was reloaded.
                    if let Ok(mut seen) = service.seen.lock() {
                        *seen = fingerprint(&service.options.paths);
                    }
                    service.reload("SIGHUP")
                }).await;
            }
            () = changed => {
                let _ = tokio::task::spawn_blocking(move || service.reload_if_changed()).await;
            }
        }
    }
}
