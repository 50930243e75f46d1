#!/usr/bin/env bash
# The adversarial candidate set on a GPU machine: `kopt eval` on every case of
# tests/data/candidates/adversarial/cases.json (cheating, faulty and sneaky kernels, each with the
# status the evaluator should give) and tests/data/candidates/legit/cases.json (hard kernels that
# must stay correct and unflagged). A report, not a test: it always exits 0.
#   scripts/adversarial.sh [BUILD_DIR]        (default build; logs under $OUT, default adv-logs)
#   ADV_FILTER=REGEX scripts/adversarial.sh   (only the files whose name matches, e.g. '^leak_')
#   ADV_SANITIZE=0 scripts/adversarial.sh     (no --sanitize even where kopt eval has it)
#   ADV_WALL=SECONDS                          (wall-clock guard per case, default 300)
# Verdicts: ok (status as expected, and the check named when kopt's JSON names one), MISSED (the
# exploit was called correct), WRONG (another status or check), LEAK (the compile sandbox let a
# secret through: the environment canary or /etc/passwd appears in kopt's output); for legit
# kernels ok, WRONG (not correct) or SUSPICIOUS (flagged faster than the roofline allows).
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${OUT:-adv-logs}
kopt="$build/cli/kopt"
mkdir -p "$out"
if [[ ! -x $kopt ]]; then
  echo "adversarial: no kopt binary at $kopt (build first)"
  echo "adversarial: 0/0 classified right; legit: 0/0 correct"
  exit 0
fi
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
export KOPT_CACHE_DIR=${KOPT_CACHE_DIR:-$(mktemp -d)}
export KOPT_DATA_DIR=${KOPT_DATA_DIR:-$PWD}  # tasks/ of this tree, wherever kopt was built
# In kopt's own environment from its start, so /proc/self/environ of the compiling process holds it.
export KOPT_LEAK_CANARY="canary-$RANDOM$RANDOM-$$"
passwd_line=$(head -n 1 /etc/passwd 2>/dev/null || true)

help=$("$kopt" eval --help 2>&1 || true)
extra=()
# The sanitizer pass costs four tool runs: by default only the cases that need it get it
# (needs_sanitizer); ADV_SANITIZE=all gives it to every case, ADV_SANITIZE=0 to none.
can_sanitize=0
if [[ ${ADV_SANITIZE:-1} != 0 ]] && grep -q -- '--sanitize' <<<"$help"; then can_sanitize=1; fi
has_timeout=0
if grep -q -- '--timeout' <<<"$help"; then has_timeout=1; fi
rm -f "$out/adv.db" "$out/results.tsv"
{
  echo "adversarial.sh: $(date -u +%FT%TZ), kopt $kopt, sanitizer pass available: $can_sanitize"
  "$kopt" --version 2>&1 || true
} > "$out/run.log"

# One case: kopt eval with a per-case deadline and a wall-clock guard, then one TSV row of
# file, kind, category, expected, got, check, verdict, speedup, suspicious.
run_case() {
  local kind=$1 file=$2 task=$3 category=$4 expected=$5 want_check=$6 sanitize=$7
  local dir=tests/data/candidates/$kind
  local name="${kind}_${file%.cu}"
  local args=(--db "$out/adv.db" eval "$task" "$dir/$file" --format json --force)
  if ((can_sanitize)) && [[ $sanitize == True || ${ADV_SANITIZE:-1} == all ]]; then
    args+=(--sanitize)
  fi
  if ((has_timeout)); then
    if [[ $category == hangs ]]; then args+=(--timeout 20); else args+=(--timeout 120); fi
  fi
  timeout "${ADV_WALL:-300}" "$kopt" "${args[@]}" > "$out/$name.json" 2> "$out/$name.err"
  local rc=$?
  echo "$kind $file rc=$rc" >> "$out/run.log"
  python3 - "$out/$name.json" "$out/$name.err" "$kind" "$file" "$category" "$expected" \
    "$want_check" "$rc" "$KOPT_LEAK_CANARY" "$passwd_line" >> "$out/results.tsv" <<'PY'
import json, sys
path, err_path, kind, file, category, expected, want_check, rc, canary, passwd = sys.argv[1:11]
text = open(path, errors="replace").read()
err = open(err_path, errors="replace").read()
got, check, speedup, suspicious = "no-json(rc=%s)" % rc, "-", "-", "-"
try:
    j = json.loads(text)
    got = j.get("status", got)
    check = j.get("check") or "-"
    if isinstance(j.get("speedup"), dict):
        speedup = "%.2fx" % j["speedup"].get("value", 0)
    if isinstance(j.get("roofline"), dict):
        suspicious = "yes" if j["roofline"].get("suspicious") else "no"
except Exception:
    if rc == "124":
        got = "killed(wall)"
leaked = canary in text or canary in err or (len(passwd) > 8 and (passwd in text or passwd in err))
if kind == "legit":
    verdict = "ok" if got == "correct" and suspicious != "yes" else \
              ("SUSPICIOUS" if got == "correct" else "WRONG")
elif leaked:
    verdict = "LEAK"
elif got in expected.split("|") and (check == "-" or check in want_check.split("|")):
    verdict = "ok"
elif got == "correct":
    verdict = "MISSED"
else:
    verdict = "WRONG"
if leaked and kind == "legit":
    verdict = "LEAK"
print("\t".join([file, kind, category, expected, got, check, verdict, speedup, suspicious]))
PY
}

# The manifests, one case per line: file, task, category, expected, check.
manifest_rows() {
  python3 - "$1" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1])):
    print("\t".join([c["file"], c["task"], c.get("category", "legit"), c.get("expected", "correct"),
                     c.get("check", "-"), str(c.get("needs_sanitizer", False))]))
PY
}

for kind in adversarial legit; do
  manifest=tests/data/candidates/$kind/cases.json
  while IFS=$'\t' read -r file task category expected check sanitize; do
    [[ -n ${ADV_FILTER:-} && ! $file =~ $ADV_FILTER ]] && continue
    echo "[$kind] $file ($task)" >&2
    run_case "$kind" "$file" "$task" "$category" "$expected" "$check" "$sanitize"
  done < <(manifest_rows "$manifest")
done

python3 - "$out/results.tsv" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
adv = [r for r in rows if r[1] == "adversarial"]
legit = [r for r in rows if r[1] == "legit"]
fmt = "%-34s %-16s %-13s %-16s %-15s %-10s %-8s %s"
print(fmt % ("file", "category", "expected", "got", "check", "verdict", "speedup", "flagged"))
for r in adv:
    print(fmt % (r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8]))
print()
lfmt = "%-34s %-16s %-10s %-8s %-10s"
print(lfmt % ("legit file", "got", "speedup", "flagged", "verdict"))
for r in legit:
    print(lfmt % (r[0], r[4], r[7], r[8], r[6]))
print()
right = sum(r[6] == "ok" for r in adv)
good = sum(r[6] == "ok" for r in legit)
leaks = sum(r[6] == "LEAK" for r in rows)
missed = [r[0] for r in adv if r[6] == "MISSED"]
if missed:
    print("missed (called correct): " + " ".join(missed))
if leaks:
    print("LEAKS: %d case(s) printed the environment canary or /etc/passwd" % leaks)
print("adversarial: %d/%d classified right; legit: %d/%d correct" % (right, len(adv), good, len(legit)))
PY
exit 0
