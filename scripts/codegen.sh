#!/usr/bin/env bash
# The codegen matrix: every test in codegen-tests/assembly on every toolchain x target, checked
# with LLVM FileCheck. Usage: scripts/codegen.sh [--toolchain T]... [--target X]... [--json FILE]
# Without --toolchain: stable, plus nightly and async-fork when installed.
#
# One function's assembly on several toolchains, side by side (--diff: as a diff), through
# cargo-show-asm with `rustc --emit asm` as fallback, compiled as its test file's revision says:
#   scripts/codegen.sh show FUNCTION [--toolchain T]... [--target X] [--revision R] [--file F] [--diff]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${1:-}" = show ]; then
    exec cargo run -q --release -p codegen-runner --bin codegen -- "$@"
fi
# Results record this script as the command, without the `run` it adds.
export HARNESS_SCRIPT=scripts/codegen.sh HARNESS_SCRIPT_ADDED=1
exec cargo run -q --release -p codegen-runner --bin codegen -- run "$@"
