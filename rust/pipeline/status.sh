# `fork.sh status`: what is fetched, prepared, built and linked, and whether each is current.
# shellcheck shell=bash

step_status() {
    local want; want=$(series_hash)
    echo "series:   $want ($(series_patches | wc -l) patches)"
    series_patches | sed 's/^/            /'
    if verified "$ORIG_TARBALL" "$ORIG_SHA256" && verified "$DEBIAN_TARBALL" "$DEBIAN_SHA256"; then
        echo "fetched:  yes ($DOWNLOADS)"
    else echo "fetched:  no"; fi
    local state head=""; state=$(tree_state)
    if [ ! -d "$TREE/.git" ]; then echo "prepared: no"
    else
        head=$(tree_git rev-parse HEAD)
        case "$state" in
        "applied $want $head") echo "prepared: yes, carries the current series ($TREE)" ;;
        "applied $want "*) echo "prepared: tree has commits not exported to patches/ (run 'scripts/fork.sh export')" ;;
        "applied "*) echo "prepared: STALE, tree carries series $(cut -d' ' -f2 <<<"$state"), patches/ is $want (run 'scripts/fork.sh prepare')" ;;
        "failed "*) echo "prepared: FAILED, ${state#failed } did not apply (see *.rej in the tree)" ;;
        *) echo "prepared: pristine only, series not applied" ;;
        esac
        [ -z "$(tree_git status --porcelain --untracked-files=no)" ] || echo "          the tree has uncommitted edits"
    fi
    local stamp=$STAGE1/$STAMP_NAME
    if [ ! -f "$stamp" ] && [ -x "$STAGE1/bin/rustc" ]; then
        echo "built:    by x.py outside the pipeline, series unknown (run 'scripts/fork.sh build')"
    elif [ ! -f "$stamp" ]; then echo "built:    no"
    else
        local built commit
        built=$(sed -n 's/.*"series_hash": "\([0-9a-f]*\)".*/\1/p' "$stamp")
        commit=$(sed -n 's/.*"tree_commit": "\([0-9a-f]*\)".*/\1/p' "$stamp")
        if [ "$built" != "$want" ]; then echo "built:    STALE, built from series $built, patches/ is $want (run 'scripts/fork.sh prepare build')"
        elif [ -n "$head" ] && [ "$commit" != "$head" ]; then echo "built:    STALE against the tree (built $commit, HEAD $head)"
        else echo "built:    yes, current ($STAGE1)"; fi
    fi
    local linked; linked=$(rustup toolchain list -v 2>/dev/null | awk -v n="$TOOLCHAIN_NAME" '$1 == n {print $NF}')
    if [ -z "$linked" ]; then echo "linked:   no"
    elif [ "$(readlink -f "$linked")" = "$(readlink -f "$STAGE1")" ]; then
        echo "linked:   yes, $(rustc +"$TOOLCHAIN_NAME" -V 2>&1)"
    else echo "linked:   $TOOLCHAIN_NAME points to $linked, not to $STAGE1"; fi
}
