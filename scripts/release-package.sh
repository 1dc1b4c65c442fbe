#!/usr/bin/env bash
# Packs one release binary the way .github/workflows/release.yml publishes it and
# scripts/action-install.sh expects it:
#   bash scripts/release-package.sh TAG TARGET BINARY OUTDIR
# writes OUTDIR/drift-TAG-TARGET.tar.gz (.zip for a Windows target), holding one folder
# drift-TAG-TARGET/ with the binary (drift, or drift.exe on Windows) and README.md and LICENSE*
# when they exist, and OUTDIR/drift-TAG-TARGET.tar.gz.sha256 in sha256sum's format
# ("<hex>  <file name>"). Runs on Linux, macOS and Git Bash on Windows.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 TAG TARGET BINARY OUTDIR" >&2
  exit 2
fi
tag=$1 target=$2 binary=$3 outdir=$4
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

[[ -f $binary ]] || { echo "no binary at $binary" >&2; exit 1; }
name="drift-$tag-$target"
exe=""
ext=tar.gz
if [[ $target == *windows* ]]; then
  exe=.exe
  ext=zip
fi

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/drift$exe"
chmod 755 "$stage/$name/drift$exe"
for doc in "$root"/README.md "$root"/LICENSE*; do
  if [[ -f $doc ]]; then cp "$doc" "$stage/$name/"; fi
done

archive="$name.$ext"
rm -f "$outdir/$archive" "$outdir/$archive.sha256"
# Built inside the staging folder (relative paths only, for Windows' own archivers), then moved.
if [[ $ext == zip ]]; then
  if command -v 7z >/dev/null; then
    (cd "$stage" && 7z a -tzip -bso0 -bsp0 "$archive" "$name")
  elif command -v zip >/dev/null; then
    (cd "$stage" && zip -qr "$archive" "$name")
  else
    (cd "$stage" && powershell -NoProfile -Command "Compress-Archive -Path '$name' -DestinationPath '$archive'")
  fi
else
  (cd "$stage" && tar -czf "$archive" "$name")
fi
mv "$stage/$archive" "$outdir/$archive"

printf '%s  %s\n' "$(sha256 "$outdir/$archive")" "$archive" >"$outdir/$archive.sha256"
cat "$outdir/$archive.sha256"
