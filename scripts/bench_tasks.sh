#!/usr/bin/env bash
# Times every task's reference (and its vendor baseline) on this GPU: `kopt eval` of each
# reference.cu against itself, JSON under $OUT/tasks (or ./gpu-logs/tasks), and a table of
# reference time, baseline time and roofline floor per task, printed last.
# Usage: scripts/bench_tasks.sh [build-dir] [suite ...]   (default suites: quick core)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(quick core)
out=${OUT:-gpu-logs}/tasks
mkdir -p "$out"
for suite in "${suites[@]}"; do
  for t in tasks/$suite/*/; do
    name=$(basename "$t")
    "$build/cli/kopt" eval "$suite/$name" "$t/reference.cu" --format json --max-timing 0.5 \
      > "$out/$suite.$name.json" 2> "$out/$suite.$name.err"
  done
done
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
print(f"{'task':36} {'status':8} {'reference ms':>12} {'baseline ms':>12} {'floor ms':>9}  baseline")
for f in sorted(os.listdir(out)):
    if not f.endswith('.json'):
        continue
    name = f[:-5]
    try:
        r = json.load(open(os.path.join(out, f)))
    except Exception:
        err = open(os.path.join(out, name + '.err')).read().strip().splitlines()
        print(f"{name:36} {'error':8} {err[-1] if err else ''}")
        continue
    ref = r.get('timing', {}).get('event_ms', {}).get('median')
    base = r.get('baseline', {})
    base_ms = base.get('timing', {}).get('event_ms', {}).get('median')
    floor = r.get('roofline', {}).get('floor_ms')
    fmt = lambda v: f"{v:.4f}" if v is not None else "-"
    print(f"{name:36} {r['status']:8} {fmt(ref):>12} {fmt(base_ms):>12} {fmt(floor):>9}  {base.get('name', '-')}")
PY
