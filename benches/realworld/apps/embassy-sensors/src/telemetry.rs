//! The uplink: readings from the channel are batched into frames (a header, records, a CRC-16)
//! and written out through the board's UART, one awaited byte window at a time.

use crate::READINGS;
use embassy_time::{with_timeout, Duration, Timer};

/// CMSDK UART0 data register on mps2-an386.
const UART0_DATA: *mut u32 = 0x4000_4000 as *mut u32;
/// CMSDK GPIO0 data output register (the alarm LED).
const GPIO0_DATAOUT: *mut u32 = 0x4001_0004 as *mut u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    MilliCelsius,
    MilliPercent,
    Pascal,
    MilliLux,
}

#[derive(Clone, Copy, Debug)]
pub struct Reading {
    pub sensor: &'static str,
    pub quantity: Quantity,
    pub value: i32,
    pub ok: bool,
}

impl Reading {
    pub fn new(sensor: &'static str, quantity: Quantity, value: i32) -> Self {
        Reading {
            sensor,
            quantity,
            value,
            ok: true,
        }
    }
    pub fn failed(sensor: &'static str, quantity: Quantity) -> Self {
        Reading {
            ok: false,
            ..Reading::new(sensor, quantity, 0)
        }
    }
}

pub fn set_led(on: bool) {
    // SAFETY: a device register of the board, written by this task only.
    unsafe { core::ptr::write_volatile(GPIO0_DATAOUT, on as u32) }
}

#[derive(Clone, Copy)]
pub struct UplinkConfig {
    pub node_id: u16,
    /// A frame goes out when it holds this many records or when `max_wait` has passed.
    pub batch: usize,
    pub max_wait: Duration,
    /// Bytes per UART window and the window's duration (the link's throughput).
    pub window: usize,
    pub window_time: Duration,
}

impl Default for UplinkConfig {
    fn default() -> Self {
        UplinkConfig {
            node_id: 0x2A17,
            batch: 12,
            max_wait: Duration::from_secs(5),
            window: 16,
            window_time: Duration::from_millis(2),
        }
    }
}

fn crc16(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0xFFFF, |mut crc: u16, &b| {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
        crc
    })
}

fn encode(record: &Reading, out: &mut heapless::Vec<u8, 128>) -> bool {
    let tag = match record.quantity {
        Quantity::MilliCelsius => b'T',
        Quantity::MilliPercent => b'H',
        Quantity::Pascal => b'P',
        Quantity::MilliLux => b'L',
    };
    let mut bytes = [0u8; 7];
    bytes[0] = tag | if record.ok { 0 } else { 0x80 };
    bytes[1] = record.sensor.len() as u8;
    bytes[2] = record.sensor.bytes().next().unwrap_or(0);
    bytes[3..].copy_from_slice(&record.value.to_le_bytes());
    out.extend_from_slice(&bytes).is_ok()
}

async fn send(config: &UplinkConfig, frame: &[u8]) {
    for window in frame.chunks(config.window) {
        for &b in window {
            // SAFETY: the UART's data register, written by this task only.
            unsafe { core::ptr::write_volatile(UART0_DATA, b as u32) }
        }
        Timer::after(config.window_time).await;
    }
}

/// Collects one frame's records: until `batch` records or `max_wait`.
async fn collect(config: &UplinkConfig, frame: &mut heapless::Vec<u8, 128>) -> usize {
    let mut records = 0;
    while records < config.batch {
        match with_timeout(config.max_wait, READINGS.receive()).await {
            Ok(reading) if encode(&reading, frame) => records += 1,
            _ => break,
        }
    }
    records
}

#[embassy_executor::task]
pub async fn uplink_task(config: UplinkConfig, mut scratch: [u8; 128]) {
    let mut sequence: u16 = 0;
    loop {
        let mut frame = heapless::Vec::<u8, 128>::new();
        let _ = frame.extend_from_slice(&config.node_id.to_le_bytes());
        let _ = frame.extend_from_slice(&sequence.to_le_bytes());
        let records = collect(&config, &mut frame).await;
        if records == 0 {
            continue;
        }
        let crc = crc16(&frame);
        let _ = frame.extend_from_slice(&crc.to_le_bytes());
        scratch[..frame.len()].copy_from_slice(&frame);
        send(&config, &scratch[..frame.len()]).await;
        sequence = sequence.wrapping_add(1);
    }
}
