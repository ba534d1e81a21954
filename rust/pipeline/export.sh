# `fork.sh export`: write the tree's commits since `pristine` back to patches/ (git format-patch).
# The edit loop: prepare, edit and `git commit` in rust/<tree>, export, commit patches/ here.
# shellcheck shell=bash

step_export() {
    [ -z "$(tree_git status --porcelain --untracked-files=no)" ] || die "commit your edits in the tree first"
    local tmp old; tmp=$(mktemp -d)
    tree_git format-patch -q --zero-commit --no-signature --full-index -o "$tmp" pristine..HEAD
    old=$(series_patches)
    for p in $old; do rm -f "$PATCHES/$p"; done
    mkdir -p "$PATCHES"
    {
        echo "# async-fork patch series, applied in order on top of Debian's rustc $DEBIAN_VERSION."
        echo "# Maintained with scripts/fork.sh (prepare applies it, export rewrites it)."
        for f in "$tmp"/*.patch; do [ -e "$f" ] && basename "$f"; done
    } >"$SERIES"
    for f in "$tmp"/*.patch; do [ -e "$f" ] && mv "$f" "$PATCHES/"; done
    rm -rf "$tmp"
    set_tree_state "applied $(series_hash) $(tree_git rev-parse HEAD)"
    say "export: $(series_patches | wc -l) patches in patches/, series $(series_hash)"
}
