#!/usr/bin/env bash
# The fork pipeline: scripts/fork.sh STEP... with STEP in
#   fetch    download Debian's rustc source package into the cache, verified by sha256
#   prepare  tree = orig + Debian's patches (tag pristine) + patches/series (branch series)
#   build    x.py build --stage 1: std for x86_64, core/alloc for thumbv7em and thumbv6m
#            --release: the release build (static LLVM, lld, packed relocations, one codegen
#            unit and LTO, jemalloc linked in, PGO; ASYNC_FORK_RELEASE_KNOBS picks knobs, e.g.
#            llvm-pgo) in its own build directory, for a team to install; the quick build stays
#            for patch work
#   link     rustup toolchain link async-fork <stage1> (--release: async-fork-release)
#   test     rustc's ui/mir-opt/codegen suites for coroutines and async on stage1
#            --full: the whole ui, mir-opt, codegen-llvm, assembly-llvm (debuginfo with gdb) suites,
#            failures compared with the pristine tree's; --full-baseline: run those on the pristine
#            tree (own worktree and build directory) and record its failures once
#   dist     installable tarballs of the build (--release: of the release build) with install.sh,
#            under $ASYNC_FORK_CACHE/dist; dist --check installs them into an empty prefix, links
#            that and runs the codegen suite and the seed claims on it
#   snapshot NAME  a frozen copy of stage1 (--release: of the release build), linked as NAME
#   llvm     the release build's own LLVM (knob llvm-pgo): Debian's LLVM 22 source built here with
#            clang and PGO, X86 and ARM only (rust/pipeline/llvm.sh; `build --release` runs it)
#   llvm-compare DIR  the same opt/llc work by Debian's, rustup's and our LLVM: DIR/llvm-compare.md
#   export   write the tree's commits since pristine back to patches/
#   check    (CI) sources verified and the series applies, without touching the tree
#   status   what is fetched, prepared, built, linked, and whether it is current
# Every step is idempotent. Cache: $ASYNC_FORK_CACHE (default ~/.cache/async-fork).
set -euo pipefail
dir=$(cd "$(dirname "$0")/../rust/pipeline" && pwd)
# shellcheck source=../rust/pipeline/lib.sh
. "$dir/lib.sh"
for f in fetch prepare build link test dist snapshot export check status; do . "$dir/$f.sh"; done
[ $# -gt 0 ] || { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
case " $* " in
*" prepare "* | *" build "* | *" link "* | *" test "* | *" llvm "*) "$REPO/scripts/setup.sh" --fork ;;
esac
full="" kind=quick check=no snapshot_name="" compare_dir=""
prev=""
for s in "$@"; do
    if [ "$prev" = snapshot ]; then snapshot_name=$s; fi
    if [ "$prev" = llvm-compare ]; then compare_dir=$s; fi
    prev=$s
    case "$s" in
    --full | --full-baseline) full=$s ;;
    --release) kind=release ;;
    --check) check=yes ;;
    esac
done
prev=""
for s in "$@"; do
    case "$prev" in snapshot | llvm-compare) prev=$s; continue ;; esac # the step's argument
    prev=$s
    case "$s" in
    --full | --full-baseline | --release | --check) ;;
    snapshot) step_snapshot "$kind" "$snapshot_name" ;;
    llvm) step_llvm ;;
    llvm-compare) step_llvm_compare "$compare_dir" ;;
    dist) if [ "$check" = yes ]; then step_dist_check "$kind"; else step_dist "$kind"; fi ;;
    build | link) "step_$s" "$kind" ;;
    test) case "$full" in
        --full) step_test_full ;;
        --full-baseline) step_test_full_baseline ;;
        *) step_test ;;
        esac ;;
    fetch | prepare | export | check | status) "step_$s" ;;
    *) die "unknown step '$s' (fetch prepare build link test dist snapshot llvm llvm-compare export check status)" ;;
    esac
done
