#!/usr/bin/env bash
# Measures the real-world firmware applications (benches/realworld/apps: embassy, RTIC,
# sequential-storage; issue 11) on each toolchain, each way its core can be provided (prebuilt,
# -Zbuild-std from rust-src): sections, task storage, future sizes, panic call sites, and ratios
# between builds of the same core class -> results/realworld/realworld.{json,md}. Logic lives in
# benches/realworld; this only sets up.
#
#   scripts/realworld.sh [--toolchain SPEC]... [--baseline SPEC] [--app NAME]... [--core prebuilt|build-std]...
#   scripts/realworld.sh --build-time [--reps N] [--toolchain SPEC]... [--baseline SPEC] [--app NAME]... [--core ...]
#
# --build-time: instead of measuring the images, time clean release builds of the applications with
# all their dependencies (each in a fresh target directory, sources fetched first, untimed), N times
# per toolchain (default 3), toolchains interleaved -> <out-dir>/build-time.{json,md}: wall time, CPU
# time (user + sys of cargo and everything it ran), max RSS, and ratios of the medians to the
# baseline. Default core class there: prebuilt. The files are rewritten after every build.
#
# Without --toolchain: 1.95.0, 1.99.1, nightly-2026-10-29, async-fork and
# the fork with its layout switches off (realworld::FORK_LAYOUT_OFF), those installed (the others
# are listed as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

# The named rustup toolchains (flags after the name dropped; paths left alone), or the default set.
toolchains=""
prev=""
for a in "$@"; do
    if [ "$prev" = "--toolchain" ] || [ "$prev" = "-t" ]; then
        [[ "$a" != */* ]] && toolchains="$toolchains ${a%% *}"
    fi
    prev="$a"
done
[ -n "$toolchains" ] || toolchains="1.95.0 1.99.1 nightly-2026-10-29 async-fork"
# 1.95.0 is what the fork is built from, the baseline of every ratio: installed with its
# thumbv7em core if missing. setup.sh installs 1.99.1 and nightly-2026-10-29 (with rust-src).
if ! rustup which --toolchain 1.95.0 rustc >/dev/null 2>&1; then
    echo "realworld: rustup toolchain install 1.95.0" >&2
    rustup toolchain install 1.95.0 --profile minimal >/dev/null 2>&1 ||
        echo "realworld: cannot install 1.95.0; it will be listed as unavailable" >&2
fi
SETUP_TOOLCHAINS=1.95.0 ./scripts/setup.sh
# -Zbuild-std needs each toolchain's rust-src (rustup serves it even where it serves no thumbv7em
# rust-std); a toolchain that cannot get it is measured with its prebuilt core only.
# (The fork's stage1 sysroot links its source tree there instead.)
for tc in $toolchains; do
    sysroot=$(rustc +"$tc" --print sysroot 2>/dev/null) || continue
    [ -f "$sysroot/lib/rustlib/src/rust/library/core/Cargo.toml" ] && continue
    echo "realworld: rustup component add --toolchain $tc rust-src" >&2
    rustup component add --toolchain "$tc" rust-src >/dev/null 2>&1 ||
        echo "realworld: cannot add rust-src to $tc; its build-std builds will be skipped" >&2
done

export HARNESS_COMMAND="scripts/realworld.sh${*:+ $*}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
exec nice -n 10 cargo run --quiet --release -p realworld -- "$@"
