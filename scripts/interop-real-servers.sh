#!/usr/bin/env bash
# Interop with real API servers, installed from PyPI, each checked against the contract its own
# authors publish (fetched from the running server, unmodified):
#   httpbin          flasgger's Swagger 2.0 at /spec.json            no auth
#   kinto            Swagger 2.0 at /v1/__api__ (memory backend)     basic auth (any user:password)
#   jupyter_server   Swagger 2.0 at /api/spec.yaml                   `Authorization: token …`
# Each server starts on a free loopback port and is seeded through its own API with curl (Kinto:
# a bucket, a collection of 35 records, a group; Jupyter: a folder, a notebook, a text file with a
# checkpoint, a terminal, a kernel session). Then per server: `drift lint`, `drift check` (JSON
# report), `drift snapshot` and a second `drift check --snapshots` that must show no snapshot
# drift. Two configured runs follow: Kinto's records paged with `_limit`/`_token`, and Jupyter
# with the seeded file and terminal as path parameters. Findings (kind, operation, message) and
# outcome counts are printed per run and compared with tests/interop/<run>.expected: one finding
# per line, `kind<TAB>operation<TAB>verdict<TAB>justification`, plus one line
# `outcomes<TAB>pass=N<TAB>drift=N<TAB>unverified=N<TAB>error=N<TAB>skipped=N`. A mismatch, or a
# finding judged `false-alarm` (or not judged yet), is printed; it fails the script only with
# INTEROP_STRICT=1 (as .ci/run runs it). INTEROP_UPDATE=1 rewrites the files from this run,
# keeping the verdicts already written (new lines get the verdict `unjudged`).
#
# The servers go into a cached virtualenv (${XDG_CACHE_HOME:-~/.cache}/drift-interop); the drift
# binary is $DRIFT (default target/release/drift, built when missing). Skips with a notice when
# the package index cannot be reached.
set -euo pipefail
caller_pwd=$PWD
cd "$(dirname "$0")/.."
repo=$PWD

# --- the drift binary ------------------------------------------------------------------------
if [[ -n ${DRIFT:-} ]]; then
  [[ $DRIFT == /* ]] || DRIFT=$caller_pwd/$DRIFT
  [[ -x $DRIFT ]] || { echo "DRIFT=$DRIFT is not an executable file"; exit 1; }
else
  DRIFT=$repo/target/release/drift
  [[ -x $DRIFT ]] || cargo build --quiet --release --locked --bin drift
fi

# --- the servers, pinned, in a cached virtualenv ---------------------------------------------
# httpbin 0.10 serves /spec.json only when flasgger is installed (it moved to the `mainapp`
# extra); ipykernel gives Jupyter a kernel, so its kernels and sessions have items to check.
pins=(
  httpbin==0.10.4 flasgger==0.9.7.1 Flask==3.1.3 Werkzeug==3.1.9 gunicorn==23.0.0
  kinto==26.5.0 pyramid==2.1 waitress==3.0.2
  jupyter_server==2.21.1 jupyter_server_terminals==0.5.4 terminado==0.18.1 tornado==6.6.1
  jupyter_client==8.10.0 ipykernel==7.4.0
)
python=${PYTHON:-python3}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/drift-interop
venv=$cache/venv
stamp="$("$python" -c 'import sys; print(sys.version.split()[0])') ${pins[*]}"
# Microseconds since the epoch, and seconds elapsed since such a stamp (no bc needed).
now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
since() { local d=$(($(now_us) - $1)); printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000)); }
t0=$(now_us)
if [[ ! -x $venv/bin/python || $(cat "$venv/.pins" 2>/dev/null) != "$stamp" ]]; then
  mkdir -p "$cache"
  rm -rf "$venv"
  log=$cache/install.log
  if ! { "$python" -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "${pins[@]}"; } >"$log" 2>&1; then
    probe=$(mktemp -d)
    if ! "$python" -m pip download --quiet --no-deps --disable-pip-version-check -d "$probe" \
        httpbin==0.10.4 >/dev/null 2>&1; then
      rm -rf "$probe" "$venv"
      echo "SKIPPED: the package index is unreachable (pip could not download httpbin)"; exit 0
    fi
    rm -rf "$probe" "$venv"
    echo "could not install the servers into $venv:"; tail -20 "$log"; exit 1
  fi
  echo "$stamp" >"$venv/.pins"
  echo "installed the servers in $(since "$t0")s: ${pins[*]}"
fi

# --- processes, ports, readiness -------------------------------------------------------------
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Jupyter shuts its kernels and terminals down on SIGTERM; give every server time to finish.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_ready NAME PID LOG URL [CURL ARGS…]: until URL answers 2xx, the process dies, or the time is up.
wait_ready() {
  local name=$1 pid=$2 log=$3 url=$4; shift 4
  local limit=${INTEROP_START_TIMEOUT:-60} start
  start=$(now_us)
  until curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited before answering $url; the end of its log:"; tail -20 "$log"; exit 1
    fi
    if (($(now_us) - start > limit * 1000000)); then
      echo "$name did not answer $url within ${limit}s (INTEROP_START_TIMEOUT); the end of its log:"
      tail -20 "$log"; exit 1
    fi
    sleep 0.2
  done
  echo "$name ready in $(since "$start")s at $url"
}

# --- httpbin ---------------------------------------------------------------------------------
mkdir -p "$work/httpbin"
httpbin_port=$(free_port)
httpbin_url=http://127.0.0.1:$httpbin_port
# Threads: drift sends 8 requests at once and /drip, /delay hold a worker for seconds.
"$venv/bin/gunicorn" --bind "127.0.0.1:$httpbin_port" --worker-class gthread --threads 16 \
  --chdir "$work/httpbin" httpbin:app >"$work/httpbin/server.log" 2>&1 &
pids+=($!)
wait_ready httpbin "${pids[-1]}" "$work/httpbin/server.log" "$httpbin_url/spec.json"
curl -fsS -o "$work/httpbin/spec.json" "$httpbin_url/spec.json"

# --- Kinto -----------------------------------------------------------------------------------
mkdir -p "$work/kinto"
kinto_port=$(free_port)
kinto_url=http://127.0.0.1:$kinto_port/v1
export DRIFT_KINTO_USER=drift-interop DRIFT_KINTO_PASSWORD="kinto-$RANDOM$RANDOM$RANDOM"
cat >"$work/kinto/kinto.ini" <<EOF
[app:main]
use = egg:kinto
kinto.storage_backend = kinto.core.storage.memory
kinto.cache_backend = kinto.core.cache.memory
kinto.permission_backend = kinto.core.permission.memory
kinto.userid_hmac_secret = interop-$RANDOM$RANDOM
multiauth.policies = basicauth
kinto.bucket_create_principals = system.Authenticated

[server:main]
use = egg:waitress#main
host = 127.0.0.1
port = $kinto_port

[loggers]
keys = root
[handlers]
keys = console
[formatters]
keys = plain
[logger_root]
level = WARNING
handlers = console
[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = plain
[formatter_plain]
format = %(levelname)s %(name)s %(message)s
EOF
(cd "$work/kinto" && exec "$venv/bin/kinto" start --ini kinto.ini) >"$work/kinto/server.log" 2>&1 &
pids+=($!)
wait_ready kinto "${pids[-1]}" "$work/kinto/server.log" "$kinto_url/__heartbeat__"
curl -fsS -o "$work/kinto/kinto-api.json" "$kinto_url/__api__"
kinto_api() { # kinto_api METHOD PATH JSON
  curl -fsS -o /dev/null -u "$DRIFT_KINTO_USER:$DRIFT_KINTO_PASSWORD" -X "$1" \
    -H 'Content-Type: application/json' -d "$3" "$kinto_url$2"
}
kinto_api PUT /buckets/interop '{"data": {"title": "drift interop"}}'
kinto_api PUT /buckets/interop/collections/items '{"data": {"title": "items"}}'
kinto_api PUT /buckets/interop/groups/editors '{"data": {"members": ["basicauth:someone"]}}'
for i in $(seq 1 35); do
  kinto_api POST /buckets/interop/collections/items/records "{\"data\": {\"n\": $i, \"name\": \"item $i\"}}"
done

# --- Jupyter Server --------------------------------------------------------------------------
mkdir -p "$work/jupyter/root" "$work/jupyter_server"
jupyter_port=$(free_port)
jupyter_url=http://127.0.0.1:$jupyter_port
jupyter_token="jt-$RANDOM$RANDOM$RANDOM"
export DRIFT_JUPYTER_AUTH="token $jupyter_token"
JUPYTER_CONFIG_DIR=$work/jupyter/config JUPYTER_DATA_DIR=$work/jupyter/data \
  JUPYTER_RUNTIME_DIR=$work/jupyter/runtime IPYTHONDIR=$work/jupyter/ipython \
  "$venv/bin/jupyter-server" --no-browser --allow-root --ip=127.0.0.1 --port="$jupyter_port" \
  --port-retries=0 --IdentityProvider.token="$jupyter_token" --ServerApp.root_dir="$work/jupyter/root" \
  >"$work/jupyter/server.log" 2>&1 &
pids+=($!)
wait_ready jupyter_server "${pids[-1]}" "$work/jupyter/server.log" "$jupyter_url/api/status" \
  -H "Authorization: $DRIFT_JUPYTER_AUTH"
curl -fsS -o "$work/jupyter_server/api.yaml" -H "Authorization: $DRIFT_JUPYTER_AUTH" "$jupyter_url/api/spec.yaml"
jupyter_api() { # jupyter_api METHOD PATH [JSON]: prints the answer
  curl -fsS -H "Authorization: $DRIFT_JUPYTER_AUTH" -X "$1" ${3:+-d "$3"} "$jupyter_url$2"
}
jupyter_api PUT /api/contents/notes '{"type": "directory"}' >/dev/null
jupyter_api PUT /api/contents/notes/interop.ipynb '{"type": "notebook", "format": "json", "content":
  {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# interop"}], "metadata": {},
   "nbformat": 4, "nbformat_minor": 5}}' >/dev/null
jupyter_api PUT /api/contents/readme.txt '{"type": "file", "format": "text", "content": "hello\n"}' >/dev/null
jupyter_api POST /api/contents/readme.txt/checkpoints >/dev/null
jupyter_api POST /api/contents/notes/interop.ipynb/checkpoints >/dev/null
terminal=$(jupyter_api POST /api/terminals | "$python" -c 'import json, sys; print(json.load(sys.stdin)["name"])')
jupyter_api POST /api/sessions '{"path": "notes/interop.ipynb", "name": "interop.ipynb", "type": "notebook",
  "kernel": {"name": "python3"}}' >/dev/null

# --- drift ------------------------------------------------------------------------------------
# run_case NAME SPEC BASE_URL [DRIFT AUTH FLAGS…]: lint, check, snapshot, check against the snapshots.
status=0
run_case() {
  local name=$1 spec=$2 base=$3; shift 3
  local dir=$work/$name rc
  mkdir -p "$dir"
  rc=0; "$DRIFT" lint --spec "$spec" --api "$name" --format "json=$dir/lint.json" >/dev/null 2>"$dir/lint.err" || rc=$?
  ((rc <= 1)) || { echo "drift lint ($name) exited $rc:"; cat "$dir/lint.err"; exit 1; }
  rc=0; "$DRIFT" check --spec "$spec" --api "$name" --base-url "$base" "$@" \
    --format "json=$dir/check.json" >/dev/null 2>"$dir/check.err" || rc=$?
  ((rc <= 1)) || { echo "drift check ($name) exited $rc:"; cat "$dir/check.err"; exit 1; }
  rc=0; "$DRIFT" snapshot --spec "$spec" --api "$name" --base-url "$base" "$@" \
    --snapshots "$dir/snapshots" --format "json=$dir/snapshot.json" >/dev/null 2>"$dir/snapshot.err" || rc=$?
  ((rc <= 1)) || { echo "drift snapshot ($name) exited $rc:"; cat "$dir/snapshot.err"; exit 1; }
  rc=0; "$DRIFT" check --spec "$spec" --api "$name" --base-url "$base" "$@" \
    --snapshots "$dir/snapshots" --format "json=$dir/resnap.json" >/dev/null 2>"$dir/resnap.err" || rc=$?
  ((rc <= 1)) || { echo "drift check --snapshots ($name) exited $rc:"; cat "$dir/resnap.err"; exit 1; }
  summarize "$name" "$dir" || status=1
}
# run_config NAME: one `drift check` with $work/NAME/drift.yaml.
run_config() {
  local name=$1 dir=$work/$1 rc=0
  "$DRIFT" check --config "$dir/drift.yaml" --format "json=$dir/check.json" >/dev/null 2>"$dir/check.err" || rc=$?
  ((rc <= 1)) || { echo "drift check ($name) exited $rc:"; cat "$dir/check.err"; exit 1; }
  summarize "$name" "$dir" || status=1
}
summarize() {
  "$python" - "$1" "$2" "$repo/tests/interop/$1.expected" "$DRIFT_KINTO_PASSWORD" "$jupyter_token" <<'PY'
import json, os, sys
from collections import Counter
name, d, expected_path, *secrets = sys.argv[1:]

def load(f):
    p = os.path.join(d, f)
    return json.load(open(p)) if os.path.exists(p) else None

def op_key(f):
    if f.get("operation_id") is None:  # a lint finding: where in the contract
        loc = (f.get("spec_location") or {}).get("pointer") or ""
        return "lint:" + loc + (f.get("pointer") or "")
    return f["operation_id"] + ("#" + f["pointer"] if f.get("pointer") else "")

check, lint = load("check.json"), load("lint.json")
# A configured run has no snapshots yet: "no snapshot recorded" is not a finding about the API.
findings = [f for f in check["findings"] if f["kind"] != "snapshot.missing"]
if lint:
    findings = lint["findings"] + findings
outcomes = Counter(o["outcome"] for o in check["operations"])
counts = {k: outcomes.get(k, 0) for k in ("pass", "drift", "unverified", "error", "skipped")}
print(f"\n== {name}: {' '.join(f'{k}={v}' for k, v in counts.items())}; "
      f"{len(findings)} finding(s)" + (f" ({len(lint['findings'])} from lint)" if lint else ""))
for f in findings:
    msg = " ".join(f["message"].split())
    print(f"  {f['kind']:<22} {op_key(f):<48} {msg[:150]}")
for o in check["operations"]:
    if o["outcome"] == "pass" and not 200 <= (o["status"] or 0) < 300:
        print(f"  pass on {o['status']}: {o['operation_id']} {o['url']}")
    elif o["outcome"] == "pass" and "{" in (o["url"] or ""):
        print(f"  pass with an unfilled path template: {o['operation_id']} {o['url']}")
    if o["outcome"] == "unverified":
        print(f"  unverified {o['operation_id']}: {o['reason']}")
    for page in o.get("pages") or []:
        print(f"  paging {o['operation_id']}: {page}")
ok = True
for f in ("check.json", "lint.json", "snapshot.json", "resnap.json"):
    p = os.path.join(d, f)
    if os.path.exists(p) and any(s and s in open(p).read() for s in secrets):
        print(f"  FAIL: a credential appears in {f}"); ok = False

resnap = load("resnap.json")
if resnap:
    snap = load("snapshot.json")
    unrecorded = {f["operation_id"] for f in snap["findings"] if f["kind"] == "snapshot.not-recorded"}
    snap_drift = [f for f in resnap["findings"]
                  if (f["kind"].startswith("snapshot.") or f["kind"].endswith(".changed"))
                  and not (f["kind"] == "snapshot.missing" and f["operation_id"] in unrecorded)]
    files = sum(len(fs) for _, _, fs in os.walk(os.path.join(d, "snapshots")))
    print(f"  snapshot cycle: {files} snapshot file(s), {len(unrecorded)} operation(s) not recorded; "
          f"second check: {len(snap_drift)} snapshot finding(s)")
    for f in snap_drift:
        print(f"    {f['kind']} {op_key(f)} {' '.join(f['message'].split())[:150]}")
    if snap_drift:
        print("  FAIL: a second check right after `drift snapshot` shows snapshot drift"); ok = False

actual = Counter((f["kind"], op_key(f)) for f in findings)
judged, exp_counts = {}, None
if os.path.exists(expected_path):
    expected = Counter()
    for line in open(expected_path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if cols[0] == "outcomes":
            exp_counts = dict(c.split("=") for c in cols[1:])
            continue
        expected[(cols[0], cols[1])] += 1
        judged[(cols[0], cols[1])] = cols[2:4] if len(cols) >= 4 else ["unjudged", "-"]
    missing, unexpected = expected - actual, actual - expected
    count_diff = exp_counts and {k: int(v) for k, v in exp_counts.items()} != counts
    if not missing and not unexpected and not count_diff:
        print(f"  matches {os.path.relpath(expected_path)}")
    else:
        print(f"  differs from {os.path.relpath(expected_path)}:")
        for k in sorted(missing.elements()): print(f"    expected, not found: {k[0]} {k[1]}")
        for k in sorted(unexpected.elements()): print(f"    found, not expected: {k[0]} {k[1]}")
        if count_diff: print(f"    outcomes: expected {exp_counts}, got {counts}")
        if os.environ.get("INTEROP_STRICT") == "1": ok = False
    # Every finding is judged by hand, and none may be a false alarm.
    wrong = [k for k in actual if judged.get(k, ["unjudged"])[0] in ("false-alarm", "unjudged")]
    for k in sorted(wrong):
        print(f"  FAIL: {judged.get(k, ['unjudged'])[0]}: {k[0]} {k[1]}")
    if wrong and os.environ.get("INTEROP_STRICT") == "1": ok = False
else:
    print(f"  no {os.path.relpath(expected_path)} yet (INTEROP_UPDATE=1 writes it)")
if os.environ.get("INTEROP_UPDATE") == "1":
    head = [l for l in open(expected_path) if l.startswith("#")] if os.path.exists(expected_path) else [
        f"# drift findings for the `{name}` run of scripts/interop-real-servers.sh\n",
        "# kind<TAB>operation<TAB>verdict (true-drift | contract-defect | false-alarm | note)<TAB>justification\n"]
    os.makedirs(os.path.dirname(expected_path), exist_ok=True)
    with open(expected_path, "w") as out:
        out.writelines(head)
        out.write("outcomes\t" + "\t".join(f"{k}={v}" for k, v in counts.items()) + "\n")
        for key in sorted(actual.elements()):
            out.write("\t".join([*key, *judged.get(key, ["unjudged", "-"])]) + "\n")
    print(f"  wrote {os.path.relpath(expected_path)}")
sys.exit(0 if ok else 1)
PY
}

run_case httpbin "$work/httpbin/spec.json" "$httpbin_url"
run_case kinto "$work/kinto/kinto-api.json" "$kinto_url" \
  --auth basic --user-env DRIFT_KINTO_USER --password-env DRIFT_KINTO_PASSWORD
run_case jupyter_server "$work/jupyter_server/api.yaml" "$jupyter_url/" \
  --auth api-key --header Authorization --key-env DRIFT_JUPYTER_AUTH

# Kinto pages with `_limit` and `_token` and announces the next page in a `Next-Page` header,
# which its contract does not declare: tell drift the paging parameters, 10 records a page.
mkdir -p "$work/kinto-paged"
cat >"$work/kinto-paged/drift.yaml" <<EOF
apis:
  kinto-paged:
    spec: $work/kinto/kinto-api.json
    base_url: $kinto_url
    auth: {type: basic, user_env: DRIFT_KINTO_USER, password_env: DRIFT_KINTO_PASSWORD}
    pagination:
      operations:
        get_records: {style: cursor, size_param: _limit, position_param: _token, page_size: 10}
EOF
run_config kinto-paged

# Jupyter's contents path and terminal name cannot be found from a listing the contract declares:
# give drift the seeded notebook and terminal.
mkdir -p "$work/jupyter_server-seeded"
cat >"$work/jupyter_server-seeded/drift.yaml" <<EOF
apis:
  jupyter_server-seeded:
    spec: $work/jupyter_server/api.yaml
    base_url: $jupyter_url/
    auth: {type: api-key, header: Authorization, key_env: DRIFT_JUPYTER_AUTH}
    params:
      path: notes/interop.ipynb
      terminal_id: "$terminal"
EOF
run_config jupyter_server-seeded

echo; echo "real-server interop done in $(since "$t0")s"
exit $status
