//! Drivers for the two SPI devices, generic over `embedded_hal_async::spi::SpiDevice` as the
//! registry's drivers are: a 12-bit ADC (line pressure and motor current) and a NOR flash that the
//! logger writes pages of samples to.

use embedded_hal_async::spi::{Operation, SpiDevice};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceError<E> {
    Spi(E),
    Timeout,
}

/// MCP3208-style ADC: start bit, single-ended, channel; result in the next 12 bits.
pub struct Adc<D> {
    spi: D,
}

impl<D: SpiDevice> Adc<D> {
    pub fn new(spi: D) -> Self {
        Adc { spi }
    }

    pub async fn read_channel(&mut self, channel: u8) -> Result<u16, DeviceError<D::Error>> {
        let mut frame = [0x06 | (channel >> 2), (channel & 3) << 6, 0];
        self.spi.transfer_in_place(&mut frame).await.map_err(DeviceError::Spi)?;
        Ok(u16::from_be_bytes([frame[1] & 0x0F, frame[2]]))
    }

    /// Averages `n` conversions of `channel`.
    pub async fn read_averaged(&mut self, channel: u8, n: u8) -> Result<u16, DeviceError<D::Error>> {
        let mut sum = 0u32;
        for _ in 0..n.max(1) {
            sum += self.read_channel(channel).await? as u32;
        }
        Ok((sum / n.max(1) as u32) as u16)
    }
}

const WRITE_ENABLE: u8 = 0x06;
const PAGE_PROGRAM: u8 = 0x02;
const READ_STATUS: u8 = 0x05;
const SECTOR_ERASE: u8 = 0x20;
pub const PAGE_SIZE: usize = 256;
const SECTOR_SIZE: u32 = 4096;

/// SPI NOR flash (W25Q-style command set).
pub struct NorFlash<D> {
    spi: D,
}

impl<D: SpiDevice> NorFlash<D> {
    pub fn new(spi: D) -> Self {
        NorFlash { spi }
    }

    async fn command(&mut self, command: u8) -> Result<(), DeviceError<D::Error>> {
        self.spi.write(&[command]).await.map_err(DeviceError::Spi)
    }

    async fn wait_idle(&mut self, max_polls: u32) -> Result<(), DeviceError<D::Error>> {
        for _ in 0..max_polls {
            let mut status = [0u8];
            self.spi
                .transaction(&mut [Operation::Write(&[READ_STATUS]), Operation::Read(&mut status)])
                .await
                .map_err(DeviceError::Spi)?;
            if status[0] & 1 == 0 {
                return Ok(());
            }
        }
        Err(DeviceError::Timeout)
    }

    fn address(command: u8, address: u32) -> [u8; 4] {
        let [_, a2, a1, a0] = address.to_be_bytes();
        [command, a2, a1, a0]
    }

    pub async fn erase_sector(&mut self, address: u32) -> Result<(), DeviceError<D::Error>> {
        self.command(WRITE_ENABLE).await?;
        let header = Self::address(SECTOR_ERASE, address & !(SECTOR_SIZE - 1));
        self.spi.write(&header).await.map_err(DeviceError::Spi)?;
        self.wait_idle(400).await
    }

    pub async fn program_page(&mut self, address: u32, page: &[u8; PAGE_SIZE]) -> Result<(), DeviceError<D::Error>> {
        if address % SECTOR_SIZE == 0 {
            self.erase_sector(address).await?;
        }
        self.command(WRITE_ENABLE).await?;
        let header = Self::address(PAGE_PROGRAM, address);
        self.spi
            .transaction(&mut [Operation::Write(&header), Operation::Write(page)])
            .await
            .map_err(DeviceError::Spi)?;
        self.wait_idle(30).await
    }
}
