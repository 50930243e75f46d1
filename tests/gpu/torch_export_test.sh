#!/usr/bin/env bash
# `kopt export --format torch` end to end on a GPU: evaluates each quick task's starter kernel
# into a fresh store, exports it as a PyTorch package, and runs torch_export_test.py over the
# packages (correctness at every size, torch.compile, rejected calls, timing beside PyTorch).
# On Hopper it does the same for the TMA transpose (launch variants and tensor maps, which the
# package's runtime encodes per call) from a store of its own.
#   tests/gpu/torch_export_test.sh [KOPT_BINARY]     (OUT=DIR keeps the store, logs, packages)
# Exits 77, ctest's skip, without a GPU or without PyTorch on CUDA; KOPT_REQUIRE_GPU=1 makes
# that a failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
kopt=${1:-$repo/build/cli/kopt}
work=${OUT:-$(mktemp -d)}
mkdir -p "$work"
skip() {
  echo "skipped: $1"
  [[ ${KOPT_REQUIRE_GPU:-0} == 1 ]] && exit 1
  exit 77
}
nvidia-smi -L > /dev/null 2>&1 || skip "no GPU (nvidia-smi -L failed)"
python3 -c "import torch; assert torch.cuda.is_available()" 2> /dev/null ||
  skip "python3 has no PyTorch with CUDA"
db=$work/export.db
rm -rf "$work/packages" "$db"
for task in gemm_fp32 rmsnorm_bf16 softmax_rows transpose_fp32; do
  if ! "$kopt" --db "$db" eval --no-torch "$repo/tasks/quick/$task" \
    "$repo/tasks/quick/$task/starter.cu" > "$work/eval_$task.txt" 2>&1; then
    echo "FAILED: kopt eval of $task's starter"
    tail -20 "$work/eval_$task.txt"
    exit 1
  fi
  "$kopt" --db "$db" export --task "$task" --format torch --out "$work/packages"
done
python3 "$repo/tests/gpu/torch_export_test.py" "$work/packages" "$repo/tasks/quick" \
  "$repo/evaluator/torch_runner.py"
capability=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1)
if [[ ${capability%%.*} -ge 9 ]]; then
  tma_db=$work/export_tma.db
  rm -rf "$work/packages_tma" "$tma_db"
  if ! "$kopt" --db "$tma_db" eval --no-torch "$repo/tasks/quick/transpose_fp32" \
    "$repo/tests/data/candidates/hopper/transpose_fp32_tma.cu" > "$work/eval_tma.txt" 2>&1; then
    echo "FAILED: kopt eval of the TMA transpose"
    tail -20 "$work/eval_tma.txt"
    exit 1
  fi
  "$kopt" --db "$tma_db" export --task transpose_fp32 --format torch --out "$work/packages_tma"
  python3 "$repo/tests/gpu/torch_export_test.py" "$work/packages_tma" "$repo/tasks/quick" \
    "$repo/evaluator/torch_runner.py"
fi
