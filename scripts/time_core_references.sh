#!/usr/bin/env bash
# Runs every core task's reference as a candidate (`kopt eval core/T tasks/core/T/reference.cu`):
# the main size and every check size on the GPU, then its time beside the suite's target
# (a reference should take under 100 ms at the main size, never over 500 ms).
# Usage: scripts/time_core_references.sh [build-dir]; logs go to $OUT (or ./gpu-logs).
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${OUT:-gpu-logs}
mkdir -p "$out"
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
rc=0
printf "%-26s %-12s %12s  %s\n" task status "median ms" "target"
for t in tasks/core/*/; do
  name=$(basename "$t")
  log="$out/eval_core_$name.log"
  "$build/cli/kopt" eval "core/$name" "$t/reference.cu" > "$log" 2>&1 || rc=1
  status=$(awk '$1 == "status" {print $2}' "$log")
  ms=$(awk '$1 == "time" {print $3}' "$log")
  if [ -z "$ms" ]; then
    verdict="not timed: see $log"
  elif awk -v m="$ms" 'BEGIN {exit !(m > 100)}'; then
    verdict="OVER 100 ms"
    rc=1
  else
    verdict="< 100 ms"
  fi
  printf "%-26s %-12s %12s  %s\n" "$name" "${status:-?}" "${ms:--}" "$verdict"
done
exit $rc
