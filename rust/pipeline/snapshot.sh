# `fork.sh snapshot NAME [--release]`: a frozen copy of a built stage1, linked as the rustup
# toolchain NAME.
# shellcheck shell=bash
#
# What the release build's knob table measures side by side (rust/README.md, "The release build"):
# one build directory is rebuilt with each set of knobs in turn, and each result is kept as a
# snapshot, so a measurement of several of them runs in one interleaved session. A snapshot is
# also what a long measurement uses while x.py may rebuild the stage1 it came from (crater, the
# firmware runs). Snapshots live in $FORK_CACHE/snapshots/NAME and carry the build's stamp.

SNAPSHOTS=$FORK_CACHE/snapshots

step_snapshot() {
    local kind=$1 name=$2 stage1 dir
    stage1=$(stage1_of "$kind")
    [ -n "$name" ] || die "snapshot: a toolchain name is needed (scripts/fork.sh snapshot NAME [--release])"
    case "$name" in
    async-fork | "$RELEASE_TOOLCHAIN") die "snapshot: '$name' is the name of a live build; choose another" ;;
    -*) die "snapshot: the toolchain name comes right after 'snapshot' (got '$name')" ;;
    */* | .* | *" "*) die "snapshot: '$name' is not a usable toolchain name" ;;
    esac
    [ -f "$stage1/$STAMP_NAME" ] || die "snapshot: no stage1 build at $stage1; run '$(build_command_of "$kind")'"
    dir=$SNAPSHOTS/$name
    mkdir -p "$SNAPSHOTS"
    rm -rf "$dir.tmp"
    cp -a "$stage1" "$dir.tmp"
    # The link step gave stage1 a cargo; a snapshot of a stage1 that was never linked gets one too.
    if [ ! -e "$dir.tmp/bin/cargo" ]; then ln -s "$(stage0_bin cargo)" "$dir.tmp/bin/cargo"; fi
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    rustup toolchain link "$name" "$dir"
    say "snapshot: $name = $dir ($(du -sh "$dir" | cut -f1)); $(rustc +"$name" -V)"
}
