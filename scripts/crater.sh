#!/usr/bin/env bash
# Real async crates' own test suites per toolchain (issue 14): a pinned list
# (benches/crater/crates.toml, lockfiles in benches/crater/locks/, sources fetched by cargo from
# the registry), each built and tested at debug and release, every test's result compared with
# the baseline's.
#   scripts/crater.sh [--toolchain SPEC]... [--crate NAME]... [--profile debug,release]
#                     [--jobs J] [--timeout-minutes M] [--out DIR]
#   scripts/crater.sh list                 the crates
#   scripts/crater.sh lock [--crate NAME]  (re)write a crate's lockfile
# Default toolchains: 1.95.0 (baseline) and async-fork. Results: results/crater/crater.{json,md}.
# Exit status 1 when a test passes on the baseline and fails on another toolchain. All logic is
# in benches/crater. Heavy: run it under `nice -n 19` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS_SCRIPT=scripts/crater.sh
exec cargo run --release -q -p crater -- "$@"
