#!/usr/bin/env bash
# The lcov tracefiles of `juris coverage --format lcov` are read by the real lcov tools
# (Debian's package `lcov`): `lcov --summary` sums the same lines and hits as the JSON
# report counts (statute subsections encoded or marked, deciding provisions exercised), and
# `genhtml` renders them. Run by .ci/run; JURIS_BIN names the juris binary.
set -euo pipefail
cd "$(dirname "$0")/.."
juris=${JURIS_BIN:-target/release/juris}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for target in policies tests/it/fixtures/coverage/gaps tests/it/fixtures/coverage/complete; do
  "$juris" coverage "$target" --format lcov > "$tmp/coverage.info"
  "$juris" coverage "$target" --format json > "$tmp/coverage.json"
  summary=$(lcov --summary "$tmp/coverage.info" 2>&1)
  read -r hit total < <(printf '%s\n' "$summary" | sed -n 's/.*lines\.*: .*(\([0-9]*\) of \([0-9]*\) lines).*/\1 \2/p')
  expected=$(node -e '
    // A line of a tracefile is a line of a file: one that starts two subsections (or
    // holds two rules) is one line, hit when each of them is.
    const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let hit = 0, total = 0;
    const count = (items, lineOf, covered) => {
      const lines = new Map();
      for (const item of items) {
        const line = lineOf(item);
        lines.set(line, (lines.get(line) ?? true) && covered(item));
      }
      total += lines.size;
      hit += [...lines.values()].filter(Boolean).length;
    };
    for (const p of report.policies) {
      count(p.subsections, (s) => s.line, (s) => s.status !== "missing");
      count(p.provisions, (q) => q.source, (q) => q.tests.length > 0);
    }
    console.log(`${hit} ${total}`);' "$tmp/coverage.json")
  if [ "$hit $total" != "$expected" ]; then
    printf 'lcov --summary of %s: %s of %s lines hit, the JSON report says %s\n%s\n' \
      "$target" "${hit:-?}" "${total:-?}" "$expected" "$summary" >&2
    exit 1
  fi
  genhtml --quiet --output-directory "$tmp/html" "$tmp/coverage.info" >/dev/null
  [ -s "$tmp/html/index.html" ] || { echo "genhtml wrote no index.html for $target" >&2; exit 1; }
  printf 'lcov reads %s: %s of %s lines hit, as the JSON report counts\n' "$target" "$hit" "$total"
done
