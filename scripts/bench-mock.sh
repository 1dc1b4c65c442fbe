#!/usr/bin/env bash
# Mock throughput, side by side in one run: `drift mock` and Prism (`prism mock`, npm
# @stoplight/prism-cli 5.14) serving the same contract, loaded by wrk with the same connections on
# loopback. Prints requests/s of each and the ratio. On demand, not in CI.
#   scripts/bench-mock.sh [SPEC] [PATH]     (default: the Fitbit Plus contract, GET /patient/{id})
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${1:-../shared/corpus/fitbit-plus/swagger.yaml}
path=${2:-/patient/58163112237d84a94035f78b}
base_path=${BASE_PATH:-/pub}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
tools=${DRIFT_TOOLS:-$HOME/.cache/drift-tools}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 2; }
[[ -x $tools/node_modules/.bin/prism ]] || npm install --prefix "$tools" --silent --no-audit --no-fund @stoplight/prism-cli@5.14
cargo build --quiet --release --bin drift
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.25; done; echo "no answer from $1"; exit 1; }
dport=$(free_port); pport=$(free_port)
./target/release/drift mock --spec "$spec" --port "$dport" >/dev/null 2>&1 & dpid=$!
"$tools/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$pport" "$spec" >/dev/null 2>&1 & ppid=$!
trap 'kill $dpid $ppid 2>/dev/null || true' EXIT
# Prism serves paths without the contract's base path; drift serves them with it (and without).
durl="http://127.0.0.1:$dport$base_path$path"; purl="http://127.0.0.1:$pport$path"
wait_for "$durl"; wait_for "$purl"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$durl") == 200 && $(curl -s -o /dev/null -w '%{http_code}' "$purl") == 200 ]] || { echo "both mocks must answer 200"; exit 1; }
rps() { wrk -t2 -c"$connections" -d"$duration" "$1" | awk '/Requests\/sec/ {print $2}'; }
wrk -t2 -c"$connections" -d2s "$durl" >/dev/null; wrk -t2 -c"$connections" -d2s "$purl" >/dev/null   # warm-up
d=$(rps "$durl"); p=$(rps "$purl")
echo "GET $path, wrk -t2 -c$connections -d$duration on loopback"
echo "  drift mock: $d requests/s"
echo "  prism mock: $p requests/s"
python3 -c "print(f'  ratio: {float(\"$d\") / float(\"$p\"):.1f}x')"
