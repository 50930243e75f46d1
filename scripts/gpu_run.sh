#!/usr/bin/env bash
# On the GPU machine, from the repository root, after scripts/gpu_pack.sh here:
#   device command: `BUDGET=560 PLAN=trust scripts/gpu_run.sh`, carrying [".gpu"]
# Lays the packed binaries out where they were built (tests find the sources through
# /work/main), then runs the PLAN's steps in priority order, each within what is left of BUDGET
# seconds, so one call's time limit never loses the summary. Logs under $OUT; summary last.
#   PLAN=trust      the evaluator's checks: GPU tests, adversarial set, benchmark
#   PLAN=baselines  PyTorch eager and torch.compile for every quick and core task. Their store is
#                   .gpu/torch.db, copied to $OUT after each step: when a call runs out of
#                   time, put the returned torch.db (and any torch.db-wal) back in .gpu/ and run again; the
#                   tasks already measured are answered from it.
set -u
out=${OUT:-gpu-logs}
mkdir -p "$out" /work
ln -sfn "$PWD" /work/main
mkdir -p build && cp -a .gpu/build/. build/
cd /work/main
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader \
  > "$out/gpu.txt"
start=$(date +%s)
step() {  # step NAME CAP COMMAND...: at most CAP seconds, and never past BUDGET
  local name=$1 cap=$2
  shift 2
  local left=$((${BUDGET:-560} - ($(date +%s) - start)))
  if ((left < 25)); then
    echo "$name skipped: no time left" >> "$out/steps.txt"
    return
  fi
  ((cap > left)) && cap=$left
  local t0=$(date +%s)
  timeout "$cap" "$@" > "$out/$name.txt" 2>&1
  echo "$name rc=$? $(($(date +%s) - t0)) s" >> "$out/steps.txt"
}
gtest_lines() { grep -E "^\[  (PASSED|FAILED) |FAILED|Failure" "$1" | head -8; }
case ${PLAN:-trust} in
  trust)
    step evaluator_gpu_test 120 env KOPT_REQUIRE_GPU=1 build/tests/gpu/evaluator_gpu_test
    step adversarial 260 env OUT="$out/adv" scripts/adversarial.sh build
    step bench 100 build/tests/evaluator_bench
    step optimize_e2e 120 env KOPT_REQUIRE_GPU=1 build/tests/e2e/optimize_e2e_test
    step store_eval_gpu_test 60 env KOPT_REQUIRE_GPU=1 build/tests/gpu/store_eval_gpu_test
    step task_reference_gpu_test 150 env KOPT_REQUIRE_GPU=1 build/tests/gpu/task_reference_gpu_test
    ;;
  baselines)
    db=.gpu/torch.db
    step baselines_quick 240 build/cli/kopt --db "$db" baselines --suite quick
    cp "$db"* "$out/"
    step baselines_core 560 build/cli/kopt --db "$db" baselines --suite core
    cp "$db"* "$out/"
    step baselines_markdown 60 build/cli/kopt --db "$db" baselines --format markdown
    ;;
esac
{
  echo "== GPU: $(cat "$out/gpu.txt")"
  cat "$out/steps.txt"
  for t in evaluator_gpu_test optimize_e2e store_eval_gpu_test task_reference_gpu_test; do
    [[ -f $out/$t.txt ]] && { echo "== $t"; gtest_lines "$out/$t.txt"; }
  done
  [[ -f $out/bench.txt ]] && { echo "== bench"; tail -14 "$out/bench.txt"; }
  [[ -f $out/adversarial.txt ]] && {
    echo "== adversarial"
    grep -vE "^\[(adversarial|legit)\]" "$out/adversarial.txt" | tail -60
  }
  for t in baselines_quick baselines_core; do
    [[ -f $out/$t.txt ]] && { echo "== $t"; tail -45 "$out/$t.txt"; }
  done
} > "$out/summary.txt" 2>&1
cat "$out/summary.txt"
