#!/bin/sh
# Install Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium;
# no browser is downloaded by Playwright). Needs root (or password-less sudo); does nothing
# when Chromium is there already.
set -e
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ]; then
    SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-browser: /usr/bin/chromium is missing and this is not root:" >&2
    echo "  run 'apt-get install chromium' as root (the browser tests are skipped without it, and fail in CI)" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here: install Chromium as /usr/bin/chromium by hand" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium
