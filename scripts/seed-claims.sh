#!/usr/bin/env bash
# The seed's claims on released compilers -> results/seed-claims.{md,json}.
# Usage: scripts/seed-claims.sh [--toolchain T]...     (default: stable, nightly, async-fork if installed)
#        scripts/seed-claims.sh --check results/seed-claims.json   (re-measure and compare)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Results record this script as the command, without the `seed-claims` it adds.
export HARNESS_SCRIPT=scripts/seed-claims.sh HARNESS_SCRIPT_ADDED=1
exec cargo run -q --release -p codegen-runner --bin codegen -- seed-claims "$@"
