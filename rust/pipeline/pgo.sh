# Profile-guided optimisation of the release build's compiler (issue 17, knob `pgo`).
# shellcheck shell=bash
#
# Three steps, the way upstream's dist pipeline (src/tools/opt-dist) does them for rustc:
#   1. an instrumented stage1 compiler, in its own build directory ($PGO_GEN_BUILD_DIR);
#   2. a training run: that compiler checks and builds a set of rustc-perf's benchmarks (from the
#      pinned tree) with cargo, writing raw profiles;
#   3. llvm-profdata-22 merges them into one profile, which the release build uses.
# The profile is kept per series under $FORK_CACHE/pgo/, so a release rebuild of the same series
# does not train again.
#
# Why not `rust.profile-generate`/`profile-use`: bootstrap applies those only when the building
# compiler is stage1 (i.e. to a stage2 compiler). The fork's compiler is stage1, built by rustup's
# 1.95.0 (`local-rebuild`), whose sysroot carries profiler_builtins and whose LLVM is 22 like
# Debian's llvm-profdata-22; pipeline/rustc-wrapper gives the flags to exactly the compilations of
# the compiler's crates (std, build scripts and proc macros are not instrumented).
#
# The training set is disjoint from what rust/README.md's table measures (our workloads of the
# default run, the embassy firmware). It is opt-dist's set for rustc, plus hyper and futures so that
# the coroutine transform and async lowering are not treated as cold code; those two are also in
# `scripts/bench.sh rustc-perf`'s async set, whose numbers for a PGO build are therefore in-sample.

PGO_DIR=$FORK_CACHE/pgo
PGO_GEN_BUILD_DIR=${ASYNC_FORK_PGO_GEN_BUILD_DIR:-$FORK_CACHE/build-pgo-gen}
PGO_TRAINING=${ASYNC_FORK_PGO_TRAINING:-"externs ctfe-stress-5 match-stress tuple-stress token-stream-stress bitmaps-3.2.1 syn-2.0.101 serde-1.0.219 hyper-1.6.0 futures"}
PERF_BENCHMARKS=$TREE/src/tools/rustc-perf/collector/compile-benchmarks

pgo_profile() { echo "$PGO_DIR/$(series_hash | cut -c1-12)/rustc.profdata"; }

# -static-func-strip-dirname-prefix as bootstrap passes it with rust.profile-generate: file-local
# functions are named relative to the source tree, so the profile does not depend on where it is.
pgo_strip_prefix() {
    local real; real=$(cd "$TREE" && pwd -P)
    echo $(($(printf '%s' "$real" | tr '/' '\n' | grep -c .) + 1))
}

# The flags the final release build's compiler crates get (printed for the stamp as well). The
# same -static-func-strip-dirname-prefix as when the profile was written: without it, every
# internal function's profile name (file path and name) differs and its profile is not found.
pgo_use_flags() {
    echo "-Cprofile-use=$(pgo_profile) -Cllvm-args=-static-func-strip-dirname-prefix=$(pgo_strip_prefix)"
}

# pgo_train STAGE1 RAW_DIR: the training run. Every benchmark is copied to a scratch directory
# (the pinned tree stays untouched) and checked, built and built with --release.
pgo_train() {
    local stage1=$1 raw=$2 b work opts cargo mode n=0 total start=$SECONDS
    cargo=$(stage0_bin cargo) || die "pgo: no cargo of $STAGE0_TOOLCHAIN"
    total=$(wc -w <<<"$PGO_TRAINING")
    work=$(mktemp -d "${TMPDIR:-/tmp}/async-fork-pgo.XXXXXX")
    # shellcheck disable=SC2064 # expand now: the trap must remove this directory
    trap "rm -rf '$work'" RETURN
    for b in $PGO_TRAINING; do
        n=$((n + 1))
        [ -d "$PERF_BENCHMARKS/$b" ] || die "pgo: no rustc-perf benchmark '$b' in $PERF_BENCHMARKS"
        cp -r "$PERF_BENCHMARKS/$b" "$work/$b"
        opts=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("cargo_opts",""))' \
            "$work/$b/perf-config.json" 2>/dev/null || true)
        for mode in check build "build --release"; do
            say "pgo: training $n/$total: $b, cargo $mode $opts ($((SECONDS - start)) s so far)"
            # shellcheck disable=SC2086 # mode and opts are word lists
            (cd "$work/$b" && RUSTC="$stage1/bin/rustc" LLVM_PROFILE_FILE="$raw/rustc-%m.profraw" \
                CARGO_TARGET_DIR="$work/target-$b" CARGO_INCREMENTAL=0 \
                "$cargo" $mode $opts -q) || die "pgo: training on $b (cargo $mode) failed"
        done
        rm -rf "$work/target-$b"
    done
    say "pgo: training done in $((SECONDS - start)) s"
}

# step_pgo_profile: make the profile for the current series unless it exists. Builds in
# $PGO_GEN_BUILD_DIR with every setting of the release build, cgu1-lto included, as upstream's
# dist pipeline does. (Profiles up to series 72215b85 were made at cargo's default codegen units,
# to save build time. A function that is internal in one build and shared between units in the
# other has a different profile name, so in the one-unit build part of the profile went unused:
# relr, cgu1-lto and pgo together took only 5 %, less than upstream's PGO alone.)
step_pgo_profile() {
    local profile raw gen_stage1 args=() s start=$SECONDS flags
    profile=$(pgo_profile)
    if [ -s "$profile" ]; then say "pgo: using $profile"; return; fi
    [ -x "$LLVM_BIN/llvm-profdata" ] || die "pgo: no $LLVM_BIN/llvm-profdata (apt-get install llvm-22)"
    raw=$(dirname "$profile")/raw
    gen_stage1=$PGO_GEN_BUILD_DIR/$HOST/stage1
    rm -rf "$raw"
    mkdir -p "$raw"
    while read -r s; do args+=(--set "$s"); done < <(release_settings)
    flags="-Cprofile-generate=$raw -Cllvm-args=-vp-counters-per-site=4 -Cllvm-args=-static-func-strip-dirname-prefix=$(pgo_strip_prefix)"
    say "pgo: instrumented build: ./x.py build ${args[*]} --stage 1 library --target $HOST (build dir $PGO_GEN_BUILD_DIR, compiler crates with $flags)"
    xpy_release "$PGO_GEN_BUILD_DIR" "$flags" "${args[@]}" --stage 1 library --target "$HOST" ||
        die "pgo: instrumented build failed (see above)"
    readelf -S -W "$gen_stage1"/lib/librustc_driver-*.so | grep __llvm_prf_cnts >/dev/null ||
        die "pgo: $gen_stage1 is not instrumented (librustc_driver has no __llvm_prf_cnts section)"
    # The instrumented stage1 compiled std during the build: only the training run counts.
    rm -f "$raw"/*.profraw
    say "pgo: instrumented build done in $((SECONDS - start)) s"
    pgo_train "$gen_stage1" "$raw"
    compgen -G "$raw/*.profraw" >/dev/null || die "pgo: the training run wrote no profiles into $raw"
    "$LLVM_BIN/llvm-profdata" merge -o "$profile.tmp" "$raw"/*.profraw || die "pgo: llvm-profdata merge failed"
    mv "$profile.tmp" "$profile"
    { printf '%s\n' "$PGO_TRAINING"; release_settings; } >"$(dirname "$profile")/training"
    rm -rf "$raw"
    say "pgo: profile $profile ($(du -h "$profile" | cut -f1)) in $((SECONDS - start)) s"
}
