#!/usr/bin/env bash
# Results-store benchmark (no GPU needed): inserts 100,000 evaluations one transaction each and
# times the leaderboard over 100 tasks, printing each figure beside its target. Builds the
# benchmark if needed. Usage: scripts/bench_store.sh [BUILD_DIR] [store_bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target store_bench -j"$(nproc)" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$build/tests/store_bench" "$@"
