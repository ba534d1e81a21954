#!/usr/bin/env bash
# Installs what the harness needs on a fresh machine, idempotently: Debian packages and the rustup
# targets. Every entry point calls it; it is quick when everything is there already.
set -euo pipefail

# Debian packages: LLVM 22's FileCheck (rustc 1.95 uses LLVM 22), valgrind for instruction counts,
# QEMU for the Cortex-M firmware, llvm-objdump (llvm-22) for its panic call sites.
APT_PACKAGES="llvm-22-tools llvm-22 valgrind qemu-system-arm"
# The fork pipeline also needs these (scripts/fork.sh build/link); installed only when asked for.
# The release build (rust/README.md, "The release build"): libpolly-22-dev, because Debian's
# static LLVM names Polly; libjemalloc2 and patchelf for its allocator.
FORK_APT_PACKAGES="llvm-22-dev libclang-rt-22-dev clang-22 lld-22 cmake pkgconf ninja-build libssl-dev zlib1g-dev libzstd-dev libpolly-22-dev libjemalloc2 libjemalloc-dev patchelf patchutils"
# Every toolchain we measure by default gets the Cortex-M cores' `core`.
RUST_TARGETS="thumbv7em-none-eabihf thumbv6m-none-eabi"

# `setup.sh --fork`: also what building the fork needs, and its stage0 toolchain.
WANT=$APT_PACKAGES
if [ "${1:-}" = "--fork" ]; then WANT="$APT_PACKAGES $FORK_APT_PACKAGES"; fi

missing=""
for p in $WANT; do
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
# stable always; nightly when it is installed, since the default runs then measure it too.
toolchains="stable ${SETUP_TOOLCHAINS:-}"
if rustup toolchain list 2>/dev/null | grep -q "^nightly-$(rustc -vV | sed -n 's/^host: //p')"; then toolchains="$toolchains nightly"; fi
for tc in $toolchains; do
    have=$(rustup target list --toolchain "$tc" --installed 2>/dev/null || true)
    for t in $RUST_TARGETS; do
        if ! grep -qx "$t" <<<"$have"; then
            echo "setup: rustup target add --toolchain $tc $t" >&2
            rustup target add --toolchain "$tc" "$t" >/dev/null 2>&1 ||
                echo "setup: cannot add $t to $tc; its cases will be skipped" >&2
        fi
    done
done

# cargo-show-asm (`cargo asm`), pinned, for `scripts/codegen.sh show`; keep in step with
# CARGO_SHOW_ASM_VERSION in codegen-tests/runner/src/show.rs. Without it `show` falls back to
# `rustc --emit asm`, so a failed install is reported, not fatal.
CARGO_SHOW_ASM_VERSION=0.2.64
if [ "$(cargo-asm --version 2>/dev/null || "${CARGO_HOME:-$HOME/.cargo}/bin/cargo-asm" --version 2>/dev/null || true)" != "Version: $CARGO_SHOW_ASM_VERSION" ]; then
    echo "setup: cargo install cargo-show-asm --version $CARGO_SHOW_ASM_VERSION --locked" >&2
    nice -n 19 cargo +stable install cargo-show-asm --version "$CARGO_SHOW_ASM_VERSION" --locked --quiet >/dev/null 2>&1 ||
        echo "setup: cannot install cargo-show-asm; codegen.sh show will use rustc --emit asm" >&2
fi

# Optional extras: the current stable release and an upstream nightly that has -Zasync-panic, which
# the fork is compared with. rustup serves no thumbv7em rust-std for them here, only rust-src (for
# -Zbuild-std). Installed once; a machine that cannot get them skips the comparisons that need them.
EXTRA_TOOLCHAINS="1.99.1 nightly-2026-10-29"
for tc in $EXTRA_TOOLCHAINS; do
    rustup which --toolchain "$tc" rustc >/dev/null 2>&1 && continue
    echo "setup: rustup toolchain install $tc (optional; with rust-src)" >&2
    rustup toolchain install "$tc" --profile minimal -c rust-src >/dev/null 2>&1 ||
        echo "setup: cannot install $tc; comparisons with it will be skipped" >&2
done

# Miri of that nightly, for scripts/state-walk.sh; optional: without it the walk reports Miri as
# not run. (`cargo miri setup`, run by the walk, builds Miri's sysroot on first use.)
MIRI_TOOLCHAIN=nightly-2026-10-29
if rustup which --toolchain "$MIRI_TOOLCHAIN" rustc >/dev/null 2>&1 &&
    ! rustup which --toolchain "$MIRI_TOOLCHAIN" miri >/dev/null 2>&1; then
    echo "setup: rustup component add miri --toolchain $MIRI_TOOLCHAIN (optional)" >&2
    rustup component add miri --toolchain "$MIRI_TOOLCHAIN" >/dev/null 2>&1 ||
        echo "setup: cannot add miri to $MIRI_TOOLCHAIN; state-walk will report Miri as not run" >&2
fi

if [ "${1:-}" = "--fork" ]; then
    . "$(dirname "$0")/../rust/pin.env"
    if ! rustup which --toolchain "$STAGE0_TOOLCHAIN" rustc >/dev/null 2>&1; then
        echo "setup: rustup toolchain install $STAGE0_TOOLCHAIN (the fork's stage0)" >&2
        rustup toolchain install "$STAGE0_TOOLCHAIN" --profile minimal >/dev/null
    fi
fi
