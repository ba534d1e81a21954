//! Shared by the integration tests: the stable toolchain every CI machine has.

use difftest::build::Compiler;

pub fn stable() -> Compiler {
    Compiler::from_spec("stable").expect("the stable toolchain is needed by these tests")
}
