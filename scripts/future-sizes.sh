#!/usr/bin/env bash
# Future-size corpus (issue 5): sizes of the corpus's futures per toolchain against their ideal
# sizes and against stable, plus a differential check that every toolchain runs them identically.
# Logic lives in benches/future-sizes; cases are files in benches/future-sizes/cases/.
#
#   scripts/future-sizes.sh [--toolchain T]... [--opt-level 0,3] [--baseline stable] [--out-dir DIR]
#   scripts/future-sizes.sh --toolchain stable --toolchain async-fork --toolchain "async-fork -Z<switch>"
#
# Without --toolchain: stable, plus nightly and async-fork when rustup has them. Writes
# results/future-sizes/future-sizes.{json,md}; exits 1 when a build fails, an output differs from
# the baseline's, or a size depends on the opt level.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export HARNESS_SCRIPT=scripts/future-sizes.sh
exec nice -n 10 cargo run --release -q -p future-sizes -- "$@"
