//! Build one program with one toolchain at one opt level, then run it; both bounded in time.
//!
//! rustc is called directly (the real binary from `ToolchainInfo`, never the rustup proxy), with
//! only `--edition`, `-C opt-level`, `-o` and the compiler's own extra flags, so that the command
//! line in a reproducer is all it takes to rebuild. Debug assertions keep rustc's default for the
//! opt level (on at 0), the same for every toolchain.
//!
//! A compiler is named like in the other tools (`future-sizes`): a toolchain, optionally followed
//! by rustc flags in the same argument (`"async-fork -Zsome-switch=no"`), so one fork build can be
//! compared with itself with a patch switched off.

use harness::rustc::{Invocation, Outcome};
use harness::ToolchainInfo;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub compile: Duration,
    pub run: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            compile: Duration::from_secs(120),
            run: Duration::from_secs(10),
        }
    }
}

/// A value of `-C opt-level`: `0`..`3`, or `s`/`z` (the sizes embedded targets are built at).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OptLevel(String);

impl std::str::FromStr for OptLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<OptLevel, String> {
        match s {
            "0" | "1" | "2" | "3" | "s" | "z" => Ok(OptLevel(s.to_string())),
            _ => Err(format!("`{s}` is not an opt level (0, 1, 2, 3, s, z)")),
        }
    }
}

impl std::fmt::Display for OptLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A toolchain as one side of a comparison.
#[derive(Clone, Debug)]
pub struct Compiler {
    /// The toolchain; its `name` is the whole spec and `flags` the rustc flags it is used with.
    pub info: ToolchainInfo,
}

impl Compiler {
    /// `"nightly"`, `"/path/to/rustc"`, `"async-fork -Zswitch=no"` (for tests; the command line
    /// goes through [`harness::ToolchainArgs`]).
    pub fn from_spec(spec: &str) -> anyhow::Result<Compiler> {
        let spec: harness::ToolchainSpec = spec.parse().map_err(anyhow::Error::msg)?;
        Ok(Compiler { info: spec.resolve()? })
    }

    pub fn plain(info: ToolchainInfo) -> Compiler {
        Compiler { info }
    }

    /// What identifies this build of the toolchain on disk: rustc, its driver library and the
    /// host std, with sizes and modification times. A fork being rebuilt during a campaign
    /// changes (or loses) them, and a comparison against a half-installed compiler means nothing.
    pub fn fingerprint(&self) -> String {
        let tc = &self.info;
        let host_lib = tc.sysroot.join("lib/rustlib").join(harness::target::HOST).join("lib");
        let mut files = vec![tc.rustc.clone()];
        for (dir, prefix, suffix) in [
            (tc.sysroot.join("lib"), "librustc_driver-", ".so"),
            (host_lib.clone(), "libstd-", ".rlib"),
            (host_lib, "libcore-", ".rlib"),
        ] {
            let mut found: Vec<_> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().unwrap_or_default().to_string_lossy();
                    n.starts_with(prefix) && n.ends_with(suffix)
                })
                .collect();
            found.sort();
            files.extend(found);
        }
        files
            .iter()
            .map(|f| match std::fs::metadata(f) {
                Ok(m) => format!("{} {} {:?}", f.display(), m.len(), m.modified().ok()),
                Err(_) => format!("{} missing", f.display()),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How the program ran (only when it compiled).
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    pub outcome: Outcome,
    pub stdout: String,
    pub stderr: String,
    pub command: String,
    pub secs: f64,
}

/// One toolchain's build of one program at one opt level.
#[derive(Clone, Debug, Serialize)]
pub struct Build {
    pub toolchain: String,
    pub opt: OptLevel,
    pub compile: Outcome,
    pub compile_stderr: String,
    pub compile_command: String,
    pub compile_secs: f64,
    pub run: Option<Run>,
}

/// Compile `src` into `dir/<stem>` and run it.
pub fn build_and_run(c: &Compiler, src: &Path, dir: &Path, stem: &str, opt: &OptLevel, limits: Limits) -> Build {
    let tc = &c.info;
    let bin = dir.join(stem);
    let inv = Invocation::new(&tc.rustc)
        .args(["--edition", "2021", "-C"])
        .arg(format!("opt-level={opt}"))
        .args(&tc.flags)
        .arg("-o")
        .arg(&bin)
        .arg(src)
        .cwd(dir)
        .timeout(limits.compile);
    let compile_command = inv.display();
    let (compile, compile_stderr, compile_secs) = match inv.run() {
        Ok(f) => (f.outcome, f.stderr, f.wall.as_secs_f64()),
        Err(e) => (
            Outcome::Crashed {
                detail: format!("cannot start rustc: {e}"),
            },
            String::new(),
            0.0,
        ),
    };
    let run = compile.is_success().then(|| {
        let inv = Invocation::new(&bin).cwd(dir).timeout(limits.run);
        let command = inv.display();
        match inv.run() {
            Ok(f) => Run {
                outcome: f.outcome,
                stdout: f.stdout,
                stderr: f.stderr,
                command,
                secs: f.wall.as_secs_f64(),
            },
            Err(e) => Run {
                outcome: Outcome::Crashed {
                    detail: format!("cannot start the program: {e}"),
                },
                stdout: String::new(),
                stderr: String::new(),
                command,
                secs: 0.0,
            },
        }
    });
    Build {
        toolchain: tc.name.clone(),
        opt: opt.clone(),
        compile,
        compile_stderr,
        compile_command,
        compile_secs,
        run,
    }
}

impl Build {
    /// Everything a reader of a reproducer needs about this side, as text.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "toolchain: {}\nopt-level: {}\ncompile: {}\n$ {}\n",
            self.toolchain,
            self.opt,
            self.compile.summary(),
            self.compile_command
        );
        if !self.compile_stderr.trim().is_empty() {
            s.push_str("--- rustc stderr ---\n");
            s.push_str(&self.compile_stderr);
        }
        if let Some(r) = &self.run {
            s.push_str(&format!(
                "run: {}\n$ {}\n--- stdout ---\n{}",
                r.outcome.summary(),
                r.command,
                r.stdout
            ));
            if !r.stderr.trim().is_empty() {
                s.push_str("--- stderr ---\n");
                s.push_str(&r.stderr);
            }
        }
        s
    }
}
