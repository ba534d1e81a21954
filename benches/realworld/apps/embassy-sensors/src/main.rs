//! An environmental sensor node on embassy, in the shape of a product's firmware: four I2C sensors
//! share one bus through embassy-embedded-hal's `I2cDevice` over an embassy-sync `Mutex`; each
//! sensor has its own task, spawned with its configuration and its sample history by value; the
//! tasks send readings over a `Channel` to a telemetry task that frames them for the uplink, and
//! raise a `Signal` for the alarm task when a reading leaves its configured band.
//!
//! Every task's future lives in a static `POOL` the size of that future (embassy-executor 0.10),
//! which is what `realworld` measures per toolchain.

#![no_std]
#![no_main]

mod bus;
mod drivers;
mod telemetry;
mod time_driver;

use bus::SimI2c;
use drivers::{lps22::Lps22, sht4x, sht4x::Sht4x, tmp117::Tmp117, veml7700::Veml7700, Sensor};
use embassy_embedded_hal::shared_bus::asynch::i2c::I2cDevice;
use embassy_executor::Spawner;
use embassy_sync::blocking_mutex::raw::CriticalSectionRawMutex;
use embassy_sync::channel::Channel;
use embassy_sync::mutex::Mutex;
use embassy_sync::signal::Signal;
use embassy_time::{Duration, Ticker, Timer};
use telemetry::{Quantity, Reading};

type Bus = Mutex<CriticalSectionRawMutex, SimI2c>;
type Device = I2cDevice<'static, CriticalSectionRawMutex, SimI2c>;

static I2C_BUS: Bus = Mutex::new(SimI2c::new());
static READINGS: Channel<CriticalSectionRawMutex, Reading, 8> = Channel::new();
static ALARM: Signal<CriticalSectionRawMutex, Reading> = Signal::new();

/// What a sensor task is told at spawn time, as a product's configuration store would hold it.
#[derive(Clone, Copy)]
pub struct SensorConfig {
    pub name: &'static str,
    pub address: u8,
    pub period: Duration,
    /// Readings outside `low..=high` raise the alarm.
    pub low: i32,
    pub high: i32,
    /// Piecewise-linear correction: offsets at 16 evenly spaced points of the range.
    pub calibration: [i16; 16],
    /// Readings averaged into one report.
    pub oversample: u8,
}

impl SensorConfig {
    fn correct(&self, value: i32) -> i32 {
        let span = (self.high - self.low).max(1);
        let index = ((value - self.low).clamp(0, span) * 15 / span) as usize;
        value + self.calibration[index] as i32
    }
}

/// A sensor's recent raw samples, owned by its task: a moving window for the median filter.
pub struct History<const N: usize> {
    samples: [i32; N],
    next: usize,
    filled: bool,
}

impl<const N: usize> History<N> {
    pub const fn new() -> Self {
        History {
            samples: [0; N],
            next: 0,
            filled: false,
        }
    }

    fn push(&mut self, value: i32) {
        self.samples[self.next] = value;
        self.next = (self.next + 1) % N;
        self.filled |= self.next == 0;
    }

    fn median(&self) -> i32 {
        let len = if self.filled { N } else { self.next.max(1) };
        let mut sorted = self.samples;
        sorted[..len].sort_unstable();
        sorted[len / 2]
    }
}

/// Averages `config.oversample` samples, filters, corrects, and reports.
async fn report<S: Sensor>(config: &SensorConfig, history: &mut History<32>, quantity: Quantity, sensor: &mut S) {
    let mut sum = 0;
    let mut good = 0;
    for _ in 0..config.oversample.max(1) {
        if let Ok(v) = sensor.sample().await {
            sum += v;
            good += 1;
        }
    }
    if good == 0 {
        READINGS.send(Reading::failed(config.name, quantity)).await;
        return;
    }
    history.push(sum / good);
    let reading = Reading::new(config.name, quantity, config.correct(history.median()));
    if reading.value < config.low || reading.value > config.high {
        ALARM.signal(reading);
    }
    READINGS.send(reading).await;
}

/// A sensor task's life after its driver's `init`: a report every `config.period`, or, when the
/// sensor did not answer, one failed reading.
async fn sample_forever<S: Sensor, E>(
    config: SensorConfig,
    mut history: History<32>,
    quantity: Quantity,
    sensor: Result<S, E>,
) {
    let Ok(mut sensor) = sensor else {
        return READINGS.send(Reading::failed(config.name, quantity)).await;
    };
    let mut ticker = Ticker::every(config.period);
    loop {
        report(&config, &mut history, quantity, &mut sensor).await;
        ticker.next().await;
    }
}

#[embassy_executor::task]
async fn temperature_task(config: SensorConfig, history: History<32>, bus: Device) {
    let sensor = Tmp117::init(bus, config.address).await;
    sample_forever(config, history, Quantity::MilliCelsius, sensor).await
}

#[embassy_executor::task]
async fn humidity_task(config: SensorConfig, history: History<32>, bus: Device) {
    // A slow reporting period affords the long, quiet conversion.
    let precision = match config.period >= Duration::from_secs(1) {
        true => sht4x::Precision::High,
        false => sht4x::Precision::Low,
    };
    let sensor = Sht4x::init(bus, config.address, precision).await;
    sample_forever(config, history, Quantity::MilliPercent, sensor).await
}

#[embassy_executor::task]
async fn pressure_task(config: SensorConfig, history: History<32>, bus: Device) {
    let sensor = Lps22::init(bus, config.address).await;
    sample_forever(config, history, Quantity::Pascal, sensor).await
}

#[embassy_executor::task]
async fn light_task(config: SensorConfig, history: History<32>, bus: Device) {
    let sensor = Veml7700::init(bus, config.address).await;
    sample_forever(config, history, Quantity::MilliLux, sensor).await
}

/// Alarm output: blinks the (simulated) alarm LED pattern for each out-of-band reading.
#[embassy_executor::task]
async fn alarm_task(pattern: [u16; 8]) {
    loop {
        let reading = ALARM.wait().await;
        for (i, on_ms) in pattern.iter().enumerate() {
            telemetry::set_led(i % 2 == 0 && reading.value != 0);
            Timer::after(Duration::from_millis(*on_ms as u64)).await;
        }
        telemetry::set_led(false);
    }
}

const fn config(name: &'static str, address: u8, period_ms: u64, low: i32, high: i32) -> SensorConfig {
    SensorConfig {
        name,
        address,
        period: Duration::from_millis(period_ms),
        low,
        high,
        calibration: [0, 1, 1, 2, 2, 3, 3, 3, 2, 2, 1, 0, -1, -2, -3, -4],
        oversample: 4,
    }
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let core = cortex_m::Peripherals::take().unwrap();
    time_driver::init(core.SYST);
    let device = || I2cDevice::new(&I2C_BUS);
    spawner.spawn(temperature_task(config("temp", 0x48, 500, -20_000, 60_000), History::new(), device()).unwrap());
    spawner.spawn(humidity_task(config("rh", 0x44, 1000, 10_000, 90_000), History::new(), device()).unwrap());
    spawner.spawn(pressure_task(config("baro", 0x5C, 2000, 80_000, 110_000), History::new(), device()).unwrap());
    spawner.spawn(light_task(config("lux", 0x10, 250, 0, 100_000_000), History::new(), device()).unwrap());
    spawner.spawn(alarm_task([200, 100, 200, 100, 600, 100, 600, 1000]).unwrap());
    spawner.spawn(telemetry::uplink_task(telemetry::UplinkConfig::default(), [0; 128]).unwrap());
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    cortex_m::asm::udf()
}
