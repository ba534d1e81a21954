//! Wrapper mode: this binary as cargo's `RUSTC_WRAPPER` (rustc-perf's `rustc-fake`, reduced to
//! recording). Cargo calls `bench <rustc> <args...>` for every rustc invocation; when the crate is
//! the leaf we were asked about, the exact command (program, arguments, working directory,
//! environment) is written to a file for the collector to replay. Every invocation, leaf or not,
//! then runs the real rustc and exits with its status, so cargo behaves as without a wrapper.

use harness::process::Cmd;
use std::process::Command;

/// Set to `1` in cargo's environment: the binary runs as a wrapper instead of the CLI.
pub const ENV_MODE: &str = "BENCH_RUSTC_WRAPPER";
/// `--crate-name` of the leaf crate.
pub const ENV_CRATE: &str = "BENCH_CAPTURE_CRATE";
/// Where to write the captured leaf command (JSON of [`Cmd`]).
pub const ENV_FILE: &str = "BENCH_CAPTURE_FILE";

pub fn is_wrapper_invocation() -> bool {
    std::env::var_os(ENV_MODE).is_some_and(|v| v == "1")
}

/// The value of `--crate-name` in rustc's arguments.
pub fn crate_name(args: &[String]) -> Option<&str> {
    let pos = args.iter().position(|a| a == "--crate-name")?;
    args.get(pos + 1).map(String::as_str)
}

/// Entry point in wrapper mode; never returns.
pub fn main() -> ! {
    let mut argv = std::env::args().skip(1);
    let Some(rustc) = argv.next() else {
        eprintln!("bench (rustc wrapper): no rustc to run");
        std::process::exit(2);
    };
    let args: Vec<String> = argv.collect();
    let want = std::env::var(ENV_CRATE).ok();
    if want.is_some() && crate_name(&args) == want.as_deref() {
        if let Ok(file) = std::env::var(ENV_FILE) {
            let cmd = Cmd {
                program: rustc.clone().into(),
                args: args.clone(),
                cwd: std::env::current_dir().unwrap_or_default(),
                // The replay gets cargo's environment minus our own variables.
                env: Some(std::env::vars().filter(|(k, _)| !k.starts_with("BENCH_")).collect()),
            };
            let json = serde_json::to_string_pretty(&cmd).expect("a command serializes");
            if let Err(e) = std::fs::write(&file, json) {
                eprintln!("bench (rustc wrapper): cannot write {file}: {e}");
                std::process::exit(2);
            }
        }
    }
    match Command::new(&rustc).args(&args).status() {
        Ok(status) => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                if let Some(sig) = status.signal() {
                    eprintln!("bench (rustc wrapper): rustc was killed by signal {sig}");
                    std::process::exit(128 + sig);
                }
            }
            std::process::exit(status.code().unwrap_or(1))
        }
        Err(e) => {
            eprintln!("bench (rustc wrapper): cannot run {rustc}: {e}");
            std::process::exit(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_crate_name() {
        let a: Vec<String> = ["--edition=2018", "--crate-name", "await_call_tree", "src/lib.rs"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(super::crate_name(&a), Some("await_call_tree"));
        assert_eq!(super::crate_name(&a[..2]), None);
    }
}
