#!/bin/sh
# Debian packages the tests use for real: Chromium (Playwright drives /usr/bin/chromium;
# no browser is downloaded) and the PostgreSQL server (the store's team option).
# Needs root (or password-less sudo); installs only what is missing.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-system-deps: missing$need and this is not root: run 'apt-get install$need' as root" >&2
    echo "  (the tests that need them are skipped without them, and fail in CI)" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps: no apt-get here: install$need by hand" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $need
