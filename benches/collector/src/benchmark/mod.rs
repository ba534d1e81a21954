//! Benchmark definitions, apart from their execution: what a profile, a scenario and a workload
//! are, and which cases a run consists of. Nothing here starts a process.

pub mod plan;
pub mod profile;
pub mod scenario;
pub mod workload;

pub use profile::Profile;
pub use scenario::Scenario;
pub use workload::Workload;
