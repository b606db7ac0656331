#!/usr/bin/env bash
# A load benchmark of `juris serve` on loopback (not a timed test): the service and the load
# generator share the machine's cores. Builds in release and runs benches/src/bin/serve_load.rs:
# throughput and p50/p99 of POST /v1/decide (plain, explained, explained with the decision
# log) next to a constant axum handler (the HTTP floor), measured in the same run.
#   scripts/serve-bench.sh [REQUESTS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p juris-bench --bin serve_load
exec target/release/serve_load "$@"
