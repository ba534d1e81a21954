//! TI HDC1080 humidity sensor (datasheet SNAS675): register 1 is relative humidity as a 16-bit
//! fraction of 100 %.

use super::SharedBus;
use crate::i2c::I2cError;
use crate::sim_devices::HDC1080_ADDR;

const REG_HUMIDITY: u8 = 0x01;

pub struct Hdc1080 {
    bus: &'static SharedBus,
}

impl Hdc1080 {
    pub fn new(bus: &'static SharedBus) -> Self {
        Hdc1080 { bus }
    }

    /// Relative humidity in tenths of a percent, rounded.
    pub async fn read_permille(&self) -> Result<u32, I2cError> {
        let mut raw = [0u8; 2];
        self.bus
            .lock()
            .await
            .write_read(HDC1080_ADDR, &[REG_HUMIDITY], &mut raw)
            .await?;
        Ok((u16::from_be_bytes(raw) as u32 * 1000 + 32_768) >> 16)
    }
}
