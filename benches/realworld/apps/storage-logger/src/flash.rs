//! The board's NOR flash, simulated behind `embedded_storage_async::nor_flash`: 4 KiB sectors,
//! word programming that can only clear bits (so `MultiwriteNorFlash` holds), and operations that
//! complete a few executor turns later, as a flash controller's busy bit would.
//!
//! The array lives in a region of the board's code memory that the image does not use, so the
//! flash costs no `.bss`: the image's RAM is the application's alone.

use embassy_futures::yield_now;
use embedded_storage_async::nor_flash::{
    ErrorType, MultiwriteNorFlash, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

/// Where the simulated array starts (3 MiB into mps2-an386's 4 MiB code SSRAM).
const BASE: usize = 0x0030_0000;
pub const CAPACITY: usize = 256 * 1024;
pub const SECTOR: usize = 4096;
/// Executor turns a sector erase and a word program keep the controller busy.
const ERASE_TURNS: u32 = 8;
const PROGRAM_TURNS: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashError {
    OutOfBounds,
    NotAligned,
}

impl NorFlashError for FlashError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            FlashError::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            FlashError::NotAligned => NorFlashErrorKind::NotAligned,
        }
    }
}

pub struct SimFlash {
    erases: u32,
}

impl SimFlash {
    pub const fn new() -> Self {
        SimFlash { erases: 0 }
    }

    fn check(offset: u32, len: usize, align: usize) -> Result<usize, FlashError> {
        let start = offset as usize;
        if start + len > CAPACITY {
            return Err(FlashError::OutOfBounds);
        }
        if start % align != 0 || len % align != 0 {
            return Err(FlashError::NotAligned);
        }
        Ok(start)
    }

    async fn busy(turns: u32) {
        for _ in 0..turns {
            yield_now().await;
        }
    }
}

impl ErrorType for SimFlash {
    type Error = FlashError;
}

impl ReadNorFlash for SimFlash {
    const READ_SIZE: usize = 1;

    async fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), FlashError> {
        let start = Self::check(offset, bytes.len(), 1)?;
        for (i, b) in bytes.iter_mut().enumerate() {
            // SAFETY: inside the simulated array, which nothing else in the image uses.
            *b = unsafe { core::ptr::read_volatile((BASE + start + i) as *const u8) };
        }
        Ok(())
    }

    fn capacity(&self) -> usize {
        CAPACITY
    }
}

impl NorFlash for SimFlash {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = SECTOR;

    async fn erase(&mut self, from: u32, to: u32) -> Result<(), FlashError> {
        let start = Self::check(from, to.saturating_sub(from) as usize, SECTOR)?;
        for i in start..to as usize {
            // SAFETY: as in `read`.
            unsafe { core::ptr::write_volatile((BASE + i) as *mut u8, 0xFF) };
        }
        self.erases += (to - from) / SECTOR as u32;
        Self::busy(ERASE_TURNS).await;
        Ok(())
    }

    async fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), FlashError> {
        let start = Self::check(offset, bytes.len(), Self::WRITE_SIZE)?;
        for (i, b) in bytes.iter().enumerate() {
            let cell = (BASE + start + i) as *mut u8;
            // SAFETY: as in `read`. Programming only clears bits.
            unsafe { core::ptr::write_volatile(cell, core::ptr::read_volatile(cell) & b) };
        }
        Self::busy(PROGRAM_TURNS).await;
        Ok(())
    }
}

impl MultiwriteNorFlash for SimFlash {}
