#!/usr/bin/env bash
# The README's first command until the search loop lands: builds kopt if needed, checks the
# machine, then evaluates the hand-written starting kernels of every quick task on the GPU
# (`kopt eval`: compile, 3-seed correctness on two sizes, timing against the reference).
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x build/cli/kopt ] || scripts/setup.sh
echo "kopt optimize is not built yet: evaluating the starter kernels with kopt eval instead."
build/cli/kopt doctor --quick || exit 1
rc=0
for t in tasks/quick/*/; do
  echo
  build/cli/kopt eval "quick/$(basename "$t")" "$t/starter.cu" || rc=1
done
# Every evaluation is in ./kopt.db; a second run answers from it (add --force to measure again).
echo
build/cli/kopt leaderboard
exit $rc
