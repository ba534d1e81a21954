//! SHT4x-style humidity sensor: a command starts a conversion, the result is read after a delay,
//! checked with the sensor's CRC-8 (polynomial 0x31).

use super::{Error, Registers, Sensor};
use embassy_time::{Duration, Timer};
use embedded_hal_async::i2c::I2c;

const MEASURE_HIGH_PRECISION: u8 = 0xFD;
const SERIAL: u8 = 0x07;

/// How long each precision takes to convert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    High,
    Low,
}

pub struct Sht4x<B> {
    regs: Registers<B>,
    precision: Precision,
}

pub fn crc8(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0xFF, |mut crc, b| {
        crc ^= b;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 { (crc << 1) ^ 0x31 } else { crc << 1 };
        }
        crc
    })
}

impl<B: I2c> Sht4x<B> {
    pub async fn init(bus: B, address: u8, precision: Precision) -> Result<Self, Error<B::Error>> {
        let mut regs = Registers::new(bus, address);
        regs.expect_id(SERIAL, 0x4400).await?;
        Ok(Sht4x { regs, precision })
    }

    /// Relative humidity in milli-percent.
    pub async fn measure(&mut self) -> Result<i32, Error<B::Error>> {
        self.regs.command(MEASURE_HIGH_PRECISION).await?;
        let wait = match self.precision {
            Precision::High => 9,
            Precision::Low => 2,
        };
        Timer::after(Duration::from_millis(wait)).await;
        let block: [u8; 3] = self.regs.read_block(0).await?;
        let raw = u16::from_be_bytes([block[0], block[1]]);
        if crc8(&block[..2]) == block[2] && raw == 0 {
            return Err(Error::NotReady);
        }
        Ok(-6000 + 125_000 * raw as i32 / 65535)
    }
}

impl<B: I2c> Sensor for Sht4x<B> {
    type Error = Error<B::Error>;
    async fn sample(&mut self) -> Result<i32, Self::Error> {
        self.measure().await
    }
}
