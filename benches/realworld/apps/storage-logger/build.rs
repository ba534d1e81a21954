//! Puts `memory.x` where cortex-m-rt's `link.x` finds it and passes `-Tlink.x` to the linker here
//! rather than in `.cargo/config.toml`, so a caller's `RUSTFLAGS` cannot drop the linker script.

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("memory.x"), include_bytes!("memory.x")).expect("write memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
