# `fork.sh test`: rustc's own test suites that our patches touch, run on the stage1 compiler.
# FileCheck comes from llvm-22-tools (bootstrap finds it next to llvm-config).
# shellcheck shell=bash

step_test() {
    [ -f "$STAGE1/$STAMP_NAME" ] || die "no stage1 build; run 'scripts/fork.sh build'"
    [ -x "$LLVM_BIN/FileCheck" ] || die "FileCheck missing: apt-get install llvm-22-tools"
    local x=(./x.py test --stage 1 --target "$HOST")
    cd "$TREE"
    say "test: ui async-await, coroutine and print_type_sizes"
    # Plus tests outside those folders that the relocation once broke (issue 16): the cycle
    # error of a recursive async fn under `--emit metadata`, rustc_public's MIR of an async
    # closure, and a `#![no_core]` crate with async fns but no `MaybeUninit` lang item.
    "${x[@]}" tests/ui/async-await tests/ui/coroutine tests/ui/print_type_sizes \
        tests/ui/layout/post-mono-layout-cycle-2.rs tests/ui/rustc_public-ir-print \
        tests/ui/cmse-nonsecure/cmse-nonsecure-entry/c-variadic.rs
    say "test: mir-opt coroutine and async tests"
    "${x[@]}" tests/mir-opt --test-args coroutine --test-args async
    say "test: codegen-llvm coroutine and async tests"
    "${x[@]}" tests/codegen-llvm --test-args coroutine --test-args async
    step_test_codegen_tests
    say "test: all suites passed"
    # x.py test re-syncs the stage1 sysroot for the host only, which drops the Cortex-M cores,
    # the stamp and rust-lld; put them back so the linked toolchain stays complete.
    cd "$REPO"
    step_build
    step_link
}

# Our own assembly tests (codegen-tests/assembly/*.rs) under the tree's compiletest, copied as they
# are into tests/assembly-llvm/async-fork/ and removed afterwards. Each revision carries `only-`
# conditions for its target, so compiletest runs it in that target's run, whose sysroot holds that
# target's `core`. One x.py invocation, thumbv6m first: a thumbv6m revision (`only-thumb`; compiletest
# cannot tell thumbv6m from thumbv7em except by `only-eabihf`) also runs in the thumbv7em run, and
# within one invocation the sysroot keeps the cores of the targets already tested.
step_test_codegen_tests() {
    local suite=tests/assembly-llvm/async-fork rc=0
    say "test: codegen-tests/assembly under compiletest ($suite; thumbv6m, thumbv7em, host)"
    rm -rf "${TREE:?}/$suite"
    mkdir -p "$TREE/$suite"
    cp "$REPO"/codegen-tests/assembly/*.rs "$TREE/$suite/"
    (cd "$TREE" && ./x.py test --stage 1 --target "thumbv6m-none-eabi,thumbv7em-none-eabihf,$HOST" "$suite") || rc=$?
    rm -rf "${TREE:?}/$suite"
    [ "$rc" = 0 ] || die "codegen-tests/assembly failed under compiletest (see above)"
}

# `fork.sh test --full` (issue 14): rustc's whole ui, mir-opt, codegen-llvm and assembly-llvm
# suites (and debuginfo when gdb is installed) on the fork's stage1, every failure compared with
# the same suites on the pristine tree (Debian's rustc without our series), so that only failures
# the series introduces count. The pristine side depends only on the pin and the machine: it is
# run once, by `fork.sh test --full-baseline`, in a worktree of tag `pristine` with its own build
# directory (a second stage1 build, about half an hour), and its failure list is committed under
# results/fork-test-full/. Exit status 1 when the fork fails a test the pristine tree passes.
FULL_DIR_NAME=results/fork-test-full

full_suites() {
    local s=(tests/ui tests/mir-opt tests/codegen-llvm tests/assembly-llvm)
    if command -v gdb >/dev/null 2>&1; then s+=(tests/debuginfo); fi
    printf '%s\n' "${s[@]}"
}

# run_full_suites TREE BUILD_DIR LOG: x.py test of every suite with --no-fail-fast; the log keeps
# compiletest's whole output. Returns 0 even when tests fail (the failures are the result).
run_full_suites() {
    local tree=$1 build=$2 log=$3 suites
    mapfile -t suites < <(full_suites)
    say "test --full: ${suites[*]} in $tree, build dir $build (log: $log)"
    local start=$SECONDS rc=0
    # The build directory is the one the tree's bootstrap.toml names ($build, for the message).
    # --force-rerun: compiletest otherwise skips, and counts as ignored, every test whose stamp
    # says it passed with this compiler before (the fork's tree has run `fork.sh test`'s ~750
    # async tests), so the two sides' counts would not compare.
    (cd "$tree" && ./x.py test --stage 1 --target "$HOST" --no-fail-fast --force-rerun "${suites[@]}") >"$log" 2>&1 || rc=$?
    say "test --full: x.py exited with $rc after $((SECONDS - start))s"
    grep -q 'test result:' "$log" || die "no suite ran (see $log)"
}

# The names compiletest lists under `failures:`, one per line, sorted: "[ui] tests/ui/x.rs#rev".
failures_of() {
    sed -n 's/^    \(\[[a-z0-9-]*\] tests\/[^ ]*\)$/\1/p' "$1" | sort -u
}

# Per suite "passed failed ignored", summed over the `test result:` lines of one x.py log.
counts_of() {
    sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) ignored.*/\1 \2 \3/p' "$1" |
        awk '{p+=$1; f+=$2; i+=$3} END {printf "%d passed, %d failed, %d ignored\n", p, f, i}'
}

# Every switch of the series at its off position: rustc 1.95.0's layouts and MIR building. (0007's
# GVN, dataflow and layout-order changes have no switch; a pristine stage1 is the exact baseline.)
SERIES_SWITCHES_OFF="$(sed 's/#.*//' "$REPO/rust/layout-switches" | awk 'NF { printf "-Z%s=no ", $1 }')-Zstraight-line-awaitless-async=no"

# md_list TITLE LINES: a Markdown list headed "TITLE (count):", nothing when LINES is empty.
md_list() {
    [ -n "$2" ] || return 0
    printf '\n%s (%s):\n\n' "$1" "$(wc -l <<<"$2")"
    sed 's/^/- /' <<<"$2"
}

step_test_full() {
    [ -f "$STAGE1/$STAMP_NAME" ] || die "no stage1 build; run 'scripts/fork.sh build'"
    local out=$REPO/$FULL_DIR_NAME hash; hash=$(series_hash)
    local baseline=$out/pristine-$DEBIAN_VERSION.failures
    mkdir -p "$out"
    local log=$FORK_CACHE/test-full-${hash:0:8}.log
    run_full_suites "$TREE" "$BUILD_DIR" "$log"
    failures_of "$log" >"$out/fork-${hash:0:8}.failures"
    counts_of "$log" >"$out/fork-${hash:0:8}.counts"
    # The fork's failures once more with every switch off: a test that passes then fails because
    # of a switch of the series (the pristine comparison below is the exact one).
    local paths; paths=$(sed 's/^\[[^]]*\] //; s/#.*//' "$out/fork-${hash:0:8}.failures" | sort -u)
    : >"$out/fork-${hash:0:8}-switches-off.failures"
    if [ -n "$paths" ]; then
        say "test --full: the $(wc -l <<<"$paths") failing files again with every switch off"
        # shellcheck disable=SC2086 # one path per word
        (cd "$TREE" && ./x.py test --stage 1 --target "$HOST" --no-fail-fast \
            --compiletest-rustc-args "$SERIES_SWITCHES_OFF" $paths) >"$log.switches-off" 2>&1 || true
        failures_of "$log.switches-off" >"$out/fork-${hash:0:8}-switches-off.failures"
    fi
    # x.py test for the host alone rebuilt the stage1 sysroot without the Cortex-M cores, the
    # stamp and cargo: put them back (a copy of what is built, seconds).
    step_build && step_link
    local pristine=yes
    if [ ! -f "$baseline" ]; then
        say "test --full: no pristine baseline at ${baseline#"$REPO"/} (run 'scripts/fork.sh test --full-baseline' once: an unpatched stage1, about half an hour); comparing with the switches off only"
        pristine=no
        baseline=$out/fork-${hash:0:8}-switches-off.failures
    fi
    local new; new=$(comm -23 "$out/fork-${hash:0:8}.failures" "$baseline")
    {
        echo "# rustc's full suites on the fork vs the pristine tree"
        echo
        echo "- command: \`scripts/fork.sh test --full\`, $(date -u +%FT%TZ), $(uname -m), $(nproc) cores"
        echo "- suites: $(full_suites | paste -sd' ')"
        echo "- fork: series \`$hash\` ($(series_patches | wc -l) patches), \`$("$STAGE1/bin/rustc" -V)\`"
        echo "- fork: $(counts_of "$log"); failures: [fork-${hash:0:8}.failures](fork-${hash:0:8}.failures)"
        echo "- the fork's failing files again with every switch off (\`$SERIES_SWITCHES_OFF\`): failures: [fork-${hash:0:8}-switches-off.failures](fork-${hash:0:8}-switches-off.failures)"
        if [ "$pristine" = no ]; then
            echo "- pristine: **not run** (\`scripts/fork.sh test --full-baseline\`); the comparison below is with the switches off, which cannot see a failure caused by 0007's unswitched GVN, dataflow or layout-order changes"
        else
            echo "- pristine (Debian $DEBIAN_VERSION without the series): $(cat "$out/pristine-$DEBIAN_VERSION.counts" 2>/dev/null || echo 'counts not recorded'); failures: [pristine-$DEBIAN_VERSION.failures](pristine-$DEBIAN_VERSION.failures)"
        fi
        [ -n "$new" ] || printf '\nNo test fails on the fork that passes on the baseline.\n'
        md_list "Failing on the fork only, not on the baseline" "$new"
        md_list "Failing on both" "$(comm -12 "$out/fork-${hash:0:8}.failures" "$baseline")"
        md_list "Failing on the baseline only" "$(comm -13 "$out/fork-${hash:0:8}.failures" "$baseline")"
    } >"$out/summary.md"
    say "test --full: summary in ${out#"$REPO"/}/summary.md"
    [ -z "$new" ] || die "$(wc -l <<<"$new") tests fail on the fork and pass on the baseline (see the summary)"
}

# The pristine side: a worktree of tag `pristine` next to the tree, built in its own directory.
step_test_full_baseline() {
    [ -d "$TREE/.git" ] || die "no tree; run 'scripts/fork.sh fetch prepare'"
    local wt=$FORK_CACHE/src/pristine-$TREE_NAME build=$FORK_CACHE/build-pristine out=$REPO/$FULL_DIR_NAME
    if [ ! -d "$wt" ]; then
        say "test --full-baseline: worktree of tag pristine at $wt"
        tree_git worktree add --detach "$wt" pristine >/dev/null
    fi
    [ "$(git -C "$wt" rev-parse HEAD)" = "$(tree_git rev-parse pristine)" ] || die "$wt is not at tag pristine"
    local save_tree=$TREE save_build=$BUILD_DIR
    TREE=$wt BUILD_DIR=$build render_bootstrap_toml
    TREE=$save_tree BUILD_DIR=$save_build
    mkdir -p "$out"
    local log=$FORK_CACHE/test-full-pristine.log
    run_full_suites "$wt" "$build" "$log"
    failures_of "$log" >"$out/pristine-$DEBIAN_VERSION.failures"
    counts_of "$log" >"$out/pristine-$DEBIAN_VERSION.counts"
    say "test --full-baseline: $(cat "$out/pristine-$DEBIAN_VERSION.counts"); list in ${out#"$REPO"/}/pristine-$DEBIAN_VERSION.failures"
}
