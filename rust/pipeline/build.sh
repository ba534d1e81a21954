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

# write_stamp HASH STAGE1_DIR KIND: KIND is `quick` or `release`; a release stamp also lists the
# settings it was built with, so every result names which compiler it measured.
write_stamp() {
    local hash=$1 stage1=$2 kind=$3 patches settings=""
    patches=$(series_patches | sed 's/.*/"&"/' | paste -sd, -)
    if [ "$kind" = release ]; then
        settings=", \"settings\": [$(release_settings | sed 's/.*/"&"/' | paste -sd, -)]"
    fi
    cat >"$stage1/$STAMP_NAME" <<JSON
{"fork": "$TOOLCHAIN_NAME", "series_hash": "$hash", "patches": [$patches],
 "tree_commit": "$(tree_git rev-parse HEAD)", "upstream": "$UPSTREAM_VERSION", "debian": "$DEBIAN_VERSION",
 "built_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "build": "$kind"$settings}
JSON
}

# The release build (issue 17, `fork.sh build --release`): the same tree and bootstrap.toml, in
# its own build directory (so the quick build that patch work rebuilds incrementally is never
# touched), with the settings below on x.py's command line. Linked as `async-fork-release`.
# Each setting and what it measured: rust/README.md, "The release build".
RELEASE_BUILD_DIR=${ASYNC_FORK_RELEASE_BUILD_DIR:-$FORK_CACHE/build-release}
RELEASE_STAGE1=$RELEASE_BUILD_DIR/$HOST/stage1
RELEASE_TOOLCHAIN=$TOOLCHAIN_NAME-release
# Where each kind of build lives, what rustup calls it, and the command that makes it.
stage1_of() { if [ "$1" = release ]; then echo "$RELEASE_STAGE1"; else echo "$STAGE1"; fi; }
toolchain_of() { if [ "$1" = release ]; then echo "$RELEASE_TOOLCHAIN"; else echo "$TOOLCHAIN_NAME"; fi; }
build_command_of() { if [ "$1" = release ]; then echo "scripts/fork.sh build --release"; else echo "scripts/fork.sh build"; fi; }

release_settings() {
    # Debian's LLVM archives linked into librustc_driver: no libLLVM.so to bind at every start.
    echo "llvm.link-shared=false"
    echo "target.$HOST.llvm-config=$REPO/rust/pipeline/llvm-config-static"
    # Link the compiler with lld (Debian's, found as `lld` on PATH, see step_build): with lld,
    # bootstrap builds the compiler crates with -Zdefault-visibility=protected, so librustc_driver
    # binds its own exported symbols at link time instead of looking each up at every start.
    echo "rust.bootstrap-override-lld=external"
    # One codegen unit per compiler crate, and LTO across librustc_driver's crates.
    echo "rust.codegen-units=1"
    echo "rust.lto=thin"
}

step_build() {
    local kind=${1:-quick} build=$BUILD_DIR stage1 args=() path=$PATH
    stage1=$(stage1_of "$kind")
    if [ "$kind" = release ]; then
        build=$RELEASE_BUILD_DIR
        args=(--build-dir "$build")
        while read -r s; do args+=(--set "$s"); done < <(release_settings)
        # bootstrap-override-lld=external runs `lld` from PATH, and cc's -fuse-ld=lld `ld.lld`:
        # both Debian's lld 22, and nothing else of LLVM's bin directory in front of the system's.
        [ -x "$LLVM_BIN/lld" ] || die "build --release: no $LLVM_BIN/lld (apt-get install lld-22)"
        mkdir -p "$FORK_CACHE/release-path"
        ln -sfn "$LLVM_BIN/lld" "$FORK_CACHE/release-path/lld"
        ln -sfn "$LLVM_BIN/lld" "$FORK_CACHE/release-path/ld.lld"
        path=$FORK_CACHE/release-path:$PATH
    fi
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
    say "build ($kind): ./x.py build ${args[*]} --stage 1 library --target $targets (build dir $build)"
    (cd "$TREE" && PATH=$path ./x.py build "${args[@]}" --stage 1 library --target "$targets") || die "x.py build failed (see above)"
    write_stamp "$hash" "$stage1" "$kind"
    local took=$((SECONDS - start))
    printf '%s series=%s seconds=%s\n' "$(date -u +%FT%TZ)" "$hash" "$took" >>"$build/async-fork-build-times.log"
    say "build ($kind): done in ${took}s; stage1 at $stage1"
}
