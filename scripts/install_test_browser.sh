#!/usr/bin/env bash
# Installs Debian's Chromium for the report's browser test (tests/e2e/report_test.cpp) when it is
# missing. The test skips, saying why, without it; CI runs this first so that it never skips.
set -euo pipefail
if command -v chromium >/dev/null; then
  exit 0
fi
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
chromium --version
