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
