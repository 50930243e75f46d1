#!/usr/bin/env bash
# Packs what a GPU machine needs from a build made here into .gpu/build (the layout of build/,
# stripped, no object files, ~15 MiB), for a device run that carries `.gpu` and runs
# scripts/gpu_run.sh. The GPU machine has no compiler toolchain for kopt's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rm -rf .gpu/build
mkdir -p .gpu/build/cli .gpu/build/tests/gpu .gpu/build/tests/e2e
cp "$build/cli/kopt" .gpu/build/cli/
for f in evaluator_bench kopt_fake_llm_server libcpp-httplib.so.0.11 libcpp-httplib.so.0.11.4; do
  cp -a "$build/tests/$f" .gpu/build/tests/
done
for f in adversarial_gpu_test evaluator_gpu_test profile_gpu_test store_eval_gpu_test \
  task_reference_gpu_test; do
  cp "$build/tests/gpu/$f" .gpu/build/tests/gpu/
done
cp "$build/tests/e2e/optimize_e2e_test" .gpu/build/tests/e2e/
find .gpu/build -type f ! -name "*.so*" -exec strip {} \;
du -sh .gpu
