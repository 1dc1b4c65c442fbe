#!/usr/bin/env bash
# Every APIs.guru spec (~2,640) against its embedded mock in ONE drift process: every read-only
# operation, snapshots recorded (`drift snapshot`), then a second run comparing against them
# (`drift check`). Prints wall time and peak memory of each run, operations checked, findings by
# kind, the drift no contract defect explains, snapshot drift on the second run, and the slowest
# specs. On demand, not in CI:   scripts/bench-corpus.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
fetch=../shared/corpus/fetch-apis-guru.sh
[[ -f $fetch ]] || { echo "SKIPPED: $fetch not found"; exit 0; }
dir=$(bash "$fetch" 2>/dev/null | tail -n 1)
[[ -d $dir ]] || { echo "SKIPPED: could not fetch the APIs.guru corpus"; exit 0; }
cargo build --quiet --release --bin drift
out=${1:-$(mktemp -d)}
mkdir -p "$out"
rm -rf "$out/snapshots"
specs="$dir/**/*.{json,yaml}"
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$out/$name.time" ./target/release/drift "$@" \
    --spec "$specs" --snapshots "$out/snapshots" --format "json=$out/$name.json" \
    >/dev/null 2>"$out/$name.err" || true
}
run record snapshot
run compare check
python3 scripts/bench_corpus.py "$out"
