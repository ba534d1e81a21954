#!/usr/bin/env bash
# Differential testing of toolchains on generated async programs (issue 7).
#   scripts/difftest.sh [--seeds N] [--start S] [--toolchain A --toolchain B ...] [--opt 0,3]
#                       [--out DIR] [--jobs J] [--reduce-budget T] [--memcheck]
#   scripts/difftest.sh gen --seed S [--no-async-closures]   print the program of one seed
#   scripts/difftest.sh memcheck-corpus [--toolchain T]...   the future-size corpus program under memcheck
# --memcheck also runs every built program under valgrind's memcheck (issue 14); an error there is
# a difference of kind `memcheck`, saved with its reproducer like any other.
# Default toolchains: stable vs nightly (stable vs stable without nightly), plus async-fork if
# linked. Summary in results/difftest/, reproducers in results/difftest/failures/.
# Exit status 1 when any difference was found. All logic is in benches/difftest.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS_SCRIPT=scripts/difftest.sh
exec cargo run --release -q -p difftest -- "$@"
