pub fn run(_t: &[harness::toolchain::Toolchain], _o: &std::path::Path, _s: &std::path::Path) -> anyhow::Result<()> {
    todo!()
}
