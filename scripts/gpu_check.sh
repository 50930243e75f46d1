#!/usr/bin/env bash
# One run on a GPU machine: doctor, the GPU tests, the evaluator benchmark, and `kopt eval` on
# the starting kernel of every quick task. Logs go to $OUT (or ./gpu-logs); a short table is printed last.
set -uo pipefail
build=${1:-build}
out=${OUT:-gpu-logs}
mkdir -p "$out"
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
export KOPT_CACHE_DIR=$(mktemp -d)
"$build/cli/kopt" doctor 2>&1 | tee "$out/doctor.log"
(cd "$build" && KOPT_REQUIRE_GPU=1 ctest -L gpu --output-on-failure -V) > "$out/ctest_gpu.log" 2>&1
gpu_rc=$?
(cd "$build" && ctest -L unit) > "$out/ctest_unit.log" 2>&1
unit_rc=$?
"$build/tests/evaluator_bench" > "$out/bench.log" 2>&1
bench_rc=$?
for t in tasks/quick/*/; do
  "$build/cli/kopt" --db "$out/kopt.db" eval "quick/$(basename "$t")" "$t/starter.cu" --force \
    >> "$out/eval.log" 2>&1
done
"$build/cli/kopt" --db "$out/kopt.db" leaderboard > "$out/leaderboard.log" 2>&1
echo "== ctest -L gpu (rc $gpu_rc)"; grep -E "tests passed|Passed|Failed|SKIP|speedup|ms  reference" "$out/ctest_gpu.log" | tail -25
echo "== ctest -L unit (rc $unit_rc)"; tail -3 "$out/ctest_unit.log"
echo "== kopt eval"; grep -E "^(task|status|time|reference|speedup|message)" "$out/eval.log"
echo "== benchmark (rc $bench_rc)"; cat "$out/bench.log"
echo "== kopt leaderboard ($out/kopt.db)"; cat "$out/leaderboard.log"
