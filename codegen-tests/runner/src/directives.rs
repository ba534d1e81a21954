//! Test headers in rustc's compiletest format, plus the two facts compiletest has no word for.
//!
//! A test file is a Rust source whose `//@` lines are compiletest directives, so it can be copied
//! into rustc's `tests/assembly-llvm/` unchanged. We understand the subset assembly tests use:
//!
//! | directive | meaning |
//! |---|---|
//! | `assembly-output: emit-asm` | required: the test checks `--emit asm` output |
//! | `compile-flags: ...` | appended to the rustc command line (per revision with `//@[rev]`) |
//! | `revisions: a b` | one compilation per revision; FileCheck prefixes `CHECK` and the revision |
//! | `edition: 2018` | `--edition` |
//! | `only-X` / `ignore-X` | run only on / skip targets matching X (triple, arch, os, abi, `32bit`, `thumb`); every `only-` must match |
//! | `needs-llvm-components: arm x86` | skip where the toolchain cannot target those backends |
//! | `min-llvm-version: 17` | skip toolchains built on an older LLVM |
//! | `filecheck-flags: ...` | extra FileCheck arguments |
//!
//! Facts compiletest cannot express live in ordinary comments it ignores, prefixed `harness-`:
//! - `// harness-min-toolchain: 1.44.0 reason` — older toolchains are expected to fail, for that reason;
//! - `// harness-size: SYMBOL ideal=N reason` — SYMBOL returns a `size_of`; record it against the ideal N;
//! - `// harness-needs-z: OPTION reason` — only toolchains whose `rustc -Z help` lists `-ZOPTION` run the
//!   file; on the others it is a skip with that reason (an option only some nightlies or the fork have).
//!
//! Anything else spelled like a directive is an error naming file and line: a typo must not turn a
//! check off silently.
//!
//! The runner adds nothing a file does not say: rustc gets the file, `--emit asm -o OUT`
//! (`assembly-output`), `--edition` (`edition`), the revision's `compile-flags`, and the toolchain's
//! own flags from the command line. So a file compiles the same under compiletest in rustc's
//! `tests/assembly-llvm/` (which adds only flags that do not change what these files check:
//! `-O` before the file's `-Copt-level`, `-Cdebug-assertions=no`, `-Zcodegen-source-order`, the
//! revision's `--cfg`).
//!
//! Portability rule, checked here: a revision compiled for a target other than the host must carry
//! `only-` conditions that its target matches and the host does not (`only-thumb`, `only-eabihf`).
//! compiletest runs a test once per test target (`x.py test --target X`) with only that target's
//! (and the host's) library in the sysroot, so a cross revision must run only in its target's run;
//! the x86_64 revisions say `only-x86_64` for the same reason. compiletest has no condition that
//! tells thumbv6m-none-eabi from thumbv7em-none-eabihf other than `only-eabihf`, and no negation of
//! it, so a thumbv6m revision (`only-thumb`) also runs in a thumbv7em run and needs thumbv6m's core
//! there too: `scripts/fork.sh test` lists thumbv6m first, so its core is in the sysroot by then.

use std::path::{Path, PathBuf};

/// A parse error, pointing at the offending line.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}:{line}: {message}")]
pub struct DirectiveError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Directives that apply to one revision (or to all, when written without `[rev]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub compile_flags: Vec<String>,
    pub edition: Option<String>,
    pub only: Vec<String>,
    pub ignore: Vec<String>,
    pub llvm_components: Vec<String>,
    pub min_llvm_version: Option<u32>,
    pub filecheck_flags: Vec<String>,
}

impl Settings {
    fn merge(&mut self, other: &Settings) {
        self.compile_flags.extend(other.compile_flags.iter().cloned());
        if other.edition.is_some() {
            self.edition = other.edition.clone();
        }
        self.only.extend(other.only.iter().cloned());
        self.ignore.extend(other.ignore.iter().cloned());
        self.llvm_components.extend(other.llvm_components.iter().cloned());
        if other.min_llvm_version.is_some() {
            self.min_llvm_version = other.min_llvm_version;
        }
        self.filecheck_flags.extend(other.filecheck_flags.iter().cloned());
    }

    /// The `--target` given in compile-flags, if any.
    pub fn target(&self) -> Option<&str> {
        let mut it = self.compile_flags.iter();
        while let Some(f) = it.next() {
            if f == "--target" {
                return it.next().map(String::as_str);
            }
            if let Some(t) = f.strip_prefix("--target=") {
                return Some(t);
            }
        }
        None
    }
}

/// `// harness-size:` — a function whose returned constant is a future's size.
#[derive(Clone, Debug, PartialEq)]
pub struct SizeProbe {
    pub symbol: String,
    pub ideal: u64,
    pub reason: String,
}

/// `// harness-min-toolchain:` — the oldest release expected to pass.
#[derive(Clone, Debug, PartialEq)]
pub struct MinToolchain {
    pub release: String,
    pub reason: String,
}

/// One compilation of a test: a revision, with the settings that apply to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    /// `None` for a test without revisions.
    pub name: Option<String>,
    pub settings: Settings,
}

impl Revision {
    /// FileCheck prefixes: `CHECK` and, for a revision, its name (as compiletest does).
    pub fn check_prefixes(&self) -> Vec<String> {
        let mut p = vec!["CHECK".to_string()];
        if let Some(n) = &self.name {
            p.push(n.clone());
        }
        p
    }
}

/// A parsed test file.
#[derive(Clone, Debug, PartialEq)]
pub struct TestFile {
    pub path: PathBuf,
    /// File stem, used in tables: `seed-fold`.
    pub name: String,
    pub revisions: Vec<Revision>,
    pub min_toolchain: Option<MinToolchain>,
    pub sizes: Vec<SizeProbe>,
    /// `harness-needs-z`: (option, reason) pairs.
    pub needs_z: Vec<(String, String)>,
}

impl TestFile {
    pub fn load(path: &Path) -> Result<TestFile, DirectiveError> {
        let text = std::fs::read_to_string(path).map_err(|e| DirectiveError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read: {e}"),
        })?;
        TestFile::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<TestFile, DirectiveError> {
        let file = path.display().to_string();
        let err = |line: usize, message: String| DirectiveError {
            file: file.clone(),
            line,
            message,
        };
        let mut common = Settings::default();
        let mut per_rev: Vec<(String, usize, Settings)> = Vec::new();
        let mut revisions: Option<(usize, Vec<String>)> = None;
        let mut assembly_output = false;
        let mut min_toolchain = None;
        let mut sizes = Vec::new();
        let mut needs_z = Vec::new();

        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_start();
            if let Some(rest) = line.strip_prefix("//@") {
                let (rev, body) = split_revision(rest).map_err(|m| err(n, m))?;
                let (key, value) = match body.split_once(':') {
                    Some((k, v)) => (k.trim(), Some(v.trim())),
                    None => (body.trim(), None),
                };
                let mut s = Settings::default();
                match (key, value) {
                    ("assembly-output", Some("emit-asm")) if rev.is_none() => assembly_output = true,
                    ("assembly-output", Some(v)) => {
                        return Err(err(n, format!("unsupported assembly-output `{v}` (only emit-asm)")))
                    }
                    ("revisions", Some(v)) if rev.is_none() => {
                        let names: Vec<String> = v.split_whitespace().map(String::from).collect();
                        if names.is_empty() {
                            return Err(err(n, "`revisions:` lists no revision".into()));
                        }
                        revisions = Some((n, names));
                    }
                    ("compile-flags", Some(v)) => s.compile_flags = v.split_whitespace().map(String::from).collect(),
                    ("edition", Some(v)) => s.edition = Some(v.to_string()),
                    ("needs-llvm-components", Some(v)) => {
                        s.llvm_components = v.split_whitespace().map(String::from).collect()
                    }
                    ("min-llvm-version", Some(v)) => {
                        let major = v.split('.').next().and_then(|m| m.parse().ok());
                        s.min_llvm_version = Some(major.ok_or_else(|| err(n, format!("bad min-llvm-version `{v}`")))?);
                    }
                    ("filecheck-flags", Some(v)) => {
                        s.filecheck_flags = v.split_whitespace().map(String::from).collect()
                    }
                    (k, None) if k.starts_with("only-") => s.only.push(k["only-".len()..].to_string()),
                    (k, None) if k.starts_with("ignore-") => s.ignore.push(k["ignore-".len()..].to_string()),
                    (k, _) => return Err(err(n, format!("unknown or malformed directive `{}`", k))),
                }
                match rev {
                    None => common.merge(&s),
                    Some(r) => per_rev.push((r, n, s)),
                }
            } else if let Some(rest) = line.strip_prefix("// harness-") {
                let (key, value) = rest
                    .split_once(':')
                    .ok_or_else(|| err(n, format!("malformed `harness-{rest}`: expected `harness-KEY: VALUE`")))?;
                let value = value.trim();
                match key.trim() {
                    "min-toolchain" => {
                        let (release, reason) = value.split_once(' ').unwrap_or((value, ""));
                        if harness::toolchain::parse_release(release).is_none() {
                            return Err(err(n, format!("bad release `{release}` in harness-min-toolchain")));
                        }
                        min_toolchain = Some(MinToolchain {
                            release: release.into(),
                            reason: reason.trim().into(),
                        });
                    }
                    "size" => sizes.push(parse_size(value).map_err(|m| err(n, m))?),
                    "needs-z" => match value.split_once(' ') {
                        Some((option, reason)) if !option.is_empty() && !reason.trim().is_empty() => {
                            needs_z.push((option.trim_start_matches("-Z").to_string(), reason.trim().to_string()))
                        }
                        _ => return Err(err(n, "harness-needs-z needs an option and a reason".into())),
                    },
                    other => return Err(err(n, format!("unknown harness directive `harness-{other}`"))),
                }
            }
        }

        if !assembly_output {
            return Err(err(1, "missing `//@ assembly-output: emit-asm`".into()));
        }
        let names: Vec<Option<String>> = match &revisions {
            Some((_, names)) => names.iter().cloned().map(Some).collect(),
            None => vec![None],
        };
        for (r, n, _) in &per_rev {
            if !names.contains(&Some(r.clone())) {
                return Err(err(*n, format!("revision `{r}` is not listed in `revisions:`")));
            }
        }
        let revisions_out: Vec<Revision> = names
            .into_iter()
            .map(|name| {
                let mut settings = common.clone();
                for (r, _, s) in &per_rev {
                    if Some(r) == name.as_ref() {
                        settings.merge(s);
                    }
                }
                Revision { name, settings }
            })
            .collect();

        for rev in &revisions_out {
            let Some(target) = rev.settings.target().map(harness::Target::new) else {
                continue;
            };
            let host = harness::Target::host();
            if target == host {
                continue;
            }
            let ok = !rev.settings.only.is_empty()
                && rev.settings.only.iter().all(|c| target.matches_condition(c))
                && rev.settings.only.iter().any(|c| !host.matches_condition(c));
            if !ok {
                let line = per_rev
                    .iter()
                    .find(|(r, _, s)| Some(r) == rev.name.as_ref() && s.target().is_some())
                    .map(|(_, n, _)| *n)
                    .unwrap_or(1);
                let name = rev.name.as_deref().unwrap_or("the test");
                return Err(err(
                    line,
                    format!(
                        "revision `{name}` compiles for {target} but has no `only-` condition that {target} matches and \
                         the host does not (e.g. `//@[{name}] only-{}`): compiletest would compile it in a host test run, \
                         whose sysroot has no core for {target}",
                        if target.triple().starts_with("thumb") { "thumb" } else { target.arch() }
                    ),
                ));
            }
        }

        // Every revision must be checked by something: a `CHECK` line or one of its own prefix.
        let check_re =
            regex::Regex::new(r"//\s*([A-Za-z0-9_-]+?)(-LABEL|-NEXT|-NOT|-SAME|-DAG|-EMPTY|-COUNT-\d+)?:").unwrap();
        let prefixes: std::collections::HashSet<String> =
            check_re.captures_iter(text).map(|c| c[1].to_string()).collect();
        for rev in &revisions_out {
            if !rev.check_prefixes().iter().any(|p| prefixes.contains(p)) {
                let line = revisions.as_ref().map(|(n, _)| *n).unwrap_or(1);
                let what = rev
                    .name
                    .as_deref()
                    .map(|r| format!("revision `{r}`"))
                    .unwrap_or_else(|| "the test".into());
                return Err(err(
                    line,
                    format!(
                        "{what} has no FileCheck lines (expected `// CHECK:` or `// {}:`)",
                        rev.check_prefixes().last().unwrap()
                    ),
                ));
            }
        }
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(TestFile {
            path: path.to_path_buf(),
            name,
            revisions: revisions_out,
            min_toolchain,
            needs_z,
            sizes,
        })
    }
}

/// `[rev] key: value` -> (Some(rev), "key: value"); ` key: value` -> (None, ...).
fn split_revision(rest: &str) -> Result<(Option<String>, &str), String> {
    if let Some(r) = rest.strip_prefix('[') {
        let (rev, body) = r.split_once(']').ok_or("unclosed `[` in revision-specific directive")?;
        Ok((Some(rev.trim().to_string()), body))
    } else {
        Ok((None, rest))
    }
}

/// `SYMBOL ideal=N reason...`
fn parse_size(value: &str) -> Result<SizeProbe, String> {
    let mut words = value.splitn(3, ' ');
    let symbol = words
        .next()
        .filter(|s| !s.is_empty())
        .ok_or("harness-size needs a symbol")?;
    let ideal = words
        .next()
        .and_then(|w| w.strip_prefix("ideal="))
        .and_then(|n| n.parse().ok())
        .ok_or("harness-size needs `ideal=N` after the symbol")?;
    let reason = words.next().unwrap_or("").trim();
    if reason.is_empty() {
        return Err("harness-size needs a reason for its ideal".into());
    }
    Ok(SizeProbe {
        symbol: symbol.into(),
        ideal,
        reason: reason.into(),
    })
}

/// The test files of a suite directory, sorted by name.
pub fn discover(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<TestFile, DirectiveError> {
        TestFile::parse(Path::new("t.rs"), text)
    }

    const GOOD: &str = "//@ assembly-output: emit-asm\n//@ compile-flags: -Copt-level=3\n//@ edition: 2018\n//@ revisions: x86_64 thumb\n//@[x86_64] compile-flags: --target x86_64-unknown-linux-gnu\n//@[thumb] compile-flags: --target thumbv7em-none-eabihf\n//@[thumb] needs-llvm-components: arm\n//@[thumb] only-thumb\n// harness-min-toolchain: 1.44.0 async in no_std\n// harness-size: size_f ideal=1026 one copy of the argument\n// CHECK-LABEL: xx:\n// x86_64-NEXT: mov eax, 9\n// thumb: movs r0, #9\n";

    #[test]
    fn parses_revisions_and_flags() {
        let t = parse(GOOD).unwrap();
        assert_eq!(t.revisions.len(), 2);
        let thumb = &t.revisions[1];
        assert_eq!(thumb.name.as_deref(), Some("thumb"));
        assert_eq!(
            thumb.settings.compile_flags,
            vec!["-Copt-level=3", "--target", "thumbv7em-none-eabihf"]
        );
        assert_eq!(thumb.settings.target(), Some("thumbv7em-none-eabihf"));
        assert_eq!(thumb.settings.llvm_components, vec!["arm"]);
        assert_eq!(thumb.settings.edition.as_deref(), Some("2018"));
        assert_eq!(thumb.check_prefixes(), vec!["CHECK", "thumb"]);
        assert_eq!(t.min_toolchain.as_ref().unwrap().release, "1.44.0");
        assert_eq!(
            t.sizes[0],
            SizeProbe {
                symbol: "size_f".into(),
                ideal: 1026,
                reason: "one copy of the argument".into()
            }
        );
    }

    #[test]
    fn unknown_directive_names_file_and_line() {
        let e = parse("//@ assembly-output: emit-asm\n//@ compile-flgs: -O\n// CHECK: x\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("t.rs", 2));
        assert!(e.message.contains("compile-flgs"), "{e}");
        let e = parse("//@ assembly-output: emit-asm\n// harness-sizes: f ideal=1 r\n// CHECK: x\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn needs_z_takes_an_option_and_a_reason() {
        let t = parse(
            "//@ assembly-output: emit-asm\n// harness-needs-z: -Zasync-panic only some nightlies\n// CHECK: x\n",
        )
        .unwrap();
        assert_eq!(
            t.needs_z,
            vec![("async-panic".to_string(), "only some nightlies".to_string())]
        );
        let e = parse("//@ assembly-output: emit-asm\n// harness-needs-z: async-panic\n// CHECK: x\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("reason"), "{e}");
    }

    #[test]
    fn file_without_checks_is_an_error() {
        let e = parse("//@ assembly-output: emit-asm\npub fn f() {}\n").unwrap_err();
        assert!(e.message.contains("no FileCheck lines"), "{e}");
        // A revision whose prefix never appears, with no plain CHECK, is unchecked too.
        let e = parse("//@ assembly-output: emit-asm\n//@ revisions: a b\n// a: x\n").unwrap_err();
        assert!(e.message.contains("revision `b`"), "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn revision_directive_for_unknown_revision() {
        let e = parse("//@ assembly-output: emit-asm\n//@ revisions: a\n//@[b] compile-flags: -O\n// CHECK: x\n")
            .unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn cross_revision_must_exclude_the_host_run() {
        let text = "//@ assembly-output: emit-asm\n//@ revisions: m0\n//@[m0] compile-flags: --target thumbv6m-none-eabi\n// CHECK: x\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("only-thumb"), "{e}");
        assert!(parse(&format!("{text}//@[m0] only-thumb\n")).is_ok());
        assert!(parse(&format!("{text}//@[m0] only-32bit\n")).is_ok());
        // A condition its own target does not match would never run it.
        let e = parse(&format!("{text}//@[m0] only-thumb\n//@[m0] only-eabihf\n")).unwrap_err();
        assert!(e.message.contains("m0"), "{e}");
    }

    /// Every file of the suite obeys these rules (the portability rule included), so a bad one
    /// fails `cargo test` before it reaches a matrix run or compiletest.
    #[test]
    fn the_suite_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assembly");
        let files = discover(&dir).unwrap();
        assert!(files.len() >= 5, "{files:?}");
        for f in files {
            TestFile::load(&f).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn missing_assembly_output() {
        assert!(parse("// CHECK: x\n").unwrap_err().message.contains("assembly-output"));
    }

    #[test]
    fn size_needs_ideal_and_reason() {
        assert!(parse_size("f ideal=10").is_err());
        assert!(parse_size("f 10 reason").is_err());
        assert!(parse_size("f ideal=10 because").is_ok());
    }
}
