//! The device settings as a sequential-storage map: one key per setting, so a change writes one
//! small item, and settings missing from flash (first boot, older firmware) take their defaults.

use crate::Part;
use sequential_storage::cache::key_pointers::ArrayKeyPointers;
use sequential_storage::cache::page_states::ArrayPageStates;
use sequential_storage::cache::{Cache, Uncached};
use sequential_storage::map::{MapConfig, MapStorage};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Key {
    Batch = 1,
    ReportPeriod = 2,
    AlarmHigh = 3,
    AlarmLow = 4,
    NodeName = 5,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingChange {
    Batch(u8),
    ReportPeriod(u32),
    Alarm { low: i32, high: i32 },
    NodeName([u8; 16]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub batch: u8,
    pub report_period_s: u32,
    pub alarm_low: i32,
    pub alarm_high: i32,
    pub node_name: [u8; 16],
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            batch: 2,
            report_period_s: 60,
            alarm_low: -400,
            alarm_high: 850,
            node_name: *b"logger-0\0\0\0\0\0\0\0\0",
        }
    }
}

impl Settings {
    /// Applies a change; `false` when it changes nothing (and so needs no write).
    pub fn apply(&mut self, change: SettingChange) -> bool {
        let before = *self;
        match change {
            SettingChange::Batch(b) => self.batch = b,
            SettingChange::ReportPeriod(p) => self.report_period_s = p,
            SettingChange::Alarm { low, high } => (self.alarm_low, self.alarm_high) = (low, high),
            SettingChange::NodeName(n) => self.node_name = n,
        }
        before != *self
    }
}

/// Page states and where each key was last seen, for the 4 pages and 5 keys of the partition.
type MapCache = Cache<ArrayPageStates<4>, Uncached, ArrayKeyPointers<u8, 8>, u8>;

pub struct Store {
    map: MapStorage<u8, Part, MapCache>,
}

impl Store {
    pub fn new(partition: Part) -> Self {
        let size = partition.size();
        Store {
            map: MapStorage::new(
                partition,
                MapConfig::new(0..size),
                Cache::new(ArrayPageStates::new(), Uncached, ArrayKeyPointers::new()),
            ),
        }
    }

    async fn fetch<T: for<'a> sequential_storage::map::Value<'a>>(&mut self, buffer: &mut [u8], key: Key) -> Option<T> {
        self.map.fetch_item::<T>(buffer, &(key as u8)).await.ok().flatten()
    }

    /// The stored settings, defaults for what is missing or unreadable.
    pub async fn load(&mut self, buffer: &mut [u8]) -> Settings {
        let defaults = Settings::default();
        let name: Option<[u8; 16]> = self.fetch(buffer, Key::NodeName).await;
        Settings {
            batch: self.fetch(buffer, Key::Batch).await.unwrap_or(defaults.batch),
            report_period_s: self
                .fetch(buffer, Key::ReportPeriod)
                .await
                .unwrap_or(defaults.report_period_s),
            alarm_low: self.fetch(buffer, Key::AlarmLow).await.unwrap_or(defaults.alarm_low),
            alarm_high: self.fetch(buffer, Key::AlarmHigh).await.unwrap_or(defaults.alarm_high),
            node_name: name.unwrap_or(defaults.node_name),
        }
    }

    pub async fn save(&mut self, buffer: &mut [u8], change: SettingChange) -> Result<(), ()> {
        let result = match change {
            SettingChange::Batch(b) => self.map.store_item(buffer, &(Key::Batch as u8), &b).await,
            SettingChange::ReportPeriod(p) => self.map.store_item(buffer, &(Key::ReportPeriod as u8), &p).await,
            SettingChange::Alarm { low, high } => {
                match self.map.store_item(buffer, &(Key::AlarmLow as u8), &low).await {
                    Ok(()) => self.map.store_item(buffer, &(Key::AlarmHigh as u8), &high).await,
                    e => e,
                }
            }
            SettingChange::NodeName(n) => self.map.store_item(buffer, &(Key::NodeName as u8), &n).await,
        };
        result.map_err(|_| ())
    }
}
