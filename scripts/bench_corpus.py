"""The figures of scripts/bench-corpus.sh, from its two JSON reports and time files."""
import json
import sys
from collections import Counter
from pathlib import Path

out = Path(sys.argv[1])
CONTRACT = "a contract defect"  # the phrase a finding on a documented invalid example carries
MOCK_LIMIT = "the mock could not build"  # a synthesized body its schema rejects, said so
total_seconds = 0.0
total_cpu = 0.0
peak_kb = 0
for name in ("record", "compare"):
    secs, kb, user, system = (out / f"{name}.time").read_text().split()[-4:]
    cpu = float(user) + float(system)
    total_cpu += cpu
    total_seconds += float(secs)
    peak_kb = max(peak_kb, int(kb))
    report = json.loads((out / f"{name}.json").read_text())
    apis = report["apis"]
    ops = sum(a["operations_checked"] for a in apis)
    errors = [a for a in apis if a.get("error")]
    kinds = Counter(f["kind"] for f in report["findings"])
    print(f"{name}: {float(secs):.1f} s ({cpu:.0f} s of CPU), peak {int(kb) / 1024:.0f} MiB, {len(apis)} APIs "
          f"({len(errors)} could not run), {ops} operations checked")
    print(f"  findings by kind: {dict(kinds.most_common())}")
    if errors:
        reasons = Counter(a["error"].split(":")[-1].strip()[:60] for a in errors)
        print(f"  could not run: {dict(reasons.most_common(5))}")
    drift = [f for f in report["findings"]
             if not f["kind"].startswith("snapshot.") and f["kind"] != "api.error"]
    # A `lint.*` finding (a response schema that does not compile) is about the contract itself.
    drift = [f for f in drift if not f["kind"].startswith("lint.")]
    explained = [f for f in drift if CONTRACT in f["message"]]
    limits = [f for f in drift if MOCK_LIMIT in f["message"]]
    unexplained = [f for f in drift if CONTRACT not in f["message"] and MOCK_LIMIT not in f["message"]]
    un_ops = {(f["api"], f.get("operation_id")) for f in unexplained}
    un_apis = {f["api"] for f in unexplained}
    limit_apis = {f["api"] for f in limits}
    print(f"  drift against the mock: {len(drift)} findings; {len(explained)} on documented "
          f"examples that break their own schema; {len(limits)} on bodies the mock says it could "
          f"not build ({len(limit_apis)} APIs); unexplained: {len(unexplained)} findings in "
          f"{len(un_ops)} operations of {len(un_apis)} APIs")
    print(f"  unexplained by kind: {dict(Counter(f['kind'] for f in unexplained).most_common(12))}")
    if name == "compare":
        snap = Counter(f["kind"] for f in report["findings"] if f["kind"].startswith("snapshot."))
        print(f"  snapshot drift on the second run: {sum(snap.values())} {dict(snap)}")
    slow = sorted(apis, key=lambda a: -(a.get("duration_ms") or 0))[:5]
    print("  slowest: " + ", ".join(f"{a['name']} {a.get('duration_ms', 0) / 1000:.1f} s" for a in slow))
print(f"both runs: {total_seconds:.1f} s ({total_cpu:.0f} s of CPU), peak {peak_kb / 1024:.0f} MiB")
