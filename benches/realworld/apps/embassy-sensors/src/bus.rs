//! The board's I2C controller, simulated: an `embedded_hal_async::i2c::I2c` whose transfers take
//! bus time (awaited on embassy-time, as a DMA transfer's completion interrupt would be) and are
//! answered by register models of the four devices on the bus.

use embassy_time::{Duration, Timer};
use embedded_hal_async::i2c::{ErrorKind, ErrorType, I2c, NoAcknowledgeSource, Operation, SevenBitAddress};

/// 400 kHz fast mode: 9 clocks per byte.
const BYTE_TIME_US: u64 = 23;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusError {
    Nack(u8),
    Overrun,
}

impl embedded_hal_async::i2c::Error for BusError {
    fn kind(&self) -> ErrorKind {
        match self {
            BusError::Nack(_) => ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address),
            BusError::Overrun => ErrorKind::Overrun,
        }
    }
}

/// One device's register file and what a read of it returns.
struct Device {
    address: u8,
    pointer: u8,
    registers: [u16; 8],
    /// Raw conversion result drifts by this much per read, so values change over time.
    drift: i16,
}

impl Device {
    const fn new(address: u8, registers: [u16; 8], drift: i16) -> Self {
        Device {
            address,
            pointer: 0,
            registers,
            drift,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        if let Some((&pointer, rest)) = bytes.split_first() {
            self.pointer = pointer & 7;
            if let [hi, lo] = rest {
                self.registers[self.pointer as usize] = u16::from_be_bytes([*hi, *lo]);
            }
        }
    }

    fn read(&mut self, buffer: &mut [u8]) {
        let reg = &mut self.registers[self.pointer as usize];
        let value = *reg;
        if self.pointer == 0 {
            *reg = reg.wrapping_add_signed(self.drift);
        }
        for (i, b) in buffer.iter_mut().enumerate() {
            *b = value.to_be_bytes()[i % 2];
        }
    }
}

pub struct SimI2c {
    devices: [Device; 4],
    transfers: u32,
}

impl SimI2c {
    pub const fn new() -> Self {
        SimI2c {
            devices: [
                // TMP117 temperature: 0x0C80 = 25 C, id register 7 = 0x0117.
                Device::new(0x48, [0x0C80, 0x0220, 0x6000, 0x8000, 0, 0, 0, 0x0117], 3),
                // SHT4x-like humidity (command based, answers on register 0).
                Device::new(0x44, [0x6666, 0, 0, 0, 0, 0, 0, 0x4400], -7),
                // LPS22 pressure (high word, low word in registers 0 and 1).
                Device::new(0x5C, [0x3F80, 0x0040, 0, 0, 0, 0, 0, 0x00B3], 1),
                // VEML7700 ambient light.
                Device::new(0x10, [0x0400, 0, 0, 0, 0, 0, 0, 0x0081], 11),
            ],
            transfers: 0,
        }
    }

    fn device(&mut self, address: u8) -> Result<&mut Device, BusError> {
        self.devices
            .iter_mut()
            .find(|d| d.address == address)
            .ok_or(BusError::Nack(address))
    }
}

impl ErrorType for SimI2c {
    type Error = BusError;
}

impl I2c<SevenBitAddress> for SimI2c {
    async fn transaction(&mut self, address: u8, operations: &mut [Operation<'_>]) -> Result<(), BusError> {
        let mut bytes = 1;
        for op in operations.iter_mut() {
            let device = self.device(address)?;
            match op {
                Operation::Write(data) => {
                    device.write(data);
                    bytes += data.len();
                }
                Operation::Read(buffer) => {
                    device.read(buffer);
                    bytes += buffer.len();
                }
            }
        }
        self.transfers = self.transfers.wrapping_add(1);
        if bytes > 64 {
            return Err(BusError::Overrun);
        }
        Timer::after(Duration::from_micros(BYTE_TIME_US * bytes as u64)).await;
        Ok(())
    }
}
