#!/usr/bin/env bash
# The seed's claims on released compilers -> results/seed-claims.{md,json}.
# Usage: scripts/seed-claims.sh [--toolchain T]...     (default: stable, nightly, async-fork if installed)
#        scripts/seed-claims.sh --check results/seed-claims.json   (re-measure and compare)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build -q --release -p codegen-runner
HARNESS_COMMAND="scripts/seed-claims.sh $*" exec target/release/codegen seed-claims "$@"
