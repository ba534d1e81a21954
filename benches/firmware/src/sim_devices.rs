//! The devices on the simulated I2C bus, answering from the bus interrupt handler.
//!
//! Two sensors with the register layouts of real parts, so the drivers are the real conversions:
//! - a TI TMP102 temperature sensor at 0x48: register 0 holds the temperature as a 12-bit two's
//!   complement value in the top bits of two bytes, 0.0625 °C per step;
//! - a TI HDC1080 humidity sensor at 0x40: register 1 holds relative humidity as a 16-bit fraction
//!   of 100 %.
//!
//! Readings are a deterministic ramp (each read moves the value one step), so a run's transcript
//! is the same every time. The `fault-*` features make the TMP102 misbehave on its third read:
//! `fault-panic` makes it NACK, `fault-hang` makes it stretch the clock forever.

use core::sync::atomic::{AtomicU32, Ordering};

pub const TMP102_ADDR: u8 = 0x48;
pub const HDC1080_ADDR: u8 = 0x40;

/// How a device answers a transfer.
pub enum Response {
    Ack,
    Nack,
    /// Clock stretched forever: the transfer never completes.
    Stretch,
}

static TMP102_READS: AtomicU32 = AtomicU32::new(0);
static HDC1080_READS: AtomicU32 = AtomicU32::new(0);

/// One transfer: `write` selects the register, `read` receives its bytes (MSB first).
pub fn transfer(addr: u8, write: &[u8], read: &mut [u8]) -> Response {
    match (addr, write) {
        (TMP102_ADDR, [0x00]) => {
            let n = TMP102_READS.fetch_add(1, Ordering::Relaxed);
            if n == 2 && cfg!(feature = "fault-panic") {
                return Response::Nack;
            }
            if n == 2 && cfg!(feature = "fault-hang") {
                return Response::Stretch;
            }
            // 21.5 °C rising by 0.25 °C per read, in 1/16 °C steps.
            let sixteenths = (21 * 16 + 8 + 4 * n as i32) as i16;
            put_be(read, (sixteenths << 4) as u16);
            Response::Ack
        }
        (HDC1080_ADDR, [0x01]) => {
            let n = HDC1080_READS.fetch_add(1, Ordering::Relaxed);
            // 45 % rising by 1.5 % per read, as a fraction of 65536.
            let permille = 450 + 15 * n;
            put_be(read, (permille * 65536 / 1000) as u16);
            Response::Ack
        }
        _ => Response::Nack,
    }
}

fn put_be(read: &mut [u8], value: u16) {
    for (dst, src) in read.iter_mut().zip(value.to_be_bytes()) {
        *dst = src;
    }
}
