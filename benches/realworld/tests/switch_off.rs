//! With its layout switches off (`-Zrelocate-coroutine-upvars=no -Zoverlap-dead-coroutine-locals=no
//! -Zcoroutine-shared-offsets=no -Zcoroutine-field-placement=no -Zcoroutine-bind-fields-in-place=no`,
//! patches 0001/0002, 0004, 0005, 0011 and 0012) the fork must lay out every
//! future as 1.95.0 does: on each application, the task storage and every future size of the fork
//! with the switches off equal 1.95.0's, both measured here with their core provided the same way (prebuilt where both have
//! it, else built from rust-src). Skips, saying so, when either cannot build for the target.

use harness::target::CORTEX_M4F;
use harness::{Target, ToolchainInfo, ToolchainSpec};
use realworld::build::BuildSettings;
use realworld::plan::CoreClass;
use realworld::report::Status;
use std::time::Duration;

fn resolve(spec: &str) -> Option<ToolchainInfo> {
    match spec.parse::<ToolchainSpec>().unwrap().resolve() {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!("SKIP: {e}");
            None
        }
    }
}

#[test]
fn fork_with_the_layout_switches_off_lays_out_futures_as_1_95_0() {
    let (Some(release), Some(fork_off)) = (resolve("1.95.0"), resolve(&realworld::FORK_LAYOUT_OFF)) else {
        return;
    };
    let target = Target::new(CORTEX_M4F);
    let both = |class| release.provision_in(&target, class).is_ok() && fork_off.provision_in(&target, class).is_ok();
    let Some(class) = CoreClass::ALL.into_iter().find(|&c| both(c)) else {
        eprintln!("SKIP: 1.95.0 and the fork have no way of building core for {target} in common");
        return;
    };
    let apps = realworld::app::discover(&realworld::crate_dir().join("apps")).unwrap();
    let settings = BuildSettings {
        target: &target,
        work_dir: &realworld::crate_dir(),
        timeout: Duration::from_secs(1200),
    };
    let results = realworld::run::run(&[release, fork_off], &apps, &[class], &settings);
    for app in &apps {
        let builds: Vec<_> = results.iter().filter(|r| r.app == app.name).collect();
        assert_eq!(builds.len(), 2);
        for b in &builds {
            assert_eq!(b.status, Status::Measured, "{} with {}", b.app, b.toolchain);
        }
        let (release, fork_off) = (builds[0], builds[1]);
        assert!(
            !release.tasks.is_empty() && !release.futures.is_empty(),
            "{}: nothing measured",
            app.name
        );
        assert_eq!(release.tasks, fork_off.tasks, "{}: task storage differs", app.name);
        assert_eq!(release.futures, fork_off.futures, "{}: future sizes differ", app.name);
    }
}
