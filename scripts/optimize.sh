#!/usr/bin/env bash
# The README's first command: builds kopt when needed (installing its Debian/Ubuntu packages),
# then runs `kopt optimize` on the quick suite. With no --model it tunes the starter kernels'
# tunables; pass --model (and anything else of `kopt optimize --help`) to let an LLM write code.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x build/cli/kopt ] || scripts/setup.sh || exit 2
build/cli/kopt optimize --suite quick "$@"
rc=$?
build/cli/kopt leaderboard --suite quick
exit $rc
