#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy over kopt's own sources (core, llm, prompts,
# search, evaluator, results, report, cli) and fails on any finding. Uses build/compile_commands.json,
# configuring ./build first when it is missing (scripts/setup.sh makes it too).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v run-clang-tidy >/dev/null || ! command -v clang-tidy >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang-tidy
fi
if [ ! -f build/compile_commands.json ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCUDAToolkit_ROOT="${CUDA_HOME:-/usr/local/cuda}" \
    >/dev/null
fi
# Generated sources (the embedded prompts) live in build/ and are not checked.
run-clang-tidy -p build -j "$(nproc)" -quiet "^$PWD/(core|llm|prompts|search|evaluator|results|report|cli)/"
