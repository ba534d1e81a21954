# `fork.sh dist [--release]`: installable tarballs of a built fork (issue 17), and
# `fork.sh dist --check [--release]`: install them into an empty prefix, link that as a second
# rustup toolchain and check it against the build it came from.
#
# Written to $FORK_CACHE/dist/<name>/, <name> = async-fork-<debian version>-<series:8>-<build>:
#   <name>-rustc.tar.gz                       bin/rustc, lib/librustc_driver-*.so (and libjemalloc.so.2
#                                             of a release build), the stamp
#   <name>-rust-std-x86_64-unknown-linux-gnu.tar.gz
#   <name>-rust-std-thumbv7em-none-eabihf.tar.gz, <name>-rust-std-thumbv6m-none-eabi.tar.gz
#   <name>-cargo.tar.gz                       stage0's cargo (the same release, 1.95.0)
#   install.sh, SHA256SUMS, async-fork.json   (the stamp, to read without unpacking)
# Each tarball unpacks into the prefix itself (bin/, lib/), as a rustup toolchain directory is
# laid out. The quick build links Debian's libLLVM.so.22.1 (package libllvm22) at run time; the
# release build carries LLVM inside librustc_driver. Cortex-M links need Debian's lld-22 either way.
# shellcheck shell=bash

DIST_COMPONENTS="rustc rust-std-$HOST rust-std-thumbv7em-none-eabihf rust-std-thumbv6m-none-eabi cargo"

# dist_name STAGE1 KIND: the directory and file-name prefix, from the stamp of what was built
# (not from patches/, which may have moved on since).
dist_name() {
    local series; series=$(jq -r .series_hash "$1/$STAMP_NAME") || die "unreadable stamp $1/$STAMP_NAME"
    printf 'async-fork-%s-%s-%s\n' "$DEBIAN_VERSION" "${series:0:8}" "$2"
}

# stage_component STAGE1 COMPONENT DIR: copy what COMPONENT holds into DIR, laid out as in the prefix.
stage_component() {
    local s=$1 c=$2 d=$3
    mkdir -p "$d/bin" "$d/lib/rustlib"
    case "$c" in
    rustc)
        cp "$s/bin/rustc" "$d/bin/"
        cp "$s"/lib/librustc_driver-*.so "$d/lib/"
        # The release build's jemalloc (knob `jemalloc`, pipeline/build.sh), when it has it.
        if [ -f "$s/lib/libjemalloc.so.2" ]; then cp "$s/lib/libjemalloc.so.2" "$d/lib/"; fi
        cp "$s/$STAMP_NAME" "$d/$STAMP_NAME" ;;
    rust-std-*)
        local t=${c#rust-std-}
        [ -d "$s/lib/rustlib/$t/lib" ] || die "dist: $s has no std/core for $t"
        mkdir -p "$d/lib/rustlib/$t"
        cp -r "$s/lib/rustlib/$t/lib" "$d/lib/rustlib/$t/" ;;
    cargo)
        # A real binary, not the link into rustup's 1.95.0 that `link` makes.
        cp -L "$(stage0_bin cargo)" "$d/bin/cargo" ;;
    *) die "dist: unknown component $c" ;;
    esac
}

step_dist() {
    local kind=${1:-quick} stage1
    stage1=$(stage1_of "$kind")
    [ -f "$stage1/$STAMP_NAME" ] || die "dist: no $kind build at $stage1; run '$(build_command_of "$kind")'"
    need jq tar gzip sha256sum
    local name out tmp start=$SECONDS
    name=$(dist_name "$stage1" "$kind")
    out=$FORK_CACHE/dist/$name
    tmp=$(mktemp -d "$FORK_CACHE/dist-staging.XXXXXX")
    # shellcheck disable=SC2064 # expand now: the path is fixed; EXIT, so a failed step cleans up too
    trap "rm -rf '$tmp'" EXIT
    mkdir -p "$out"
    local c
    for c in $DIST_COMPONENTS; do
        say "dist: $name-$c.tar.gz"
        stage_component "$stage1" "$c" "$tmp/$c"
        tar -C "$tmp/$c" --owner=0 --group=0 --numeric-owner -cf - . | gzip -6 >"$out/$name-$c.tar.gz.part"
        mv "$out/$name-$c.tar.gz.part" "$out/$name-$c.tar.gz"
    done
    cp "$REPO/rust/pipeline/dist-install.sh" "$out/install.sh"
    cp "$stage1/$STAMP_NAME" "$out/async-fork.json"
    (cd "$out" && sha256sum ./*.tar.gz >SHA256SUMS)
    say "dist: $out ($(du -sh "$out" | cut -f1), $((SECONDS - start))s)"
}

# The install test: an empty prefix, install.sh, `rustup toolchain link`; then a host program must
# link and run, the codegen suite (x86_64, thumbv7em, thumbv6m FileCheck) must pass on it, and the
# seed claims measured on it and on the build it was made from must be the same. The prefix and
# the link are removed afterwards.
step_dist_check() {
    local kind=${1:-quick} stage1 built name
    stage1=$(stage1_of "$kind") built=$(toolchain_of "$kind")
    name=$(dist_name "$stage1" "$kind")
    local dir=$FORK_CACHE/dist/$name
    [ -f "$dir/SHA256SUMS" ] || die "dist --check: no tarballs at $dir; run '$(build_command_of "$kind" | sed 's/ build/ dist/')'"
    local prefix link=async-fork-dist-check work
    prefix=$(mktemp -d /tmp/async-fork-dist-check.XXXXXX)
    work=$(mktemp -d /tmp/async-fork-dist-work.XXXXXX)
    # The prefix and the link go in any case; the work folder stays when a check fails.
    # shellcheck disable=SC2064 # expand now
    trap "rm -rf '$prefix'; rm -f '$HOME/.rustup/toolchains/$link'" EXIT
    rmdir "$prefix"
    local start=$SECONDS
    "$dir/install.sh" --prefix "$prefix" --link "$link" || die "dist --check: install.sh failed"
    local took=$((SECONDS - start))
    say "dist --check: installed $name in ${took}s: $(rustc +"$link" -V)"
    [ "$took" -lt 60 ] || die "dist --check: installing took ${took}s, more than a minute"
    # A host program, linked as the installed toolchain links build scripts and proc macros (with
    # `host-lld`, through gcc-ld/ld.lld from install.sh), and run.
    printf 'fn main() { println!("linked and ran"); }\n' >"$work/host.rs"
    rustc +"$link" --edition 2021 "$work/host.rs" -o "$work/host" && [ "$("$work/host")" = "linked and ran" ] ||
        die "dist --check: the installed toolchain cannot link or run a host program"
    (cd "$REPO" && cargo run --release -q -p codegen-runner --bin codegen -- run --toolchain "$link" \
        --out-dir "$work/codegen") || die "dist --check: the codegen suite failed on the installed toolchain"
    (cd "$REPO" && cargo run --release -q -p codegen-runner --bin codegen -- seed-claims \
        --toolchain "$built" --toolchain "$link" --out "$work/seed-claims") >/dev/null ||
        die "dist --check: seed claims could not be measured"
    local a b
    a=$(jq -c '.claims[0] | del(.toolchain, .version_line)' "$work/seed-claims.json")
    b=$(jq -c '.claims[1] | del(.toolchain, .version_line)' "$work/seed-claims.json")
    [ -n "$a" ] && [ "$a" != null ] || die "dist --check: no seed claims for $built"
    [ "$a" = "$b" ] || die "dist --check: the installed toolchain's seed claims differ from $built's (see $work/seed-claims.md)"
    rm -rf "$work"
    say "dist --check: passed (install ${took}s; codegen suite; seed claims equal to $built's)"
}
