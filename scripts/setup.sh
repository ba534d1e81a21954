#!/usr/bin/env bash
# Installs what the harness needs on a fresh machine, idempotently: Debian packages and the rustup
# targets. Every entry point calls it; it is quick when everything is there already.
set -euo pipefail

# Debian packages: LLVM 22's FileCheck (rustc 1.95 uses LLVM 22), valgrind for instruction counts,
# QEMU for the Cortex-M firmware.
APT_PACKAGES="llvm-22-tools valgrind qemu-system-arm"
# Every toolchain we measure by default gets the Cortex-M cores' `core`.
RUST_TARGETS="thumbv7em-none-eabihf thumbv6m-none-eabi"

missing=""
for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing Debian packages:$missing" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi
    $SUDO apt-get update -qq >/dev/null || echo "setup: apt-get update failed; trying the install anyway" >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null ||
        echo "setup: could not install$missing; the tests that need them will report a skip" >&2
fi

command -v rustup >/dev/null || { echo "setup: rustup is required" >&2; exit 1; }
for tc in stable ${SETUP_TOOLCHAINS:-}; do
    have=$(rustup target list --toolchain "$tc" --installed 2>/dev/null || true)
    for t in $RUST_TARGETS; do
        if ! grep -qx "$t" <<<"$have"; then
            echo "setup: rustup target add --toolchain $tc $t" >&2
            rustup target add --toolchain "$tc" "$t" >/dev/null 2>&1 ||
                echo "setup: cannot add $t to $tc; its cases will be skipped" >&2
        fi
    done
done
