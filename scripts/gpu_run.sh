#!/usr/bin/env bash
# On the GPU machine, from the repository root, after scripts/gpu_pack.sh here:
#   device command: `BUDGET=560 PLAN=trust scripts/gpu_run.sh`, carrying [".gpu"]
# Lays the packed binaries out where they were built (tests find the sources through
# /work/main), then runs the PLAN's steps in priority order, each within what is left of BUDGET
# seconds, so one call's time limit never loses the summary. Logs under $OUT; summary last.
#   PLAN=trust      the evaluator's checks: GPU tests, adversarial set, benchmark
#   PLAN=tests      the GPU tests alone
#   PLAN=before_after  the adversarial set and the evaluator benchmark with this tree's kopt and with
#                   an older one (scripts/gpu_pack.sh with BEFORE=), on the same card in one call;
#                   the old kopt reads its own tasks (.gpu/before, laid out at the path it was built
#                   in, /work/wt-before)
#   PLAN=baselines  PyTorch eager and torch.compile for every quick and core task. Their store is
#                   .gpu/torch.db, copied to $OUT after each step: when a call runs out of
#                   time, put the returned torch.db (and any torch.db-wal) back in .gpu/ and run again; the
#                   tasks already measured are answered from it.
#   PLAN=recheck    `kopt baselines --force` for the tasks in RECHECK (space-separated ids) only,
#                   in .gpu/torch.db, then the markdown table of every stored baseline
#   PLAN=gelu_negatives  gemm_bias_gelu_bf16's PyTorch cross-check at its tolerance with the bias
#                   left out, and with ReLU for GELU: both must be rejected (rc != 0, "disagrees")
#   PLAN=export     tests/gpu/torch_export_test.sh: the quick tasks' starters evaluated, exported
#                   with `kopt export --format torch`, and the packages checked and timed in PyTorch
#   PLAN=search     scripts/bench_search.sh: the quick suite's search, tuning alone then the fake
#                   LLM, with its store seeded from .gpu/torch.db (baselines on this card are reused)
#   PLAN=hopper     tests/gpu/hopper_gpu_test (tensor maps against the driver, the TMA candidates,
#                   wrong boxes and swizzles), then scripts/bench_hopper.sh (GEMM against cuBLASLt)
# PLAN may list several, run in its order: PLAN=tests,baselines.
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
gpu_tests() {
  step evaluator_gpu_test 120 env KOPT_REQUIRE_GPU=1 build/tests/gpu/evaluator_gpu_test
  step optimize_e2e 120 env KOPT_REQUIRE_GPU=1 build/tests/e2e/optimize_e2e_test
  step store_eval_gpu_test 180 env KOPT_REQUIRE_GPU=1 build/tests/gpu/store_eval_gpu_test
  step task_reference_gpu_test 150 env KOPT_REQUIRE_GPU=1 build/tests/gpu/task_reference_gpu_test
  step adversarial_gpu_test 150 env KOPT_REQUIRE_GPU=1 build/tests/gpu/adversarial_gpu_test
  step profile_gpu_test 120 env KOPT_REQUIRE_GPU=1 build/tests/gpu/profile_gpu_test
}
plans=${PLAN:-trust}
for plan in ${plans//,/ }; do
case $plan in
  tests) gpu_tests ;;
  hopper)
    step hopper_gpu_test 240 env KOPT_REQUIRE_GPU=1 build/tests/gpu/hopper_gpu_test
    step bench_hopper 120 env OUT="$out/bench_hopper" scripts/bench_hopper.sh build
    ;;
  trust)
    # Its per-case logs go to /tmp and come back as one archive: a call returns only a few files.
    step adversarial 260 env OUT=/tmp/adv scripts/adversarial.sh build
    cp /tmp/adv/results.tsv "$out/adversarial.tsv" 2>/dev/null
    tar czf "$out/adversarial_logs.tgz" -C /tmp adv 2>/dev/null
    step bench 100 build/tests/evaluator_bench
    gpu_tests
    ;;
  before_after)
    ln -sfn "$PWD/.gpu/before" /work/wt-before
    step bench_after 100 build/tests/evaluator_bench
    step bench_before 100 /work/wt-before/build/tests/evaluator_bench
    # Both kopts at once, three shards each, on the one card: classification, not timing, is
    # what is compared here (the benchmarks above ran alone).
    shards=('^(oob|uninit|misaligned|race|stale|call|timer|counter|memo)_'
      '^(gemm|reduce|softmax|rmsnorm|argmax|topk|ragged|sig)_'
      '^(block|dyn|too|huge|hang|leak|gemv|histogram)_')
    left=$((${BUDGET:-560} - ($(date +%s) - start) - 10))
    for side in after before; do
      build=build data=$PWD
      [[ $side == before ]] && build=/work/wt-before/build data=/work/wt-before
      for i in 0 1 2; do
        mkdir -p "/tmp/adv_$side$i"
        OUT=/tmp/adv_$side$i ADV_FILTER=${shards[$i]} ADV_WALL=60 KOPT_DATA_DIR=$data \
          timeout "$left" scripts/adversarial.sh "$build" > "/tmp/adv_$side$i/summary.txt" 2>&1 &
      done
    done
    wait
    for side in after before; do
      cat /tmp/adv_"$side"?/results.tsv > "$out/adversarial_$side.tsv" 2>/dev/null
    done
    tar czf "$out/adversarial_logs.tgz" -C /tmp $(cd /tmp && ls -d adv_*)
    ;;
  baselines)
    db=.gpu/torch.db
    step baselines_quick 240 build/cli/kopt --db "$db" baselines --suite quick
    cp "$db"* "$out/"
    step baselines_core 560 build/cli/kopt --db "$db" baselines --suite core
    cp "$db"* "$out/"
    step baselines_markdown 60 build/cli/kopt --db "$db" baselines --format markdown
    ;;
  recheck)
    db=.gpu/torch.db
    for task in ${RECHECK:-}; do
      step "recheck_${task//\//_}" 200 build/cli/kopt --db "$db" baselines --force --task "$task"
    done
    cp "$db"* "$out/"
    step baselines_markdown 60 build/cli/kopt --db "$db" baselines --format markdown
    ;;
  gelu_negatives)
    for variant in nobias relu; do
      dir=/tmp/neg/gemm_bias_gelu_bf16_$variant
      mkdir -p "$dir" && cp tasks/core/gemm_bias_gelu_bf16/* "$dir/"
      if [[ $variant == nobias ]]; then
        sed -i 's/F.linear(X, W, bias)/F.linear(X, W)/' "$dir/task.json"
      else
        sed -i 's/"torch": .*/"torch": "F.relu(F.linear(X, W, bias))",/' "$dir/task.json"
      fi
      grep '"torch"' "$dir/task.json" >> "$out/negatives.txt"
      step "negative_$variant" 200 build/cli/kopt --db /tmp/neg/neg.db baselines --task "$dir"
      tail -4 "$out/negative_$variant.txt" >> "$out/negatives.txt"
    done
    ;;
  export)
    step torch_export 300 env OUT=/tmp/export KOPT_REQUIRE_GPU=1 tests/gpu/torch_export_test.sh \
      build/cli/kopt
    tar czf "$out/export_packages.tgz" -C /tmp/export packages 2>/dev/null
    ;;
  search)
    step search 420 env OUT=/tmp/search SEED_DB=.gpu/torch.db scripts/bench_search.sh build
    cp /tmp/search/search.db "$out/" 2>/dev/null
    ;;
  *) echo "unknown PLAN step: $plan" >> "$out/steps.txt" ;;
esac
done
{
  echo "== GPU: $(cat "$out/gpu.txt")"
  cat "$out/steps.txt"
  for t in evaluator_gpu_test optimize_e2e store_eval_gpu_test task_reference_gpu_test \
    adversarial_gpu_test profile_gpu_test; do
    [[ -f $out/$t.txt ]] && { echo "== $t"; gtest_lines "$out/$t.txt"; }
  done
  [[ -f $out/bench.txt ]] && { echo "== bench"; tail -14 "$out/bench.txt"; }
  [[ -f $out/adversarial.txt ]] && {
    echo "== adversarial"
    grep -vE "^\[(adversarial|legit)\]" "$out/adversarial.txt" | tail -60
  }
  for side in after before; do
    [[ -f $out/bench_$side.txt ]] && { echo "== bench ($side)"; tail -12 "$out/bench_$side.txt"; }
    [[ -f $out/adversarial_$side.tsv ]] && {
      echo "== adversarial ($side): file, expected, got, check, verdict"
      cut -f1,4,5,6,7 "$out/adversarial_$side.tsv"
    }
  done
  [[ -f $out/hopper_gpu_test.txt ]] && {
    echo "== hopper_gpu_test"
    grep -E "^tensor maps:|^  |^transpose|^gemm|^cuBLAS|OK \]|FAILED|Failure|Expected|Which is|status" \
      "$out/hopper_gpu_test.txt" | head -60
  }
  [[ -f $out/bench_hopper.txt ]] && { echo "== bench_hopper"; tail -12 "$out/bench_hopper.txt"; }
  [[ -f $out/negatives.txt ]] && { echo "== gelu negatives"; cat "$out/negatives.txt"; }
  [[ -f $out/search.txt ]] && { echo "== search"; tail -60 "$out/search.txt"; }
  [[ -f $out/torch_export.txt ]] && { echo "== torch export"; tail -30 "$out/torch_export.txt"; }
  for t in baselines_quick baselines_core $(cd "$out" && ls recheck_*.txt 2>/dev/null | sed 's/.txt$//'); do
    [[ -f $out/$t.txt ]] && { echo "== $t"; tail -45 "$out/$t.txt"; }
  done
} > "$out/summary.txt" 2>&1
cat "$out/summary.txt"
# A call returns only a few files: the step logs travel as one archive beside the summary.
(cd "$out" && tar czf logs.tgz --remove-files $(ls *.txt | grep -v '^summary.txt$'))
