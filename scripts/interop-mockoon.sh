#!/usr/bin/env bash
# Interop with a mock nobody here wrote: serve the published Mockoon environment of the Fitbit Plus
# API with the Mockoon CLI (npm @mockoon/cli) and run `drift check` with the real swagger.yaml and
# OAuth2 client credentials against the mock's /oauth/token. Expectations: the token is fetched once;
# every GET operation is checked (the rest skipped with a reason); the empty bodies are reported.
# Skips with a notice when the corpus or npm is unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/fitbit-plus
if [[ ! -f $corpus/mockoon-environment.json ]]; then
  echo "SKIPPED: $corpus/mockoon-environment.json not found"; exit 0
fi
if ! command -v npm >/dev/null; then
  echo "SKIPPED: npm is not installed (needed for @mockoon/cli)"; exit 0
fi
tools=${DRIFT_TOOLS:-$HOME/.cache/drift-tools}
if [[ ! -x $tools/node_modules/.bin/mockoon-cli ]]; then
  mkdir -p "$tools"
  if ! npm install --prefix "$tools" --silent --no-audit --no-fund @mockoon/cli@9 >/tmp/drift-mockoon-install.log 2>&1; then
    echo "SKIPPED: could not install @mockoon/cli:"; tail -5 /tmp/drift-mockoon-install.log; exit 0
  fi
fi
cargo build --quiet --locked --bin drift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
"$tools/node_modules/.bin/mockoon-cli" start -d "$corpus/mockoon-environment.json" -p "$port" -X >"$work/mockoon.log" 2>&1 &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/pub/coach" && break
  sleep 0.2
done
status=0
DRIFT_FITBIT_CLIENT_ID=interop-client DRIFT_FITBIT_CLIENT_SECRET=interop-secret-3c9e \
  ./target/debug/drift check --spec "$corpus/swagger.yaml" --base-url "http://127.0.0.1:$port/pub" \
  --auth oauth2-client-credentials --token-url /oauth/token \
  --client-id-env DRIFT_FITBIT_CLIENT_ID --client-secret-env DRIFT_FITBIT_CLIENT_SECRET \
  --format "json=$work/report.json" >/dev/null || status=$?
if [[ $status -ne 1 ]]; then
  echo "drift check exited $status (expected 1: the mock's empty bodies are drift)"; cat "$work/mockoon.log" | tail -5; exit 1
fi
python3 - "$work/report.json" <<'PY'
import json, sys
from collections import Counter
r = json.load(open(sys.argv[1]))
api = r["apis"][0]
kinds = Counter(f["kind"] for f in r["findings"])
outcomes = Counter(o["outcome"] for o in r["operations"])
print(f"Mockoon interop: {api['operations_checked']} checked, {api['operations_skipped']} skipped, "
      f"notes {api['notes']}, findings {dict(kinds)}, outcomes {dict(outcomes)}, summary {r['summary']}")
gets = [o for o in r["operations"] if o["method"] == "GET"]
assert len(gets) == 42 and all(o["outcome"] != "skipped" for o in gets), "every GET is checked"
assert all(o["reason"] for o in r["operations"] if o["outcome"] == "skipped"), "every skip has a reason"
assert "1 token request(s) sent" in api["notes"], "the token is fetched once"
assert kinds["body.empty"] == 42, "the empty bodies are reported"
assert "interop-secret-3c9e" not in open(sys.argv[1]).read()
PY

# The base URL without the contract's base path (/pub): every GET answers 404. One grouped
# finding with the hint, not 42.
status=0
./target/debug/drift check --spec "$corpus/swagger.yaml" --base-url "http://127.0.0.1:$port" \
  --format "json=$work/nopub.json" >/dev/null || status=$?
python3 - "$work/nopub.json" "$port" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
undeclared = [f for f in r["findings"] if f["kind"] == "status.undeclared"]
print(f"Mockoon without /pub: {len(r['findings'])} finding(s): {undeclared[0]['message'][:160] if undeclared else None}")
assert len(undeclared) == 1, f"{len(undeclared)} status.undeclared findings"
assert f"try http://127.0.0.1:{sys.argv[2]}/pub" in undeclared[0]["message"], undeclared[0]["message"]
PY
