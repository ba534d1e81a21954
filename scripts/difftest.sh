#!/usr/bin/env bash
# Differential testing of toolchains on generated async programs (issue 7).
#   scripts/difftest.sh [--seeds N] [--start S] [--toolchain A --toolchain B ...] [--opt 0,3]
#                       [--out DIR] [--jobs J] [--reduce-budget T]
#   scripts/difftest.sh gen --seed S        print the program of one seed
# Default toolchains: stable vs nightly (stable vs stable without nightly), plus async-fork if
# linked. Summary in results/difftest/, reproducers in results/difftest/failures/.
# Exit status 1 when any difference was found. All logic is in benches/difftest.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS_SCRIPT=scripts/difftest.sh
exec cargo run --release -q -p difftest -- "$@"
