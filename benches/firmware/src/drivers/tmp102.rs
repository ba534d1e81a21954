//! TI TMP102 digital temperature sensor (datasheet SBOS397): register 0 is the temperature, 12 bits
//! left-justified in two bytes, 0.0625 °C per LSB.

use super::SharedBus;
use crate::i2c::I2cError;
use crate::sim_devices::TMP102_ADDR;

const REG_TEMPERATURE: u8 = 0x00;

pub struct Tmp102 {
    bus: &'static SharedBus,
}

impl Tmp102 {
    pub fn new(bus: &'static SharedBus) -> Self {
        Tmp102 { bus }
    }

    /// Temperature in thousandths of a degree Celsius.
    pub async fn read_millicelsius(&self) -> Result<i32, I2cError> {
        let mut raw = [0u8; 2];
        self.bus
            .lock()
            .await
            .write_read(TMP102_ADDR, &[REG_TEMPERATURE], &mut raw)
            .await?;
        let sixteenths = i16::from_be_bytes(raw) >> 4;
        Ok(sixteenths as i32 * 625 / 10)
    }
}
