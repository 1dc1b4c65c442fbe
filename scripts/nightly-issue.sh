#!/usr/bin/env bash
# The nightly's issue (the last step of .github/workflows/drift-nightly.yml): one open issue
# labelled drift-nightly carries what needs attention, read from the report's timeline
# (`drift report --format json=…`) and tonight's check report (`drift check --format json=…`).
#
#   - New breaking drift: a breaking event first seen tonight, with its finding's message.
#   - An outage: an API whose last DRIFT_OUTAGE_NIGHTS runs (default 2, at most 30) were all
#     `unreachable`, or all `credentials refused`. It is announced once, on the night the streak
#     reaches that count: later nights of the same outage add nothing, so an issue someone closed
#     is not reopened every night while the API stays down. (A night that could not run at all
#     ends the count.)
#   - Resolved: a breaking event resolved by tonight's run, or an API back after at least that
#     many nights down (unreachable or refusing, in any mix): tonight it was neither. Said only on
#     an open issue; when nothing is left open (no open breaking event, no API down for that many
#     nights) the issue is closed with that comment.
# New drift or a new outage comments on the open drift-nightly issue, or opens one when none is.
# Only the APIs of tonight's run count (their latest run is the newest of the timeline): an API
# dropped from drift.yaml keeps its history but neither opens nor holds anything open.
#
# Usage: nightly-issue.sh [TIMELINE.json] [CHECK-REPORT.json]
# Environment: DRIFT_OUTAGE_NIGHTS; GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID for the
# links to the run and its report artifact; gh with GH_TOKEN.
#
# Names, pointers and messages come from contracts, responses and servers: each is HTML-escaped
# inside <code> (a backtick cannot end it early, `*` and `_` emphasise nothing), its @mentions
# defanged and its line breaks flattened; none of it is printed to the log, where a line could be
# a workflow command.
set -euo pipefail
timeline=${1:-drift-timeline.json}
check=${2:-}
nights=${DRIFT_OUTAGE_NIGHTS:-2}
if ! [[ $nights =~ ^[1-9][0-9]?$ ]] || ((nights > 30)); then
  echo "DRIFT_OUTAGE_NIGHTS must be a whole number from 1 to 30 (the report keeps 30 nights): using 2" >&2
  nights=2
fi
run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}"

# Tonight's findings that explain an outage: each API's first auth.failed and first transport.*.
# Without a readable check report the outages are still listed, without their message.
findings=$(mktemp)
trap 'rm -f "$findings"' EXIT
if ! [[ -n $check && -f $check ]] || ! jq -c '[.findings[]? | select(.kind == "auth.failed" or (.kind | startswith("transport.")))
    | {api, auth: (.kind == "auth.failed"), message}] | group_by([.api, .auth]) | map(.[0])' "$check" >"$findings"; then
  echo '[]' >"$findings"
fi

# shellcheck disable=SC2016 # a jq program
program='
# Text inside <code> is still Markdown: its emphasis, link and escape characters become entities.
def code: "<code>" + (tostring | gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;")
  | gsub("`"; "&#96;") | gsub("[\\\\]"; "&#92;") | gsub("[*]"; "&#42;") | gsub("[_]"; "&#95;")
  | gsub("[~]"; "&#126;") | gsub("\\["; "&#91;") | gsub("]"; "&#93;")
  | gsub("@"; "@\u200b") | gsub("[\r\n]"; " ")) + "</code>";
def msg: if . == null then "" else ": " + ((tostring | if length > 500 then .[:500] + " …" else . end) | code) end;
def event: "\(.api | code) \(.kind | code) \(.operation // "(API)" | code) \(.pointer | code)";
def outage: if . == "unreachable" or . == "credentials refused" then . else null end;
# How many values at the end of an array equal the last one.
def tail_run: . as $a | length as $n
  | ([range($n - 1; -1; -1) | select($a[.] != $a[$n - 1])] | .[0] // -1) as $i | $n - 1 - $i;
# How many nights at the end of an array of statuses were outages, of either kind.
def down_run: . as $a | length as $n
  | ([range($n - 1; -1; -1) | select($a[.] | outage | not)] | .[0] // -1) as $i | $n - 1 - $i;

([.apis[]?.latest | select(. != null)] | max) as $tonight
| [.apis[]? | select($tonight != null and .latest == $tonight)] as $apis
| [$apis[] | .name as $api | .events[]? | . + {api: $api}] as $events
| [$apis[] | [.nights[]?.status] as $s | ($s[:-1]) as $before
   | ($before | down_run) as $was_down
   | {name, runs, now: $s[-1], streak: ($s | tail_run), down: ($s | down_run), shown: ($s | length),
      was_down: $was_down, was: ($before[($before | length) - $was_down:] | unique)}] as $outages
| def why($api; $status):
    [$findings[0][] | select(.api == $api and .auth == ($status == "credentials refused"))][0].message;
  {
    new: [$events[] | select(.severity == "breaking" and .state == "open" and .first_seen == $tonight)
          | "- " + event + (.message | msg)],
    # The streak reached the count tonight: exactly (the night before it is in the window, or
    # the API has no older runs).
    outages: [$outages[] | select((.now | outage) and .streak == $nights
                                  and (.streak < .shown or .runs == .shown))
              | "- \(.name | code) "
                + (if .now == "unreachable" then "unreachable for \($nights) nights"
                   else "refusing our credentials for \($nights) nights — check the secret" end)
                + (why(.name; .now) | msg)],
    resolved: ([$events[] | select(.severity == "breaking" and .state == "resolved" and .resolved == $tonight)
                | "- " + event + " (open since \(.first_seen | code))"]
               # Up again after an outage (of either kind, or both in turn): a night that is neither.
               + [$outages[] | select(.was_down >= $nights and .now != null and (.now | outage | not))
                  | "- \(.name | code) "
                    + (if .was == ["unreachable"] then "no longer unreachable"
                       elif .was == ["credentials refused"] then "no longer refusing our credentials"
                       else "no longer unreachable or refusing our credentials" end)
                    + " after \(.was_down) nights (tonight: \(.now | code))"]),
    open: (([$events[] | select(.severity == "breaking" and .state == "open")] | length)
           + ([$outages[] | select((.now | outage) and .down >= $nights)] | length))
  }'
result=$(jq -c --argjson nights "$nights" --slurpfile findings "$findings" "$program" "$timeline")
count() { jq -r ".$1 | length" <<<"$result"; }
new=$(count new) outages=$(count outages) resolved=$(count resolved) open=$(jq -r .open <<<"$result")
echo "tonight: $new new breaking drift event(s), $outages new outage(s), $resolved resolved, $open still open"
((new + outages + resolved > 0)) || exit 0

section() { # TITLE KEY: a Markdown section of the result's lines (at most 50), nothing when none
  jq -r --arg title "$1" --arg key "$2" '.[$key]
    | if length > 50 then .[:50] + ["- … and \(length - 50) more: see the report"] else . end
    | if length > 0 then "### \($title)\n\n" + join("\n") else empty end' <<<"$result"
}
paragraphs() { # the non-empty arguments, a blank line between them
  local out="" p
  for p in "$@"; do [[ -z $p ]] || out+="${out:+$'\n\n'}$p"; done
  printf '%s' "$out"
}
new_lines=$(section "New breaking drift" new)
outage_lines=$(section "Outages" outages)
links="Run: ${run_url} · report (the drift-report artifact): ${run_url}#artifacts"

existing=$(gh issue list --label drift-nightly --state open --json number --jq 'map(.number) | min // empty')
if [[ -z $existing ]]; then
  # Nothing to resolve without an open issue; new drift or a new outage opens one.
  ((new + outages > 0)) || exit 0
  gh label create drift-nightly --color C0392B --description "drift nightly report" 2>/dev/null || true
  gh issue create --title "API drift or outage found by the nightly check" --label drift-nightly \
    --body "$(paragraphs "The nightly drift check found:" "$new_lines" "$outage_lines" "$links")"
elif ((open == 0)); then
  gh issue close "$existing" --comment "$(paragraphs "Tonight's nightly drift check:" "$new_lines" \
    "$outage_lines" "$(section "Resolved" resolved)" "Nothing is open any more: closing this issue." "$links")"
else
  gh issue comment "$existing" --body "$(paragraphs "Tonight's nightly drift check:" "$new_lines" \
    "$outage_lines" "$(section "Resolved" resolved)" "$links")"
fi
