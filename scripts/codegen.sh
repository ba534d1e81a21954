#!/usr/bin/env bash
# The codegen matrix: every test in codegen-tests/assembly on every toolchain x target, checked
# with LLVM FileCheck. Usage: scripts/codegen.sh [--toolchain T]... [--target X]... [--json FILE]
# Without --toolchain: stable, plus nightly and async-fork when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build -q --release -p codegen-runner
HARNESS_COMMAND="scripts/codegen.sh $*" exec target/release/codegen run "$@"
