# `fork.sh link`: make the stage1 compiler a rustup toolchain, usable as `+async-fork`.
# shellcheck shell=bash

step_link() {
    [ -f "$STAGE1/$STAMP_NAME" ] || die "no stage1 build at $STAGE1; run 'scripts/fork.sh build'"
    # stage1 has no cargo; give it stage0's (same release) so `cargo +async-fork` works.
    if [ ! -e "$STAGE1/bin/cargo" ]; then ln -s "$(stage0_bin cargo)" "$STAGE1/bin/cargo"; fi
    # Bare-metal targets link with rust-lld, which bootstrap only builds from LLVM's own sources;
    # Debian's lld 22 (the LLVM the fork links to) is the same linker.
    local lld_dir=$STAGE1/lib/rustlib/$HOST/bin
    if [ ! -e "$lld_dir/rust-lld" ]; then
        if [ -x "$LLVM_BIN/lld" ]; then
            mkdir -p "$lld_dir" && ln -s "$LLVM_BIN/lld" "$lld_dir/rust-lld"
        else
            say "link: no $LLVM_BIN/lld (apt-get install lld-22): Cortex-M binaries will not link with $TOOLCHAIN_NAME"
        fi
    fi
    rustup toolchain link "$TOOLCHAIN_NAME" "$STAGE1"
    say "link: $(rustc +"$TOOLCHAIN_NAME" -V)"
}
