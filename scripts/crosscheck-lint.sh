#!/usr/bin/env bash
# Compare `drift lint`'s example.invalid findings on the real Fitbit Plus contract with Python's
# jsonschema Draft4Validator (scripts/crosscheck_examples.py). Skips when the corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=../shared/corpus/fitbit-plus/swagger.yaml
if [[ ! -f $spec ]]; then
  echo "SKIPPED: $spec not found (the shared corpus is not beside this checkout)"
  exit 0
fi
if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'jsonschema>=4.18' pyyaml
fi
cargo build --quiet --locked --bin drift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# lint exits 1 when it has findings: that is expected here.
./target/debug/drift lint --spec "$spec" --format json --output "$out/lint.json" || [[ $? -eq 1 ]]
echo "-- formats not enforced by the reference validator:"
python3 scripts/crosscheck_examples.py "$spec" "$out/lint.json"
echo "-- formats enforced by the reference validator (as drift does):"
python3 scripts/crosscheck_examples.py "$spec" "$out/lint.json" --formats
