#!/usr/bin/env bash
# Evaluator benchmark: compile times, full evaluation, worker respawn, timing repeatability and
# throughput, each printed with its target. Needs a GPU; run from the repository root after a build.
set -euo pipefail
build=${1:-build}
"$build/tests/evaluator_bench"
