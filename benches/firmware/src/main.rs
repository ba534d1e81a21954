//! Async firmware on a Cortex-M4 (QEMU `mps2-an386`), the workload on which toolchains are compared.
//!
//! Three tasks (`tasks`) run on our executor (`executor`, heap or static task storage by cargo
//! feature); two sensor drivers (`drivers`) share a simulated I2C bus (`i2c`, completed by a timer
//! interrupt) through a FIFO async mutex (`mutex`); a periodic tick (`time`) paces them. Output goes
//! to the host through semihosting: transcript lines, which must match `expected/<flavour>.txt`
//! on every toolchain, and `metric` lines, which are the toolchain-dependent measurements the
//! runner collects (future sizes, heap use). The run ends with a semihosting exit code: success
//! when all tasks finished, failure from the panic handler.

#![no_std]
#![no_main]

#[cfg(feature = "heap")]
extern crate alloc;

/// A transcript line on the host's stdout.
macro_rules! println {
    // Through `format_args!` so inline captures (`{x}`) work, which hprintln's one-literal form lacks.
    ($($arg:tt)*) => { cortex_m_semihosting::hprintln!("{}", format_args!($($arg)*)) };
}

/// A measurement line: `metric <name> <subject> <value>`; the runner keeps these out of the
/// transcript comparison.
macro_rules! metric {
    ($name:expr, $subject:expr, $value:expr) => {
        cortex_m_semihosting::hprintln!("metric {} {} {}", $name, $subject, $value)
    };
}

mod board;
mod cmsdk_timer;
mod drivers;
mod executor;
mod i2c;
mod mutex;
mod panic;
mod sim_devices;
mod tasks;
mod time;

use core::mem::size_of;
use core::sync::atomic::Ordering;
use cortex_m_semihosting::debug;
use executor::Executor;

const FLAVOUR: &str = if cfg!(feature = "heap") { "heap" } else { "static" };

/// Spawns a task function (no arguments) in the flavour's storage.
#[cfg(feature = "heap")]
macro_rules! spawn {
    ($executor:expr, $task:path) => {
        $executor.spawn($task())
    };
}
#[cfg(feature = "static")]
macro_rules! spawn {
    ($executor:expr, $task:path) => {{
        static SLOT: executor::StaticSlot<{ executor::future_size(&$task) }> = executor::StaticSlot::new();
        $executor.spawn_task(SLOT.init($task()))
    }};
}

/// `size_of` the future a task function returns, without calling it.
fn future_bytes<F: Fn() -> Fut, Fut>(_: &F) -> usize {
    size_of::<Fut>()
}

/// `size_of` the futures of the async HAL layers, measured on futures created and dropped unpolled
/// (an unpolled future has done nothing yet).
fn report_driver_future_sizes() {
    let mut bus = i2c::I2cBus::new();
    metric!(
        "future_bytes",
        "i2c_write_read",
        core::mem::size_of_val(&bus.write_read(0, &[], &mut []))
    );
    let tmp102 = drivers::tmp102::Tmp102::new(&tasks::BUS);
    metric!(
        "future_bytes",
        "tmp102_read",
        core::mem::size_of_val(&tmp102.read_millicelsius())
    );
    let hdc1080 = drivers::hdc1080::Hdc1080::new(&tasks::BUS);
    metric!(
        "future_bytes",
        "hdc1080_read",
        core::mem::size_of_val(&hdc1080.read_permille())
    );
}

#[cortex_m_rt::entry]
fn main() -> ! {
    println!("firmware: async sensors on mps2-an386, {FLAVOUR} executor");
    metric!("future_bytes", "temperature_task", future_bytes(&tasks::temperature));
    metric!("future_bytes", "humidity_task", future_bytes(&tasks::humidity));
    metric!("future_bytes", "heartbeat_task", future_bytes(&tasks::heartbeat));
    metric!(
        "future_bytes",
        "mutex_lock",
        size_of::<mutex::Lock<'static, i2c::I2cBus>>()
    );
    report_driver_future_sizes();

    #[cfg(feature = "heap")]
    executor::init_heap();
    let mut executor = Executor::new();
    spawn!(executor, tasks::temperature);
    spawn!(executor, tasks::humidity);
    spawn!(executor, tasks::heartbeat);
    #[cfg(feature = "heap")]
    metric!("heap_used_bytes", "after_spawn", executor::heap_used());

    board::unmask(board::Irq::Timer0);
    board::unmask(board::Irq::Timer1);
    time::start();
    executor.run();
    time::stop();

    println!(
        "done: {} bus transfers, bus contended {} times",
        tasks::BUS.try_lock().map_or(0, |bus| bus.transfers()),
        tasks::CONTENDED.load(Ordering::Relaxed)
    );
    metric!("executor_polls", "run", executor.stats.polls);
    metric!("executor_sleeps", "run", executor.stats.sleeps);
    debug::exit(debug::EXIT_SUCCESS);
    loop {
        cortex_m::asm::wfi();
    }
}
