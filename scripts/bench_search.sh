#!/usr/bin/env bash
# The search on a GPU, twice over the quick suite in one store: first with no LLM (the tune
# proposer alone), then with the fake LLM server answering with hand-written kernels that are
# faster than the starters (tests/data/fake_llm/quick/). Prints each run's summary (wall time per
# candidate, GPU busy and idle fractions) and the leaderboard after each. Logs under $OUT.
# Usage: [SEED_DB=store] scripts/bench_search.sh [build-dir]; SEED_DB is copied in first, so the
# PyTorch baselines it holds for this card are not measured again.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${OUT:-gpu-logs}
mkdir -p "$out"
kopt="$build/cli/kopt"
db="$out/search.db"
rm -f "$db" "$db-wal" "$db-shm"
[[ -n ${SEED_DB:-} ]] && cp "$SEED_DB" "$db"

echo "== kopt optimize --suite quick (no LLM)"
"$kopt" --db "$db" optimize --suite quick 2>&1 | tee "$out/search_tune.log" | tail -12
echo "== leaderboard after tuning"
"$kopt" --db "$db" leaderboard --suite quick 2>&1 | tee "$out/leaderboard_tune.log"

# Plans name one menu option; code answers are the kernels of tests/data/fake_llm/quick for the
# task the prompt is about (an answer without code for the others); repairs give up.
python3 - "$out/fake_llm_script.json" <<'PY'
import glob, json, os, sys
entries = [
    {"match": "In this step you plan one optimization", "times": 0,
     "text": "Option: mem.single_pass\nPlan: keep each row in registers and read it from DRAM once."},
    {"match": "failed kopt's evaluation", "times": 0, "text": "I cannot fix this kernel."},
]
for path in sorted(glob.glob("tests/data/fake_llm/quick/*.cu")):
    task = os.path.basename(path)[:-3]
    code = open(path).read()
    entries.append({"match": "Task " + task + " (", "times": 0,
                    "text": "Here is the kernel.\n```cuda\n" + code + "```\n"})
entries.append({"match": "Write the new version", "times": 0,
                "text": "The current kernel is as good as I can make it; no change."})
json.dump({"responses": entries}, open(sys.argv[1], "w"), indent=1)
PY
port_file="$out/fake_llm_port"
rm -f "$port_file"
"$build/tests/kopt_fake_llm_server" --script "$out/fake_llm_script.json" \
  --request-log "$out/fake_llm_requests.jsonl" --port-file "$port_file" > "$out/fake_llm.log" 2>&1 &
server=$!
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$port_file")/v1"
echo "== kopt optimize --suite quick --model openai:scripted@$url"
"$kopt" --db "$db" optimize --suite quick --model "openai:scripted@$url" --iterations 3 \
  --plans 2 --impls 2 2>&1 | tee "$out/search_llm.log" | tail -12
kill "$server" 2>/dev/null
echo "== leaderboard after the LLM run"
"$kopt" --db "$db" leaderboard --suite quick 2>&1 | tee "$out/leaderboard_llm.log"
