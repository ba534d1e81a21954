#!/usr/bin/env bash
# The test command (README; .ci/run calls it). Installs what is missing, then:
#   1. cargo test for the whole workspace (harness, codegen runner, collector, firmware, difftest);
#   2. the codegen suite on the stable toolchain, for x86_64 and the Cortex-M targets;
#   3. the seed's committed claims still reproduce (toolchains installed here and unchanged);
#   4. the fork's pinned sources are there and the patch series applies (no build).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { printf '\n=== %s (%ss)\n' "$*" "$((SECONDS - start))"; }

step "setup"
scripts/setup.sh

step "cargo test --workspace"
cargo test --workspace --quiet

step "codegen suite on stable"
cargo build -q --release -p codegen-runner
target/release/codegen run --toolchain stable

step "seed claims reproduce"
target/release/codegen seed-claims --check results/seed-claims.json

step "fork: sources verified and patch series applies"
scripts/fork.sh check

step "done"
