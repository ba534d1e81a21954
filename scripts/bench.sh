#!/usr/bin/env bash
# Compile-time benchmarks of async code across toolchains (issue 4). Thin entry point: installs
# what is missing (scripts/setup.sh), then builds and runs the collector (benches/collector).
#
#   scripts/bench.sh [run options]        measure; writes results/<run-id>/{results.json,summary.md,*.svg}
#   scripts/bench.sh --history            the released-version sweep (installs toolchains with rustup)
#   scripts/bench.sh compare RUN_A RUN_B  table of changes between two runs
#   scripts/bench.sh report RUN           redraw summary.md and graphs from results.json
#   scripts/bench.sh runtime RUN          criterion runtime bench per toolchain of RUN, folded into it
#   scripts/bench.sh list | generate ...  workloads; write generated workloads
#
# Run options: see `scripts/bench.sh --help` (toolchains, workloads, profiles, scenarios, metric,
# repetitions, baseline, output dir). Documentation: benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/setup.sh"
case "${1:-}" in
    compare | report | runtime | list | generate | help) sub="$1"; shift ;;
    *) sub=run ;;
esac
# Results record the command as it can be rerun (quoted: a toolchain spec may hold a space).
if [ -z "${HARNESS_COMMAND:-}" ]; then
    HARNESS_COMMAND="scripts/bench.sh"
    if [ "$sub" != run ]; then HARNESS_COMMAND="$HARNESS_COMMAND $sub"; fi
    if [ $# -gt 0 ]; then HARNESS_COMMAND="$HARNESS_COMMAND$(printf ' %q' "$@")"; fi
    export HARNESS_COMMAND
fi
exec cargo run --release -q -p collector --bin bench -- "$sub" "$@"
