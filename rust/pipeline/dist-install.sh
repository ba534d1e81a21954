#!/bin/sh
# Installs the async-fork tarballs beside this script into an empty directory.
#
#   ./install.sh --prefix DIR [--link NAME] [--component C]...
#
# Every tarball's sha256 is checked against SHA256SUMS before anything is unpacked; DIR must not
# exist or be empty (nothing outside it is written). --component installs only the named ones
# (rustc, cargo, rust-std-<target>); the default is all. --link NAME makes DIR the rustup toolchain
# NAME, so `cargo +NAME build` uses it. Requires: tar, gzip, sha256sum; at run time Debian's
# libllvm22 (quick builds only) and lld-22 (Cortex-M links; host links of a host-lld build).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix="" link="" only=""
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --link) link=${2:?--link needs a toolchain name}; shift 2 ;;
    --component) only="$only ${2:?--component needs a name}"; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ -n "$prefix" ] || { echo "install.sh: --prefix DIR is required" >&2; exit 2; }
if [ -e "$prefix" ] && [ -n "$(ls -A "$prefix")" ]; then
    echo "install.sh: $prefix is not empty; install into a new directory" >&2; exit 1
fi
(cd "$here" && sha256sum --quiet -c SHA256SUMS) || { echo "install.sh: checksum mismatch, nothing installed" >&2; exit 1; }
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
n=0
for t in "$here"/*.tar.gz; do
    c=${t##*/}; c=${c%.tar.gz}
    if [ -n "$only" ]; then
        want=no
        for o in $only; do case "$c" in *-"$o") want=yes ;; esac; done
        [ "$want" = yes ] || continue
    fi
    gzip -dc "$t" | tar -C "$prefix" -xf -
    n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "install.sh: no tarball matched${only:+:$only}" >&2; exit 1; }
# Bare-metal targets link with rust-lld: Debian's lld 22 is the linker of the LLVM the fork uses.
# A release build with `host-lld` links host programs through cc with -fuse-ld=lld and looks for
# `ld.lld` in gcc-ld/: the same lld under that name.
if [ -x /usr/lib/llvm-22/bin/lld ] && [ -d "$prefix/lib/rustlib" ]; then
    mkdir -p "$prefix/lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld"
    ln -sf /usr/lib/llvm-22/bin/lld "$prefix/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
    ln -sf /usr/lib/llvm-22/bin/lld "$prefix/lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld/ld.lld"
elif [ -d "$prefix/lib/rustlib" ]; then
    echo "install.sh: warning: no /usr/lib/llvm-22/bin/lld (Debian's lld-22): Cortex-M programs will not" >&2
    echo "install.sh: link, nor will host programs of a host-lld build unless built with" >&2
    echo "install.sh: -Clinker-features=-lld; install lld-22 and run this again into a new prefix" >&2
fi
echo "install.sh: $n components in $prefix"
if [ -n "$link" ]; then
    rustup toolchain link "$link" "$prefix"
    echo "install.sh: linked as rustup toolchain '$link': $(rustc +"$link" -V)"
fi
