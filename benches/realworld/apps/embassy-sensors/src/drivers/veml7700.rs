//! VEML7700 ambient light sensor with automatic gain: a reading near full scale lowers the gain
//! and measures again.

use super::{Error, Registers, Sensor};
use embassy_time::{Duration, Timer};
use embedded_hal_async::i2c::I2c;

const ALS_CONF: u8 = 0x00;
const ALS: u8 = 0x04;
const ID: u8 = 0x07;
/// Lux per count at gain x1 and 100 ms, in micro-lux.
const RESOLUTION_ULX: [u32; 4] = [57_600, 28_800, 230_400, 460_800];

pub struct Veml7700<B> {
    regs: Registers<B>,
    gain: usize,
}

impl<B: I2c> Veml7700<B> {
    pub async fn init(bus: B, address: u8) -> Result<Self, Error<B::Error>> {
        let mut regs = Registers::new(bus, address);
        regs.expect_id(ID, 0x0081).await?;
        regs.write_u16(ALS_CONF, 0).await?;
        Ok(Veml7700 { regs, gain: 0 })
    }

    async fn read_counts(&mut self) -> Result<u16, Error<B::Error>> {
        Timer::after(Duration::from_millis(100)).await;
        self.regs.read_u16(ALS).await
    }

    /// Illuminance in milli-lux.
    pub async fn measure(&mut self) -> Result<u32, Error<B::Error>> {
        let mut counts = self.read_counts().await?;
        while counts > 60_000 && self.gain + 1 < RESOLUTION_ULX.len() {
            self.gain += 1;
            self.regs.write_u16(ALS_CONF, (self.gain as u16) << 11).await?;
            counts = self.read_counts().await?;
        }
        Ok(counts as u32 * RESOLUTION_ULX[self.gain] / 1000)
    }
}

impl<B: I2c> Sensor for Veml7700<B> {
    type Error = Error<B::Error>;
    async fn sample(&mut self) -> Result<i32, Self::Error> {
        self.measure().await.map(|milli_lux| milli_lux as i32)
    }
}
