//! LPS22 barometer: 24-bit pressure in 1/4096 hPa, read as two registers after a one-shot trigger
//! and a poll of the status register.

use super::{Error, Registers, Sensor};
use embassy_time::{Duration, Timer};
use embedded_hal_async::i2c::I2c;

const PRESS_OUT: u8 = 0x00;
const CTRL_REG2: u8 = 0x02;
const WHO_AM_I: u8 = 0x07;
const ONE_SHOT: u16 = 0x0001;

pub struct Lps22<B> {
    regs: Registers<B>,
    polls: u32,
}

impl<B: I2c> Lps22<B> {
    pub async fn init(bus: B, address: u8) -> Result<Self, Error<B::Error>> {
        let mut regs = Registers::new(bus, address);
        regs.expect_id(WHO_AM_I, 0x00B3).await?;
        Ok(Lps22 { regs, polls: 0 })
    }

    async fn wait_ready(&mut self, max_polls: u32) -> Result<(), Error<B::Error>> {
        for _ in 0..max_polls {
            self.polls += 1;
            if self.regs.read_u16(CTRL_REG2).await? & ONE_SHOT == 0 {
                return Ok(());
            }
            Timer::after(Duration::from_millis(2)).await;
        }
        Err(Error::NotReady)
    }

    /// Pressure in Pa.
    pub async fn measure(&mut self) -> Result<i32, Error<B::Error>> {
        self.regs.write_u16(CTRL_REG2, ONE_SHOT).await?;
        self.regs.write_u16(CTRL_REG2, 0).await?;
        self.wait_ready(5).await?;
        let block: [u8; 4] = self.regs.read_block(PRESS_OUT).await?;
        let raw = i32::from_be_bytes([0, block[0], block[1], block[2]]);
        Ok(raw * 100 / 4096)
    }
}

impl<B: I2c> Sensor for Lps22<B> {
    type Error = Error<B::Error>;
    async fn sample(&mut self) -> Result<i32, Self::Error> {
        self.measure().await
    }
}
