//! ARM CMSDK APB timer, the programmable down-counter on the MPS2 boards (ARM DDI 0479, 4.4).
//!
//! Counts down at PCLK from VALUE; on reaching zero it raises its interrupt (if enabled) and
//! reloads from RELOAD. Registers are accessed with volatile writes through raw pointers: four registers do not need a register-access crate.

use core::ptr::write_volatile;

const CTRL: usize = 0x00;
const VALUE: usize = 0x04;
const RELOAD: usize = 0x08;
const INTCLEAR: usize = 0x0c;

const CTRL_ENABLE: u32 = 1 << 0;
const CTRL_IRQ_ENABLE: u32 = 1 << 3;

/// One timer, by base address.
#[derive(Clone, Copy)]
pub struct CmsdkTimer {
    base: usize,
}

impl CmsdkTimer {
    /// # Safety
    /// `base` must be a CMSDK APB timer, and its users must agree on who programs it.
    pub const unsafe fn new(base: usize) -> Self {
        CmsdkTimer { base }
    }

    fn write(self, offset: usize, value: u32) {
        // SAFETY: `new`'s contract: this is a timer register.
        unsafe { write_volatile((self.base + offset) as *mut u32, value) }
    }

    /// Interrupt every `ticks` PCLK cycles from now on.
    pub fn start_periodic(self, ticks: u32) {
        self.write(CTRL, 0);
        self.write(RELOAD, ticks);
        self.write(VALUE, ticks);
        self.write(INTCLEAR, 1);
        self.write(CTRL, CTRL_ENABLE | CTRL_IRQ_ENABLE);
    }

    /// Interrupt once, `ticks` PCLK cycles from now (the handler calls `stop`).
    pub fn start_oneshot(self, ticks: u32) {
        self.start_periodic(ticks);
    }

    pub fn stop(self) {
        self.write(CTRL, 0);
    }

    /// Acknowledge the interrupt (INTCLEAR is write-one-to-clear).
    pub fn clear_interrupt(self) {
        self.write(INTCLEAR, 1);
    }
}
