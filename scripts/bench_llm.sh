#!/usr/bin/env bash
# Provider-layer benchmark: requests/s and client CPU per request against the fake LLM server on
# loopback (target < 1 ms CPU per request, the server excluded). No GPU or network needed.
# Usage: scripts/bench_llm.sh [build-dir] [llm_bench flags: --requests N --concurrency C ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
if [ ! -x "$build/tests/llm_bench" ]; then
  cmake --build "$build" --target llm_bench kopt_fake_llm_server -j"$(nproc)"
fi
"$build/tests/llm_bench" "$@"
