//! What a build costs, beyond the sections and panic sites `firmware_runner::measure` reads:
//!
//! - **task storage**: the static each executor keeps a task's future in. embassy-executor 0.10
//!   sizes a task's `POOL` (`<crate>::<task>::POOL`) by the `size_of` of its future (plus the task
//!   header), and RTIC 2 keeps each async software task in `__rtic_internal_<task>_EXEC`; both are
//!   read as symbol sizes from the ELF, so the number is the RAM the linker actually reserved.
//! - **future sizes**: every `{async fn body of ...}` and `{async block@...}` type the application
//!   crate lays out, from `rustc -Zprint-type-sizes` on that crate alone. Dependencies' async fns
//!   that the application instantiates are laid out in its compilation too. rustc prints the
//!   application's own paths without its crate name (`drivers::tmp117::Tmp117<B>::measure()`) and
//!   other crates' with theirs, so a future is the application's when its path does not start
//!   with a dependency's crate name (known from cargo's messages); async blocks are kept when
//!   they are in the application's own `src/`.

use object::{Object, ObjectSymbol};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Task name -> bytes of its static storage.
pub type TaskStorage = BTreeMap<String, u64>;

/// The task a static belongs to, from its demangled name (without hash), or `None` if it is not
/// task storage: `embassy_sensors::telemetry::uplink_task::POOL` -> `telemetry::uplink_task`,
/// `rtic_pump::app::__rtic_internal_control_EXEC` -> `control`.
pub fn task_of(symbol: &str, crate_name: &str) -> Option<String> {
    let path = symbol.strip_prefix(crate_name)?.strip_prefix("::")?;
    if let Some(task) = path.strip_suffix("::POOL") {
        return Some(task.to_string());
    }
    let last = path.rsplit("::").next()?;
    last.strip_prefix("__rtic_internal_")
        .and_then(|t| t.strip_suffix("_EXEC"))
        .map(str::to_string)
}

/// Every task static of `crate_name` in the ELF image, by task.
pub fn task_storage(image: &Path, crate_name: &str) -> anyhow::Result<TaskStorage> {
    let bytes = std::fs::read(image)?;
    let file = object::File::parse(&*bytes)?;
    let mut tasks = TaskStorage::new();
    for symbol in file.symbols() {
        let Ok(name) = symbol.name() else { continue };
        let demangled = format!("{:#}", rustc_demangle::demangle(name));
        if let Some(task) = task_of(&demangled, crate_name) {
            *tasks.entry(task).or_default() += symbol.size();
        }
    }
    Ok(tasks)
}

/// Future type -> size in bytes.
pub type FutureSizes = BTreeMap<String, u64>;

/// The application's futures in `-Zprint-type-sizes` output (see the module doc for which);
/// `dependencies` are the crate names of everything else in the build.
pub fn future_sizes(print_type_sizes: &str, crate_name: &str, dependencies: &BTreeSet<String>) -> FutureSizes {
    let mut sizes = FutureSizes::new();
    for line in print_type_sizes.lines() {
        // print-type-size type: `{async fn body of x::f()}`: 24 bytes, alignment: 4 bytes
        let Some(rest) = line.strip_prefix("print-type-size type: `") else {
            continue;
        };
        let Some((ty, tail)) = rest.rsplit_once("`: ") else {
            continue;
        };
        let Some(bytes) = tail.split(' ').next().and_then(|n| n.parse::<u64>().ok()) else {
            continue;
        };
        if is_application_future(ty, crate_name, dependencies) {
            sizes.insert(ty.to_string(), bytes);
        }
    }
    sizes
}

/// Crates every build has besides the application's dependencies.
const SYSROOT_CRATES: [&str; 4] = ["core", "alloc", "compiler_builtins", "std"];

fn is_application_future(ty: &str, crate_name: &str, dependencies: &BTreeSet<String>) -> bool {
    if let Some(path) = ty.strip_prefix("{async fn body of ") {
        let path = path.trim_start_matches('<');
        let first = path
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        return first == crate_name || !(dependencies.contains(first) || SYSROOT_CRATES.contains(&first));
    }
    ty.starts_with("{async block@src/") || ty.starts_with("{async closure body@src/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_statics_of_embassy_and_rtic() {
        assert_eq!(
            task_of("embassy_sensors::telemetry::uplink_task::POOL", "embassy_sensors").as_deref(),
            Some("telemetry::uplink_task")
        );
        assert_eq!(
            task_of("rtic_pump::app::__rtic_internal_control_EXEC", "rtic_pump").as_deref(),
            Some("control")
        );
        assert_eq!(task_of("rtic_pump::app::init::CHANNEL", "rtic_pump"), None);
        assert_eq!(task_of("embassy_executor::raw::POOL", "embassy_sensors"), None);
        assert_eq!(task_of("other::x::POOL", "embassy_sensors"), None);
    }

    #[test]
    fn keeps_the_application_futures_only() {
        let out = "\
print-type-size type: `{async fn body of report<drivers::tmp117::Tmp117<I>>()}`: 120 bytes, alignment: 4 bytes
print-type-size     discriminant: 1 bytes
print-type-size type: `{async fn body of <drivers::tmp117::Tmp117<B> as drivers::Sensor>::sample()}`: 48 bytes, alignment: 4 bytes
print-type-size type: `{async fn body of embassy_sync::mutex::Mutex<M, T>::lock()}`: 12 bytes, alignment: 4 bytes
print-type-size type: `{async fn body of <embassy_embedded_hal::I2cDevice<'_, M, bus::SimI2c> as embedded_hal_async::i2c::I2c>::write_read()}`: 12 bytes, alignment: 4 bytes
print-type-size type: `{async fn body of core::future::ready()}`: 12 bytes, alignment: 4 bytes
print-type-size type: `{async block@src/main.rs:10:5: 12:6}`: 8 bytes, alignment: 4 bytes
print-type-size type: `{async block@/root/.cargo/registry/src/x/lib.rs:1:1: 2:2}`: 8 bytes, alignment: 4 bytes
print-type-size type: `core::option::Option<u32>`: 8 bytes, alignment: 4 bytes
";
        let deps = ["embassy_sync".to_string(), "embassy_embedded_hal".into()].into();
        let sizes = future_sizes(out, "embassy_sensors", &deps);
        assert_eq!(sizes.len(), 3, "{sizes:?}");
        assert_eq!(
            sizes.get("{async fn body of report<drivers::tmp117::Tmp117<I>>()}"),
            Some(&120)
        );
        assert_eq!(sizes.get("{async block@src/main.rs:10:5: 12:6}"), Some(&8));
    }
}
