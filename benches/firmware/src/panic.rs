//! The panic handler: report the message and where, then end the run with a failure exit code, so
//! the runner can tell a panic on the device (and why) from a hang or a wrong transcript.

use core::panic::PanicInfo;
use cortex_m_semihosting::debug;

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    cortex_m::interrupt::disable();
    match info.location() {
        Some(l) => cortex_m_semihosting::hprintln!("PANIC: {} at {}:{}", info.message(), l.file(), l.line()),
        None => cortex_m_semihosting::hprintln!("PANIC: {}", info.message()),
    }
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
