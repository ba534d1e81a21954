#!/usr/bin/env bash
# The test command (README; .ci/run calls it). Installs what is missing, then tests the harness and
# the product it measures:
#   harness  cargo fmt --check, cargo clippy -D warnings, cargo test for the whole workspace, the
#            codegen suite on stable (x86_64, thumbv7em, thumbv6m);
#   fork     scripts/fork.sh fetch prepare build link (the quick build, incremental from the cache
#            in ~/.cache/async-fork when there is one), then the seed's claims on every recorded
#            toolchain (the fork just built included), and on the fork beside stable: the codegen
#            matrix, the future-size corpus with every switch of the series on and
#            off (all layout switches off must give stable's sizes, a switch must not make a
#            future larger, every output must equal stable's), a difftest smoke
#            set under valgrind's memcheck, a state-walk smoke (one program: futures
#            moved, dropped, copied and poisoned in every state, under memcheck; Miri is
#            scripts/state-walk.sh's), and rustc's own async/coroutine suites
#            (scripts/fork.sh test), and the dist tarballs of that build installed into an
#            empty prefix and checked (scripts/fork.sh dist, dist --check).
# A machine where the fork cannot be built fails here with the reason. ASYNC_FORK_SKIP=1 skips the
# fork part for harness-only work, says so loudly, and is refused under CI.
# Scratch output goes to target/ci/; committed results are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
current="" current_start=$SECONDS
timings=()

finish_step() {
    [ -n "$current" ] || return 0
    timings+=("$(printf '%6ss  %s' "$((SECONDS - current_start))" "$current")")
    current=""
}
step() {
    finish_step
    current="$*" current_start=$SECONDS
    printf '\n=== %s (at %ss)\n' "$current" "$((SECONDS - start))"
}
summary() {
    local rc=$?
    local failed=$current
    finish_step
    printf '\n=== step durations\n'
    printf '%s\n' "${timings[@]}"
    printf '%6ss  total\n' "$((SECONDS - start))"
    if [ "$rc" != 0 ]; then printf '\n=== FAILED in: %s (exit %s)\n' "$failed" "$rc"; fi
}
trap summary EXIT

# The -Z switches of the patch series that change layouts (rust/layout-switches). With all of them
# off the fork's future sizes must equal stable's exactly; with each one off every corpus program
# must still print what stable's does. Those marked never-larger: the fork at its defaults must be
# no larger than with the switch off, in every case.
mapfile -t FORK_LAYOUT_SWITCHES < <(sed 's/#.*//' rust/layout-switches | awk 'NF { print $1 }')
mapfile -t FORK_NEVER_LARGER < <(sed 's/#.*//' rust/layout-switches | awk '$2 == "never-larger" { print $1 }')
[ "${#FORK_LAYOUT_SWITCHES[@]}" -gt 0 ] || { echo "rust/layout-switches lists no switch" >&2; exit 1; }
# Switches that change behaviour or compile time only, where the corpus never goes (polling after
# completion; unwind paths of bodies without an await): outputs must still equal stable's.
FORK_SWITCHES_BEHAVIOUR=("-Zasync-panic=no" "-Zstraight-line-awaitless-async=no")
# Seeds of the differential smoke test (the full campaign is scripts/difftest.sh, 500 seeds).
DIFFTEST_SMOKE_SEEDS=${DIFFTEST_SMOKE_SEEDS:-16}
CI_OUT=target/ci
# Binaries of this workspace, through cargo so that CARGO_TARGET_DIR is honoured.
bin() { local pkg=$1 name=$2; shift 2; cargo run --release -q -p "$pkg" --bin "$name" -- "$@"; }

step "setup"
scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --workspace -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test --workspace"
# setup installs valgrind, so difftest's memcheck tests must run, not skip.
DIFFTEST_MEMCHECK_REQUIRED=1 cargo test --workspace --quiet

step "codegen suite on stable"
bin codegen-runner codegen run --toolchain stable

if [ "${ASYNC_FORK_SKIP:-}" = 1 ]; then
    if [ "${CI:-}" = true ]; then
        echo "test: ASYNC_FORK_SKIP=1 is for harness-only work on a developer's machine; CI tests the fork" >&2
        exit 1
    fi
    cat >&2 <<'EOF'

################################################################################
#  ASYNC_FORK_SKIP=1: THE FORK WAS NOT BUILT AND NOT TESTED.                    #
#  Only the harness passed. This is not a test of the product.                 #
################################################################################
EOF
    step "seed claims reproduce (the fork, if linked, as it is: possibly not the current series)"
    bin codegen-runner codegen seed-claims --check results/seed-claims.json
    exit 0
fi

step "fork: verify the pin and apply the series"
scripts/fork.sh check

step "fork: build (scripts/fork.sh fetch prepare build link)"
scripts/fork.sh fetch prepare build link
rustc +async-fork -vV

# After the build, so that the fork compared is the one this series makes, not a stale link.
step "seed claims reproduce (releases, nightlies and the fork just built)"
bin codegen-runner codegen seed-claims --check results/seed-claims.json

step "fork: codegen matrix (x86_64, thumbv7em, thumbv6m) on stable and the fork"
bin codegen-runner codegen run --toolchain stable --toolchain async-fork --json "$CI_OUT/codegen.json" \
    --out-dir "$CI_OUT/codegen"

step "fork: future-size corpus, every switch on and off"
specs=(--toolchain stable --toolchain async-fork)
checks=()
all_off=async-fork
for z in "${FORK_LAYOUT_SWITCHES[@]}"; do
    all_off+=" -Z$z=no"
    specs+=(--toolchain "async-fork -Z$z=no")
done
specs+=(--toolchain "$all_off")
checks+=(--same-sizes-as-baseline "$all_off")
for z in "${FORK_NEVER_LARGER[@]}"; do checks+=(--no-larger-than "async-fork -Z$z=no"); done
for z in "${FORK_SWITCHES_BEHAVIOUR[@]}"; do specs+=(--toolchain "async-fork $z"); done
bin future-sizes future-sizes "${specs[@]}" "${checks[@]}" --out-dir "$CI_OUT/future-sizes" \
    --work-dir "$CI_OUT/future-sizes-work" >/dev/null

step "fork: difftest smoke, $DIFFTEST_SMOKE_SEEDS seeds x opt 0,3, stable vs the fork, under memcheck"
bin difftest difftest --seeds "$DIFFTEST_SMOKE_SEEDS" --start 100000 --toolchain stable \
    --toolchain async-fork --opt 0,3 --memcheck --out "$CI_OUT/difftest"

step "fork: state-walk smoke (by_value_drop: every state moved, dropped, copied, poisoned; stable vs the fork, opt 0,3, under memcheck)"
bin state-walk state-walk --only by_value_drop --toolchain stable --toolchain async-fork --opt 0,3 --no-miri \
    --require-toolchains --wait-minutes 0 --out "$CI_OUT/state-walk" --work-dir "$CI_OUT/state-walk-work" >/dev/null

step "fork: -Zasync-panic, fork vs nightly-2026-10-29 on polls after completion"
ASYNC_FORK_REQUIRED=1 cargo test -q -p difftest --test poll_after_completion

step "fork: rustc's async, coroutine and print_type_sizes suites (scripts/fork.sh test)"
scripts/fork.sh test

step "fork: dist tarballs of the build install into an empty prefix and pass the codegen suite and seed claims"
scripts/fork.sh dist
scripts/fork.sh dist --check

step "done"
