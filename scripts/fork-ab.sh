#!/usr/bin/env bash
# Compile-time A/B of one of the fork's -Z switches: the same compiler with the switch at its
# default and with `=no`, measured side by side by the collector (interleaved native runs for time,
# callgrind for instructions), ratios against the switch-off side. It isolates a patch's own cost
# from the fork's build configuration (no PGO/BOLT/jemalloc), which a fork-vs-stable run cannot.
#
#   scripts/fork-ab.sh [SWITCH] [bench run options...]
#
# SWITCH defaults to relocate-coroutine-upvars (patch 0001). Default output: results/fork-ab/.
# Extra options go to `scripts/bench.sh` (e.g. `-w family:chain --reps 5 --out DIR`).
set -euo pipefail
cd "$(dirname "$0")/.."
switch=relocate-coroutine-upvars
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    switch=$1
    shift
fi
rustup which --toolchain async-fork rustc >/dev/null 2>&1 ||
    { echo "fork-ab: async-fork is not linked (scripts/fork.sh fetch prepare build link)" >&2; exit 1; }
off="async-fork -Z$switch=no"
HARNESS_COMMAND="scripts/fork-ab.sh $switch$(printf ' %q' "$@")"
export HARNESS_COMMAND
# results/fork-ab unless the options name another --out.
out=(--out results/fork-ab)
for a in "$@"; do case "$a" in --out | --out=*) out=() ;; esac; done
exec ./scripts/bench.sh -t "$off" -t async-fork --baseline "$off" \
    -w await-call-tree -w await-call-tree-polled -w no-std-async -w family:chain \
    -p check -p debug -p opt -s full -s incr-unchanged "${out[@]}" "$@"
