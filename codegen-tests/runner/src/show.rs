//! `codegen show FUNCTION`: one function's assembly from several toolchains, side by side or as a
//! diff, compiled exactly as a test file's revision says.
//!
//! The function is looked up in the suite's files (`fn FUNCTION`), or in `--file`; the revision is
//! the one for `--target` (or `--revision`). Each toolchain's assembly comes from cargo-show-asm
//! (`cargo asm`, the ecosystem's tool for this, installed at a pinned version by
//! `scripts/setup.sh`) on a one-file cargo project around the test file, with the revision's flags
//! as `CARGO_ENCODED_RUSTFLAGS`. Where cargo-show-asm cannot build (it needs a recent cargo:
//! releases before about 1.55 reject its `--config`, before 1.60 its `--print=split-debuginfo`), is
//! not installed or cannot find the function, the runner's own `rustc --emit asm` (the command a
//! test case runs, [`crate::case::emit_asm`]) gives the body, and the output says which was used
//! and why. A toolchain that cannot build for the target at all gets its reason in its column.

use crate::case::{emit_asm, revision_target, COMPILE_TIMEOUT};
use crate::directives::{Revision, TestFile};
use anyhow::{bail, Context as _};
use harness::cores::BuiltCores;
use harness::rustc::first_error_line;
use harness::{Target, ToolchainInfo};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo-show-asm release `scripts/setup.sh` installs (`cargo install --locked`).
pub const CARGO_SHOW_ASM_VERSION: &str = "0.2.64";

/// How a body was obtained.
#[derive(Clone, Debug, PartialEq)]
pub enum Via {
    CargoShowAsm,
    /// The runner's `rustc --emit asm`, with why cargo-show-asm was not used.
    EmitAsm {
        because: String,
    },
}

/// One toolchain's side.
#[derive(Clone, Debug)]
pub struct Side {
    pub toolchain: String,
    /// `rustc -V`, or the series for the fork.
    pub version: String,
    /// The assembly lines, or why there are none.
    pub body: Result<Vec<String>, String>,
    pub via: Option<Via>,
    /// The rustc command line of the fallback (for reproducing by hand).
    pub command: Option<String>,
}

/// The test file that defines `fn function`: `file` if given, else the one suite file that does.
pub fn locate(function: &str, file: Option<&Path>, suite: &Path) -> anyhow::Result<PathBuf> {
    if let Some(f) = file {
        return Ok(f.to_path_buf());
    }
    let def = regex::Regex::new(&format!(r"\bfn\s+{}\s*[<(]", regex::escape(function)))?;
    let mut found = Vec::new();
    for path in crate::directives::discover(suite).with_context(|| format!("reading {}", suite.display()))? {
        let text = std::fs::read_to_string(&path)?;
        if def.is_match(&text) {
            found.push(path);
        }
    }
    match found.len() {
        0 => bail!(
            "no file in {} defines `fn {function}`; name the file with --file",
            suite.display()
        ),
        1 => Ok(found.remove(0)),
        _ => bail!(
            "`fn {function}` is defined in several files ({}); choose one with --file",
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The revision to compile: `revision` by name, else the first one for `target`.
pub fn pick_revision<'t>(test: &'t TestFile, target: &Target, revision: Option<&str>) -> anyhow::Result<&'t Revision> {
    let names = || {
        test.revisions
            .iter()
            .map(|r| format!("{} ({})", r.name.as_deref().unwrap_or("base"), revision_target(r)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let found = match revision {
        Some(name) => test.revisions.iter().find(|r| r.name.as_deref() == Some(name)),
        None => test.revisions.iter().find(|r| &revision_target(r) == target),
    };
    found.with_context(|| match revision {
        Some(name) => format!("{} has no revision `{name}` (it has {})", test.path.display(), names()),
        None => format!(
            "{} has no revision for {target} (it has {}); pick one with --target or --revision",
            test.path.display(),
            names()
        ),
    })
}

/// The pinned cargo-show-asm binary: on PATH, else in cargo's bin directory.
fn cargo_show_asm() -> Result<PathBuf, String> {
    let version = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let (path, found) = std::iter::once(PathBuf::from("cargo-asm"))
        .chain(home.map(|h| h.join("bin/cargo-asm")))
        .find_map(|p| version(&p).map(|v| (p, v)))
        .ok_or("cargo-show-asm is not installed (scripts/setup.sh installs it)")?;
    match found == format!("Version: {CARGO_SHOW_ASM_VERSION}") {
        true => Ok(path),
        false => Err(format!(
            "cargo-show-asm is {found:?}, not the pinned {CARGO_SHOW_ASM_VERSION} (scripts/setup.sh installs it)"
        )),
    }
}

/// The revision's rustc flags for cargo: without `--target` (cargo's option) and the x86 syntax
/// choice (cargo-show-asm's `--intel`/`--att`, which sets it itself).
fn split_flags(rev: &Revision) -> (Vec<String>, &'static str) {
    let mut flags = Vec::new();
    let mut syntax = "--att"; // what rustc emits when the file says nothing
    let mut it = rev.settings.compile_flags.iter();
    while let Some(f) = it.next() {
        match f.as_str() {
            "--target" => {
                it.next();
            }
            f if f.starts_with("--target=") => {}
            "-Cllvm-args=-x86-asm-syntax=intel" => syntax = "--intel",
            "-Cllvm-args=-x86-asm-syntax=att" => syntax = "--att",
            _ => flags.push(f.clone()),
        }
    }
    (flags, syntax)
}

/// Everything `show` needs besides the toolchains.
pub struct Request<'a> {
    pub function: &'a str,
    pub test: &'a TestFile,
    pub revision: &'a Revision,
    /// Scratch: the one-file cargo project and per-toolchain target directories.
    pub work_dir: &'a Path,
    /// Cores built from rust-src (`--build-std`) for the runner's own `--emit asm`.
    pub cores: &'a BuiltCores,
}

impl Request<'_> {
    pub fn target(&self) -> Target {
        revision_target(self.revision)
    }

    /// One toolchain's side: cargo-show-asm, else the runner's own `--emit asm`.
    pub fn side(&self, tc: &ToolchainInfo) -> Side {
        let mut side = Side {
            toolchain: tc.name.clone(),
            version: tc.describe(),
            body: Err(String::new()),
            via: None,
            command: None,
        };
        let core_args = match self.cores.rustc_args(tc, &self.target()) {
            Ok(args) => args,
            Err(why) => {
                side.body = Err(why);
                return side;
            }
        };
        let because = match self.via_cargo_show_asm(tc) {
            Ok(body) => {
                side.body = Ok(body);
                side.via = Some(Via::CargoShowAsm);
                return side;
            }
            Err(e) => e,
        };
        let asm = self.work_dir.join(format!("{}.{}.s", self.test.name, tc.dir_name()));
        let inv = emit_asm(self.test, self.revision, tc, &core_args, &asm);
        side.command = Some(inv.display());
        side.via = Some(Via::EmitAsm { because });
        side.body = match inv.run() {
            Err(e) => Err(format!("cannot run rustc: {e}")),
            Ok(done) if !done.outcome.is_success() => Err(done.outcome.summary()),
            Ok(_) => {
                let text = std::fs::read_to_string(&asm).unwrap_or_default();
                body_of(&text, self.function)
            }
        };
        side
    }

    fn via_cargo_show_asm(&self, tc: &ToolchainInfo) -> Result<Vec<String>, String> {
        let tool = cargo_show_asm()?;
        let project = self.work_dir.join("cargo-project");
        std::fs::create_dir_all(&project).map_err(|e| e.to_string())?;
        let path = self.test.path.canonicalize().map_err(|e| e.to_string())?;
        let manifest = format!(
            "# Written by `codegen show`: the test file as the library of a one-file project.\n\
             [package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"{}\"\n\n[lib]\npath = \"{}\"\n\n[workspace]\n",
            self.test.name.replace('-', "_"),
            self.revision.settings.edition.as_deref().unwrap_or("2015"),
            path.display()
        );
        std::fs::write(project.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        let target = self.target();
        let (mut flags, syntax) = split_flags(self.revision);
        flags.extend(tc.flags.iter().cloned());
        let settings = tc.cargo_settings(Some(&target));
        let mut cmd = Command::new(tool);
        cmd.arg("asm")
            .arg("--manifest-path")
            .arg(project.join("Cargo.toml"))
            .args(["--lib", "--release", "--no-color", "--target", target.triple(), syntax])
            .arg("--target-dir")
            .arg(self.work_dir.join(format!("target-{}", tc.dir_name())));
        for a in &settings.args {
            cmd.arg(a);
        }
        cmd.arg(self.function);
        for var in [
            "RUSTFLAGS",
            "RUSTUP_TOOLCHAIN",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTC_WRAPPER",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in &settings.env {
            cmd.env(k, v);
        }
        cmd.env("CARGO", tc.cargo())
            .env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"));
        let run = harness::process::run_command(cmd, COMPILE_TIMEOUT).map_err(|e| e.to_string())?;
        if !run.outcome.is_success() {
            let mut all = run.stderr.clone();
            all.push_str(&run.stdout);
            let first = all
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("error") || l.starts_with("Error"))
                .map(String::from)
                .unwrap_or_else(|| first_error_line(&all));
            return Err(format!("cargo-show-asm failed: {first}"));
        }
        let lines: Vec<String> = run.stdout.lines().map(str::to_string).collect();
        if lines.iter().all(|l| l.trim().is_empty()) {
            return Err("cargo-show-asm printed nothing".into());
        }
        Ok(lines)
    }
}

/// The function's body in `--emit asm` output, label included: the symbol `function` itself
/// (`#[no_mangle]`), else the one mangled symbol that contains it as a path segment
/// (`_ZN9seed_fold6square...` for `square`).
pub fn body_of(asm: &str, function: &str) -> Result<Vec<String>, String> {
    let exact = harness::asm::function_body(asm, function).map(|b| (function.to_string(), b));
    let found = exact.or_else(|| {
        let segment = format!("{}{function}", function.len());
        let labels: Vec<&str> = asm
            .lines()
            .filter_map(|l| l.strip_suffix(':'))
            .filter(|l| !l.starts_with('.') && !l.starts_with(char::is_whitespace) && l.contains(&segment))
            .collect();
        match labels.as_slice() {
            [one] => harness::asm::function_body(asm, one).map(|b| (one.to_string(), b)),
            _ => None,
        }
    });
    match found {
        Some((label, body)) => Ok(std::iter::once(format!("{label}:"))
            .chain(body.into_iter().map(str::to_string))
            .collect()),
        None => Err(format!(
            "no function `{function}` (or one symbol containing it) in the assembly"
        )),
    }
}

/// The sides next to each other, one column per toolchain.
pub fn side_by_side(sides: &[Side]) -> String {
    const WRAP: usize = 60;
    let columns: Vec<Vec<String>> = sides
        .iter()
        .map(|s| {
            let mut col = vec![s.toolchain.clone(), s.version.clone(), via_label(s)];
            match &s.body {
                Ok(lines) => col.extend(lines.iter().map(|l| expand_tabs(l))),
                Err(why) => col.extend(wrap(&format!("cannot show: {why}"), WRAP)),
            }
            col
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| c.iter().map(|l| l.chars().count()).max().unwrap_or(0))
        .collect();
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::new();
    for row in 0..rows {
        if row == 3 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(out, "{}", rule.join("-+-"));
        }
        let cells: Vec<String> = columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{:<w$}", c.get(row).map(String::as_str).unwrap_or(""), w = *w))
            .collect();
        let _ = writeln!(out, "{}", cells.join(" | ").trim_end());
    }
    out
}

/// Each side against the first as a unified diff.
pub fn diff(sides: &[Side]) -> String {
    let Some(base) = sides.first() else {
        return String::new();
    };
    let mut out = side_by_side(std::slice::from_ref(base));
    out.push('\n');
    let text = |s: &Side| match &s.body {
        Ok(lines) => lines.join("\n") + "\n",
        Err(why) => format!("cannot show: {why}\n"),
    };
    for other in &sides[1..] {
        let (a, b) = (text(base), text(other));
        let d = similar::TextDiff::from_lines(&a, &b);
        let _ = write!(
            out,
            "{}",
            d.unified_diff().context_radius(3).header(
                &format!("{} ({})", base.toolchain, via_label(base)),
                &format!("{} ({})", other.toolchain, via_label(other))
            )
        );
        if a == b {
            let _ = writeln!(out, "{} and {}: identical", base.toolchain, other.toolchain);
        }
    }
    out
}

fn via_label(s: &Side) -> String {
    match (&s.via, &s.body) {
        (Some(Via::CargoShowAsm), _) => "via cargo-show-asm".into(),
        (Some(Via::EmitAsm { .. }), _) => "via rustc --emit asm".into(),
        (None, _) => "not built".into(),
    }
}

/// Notes under the table: why the fallback was used, and its command.
pub fn notes(sides: &[Side]) -> String {
    let mut out = String::new();
    for s in sides {
        if let Some(Via::EmitAsm { because }) = &s.via {
            let _ = writeln!(
                out,
                "- {}: {because}; used `{}`",
                s.toolchain,
                s.command.as_deref().unwrap_or("rustc")
            );
        }
    }
    out
}

/// Tabs to spaces at 8-column stops, as a terminal shows them.
fn expand_tabs(line: &str) -> String {
    let mut out = String::new();
    for c in line.chars() {
        if c == '\t' {
            let pad = 8 - out.chars().count() % 8;
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.push(c);
        }
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().unwrap();
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// What a FileCheck failure suggests: the `show` command for the function whose `-LABEL` check
/// precedes the first failing line (FileCheck reports it as `FILE:LINE:COL: error:`).
pub fn suggestion(test: &TestFile, rev: &Revision, diagnostic: &str, toolchain: &str) -> String {
    let text = std::fs::read_to_string(&test.path).unwrap_or_default();
    let failing_line = regex::Regex::new(r":(\d+):\d+: error:")
        .ok()
        .and_then(|re| re.captures(diagnostic))
        .and_then(|c| c[1].parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let label = text
        .lines()
        .take(failing_line)
        .filter_map(|l| {
            l.split_once("-LABEL:")
                .map(|(_, f)| f.trim().trim_end_matches(':').to_string())
        })
        .last()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "FUNCTION".into());
    let quote = |s: &str| match s.contains(char::is_whitespace) {
        true => format!("'{s}'"),
        false => s.to_string(),
    };
    let mut cmd = format!(
        "scripts/codegen.sh show {} --toolchain {} --file {}",
        quote(&label),
        quote(toolchain),
        test.path.display()
    );
    match &rev.name {
        Some(r) => {
            let _ = write!(cmd, " --revision {r}");
        }
        None => {
            let _ = write!(cmd, " --target {}", revision_target(rev));
        }
    }
    format!("look at the function: {cmd} (add --toolchain T to compare)")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASM: &str = "\t.text\nxx:\n\t.cfi_startproc\n\tmov eax, 9\n\tret\n.Lfunc_end0:\n\t.size\txx, .Lfunc_end0-xx\n_ZN9seed_fold6square17h0123456789abcdefE:\n\tmov eax, 1\n\tret\n.Lfunc_end1:\n";

    #[test]
    fn bodies_by_symbol_or_path_segment() {
        assert_eq!(
            body_of(ASM, "xx").unwrap(),
            vec!["xx:", "\t.cfi_startproc", "\tmov eax, 9", "\tret"]
        );
        assert_eq!(
            body_of(ASM, "square").unwrap()[0],
            "_ZN9seed_fold6square17h0123456789abcdefE:"
        );
        assert!(body_of(ASM, "cube").unwrap_err().contains("no function `cube`"));
    }

    #[test]
    fn finds_the_file_that_defines_the_function() {
        let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assembly");
        assert!(locate("xx", None, &suite).unwrap().ends_with("seed_fold.rs"));
        let e = locate("no_such_function", None, &suite).unwrap_err().to_string();
        assert!(e.contains("--file"), "{e}");
        let t = TestFile::load(&suite.join("seed_fold.rs")).unwrap();
        let rev = pick_revision(&t, &Target::new("thumbv6m-none-eabi"), None).unwrap();
        assert_eq!(rev.name.as_deref(), Some("thumbv6m"));
        assert!(pick_revision(&t, &Target::new("riscv32imac-unknown-none-elf"), None).is_err());
    }

    #[test]
    fn flags_leave_target_and_syntax_to_cargo() {
        let t = TestFile::parse(
            Path::new("t.rs"),
            "//@ assembly-output: emit-asm\n//@ compile-flags: -Copt-level=3 --target x86_64-unknown-linux-gnu -Cllvm-args=-x86-asm-syntax=intel -Cpanic=abort\n// CHECK: x\n",
        )
        .unwrap();
        assert_eq!(
            split_flags(&t.revisions[0]),
            (
                vec!["-Copt-level=3".to_string(), "-Cpanic=abort".to_string()],
                "--intel"
            )
        );
    }

    #[test]
    fn failure_suggests_the_label_before_the_failing_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.rs");
        std::fs::write(
            &path,
            "//@ assembly-output: emit-asm\n//@ revisions: a\n// CHECK-LABEL: first:\n// CHECK: x\n// CHECK-LABEL: second:\n// a: y\n",
        )
        .unwrap();
        let t = TestFile::load(&path).unwrap();
        let diag = format!("{}:6:7: error: a: expected string not found in input", path.display());
        let s = suggestion(&t, &t.revisions[0], &diag, "async-fork -Zx=no");
        assert!(s.contains("show second --toolchain 'async-fork -Zx=no'"), "{s}");
        assert!(s.contains("--revision a"), "{s}");
    }

    #[test]
    fn columns_keep_every_line() {
        let sides = vec![
            Side {
                toolchain: "a".into(),
                version: "1".into(),
                body: Ok(vec!["xx:".into(), "\tret".into()]),
                via: Some(Via::CargoShowAsm),
                command: None,
            },
            Side {
                toolchain: "b".into(),
                version: "2".into(),
                body: Err("no core for thumbv7em-none-eabihf".into()),
                via: None,
                command: None,
            },
        ];
        let t = side_by_side(&sides);
        assert!(t.contains("        ret"), "{t}");
        assert!(t.contains("cannot show: no core for thumbv7em-none-eabihf"), "{t}");
        assert!(diff(&sides).contains("+cannot show"), "{}", diff(&sides));
    }
}
