#!/usr/bin/env bash
# `drift check` vs Schemathesis, side by side in one run, against one local server (the release
# `drift mock` of the contract): the GET operations, with the status, content-type and
# response-schema checks, one example per operation. hyperfine reports both; this prints the
# medians and the ratio. On demand, not in CI.
#   scripts/bench-check.sh [SPEC] [BASE_PATH]   (default: the Fitbit Plus contract, /pub)
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${1:-../shared/corpus/fitbit-plus/swagger.yaml}
base_path=${2:-/pub}
runs=${RUNS:-10}
tools=${DRIFT_TOOLS:-$HOME/.cache/drift-tools}
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine"; exit 2; }
if [[ ! -x $tools/st-venv/bin/schemathesis ]]; then
  python3 -m venv "$tools/st-venv" && "$tools/st-venv/bin/pip" install -q schemathesis
fi
cargo build --quiet --release --bin drift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
./target/release/drift mock --spec "$spec" --port "$port" >/dev/null 2>&1 & mpid=$!
out=$(mktemp -d)
trap 'kill $mpid 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
url="http://127.0.0.1:$port$base_path"
drift_cmd="./target/release/drift check --spec $spec --base-url $url --format json --output $out/drift.json"
st_cmd="$tools/st-venv/bin/schemathesis run $spec --url $url --include-method GET --checks status_code_conformance,content_type_conformance,response_schema_conformance --max-examples 1 --phases fuzzing --workers 1 --generation-database none"
# Both exit non-zero when they find drift; that is the point of the run, not a benchmark error.
hyperfine --warmup 1 --runs "$runs" -i --export-json "$out/bench.json" -n drift "$drift_cmd" -n schemathesis "$st_cmd" >/dev/null
python3 - "$out/bench.json" "$out/drift.json" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
d, s = res["drift"]["median"], res["schemathesis"]["median"]
checked = json.load(open(sys.argv[2]))["apis"][0]["operations_checked"]
print(f"{checked} GET operations, one local server, median of {len(res['drift']['times'])} runs each:")
print(f"  drift check:  {d * 1000:8.1f} ms")
print(f"  schemathesis: {s * 1000:8.1f} ms")
print(f"  ratio: {s / d:.0f}x")
PY
