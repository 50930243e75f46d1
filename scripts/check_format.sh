#!/usr/bin/env bash
# Fails when a tracked C++ source or header (*.cpp, *.h) differs from what clang-format makes of
# it with the repository's .clang-format, and names each such file. CUDA sources (*.cu: task
# references and test candidate kernels, under tasks/ and tests/data/) are kept as written.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang-format
fi
bad=()
while IFS= read -r -d '' file; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done < <(git ls-files -z -- '*.cpp' '*.h' ':!:tests/data/' ':!:tasks/')
if [ ${#bad[@]} -gt 0 ]; then
  echo "check_format: ${#bad[@]} file(s) not formatted with $(clang-format --version):" >&2
  for file in "${bad[@]}"; do echo "  clang-format -i $file" >&2; done
  exit 1
fi
echo "check_format: $(git ls-files -- '*.cpp' '*.h' ':!:tests/data/' ':!:tasks/' | wc -l) files formatted"
