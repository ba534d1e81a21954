# `fork.sh link`: make the stage1 compiler a rustup toolchain, usable as `+async-fork`.
# shellcheck shell=bash

step_link() {
    [ -f "$STAGE1/$STAMP_NAME" ] || die "no stage1 build at $STAGE1; run 'scripts/fork.sh build'"
    # stage1 has no cargo; give it stage0's (same release) so `cargo +async-fork` works.
    if [ ! -e "$STAGE1/bin/cargo" ]; then ln -s "$(stage0_bin cargo)" "$STAGE1/bin/cargo"; fi
    rustup toolchain link "$TOOLCHAIN_NAME" "$STAGE1"
    say "link: $(rustc +"$TOOLCHAIN_NAME" -V)"
}
