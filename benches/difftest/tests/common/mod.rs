//! Shared by the integration tests: the stable toolchain every CI machine has.

use harness::{Toolchain, ToolchainInfo};

pub fn stable() -> ToolchainInfo {
    Toolchain::parse("stable")
        .resolve()
        .expect("the stable toolchain is needed by these tests")
}
