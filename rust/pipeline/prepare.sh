# `fork.sh prepare`: materialise the source tree as a git repository and apply our series.
#
# First time: extract the orig tarball, unpack Debian's packaging into it, apply Debian's patch
# series, do what debian/rules does before a build (Cargo.lock aside, vendor checksums pruned),
# commit that as tag `pristine`. Every time: if the tree does not already carry the current
# series, reset branch `series` to `pristine` and `git am` each patch of patches/series.
# shellcheck shell=bash

extract_pristine() {
    need tar xz patch python3 git
    step_fetch
    local stage=$FORK_CACHE/src/.extract.$$
    rm -rf "$stage"; mkdir -p "$stage"
    say "prepare: extracting $ORIG_TARBALL"
    tar -xJf "$DOWNLOADS/$ORIG_TARBALL" -C "$stage"
    local t=$stage/$TREE_NAME
    tar -xJf "$DOWNLOADS/$DEBIAN_TARBALL" -C "$t"
    say "prepare: applying Debian's patch series ($(grep -cv '^#' "$t/debian/patches/series") patches)"
    local p
    sed -e 's/#.*//' "$t/debian/patches/series" | while read -r p _; do
        [ -n "$p" ] || continue
        patch -d "$t" -p1 -s -N <"$t/debian/patches/$p" || die "Debian patch $p does not apply"
    done
    local ws
    for ws in $LOCKED_WORKSPACES; do
        if [ -f "$t/$ws/Cargo.lock" ]; then mv "$t/$ws/Cargo.lock" "$t/$ws/Cargo.lock.orig"; fi
    done
    say "prepare: pruning vendored crates' checksums (debian/prune-checksums)"
    find "$t/vendor" -name .cargo-checksum.json -print0 | (cd "$t" && xargs -0 python3 debian/prune-checksums)
    say "prepare: committing the pristine tree (git add of ~1 GB takes a few minutes)"
    git -C "$t" init -q -b series
    printf '/bootstrap.toml\n/build/\n*.rej\n*.orig\nCargo.lock\n' >"$t/.git/info/exclude"
    git -C "$t" add -A -f .
    git -C "$t" commit -q -m "pristine: rustc $UPSTREAM_VERSION from Debian $DEBIAN_VERSION with Debian's patches"
    git -C "$t" tag pristine
    # git-commit-info is rewritten by `build` to name the series; keep that out of `git status`.
    git -C "$t" update-index --skip-worktree git-commit-info
    mkdir -p "$(dirname "$TREE")"; rm -rf "$TREE"; mv "$t" "$TREE"; rm -rf "$stage"
    echo pristine >"$TREE/.git/async-fork-state"
}

render_bootstrap_toml() {
    local rustc cargo
    rustc=$(stage0_bin rustc) || die "stage0 toolchain $STAGE0_TOOLCHAIN is not installed (rustup toolchain install $STAGE0_TOOLCHAIN)"
    cargo=$(stage0_bin cargo)
    sed -e "s|@STAGE0_RUSTC@|$rustc|" -e "s|@STAGE0_CARGO@|$cargo|" -e "s|@BUILD_DIR@|$BUILD_DIR|" \
        -e "s|@LLVM_CONFIG@|$LLVM_BIN/llvm-config|" -e "s|@CLANG@|$LLVM_BIN/clang|" -e "s|@LLVM_AR@|$LLVM_BIN/llvm-ar|" \
        "$REPO/rust/bootstrap.toml.in" >"$TREE/bootstrap.toml.new"
    if ! cmp -s "$TREE/bootstrap.toml.new" "$TREE/bootstrap.toml" 2>/dev/null; then
        mv "$TREE/bootstrap.toml.new" "$TREE/bootstrap.toml"; say "prepare: wrote bootstrap.toml"
    else rm "$TREE/bootstrap.toml.new"; fi
}

# Apply patches/series on top of `pristine`. Leaves the tree on branch `series`.
# The state file records the series hash and the commit it produced, so commits made in the tree
# since then (patch work not yet exported) are noticed instead of silently reset away.
apply_series() {
    local want head state; want=$(series_hash); head=$(tree_git rev-parse HEAD); state=$(tree_state)
    if [ "$state" = "applied $want $head" ] && [ -z "$(tree_git status --porcelain --untracked-files=no)" ]; then
        say "prepare: tree already carries series $want ($(series_patches | wc -l) patches)"
        return 0
    fi
    if [ -n "$(tree_git status --porcelain --untracked-files=no)" ] && [ "${FORK_FORCE:-0}" != 1 ]; then
        die "the tree has uncommitted edits; commit them and run 'scripts/fork.sh export', or rerun with FORK_FORCE=1 to discard them"
    fi
    case "$state" in
    pristine | "failed "*) ;;
    "applied "*)
        [ "${state##* }" = "$head" ] || [ "${FORK_FORCE:-0}" = 1 ] ||
            die "the tree has commits not in patches/ (HEAD $head); run 'scripts/fork.sh export' first, or FORK_FORCE=1 to drop them" ;;
    esac
    tree_git am --abort >/dev/null 2>&1 || true
    tree_git checkout -q -f -B series pristine
    local p n=0 mark=$FORK_CACHE/.apply-mark
    while read -r p; do
        n=$((n + 1))
        touch "$mark"
        if ! tree_git am -q --keep-cr "$PATCHES/$p" >/dev/null 2>"$FORK_CACHE/am.log"; then
            tree_git am --abort >/dev/null 2>&1 || true
            # Apply what applies, leave the rest as .rej files beside their targets, and show them.
            (cd "$TREE" && git apply --reject --verbose "$PATCHES/$p" 2>&1 | grep -E '^(error|Rejected|Applied patch .* with conflicts)' >&2 || true)
            find "$TREE" -name '*.rej' -newer "$mark" -not -path '*/vendor/*' 2>/dev/null | while read -r rej; do
                echo "--- rejected hunks, ${rej#"$TREE"/}:" >&2; cat "$rej" >&2
            done
            set_tree_state "failed $p"
            die "patch $n ($p) does not apply; the tree holds the patches before it plus the hunks of $p that applied (rejects: *.rej). 'scripts/fork.sh status' reports this state"
        fi
    done < <(series_patches)
    set_tree_state "applied $want $(tree_git rev-parse HEAD)"
    say "prepare: applied series $want ($n patches)"
}

step_prepare() {
    if [ "$(tree_git rev-parse -q --verify pristine 2>/dev/null)" = "" ]; then extract_pristine; fi
    render_bootstrap_toml
    apply_series
    ln -sfn "$TREE" "$REPO/rust/$TREE_NAME"
    say "prepare: tree at rust/$TREE_NAME -> $TREE"
}
