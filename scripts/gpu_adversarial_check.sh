#!/usr/bin/env bash
# On a GPU machine: the adversarial set and the evaluator benchmark, with the build under test
# and, optionally, an earlier build (and the task tree it reads) for a before/after comparison
# on the same card. Logs under $OUT (default gpu-logs); the tables are printed last.
#   scripts/gpu_adversarial_check.sh AFTER_BUILD [BEFORE_BUILD BEFORE_TREE]
#   GPU_STEP=before|after|all picks the half to run (default all).
set -uo pipefail
cd "$(dirname "$0")/.."
after=${1:-build}
before=${2:-}
before_tree=${3:-}
out=${OUT:-gpu-logs}
step=${GPU_STEP:-all}
mkdir -p "$out"
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader \
  > "$out/gpu.txt" 2>&1
if [[ $step != after && -n $before ]]; then
  OUT=$out/before KOPT_DATA_DIR=$before_tree scripts/adversarial.sh "$before" \
    > "$out/adversarial_before.txt" 2>&1
  "$before/tests/evaluator_bench" > "$out/bench_before.txt" 2>&1
  "$after/tests/evaluator_bench" > "$out/bench_after.txt" 2>&1
fi
if [[ $step != before ]]; then
  OUT=$out/after scripts/adversarial.sh "$after" > "$out/adversarial_after.txt" 2>&1
  KOPT_REQUIRE_GPU=1 "$after/tests/gpu/evaluator_gpu_test" > "$out/evaluator_gpu_test.txt" 2>&1
fi
echo "== GPU: $(cat "$out/gpu.txt")"
for f in bench_before bench_after; do
  [[ -f $out/$f.txt ]] && { echo "== $f"; cat "$out/$f.txt"; }
done
[[ -f $out/evaluator_gpu_test.txt ]] && { echo "== evaluator_gpu_test"; grep -E "OK|FAILED|PASSED|Failure|speedup" "$out/evaluator_gpu_test.txt" | tail -15; }
for f in adversarial_before adversarial_after; do
  [[ -f $out/$f.txt ]] && { echo "== $f"; grep -vE "^\[(adversarial|legit)\]" "$out/$f.txt"; }
done
