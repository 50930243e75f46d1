#!/usr/bin/env bash
# What reusing schedules saves: LLM calls and dollars until a held-out task reaches a target
# speedup, with no reuse, with kernel transfer (+ tuning) and with schedule replay, side by side.
#
# The protocol, for any provider:
#   1. One store of schedules: `kopt optimize --reuse none` on each SOURCES task (suite/name).
#   2. For each HELDOUT task (similar to a source, never optimized in step 1, so no schedule of
#      its own is in the store), each arm (none, transfer, replay) and each of SEEDS: a fresh
#      copy of that store, then `kopt optimize --task H --reuse ARM --seed S` with the same
#      SEARCH flags. Every arm runs the same free search after its start, so what differs is the
#      start. SEARCH keeps the search sequential (one plan, one implementation, one task at a
#      time, one call in flight), so "the calls before an evaluation" is well defined.
#   3. Per run: the first evaluation at or above the target speedup over the reference, and the
#      LLM calls (and their dollars) the run had made by then. The target is TARGET_X when set,
#      else TARGET (default 0.9) times the best speedup any run reached on that task.
#   Printed per task and arm: runs that reached the target, and the medians over seeds of calls,
#   dollars and the final speedup (a run that never reached it counts as infinitely expensive).
#
# Usage:
#   MODEL=openai:gpt-5-mini scripts/bench_reuse.sh            # on a GPU, with a real model
#   FAKE=1 scripts/bench_reuse.sh                             # no GPU, no key: the protocol
# FAKE=1 runs kopt_fake_gpu (verdicts from markers in the source) against the fake LLM server on
# the tiny suites: copy_chunked is the source, copy_wide the held-out task; the free search's
# plans come in a fixed order, and the code answers in the order wrong, slower, fast, then none
# (a fresh server per run, so every run sees the same order). Logs and stores
# under $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=${OUT:-bench-reuse}
rm -rf "$out" && mkdir -p "$out"
seeds=${SEEDS:-1 2 3}
search=${SEARCH:---beam 1 --plans 1 --impls 1 --iterations 6 --patience 6 --parallel-tasks 1 --llm-concurrency 1 --no-sanitize}

if [[ -n ${FAKE:-} ]]; then
  kopt=${KOPT:-$build/tests/kopt_fake_gpu}
  sources=${SOURCES:-$PWD/tests/data/suites/tiny/copy_chunked}
  heldout=${HELDOUT:-$PWD/tests/data/suites/tiny_similar/copy_wide}
  search="$search --no-torch"
  python3 - "$out/script.json" <<'PY'
import json, sys
def kernel(name, markers):
    return ("/*@kopt\n{\"launch\": [{\"kernel\": \"%s\", \"grid\": [528], \"block\": [256], "
            "\"args\": [\"X\", \"Y\", \"N\"]}]}\n@kopt*/\n%s\nextern \"C\" __global__ void %s("
            "const float* __restrict__ X, float* __restrict__ Y, int n) {\n  for (long i = "
            "blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * "
            "blockDim.x) Y[i] = X[i];\n}\n") % (name, markers, name)
def fenced(code):
    return "Here it is.\n```cuda\n" + code + "```\n"
json.dump({"responses": [
    {"match": "Where the plan comes from", "times": 0,
     "text": fenced(kernel("copy_replayed", "// LAT=0.25"))},
    {"match": "In this step you plan one optimization",
     "text": "Option: mem.coalescing\nPlan: make consecutive threads copy consecutive elements."},
    {"match": "In this step you plan one optimization",
     "text": "Option: par.grid_stride\nPlan: a grid-stride loop over a grid of one wave."},
    {"match": "In this step you plan one optimization",
     "text": "Option: mem.vectorized_loads\nPlan: copy float4 at a time."},
    {"match": "In this step you plan one optimization", "times": 0,
     "text": "Option: par.block_size\nPlan: try 512 threads per block."},
    {"match": "failed kopt's evaluation", "times": 0, "text": "I cannot fix this kernel."},
    {"match": "Write the new version", "text": fenced(kernel("copy_wrong", "// STATUS=wrong_answer"))},
    {"match": "Write the new version", "text": fenced(kernel("copy_slower", "// LAT=0.8"))},
    {"match": "Write the new version", "text": fenced(kernel("copy_fast", "// LAT=0.25"))},
    {"match": "Write the new version", "times": 0,
     "text": "The kernel is as good as I can make it; no change."},
]}, open(sys.argv[1], "w"), indent=1)
PY
else
  kopt=${KOPT:-$build/cli/kopt}
  sources=${SOURCES:-core/gemm_bf16_4096 core/rmsnorm_fp16_8192 core/softmax_vocab_fp32}
  heldout=${HELDOUT:-core/gemm_fp16_4096 core/layernorm_bf16 core/softmax_scores_bf16}
  [[ -n ${MODEL:-} ]] || { echo "bench_reuse: set MODEL (or FAKE=1)" >&2; exit 2; }
fi

server=""
start_model() {  # sets $model: MODEL, or a fresh fake server (its answers start over)
  if [[ -z ${FAKE:-} ]]; then
    model=$MODEL
    return
  fi
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -f "$out/port"
  "$build/tests/kopt_fake_llm_server" --script "$out/script.json" --port-file "$out/port" \
    >> "$out/fake_llm.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do [[ -s $out/port ]] && break; sleep 0.05; done
  model="openai:gpt-5-mini@http://127.0.0.1:$(cat "$out/port")/v1"
}
trap '[[ -n $server ]] && kill "$server" 2>/dev/null' EXIT

optimize() {  # optimize DB TASK LOG ARGS...: one task, given as suite/name or a folder
  local db=$1 task=$2 log=$3
  shift 3
  start_model
  # shellcheck disable=SC2086
  "$kopt" --db "$db" optimize --suite "$(dirname "$task")" --task "$(basename "$task")" \
    --model "$model" $search "$@" > "$log" 2>&1
  local rc=$?
  echo "  rc=$rc $(grep -m1 '^run [0-9]* ' "$log")"
  ((rc == 0)) || failed=1
}
failed=0

echo "== schedules from the sources"
for task in $sources; do
  echo "- $task"
  optimize "$out/sources.db" "$task" "$out/source_$(basename "$task").log" --reuse none --seed 1
done
"$kopt" --db "$out/sources.db" schedules > "$out/schedules.txt" 2>&1
cat "$out/schedules.txt"

echo "== held-out tasks"
for task in $heldout; do
  name=$(basename "$task")
  for arm in none transfer replay; do
    for seed in $seeds; do
      db="$out/$name.$arm.$seed.db"
      cp "$out/sources.db" "$db"
      echo "- $name, $arm, seed $seed"
      optimize "$db" "$task" "$out/$name.$arm.$seed.log" --reuse "$arm" --seed "$seed"
    done
  done
done

echo "== calls and dollars to reach the target"
python3 - "$out" "${TARGET:-0.9}" "${TARGET_X:-}" $heldout <<'PY'
import glob, math, os, sqlite3, statistics, sys

out, fraction, absolute, tasks = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:]
arms = ["none", "transfer", "replay"]

def run_of(db, name):
    """(speedups in recording order with the calls and dollars made by then) of the last run."""
    con = sqlite3.connect(db)
    run = con.execute("SELECT max(id) FROM runs").fetchone()[0]
    evals = con.execute(
        "SELECT e.created_at, e.speedup FROM evaluations e JOIN tasks t ON t.id = e.task_id "
        "WHERE e.run_id = ? AND t.name = ? AND e.status = 'correct' AND e.suspicious = 0 "
        "AND e.speedup IS NOT NULL ORDER BY e.id", (run, name)).fetchall()
    calls = con.execute(
        "SELECT created_at, coalesce(cost_usd, 0) FROM llm_calls WHERE run_id = ? "
        "AND error = '' ORDER BY id", (run,)).fetchall()
    con.close()
    timeline = []
    for at, speedup in evals:
        made = [c for c in calls if c[0] <= at]
        timeline.append((speedup, len(made), sum(c[1] for c in made)))
    return timeline, len(calls), sum(c[1] for c in calls)

def median(xs):
    return statistics.median(xs) if xs else math.inf

def show(x, fmt):
    return "not reached" if math.isinf(x) else fmt % x

print("%-22s %-9s %8s %8s %10s %12s %10s %12s" % (
    "task", "arm", "target", "reached", "calls", "dollars", "all calls", "final"))
for task in tasks:
    name = os.path.basename(task)
    runs = {arm: [run_of(db, name) for db in sorted(glob.glob(f"{out}/{name}.{arm}.*.db"))]
            for arm in arms}
    best = max((s for r in runs.values() for t, _, _ in r for s, _, _ in t), default=0)
    target = float(absolute) if absolute else fraction * best
    for arm in arms:
        calls, dollars, finals, totals = [], [], [], []
        for timeline, n_calls, _ in runs[arm]:
            hit = next(((c, d) for s, c, d in timeline if s >= target), None)
            calls.append(hit[0] if hit else math.inf)
            dollars.append(hit[1] if hit else math.inf)
            finals.append(max((s for s, _, _ in timeline), default=0))
            totals.append(n_calls)
        reached = sum(1 for c in calls if not math.isinf(c))
        print("%-22s %-9s %7.2fx %5d/%-2d %10s %12s %10s %11.2fx" % (
            name, arm, target, reached, len(calls), show(median(calls), "%.1f"),
            show(median(dollars), "$%.5f"), "%.1f" % median(totals), median(finals)))
PY
((failed == 0)) || { echo "bench_reuse: a kopt run failed; see the logs in $out" >&2; exit 1; }
