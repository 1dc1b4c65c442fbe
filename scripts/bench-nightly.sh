#!/usr/bin/env bash
# The nightly at corpus scale: every APIs.guru spec (~2,640) against the embedded mock whose data
# varies by seed, as a live API's does. `drift snapshot` on seed 1, then NIGHTS nights of
# `drift check --learn --history DIR --base-url mock:N` (what drift-nightly.yml runs), then
# `drift report` over the history. Prints per night: wall time, CPU, peak RSS, findings by severity
# and the warning/breaking ones by kind; then the history's size and the report's build time and
# peak. On demand, not in CI:   scripts/bench-nightly.sh [NIGHTS] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
fetch=../shared/corpus/fetch-apis-guru.sh
[[ -f $fetch ]] || { echo "SKIPPED: $fetch not found"; exit 0; }
dir=$(bash "$fetch" 2>/dev/null | tail -n 1)
[[ -d $dir ]] || { echo "SKIPPED: could not fetch the APIs.guru corpus"; exit 0; }
cargo build --quiet --release --locked --bin drift
nights=${1:-30}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
rm -rf "$out/snapshots" "$out/history"
specs="$dir/**/*.{json,yaml}"
drift=./target/release/drift
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$out/$name.time" "$drift" "$@" >/dev/null 2>"$out/$name.err" || true
}
figures() {
  python3 - "$out" "$1" <<'EOF'
import json, sys
from collections import Counter
out, name = sys.argv[1], sys.argv[2]
secs, kb, user, system = open(f"{out}/{name}.time").read().split()[-4:]
report = json.load(open(f"{out}/{name}.json"))
found = report["findings"]
sev = Counter(f["severity"] for f in found)
# A finding on a documented example that breaks its own schema, or on a body the mock says it
# could not build (an unsatisfiable schema), is about the contract, not drift.
explained = ("a contract defect", "the mock could not build")
alarms = [f for f in found if f["severity"] in ("breaking", "warning")
          and not any(e in f["message"] for e in explained)
          and not f["kind"].startswith("lint.") and f["kind"] != "api.error"]
kinds = Counter(f["kind"] for f in alarms)
apis = {f["api"] for f in alarms}
print(f"{name}: {float(secs):.1f} s, {float(user) + float(system):.0f} s CPU, peak {int(kb) // 1024} MiB; "
      f"findings {dict(sorted(sev.items()))}; unexplained warning/breaking {len(alarms)} on {len(apis)} APIs {dict(kinds.most_common(6))}")
EOF
}
timed record snapshot --spec "$specs" --snapshots "$out/snapshots" --base-url mock:1 --format "json=$out/record.json"
figures record
for n in $(seq 2 $((nights + 1))); do
  timed "night$n" check --learn --spec "$specs" --snapshots "$out/snapshots" --history "$out/history" \
    --base-url "mock:$n" --format "json=$out/night$n.json"
  figures "night$n"
  echo "  history: $(du -sh "$out/history" | cut -f1)"
  # Nights are a day apart; here they run back to back. Each night rewrites an evidence file
  # per API and the snapshot files whose shape learned something (temp file + rename), and on
  # ext4 without a journal the next night's file creations step over the inodes freed in the
  # last five minutes, a cost a nightly a day apart does not pay. Written out first, at least.
  sync
done
/usr/bin/time -f "%e %M" -o "$out/report.time" "$drift" report --history "$out/history" \
  --format "html=$out/report.html" --format "json=$out/report-data.json" >/dev/null 2>"$out/report.err" || true
read -r secs kb < <(tail -n 1 "$out/report.time")
echo "report over $nights nights: ${secs} s, peak $((kb / 1024)) MiB, html $(du -h "$out/report.html" 2>/dev/null | cut -f1)"
echo "out: $out"
