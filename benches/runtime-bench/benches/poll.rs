//! `cargo +TOOLCHAIN bench -p runtime-bench`: time to poll each generated workload to completion.
//! Short measurement windows: the state machines run in nanoseconds to microseconds, and a run
//! folds into `bench run --runtime` for several toolchains.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn poll_to_completion(c: &mut Criterion) {
    for (name, run) in runtime_bench::WORKLOADS {
        c.bench_function(name, |b| b.iter(|| std::hint::black_box(run())));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    targets = poll_to_completion
}
criterion_main!(benches);
