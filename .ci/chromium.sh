#!/usr/bin/env bash
# Installs Chromium from Debian's packages when the machine has none, for
# the console's browser test (server/browsertest, a nested module driving
# it with chromedp). Run it (bash .ci/chromium.sh) or source it; developers
# can too. The test finds /usr/bin/chromium on PATH (or C360_CHROMIUM).
#
# Debian's chromium package is the only browser build this machine can get:
# a download of a browser of its own fails here. fonts-ipafont-gothic gives
# Chromium Japanese glyphs, so that the console's screenshot shows text and
# not boxes (the test's assertions read the DOM and do not need it).
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null | head -n 1)"
else
  echo "chromium: installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null
  if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium: not on PATH after installing the package" >&2
    exit 1
  fi
  echo "chromium: $(chromium --version 2>/dev/null | head -n 1)"
fi
