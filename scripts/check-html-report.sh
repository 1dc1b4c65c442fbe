#!/usr/bin/env bash
# The nightly report in a real browser, as .ci/run runs it:
#   1. a real history: this repository's APIs checked against the embedded mock over several
#      runs, the coaching API against the mock of its drifted contract for two of them (a drift
#      event that opens and resolves), and an API whose title, operationId and response value are
#      hostile (`<script>`, `"><img onerror=…>`);
#   2. `drift report --format html` of it, opened in headless Chromium (Debian `chromium`): the
#      page's DOM is read back and asserted (every API listed, one timeline point per run, the
#      trust score shown, the hostile strings present as text and never as elements), and a
#      screenshot is taken.
#   scripts/check-html-report.sh                      the check (.ci/run)
#   scripts/check-html-report.sh --screenshot PATH    the README's screenshot: the demo APIs only
# Installs chromium with apt-get when it is missing (skips with a notice when it cannot).
set -euo pipefail
cd "$(dirname "$0")/.."
shot=""
hostile=1
if [[ ${1:-} == --screenshot ]]; then shot=$2; hostile=0; fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z $browser ]] && command -v apt-get >/dev/null; then
  sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq chromium >/tmp/drift-chromium-install.log 2>&1 || true
  browser=$(command -v chromium || true)
fi
if [[ -z $browser ]]; then
  echo "SKIPPED: no chromium (apt-get install chromium)"; exit 0
fi
cargo build --quiet --locked --bin drift
drift=$PWD/target/debug/drift
work=$(mktemp -d)
mock_pid=""
cleanup() { [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
h=$work/history

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$drift" mock --spec tests/fixtures/drift/coaching-v2.json --port "$port" >/dev/null 2>&1 &
mock_pid=$!
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
  sleep 0.1
done
cat >"$work/hostile.json" <<'JSON'
{"openapi": "3.0.3", "info": {"title": "<script>document.title='pwned'</script>", "version": "1\"><img src=x onerror=alert(1)>"},
 "paths": {"/evil": {"get": {"operationId": "\"><img src=x onerror=alert('op')>",
   "responses": {"200": {"description": "ok", "content": {"application/json": {
     "schema": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["a", "b"]}}},
     "example": {"kind": "<script>alert('value')</script>\"><img src=x onerror=alert(3)>"}}}}}}}}}
JSON
cp -r snapshots "$work/snaps"
runs=6
for run in $(seq 1 $runs); do
  "$drift" check --history "$h" --snapshots "$work/snaps" >/dev/null || true
  if [[ $run == 3 || $run == 4 ]]; then
    COACHING_CLIENT_ID=demo-client COACHING_CLIENT_SECRET=demo-secret-value \
      "$drift" check coaching --base-url "http://127.0.0.1:$port/api" --history "$h" \
      --snapshots "$work/snaps" >/dev/null || true
  fi
  if [[ $hostile == 1 ]]; then
    "$drift" check --spec "$work/hostile.json" --history "$h" >/dev/null || true
  fi
  sleep 1
done
started=$(date +%s%N)
mkdir -p "$work/site"
"$drift" report --history "$h" --format "html=$work/site/index.html"
cp "$work/site/index.html" "$work/report.html"
echo "report built in $(( ($(date +%s%N) - started) / 1000000 )) ms, $(wc -c <"$work/report.html") bytes"
"$drift" report --history "$h" >"$work/report.md"

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>/dev/null \
  || fail "chromium could not open the report"
shot=${shot:-$work/report.png}
timeout 120 "$browser" "${flags[@]}" --window-size=1280,1500 --screenshot="$shot" "file://$work/report.html" >/dev/null 2>&1 \
  || fail "chromium could not take a screenshot"
[[ -s $shot ]] || fail "empty screenshot"
# From a phone to a wide screen: the page never scrolls sideways (a wide table scrolls in its
# own box). The probe is a copy of the page with one script that measures it.
sed 's#</body>#<script>document.documentElement.setAttribute("data-overflow", document.documentElement.scrollWidth - window.innerWidth)</script></body>#' \
  "$work/report.html" >"$work/probe.html"
for width in 360 400 1400; do
  timeout 120 "$browser" "${flags[@]}" --window-size="$width,900" --dump-dom "file://$work/probe.html" \
    >"$work/probe-$width.html" 2>/dev/null || fail "chromium could not open the page at $width px"
  overflow=$(grep -o 'data-overflow="[-0-9]*"' "$work/probe-$width.html" | grep -o '[-0-9]*' || echo missing)
  [[ $overflow != missing && $overflow -le 0 ]] || fail "at $width px the page is $overflow px wider than the window"
  timeout 120 "$browser" "${flags[@]}" --window-size="$width,1400" --screenshot="$work/report-$width.png" \
    "file://$work/report.html" >/dev/null 2>&1 || fail "no screenshot at $width px"
  echo "at $width px: no horizontal overflow; screenshot $work/report-$width.png"
done
[[ -n ${SCREENSHOTS:-} ]] && cp "$work"/report-*.png "$SCREENSHOTS"/
# The badges and the feed beside the page are well-formed, one badge per API.
python3 - "$work/site" <<'PY'
import pathlib, sys, xml.etree.ElementTree as ET
site = pathlib.Path(sys.argv[1])
feed = ET.parse(site / "feed.atom").getroot()
ns = {"a": "http://www.w3.org/2005/Atom"}
assert feed.tag == "{http://www.w3.org/2005/Atom}feed", feed.tag
entries = feed.findall("a:entry", ns)
assert entries and all(e.find("a:id", ns).text.startswith("urn:drift:") for e in entries), "feed entries"
ids = [e.find("a:id", ns).text for e in entries]
assert len(set(ids)) == len(ids), "feed ids repeat"
titles = [e.find("a:title", ns).text for e in entries]
assert any("drift opened" in t for t in titles) and any("drift resolved" in t for t in titles), titles
badges = sorted(p.name for p in (site / "badges").glob("*.svg"))
for b in badges:
    svg = ET.parse(site / "badges" / b).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg", b
print(f"feed: {len(entries)} entries; badges: {', '.join(badges)}")
PY
python3 - "$work/dom.html" "$runs" "$hostile" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
runs, hostile = int(sys.argv[2]), sys.argv[3] == "1"
for api in ["coaching", "under-armour", "under-armour-docs"] + (["hostile"] if hostile else []):
    assert f'id="api-{api}"' in dom, f"{api} is not listed"
# One timeline point per run (coaching ran twice more, against the drifted mock).
points = {m.group(1): 0 for m in re.finditer(r'id="api-([^"]+)"', dom)}
for section in re.split(r'<section id="api-', dom)[1:]:
    name = section.split('"', 1)[0]
    points[name] = section.count('<g class="run">')
assert points["under-armour"] == runs, points
assert points["coaching"] == runs + 2, points
assert re.search(r'<td class="score">\d+<div class="why">\d+% verified', dom), "no trust score"
assert "resolved" in dom and "snapshot.removed" in dom or "schema.required" in dom, "the drift event is not shown"
# Hostile text is text: no element came from it, the title script did not run.
assert "<img" not in dom, "an <img> element was injected"
assert dom.count("<script") == 0, "a <script> element was injected"
assert "<title>drift report</title>" in dom, "the page title changed (a script ran)"
assert not hostile or ("&lt;script&gt;document.title" in dom and "onerror=alert(" in dom)
print(f"ok: {len(points)} APIs, timeline points {points}, score shown, hostile strings escaped")
PY
echo "screenshot: $shot ($(wc -c <"$shot") bytes)"
