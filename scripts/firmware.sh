#!/usr/bin/env bash
# Measures the Cortex-M firmware workload (benches/firmware, issue 6) on each toolchain: builds both
# executor flavours, runs them on QEMU mps2-an386, checks their transcripts, and writes
# results/firmware/firmware.{json,md}. Logic lives in benches/firmware-runner; this only sets up.
#
#   scripts/firmware.sh [--toolchain T]... [--qemu PATH] [--timeout SECS] [--no-instructions] [--out-dir DIR]
#
# Without --toolchain: stable, plus nightly and async-fork when rustup has them.
set -euo pipefail
cd "$(dirname "$0")/.."
# firmware-runner adds the Cortex-M target to every named rustup toolchain itself.
./scripts/setup.sh
export HARNESS_SCRIPT=scripts/firmware.sh
exec nice -n 10 cargo run --quiet --release -p firmware-runner -- "$@"
