//! The application: two sensor tasks sharing the I2C bus, and a heartbeat on a periodic timer.
//!
//! Sensors sample every 2 ticks, the heartbeat beats every tick, so on even ticks all three wake
//! together and the sensors contend for the bus: the temperature task (spawned first, so polled
//! first) gets it, the humidity task queues behind it and says so. Everything printed here is
//! part of the expected transcript; it must not depend on the toolchain.

use crate::drivers::{hdc1080::Hdc1080, tmp102::Tmp102, SharedBus};
use crate::i2c::I2cBus;
use crate::mutex::Mutex;
use crate::time::Ticker;
use core::sync::atomic::{AtomicU32, Ordering};

pub static BUS: SharedBus = Mutex::new(I2cBus::new());
/// Times a task found the bus taken when it asked for it.
pub static CONTENDED: AtomicU32 = AtomicU32::new(0);

pub const SAMPLES: u32 = 4;
const SAMPLE_PERIOD: u32 = 2;
const BEATS: u32 = 8;

pub async fn temperature() {
    let sensor = Tmp102::new(&BUS);
    let mut ticker = Ticker::every(SAMPLE_PERIOD);
    for i in 1..=SAMPLES {
        ticker.next().await;
        note_contention("temperature");
        let mc = sensor.read_millicelsius().await.expect("TMP102 read failed");
        println!("temperature #{i}: {}.{:03} C", mc / 1000, mc % 1000);
    }
}

pub async fn humidity() {
    let sensor = Hdc1080::new(&BUS);
    let mut ticker = Ticker::every(SAMPLE_PERIOD);
    for i in 1..=SAMPLES {
        ticker.next().await;
        note_contention("humidity");
        let pm = sensor.read_permille().await.expect("HDC1080 read failed");
        println!("humidity #{i}: {}.{} %", pm / 10, pm % 10);
    }
}

pub async fn heartbeat() {
    let mut ticker = Ticker::every(1);
    for beat in 1..=BEATS {
        ticker.next().await;
        println!("heartbeat {beat}");
    }
}

fn note_contention(who: &str) {
    if BUS.is_locked() {
        CONTENDED.fetch_add(1, Ordering::Relaxed);
        println!("{who}: bus busy, waiting in line");
    }
}
