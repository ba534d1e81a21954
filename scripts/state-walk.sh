#!/usr/bin/env bash
# State walk (issue 16): programs that move, drop, copy (ptr::read), poison and poll after
# completion futures in every state, built by each toolchain at each opt level and compared with
# the baseline's log, run under valgrind's memcheck, and run under Miri.
#
#   scripts/state-walk.sh [--toolchain SPEC]... [--baseline SPEC] [--miri SPEC]... [--opt 0,3]
#                         [--only PROGRAM]... [--no-miri] [--no-memcheck] [--out DIR] [--name STEM]
#   scripts/state-walk.sh -t 'nightly-2026-10-29 -Zasync-panic=no' -t 'async-fork -Zasync-panic=no' \
#                         --miri 'nightly-2026-10-29 -Zasync-panic=no'
#
# Default: 1.95.0 (the baseline) vs async-fork at opt levels 0 and 3, memcheck on every build,
# Miri of nightly-2026-10-29. Writes results/state-walk/<toolchains>.{json,md}, the baseline's
# logs beside them and a reproducer per problem. Exit 1 on any problem. Programs are files in
# benches/state-walk/programs/; all logic is in benches/state-walk.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export HARNESS_SCRIPT=scripts/state-walk.sh
exec nice -n 10 cargo run --release -q -p state-walk -- "$@"
