//! Which builds a run makes. Every toolchain is built each way its `core` can be provided:
//!
//! - **prebuilt**: the `core` in the sysroot (rustup's `rust-std`, or the fork's stage1 sysroot);
//! - **build-std**: `core` and `alloc` built from the toolchain's `rust-src` with the application's
//!   profile (`-Zbuild-std=core,alloc`; a release needs `RUSTC_BOOTSTRAP=1`).
//!
//! A core built at `opt-level = "s"` with fat LTO is not the prebuilt one, so ratios are formed
//! only within one class ([`CoreClass`]). A way that is not available is a skip with its reason.

use harness::toolchain::CoreProvision;
use harness::{Target, ToolchainInfo};

pub use harness::toolchain::CoreClass;

/// One build of the plan: indexes into the run's toolchains and applications.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub toolchain: usize,
    pub class: CoreClass,
    pub app: usize,
    pub provision: Result<CoreProvision, String>,
}

/// Toolchain-major, then class, then application: one target directory per toolchain and class
/// is shared by the applications, so a `core` built from source is built once per toolchain.
pub fn plan(toolchains: &[ToolchainInfo], classes: &[CoreClass], apps: usize, target: &Target) -> Vec<Step> {
    let mut steps = Vec::new();
    for (t, tc) in toolchains.iter().enumerate() {
        for &class in classes {
            for app in 0..apps {
                steps.push(Step {
                    toolchain: t,
                    class,
                    app,
                    provision: tc.provision_in(target, class),
                });
            }
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness::target::CORTEX_M4F;

    fn stable() -> ToolchainInfo {
        "stable".parse::<harness::ToolchainSpec>().unwrap().resolve().unwrap()
    }

    #[test]
    fn missing_core_and_missing_rust_src_are_skips_with_reasons() {
        let m4 = Target::new(CORTEX_M4F);
        let mut tc = stable();
        tc.targets_with_core.clear();
        tc.rust_src = false;
        let err = tc.provision_in(&m4, CoreClass::Prebuilt).unwrap_err();
        assert!(
            err.contains("rustup target add --toolchain stable thumbv7em-none-eabihf"),
            "{err}"
        );
        let err = tc.provision_in(&m4, CoreClass::BuildStd).unwrap_err();
        assert!(err.contains("rust-src"), "{err}");
        tc.rust_src = true;
        assert_eq!(
            tc.provision_in(&m4, CoreClass::BuildStd),
            Ok(CoreProvision::BuildStd { needs_bootstrap: true })
        );
        tc.targets_with_core.push(m4.clone());
        assert_eq!(tc.provision_in(&m4, CoreClass::Prebuilt), Ok(CoreProvision::RustStd));
        let steps = plan(&[tc.clone(), tc], &CoreClass::ALL, 3, &m4);
        assert_eq!(steps.len(), 12);
        assert_eq!(
            (steps[3].toolchain, steps[3].class, steps[3].app),
            (0, CoreClass::BuildStd, 0)
        );
    }
}
