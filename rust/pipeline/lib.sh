# Shared state of the fork pipeline: where things live and how the patch series is identified.
#
# Layout (all outside the work tree except the `rust/<tree>` link, so a fresh clone reuses a warm
# cache and rebuilds incrementally):
#   $FORK_CACHE/downloads/          verified tarballs
#   $FORK_CACHE/src/$TREE_NAME/     the source tree, a git repository:
#                                   tag `pristine` = upstream + Debian's series, branch `series` = + ours
#   $FORK_CACHE/build/              x.py's build directory
#   $REPO/rust/$TREE_NAME           symlink to the tree, so `cd rust/<tree> && ./x.py ...` works
# shellcheck shell=bash

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../pin.env
. "$REPO/rust/pin.env"

FORK_CACHE=${ASYNC_FORK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/async-fork}
DOWNLOADS=$FORK_CACHE/downloads
TREE=$FORK_CACHE/src/$TREE_NAME
BUILD_DIR=${ASYNC_FORK_BUILD_DIR:-$FORK_CACHE/build}
HOST=x86_64-unknown-linux-gnu
STAGE1=$BUILD_DIR/$HOST/stage1
PATCHES=$REPO/patches
SERIES=$PATCHES/series
LLVM_BIN=/usr/lib/llvm-22/bin
# Written into the stage1 sysroot by `build`; read by `status` and by the harness.
STAMP_NAME=lib/rustlib/async-fork.json

say() { printf '[fork] %s\n' "$*" >&2; }
die() { printf '[fork] error: %s\n' "$*" >&2; exit 1; }

# Patch file names listed in patches/series, in order (comments and blank lines skipped).
series_patches() {
    [ -f "$SERIES" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$SERIES" | grep -v '^$' || true
}

# Identity of the series: sha256 over the series file and every patch it lists, in order.
# An empty series has an identity too, so the pristine build is named like any other.
series_hash() {
    {
        printf 'pin %s\n' "$DEBIAN_VERSION"
        series_patches | while read -r p; do
            [ -f "$PATCHES/$p" ] || die "patches/series lists $p, which does not exist"
            printf 'patch %s\n' "$p"
            cat "$PATCHES/$p"
        done
    } | sha256sum | cut -c1-40
}

tree_git() { git -C "$TREE" "$@"; }

# What the tree says about itself: "pristine", "applied <hash>" or "failed <patch>".
tree_state() {
    if [ -f "$TREE/.git/async-fork-state" ]; then cat "$TREE/.git/async-fork-state"; else echo none; fi
}
set_tree_state() { printf '%s\n' "$*" >"$TREE/.git/async-fork-state"; }

# Commits made by the pipeline are deterministic: same inputs, same commit ids.
export GIT_AUTHOR_NAME=async-fork GIT_AUTHOR_EMAIL=async-fork@localhost
export GIT_COMMITTER_NAME=async-fork GIT_COMMITTER_EMAIL=async-fork@localhost
export GIT_AUTHOR_DATE="2026-04-14T00:00:00Z" GIT_COMMITTER_DATE="2026-04-14T00:00:00Z"

need() {
    for c in "$@"; do command -v "$c" >/dev/null 2>&1 || die "'$c' is required (run scripts/setup.sh)"; done
}

stage0_bin() { rustup which --toolchain "$STAGE0_TOOLCHAIN" "$1" 2>/dev/null; }
