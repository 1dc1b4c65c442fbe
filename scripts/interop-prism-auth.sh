#!/usr/bin/env bash
# Interop with Prism (npm @stoplight/prism-cli) serving the real Fitbit Plus contract, whose token
# endpoint refuses every request: drift must send one token request (to the contract's declared
# tokenUrl — no --token-url given), no API request, report one auth.failed quoting the server and
# exit 4, in well under a second. Skips with a notice when the corpus or npm is unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/fitbit-plus
if [[ ! -f $corpus/swagger.yaml ]]; then
  echo "SKIPPED: $corpus/swagger.yaml not found"; exit 0
fi
if ! command -v npm >/dev/null; then
  echo "SKIPPED: npm is not installed (needed for @stoplight/prism-cli)"; exit 0
fi
tools=${DRIFT_TOOLS:-$HOME/.cache/drift-tools}
if [[ ! -x $tools/node_modules/.bin/prism ]]; then
  mkdir -p "$tools"
  if ! npm install --prefix "$tools" --silent --no-audit --no-fund @stoplight/prism-cli@5 >/tmp/drift-prism-install.log 2>&1; then
    echo "SKIPPED: could not install @stoplight/prism-cli:"; tail -5 /tmp/drift-prism-install.log; exit 0
  fi
fi
cargo build --quiet --locked --bin drift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
"$tools/node_modules/.bin/prism" mock -p "$port" "$corpus/swagger.yaml" >"$work/prism.log" 2>&1 &
prism_pid=$!
trap 'kill $prism_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  grep -q "Prism is listening" "$work/prism.log" && break
  sleep 0.2
done
grep -q "Prism is listening" "$work/prism.log" || { echo "Prism did not start:"; tail -5 "$work/prism.log"; exit 1; }
before=$(grep -c "HTTP SERVER" "$work/prism.log" || true)
started=$(date +%s%N)
status=0
PRISM_CLIENT_ID=interop-client PRISM_CLIENT_SECRET=interop-secret-77ab \
  ./target/debug/drift check --spec "$corpus/swagger.yaml" --base-url "http://127.0.0.1:$port" \
  --auth oauth2-client-credentials \
  --client-id-env PRISM_CLIENT_ID --client-secret-env PRISM_CLIENT_SECRET \
  --format "json=$work/report.json" >/dev/null || status=$?
ms=$(( ($(date +%s%N) - started) / 1000000 ))
sleep 0.5
requests=$(( $(grep -c "HTTP SERVER" "$work/prism.log" || true) - before ))
tokens=$(( $(grep -c "HTTP SERVER\] post /oauth/token" "$work/prism.log" || true) ))
echo "Prism, refusing token endpoint: exit $status in ${ms} ms, $requests request(s) received ($tokens token request(s))"
[[ $status -eq 4 ]] || { echo "expected exit 4"; exit 1; }
[[ $requests -eq 1 && $tokens -eq 1 ]] || { echo "expected exactly one request, the token request"; exit 1; }
[[ $ms -lt 1000 ]] || { echo "took ${ms} ms"; exit 1; }
python3 - "$work/report.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
r = json.loads(text)
assert [f["kind"] for f in r["findings"]] == ["auth.failed"], r["findings"]
m = r["findings"][0]["message"]
print("auth.failed:", m[:220], "…")
assert "401" in m and "A valid bearer token is required" in m and "$PRISM_CLIENT_ID" in m, m
assert "interop-secret-77ab" not in text
PY
