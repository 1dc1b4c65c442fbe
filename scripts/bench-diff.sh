#!/usr/bin/env bash
# Benchmark `drift diff` beside a peer differ (npm openapi-diff), on demand (not in CI):
#   scripts/bench-diff.sh [PAIRS]     (default 5 adjacent Fitbit Plus versions)
# Prints the median wall time and peak memory per pair for each tool, the ratio, and drift alone
# on the largest APIs.guru spec against a copy with one property removed.
set -euo pipefail
cd "$(dirname "$0")/.."
history=../shared/corpus/fitbit-plus/history
[[ -d $history ]] || { echo "SKIPPED: $history not found"; exit 0; }
tools=${DRIFT_TOOLS:-$HOME/.cache/drift-tools}
if [[ ! -x $tools/node_modules/.bin/openapi-diff ]]; then
  npm install --prefix "$tools" --silent --no-audit --no-fund openapi-diff@0 >/dev/null 2>&1 \
    || { echo "SKIPPED: cannot install openapi-diff"; exit 0; }
fi
cargo build --release --locked --quiet --bin drift
pairs=${1:-5}
mapfile -t files < <(ls "$history"/*.yaml | sort | sed -n '50,$p' | head -n $((pairs + 1)))
measure() { # tool old new → "seconds maxrss_kb"
  /usr/bin/time -f "%e %M" -o /tmp/drift-bench-time "$@" >/dev/null 2>&1 || true
  tail -n 1 /tmp/drift-bench-time
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >/tmp/drift-bench-d; : >/tmp/drift-bench-o
for ((i = 0; i < pairs; i++)); do
  a=${files[$i]}; b=${files[$((i + 1))]}
  measure ./target/release/drift diff "$a" "$b" >>/tmp/drift-bench-d
  measure timeout 600 "$tools/node_modules/.bin/openapi-diff" "$a" "$b" >>/tmp/drift-bench-o
done
d=$(cut -d' ' -f1 /tmp/drift-bench-d | median); dm=$(cut -d' ' -f2 /tmp/drift-bench-d | median)
o=$(cut -d' ' -f1 /tmp/drift-bench-o | median); om=$(cut -d' ' -f2 /tmp/drift-bench-o | median)
echo "Fitbit Plus, $pairs adjacent pairs (median wall time, peak RSS):"
echo "  drift diff    ${d} s  ${dm} KB"
echo "  openapi-diff  ${o} s  ${om} KB"
python3 -c "print(f'  ratio: drift is {float(\"$o\") / max(float(\"$d\"), 0.001):.0f}× faster')"
corpus=${DRIFT_CORPUS:-$HOME/.cache/drift-corpus/apis-guru/api}
if [[ -d $corpus ]]; then
  largest=$(find "$corpus" -name '*.json' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  python3 - "$largest" "$work/modified.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
schemas = spec.get("components", {}).get("schemas", {})
for name, s in schemas.items():
    props = s.get("properties") if isinstance(s, dict) else None
    if props:
        props.pop(next(iter(props)))
        break
json.dump(spec, open(sys.argv[2], "w"))
PY
  echo "largest corpus spec: $largest ($(( $(stat -c %s "$largest") / 1024 / 1024 )) MB) against a copy with one property removed:"
  echo "  drift diff    $(measure ./target/release/drift diff "$largest" "$work/modified.json" | awk '{print $1 " s  " $2 " KB"}')"
fi
