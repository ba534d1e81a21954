//! A dosing-pump controller on RTIC 2, in the shape of a product's firmware.
//!
//! - `control` (priority 2) runs the pressure loop every 10 ms: ADC over a shared SPI bus
//!   (rtic-sync's `Arbiter`), a PI controller with its configuration passed at spawn, the PWM duty
//!   written to the shared `drive` resource, a sample sent to the logger over an rtic-sync channel.
//! - `logger` (priority 1) packs samples into 256-byte pages (its page buffer is a spawn argument)
//!   and programs them into the SPI NOR flash on the same bus.
//! - `commands` (priority 1) applies set-point commands that the UART0 interrupt assembles from
//!   received bytes; `supervisor` (priority 1) trips the pump when the current stays too high.
//!
//! Each async software task's future lives in a static RTIC generates for it, which is what
//! `realworld` measures per toolchain.

#![no_std]
#![no_main]

mod devices;
mod spi;

use rtic_monotonics::systick::prelude::*;

systick_monotonic!(Mono, 1_000);

/// One control-loop sample, as logged.
#[derive(Clone, Copy, Default)]
pub struct Sample {
    pub time_ms: u32,
    pub pressure: u16,
    pub current: u16,
    pub duty: u16,
}

impl Sample {
    const SIZE: usize = 8;
    fn encode(&self) -> [u8; Sample::SIZE] {
        let t = (self.time_ms as u16).to_le_bytes();
        let p = self.pressure.to_le_bytes();
        let c = self.current.to_le_bytes();
        let d = self.duty.to_le_bytes();
        [t[0], t[1], p[0], p[1], c[0], c[1], d[0], d[1]]
    }
}

/// The pressure loop's tuning, from the configuration store.
#[derive(Clone, Copy)]
pub struct PidConfig {
    pub period_ms: u32,
    pub kp: i32,
    pub ki: i32,
    pub integral_limit: i32,
    pub duty_max: u16,
    /// Pressure sensor linearisation: counts at 8 points of the range.
    pub curve: [u16; 8],
    pub oversample: u8,
}

#[derive(Clone, Copy)]
pub struct LogConfig {
    pub first_page: u32,
    pub pages: u32,
    /// Samples between two logged ones (1: every sample).
    pub decimation: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    SetPoint(u16),
    Stop,
    Resume,
}

fn parse_command(line: &[u8]) -> Option<Command> {
    match line {
        b"stop" => Some(Command::Stop),
        b"go" => Some(Command::Resume),
        [b's', b'=', digits @ ..] if !digits.is_empty() => {
            let mut value: u16 = 0;
            for d in digits {
                value = value.checked_mul(10)?.checked_add((*d as char).to_digit(10)? as u16)?;
            }
            Some(Command::SetPoint(value))
        }
        _ => None,
    }
}

#[rtic::app(device = lm3s6965, dispatchers = [SSI0, QEI0, I2C0])]
mod app {
    use super::*;
    use crate::devices::{Adc, NorFlash, PAGE_SIZE};
    use crate::spi::{ChipSelect, SimSpi};
    use rtic_sync::arbiter::{spi::ArbiterDevice, Arbiter};
    use rtic_sync::channel::{Receiver, Sender};
    use rtic_sync::make_channel;

    type Device = ArbiterDevice<'static, SimSpi, ChipSelect, Mono>;

    /// PWM compare register of the pump's motor driver.
    const PWM0_CMPA: *mut u32 = 0x4002_8058 as *mut u32;
    /// UART0 data register.
    const UART0_DR: *const u32 = 0x4000_C000 as *const u32;

    #[shared]
    struct Shared {
        set_point: u16,
        enabled: bool,
        last: Sample,
    }

    #[local]
    struct Local {
        line: heapless::Vec<u8, 32>,
        command_tx: Sender<'static, Command, 4>,
    }

    #[init(local = [bus: Arbiter<SimSpi> = Arbiter::new(SimSpi::new())])]
    fn init(cx: init::Context) -> (Shared, Local) {
        Mono::start(cx.core.SYST, 12_000_000);
        let bus: &'static Arbiter<SimSpi> = cx.local.bus;
        let adc = Adc::new(ArbiterDevice::new(bus, ChipSelect { device: 1 }, Mono));
        let flash = NorFlash::new(ArbiterDevice::new(bus, ChipSelect { device: 2 }, Mono));
        let (sample_tx, sample_rx) = make_channel!(Sample, 16);
        let (command_tx, command_rx) = make_channel!(Command, 4);
        let pid = PidConfig {
            period_ms: 10,
            kp: 180,
            ki: 12,
            integral_limit: 40_000,
            duty_max: 900,
            curve: [0, 410, 900, 1400, 1950, 2500, 3150, 4095],
            oversample: 4,
        };
        let log = LogConfig {
            first_page: 16,
            pages: 1024,
            decimation: 5,
        };
        control::spawn(pid, adc, sample_tx).ok();
        logger::spawn(log, [0xFF; PAGE_SIZE], flash, sample_rx).ok();
        commands::spawn(command_rx).ok();
        supervisor::spawn(950, 20).ok();
        (
            Shared {
                set_point: 1800,
                enabled: true,
                last: Sample::default(),
            },
            Local {
                line: heapless::Vec::new(),
                command_tx,
            },
        )
    }

    /// Pressure from ADC counts through the sensor's linearisation curve, in hundredths of a bar.
    fn linearise(curve: &[u16; 8], counts: u16) -> u16 {
        let segment = curve.windows(2).position(|w| counts < w[1]).unwrap_or(6);
        let (lo, hi) = (curve[segment] as u32, curve[segment + 1] as u32);
        let within = (counts as u32).saturating_sub(lo) * 100 / (hi - lo).max(1);
        (segment as u32 * 100 + within) as u16
    }

    async fn measure(adc: &mut Adc<Device>, config: &PidConfig) -> Option<(u16, u16)> {
        let pressure = adc.read_averaged(0, config.oversample).await.ok()?;
        let current = adc.read_channel(1).await.ok()?;
        Some((linearise(&config.curve, pressure), current))
    }

    #[task(priority = 2, shared = [set_point, enabled, last])]
    async fn control(
        mut cx: control::Context,
        config: PidConfig,
        mut adc: Adc<Device>,
        mut samples: Sender<'static, Sample, 16>,
    ) {
        let mut integral: i32 = 0;
        let mut next = Mono::now();
        loop {
            next += config.period_ms.millis();
            let Some((pressure, current)) = measure(&mut adc, &config).await else {
                Mono::delay_until(next).await;
                continue;
            };
            let set_point = cx.shared.set_point.lock(|s| *s);
            let enabled = cx.shared.enabled.lock(|e| *e);
            let error = set_point as i32 - pressure as i32;
            integral = (integral + error * config.ki).clamp(-config.integral_limit, config.integral_limit);
            let duty = match enabled {
                true => ((config.kp * error + integral) / 256).clamp(0, config.duty_max as i32) as u16,
                false => 0,
            };
            // SAFETY: the motor driver's compare register, written by this task only.
            unsafe { core::ptr::write_volatile(PWM0_CMPA, duty as u32) };
            let sample = Sample {
                time_ms: Mono::now().duration_since_epoch().as_millis() as u32,
                pressure,
                current,
                duty,
            };
            cx.shared.last.lock(|l| *l = sample);
            // A full channel drops the sample rather than delay the loop.
            let _ = samples.try_send(sample);
            Mono::delay_until(next).await;
        }
    }

    #[task(priority = 1)]
    async fn logger(
        _cx: logger::Context,
        config: LogConfig,
        mut page: [u8; PAGE_SIZE],
        mut flash: NorFlash<Device>,
        mut samples: Receiver<'static, Sample, 16>,
    ) {
        let mut page_index = 0;
        let mut fill = 0;
        let mut seen: u32 = 0;
        while let Ok(sample) = samples.recv().await {
            seen += 1;
            if seen % config.decimation.max(1) as u32 != 0 {
                continue;
            }
            page[fill..fill + Sample::SIZE].copy_from_slice(&sample.encode());
            fill += Sample::SIZE;
            if fill + Sample::SIZE > PAGE_SIZE {
                let address = (config.first_page + page_index) * PAGE_SIZE as u32;
                if flash.program_page(address, &page).await.is_err() {
                    continue;
                }
                page_index = (page_index + 1) % config.pages;
                page.fill(0xFF);
                fill = 0;
            }
        }
    }

    #[task(priority = 1, shared = [set_point, enabled])]
    async fn commands(mut cx: commands::Context, mut received: Receiver<'static, Command, 4>) {
        while let Ok(command) = received.recv().await {
            match command {
                Command::SetPoint(p) => cx.shared.set_point.lock(|s| *s = p.min(3000)),
                Command::Stop => cx.shared.enabled.lock(|e| *e = false),
                Command::Resume => cx.shared.enabled.lock(|e| *e = true),
            }
        }
    }

    /// Trips the pump when the motor current stays above `limit` for `samples` checks in a row.
    #[task(priority = 1, shared = [enabled, last])]
    async fn supervisor(mut cx: supervisor::Context, limit: u16, samples: u8) {
        let mut over = 0;
        loop {
            Mono::delay(50.millis()).await;
            let current = cx.shared.last.lock(|l| l.current);
            over = if current > limit { over + 1 } else { 0 };
            if over >= samples {
                cx.shared.enabled.lock(|e| *e = false);
                over = 0;
            }
        }
    }

    /// Assembles received bytes into lines and hands complete commands to `commands`.
    #[task(binds = UART0, priority = 3, local = [line, command_tx])]
    fn uart_rx(cx: uart_rx::Context) {
        // SAFETY: the UART's data register; reading it pops the receive FIFO.
        let byte = unsafe { core::ptr::read_volatile(UART0_DR) } as u8;
        let line = cx.local.line;
        if byte == b'\n' {
            if let Some(command) = parse_command(line) {
                let _ = cx.local.command_tx.try_send(command);
            }
            line.clear();
        } else if line.push(byte).is_err() {
            line.clear();
        }
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    cortex_m::asm::udf()
}
