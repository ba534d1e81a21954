#!/usr/bin/env bash
# A/B of a fork switch on compile time: one rustc run of each await-call-tree workload under
# callgrind, with the fork's -Z switch on and off, same compiler, same input, interleaved.
# Usage: scripts/fork-ab.sh [SWITCH] > results/fork-ab/compile-time.md
#   SWITCH defaults to relocate-coroutine-upvars (patch 0001); the run compares =yes with =no.
# Instruction counts from callgrind are deterministic for a given binary and input, so one run
# per side suffices; the collector (scripts/bench.sh) does not take per-toolchain -Z flags yet.
set -euo pipefail
cd "$(dirname "$0")/.."
switch=${1:-relocate-coroutine-upvars}
rustc=$(rustup which --toolchain async-fork rustc) || { echo "async-fork is not linked (scripts/fork.sh link)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind missing (scripts/setup.sh)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Instructions of one `rustc` run (callgrind's "Collected" total).
count() { # WORKLOAD OPT VALUE
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$rustc" --edition 2018 --crate-type lib \
        --crate-name w -Copt-level="$2" -Z"$switch=$3" "benches/workloads/$1/src/lib.rs" \
        -o "$scratch/w.rlib" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "# Compile time with -Z$switch on and off"
echo
echo "Produced by \`scripts/fork-ab.sh $switch\` on $(date -u +%FT%TZ); compiler: \`$("$rustc" -V)\`."
echo "Metric: callgrind instructions of one rustc run (\`--crate-type lib\`, edition 2018) per cell."
echo
echo "| workload | opt-level | =yes | =no | change |"
echo "|---|---|---:|---:|---:|"
for w in await-call-tree await-call-tree-polled; do
    for opt in 0 3; do
        echo "measuring $w at opt-level $opt" >&2
        on=$(count "$w" "$opt" yes)
        off=$(count "$w" "$opt" no)
        awk -v w="$w" -v o="$opt" -v a="$on" -v b="$off" \
            'BEGIN { printf "| %s | %s | %d | %d | %+.4f %% |\n", w, o, a, b, (a - b) * 100 / b }'
    done
done
