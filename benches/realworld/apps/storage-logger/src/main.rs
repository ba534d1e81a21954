//! A data logger's storage layer on sequential-storage, in the shape of a product's firmware: one
//! NOR flash split into two partitions (embassy-embedded-hal's `Partition` over an embassy-sync
//! `Mutex`), a key-value map holding the device settings and a FIFO queue holding events until the
//! uplink has sent them.
//!
//! - `settings_task` loads the settings at boot (defaults where a key is missing), then stores each
//!   change it receives over a channel;
//! - `recorder_task` samples (a simulated meter), batches readings into event records and pushes
//!   them into the queue;
//! - `uplink_task` drains the queue: peeks the oldest event, "sends" it, pops it.
//!
//! The tasks take their configuration and work buffers by value at spawn; every future lives in
//! embassy-executor's static `POOL` of its task, which `realworld` measures per toolchain.

#![no_std]
#![no_main]

mod flash;
mod settings;

use embassy_embedded_hal::flash::partition::Partition;
use embassy_executor::Spawner;
use embassy_futures::yield_now;
use embassy_sync::blocking_mutex::raw::CriticalSectionRawMutex;
use embassy_sync::channel::Channel;
use embassy_sync::mutex::Mutex;
use flash::SimFlash;
use sequential_storage::cache::page_pointers::ArrayPagePointers;
use sequential_storage::cache::page_states::ArrayPageStates;
use sequential_storage::cache::{Cache, Uncached};
use sequential_storage::queue::{QueueConfig, QueueStorage};
use settings::SettingChange;

type Flash = Mutex<CriticalSectionRawMutex, SimFlash>;
pub type Part = Partition<'static, CriticalSectionRawMutex, SimFlash>;

static FLASH: Flash = Mutex::new(SimFlash::new());
static CHANGES: Channel<CriticalSectionRawMutex, SettingChange, 4> = Channel::new();
/// Set by the settings task: how many readings one event batches (0 until loaded).
static BATCH: core::sync::atomic::AtomicU8 = core::sync::atomic::AtomicU8::new(0);

const SETTINGS_PARTITION: (u32, u32) = (0, 4 * flash::SECTOR as u32);
const EVENTS_PARTITION: (u32, u32) = (4 * flash::SECTOR as u32, 32 * flash::SECTOR as u32);

/// Page states and page pointers of the 28 pages of the events partition.
type QueueCache = Cache<ArrayPageStates<28>, ArrayPagePointers<28>, Uncached>;

fn event_queue(partition: Part) -> QueueStorage<Part, QueueCache> {
    let cache = Cache::new(ArrayPageStates::new(), ArrayPagePointers::new(), Uncached);
    QueueStorage::new(partition, QueueConfig::new(0..EVENTS_PARTITION.1), cache)
}

#[derive(Clone, Copy)]
pub struct RecorderConfig {
    pub channel_mask: u8,
    pub scale: [i32; 4],
    pub offset: [i32; 4],
    pub samples_per_reading: u16,
}

#[derive(Clone, Copy)]
pub struct UplinkConfig {
    pub max_events_per_session: u16,
    pub retries: u8,
    pub frame_overhead: u8,
}

#[embassy_executor::task]
async fn settings_task(partition: Part, mut buffer: [u8; 128]) {
    let mut store = settings::Store::new(partition);
    let mut current = store.load(&mut buffer).await;
    BATCH.store(current.batch, core::sync::atomic::Ordering::Relaxed);
    loop {
        let change = CHANGES.receive().await;
        if current.apply(change) && store.save(&mut buffer, change).await.is_ok() {
            BATCH.store(current.batch, core::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// One reading of the simulated meter: every channel in the mask, averaged, scaled.
async fn read_meter(config: &RecorderConfig, phase: &mut u32) -> [i32; 4] {
    let mut sums = [0i32; 4];
    for _ in 0..config.samples_per_reading.max(1) {
        *phase = phase.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        for (ch, sum) in sums.iter_mut().enumerate() {
            if config.channel_mask & (1 << ch) != 0 {
                *sum += ((*phase >> (8 * ch)) & 0x3FF) as i32;
            }
        }
        yield_now().await;
    }
    let n = config.samples_per_reading.max(1) as i32;
    core::array::from_fn(|ch| sums[ch] / n * config.scale[ch] / 1000 + config.offset[ch])
}

#[embassy_executor::task]
async fn recorder_task(config: RecorderConfig, partition: Part, mut record: [u8; 96]) {
    let mut queue = event_queue(partition);
    let mut phase = 0x2545_F491;
    let mut sequence: u32 = 0;
    loop {
        let batch = BATCH.load(core::sync::atomic::Ordering::Relaxed).clamp(1, 5) as usize;
        record[..4].copy_from_slice(&sequence.to_le_bytes());
        let mut len = 4;
        for _ in 0..batch {
            for value in read_meter(&config, &mut phase).await {
                record[len..len + 4].copy_from_slice(&value.to_le_bytes());
                len += 4;
            }
        }
        if queue.push(&record[..len], true).await.is_ok() {
            sequence = sequence.wrapping_add(1);
        }
        if sequence % 50 == 49 {
            // An operator changes a setting now and then.
            let round = sequence / 50;
            let change = match round % 4 {
                0 => SettingChange::Batch((round % 5) as u8 + 1),
                1 => SettingChange::ReportPeriod(30 + round),
                2 => SettingChange::Alarm {
                    low: -500 + round as i32,
                    high: 900,
                },
                _ => {
                    let mut name = *b"logger-0\0\0\0\0\0\0\0\0";
                    name[7] = b'0' + (round % 10) as u8;
                    SettingChange::NodeName(name)
                }
            };
            CHANGES.send(change).await;
        }
    }
}

#[embassy_executor::task]
async fn uplink_task(config: UplinkConfig, partition: Part, mut frame: [u8; 128]) {
    let mut queue = event_queue(partition);
    let mut sent: u32 = 0;
    loop {
        for _ in 0..config.max_events_per_session {
            let Ok(Some(event)) = queue.peek(&mut frame[config.frame_overhead as usize..]).await else {
                break;
            };
            let len = event.len();
            if transmit(&frame[..len + config.frame_overhead as usize], config.retries).await {
                let _ = queue.pop(&mut frame).await;
                sent = sent.wrapping_add(1);
            }
        }
        yield_now().await;
    }
}

/// Hands a frame to the radio (its FIFO register) and waits for it to go; `false` after `retries`.
async fn transmit(frame: &[u8], retries: u8) -> bool {
    const RADIO_FIFO: *mut u32 = 0x4000_5000 as *mut u32;
    for _ in 0..=retries {
        for &b in frame {
            // SAFETY: the radio's FIFO register, written by this task only.
            unsafe { core::ptr::write_volatile(RADIO_FIFO, b as u32) };
        }
        yield_now().await;
        // SAFETY: as above; reading it gives the acknowledge status.
        if unsafe { core::ptr::read_volatile(RADIO_FIFO) } & 1 == 0 {
            return true;
        }
    }
    false
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let settings = Partition::new(&FLASH, SETTINGS_PARTITION.0, SETTINGS_PARTITION.1);
    let events = || Partition::new(&FLASH, EVENTS_PARTITION.0, EVENTS_PARTITION.1);
    let recorder = RecorderConfig {
        channel_mask: 0b0111,
        scale: [1000, 2500, 330, 1000],
        offset: [0, -40, 12, 0],
        samples_per_reading: 8,
    };
    let uplink = UplinkConfig {
        max_events_per_session: 16,
        retries: 3,
        frame_overhead: 6,
    };
    spawner.spawn(settings_task(settings, [0; 128]).unwrap());
    spawner.spawn(recorder_task(recorder, events(), [0; 96]).unwrap());
    spawner.spawn(uplink_task(uplink, events(), [0; 128]).unwrap());
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    cortex_m::asm::udf()
}
