# `fork.sh build`: stage1 compiler with std for the host and core/alloc for the Cortex-M targets.
# shellcheck shell=bash

EMBEDDED_TARGETS="thumbv7em-none-eabihf thumbv6m-none-eabi"

# bootstrap reads git-commit-info (Debian's patch); rustc -vV prints it as commit-hash. We put the
# series identity there, so every result that records `rustc -vV` names the series it measured.
# Only rustc_driver_impl reads it, so a new series costs no extra rebuild.
write_commit_info() {
    local hash=$1 date
    date=$(tree_git show pristine:git-commit-info | sed -n 3p)
    printf '%s\n%s\n%s\n' "$hash" "${hash:0:9}" "$date" >"$TREE/git-commit-info.new"
    if cmp -s "$TREE/git-commit-info.new" "$TREE/git-commit-info"; then rm "$TREE/git-commit-info.new"
    else mv "$TREE/git-commit-info.new" "$TREE/git-commit-info"; fi
}

write_stamp() {
    local hash=$1 patches
    patches=$(series_patches | sed 's/.*/"&"/' | paste -sd, -)
    cat >"$STAGE1/$STAMP_NAME" <<JSON
{"fork": "$TOOLCHAIN_NAME", "series_hash": "$hash", "patches": [$patches],
 "tree_commit": "$(tree_git rev-parse HEAD)", "upstream": "$UPSTREAM_VERSION", "debian": "$DEBIAN_VERSION",
 "built_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"}
JSON
}

step_build() {
    case "$(tree_state)" in
    "applied "*) ;;
    *) die "the tree is not prepared with the current series (state: $(tree_state)); run 'scripts/fork.sh prepare'" ;;
    esac
    local hash; hash=$(series_hash)
    [ "$(tree_state | cut -d' ' -f2)" = "$hash" ] || die "patches/ changed since prepare; run 'scripts/fork.sh prepare'"
    render_bootstrap_toml
    write_commit_info "$hash"
    local targets=$HOST t start=$SECONDS
    for t in $EMBEDDED_TARGETS; do targets="$targets,$t"; done
    say "build: ./x.py build --stage 1 library --target $targets (build dir $BUILD_DIR)"
    (cd "$TREE" && ./x.py build --stage 1 library --target "$targets") || die "x.py build failed (see above)"
    write_stamp "$hash"
    local took=$((SECONDS - start))
    printf '%s series=%s seconds=%s\n' "$(date -u +%FT%TZ)" "$hash" "$took" >>"$BUILD_DIR/async-fork-build-times.log"
    say "build: done in ${took}s; stage1 at $STAGE1"
}
