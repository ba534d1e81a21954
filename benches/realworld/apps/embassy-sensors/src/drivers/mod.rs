//! Sensor drivers over `embedded_hal_async::i2c::I2c`, in the shape of the registry's drivers: a
//! register layer shared by all ([`Registers`]), and per device a driver with an `init` that checks
//! the chip id and configures it, and a `measure` that triggers, waits and converts.

pub mod lps22;
pub mod sht4x;
pub mod tmp117;
pub mod veml7700;

use embedded_hal_async::i2c::I2c;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error<E> {
    Bus(E),
    WrongChip { expected: u16, found: u16 },
    NotReady,
}

/// What the sensor tasks need of a driver: one sample in the unit of its quantity.
#[allow(async_fn_in_trait)]
pub trait Sensor {
    type Error;
    async fn sample(&mut self) -> Result<i32, Self::Error>;
}

/// 16-bit big-endian registers behind a one-byte pointer, the layout most I2C sensors share.
pub struct Registers<B> {
    bus: B,
    address: u8,
}

impl<B: I2c> Registers<B> {
    pub fn new(bus: B, address: u8) -> Self {
        Registers { bus, address }
    }

    pub async fn read_u16(&mut self, register: u8) -> Result<u16, Error<B::Error>> {
        let mut buffer = [0u8; 2];
        self.bus
            .write_read(self.address, &[register], &mut buffer)
            .await
            .map_err(Error::Bus)?;
        Ok(u16::from_be_bytes(buffer))
    }

    pub async fn write_u16(&mut self, register: u8, value: u16) -> Result<(), Error<B::Error>> {
        let [hi, lo] = value.to_be_bytes();
        self.bus
            .write(self.address, &[register, hi, lo])
            .await
            .map_err(Error::Bus)
    }

    /// A one-byte command (no register pointer semantics).
    pub async fn command(&mut self, command: u8) -> Result<(), Error<B::Error>> {
        self.bus.write(self.address, &[command]).await.map_err(Error::Bus)
    }

    /// Reads `N` consecutive registers in one transfer.
    pub async fn read_block<const N: usize>(&mut self, register: u8) -> Result<[u8; N], Error<B::Error>> {
        let mut buffer = [0u8; N];
        self.bus
            .write_read(self.address, &[register], &mut buffer)
            .await
            .map_err(Error::Bus)?;
        Ok(buffer)
    }

    pub async fn expect_id(&mut self, register: u8, expected: u16) -> Result<(), Error<B::Error>> {
        match self.read_u16(register).await? {
            found if found == expected => Ok(()),
            found => Err(Error::WrongChip { expected, found }),
        }
    }
}
