#!/usr/bin/env bash
# The codegen matrix: every test in codegen-tests/assembly on every toolchain x target, checked
# with LLVM FileCheck. Usage: scripts/codegen.sh [--toolchain T]... [--target X]... [--json FILE]
# Without --toolchain: stable, plus nightly and async-fork when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Results record this script as the command, without the `run` it adds.
export HARNESS_SCRIPT=scripts/codegen.sh HARNESS_SCRIPT_ADDED=1
exec cargo run -q --release -p codegen-runner --bin codegen -- run "$@"
