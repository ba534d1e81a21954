//! A simulated I2C bus whose transfers complete from an interrupt handler.
//!
//! QEMU's mps2-an386 has no I2C controller we can drive, so the controller is modelled the way a
//! DMA-driven one behaves: `write_read` describes the transfer in shared atomics, starts CMSDK
//! timer 0 for as long as the bytes take on a 400 kHz bus, and awaits. The timer interrupt plays
//! the controller finishing: it asks the simulated devices (`sim_devices`) for the answer, stores
//! it, and wakes the task. Driver code above sees an ordinary async I2C API.
//!
//! `I2cBus` is the bus handle; `write_read` takes `&mut self`, so a task needs exclusive access to
//! the bus to transfer, which is what the async mutex around it provides.

use crate::board::{PCLK_HZ, TIMER0_BASE};
use crate::cmsdk_timer::CmsdkTimer;
use crate::sim_devices;
use atomic_waker::AtomicWaker;
use core::future::poll_fn;
use core::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use core::task::Poll;

/// Fast-mode I2C: 400 kHz, 9 clocks (8 bits + ACK) per byte.
const PCLK_TICKS_PER_BYTE: u32 = PCLK_HZ / 400_000 * 9;
/// Transfers carry at most this many bytes each way (enough for the sensors here).
pub const MAX_LEN: usize = 4;

// SAFETY: timer 0 is programmed only here: by `write_read` while no transfer runs, and by its
// interrupt handler while one does.
const TIMER: CmsdkTimer = unsafe { CmsdkTimer::new(TIMER0_BASE) };

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum I2cError {
    /// No device acknowledged the address.
    Nack { addr: u8 },
}

const IDLE: u8 = 0;
const BUSY: u8 = 1;
const DONE: u8 = 2;
const NACK: u8 = 3;

/// The controller's registers, shared between the task and the interrupt handler.
struct Transfer {
    state: AtomicU8,
    addr: AtomicU8,
    write: AtomicU32,
    write_len: AtomicU8,
    read: AtomicU32,
    read_len: AtomicU8,
    waker: AtomicWaker,
}

static XFER: Transfer = Transfer {
    state: AtomicU8::new(IDLE),
    addr: AtomicU8::new(0),
    write: AtomicU32::new(0),
    write_len: AtomicU8::new(0),
    read: AtomicU32::new(0),
    read_len: AtomicU8::new(0),
    waker: AtomicWaker::new(),
};

/// The bus handle (one per bus; share it through `mutex::Mutex`).
pub struct I2cBus {
    transfers: u32,
}

impl I2cBus {
    pub const fn new() -> Self {
        I2cBus { transfers: 0 }
    }

    /// Completed transfers so far.
    pub fn transfers(&self) -> u32 {
        self.transfers
    }

    /// Writes `write` to device `addr`, then reads `read.len()` bytes (a repeated-start transfer).
    pub async fn write_read(&mut self, addr: u8, write: &[u8], read: &mut [u8]) -> Result<(), I2cError> {
        assert!(write.len() <= MAX_LEN && read.len() <= MAX_LEN, "I2C transfer too long");
        // A transfer whose future was dropped may still be on the wire: let it finish first.
        wait_not_busy().await;
        let mut out = [0u8; 4];
        out[..write.len()].copy_from_slice(write);
        XFER.addr.store(addr, Ordering::Relaxed);
        XFER.write.store(u32::from_le_bytes(out), Ordering::Relaxed);
        XFER.write_len.store(write.len() as u8, Ordering::Relaxed);
        XFER.read_len.store(read.len() as u8, Ordering::Relaxed);
        XFER.state.store(BUSY, Ordering::Release);
        // Address byte twice (write, then repeated start for the read) plus the data bytes.
        let bytes = 2 + write.len() + read.len();
        TIMER.start_oneshot(PCLK_TICKS_PER_BYTE * bytes as u32);
        let state = wait_not_busy().await;
        XFER.state.store(IDLE, Ordering::Release);
        self.transfers += 1;
        match state {
            DONE => {
                let data = XFER.read.load(Ordering::Acquire).to_le_bytes();
                read.copy_from_slice(&data[..read.len()]);
                Ok(())
            }
            _ => Err(I2cError::Nack { addr }),
        }
    }
}

/// Resolves with the transfer state once no transfer is in flight.
async fn wait_not_busy() -> u8 {
    poll_fn(|cx| {
        let state = XFER.state.load(Ordering::Acquire);
        if state != BUSY {
            return Poll::Ready(state);
        }
        XFER.waker.register(cx.waker());
        match XFER.state.load(Ordering::Acquire) {
            BUSY => Poll::Pending,
            state => Poll::Ready(state),
        }
    })
    .await
}

/// Timer 0's interrupt: the transfer is over on the wire; the addressed device answers.
pub fn on_timer0_interrupt() {
    TIMER.clear_interrupt();
    TIMER.stop();
    if XFER.state.load(Ordering::Acquire) != BUSY {
        return;
    }
    let write = XFER.write.load(Ordering::Relaxed).to_le_bytes();
    let write_len = XFER.write_len.load(Ordering::Relaxed) as usize;
    let mut read = [0u8; MAX_LEN];
    let read_len = XFER.read_len.load(Ordering::Relaxed) as usize;
    let addr = XFER.addr.load(Ordering::Relaxed);
    match sim_devices::transfer(addr, &write[..write_len], &mut read[..read_len]) {
        sim_devices::Response::Ack => {
            XFER.read.store(u32::from_le_bytes(read), Ordering::Relaxed);
            XFER.state.store(DONE, Ordering::Release);
        }
        sim_devices::Response::Nack => XFER.state.store(NACK, Ordering::Release),
        // The device holds the clock low forever: the transfer never ends (fault injection).
        sim_devices::Response::Stretch => return,
    }
    XFER.waker.wake();
}
