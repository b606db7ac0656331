#!/usr/bin/env bash
# Runs Juris's fuzz targets (tests/it/fuzz.rs) for a while each, under a real fuzzer.
#
#   scripts/fuzz-long.sh [-m MINUTES] [-e ENGINE] [TARGET...]
#
# TARGET: parser checker request decide fmt ask (all of them by default).
# MINUTES: per target, 10 by default.
# ENGINE:
#   libfuzzer (default), afl, honggfuzz — coverage-guided, through `cargo bolero test`.
#       Needs cargo-bolero (`cargo install -f cargo-bolero`) and a NIGHTLY toolchain
#       (`rustup toolchain install nightly`: libFuzzer's sanitizer coverage flags are
#       nightly-only). New inputs go to tests/it/__fuzz__/<target>/corpus/, crashes to
#       tests/it/__fuzz__/<target>/crashes/ (which `cargo test` then replays).
#   random — bolero's random engine on stable, through `cargo test` (debug: overflow
#       checks and debug assertions on): the same targets with BOLERO_RANDOM_ITERATIONS and
#       BOLERO_RANDOM_TEST_TIME_MS raised. Not coverage-guided; for machines without
#       nightly. A failure prints the input and a BOLERO_RANDOM_SEED that replays it.
#
# The script stops at the first target that fails and exits non-zero; a missing tool is an
# error, never a silent pass.
set -euo pipefail

minutes=10
engine=libfuzzer
all=(parser checker request decide fmt ask)

while getopts "m:e:h" opt; do
  case "$opt" in
    m) minutes="$OPTARG" ;;
    e) engine="$OPTARG" ;;
    h) sed -n '2,22p' "$0"; exit 0 ;;
    *) sed -n '2,22p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

for t in "${targets[@]}"; do
  case " ${all[*]} " in
    *" $t "*) ;;
    *) echo "error: no fuzz target \`$t\` (the targets are: ${all[*]})" >&2; exit 2 ;;
  esac
done
if ! [[ "$minutes" =~ ^[0-9]+$ ]] || [ "$minutes" -eq 0 ]; then
  echo "error: -m takes a whole number of minutes, got \`$minutes\`" >&2
  exit 2
fi

cd "$(dirname "$0")/.."
seconds=$((minutes * 60))

case "$engine" in
  libfuzzer|afl|honggfuzz)
    if ! cargo bolero --version >/dev/null 2>&1; then
      echo "error: cargo-bolero is not installed; install it with \`cargo install -f cargo-bolero\`" >&2
      echo "       (or run \`$0 -e random\` for bolero's random engine on stable)" >&2
      exit 3
    fi
    if ! cargo +nightly --version >/dev/null 2>&1; then
      echo "error: the $engine engine needs a nightly toolchain: \`rustup toolchain install nightly\`" >&2
      echo "       (or run \`$0 -e random\` for bolero's random engine on stable)" >&2
      exit 3
    fi
    for t in "${targets[@]}"; do
      echo "== fuzz::$t: $engine for $minutes min"
      cargo +nightly bolero test --engine "$engine" -T "${seconds}s" "fuzz::$t"
    done
    ;;
  random)
    for t in "${targets[@]}"; do
      echo "== fuzz::$t: bolero's random engine (stable) for $minutes min"
      BOLERO_RANDOM_ITERATIONS=18446744073709551615 \
      BOLERO_RANDOM_TEST_TIME_MS=$((seconds * 1000)) \
        cargo test --test it -- --exact "fuzz::$t" --nocapture
    done
    ;;
  *)
    echo "error: unknown engine \`$engine\` (libfuzzer, afl, honggfuzz or random)" >&2
    exit 2
    ;;
esac
