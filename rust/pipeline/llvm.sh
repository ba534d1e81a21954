# The release build's knob `llvm-pgo` (issue 17): an LLVM of our own for the fork to link
# statically, built here from Debian's llvm-toolchain-22 source (the same 22.1.8 as Debian's
# llvm-22-dev) with Debian's clang 22, and optimised with a profile of LLVM's own run on rustc's
# code. Why: Debian's libLLVM (RelWithDebInfo, no PGO, LTO or BOLT) takes 1.80x to 1.95x the CPU
# of rustup's LLVM 22 on the same x86_64 opt/llc work (`fork.sh llvm-compare`, rust/README.md,
# "The release build").
#
#   $FORK_CACHE/llvm/downloads/         Debian's orig and debian tarballs, verified by sha256
#   $FORK_CACHE/llvm/src/<dir>/         llvm/, cmake/ and third-party/ of the orig tarball, with
#                                       the llvm/ hunks of Debian's patch series applied
#   $FORK_CACHE/llvm/build-gen/         instrumented build (-fprofile-generate, IR level)
#   $FORK_CACHE/llvm/training/          the bitcode it is trained on, and its raw profiles
#   $FORK_CACHE/llvm/<name>/            the final build (build/) and its install (install/), with
#                                       llvm.profdata; <name> says version, targets and training
#
# Only the X86 and ARM back ends are built (the fork's hosts and its Cortex-M targets), only the
# libraries rustc_llvm links plus opt, llc and llvm-link (the training drivers), and tablegen is
# Debian's llvm-tblgen-22 of the same version: about 1,850 ninja steps per build, about 80 min of
# both cores here.
# shellcheck shell=bash

LLVM_DEB_VERSION=1:22.1.8-1
LLVM_ORIG_TARBALL=llvm-toolchain-22_22.1.8.orig.tar.xz
LLVM_ORIG_SHA256=b49b9277aef97616320b2da259e1f8174c65b0ce2fbe2e8629644a97693402fe
LLVM_DEBIAN_TARBALL=llvm-toolchain-22_22.1.8-1.debian.tar.xz
LLVM_DEBIAN_SHA256=15a47edcb612d951349fa6b8ca6f659e54a8e980c739f3e21ea19657f73ea0cd
LLVM_SRC_NAME=llvm-toolchain-22_22.1.8
LLVM_TARGETS="X86;ARM"
# The components rustc_llvm's build script asks llvm-config for (REQUIRED_COMPONENTS, and the
# optional ones this LLVM has), which decide the libraries built and installed.
LLVM_RUSTC_COMPONENTS="ipo bitreader bitwriter linker asmparser lto coverage instrumentation x86 arm"

LLVM_HOME=$FORK_CACHE/llvm
LLVM_SRC=$LLVM_HOME/src/$LLVM_SRC_NAME
LLVM_TRAINING=$LLVM_HOME/training
# Bumped when the training set or the build settings change, so a new profile and build are made.
LLVM_BUILD_ID=22.1.8-x86-arm-pgo1
LLVM_FINAL=$LLVM_HOME/$LLVM_BUILD_ID
LLVM_OWN_CONFIG=$LLVM_FINAL/install/bin/llvm-config

llvm_fetch() {
    local dl=$LLVM_HOME/downloads f sum
    mkdir -p "$dl"
    if [ ! -f "$dl/$LLVM_ORIG_TARBALL" ] || [ ! -f "$dl/$LLVM_DEBIAN_TARBALL" ]; then
        say "llvm: apt-get source --download-only llvm-toolchain-22=$LLVM_DEB_VERSION"
        # The .dsc may be gone from the index while the tarballs are still served; the sha256
        # below is what is trusted.
        (cd "$dl" && apt-get source --download-only "llvm-toolchain-22=$LLVM_DEB_VERSION" >apt-source.log 2>&1) || true
    fi
    for f in "$LLVM_ORIG_TARBALL:$LLVM_ORIG_SHA256" "$LLVM_DEBIAN_TARBALL:$LLVM_DEBIAN_SHA256"; do
        [ -f "$dl/${f%%:*}" ] || die "llvm: could not download ${f%%:*} (see $dl/apt-source.log)"
        sum=$(sha256sum "$dl/${f%%:*}" | cut -d' ' -f1)
        [ "$sum" = "${f#*:}" ] || die "llvm: ${f%%:*} has sha256 $sum, pinned ${f#*:}"
    done
}

# llvm_prepare: the source with the llvm/ part of Debian's patches (the rest of the series is
# about clang, lldb, the runtimes and Debian's paths).
llvm_prepare() {
    local dl=$LLVM_HOME/downloads p
    [ -f "$LLVM_SRC/.async-fork-prepared" ] && return 0
    llvm_fetch
    need filterdiff
    say "llvm: unpacking $LLVM_ORIG_TARBALL (llvm/, cmake/, third-party/)"
    rm -rf "$LLVM_SRC" "$LLVM_HOME/src/debian"
    mkdir -p "$LLVM_HOME/src"
    tar -C "$LLVM_HOME/src" -xf "$dl/$LLVM_ORIG_TARBALL" \
        "$LLVM_SRC_NAME/llvm" "$LLVM_SRC_NAME/cmake" "$LLVM_SRC_NAME/third-party"
    tar -C "$LLVM_HOME/src" -xf "$dl/$LLVM_DEBIAN_TARBALL"
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$LLVM_HOME/src/debian/patches/series" | grep -v '^$' |
        while read -r p; do
            filterdiff -p1 -i 'llvm/*' "$LLVM_HOME/src/debian/patches/$p" >"$LLVM_HOME/src/hunks.diff"
            [ -s "$LLVM_HOME/src/hunks.diff" ] || continue
            patch -d "$LLVM_SRC" -p1 -s --forward <"$LLVM_HOME/src/hunks.diff" ||
                die "llvm: Debian's $p does not apply to llvm/"
            echo "$p" >>"$LLVM_SRC/.async-fork-debian-patches"
        done
    rm -f "$LLVM_HOME/src/hunks.diff"
    touch "$LLVM_SRC/.async-fork-prepared"
}

# llvm_libs: the LLVM libraries rustc_llvm links, by the names of their ninja targets.
llvm_libs() {
    # shellcheck disable=SC2086 # a word list
    "$LLVM_BIN/llvm-config" --link-static --libnames $LLVM_RUSTC_COMPONENTS | tr ' ' '\n' | sed -n 's/^lib\(LLVM.*\)\.a$/\1/p'
}

# llvm_configure BUILD_DIR INSTALL_DIR EXTRA-CMAKE-ARGS...
llvm_configure() {
    local build=$1 install=$2
    shift 2
    [ -f "$build/build.ninja" ] && return 0
    need cmake ninja "$LLVM_BIN/clang" "$LLVM_BIN/llvm-tblgen"
    cmake -G Ninja -S "$LLVM_SRC/llvm" -B "$build" \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$install" \
        -DCMAKE_C_COMPILER="$LLVM_BIN/clang" -DCMAKE_CXX_COMPILER="$LLVM_BIN/clang++" \
        -DLLVM_USE_LINKER=lld \
        -DLLVM_TARGETS_TO_BUILD="$LLVM_TARGETS" \
        -DLLVM_ENABLE_PROJECTS= -DLLVM_ENABLE_RUNTIMES= \
        -DLLVM_NATIVE_TOOL_DIR="$LLVM_BIN" -DLLVM_TABLEGEN="$LLVM_BIN/llvm-tblgen" \
        -DLLVM_ENABLE_ASSERTIONS=OFF \
        -DLLVM_INCLUDE_TESTS=OFF -DLLVM_INCLUDE_BENCHMARKS=OFF -DLLVM_INCLUDE_EXAMPLES=OFF \
        -DLLVM_INCLUDE_DOCS=OFF -DLLVM_ENABLE_BINDINGS=OFF \
        -DLLVM_ENABLE_ZLIB=ON -DLLVM_ENABLE_ZSTD=OFF -DLLVM_ENABLE_LIBXML2=OFF \
        -DLLVM_ENABLE_Z3_SOLVER=OFF -DLLVM_ENABLE_LIBEDIT=OFF -DLLVM_ENABLE_LIBPFM=OFF \
        -DLLVM_ENABLE_CURL=OFF -DLLVM_ENABLE_HTTPLIB=OFF \
        "$@" >"$build.cmake.log" 2>&1 || { tail -30 "$build.cmake.log" >&2; die "llvm: cmake failed ($build.cmake.log)"; }
}

# llvm_ninja BUILD_DIR TARGET...: the training drivers, llvm-config and rustc's libraries.
llvm_ninja() {
    local build=$1
    shift
    # shellcheck disable=SC2046 # a word list
    ninja -C "$build" "$@" $(llvm_libs) || die "llvm: ninja failed in $build"
}

# llvm_save_bitcode DIR DEST SUBDIR CARGO-ARGS...: build a copy of the cargo project DIR with
# rustup's 1.95.0 and -Csave-temps in a scratch directory, and move the unoptimised bitcode that
# rustc keeps of each codegen unit (`*.no-opt.bc`) under target/SUBDIR into DEST. autocfg's
# probes, which build scripts compile with the same flags, are left out. Where the project sets a
# `--target` (the firmwares' .cargo/config.toml), RUSTFLAGS reaches only the target's crates, not
# build scripts or proc macros.
llvm_save_bitcode() {
    local src=$1 dest=$2 sub=$3 work
    shift 3
    work=$(mktemp -d "${TMPDIR:-/tmp}/async-fork-bitcode.XXXXXX")
    cp -r "$src" "$work/project"
    if ! (cd "$work/project" && CARGO_TARGET_DIR=$work/target RUSTFLAGS="-Csave-temps" \
        cargo "+$STAGE0_TOOLCHAIN" build -q "$@" >/dev/null 2>&1); then
        rm -rf "$work"
        return 1
    fi
    mkdir -p "$dest"
    find "$work/target/$sub" -name '*.no-opt.bc' ! -name 'autocfg_*' -exec mv {} "$dest/" \;
    rm -rf "$work"
}

# The training: rustc's unoptimised bitcode of the x86_64 and Cortex-M workloads below, each unit
# run through the instrumented opt with the pipeline rustc uses (O3 for release, Os for the
# firmwares) and llc, or through llc -O0 alone (debug builds, FastISel), and each firmware's units
# linked into one module through the fat-LTO pipeline (`lto<Os>`, llc -O2).
# The set leaves out embassy-sensors, the firmware the release build is judged on.
LLVM_TRAINING_CRATES="syn-2.0.101 serde-1.0.219 hyper-1.6.0 regex-automata-0.4.8"
LLVM_TRAINING_FIRMWARE="rtic-pump storage-logger"

llvm_training_bitcode() {
    local out=$LLVM_TRAINING/bitcode b p src
    [ -f "$out/.done" ] && return 0
    rm -rf "$out"
    src=$TREE/src/tools/rustc-perf/collector/compile-benchmarks
    for b in $LLVM_TRAINING_CRATES; do
        say "llvm: training bitcode of rustc-perf's $b (x86_64, debug and release)"
        for p in dev release; do
            llvm_save_bitcode "$src/$b" "$out/$b-$p" "" --profile "$p" --lib ||
                die "llvm: building $b ($p) for training failed"
        done
    done
    for b in $LLVM_TRAINING_FIRMWARE; do
        say "llvm: training bitcode of the $b firmware (thumbv7em, release, fat LTO)"
        llvm_save_bitcode "$REPO/benches/realworld/apps/$b" "$out/$b" thumbv7em-none-eabihf --release ||
            die "llvm: building $b for training failed"
    done
    touch "$out/.done"
}

# llvm_train BIN_DIR: run the instrumented tools over the bitcode, one codegen unit per job and
# as many jobs as cores; each tool writes a raw profile into LLVM_PROFILE_DATA_DIR (set at
# configure time).
llvm_train() {
    local bin=$1 d total start=$SECONDS
    total=$(find "$LLVM_TRAINING/bitcode" -name '*.bc' | wc -l)
    say "llvm: training on $total codegen units ($(nproc) at a time)"
    # One line per job: MODE FILE, MODE = debug (llc -O0), O3 or Os (opt, then llc).
    for d in "$LLVM_TRAINING"/bitcode/*/; do
        case "$d" in
        *-dev/) find "$d" -name '*.bc' | sed 's/^/debug /' ;;
        *-release/) find "$d" -name '*.bc' | sed 's/^/O3 /' ;;
        *) find "$d" -name '*.bc' | sed 's/^/Os /' ;;
        esac
    done | xargs -P "$(nproc)" -L 1 sh -c '
        out=$(mktemp -d) && trap "rm -rf $out" EXIT
        case $1 in
        debug) "$0/llc" -O0 -filetype=obj "$2" -o "$out/o" ;;
        *) "$0/opt" "-$1" "$2" -o "$out/bc" && "$0/llc" -O3 -filetype=obj "$out/bc" -o "$out/o" ;;
        esac || echo "llvm: training failed on $2" >&2' "$bin" || die "llvm: training failed"
    # Each firmware as rustc's fat LTO sees it: every crate's module linked into one.
    local tmp=$LLVM_TRAINING/tmp
    mkdir -p "$tmp"
    for d in "$LLVM_TRAINING"/bitcode/*/; do
        case "$d" in *-dev/ | *-release/) continue ;; esac
        if "$bin/llvm-link" "$d"*.bc -o "$tmp/linked.bc"; then
            "$bin/opt" -passes='lto<Os>' "$tmp/linked.bc" -o "$tmp/lto.bc"
            "$bin/llc" -O2 -filetype=obj "$tmp/lto.bc" -o "$tmp/out.o"
        else
            say "llvm: llvm-link of $d failed; training without its fat-LTO run"
        fi
    done
    rm -rf "$tmp"
    say "llvm: training done in $((SECONDS - start))s"
}

# step_llvm: the whole knob. Idempotent: each stage is skipped when its result exists.
step_llvm() {
    [ -x "$LLVM_OWN_CONFIG" ] && return 0
    local start=$SECONDS gen=$LLVM_HOME/build-gen profdata=$LLVM_FINAL/llvm.profdata
    llvm_prepare
    if [ ! -f "$profdata" ]; then
        say "llvm: instrumented build in $gen"
        llvm_configure "$gen" "$gen/install" -DLLVM_BUILD_INSTRUMENTED=IR \
            -DLLVM_PROFILE_DATA_DIR="$LLVM_TRAINING/profraw"
        # Only the training drivers: rustc's libraries are built once, in the final build.
        ninja -C "$gen" opt llc llvm-link || die "llvm: ninja failed in $gen"
        say "llvm: instrumented build done after $((SECONDS - start))s"
        llvm_training_bitcode
        rm -rf "$LLVM_TRAINING/profraw"
        llvm_train "$gen/bin"
        mkdir -p "$LLVM_FINAL"
        "$LLVM_BIN/llvm-profdata" merge -o "$profdata.tmp" "$LLVM_TRAINING"/profraw/*.profraw ||
            die "llvm: llvm-profdata merge failed"
        mv "$profdata.tmp" "$profdata"
        say "llvm: profile $profdata after $((SECONDS - start))s"
    fi
    say "llvm: final build in $LLVM_FINAL/build"
    llvm_configure "$LLVM_FINAL/build" "$LLVM_FINAL/install" -DLLVM_PROFDATA_FILE="$profdata" \
        -DCMAKE_CXX_FLAGS="-Wno-profile-instr-unprofiled -Wno-profile-instr-out-of-date -Wno-backend-plugin"
    llvm_ninja "$LLVM_FINAL/build" opt llc llvm-link llvm-config
    local l targets=(install-llvm-headers install-llvm-config install-opt install-llc)
    while read -r l; do targets+=("install-$l"); done < <(llvm_libs)
    ninja -C "$LLVM_FINAL/build" "${targets[@]}" >/dev/null || die "llvm: install failed"
    "$LLVM_OWN_CONFIG" --version >/dev/null || die "llvm: $LLVM_OWN_CONFIG does not run"
    printf '%s seconds=%s\n' "$(date -u +%FT%TZ)" "$((SECONDS - start))" >>"$LLVM_HOME/build-times.log"
    say "llvm: $LLVM_BUILD_ID installed in $LLVM_FINAL/install after $((SECONDS - start))s"
}

# step_llvm_compare OUT_DIR: the same LLVM work done by three builds of LLVM 22 side by side --
# Debian's (opt-22, llc-22: what the quick and the static release builds link), rustup 1.95.0's
# (its llvm-tools: what the fork is measured against) and ours -- on bitcode none was trained on:
# the embassy-sensors firmware as rustc's fat LTO sees it (thumbv7em, `lto<Os>` then llc -O2) and
# rustc-perf's html5ever (x86_64, each codegen unit `opt -O3` then `llc -O3`, and `llc -O0` as in a
# debug build). CPU time (user + sys) of each step, best of LLVM_COMPARE_REPS runs, the builds
# interleaved; ratios to rustup's. Writes OUT_DIR/llvm-compare.md.
LLVM_COMPARE_REPS=${LLVM_COMPARE_REPS:-3}
step_llvm_compare() {
    local out=${1:?usage: fork.sh llvm-compare OUT_DIR} bc=$LLVM_HOME/compare-bitcode rustup_bin
    local builds="debian rustup ours"
    if [ ! -x "$LLVM_FINAL/build/bin/opt" ]; then
        say "llvm-compare: no $LLVM_FINAL/build/bin/opt yet (fork.sh llvm): comparing Debian's and rustup's only"
        builds="debian rustup"
    fi
    rustup_bin=$(dirname "$(stage0_bin rustc)")/../lib/rustlib/$HOST/bin
    if [ ! -x "$rustup_bin/opt" ]; then rustup component add llvm-tools --toolchain "$STAGE0_TOOLCHAIN" >&2 || true; fi
    [ -x "$rustup_bin/opt" ] || die "llvm-compare: no llvm-tools for $STAGE0_TOOLCHAIN"
    if [ ! -f "$bc/.done" ]; then
        rm -rf "$bc"
        llvm_save_bitcode "$REPO/benches/realworld/apps/embassy-sensors" "$bc/embassy" thumbv7em-none-eabihf --release ||
            die "llvm-compare: building embassy-sensors failed"
        for p in dev release; do
            llvm_save_bitcode "$TREE/src/tools/rustc-perf/collector/compile-benchmarks/html5ever-0.31.0" \
                "$bc/html5ever-$p" "" --profile "$p" --lib || die "llvm-compare: building html5ever failed"
        done
        touch "$bc/.done"
    fi
    mkdir -p "$out"
    # cpu NAME CMD...: user+sys seconds of CMD, appended to the raw log.
    local raw=$out/llvm-compare.raw tmp
    tmp=$(mktemp -d) && : >"$raw"
    cpu() {
        local name=$1
        shift
        /usr/bin/time -o "$tmp/time" -f '%U %S' "$@" >/dev/null 2>"$tmp/stderr" ||
            { tail -5 "$tmp/stderr" >&2; die "llvm-compare: $name failed: $*"; }
        echo "$name $(awk '{print $1 + $2}' "$tmp/time")" >>"$raw"
    }
    local rep b s f
    "$LLVM_BIN/llvm-link" "$bc"/embassy/*.bc -o "$tmp/linked.bc" || die "llvm-compare: llvm-link failed"
    for rep in $(seq "$LLVM_COMPARE_REPS"); do
        for b in $builds; do
            say "llvm-compare: run $rep/$LLVM_COMPARE_REPS, $b"
            case $b in
            debian) s=$LLVM_BIN ;;
            rustup) s=$rustup_bin ;;
            ours) s=$LLVM_FINAL/build/bin ;;
            esac
            cpu "$b embassy-lto-opt" "$s/opt" -passes='lto<Os>' "$tmp/linked.bc" -o "$tmp/lto.bc"
            cpu "$b embassy-lto-llc" "$s/llc" -O2 -filetype=obj "$tmp/lto.bc" -o "$tmp/o"
            cpu "$b html5ever-debug-llc" sh -c "for f in '$bc'/html5ever-dev/*.bc; do '$s/llc' -O0 -filetype=obj \"\$f\" -o '$tmp/o' || exit 1; done"
            cpu "$b html5ever-release-opt" sh -c "for f in '$bc'/html5ever-release/*.bc; do '$s/opt' -O3 \"\$f\" -o \"$tmp/\$(basename \"\$f\")\" || exit 1; done"
            cpu "$b html5ever-release-llc" sh -c "for f in '$tmp'/*.no-opt.bc; do '$s/llc' -O3 -filetype=obj \"\$f\" -o '$tmp/o' || exit 1; done"
            rm -f "$tmp"/*.no-opt.bc
        done
    done
    rm -rf "$tmp"
    {
        echo "# One LLVM 22 job, three builds of LLVM 22"
        echo
        echo "$(date -u +%F), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)."
        echo "CPU seconds (user + sys), best of $LLVM_COMPARE_REPS, builds interleaved (\`scripts/fork.sh llvm-compare\`)."
        echo
        echo "- debian: $("$LLVM_BIN/opt" --version | grep -o 'LLVM version [^ ]*' | cut -d' ' -f3), Debian's llvm-22 ($LLVM_BIN)"
        echo "- rustup: $("$rustup_bin/opt" --version | grep -o 'LLVM version [^ ]*' | cut -d' ' -f3), llvm-tools of rustup's $STAGE0_TOOLCHAIN"
        if [ -x "$LLVM_FINAL/build/bin/opt" ]; then
            echo "- ours: $("$LLVM_FINAL/build/bin/opt" --version | grep -o 'LLVM version [^ ]*' | cut -d' ' -f3), $LLVM_BUILD_ID (\`pipeline/llvm.sh\`)"
        else
            echo "- ours: not built yet (\`scripts/fork.sh llvm\`)"
        fi
        echo
        echo "| step | debian | rustup | ours | debian / rustup | ours / rustup |"
        echo "|---|---:|---:|---:|---:|---:|"
        for f in embassy-lto-opt embassy-lto-llc html5ever-debug-llc html5ever-release-opt html5ever-release-llc; do
            awk -v f="$f" '$2 == f { if (!($1 in m) || $3 < m[$1]) m[$1] = $3 }
                END { o = ("ours" in m) ? sprintf("%.2f", m["ours"]) : "-"; r = ("ours" in m) ? sprintf("%.3f", m["ours"] / m["rustup"]) : "-"
                      printf "| %s | %.2f | %.2f | %s | %.3f | %s |\n", f, m["debian"], m["rustup"], o, m["debian"] / m["rustup"], r }' "$raw"
        done
    } >"$out/llvm-compare.md"
    cat "$out/llvm-compare.md"
}
