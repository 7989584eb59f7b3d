#!/usr/bin/env bash
# Refresh the vendored front-end packages from the npm registry (DESIGN.md: no CDN at run time).
# Usage: scripts/vendor-static.sh            # the pinned versions below
#        PICO_VERSION=2.1.1 HTMX_VERSION=2.0.11 scripts/vendor-static.sh
# Each package lands in ppid/static/vendor/<name>-<version>/; VERSIONS.txt records what is there.
# Templates name the versioned folder, so bumping a version means editing the templates too
# (grep -r "vendor/" ppid/templates).
set -euo pipefail

PICO_VERSION="${PICO_VERSION:-2.1.1}"
# htmx 2.x: 4.x changed attribute inheritance and event names; stay on 2 until templates move.
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/ppid/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch <npm package> <version>: unpacks the tarball into $work/<package>/package
  local name="$1" version="$2" dest="$work/$1"
  mkdir -p "$dest"
  (cd "$dest" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz)
}

fetch "@picocss/pico" "$PICO_VERSION"
fetch "htmx.org" "$HTMX_VERSION"

rm -rf "$vendor"/pico-* "$vendor"/htmx-*
mkdir -p "$vendor/pico-$PICO_VERSION" "$vendor/htmx-$HTMX_VERSION"
cp "$work/@picocss/pico/package/css/pico.min.css" "$vendor/pico-$PICO_VERSION/"
cp "$work/@picocss/pico/package/LICENSE.md" "$vendor/pico-$PICO_VERSION/LICENSE.md"
cp "$work/htmx.org/package/dist/htmx.min.js" "$vendor/htmx-$HTMX_VERSION/"
cp "$work/htmx.org/package/LICENSE" "$vendor/htmx-$HTMX_VERSION/LICENSE"

{
  echo "# Vendored front-end packages (refresh: scripts/vendor-static.sh). name version npm-integrity"
  for pkg in "@picocss/pico $PICO_VERSION" "htmx.org $HTMX_VERSION"; do
    set -- $pkg
    echo "$1 $2 $(npm view "$1@$2" dist.integrity)"
  done
} >"$vendor/VERSIONS.txt"

echo "vendored into $vendor:"
cat "$vendor/VERSIONS.txt"
