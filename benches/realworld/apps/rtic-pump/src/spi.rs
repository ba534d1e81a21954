//! The board's SPI controller, simulated: an `embedded_hal_async::spi::SpiBus` whose transfers take
//! bus time (awaited on the SysTick monotonic, as a DMA completion would be) and whose input comes
//! from the device selected by the last chip-select pin driven low.

use crate::Mono;
use core::sync::atomic::{AtomicU8, Ordering};
use embedded_hal::digital::{ErrorType as PinErrorType, OutputPin};
use embedded_hal_async::spi::{ErrorKind, ErrorType, SpiBus};
use rtic_monotonics::systick::prelude::*;

/// GPIO port B data register: one bit per chip select.
const GPIOB_DATA: *mut u32 = 0x4000_53FC as *mut u32;

/// Which device is selected, for the simulation (0: none).
static SELECTED: AtomicU8 = AtomicU8::new(0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpiError {
    Mode,
}

impl embedded_hal_async::spi::Error for SpiError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::ModeFault
    }
}

/// A chip-select line, active low.
pub struct ChipSelect {
    pub device: u8,
}

impl PinErrorType for ChipSelect {
    type Error = core::convert::Infallible;
}

impl OutputPin for ChipSelect {
    fn set_low(&mut self) -> Result<(), Self::Error> {
        SELECTED.store(self.device, Ordering::Relaxed);
        // SAFETY: a device register of the board; the bit is this pin's alone.
        unsafe { core::ptr::write_volatile(GPIOB_DATA, !(1u32 << self.device)) }
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Self::Error> {
        SELECTED.store(0, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { core::ptr::write_volatile(GPIOB_DATA, 0xFF) }
        Ok(())
    }
}

pub struct SimSpi {
    /// State of the simulated devices: an ADC channel's value and the flash's status register.
    adc_level: u16,
    flash_status: u8,
    clocked_bytes: u32,
}

impl SimSpi {
    pub const fn new() -> Self {
        SimSpi {
            adc_level: 2048,
            flash_status: 0,
            clocked_bytes: 0,
        }
    }

    fn answer(&mut self, out: u8, index: usize) -> u8 {
        match SELECTED.load(Ordering::Relaxed) {
            // MCP3208-style ADC: 12-bit result in the second and third bytes.
            1 => {
                self.adc_level = self.adc_level.wrapping_add(37) & 0x0FFF;
                match index {
                    1 => (self.adc_level >> 8) as u8,
                    2 => self.adc_level as u8,
                    _ => 0,
                }
            }
            // SPI NOR flash: status register busy for one poll after a program.
            2 => {
                if out == 0x02 && index == 0 {
                    self.flash_status = 1;
                }
                if out == 0x05 && index == 0 {
                    let s = self.flash_status;
                    self.flash_status = 0;
                    return s;
                }
                0xFF
            }
            _ => 0,
        }
    }

    async fn clock(&mut self, bytes: usize) {
        self.clocked_bytes = self.clocked_bytes.wrapping_add(bytes as u32);
        // 8 MHz SCK: one microsecond per byte, rounded up to the monotonic's tick by the delay.
        Mono::delay((bytes as u32).div_ceil(1000).micros()).await;
    }
}

impl ErrorType for SimSpi {
    type Error = SpiError;
}

impl SpiBus<u8> for SimSpi {
    async fn read(&mut self, words: &mut [u8]) -> Result<(), SpiError> {
        for (i, w) in words.iter_mut().enumerate() {
            *w = self.answer(0, i);
        }
        self.clock(words.len()).await;
        Ok(())
    }

    async fn write(&mut self, words: &[u8]) -> Result<(), SpiError> {
        for (i, &w) in words.iter().enumerate() {
            self.answer(w, i);
        }
        self.clock(words.len()).await;
        Ok(())
    }

    async fn transfer(&mut self, read: &mut [u8], write: &[u8]) -> Result<(), SpiError> {
        for i in 0..read.len().max(write.len()) {
            let r = self.answer(write.get(i).copied().unwrap_or(0), i);
            if let Some(slot) = read.get_mut(i) {
                *slot = r;
            }
        }
        self.clock(read.len().max(write.len())).await;
        Ok(())
    }

    async fn transfer_in_place(&mut self, words: &mut [u8]) -> Result<(), SpiError> {
        for (i, w) in words.iter_mut().enumerate() {
            *w = self.answer(*w, i);
        }
        self.clock(words.len()).await;
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), SpiError> {
        Ok(())
    }
}
