#!/usr/bin/env bash
# Packs what a GPU machine needs from a build made here into .gpu/build (the layout of build/,
# stripped, no object files, ~15 MiB), for a device run that carries `.gpu` and runs
# scripts/gpu_run.sh. The GPU machine has no compiler toolchain for kopt's dependencies.
# With BEFORE=DIR (a worktree of an older commit, built in DIR/build with the kopt and
# evaluator_bench targets) it also packs that kopt, its benchmark and its tasks and candidates
# into .gpu/before, for PLAN=before_after.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rm -rf .gpu/build
mkdir -p .gpu/build/cli .gpu/build/tests/gpu .gpu/build/tests/e2e
cp "$build/cli/kopt" .gpu/build/cli/
for f in evaluator_bench kopt_fake_llm_server libcpp-httplib.so.0.11 libcpp-httplib.so.0.11.4; do
  cp -a "$build/tests/$f" .gpu/build/tests/
done
for f in adversarial_gpu_test evaluator_gpu_test hopper_gpu_test profile_gpu_test \
  store_eval_gpu_test task_reference_gpu_test; do
  cp "$build/tests/gpu/$f" .gpu/build/tests/gpu/
done
cp "$build/tests/e2e/optimize_e2e_test" .gpu/build/tests/e2e/
find .gpu/build -type f ! -name "*.so*" -exec strip {} \;
if [[ -n ${BEFORE:-} ]]; then
  rm -rf .gpu/before
  mkdir -p .gpu/before/build/cli .gpu/before/build/tests
  cp "$BEFORE/build/cli/kopt" .gpu/before/build/cli/
  cp "$BEFORE/build/tests/evaluator_bench" .gpu/before/build/tests/
  strip .gpu/before/build/cli/kopt .gpu/before/build/tests/evaluator_bench
  git -C "$BEFORE" archive HEAD tasks tests/data | tar -x -C .gpu/before
  git -C "$BEFORE" rev-parse --short=12 HEAD > .gpu/before/commit
fi
du -sh .gpu
