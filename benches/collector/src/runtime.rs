//! The runtime bench (`benches/runtime-bench`, criterion) folded into a run: for each toolchain,
//! `cargo +TOOLCHAIN bench -p runtime-bench`, then criterion's estimates are read back.

use crate::results::ResultsFile;
use crate::run::Options;

pub fn fold_into(_data: &mut ResultsFile, _opts: &Options) -> anyhow::Result<()> {
    anyhow::bail!("the runtime bench is not implemented yet")
}
