#!/usr/bin/env bash
# The corpus job side by side with peers, on a sample of APIs.guru specs: every GET operation of
# each spec checked against a mock of that spec (status, content type, response schema).
#   drift: one `drift check --spec A --spec B … --base-url mock` process (the embedded mock).
#   peers: per spec, Prism 5.14 (`prism mock`) started on a port, then Schemathesis
#          (`schemathesis run`, GET only, the same three checks, one example per operation).
# Prints the wall time of each, the ratio, and how many specs each side got through.
# On demand, not in CI:   scripts/bench-peers-corpus.sh [N_SPECS]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
tools=${DRIFT_TOOLS:-$HOME/.cache/drift-tools}
fetch=../shared/corpus/fetch-apis-guru.sh
[[ -f $fetch ]] || { echo "SKIPPED: $fetch not found"; exit 0; }
dir=$(bash "$fetch" 2>/dev/null | tail -n 1)
[[ -d $dir ]] || { echo "SKIPPED: could not fetch the APIs.guru corpus"; exit 0; }
if [[ ! -x $tools/st-venv/bin/schemathesis ]]; then
  python3 -m venv "$tools/st-venv" && "$tools/st-venv/bin/pip" install -q schemathesis
fi
[[ -x $tools/node_modules/.bin/prism ]] ||
  npm install --prefix "$tools" --silent --no-audit --no-fund @stoplight/prism-cli@5.14
cargo build --quiet --release --bin drift
out=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true' EXIT
# A deterministic sample: every k-th spec under 300 KB, by path.
find "$dir" -name '*.json' -size -300k | sort >"$out/all"
total=$(wc -l <"$out/all")
step=$(( total / n > 0 ? total / n : 1 ))
awk -v s="$step" -v n="$n" 'NR % s == 0 && c < n { print; c++ }' "$out/all" >"$out/sample"
mapfile -t specs <"$out/sample"
echo "${#specs[@]} specs sampled from $total (every ${step}th under 300 KB)"

args=()
for s in "${specs[@]}"; do args+=(--spec "$s"); done
t0=$(date +%s.%N)
./target/release/drift check "${args[@]}" --base-url mock --format "json=$out/drift.json" \
  >/dev/null 2>&1 || true
t1=$(date +%s.%N)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ok=0
t2=$(date +%s.%N)
for s in "${specs[@]}"; do
  "$tools/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$port" "$s" >/dev/null 2>&1 & ppid=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  rc=0
  timeout 120 "$tools/st-venv/bin/schemathesis" run "$s" --url "http://127.0.0.1:$port" \
    --include-method GET \
    --checks status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples 1 --phases fuzzing --workers 1 --generation-database none \
    >>"$out/st.log" 2>&1 || rc=$?
  # Schemathesis exits 1 when it finds failures; it got through the spec unless it timed out.
  [[ $rc -ne 124 ]] && ok=$((ok + 1))
  kill "$ppid" 2>/dev/null || true
  wait "$ppid" 2>/dev/null || true
done
t3=$(date +%s.%N)
python3 - "$out/drift.json" "$t0" "$t1" "$t2" "$t3" "$ok" "${#specs[@]}" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
t0, t1, t2, t3 = map(float, sys.argv[2:6])
ok, n = int(sys.argv[6]), int(sys.argv[7])
checked = sum(a["operations_checked"] for a in report["apis"])
failed = sum(1 for a in report["apis"] if a.get("error"))
d, p = t1 - t0, t3 - t2
print(f"drift check, one process, embedded mocks: {d:7.1f} s  ({n - failed}/{n} specs, {checked} GET operations)")
print(f"prism mock + schemathesis, per spec:       {p:7.1f} s  ({ok}/{n} specs)")
print(f"ratio: {p / d:.0f}x")
PY
