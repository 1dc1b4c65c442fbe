#!/bin/sh
# The run step of action.yml (plain POSIX shell, so it can be run and tested outside Actions):
# one `drift check` writing the terminal log, annotations, the job summary, SARIF, JUnit and JSON,
# then the step outputs. Inputs come as environment variables:
#   DRIFT_BIN      the drift binary (default: drift on PATH)
#   DRIFT_ARGS     arguments after `drift check` (split on blanks, never glob-expanded)
#   DRIFT_CONFIG   drift.yaml path (used when the file exists)
#   DRIFT_FAIL_ON  breaking | warning | info
#   DRIFT_REPORTS  which reports: summary annotations sarif junit json (blank-separated)
#   DRIFT_REPORT_DIR  where report files go
# and GITHUB_STEP_SUMMARY / GITHUB_OUTPUT as the runner sets them.
set -u
drift="${DRIFT_BIN:-drift}"
dir="${DRIFT_REPORT_DIR:-drift-reports}"
reports=" ${DRIFT_REPORTS:-summary annotations sarif junit json} "
# A line break in the folder would let the input write step outputs of its own.
nl='
'
case "$dir" in *"$nl"* | *"$(printf '\r')"*)
  echo "drift: the report-dir input holds a line break" >&2
  exit 2 ;;
esac
mkdir -p "$dir"

wants() { case "$reports" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# The JSON report is always written: the step outputs are read from it.
set -- check --fail-on "${DRIFT_FAIL_ON:-breaking}" --format terminal --format "json=$dir/drift.json"
wants annotations && set -- "$@" --format github
wants summary && set -- "$@" --format "markdown=$dir/drift.md"
wants sarif && set -- "$@" --format "sarif=$dir/drift.sarif"
wants junit && set -- "$@" --format "junit=$dir/drift.xml"
if [ -n "${DRIFT_CONFIG:-}" ] && [ -f "$DRIFT_CONFIG" ]; then
  set -- "$@" --config "$DRIFT_CONFIG"
fi
set -f
# shellcheck disable=SC2086 # word splitting of the args input is the point
set -- "$@" ${DRIFT_ARGS:-}
set +f

"$drift" "$@"
code=$?

if wants summary && [ -f "$dir/drift.md" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$dir/drift.md" >>"$GITHUB_STEP_SUMMARY"
fi

count() {
  # `"breaking": 3` in the report's summary object; 0 when the report is missing.
  if [ -f "$dir/drift.json" ]; then
    sed -n '/"summary": {/,/}/p' "$dir/drift.json" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" | head -n 1
  fi
}

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  # Every value in the multi-line form, with a delimiter no input can know in advance.
  delimiter="drift_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  put() { printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter"; }
  {
    put exit-code "$code"
    for s in breaking warning info error; do
      n=$(count "$s")
      put "$s" "${n:-0}"
    done
    # Only files that were written: an upload step must not be handed a missing file.
    [ -f "$dir/drift.json" ] && put json "$dir/drift.json"
    wants summary && [ -f "$dir/drift.md" ] && put markdown "$dir/drift.md"
    wants sarif && [ -f "$dir/drift.sarif" ] && put sarif "$dir/drift.sarif"
    wants junit && [ -f "$dir/drift.xml" ] && put junit "$dir/drift.xml"
  } >>"$GITHUB_OUTPUT"
fi
exit "$code"
