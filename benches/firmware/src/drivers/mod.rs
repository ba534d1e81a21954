//! Sensor drivers. Each borrows the shared bus through the async mutex, so two drivers (and their
//! tasks) share one I2C bus with no critical section and no `RefCell` in sight: a driver holds the
//! bus for exactly one transfer and waits its turn in FIFO order.

pub mod hdc1080;
pub mod tmp102;

use crate::i2c::I2cBus;
use crate::mutex::Mutex;

/// The bus as drivers see it.
pub type SharedBus = Mutex<I2cBus>;
