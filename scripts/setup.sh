#!/usr/bin/env bash
# Installs kopt's Debian/Ubuntu build dependencies (when missing) and builds into ./build.
# Needs the CUDA toolkit (NVRTC, CUPTI, headers) at /usr/local/cuda or $CUDA_HOME. With
# --deps-only it installs and checks only, and builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(cmake g++ make libcurl4-openssl-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev
          libgtest-dev libcpp-httplib-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
cuda=${CUDA_HOME:-/usr/local/cuda}
if [ ! -f "$cuda/include/nvrtc.h" ]; then
  echo "setup: the CUDA toolkit was not found at $cuda (set CUDA_HOME)" >&2
  exit 2
fi
[ "${1:-}" = "--deps-only" ] && exit 0
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCUDAToolkit_ROOT="$cuda" >/dev/null
cmake --build build -j"$(nproc)"
