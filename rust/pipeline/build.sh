# `fork.sh build`: stage1 compiler with std for the host and core/alloc for the Cortex-M targets.
# shellcheck shell=bash

EMBEDDED_TARGETS="thumbv7em-none-eabihf thumbv6m-none-eabi"

# shellcheck source=pgo.sh
. "$REPO/rust/pipeline/pgo.sh"
# shellcheck source=llvm.sh
. "$REPO/rust/pipeline/llvm.sh"

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
        # shellcheck disable=SC2086 # the knobs are a word list
        settings=", \"knobs\": [$(printf '"%s"\n' $RELEASE_KNOBS | paste -sd, -)]"
        settings="$settings, \"settings\": [$({
            release_settings
            release_rustflags | sed -n 's/^./compiler-rustflags=&/p'
            release_main_rustflags | sed -n 's/^./rustc-main-rustflags=&/p'
            if release_has jemalloc; then echo "jemalloc=$JEMALLOC_SO"; fi
            if release_has host-lld; then echo "compiler-build-env=$HOST_LLD_ENV=1"; fi
        } | sed 's/.*/"&"/' | paste -sd, -)]"
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

# The release build's knobs, each a group of settings below, in the order rust/README.md's table
# measures them. ASYNC_FORK_RELEASE_KNOBS picks a subset (to measure one knob against the others);
# the stamp lists the knobs and settings a build actually had.
RELEASE_KNOBS_ALL="static-llvm lld relr cgu1-lto jemalloc jemalloc-static pgo llvm-pgo host-lld"
# The default leaves out `jemalloc` (jemalloc-static is the same allocator without its cost at
# start). With `llvm-pgo`, `static-llvm` links our own LLVM instead of Debian's; that took the 29
# default cases from 1.212x to 1.091x (geometric mean; rust/README.md, "The release build").
# `host-lld` is what a real firmware build with proc macros and build scripts needs (see
# release_host_lld).
RELEASE_KNOBS_DEFAULT="static-llvm lld relr cgu1-lto jemalloc-static pgo llvm-pgo host-lld"
RELEASE_KNOBS=${ASYNC_FORK_RELEASE_KNOBS:-$RELEASE_KNOBS_DEFAULT}
release_has() { case " $RELEASE_KNOBS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

release_settings() {
    local k
    for k in $RELEASE_KNOBS; do
        case " $RELEASE_KNOBS_ALL " in *" $k "*) ;; *) die "ASYNC_FORK_RELEASE_KNOBS: unknown knob '$k' (known: $RELEASE_KNOBS_ALL)" ;; esac
    done
    if release_has jemalloc && release_has jemalloc-static; then
        die "ASYNC_FORK_RELEASE_KNOBS: jemalloc and jemalloc-static are two ways to the same allocator; pick one"
    fi
    if release_has jemalloc-static && [ ! -f "$JEMALLOC_STATIC_A" ]; then
        die "build --release: no $JEMALLOC_STATIC_A (apt-get install libjemalloc-dev, or scripts/setup.sh --fork)"
    fi
    if release_has llvm-pgo; then
        # Our own LLVM (pipeline/llvm.sh), linked statically like static-llvm links Debian's.
        echo "llvm.link-shared=false"
        echo "target.$HOST.llvm-config=$LLVM_OWN_CONFIG"
        # Its install has no test tools; bootstrap's sanity check wants a FileCheck beside
        # llvm-config unless told: Debian's of the same LLVM 22 (llvm-22-tools).
        echo "target.$HOST.llvm-filecheck=$LLVM_BIN/FileCheck"
    elif release_has static-llvm; then
        # Debian's LLVM archives linked into librustc_driver: no libLLVM.so to bind at every start.
        echo "llvm.link-shared=false"
        echo "target.$HOST.llvm-config=$REPO/rust/pipeline/llvm-config-static"
    fi
    if release_has lld; then
        # Link the compiler with lld (Debian's, found as `lld` on PATH, see step_build): with lld,
        # bootstrap builds the compiler crates with -Zdefault-visibility=protected, so
        # librustc_driver binds its own exported symbols at link time instead of looking each up
        # at every start.
        echo "rust.bootstrap-override-lld=external"
    fi
    if release_has cgu1-lto; then
        # One codegen unit per compiler crate, and LTO across librustc_driver's crates.
        echo "rust.codegen-units=1"
        echo "rust.lto=thin"
    fi
    # jemalloc: no x.py setting; see release_jemalloc, a step after x.py.
    # pgo: no x.py setting; see rust/pipeline/pgo.sh (RUSTFLAGS_BOOTSTRAP) and release_rustflags.
}

# release_allocator STAGE1: the knob `jemalloc`, applied or taken back. Rustup's compiler links
# jemalloc statically (tikv-jemalloc-sys, overriding malloc for rustc and LLVM alike); Debian's
# tree has that crate pruned and no way to get it without editing the tree. With the knob, Debian's
# libjemalloc.so.2 (the same jemalloc 5.3.0) is copied into the sysroot's lib/ (so dist tarballs
# carry it) and made the first DT_NEEDED of bin/rustc, where the loader finds it through rustc's
# RUNPATH ($ORIGIN/../lib) before libc: every malloc of rustc, librustc_driver and LLVM binds to
# it. Without the knob (the default: it saves instructions but costs wall time, see
# rust/README.md), a rustc that has it loses it. x.py does not always put a fresh bin/rustc in
# place, so this runs after every release build either way.
JEMALLOC_SO=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
release_allocator() {
    local stage1=$1 rustc=$1/bin/rustc
    if release_has jemalloc; then
        [ -f "$JEMALLOC_SO" ] || die "build --release: no $JEMALLOC_SO (apt-get install libjemalloc2)"
        need patchelf
        install -m 0644 "$JEMALLOC_SO" "$stage1/lib/libjemalloc.so.2"
        if ! patchelf --print-needed "$rustc" | grep -qx libjemalloc.so.2; then
            patchelf --add-needed libjemalloc.so.2 "$rustc"
        fi
        [ "$(patchelf --print-needed "$rustc" | head -1)" = libjemalloc.so.2 ] ||
            die "build --release: libjemalloc.so.2 is not rustc's first DT_NEEDED"
    else
        if [ -f "$stage1/lib/libjemalloc.so.2" ] || readelf -d "$rustc" | grep -q 'libjemalloc'; then
            need patchelf
            if patchelf --print-needed "$rustc" | grep -qx libjemalloc.so.2; then
                patchelf --remove-needed libjemalloc.so.2 "$rustc"
            fi
            rm -f "$stage1/lib/libjemalloc.so.2"
        fi
    fi
    "$rustc" -V >/dev/null || die "build --release: $rustc does not start"
}

# jemalloc-static: Debian's libjemalloc_pic.a (libjemalloc-dev, the same jemalloc 5.3.0) linked
# whole into the `rustc` executable, as rustup links tikv-jemalloc-sys. The executable then defines
# malloc, free, operator new and the rest; the linker exports them because librustc_driver (and
# through it LLVM and libstdc++) refers to them, and the loader binds every such reference to the
# executable's definitions. Unlike the knob `jemalloc`, no further library is loaded at start.
JEMALLOC_STATIC_A=/usr/lib/x86_64-linux-gnu/libjemalloc_pic.a
release_main_rustflags() {
    if release_has jemalloc-static; then
        echo "-Clink-arg=-Wl,--whole-archive -Clink-arg=$JEMALLOC_STATIC_A -Clink-arg=-Wl,--no-whole-archive -Clink-arg=-lstdc++"
    fi
}

# host-lld: the fork links what it builds for x86_64 Linux (build scripts, proc macros, programs)
# with lld, as rustup's compiler does since 1.90, instead of the system's default linker (GNU ld
# through cc). rustc_target reads HOST_LLD_ENV when it is compiled (upstream's bootstrap sets it
# only when it builds lld itself, rust.lld, which needs LLVM's sources; Debian's tree has none)
# and then defaults to cc with -fuse-ld=lld, finding `ld.lld` in the sysroot's
# lib/rustlib/<host>/bin/gcc-ld: here Debian's lld 22 under that name. Cargo sees the variable in
# rustc_target's dependency info, so switching the knob rebuilds the compiler from there.
HOST_LLD_ENV=CFG_DEFAULT_LINKER_SELF_CONTAINED_LLD_CC
release_host_lld() {
    local gcc_ld=$1/lib/rustlib/$HOST/bin/gcc-ld
    if release_has host-lld; then
        [ -x "$LLVM_BIN/lld" ] || die "build --release: no $LLVM_BIN/lld (apt-get install lld-22)"
        mkdir -p "$gcc_ld"
        ln -sfn "$LLVM_BIN/lld" "$gcc_ld/ld.lld"
    else
        rm -rf "$gcc_ld"
    fi
}

# The compiler crates' extra flags in a release build, given to stage0's compilations of them by
# pipeline/rustc-wrapper (x.py has no setting for either; see there):
# - relr: librustc_driver and rustc linked with packed relative relocations (DT_RELR, glibc >= 2.36,
#   which Debian 12 has). The static build has ~280,000 R_X86_64_RELATIVE relocations, which the
#   loader applies one Rela entry at a time at every start; as a DT_RELR bitmap they cost a
#   fraction of that.
# - pgo: -Cprofile-use of the series' profile (pipeline/pgo.sh).
release_rustflags() {
    local f=()
    if release_has relr; then f+=("-Clink-arg=-Wl,-z,pack-relative-relocs"); fi
    if release_has pgo; then f+=("$(pgo_use_flags)"); fi
    echo "${f[*]}"
}

# xpy_release BUILD_DIR FLAGS X.PY-ARGS...: x.py in the tree for a release (or PGO) build, whose
# compiler crates get FLAGS through pipeline/rustc-wrapper. Cargo's fingerprints do not see those
# flags, so when they differ from the last build's in BUILD_DIR, the compiler is built anew.
xpy_release() {
    local build=$1 flags=$2 stamp path main
    shift 2
    main=$(release_main_rustflags)
    stamp=$build/async-fork-compiler-rustflags
    if [ -d "$build/$HOST/stage1-rustc" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$flags" ]; then
        say "compiler flags changed ('$(cat "$stamp" 2>/dev/null)' -> '$flags'): rebuilding the compiler in $build"
        rm -rf "$build/$HOST/stage1-rustc"
    fi
    # Only the executable's crate sees the main flags: when they change, relink it alone.
    if [ "$(cat "$stamp.main" 2>/dev/null)" != "$main" ]; then
        rm -rf "$build/$HOST"/stage1-rustc/*/release/.fingerprint/rustc-main-* \
            "$build/$HOST"/stage1-rustc/*/release/deps/rustc_main-*
    fi
    mkdir -p "$build"
    printf '%s\n' "$flags" >"$stamp"
    printf '%s\n' "$main" >"$stamp.main"
    path=$(release_path)
    local knob_env=()
    if release_has host-lld; then knob_env=("$HOST_LLD_ENV=1"); fi
    (cd "$TREE" && env -u "$HOST_LLD_ENV" "${knob_env[@]}" PATH="$path" RUSTC_WRAPPER="$REPO/rust/pipeline/rustc-wrapper" \
        ASYNC_FORK_STAGE0_RUSTC="$(realpath "$(stage0_bin rustc)")" ASYNC_FORK_COMPILER_RUSTFLAGS="$flags" \
        ASYNC_FORK_MAIN_RUSTFLAGS="$main" \
        ./x.py build --build-dir "$build" "$@")
}

# PATH for a release build: bootstrap-override-lld=external runs `lld` from PATH, and cc's
# -fuse-ld=lld `ld.lld`: both Debian's lld 22, and nothing else of LLVM's bin directory in front
# of the system's.
release_path() {
    [ -x "$LLVM_BIN/lld" ] || die "build --release: no $LLVM_BIN/lld (apt-get install lld-22)"
    mkdir -p "$FORK_CACHE/release-path"
    ln -sfn "$LLVM_BIN/lld" "$FORK_CACHE/release-path/lld"
    ln -sfn "$LLVM_BIN/lld" "$FORK_CACHE/release-path/ld.lld"
    echo "$FORK_CACHE/release-path:$PATH"
}

step_build() {
    local kind=${1:-quick} build=$BUILD_DIR stage1 args=() rustflags=""
    stage1=$(stage1_of "$kind")
    if [ "$kind" = release ]; then
        build=$RELEASE_BUILD_DIR
        release_settings >/dev/null # an unknown knob stops here, not in the subshell below
        while read -r s; do args+=(--set "$s"); done < <(release_settings)
    fi
    case "$(tree_state)" in
    "applied "*) ;;
    *) die "the tree is not prepared with the current series (state: $(tree_state)); run 'scripts/fork.sh prepare'" ;;
    esac
    local hash; hash=$(series_hash)
    [ "$(tree_state | cut -d' ' -f2)" = "$hash" ] || die "patches/ changed since prepare; run 'scripts/fork.sh prepare'"
    render_bootstrap_toml
    write_commit_info "$hash"
    if [ "$kind" = release ]; then
        if release_has llvm-pgo; then step_llvm; fi
        if release_has pgo; then step_pgo_profile; fi
        rustflags=$(release_rustflags)
    fi
    local targets=$HOST t start=$SECONDS
    for t in $EMBEDDED_TARGETS; do targets="$targets,$t"; done
    say "build ($kind): ./x.py build ${args[*]} --stage 1 library --target $targets (build dir $build${rustflags:+, compiler crates with $rustflags})"
    if [ "$kind" = release ]; then
        xpy_release "$build" "$rustflags" "${args[@]}" --stage 1 library --target "$targets" || die "x.py build failed (see above)"
    else
        (cd "$TREE" && ./x.py build --stage 1 library --target "$targets") || die "x.py build failed (see above)"
    fi
    if [ "$kind" = release ]; then
        release_allocator "$stage1"
        release_host_lld "$stage1"
    fi
    write_stamp "$hash" "$stage1" "$kind"
    local took=$((SECONDS - start))
    printf '%s series=%s seconds=%s\n' "$(date -u +%FT%TZ)" "$hash" "$took" >>"$build/async-fork-build-times.log"
    say "build ($kind): done in ${took}s; stage1 at $stage1"
}
