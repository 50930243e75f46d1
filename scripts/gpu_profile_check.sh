#!/usr/bin/env bash
# The profiler's checks in one run on a GPU machine: doctor (peaks, a real counter collection),
# every GPU test, the profiling overhead benchmark, `kopt eval --profile` on the starter tasks
# (also with counters denied), and kopt's duration and DRAM % against Nsight Compute's when ncu
# is installed (clocks are never changed: --clock-control none). Logs go to $OUT (or
# ./gpu-logs); a short table is printed last. Run from anywhere after a build:
#   scripts/gpu_profile_check.sh [build-folder [steps]]
# steps: a comma-separated subset of doctor,tests,bench,eval,ncu (default: all of them, about
# six minutes on an H100; split them over two runs when a run is capped at ten minutes).
set -uo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
steps=",${2:-doctor,tests,bench,eval,ncu},"
want() { [[ "$steps" == *",$1,"* ]]; }
out=${OUT:-gpu-logs}
mkdir -p "$out"
out=$(realpath "$out")
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
export KOPT_CACHE_DIR=$(mktemp -d)
kopt="$build/cli/kopt"
# This tree and this binary, wherever the build was configured.
export KOPT_SOURCE_DIR=$(pwd) KOPT_DATA_DIR=$(pwd) KOPT_BINARY="$kopt"
# The quick suite's starter kernels, and reduce_sum's two-kernel candidate from the core suite.
tasks="gemm_fp32 softmax_rows rmsnorm_bf16 reduce_sum transpose_fp32"
task_dir() { [ "$1" = reduce_sum ] && echo tasks/core/reduce_sum || echo "tasks/quick/$1"; }
candidate() {
  [ "$1" = reduce_sum ] && echo tests/data/candidates/good/reduce_sum.cu || echo "tasks/quick/$1/starter.cu"
}
ncu_bin=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null || true)

{
  date -u
  nvidia-smi
  grep -H RmProfilingAdminOnly /proc/driver/nvidia/params
  id
  [ -n "$ncu_bin" ] && "$ncu_bin" --version
} > "$out/env.log" 2>&1

doctor_rc=skipped
if want doctor || want ncu; then  # ncu's runs use the peaks the doctor caches
  timeout 300 "$kopt" doctor > "$out/doctor.log" 2>&1
  doctor_rc=$?
  timeout 120 "$kopt" doctor --metrics > "$out/metrics.log" 2>&1
fi

# The GPU test binaries themselves (ctest's files hold the configure-time paths).
gpu_rc=skipped
if want tests; then
  : > "$out/ctest_gpu.log"
  gpu_rc=0
  for t in "$build"/tests/gpu/*_gpu_test; do
    echo "### $t" >> "$out/ctest_gpu.log"
    KOPT_REQUIRE_GPU=1 timeout 900 "$t" >> "$out/ctest_gpu.log" 2>&1 || gpu_rc=$?
  done
fi

bench_rc=skipped
if want bench; then
  : > "$out/bench.log"
  timeout 600 "$build/tests/profile_bench" > "$out/bench.log" 2>&1
  bench_rc=$?
fi

# kopt eval --profile on every starter task: the table, deep counters as JSON, and the same
# with denial simulated.
deny_rc=skipped
if want eval || want ncu; then  # ncu's runs follow the kernels kopt profiled
  for name in $tasks; do
    cand=$(candidate "$name")
    timeout 300 "$kopt" eval "$(task_dir "$name")" "$cand" --profile > "$out/kopt_$name.log" 2>&1
    echo "rc=$?" >> "$out/kopt_$name.log"
    want eval && timeout 300 "$kopt" eval "$(task_dir "$name")" "$cand" --profile=deep \
      --format json > "$out/kopt_${name}_deep.json" 2> "$out/kopt_${name}_deep.err"
  done
  KOPT_PROFILER_DENY=1 timeout 300 "$kopt" eval tasks/quick/transpose_fp32 \
    tasks/quick/transpose_fp32/starter.cu --profile > "$out/kopt_denied.log" 2>&1
  deny_rc=$?
fi

# Nsight Compute on the same launches: `kopt eval --no-time --seeds 1` runs the candidate's
# sequence at the main size first, so the first N launches of its kernels are the ones kopt
# profiled (N = the sequence's length). KOPT_NO_CUPTI=1: kopt's worker leaves CUPTI to ncu.
compare="$out/ncu_compare.txt"
: > "$compare"
if [ -n "$ncu_bin" ] && want ncu; then
  for name in $tasks; do
    cand=$(candidate "$name")
    log="$out/kopt_$name.log"
    kernels=$(awk '$1 == "counters" { n = $2; sub(/:$/, "", n); print n }' "$log")
    count=$(printf '%s\n' "$kernels" | grep -c .)
    if [ "$count" -eq 0 ]; then
      echo "$name: kopt collected no counters (see kopt_$name.log)" >> "$compare"
      continue
    fi
    regex=$(printf '%s\n' "$kernels" | paste -sd'|')
    KOPT_NO_CUPTI=1 timeout 600 "$ncu_bin" --clock-control none --target-processes all --cache-control all \
      --replay-mode kernel -k "regex:^($regex)\$" -c "$count" \
      --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed \
      --csv --print-units base --log-file "$out/ncu_$name.csv" \
      "$kopt" eval "$(task_dir "$name")" "$cand" --no-time --seeds 1 --timeout 600 \
      > "$out/ncu_${name}_app.log" 2>&1
    echo "ncu rc=$?" >> "$out/ncu_${name}_app.log"
    # kernel, ms, DRAM % from kopt's counters lines and from ncu's CSV; then the sequence.
    awk '$1 == "counters" { n = $2; sub(/:$/, "", n); d = $6; sub(/%,?$/, "", d); print n, $3, d }' \
      "$log" > "$out/kopt_${name}_kernels.txt"
    awk 'BEGIN { FS = "\",\"" }
      /^"ID"/ { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i }; next }
      /^"/ && ("Metric Name" in col) {
        k = $(col["Kernel Name"]); m = $(col["Metric Name"]); v = $(col["Metric Value"])
        gsub(/"/, "", k); gsub(/"/, "", m); gsub(/[",]/, "", v)
        if (!(k in seen)) { seen[k] = 1; order[++n] = k }
        if (m == "gpu__time_duration.sum") dur[k] += v / 1e6
        if (m == "dram__throughput.avg.pct_of_peak_sustained_elapsed") dram[k] = v
      }
      END { for (i = 1; i <= n; i++) print order[i], dur[order[i]], dram[order[i]] }' \
      "$out/ncu_$name.csv" > "$out/ncu_${name}_kernels.txt"
    timed=$(awk '$1 == "time" { for (i = 1; i < NF; i++) if ($i == "(kernels") print $(i + 1) }' "$log")
    awk -v task="$name" -v timed="${timed:-0}" '
      FNR == NR { km[$1] = $2; kd[$1] = $3; korder[++kn] = $1; next }
      { nm[$1] = $2; nd[$1] = $3 }
      END {
        for (i = 1; i <= kn; i++) {
          k = korder[i]; if (!(k in nm)) { printf "%s: ncu has no launch of %s\n", task, k; bad = 1; continue }
          kms += km[k]; kdw += km[k] * kd[k]; nms += nm[k]; ndw += nm[k] * nd[k]
          printf "  %-16s %-16s kopt %.4f ms DRAM %5.1f%%   ncu %.4f ms DRAM %5.1f%%\n", task, k, km[k], kd[k], nm[k], nd[k] > "/dev/stderr"
        }
        if (bad || nms <= 0) exit
        kdram = kms > 0 ? kdw / kms : 0; ndram = ndw / nms
        rt = kms / nms; rd = ndram > 0 ? kdram / ndram : 0
        # DRAM: within 5 %, or within one point of peak for kernels that barely touch DRAM.
        dd = kdram - ndram; if (dd < 0) dd = -dd
        ok = (rt >= 0.95 && rt <= 1.05 && ((rd >= 0.95 && rd <= 1.05) || dd <= 1)) ? "ok" : "MISSED"
        printf "%-16s %8.4f %8.4f %6.3f %8.1f %8.1f %6.3f %9.4f %6.3f  %s\n", task, kms, nms, rt, kdram, ndram, rd, timed, timed / nms, ok
      }' "$out/kopt_${name}_kernels.txt" "$out/ncu_${name}_kernels.txt" >> "$compare" 2>> "$out/ncu_per_kernel.txt"
  done
fi

echo "== doctor (rc $doctor_rc)"
[ -f "$out/doctor.log" ] && grep -E "^GPU|memory:|peaks|profiler" "$out/doctor.log"
echo "== GPU tests (rc $gpu_rc)"
grep -E '^### |^\[  PASSED  \]|^\[  FAILED  \] [^ ]+$|^\[  SKIPPED \] [^ ]+$' "$out/ctest_gpu.log"
echo "== profiling overhead (rc $bench_rc)"
if grep -q '^figure' "$out/bench.log"; then sed -n '/^figure/,$p' "$out/bench.log"; else tail -5 "$out/bench.log"; fi
# "status | summary" of a `kopt eval` log, or its last lines when it has none.
brief() {
  local status summary
  status=$(grep -m1 '^status' "$1" | awk '{print $2}')
  summary=$(grep -m1 '^summary' "$1" | cut -c12-)
  if [ -n "$summary" ]; then echo "$status | $summary"; else echo "$status | $(tail -2 "$1" | tr '\n' ' ')"; fi
}
echo "== kopt eval --profile"
if [ "$deny_rc" != skipped ]; then
  for name in $tasks; do
    printf '%-16s %s\n' "$name" "$(brief "$out/kopt_$name.log")"
  done
  printf '%-16s %s (rc %s)\n' "denied (sim.)" "$(brief "$out/kopt_denied.log")" "$deny_rc"
fi
echo "== kopt vs Nsight Compute: gpu__time_duration.sum and dram__throughput.avg.pct_of_peak_sustained_elapsed (target: ratios 0.95-1.05)"
if ! want ncu; then
  echo "skipped"
elif [ -z "$ncu_bin" ]; then
  echo "ncu not found: comparison skipped"
else
  printf '%-16s %8s %8s %6s %8s %8s %6s %9s %6s\n' task kopt_ms ncu_ms ratio kopt_dram ncu_dram ratio timed_ms t/ncu
  cat "$compare"
  [ -f "$out/ncu_per_kernel.txt" ] && cat "$out/ncu_per_kernel.txt"
fi
