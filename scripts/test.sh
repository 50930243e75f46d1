#!/usr/bin/env bash
# The README's test command: builds (installing what is missing) and runs every test. GPU tests
# skip without a GPU; set KOPT_REQUIRE_GPU=1 to make a skip a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure -j"$(nproc)"
