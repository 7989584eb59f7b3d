#!/usr/bin/env bash
# Refresh the test-only assets vendored from the npm registry: axe-core, which the browser
# tests inject into each page to check accessibility (no network is needed when tests run).
# Usage: scripts/vendor-test-assets.sh                 # the pinned version below
#        AXE_VERSION=4.14.1 scripts/vendor-test-assets.sh
# The file lands in tests/browser/vendor/axe.min.js; VERSIONS.txt records version and integrity.
set -euo pipefail

AXE_VERSION="${AXE_VERSION:-4.14.1}"

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/tests/browser/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar -xzf ./*.tgz)

mkdir -p "$vendor"
cp "$work/package/axe.min.js" "$vendor/axe.min.js"
cp "$work/package/LICENSE" "$vendor/axe-core.LICENSE"
{
  echo "# Vendored test assets (refresh: scripts/vendor-test-assets.sh). name version npm-integrity"
  echo "axe-core $AXE_VERSION $(npm view "axe-core@$AXE_VERSION" dist.integrity)"
} >"$vendor/VERSIONS.txt"

echo "vendored into $vendor:"
cat "$vendor/VERSIONS.txt"
