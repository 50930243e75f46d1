#!/usr/bin/env bash
# What the hand-written Hopper candidates reach, measured by kopt itself (`kopt eval`, every
# check, then timing beside the task's baselines, in one store):
#   the TMA + wgmma bf16 GEMM on gemm_bf16_4096 against cuBLASLt in the same evaluation
#     (target: at least 70% of cuBLASLt's TFLOP/s, correct at every size, not suspicious);
#   the TMA transpose on transpose_fp32 against the device's measured copy bandwidth.
# Usage: scripts/bench_hopper.sh [build dir]; logs and the store under $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${OUT:-bench-hopper}
mkdir -p "$out"
kopt="$build/cli/kopt"
db="$out/hopper.db"
run() {  # run NAME TASK FILE
  "$kopt" eval --db "$db" --no-torch --format json "$2" "$3" > "$out/$1.json" 2> "$out/$1.err"
  echo "$1 rc=$?" >> "$out/rc.txt"
}
run gemm gemm_bf16_4096 tests/data/candidates/hopper/gemm_bf16_tma_wgmma.cu
run transpose transpose_fp32 tests/data/candidates/hopper/transpose_fp32_tma.cu
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
def load(name):
    try:
        return json.load(open(f"{out}/{name}.json"))
    except Exception as e:
        print(f"{name}: no result ({e}); see {out}/{name}.err")
        return None
g = load("gemm")
if g:
    r = g.get("result", g)
    t = r.get("timing", {})
    roof = r.get("roofline", {})
    base = r.get("baseline", {})
    flops = 2.0 * 4096 ** 3
    ours = flops / (t["event_ms"]["median"] * 1e-3) / 1e12 if t else 0
    theirs = flops / (base["timing"]["event_ms"]["median"] * 1e-3) / 1e12 if base else 0
    print(f"gemm_bf16_4096  status {r.get('status')}  suspicious {roof.get('suspicious')}  "
          f"variant: {t.get('launch_variant', '-')}")
    print(f"  TMA+wgmma {ours:7.1f} TFLOP/s ({t.get('event_ms', {}).get('median', 0):.4f} ms)  "
          f"{base.get('name', 'baseline')} {theirs:7.1f} TFLOP/s  ->  "
          f"{100 * ours / theirs if theirs else 0:.0f}% of it  (target >= 70%)")
x = load("transpose")
if x:
    r = x.get("result", x)
    t = r.get("timing", {})
    roof = r.get("roofline", {})
    print(f"transpose_fp32  status {r.get('status')}  variant: {t.get('launch_variant', '-')}")
    print(f"  TMA transpose {roof.get('achieved_gbps', 0):6.0f} GB/s  device copy "
          f"{roof.get('peak_gbps', 0):6.0f} GB/s  ->  "
          f"{100 * roof.get('achieved_gbps', 0) / max(roof.get('peak_gbps', 1), 1):.0f}%")
PY
