#!/usr/bin/env bash
# Load every spec of the APIs.guru directory (~2,640 OpenAPI 3.x files) and compile every response
# schema: zero panics and zero hangs required; failures are listed one per line and counted by reason.
# Skips with a notice when the corpus cannot be fetched (no npm, no network).
set -euo pipefail
cd "$(dirname "$0")/.."
fetch=../shared/corpus/fetch-apis-guru.sh
if [[ ! -f $fetch ]]; then
  echo "SKIPPED: $fetch not found (the shared corpus is not beside this checkout)"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "SKIPPED: npm is not installed; the APIs.guru corpus is fetched with npm"
  exit 0
fi
if ! dir=$(bash "$fetch" 2>/tmp/drift-corpus-fetch.log | tail -n 1) || [[ ! -d $dir ]]; then
  echo "SKIPPED: could not fetch the APIs.guru corpus:"; cat /tmp/drift-corpus-fetch.log
  exit 0
fi
cargo build --quiet --locked --release --example load_corpus
log=$(mktemp)
status=0
./target/release/examples/load_corpus "$dir" --jobs 2 --timeout-secs 300 >"$log" 2>"$log.err" || status=$?
grep -E '^(FAIL|HANG)' "$log" | head -50 || true
echo "($(grep -c '^SCHEMA' "$log" || true) schema compile failures, listed in full by: cargo run --release --example load_corpus -- $dir)"
sed -n '/^loaded /,$p' "$log"
exit $status
