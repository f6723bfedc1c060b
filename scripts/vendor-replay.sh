#!/usr/bin/env bash
# Refresh the vendored ReplayWeb.page (npm `replaywebpage`) in the default theme:
# generator/theme/static/replay/{ui.js,sw.js,LICENSE.txt} and SHA256SUMS.
#
# The files are committed, so a build never needs npm or the network; this script
# is only for moving to another pinned version. `npm pack` fetches the exact
# version and npm checks it against the registry's integrity; the tarball's
# sha512 must then equal INTEGRITY below (edit both lines together to upgrade).
# tests/test_replay.py checks that the committed bytes match SHA256SUMS and that
# SHA256SUMS names this VERSION.
#
# ReplayWeb.page is AGPL-3.0-or-later (see README.md, "See the original").
#
# Usage: bash scripts/vendor-replay.sh
set -euo pipefail

VERSION=2.5.3
INTEGRITY=sha512-nCj2PSON3BxeSJKE8AsYPyULv0XPZKJWfy4l9PyQre9SqwLZ+WKZVs/sfLqPOQ4GrH+0YkjbwOhr8cSTH08gsQ==

cd "$(dirname "${BASH_SOURCE[0]}")/.."
target=generator/theme/static/replay
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "replaywebpage@${VERSION}" >/dev/null)
tarball="$work/replaywebpage-${VERSION}.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
    echo "vendor-replay: replaywebpage ${VERSION} has integrity ${actual}, expected ${INTEGRITY}" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/ui.js package/sw.js package/LICENSE

mkdir -p "$target"
cp "$work/package/ui.js" "$target/ui.js"
cp "$work/package/sw.js" "$target/sw.js"
cp "$work/package/LICENSE" "$target/LICENSE.txt"
{
    echo "# replaywebpage ${VERSION} (npm), ${INTEGRITY}"
    (cd "$target" && sha256sum ui.js sw.js LICENSE.txt)
} > "$target/SHA256SUMS"
echo "vendor-replay: replaywebpage ${VERSION} → ${target}"
