#!/usr/bin/env bash
# The install step of action.yml: the prebuilt drift of a GitHub release when one matches the
# runner, its SHA-256 checked before anything is installed; else drift built from the action's
# sources with the same `cargo install` as before. Plain bash, so it runs (and is tested, by
# scripts/check-action-release.sh) outside Actions. Installs $HOME/.cache/drift-action/bin/drift
# (drift.exe on Windows). Environment:
#   DRIFT_VERSION          the release tag to install (vX.Y.Z), `latest`, or `source` (build from
#                          the action's sources). Empty: the action's own ref when it is a vX.Y.Z
#                          tag, else `latest`.
#   GITHUB_ACTION_REF, GITHUB_ACTION_REPOSITORY
#                          the action's ref and owner/repo. The runner leaves both empty in the
#                          run steps of a composite action, so they are also read from the
#                          action's folder (…/_actions/OWNER/REPO/REF) and from DRIFT_ACTION_REF /
#                          DRIFT_ACTION_REPOSITORY (action.yml passes github.action_ref and
#                          github.action_repository there).
#   DRIFT_RELEASE_BASE     where release files are: $DRIFT_RELEASE_BASE/TAG/FILE. Default:
#                          ${GITHUB_SERVER_URL:-https://github.com}/OWNER/REPO/releases/download
#   DRIFT_RELEASE_LATEST   where the latest release's files are. Default: DRIFT_RELEASE_BASE with
#                          its last /download replaced by /latest/download (GitHub's redirect).
#   DRIFT_REQUIRE_PREBUILT=1  fail instead of building from source.
#   DRIFT_SKIP_CARGO=1     for tests only: say that drift would be built from source, and stop.
#   RUNNER_OS, RUNNER_ARCH the runner, as GitHub sets them; they choose the release target.
#   GITHUB_ACTION_PATH     the action's checkout: the sources `cargo install` builds.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
bin_dir="$HOME/.cache/drift-action/bin"

say() { printf 'drift install: %s\n' "$*"; }
warn() {
  if [[ ${GITHUB_ACTIONS:-} == true ]]; then
    printf '::warning title=drift install::%s\n' "$*"
  else
    printf 'drift install: warning: %s\n' "$*" >&2
  fi
}
error() {
  if [[ ${GITHUB_ACTIONS:-} == true ]]; then
    printf '::error title=drift install::%s\n' "$*"
  else
    printf 'drift install: error: %s\n' "$*" >&2
  fi
}

# The way out when no verified release binary can be installed: `cargo install`, exactly as the
# action built drift before it had releases to download.
from_source() {
  if [[ ${DRIFT_REQUIRE_PREBUILT:-} == 1 ]]; then
    error "$1; DRIFT_REQUIRE_PREBUILT=1, so drift is not built from source"
    exit 1
  fi
  say "$1: building from source"
  if [[ ${DRIFT_SKIP_CARGO:-} == 1 ]]; then
    say "DRIFT_SKIP_CARGO=1: cargo install skipped (tests only)"
    exit 0
  fi
  cargo install --locked --root ~/.cache/drift-action --path "$action_path"
  exit 0
}
# A release file that is there but fails a check: never installed.
refuse() {
  if [[ ${DRIFT_REQUIRE_PREBUILT:-} == 1 ]]; then
    error "$1: refused; DRIFT_REQUIRE_PREBUILT=1, so drift is not built from source"
    exit 1
  fi
  warn "$1: refused"
  from_source "the release binary was refused"
}

# A tag drift publishes: vX.Y.Z, optionally -pre.release.
is_tag() { [[ $1 =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; }

# Which action this is: the runner's variables, else the folder the runner fetched it to, else
# what action.yml passed from the github context.
repo=${GITHUB_ACTION_REPOSITORY:-}
ref=${GITHUB_ACTION_REF:-}
path=${action_path//\\//}
if [[ $path =~ /_actions/([^/]+)/([^/]+)/([^/]+)/?$ ]]; then
  [[ -n $repo ]] || repo="${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
  [[ -n $ref ]] || ref=${BASH_REMATCH[3]}
fi
[[ -n $repo ]] || repo=${DRIFT_ACTION_REPOSITORY:-}
[[ -n $ref ]] || ref=${DRIFT_ACTION_REF:-}

version=${DRIFT_VERSION:-}
if [[ -z $version ]]; then
  if is_tag "$ref"; then
    version=$ref
  else
    version=latest
    why="the action's ref (${ref:-none}) is not a release tag"
  fi
fi
if [[ $version != latest && $version != source ]] && ! is_tag "$version"; then
  error "version must be a release tag (vX.Y.Z), latest or source"
  exit 2
fi
[[ $version != source ]] || from_source "version: source"

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-gnu ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) from_source "no release binary for a ${RUNNER_OS:-unknown} ${RUNNER_ARCH:-unknown} runner" ;;
esac
exe=""
ext=tar.gz
if [[ $target == *windows* ]]; then
  exe=.exe
  ext=zip
fi

if [[ -z ${DRIFT_RELEASE_BASE:-} && -z $repo ]]; then
  from_source "no release to look up (the action runs from a checkout, not OWNER/REPO@REF)"
fi
base=${DRIFT_RELEASE_BASE:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}
base=${base%/}
latest=${DRIFT_RELEASE_LATEST:-${base%/download}/latest/download}
# https only, except a base that is plain http (a local test server): redirects too.
proto='=https'
[[ $base != http://* ]] || proto='=https,http'

fetch() {
  curl --fail --silent --show-error --location --proto "$proto" --proto-redir "$proto" \
    --connect-timeout 10 --max-time 300 --retry 3 --retry-delay 2 --output "$2" "$1"
}
sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/drift-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# `latest`: the tag is read from the latest release's SHA256SUMS, whose line for this target
# names the archive drift-TAG-TARGET.EXT.
if [[ $version == latest ]]; then
  say "${why:-version: latest}: looking up the latest release"
  if ! fetch "$latest/SHA256SUMS" "$tmp/SHA256SUMS"; then
    from_source "no latest release at $latest"
  fi
  tag=$(sed -n "s/^[0-9a-fA-F]\{64\}  \*\{0,1\}drift-\(v[^ ]*\)-$target\.${ext//./\\.}\$/\1/p" \
    "$tmp/SHA256SUMS" | head -n 1)
  if ! is_tag "$tag"; then
    from_source "no $target binary in the latest release"
  fi
  say "the latest release is $tag"
else
  tag=$version
fi

archive="drift-$tag-$target.$ext"
url="$base/$tag/$archive"
if ! fetch "$url" "$tmp/$archive" || ! fetch "$url.sha256" "$tmp/$archive.sha256"; then
  from_source "no release for drift $tag on $target ($url)"
fi

# The archive must have the digest its .sha256 file gives, and that file must name it.
want="" named=""
read -r want named _ <"$tmp/$archive.sha256" || true
want=$(printf '%s' "$want" | tr 'A-F' 'a-f')
named=${named#\*}
named=${named%$'\r'}
if ! [[ $want =~ ^[0-9a-f]{64}$ && $named == "$archive" ]]; then
  refuse "$archive.sha256 is not a sha256sum line for $archive"
fi
got=$(sha256 "$tmp/$archive")
if [[ $got != "$want" ]]; then
  refuse "sha256 mismatch for $archive: expected $want, got $got"
fi

mkdir "$tmp/unpack"
if [[ $ext == zip ]]; then
  if command -v unzip >/dev/null; then
    unzip -q "$tmp/$archive" -d "$tmp/unpack"
  elif command -v 7z >/dev/null; then
    7z x -y -bso0 -bsp0 "-o$tmp/unpack" "$tmp/$archive"
  else
    (cd "$tmp/unpack" && powershell -NoProfile -Command "Expand-Archive -Path '../$archive' -DestinationPath .")
  fi
else
  tar -xzf "$tmp/$archive" -C "$tmp/unpack"
fi
new="$tmp/unpack/drift-$tag-$target/drift$exe"
[[ -f $new ]] || refuse "$archive holds no drift-$tag-$target/drift$exe"
chmod 755 "$new"
if ! runs=$("$new" --version 2>&1); then
  refuse "drift $tag from $archive does not run on this runner: $runs"
fi

mkdir -p "$bin_dir"
cp "$new" "$bin_dir/.drift$exe.new"
mv -f "$bin_dir/.drift$exe.new" "$bin_dir/drift$exe"
say "drift $tag ($target) from the release, sha256 verified ($got): $("$bin_dir/drift$exe" --version)"
