//! The board: QEMU's `mps2-an386`, an ARM MPS2 FPGA board with the AN386 image (a Cortex-M4).
//!
//! Why this machine: it is the only Cortex-M4 board QEMU 7.2 (Debian bookworm) models
//! (`qemu-system-arm -machine help`: an385 is a Cortex-M3, an500 a Cortex-M7, an505/an521
//! Cortex-M33), so it runs exactly what `thumbv7em-none-eabihf` produces, FPU included. And it
//! has two CMSDK APB timers with interrupts, which is all this firmware needs from hardware: one
//! paces the simulated I2C bus, the other is the periodic tick.
//!
//! We use no PAC: cortex-m-rt (without its `device` feature) sends every device interrupt to
//! `DefaultHandler`, which dispatches on the interrupt number below.

use cortex_m::interrupt::InterruptNumber;

/// Clock of the APB peripherals (the CMSDK timers count at this rate).
pub const PCLK_HZ: u32 = 25_000_000;

/// CMSDK APB timer 0: completes I2C transfers.
pub const TIMER0_BASE: usize = 0x4000_0000;
/// CMSDK APB timer 1: the periodic tick.
pub const TIMER1_BASE: usize = 0x4000_1000;

/// Device interrupts we use, numbered as the NVIC sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum Irq {
    Timer0 = 8,
    Timer1 = 9,
}

// SAFETY: the values are the board's interrupt numbers for these timers.
unsafe impl InterruptNumber for Irq {
    fn number(self) -> u16 {
        self as u16
    }
}

/// Enables a device interrupt in the NVIC.
pub fn unmask(irq: Irq) {
    // SAFETY: both handlers only touch atomics, so unmasking cannot break a critical section.
    unsafe { cortex_m::peripheral::NVIC::unmask(irq) }
}

/// cortex-m-rt calls this for every exception and interrupt without its own handler; `irqn` is the
/// exception number minus 16, i.e. the device interrupt number for device interrupts.
#[cortex_m_rt::exception]
unsafe fn DefaultHandler(irqn: i16) {
    match irqn {
        8 => crate::i2c::on_timer0_interrupt(),
        9 => crate::time::on_timer1_interrupt(),
        _ => panic!("unexpected exception or interrupt {irqn}"),
    }
}
