# `fork.sh link`: make the stage1 compiler a rustup toolchain, usable as `+async-fork`
# (`link --release`: the release build as `+async-fork-release`).
# shellcheck shell=bash

step_link() {
    local kind=${1:-quick} stage1 name
    stage1=$(stage1_of "$kind") name=$(toolchain_of "$kind")
    [ -f "$stage1/$STAMP_NAME" ] || die "no stage1 build at $stage1; run '$(build_command_of "$kind")'"
    # stage1 has no cargo; give it stage0's (same release) so `cargo +async-fork` works.
    if [ ! -e "$stage1/bin/cargo" ]; then ln -s "$(stage0_bin cargo)" "$stage1/bin/cargo"; fi
    # Bare-metal targets link with rust-lld, which bootstrap only builds from LLVM's own sources;
    # Debian's lld 22 (the LLVM the fork links to) is the same linker.
    local lld_dir=$stage1/lib/rustlib/$HOST/bin
    if [ ! -e "$lld_dir/rust-lld" ]; then
        if [ -x "$LLVM_BIN/lld" ]; then
            mkdir -p "$lld_dir" && ln -s "$LLVM_BIN/lld" "$lld_dir/rust-lld"
        else
            say "link: no $LLVM_BIN/lld (apt-get install lld-22): Cortex-M binaries will not link with $name"
        fi
    fi
    rustup toolchain link "$name" "$stage1"
    say "link: $(rustc +"$name" -V)"
}
