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
#   scripts/bench.sh rustc-perf [-t SPEC]... [-b BENCHMARKS]  rustc-perf's own collector (built from the
#                                         fork's pinned tree) on its async benchmarks and our workloads
#
# Run options: see `scripts/bench.sh --help` (toolchains, workloads, profiles, scenarios, metric,
# repetitions, baseline, output dir). Documentation: benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${1:-}" = rustc-perf ]; then
    # rustc-perf's collector is built with the release whose source carries it (rust/pin.env).
    . rust/pin.env
    rustup which --toolchain "$UPSTREAM_VERSION" cargo >/dev/null 2>&1 ||
        rustup toolchain install "$UPSTREAM_VERSION" --profile minimal
fi
# `bench` without a subcommand is `bench run`; results record this script as the command.
export HARNESS_SCRIPT=${HARNESS_SCRIPT:-scripts/bench.sh}
exec cargo run --release -q -p collector --bin bench -- "$@"
