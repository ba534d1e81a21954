//! End-to-end tests on the real firmware, stable toolchain, QEMU: the transcript check that
//! issue 6's "done when" asks for, and every bad input ending in a clear result within its timeout.
//!
//! These need `qemu-system-arm` and the stable `thumbv7em-none-eabihf` target (scripts/setup.sh
//! installs both); without them the tests fail and say what is missing rather than pass vacuously.

use firmware_runner::build::build;
use firmware_runner::qemu::{Qemu, RunEnd};
use firmware_runner::run::{run_toolchain, Settings};
use firmware_runner::transcript::{compare, Output};
use firmware_runner::variant::{Fault, Flavour, Variant};
use harness::target::{Target, CORTEX_M4F};
use harness::{Toolchain, ToolchainInfo};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn stable() -> ToolchainInfo {
    let info = Toolchain::parse("stable")
        .resolve()
        .expect("the stable toolchain is required");
    if let Some(reason) = info.target_unavailable(&Target::new(CORTEX_M4F)) {
        panic!("{reason}; run scripts/setup.sh");
    }
    info
}

fn firmware_dir() -> PathBuf {
    firmware_runner::default_firmware_dir()
}

fn settings() -> Settings {
    Settings {
        firmware_dir: firmware_dir(),
        qemu: Qemu::default(),
        flavours: Flavour::ALL.to_vec(),
        count_instructions: false,
        core: None,
    }
}

fn image(fault: Option<Fault>) -> PathBuf {
    let variant = Variant {
        flavour: Flavour::Static,
        fault,
    };
    let tc = stable();
    let core = firmware_runner::run::provision(None, &tc).unwrap_or_else(|e| panic!("{e}"));
    build(&firmware_dir(), &tc, core, variant).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn both_flavours_match_the_expected_transcript_on_stable() {
    let result = run_toolchain(&settings(), &stable());
    assert_eq!(result.skipped, None);
    assert_eq!(result.flavours.len(), 2);
    for f in &result.flavours {
        assert!(
            f.passed(),
            "{} flavour: build {:?}, run {:?}, transcript difference {:?}",
            f.flavour,
            f.build_error,
            f.run.as_ref().map(RunEnd::summary),
            f.transcript_difference
        );
        for task in ["temperature_task", "humidity_task", "heartbeat_task"] {
            assert!(
                f.future_bytes.get(task).is_some_and(|&b| b > 0),
                "{}: no size for {task}",
                f.flavour
            );
        }
        let sections = f.sections.as_ref().expect("section sizes");
        assert!(sections.text > 0 && sections.vector_table > 0, "{sections:?}");
        assert!(f.panic_sites.is_some(), "{:?}", f.notes);
    }
    let heap = &result.flavours[0];
    assert!(
        heap.heap_used_bytes.is_some_and(|b| b > 0),
        "heap flavour reports its heap use"
    );
}

#[test]
fn a_wrong_expected_transcript_is_caught() {
    let run = Qemu::default().run(&image(None));
    assert!(run.end.is_clean_exit(), "{:?}", run.end);
    let actual = Output::parse(&run.output).transcript;
    let expected = std::fs::read_to_string(Flavour::Static.expected_transcript(&firmware_dir())).unwrap();
    assert_eq!(compare(&expected, &actual), None);
    let tampered = expected.replacen("heartbeat 3", "heartbeat three", 1);
    let diff = compare(&tampered, &actual).expect("a changed line must not match");
    assert!(diff.contains("heartbeat three"), "{diff}");
}

#[test]
fn a_panic_on_the_device_is_reported_with_its_message() {
    let run = Qemu::default().run(&image(Some(Fault::Panic)));
    match run.end {
        RunEnd::Panicked { message } => {
            assert!(message.contains("TMP102 read failed: Nack { addr: 72 }"), "{message}")
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn a_hanging_firmware_times_out() {
    let image = image(Some(Fault::Hang));
    // Wall-clock timeout: long enough that the guest prints its first heartbeat even when the
    // host's cores are busy (2 s was not, beside a compiler build), short enough for a test.
    let qemu = Qemu {
        timeout: Duration::from_secs(6),
        ..Qemu::default()
    };
    let start = Instant::now();
    let run = qemu.run(&image);
    assert!(matches!(run.end, RunEnd::TimedOut { .. }), "{:?}", run.end);
    assert!(start.elapsed() < Duration::from_secs(30));
    assert!(run.end.summary().starts_with("hung"), "{}", run.end.summary());
    // What it printed before hanging is kept for the report.
    assert!(run.output.contains("heartbeat 1"), "{}", run.output);
}

#[test]
fn a_missing_qemu_is_reported() {
    let qemu = Qemu {
        program: PathBuf::from("/nonexistent/qemu-system-arm"),
        ..Qemu::default()
    };
    let run = qemu.run(&image(None));
    match &run.end {
        RunEnd::QemuFailed { detail } => assert!(detail.contains("/nonexistent/qemu-system-arm"), "{detail}"),
        other => panic!("expected a QEMU failure, got {other:?}"),
    }
    assert!(!run.end.is_clean_exit());
}

#[test]
fn a_toolchain_without_the_target_is_skipped_with_the_reason() {
    let mut toolchain = stable();
    toolchain.targets_with_core.retain(|t| t.triple() != CORTEX_M4F);
    let result = run_toolchain(&settings(), &toolchain);
    let reason = result.skipped.expect("skipped");
    assert!(reason.contains("no core for thumbv7em-none-eabihf"), "{reason}");
    assert!(result.flavours.is_empty());
}

#[test]
fn the_cli_reports_a_missing_toolchain_and_writes_results() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_firmware-runner"))
        .args(["--toolchain", "no-such-toolchain-xyz", "--out-dir"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("firmware.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "firmware/1");
    let unavailable = json["unavailable_toolchains"].to_string();
    assert!(unavailable.contains("no-such-toolchain-xyz"), "{unavailable}");
    assert!(String::from_utf8_lossy(&status.stderr).contains("skipping"));
}
