//! TMP117 digital thermometer: 7.8125 m°C per LSB, one-shot conversions.

use super::{Error, Registers, Sensor};
use embassy_time::{Duration, Timer};
use embedded_hal_async::i2c::I2c;

const TEMP_RESULT: u8 = 0x00;
const CONFIGURATION: u8 = 0x01;
const DEVICE_ID: u8 = 0x07;
/// One-shot mode, 8 averages.
const ONE_SHOT_AVG8: u16 = 0x0C20;

pub struct Tmp117<B> {
    regs: Registers<B>,
}

impl<B: I2c> Tmp117<B> {
    pub async fn init(bus: B, address: u8) -> Result<Self, Error<B::Error>> {
        let mut regs = Registers::new(bus, address);
        regs.expect_id(DEVICE_ID, 0x0117).await?;
        Ok(Tmp117 { regs })
    }

    /// Temperature in milli-degrees Celsius.
    pub async fn measure(&mut self) -> Result<i32, Error<B::Error>> {
        self.regs.write_u16(CONFIGURATION, ONE_SHOT_AVG8).await?;
        Timer::after(Duration::from_millis(16)).await;
        let raw = self.regs.read_u16(TEMP_RESULT).await? as i16;
        Ok(raw as i32 * 78125 / 10000)
    }
}

impl<B: I2c> Sensor for Tmp117<B> {
    type Error = Error<B::Error>;
    async fn sample(&mut self) -> Result<i32, Self::Error> {
        self.measure().await
    }
}
