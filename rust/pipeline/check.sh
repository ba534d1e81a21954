# `fork.sh check`: what CI can afford without building: the pinned sources are there and verified,
# and every patch of the series applies, in order, to the pristine tree. Leaves the tree as it is
# (applies into a temporary index), so a developer's work in progress is untouched.
# shellcheck shell=bash

step_check() {
    step_fetch
    if [ -z "$(tree_git rev-parse -q --verify pristine 2>/dev/null)" ]; then extract_pristine; fi
    local idx; idx=$(mktemp)
    trap 'rm -f "$idx"' RETURN
    GIT_INDEX_FILE=$idx tree_git read-tree pristine
    local p n=0
    while read -r p; do
        n=$((n + 1))
        if ! GIT_INDEX_FILE=$idx tree_git apply --cached "$PATCHES/$p" 2>"$idx.err"; then
            cat "$idx.err" >&2; rm -f "$idx.err"
            die "patch $n ($p) does not apply to pristine + the patches before it"
        fi
    done < <(series_patches)
    rm -f "$idx.err"
    say "check: sources verified, $n patches apply cleanly (series $(series_hash))"
}
