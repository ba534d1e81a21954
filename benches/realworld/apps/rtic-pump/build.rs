//! Passes `-Tlink.x` to the linker here rather than in `.cargo/config.toml`, so a caller's
//! `RUSTFLAGS` cannot drop it. The memory map (`memory.x`) and the interrupt vectors (`device.x`)
//! come from the `lm3s6965` device crate.

fn main() {
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=build.rs");
}
